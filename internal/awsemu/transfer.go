package awsemu

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
)

// AWS Transfer Family managed workflows (AWS JSON 1.1, X-Amz-Target
// TransferService.<Operation>): ListExecutions, DescribeExecution and
// DescribeWorkflow.
//
// Transfer exposes only executions that are in progress: ListExecutions
// "lists all in-progress executions" and DescribeExecution "only returns
// details for in-progress workflows", answering ResourceNotFoundException
// for any other execution. An execution is in progress while its status is
// IN_PROGRESS or HANDLING_EXCEPTION (the workflow hit an error and is
// running its exception-handling steps: it has not finished). COMPLETED and
// EXCEPTION executions can be seen through neither API, so none is seeded.
//
// Executions carry no timestamps. ListExecutions returns them newest created
// first; the creation time shows only in the uploaded file's name, which
// starts with it (layout transferStampLayout), as partner uploads often do.

// transferStampLayout is the layout of the creation time that starts the
// name of every uploaded file.
const transferStampLayout = "20060102T150405.000Z"

// transferPages are the page sizes (MaxResults) of ListExecutions. AWS
// documents the range 1-1000 and no default; the emulator returns whole
// pages of 1000 when MaxResults is absent.
var transferPages = pageSizes{min: 1, max: 1000, def: 1000}

var (
	transferWorkflowIDRe  = regexp.MustCompile(`^w-[a-z0-9]{17}$`)
	transferExecutionIDRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// transferData is one region's Transfer workflows and their in-progress
// executions: its catalog files the workflows by WorkflowId and their
// executions by ExecutionId.
type transferData struct {
	catalog[*transferWorkflow, *xferExecution]
}

// transferWorkflow is a workflow, where its uploads arrive, and its
// in-progress executions, newest created first (xferCmp).
type transferWorkflow struct {
	desc       xferWorkflow
	site       xferSite
	role       string       // the ExecutionRole of its executions
	logging    *xferLogging // their LoggingConfiguration
	executions []*xferExecution
}

func (wf *transferWorkflow) key() string              { return wf.desc.WorkflowId }
func (wf *transferWorkflow) listed() []*xferExecution { return wf.executions }
func (x *xferExecution) key() string                  { return x.ExecutionId }
func (x *xferExecution) resourceKey() string          { return x.wf.key() }

// Wire shapes. Member names are Transfer's PascalCase ones.

type xferWorkflow struct {
	Arn              string     `json:"Arn"`
	WorkflowId       string     `json:"WorkflowId"`
	Description      string     `json:"Description,omitempty"`
	Steps            []xferStep `json:"Steps"`
	OnExceptionSteps []xferStep `json:"OnExceptionSteps,omitempty"`
	Tags             []xferTag  `json:"Tags,omitempty"`
}

type xferTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// xferStep is a WorkflowStep: Type and the details member of that type.
type xferStep struct {
	Type               string           `json:"Type"`
	CopyStepDetails    *xferStepDetails `json:"CopyStepDetails,omitempty"`
	CustomStepDetails  *xferStepDetails `json:"CustomStepDetails,omitempty"`
	DecryptStepDetails *xferStepDetails `json:"DecryptStepDetails,omitempty"`
	DeleteStepDetails  *xferStepDetails `json:"DeleteStepDetails,omitempty"`
	TagStepDetails     *xferStepDetails `json:"TagStepDetails,omitempty"`
}

// xferStepDetails holds the members of every kind of step details; a step
// sets only those of its kind.
type xferStepDetails struct {
	Name                    string        `json:"Name"`
	SourceFileLocation      string        `json:"SourceFileLocation,omitempty"`
	DestinationFileLocation *xferLocation `json:"DestinationFileLocation,omitempty"`
	OverwriteExisting       string        `json:"OverwriteExisting,omitempty"`
	Target                  string        `json:"Target,omitempty"`
	TimeoutSeconds          int           `json:"TimeoutSeconds,omitempty"`
	Tags                    []xferTag     `json:"Tags,omitempty"`
	Type                    string        `json:"Type,omitempty"`
}

// xferLocation is a FileLocation (or, in step details, an InputFileLocation,
// whose S3 location has no VersionId nor Etag).
type xferLocation struct {
	S3FileLocation  *xferS3Location  `json:"S3FileLocation,omitempty"`
	EfsFileLocation *xferEfsLocation `json:"EfsFileLocation,omitempty"`
}

type xferS3Location struct {
	Bucket    string `json:"Bucket"`
	Key       string `json:"Key"`
	VersionId string `json:"VersionId,omitempty"`
	Etag      string `json:"Etag,omitempty"`
}

type xferEfsLocation struct {
	FileSystemId string `json:"FileSystemId"`
	Path         string `json:"Path"`
}

type xferServiceMetadata struct {
	UserDetails xferUserDetails `json:"UserDetails"`
}

type xferUserDetails struct {
	UserName  string `json:"UserName"`
	ServerId  string `json:"ServerId"`
	SessionId string `json:"SessionId"`
}

type xferLogging struct {
	LoggingRole  string `json:"LoggingRole"`
	LogGroupName string `json:"LogGroupName"`
}

type xferPosix struct {
	Uid           int64   `json:"Uid"`
	Gid           int64   `json:"Gid"`
	SecondaryGids []int64 `json:"SecondaryGids,omitempty"`
}

type xferResults struct {
	Steps            []xferStepResult `json:"Steps,omitempty"`
	OnExceptionSteps []xferStepResult `json:"OnExceptionSteps,omitempty"`
}

type xferStepResult struct {
	StepType string     `json:"StepType"`
	Outputs  string     `json:"Outputs,omitempty"`
	Error    *xferError `json:"Error,omitempty"`
}

type xferError struct {
	Type    string `json:"Type"`
	Message string `json:"Message"`
}

// xferExecution is a DescribedExecution.
type xferExecution struct {
	ExecutionId          string               `json:"ExecutionId"`
	InitialFileLocation  *xferLocation        `json:"InitialFileLocation"`
	ServiceMetadata      *xferServiceMetadata `json:"ServiceMetadata"`
	ExecutionRole        string               `json:"ExecutionRole"`
	LoggingConfiguration *xferLogging         `json:"LoggingConfiguration"`
	PosixProfile         *xferPosix           `json:"PosixProfile,omitempty"`
	Status               string               `json:"Status"`
	Results              *xferResults         `json:"Results"`
	created              time.Time            // shows only in the file name
	wf                   *transferWorkflow    // the workflow that runs it
}

// xferCmp compares executions in ListExecutions order: newest created
// first, ties by id.
func xferCmp(a, b *xferExecution) int {
	return newestFirst(a.created, b.created, a.ExecutionId, b.ExecutionId)
}

// xferListedExecution is a ListedExecution: a subset of the described
// execution, sharing its values.
type xferListedExecution struct {
	ExecutionId         string               `json:"ExecutionId"`
	InitialFileLocation *xferLocation        `json:"InitialFileLocation"`
	ServiceMetadata     *xferServiceMetadata `json:"ServiceMetadata"`
	Status              string               `json:"Status"`
}

func (x *xferExecution) listEntry() xferListedExecution {
	return xferListedExecution{x.ExecutionId, x.InitialFileLocation, x.ServiceMetadata, x.Status}
}

// Seeding.

// xferSite is where a workflow's uploads arrive: one server, its users, and
// the bucket or EFS file system they upload to.
type xferSite struct {
	region, serverID string
	efs              bool
	store            string // bucket name or file system id
	users            []string
}

// seedTransfer seeds the region's workflows. The primary region has an idle
// workflow (no execution in progress), a small one (1-10) and a large one
// (2,600-2,800, more than 2.5 pages of 1000); the second region a small one
// and one of 30-120.
func seedTransfer(r *rand.Rand, region string, primary bool) *transferData {
	counts := []int{smallCount(r), 30 + r.IntN(91)}
	if primary {
		counts = []int{0, smallCount(r), 2600 + r.IntN(201)}
	}
	d := &transferData{}
	for i, n := range counts {
		wf := seedXferWorkflow(r, seedXferSite(r, region, i%2 == 1))
		wf.seedExecutions(r, n)
		d.add(wf)
	}
	return d
}

var (
	xferPartners = []string{"acme-corp", "globex", "initech", "umbrella", "hooli", "stark-ind", "wayne-ent", "tyrell", "cyberdyne", "soylent"}
	xferFiles    = []string{"invoices", "orders", "shipments", "payroll", "inventory", "claims", "statements", "remittance"}
)

func seedXferSite(r *rand.Rand, region string, efs bool) xferSite {
	s := xferSite{region: region, serverID: "s-" + hexID(r, 17), efs: efs}
	if efs {
		s.store = "fs-" + hexID(r, 17)
	} else {
		s.store = fmt.Sprintf("partner-inbound-%s-%s", region, hexID(r, 6))
	}
	start := r.IntN(len(xferPartners))
	for i := range 3 + r.IntN(5) {
		s.users = append(s.users, xferPartners[(start+i)%len(xferPartners)])
	}
	return s
}

// seedXferWorkflow returns a workflow without executions. Uploads to S3 are
// archived, tagged, announced and deleted; uploads to EFS are decrypted,
// validated and deleted.
func seedXferWorkflow(r *rand.Rand, s xferSite) *transferWorkflow {
	id := "w-" + hexID(r, 17)
	lambda := func(name string) string {
		return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", s.region, AccountID, name)
	}
	wf := xferWorkflow{
		Arn:        fmt.Sprintf("arn:aws:transfer:%s:%s:workflow/%s", s.region, AccountID, id),
		WorkflowId: id,
		Tags:       []xferTag{{"team", "data-ingest"}, {"env", "prod"}},
	}
	if s.efs {
		wf.Description = "Decrypt, validate and remove PGP uploads on EFS"
		wf.Steps = []xferStep{
			xferStepOf("DECRYPT", xferStepDetails{Name: "pgp-decrypt", SourceFileLocation: "${original.file}", Type: "PGP", OverwriteExisting: "TRUE",
				DestinationFileLocation: &xferLocation{EfsFileLocation: &xferEfsLocation{FileSystemId: s.store, Path: "/decrypted/"}}}),
			xferStepOf("CUSTOM", xferStepDetails{Name: "validate-payload", SourceFileLocation: "${previous.file}", Target: lambda("transfer-validate-payload"), TimeoutSeconds: 300}),
			xferStepOf("DELETE", xferStepDetails{Name: "delete-encrypted", SourceFileLocation: "${original.file}"}),
		}
	} else {
		wf.Description = "Archive, tag and announce partner uploads"
		wf.Steps = []xferStep{
			xferStepOf("COPY", xferStepDetails{Name: "archive-copy", SourceFileLocation: "${original.file}", OverwriteExisting: "FALSE",
				DestinationFileLocation: &xferLocation{S3FileLocation: &xferS3Location{Bucket: s.store + "-archive", Key: "archive/${transfer:UserName}/"}}}),
			xferStepOf("TAG", xferStepDetails{Name: "mark-processed", SourceFileLocation: "${previous.file}", Tags: []xferTag{{"processed", "true"}}}),
			xferStepOf("CUSTOM", xferStepDetails{Name: "notify-ingest", SourceFileLocation: "${previous.file}", Target: lambda("transfer-notify-ingest"), TimeoutSeconds: 60}),
			xferStepOf("DELETE", xferStepDetails{Name: "delete-original", SourceFileLocation: "${original.file}"}),
		}
	}
	wf.OnExceptionSteps = []xferStep{
		xferStepOf("CUSTOM", xferStepDetails{Name: "alert-ops", SourceFileLocation: "${original.file}", Target: lambda("transfer-alert-ops"), TimeoutSeconds: 30}),
	}
	if !s.efs {
		wf.OnExceptionSteps = append(wf.OnExceptionSteps,
			xferStepOf("TAG", xferStepDetails{Name: "quarantine", SourceFileLocation: "${original.file}", Tags: []xferTag{{"status", "quarantined"}}}))
	}
	return &transferWorkflow{
		desc: wf,
		site: s,
		role: fmt.Sprintf("arn:aws:iam::%s:role/transfer-workflow-%s", AccountID, id),
		logging: &xferLogging{
			LoggingRole:  fmt.Sprintf("arn:aws:iam::%s:role/AWSTransferLoggingAccess", AccountID),
			LogGroupName: "/aws/transfer/" + s.serverID,
		},
	}
}

// xferStepOf returns a step of the given type with its details member set.
func xferStepOf(typ string, d xferStepDetails) xferStep {
	s := xferStep{Type: typ}
	switch typ {
	case "COPY":
		s.CopyStepDetails = &d
	case "CUSTOM":
		s.CustomStepDetails = &d
	case "DECRYPT":
		s.DecryptStepDetails = &d
	case "DELETE":
		s.DeleteStepDetails = &d
	case "TAG":
		s.TagStepDetails = &d
	}
	return s
}

// xferFailures are the errors a step of each type fails with.
var xferFailures = map[string][]xferError{
	"COPY":    {{"ALREADY_EXISTS", "Destination object already exists and OverwriteExisting is FALSE"}, {"PERMISSION_DENIED", "Access denied to destination bucket"}},
	"TAG":     {{"PERMISSION_DENIED", "Access denied: s3:PutObjectTagging"}},
	"CUSTOM":  {{"CUSTOM_STEP_FAILED", "Custom step reported failure: payload rejected"}, {"TIMEOUT", "Custom step did not call back before its timeout"}},
	"DELETE":  {{"NOT_FOUND", "Source file not found"}, {"PERMISSION_DENIED", "Access denied to source file"}},
	"DECRYPT": {{"BAD_REQUEST", "PGP decryption failed: no matching private key"}},
}

// seedExecutions adds n in-progress executions, created at distinct times
// before seedEpoch and kept newest first.
func (wf *transferWorkflow) seedExecutions(r *rand.Rand, n int) {
	created := startTimes(r, n)
	wf.executions = make([]*xferExecution, n)
	for i, t := range created {
		wf.executions[n-1-i] = wf.seedExecution(r, t)
	}
}

// seedExecution returns an in-progress execution of wf for a file uploaded
// at t: IN_PROGRESS with some steps done, or (about one in eight)
// HANDLING_EXCEPTION after a step failed, with some exception steps done.
func (wf *transferWorkflow) seedExecution(r *rand.Rand, t time.Time) *xferExecution {
	x := wf.newExecution(r, t)
	steps := wf.desc.Steps
	if r.IntN(8) > 0 {
		x.Results.Steps = xferDone(x, steps[:r.IntN(len(steps))])
		return x
	}
	x.Status = "HANDLING_EXCEPTION"
	failed := r.IntN(len(steps))
	errs := xferFailures[steps[failed].Type]
	e := errs[r.IntN(len(errs))]
	x.Results.Steps = append(xferDone(x, steps[:failed]), xferStepResult{StepType: steps[failed].Type, Error: &e})
	x.Results.OnExceptionSteps = xferDone(x, wf.desc.OnExceptionSteps[:r.IntN(len(wf.desc.OnExceptionSteps))])
	return x
}

// newExecution returns an IN_PROGRESS execution of wf that has run no step,
// for a file that a user of the workflow's site uploaded at t.
func (wf *transferWorkflow) newExecution(r *rand.Rand, t time.Time) *xferExecution {
	s := wf.site
	user := s.users[r.IntN(len(s.users))]
	name := fmt.Sprintf("%s_%s-%04d.csv", t.UTC().Format(transferStampLayout), xferFiles[r.IntN(len(xferFiles))], r.IntN(10000))
	x := &xferExecution{
		ExecutionId:          uuid(r),
		ServiceMetadata:      &xferServiceMetadata{xferUserDetails{UserName: user, ServerId: s.serverID, SessionId: hexID(r, 16)}},
		ExecutionRole:        wf.role,
		LoggingConfiguration: wf.logging,
		Status:               "IN_PROGRESS",
		Results:              &xferResults{},
		created:              t,
		wf:                   wf,
	}
	if s.efs {
		name += ".pgp"
		x.InitialFileLocation = &xferLocation{EfsFileLocation: &xferEfsLocation{FileSystemId: s.store, Path: "/home/" + user + "/inbound/" + name}}
		uid := int64(2001 + slices.Index(xferPartners, user))
		x.PosixProfile = &xferPosix{Uid: uid, Gid: 2000, SecondaryGids: []int64{uid}}
	} else {
		x.InitialFileLocation = &xferLocation{S3FileLocation: &xferS3Location{Bucket: s.store, Key: "inbound/" + user + "/" + name, VersionId: hexID(r, 32), Etag: hexID(r, 32)}}
	}
	return x
}

// appendExecution adds an execution to the workflow m.resource for a file
// uploaded at m.startAfter the newest execution's creation (which shows in
// the file name). Transfer lists only executions in progress, so the status
// must be IN_PROGRESS (the default: no step has run) or HANDLING_EXCEPTION
// (the first step failed).
func (d *transferData) appendExecution(m *mutation) (Execution, error) {
	wf, err := d.resource(m)
	if err != nil {
		return Execution{}, err
	}
	if m.ended() {
		return Execution{}, fmt.Errorf("transfer lists only executions in progress: a new execution is IN_PROGRESS or HANDLING_EXCEPTION, not %s", m.status)
	}
	var newest time.Time
	if len(wf.executions) > 0 {
		newest = wf.executions[0].created
	}
	x := wf.newExecution(m.rnd, m.startAfter(newest))
	x.settle(wf.desc, m.status)
	wf.executions = insertSorted(wf.executions, x, xferCmp)
	d.addEntry(x)
	return x.info(m), nil
}

// setStatus changes the status of the execution m.id of the workflow
// m.resource. COMPLETED and EXCEPTION end it: it leaves ListExecutions and
// DescribeExecution no longer finds it, as on AWS (and so neither does a
// later setStatus). The other statuses change its results as settle says.
func (d *transferData) setStatus(m *mutation) (Execution, error) {
	wf, x, err := d.execution(m, m.id)
	if err != nil {
		return Execution{}, err
	}
	if m.ended() {
		wf.executions = without(wf.executions, x)
		delete(d.entries, x.ExecutionId)
		x.Status = m.status
		return x.info(m), nil
	}
	x.settle(wf.desc, m.status)
	return x.info(m), nil
}

// settle gives an execution in progress the status: HANDLING_EXCEPTION
// fails the next step of the workflow (unless one has failed already), with
// the first error its type fails with; IN_PROGRESS takes back a failed step
// and the exception steps run for it.
func (x *xferExecution) settle(wf xferWorkflow, status string) {
	x.Status = status
	res := x.Results
	failed := len(res.Steps) > 0 && res.Steps[len(res.Steps)-1].Error != nil
	switch {
	case status == "HANDLING_EXCEPTION" && !failed:
		next := wf.Steps[len(res.Steps)]
		e := xferFailures[next.Type][0]
		res.Steps = append(res.Steps, xferStepResult{StepType: next.Type, Error: &e})
	case status == "IN_PROGRESS" && failed:
		res.Steps, res.OnExceptionSteps = res.Steps[:len(res.Steps)-1], nil
	}
}

func (x *xferExecution) info(m *mutation) Execution {
	return m.execution(x.ExecutionId, x.Status, x.created, time.Time{})
}

// xferDone returns the results of steps that succeeded for x: each reports
// the file it left as its Outputs, {"fileLocation": {...}}.
func xferDone(x *xferExecution, steps []xferStep) []xferStepResult {
	out := make([]xferStepResult, len(steps))
	for i, st := range steps {
		out[i] = xferStepResult{StepType: st.Type, Outputs: xferOutputs(x, st)}
	}
	return out
}

func xferOutputs(x *xferExecution, st xferStep) string {
	type location struct {
		BackingStore string `json:"backingStore"`
		Bucket       string `json:"bucket,omitempty"`
		Key          string `json:"key,omitempty"`
		Etag         string `json:"etag,omitempty"`
		FileSystemID string `json:"fileSystemId,omitempty"`
		Path         string `json:"path,omitempty"`
	}
	var loc location
	if efs := x.InitialFileLocation.EfsFileLocation; efs != nil {
		loc = location{BackingStore: "EFS", FileSystemID: efs.FileSystemId, Path: efs.Path}
		if d := st.DecryptStepDetails; d != nil {
			loc.Path = d.DestinationFileLocation.EfsFileLocation.Path + strings.TrimSuffix(path.Base(efs.Path), ".pgp")
		}
	} else {
		s3 := x.InitialFileLocation.S3FileLocation
		loc = location{BackingStore: "S3", Bucket: s3.Bucket, Key: s3.Key, Etag: s3.Etag}
		if d := st.CopyStepDetails; d != nil {
			dst := d.DestinationFileLocation.S3FileLocation
			loc.Bucket, loc.Key = dst.Bucket, "archive/"+x.ServiceMetadata.UserDetails.UserName+"/"+path.Base(s3.Key)
		}
	}
	b, _ := json.Marshal(map[string]location{"fileLocation": loc})
	return string(b)
}

// The API.

// transferSpec is Transfer Family: throttling is ThrottlingException 400,
// a server fault InternalServiceError 500.
var transferSpec = &serviceSpec{
	service: service{
		name:   "transfer",
		proto:  awsJSON11,
		target: "TransferService",
		// ThrottlingException models RetryAfterSeconds as a body member (a
		// string), not a header.
		throttle:    apiError{Status: 400, Code: "ThrottlingException", Fields: map[string]string{"RetryAfterSeconds": "1"}},
		serverError: apiError{Status: 500, Code: "InternalServiceError"},
		ops: []operation{
			{name: "ListExecutions", handler: decoded(transferListExecutions)},
			{name: "DescribeExecution", handler: decoded(transferDescribeExecution)},
			{name: "DescribeWorkflow", handler: decoded(transferDescribeWorkflow)},
		},
	},
	stream:   5,
	data:     seededBy(seedTransfer),
	list:     listing{op: "ListExecutions", arg: "WorkflowId"},
	statuses: []string{"IN_PROGRESS", "HANDLING_EXCEPTION", "COMPLETED", "EXCEPTION"},
	active:   []string{"IN_PROGRESS", "HANDLING_EXCEPTION"},
}

var (
	transferInvalidRequest = apiError{Status: 400, Code: "InvalidRequestException"}
	transferBadToken       = apiError{Status: 400, Code: "InvalidNextTokenException"}
)

// transferNotFound is the ResourceNotFoundException for the resource id of
// the given type ("Workflow", "Execution").
func transferNotFound(resourceType, id string) *apiError {
	e := apiError{Status: 400, Code: "ResourceNotFoundException",
		Fields: map[string]string{"Resource": id, "ResourceType": resourceType}}
	return e.withMessage("Unknown %s: %s", strings.ToLower(resourceType), id)
}

// workflow returns the workflow id names. It returns InvalidRequestException
// if id does not match w-[a-z0-9]{17}, and ResourceNotFoundException if the
// region has no such workflow.
func (d *transferData) workflow(id string) (*transferWorkflow, error) {
	if !transferWorkflowIDRe.MatchString(id) {
		return nil, transferInvalidRequest.withMessage("WorkflowId %q does not match pattern w-([a-z0-9]{17})", id)
	}
	wf, ok := d.resources[id]
	if !ok {
		return nil, transferNotFound("Workflow", id)
	}
	return wf, nil
}

// transferListExecutions answers ListExecutions: the workflow's in-progress
// executions, newest created first, MaxResults (1-1000, default 1000) at a
// time. It returns InvalidRequestException for MaxResults out of range,
// InvalidNextTokenException for a token that is malformed, expired or of
// another workflow, and the errors of transferData.workflow.
func transferListExecutions(c *call, in *struct {
	WorkflowId string `json:"WorkflowId"`
	MaxResults *int64 `json:"MaxResults"`
	NextToken  string `json:"NextToken"`
}) (any, error) {
	size, ok := pageSize(transferPages, in.MaxResults)
	if !ok {
		return nil, transferInvalidRequest.withMessage("MaxResults %d is outside the range 1-%d", *in.MaxResults, transferPages.max)
	}
	wf, err := dataOf[*transferData](c).workflow(in.WorkflowId)
	if err != nil {
		return nil, err
	}
	// Transfer's tokens bind with '|', not the NUL of call.binding.
	binding := "transfer.ListExecutions|" + c.region + "|" + in.WorkflowId
	page, next, err := listPage(c, len(wf.executions), in.NextToken, size, binding, transferBadToken, func(i int) xferListedExecution {
		return wf.executions[i].listEntry()
	})
	if err != nil {
		return nil, err
	}
	return struct {
		WorkflowId string                `json:"WorkflowId"`
		Executions []xferListedExecution `json:"Executions"`
		NextToken  string                `json:"NextToken,omitempty"`
	}{in.WorkflowId, page, next}, nil
}

// transferDescribeExecution answers DescribeExecution for an in-progress
// execution of the workflow. It returns InvalidRequestException for a
// malformed execution id, ResourceNotFoundException for an execution the
// workflow has not in progress, and the errors of transferData.workflow.
func transferDescribeExecution(c *call, in *struct {
	WorkflowId  string `json:"WorkflowId"`
	ExecutionId string `json:"ExecutionId"`
}) (any, error) {
	if !transferExecutionIDRe.MatchString(in.ExecutionId) {
		return nil, transferInvalidRequest.withMessage("ExecutionId %q is not a UUID", in.ExecutionId)
	}
	d := dataOf[*transferData](c)
	wf, err := d.workflow(in.WorkflowId)
	if err != nil {
		return nil, err
	}
	x, ok := d.entries[in.ExecutionId]
	if !ok || x.wf != wf {
		return nil, transferNotFound("Execution", in.ExecutionId)
	}
	return struct {
		WorkflowId string         `json:"WorkflowId"`
		Execution  *xferExecution `json:"Execution"`
	}{in.WorkflowId, x}, nil
}

// transferDescribeWorkflow answers DescribeWorkflow, with the errors of
// transferData.workflow.
func transferDescribeWorkflow(c *call, in *struct {
	WorkflowId string `json:"WorkflowId"`
}) (any, error) {
	wf, err := dataOf[*transferData](c).workflow(in.WorkflowId)
	if err != nil {
		return nil, err
	}
	return struct {
		Workflow *xferWorkflow `json:"Workflow"`
	}{&wf.desc}, nil
}
