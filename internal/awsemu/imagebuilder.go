package awsemu

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"time"
)

// EC2 Image Builder: the workflow executions of image build versions.
//
// Wire (REST-JSON, SDK service/imagebuilder):
//
//	POST /ListWorkflowExecutions      {imageBuildVersionArn, maxResults, nextToken}
//	GET  /GetWorkflowExecution?workflowExecutionId=wf-<uuid>
//	POST /ListWorkflowStepExecutions  {workflowExecutionId, maxResults, nextToken}
//
// Page sizes are 1-25; an absent maxResults means 25. Times are DateTime
// strings (ISO 8601, UTC, milliseconds), not epoch numbers. Errors:
// InvalidParameterValueException 400 for a page size out of range or a
// malformed ARN or id, ResourceNotFoundException 404 for an unknown one,
// InvalidPaginationTokenException 400 for a bad or expired token. Of these
// only InvalidPaginationTokenException is modeled for the three operations,
// so the SDK reports the other two as generic API errors with their code.

// imageBuilderSpec is Image Builder: throttling is
// CallRateLimitExceededException 429 (not retried by the SDK's standard
// retryer), a server fault is ServiceException 500.
var imageBuilderSpec = &serviceSpec{
	service: service{
		name:        "imagebuilder",
		proto:       restJSON,
		throttle:    apiError{Status: 429, Code: "CallRateLimitExceededException"},
		serverError: apiError{Status: 500, Code: "ServiceException"},
		ops: []operation{
			{"ListWorkflowExecutions", "POST /ListWorkflowExecutions", ibList(ibListWorkflowExecutions)},
			{"GetWorkflowExecution", "GET /GetWorkflowExecution", ibGetWorkflowExecution},
			{"ListWorkflowStepExecutions", "POST /ListWorkflowStepExecutions", ibList(ibListWorkflowStepExecutions)},
		},
	},
	stream:   2,
	data:     seededBy(seedImageBuilder),
	list:     listing{op: "ListWorkflowExecutions", arg: "imageBuildVersionArn"},
	statuses: []string{ibPending, ibSkipped, ibRunning, ibCompleted, ibFailed, ibRollbackInProgress, ibRollbackCompleted, ibCancelled},
	active:   []string{ibRunning, ibPending, ibRollbackInProgress},
}

var (
	ibInvalidValue = apiError{Status: 400, Code: "InvalidParameterValueException"}
	ibNotFound     = apiError{Status: 404, Code: "ResourceNotFoundException"}
	ibBadToken     = apiError{Status: 400, Code: "InvalidPaginationTokenException"}
)

// ibPages are the page sizes (maxResults) of both list operations.
var ibPages = pageSizes{min: 1, max: 25, def: 25}

// ibTimeLayout is Image Builder's DateTime: "2026-11-20T11:58:01.123Z".
const ibTimeLayout = "2006-01-02T15:04:05.000Z"

// The documented patterns of the request members.
var (
	ibImageARNPattern   = regexp.MustCompile(`^arn:aws[^:]*:imagebuilder:[^:]+:(?:[0-9]{12}|aws(?:-[a-z-]+)?):image/[a-z0-9-_]+/[0-9]+\.[0-9]+\.[0-9]+/[0-9]+$`)
	ibExecutionIDFormat = regexp.MustCompile(`^wf-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// Workflow execution statuses (WorkflowExecutionStatus).
const (
	ibPending            = "PENDING"
	ibSkipped            = "SKIPPED"
	ibRunning            = "RUNNING"
	ibCompleted          = "COMPLETED"
	ibFailed             = "FAILED"
	ibRollbackInProgress = "ROLLBACK_IN_PROGRESS"
	ibRollbackCompleted  = "ROLLBACK_COMPLETED"
	ibCancelled          = "CANCELLED"
)

// imageBuilderData is one region's image build versions and their workflow
// executions: its catalog files the images by image build version ARN and
// the executions by workflow execution id.
type imageBuilderData struct {
	catalog[*ibImage, *ibExecution]
}

// ibImage is an image build version and its workflow executions, newest
// first (start time descending, then id ascending: ibCmp).
type ibImage struct {
	arn, region, name string
	executions        []*ibExecution
}

func (img *ibImage) key() string            { return img.arn }
func (img *ibImage) listed() []*ibExecution { return img.executions }
func (x *ibExecution) key() string          { return x.id }
func (x *ibExecution) resourceKey() string  { return x.imageARN }

// ibCmp compares executions in listing order: newest first, ties by id.
func ibCmp(a, b *ibExecution) int { return newestFirst(a.start, b.start, a.id, b.id) }

// workflow returns the ARN of the image's workflow of kind ("build", "test"
// or "distribution") and name.
func (img *ibImage) workflow(kind, name string) string {
	return fmt.Sprintf("arn:aws:imagebuilder:%s:%s:workflow/%s/%s-%s/1.0.0/1", img.region, AccountID, kind, img.name, name)
}

// ibExecution is one workflow execution. Its totals count its steps by
// status: succeeded = COMPLETED, failed = FAILED, skipped = SKIPPED steps.
// Running, pending and rolling-back executions have no end time.
type ibExecution struct {
	id, imageARN, workflowARN      string
	wfType, status, message, group string
	retried                        bool
	start, end                     time.Time
	succeeded, failed, skipped     int
	steps                          []ibStep
}

// ibStep is one step of a workflow execution, in workflow order. Pending
// steps have no times; a running step has no end time.
type ibStep struct {
	id, name, description, action string
	status, rollbackStatus        string
	message, inputs, outputs      string
	start, end                    time.Time
}

// ibStepKind is a step of a workflow document: its name, action and
// description.
type ibStepKind struct{ name, action, description string }

// ibStepCatalog holds the steps of the AWS managed workflows of each type.
// Longer workflows repeat the catalog with numbered names.
var ibStepCatalog = map[string][]ibStepKind{
	"BUILD": {
		{"LaunchBuildInstance", "LaunchInstance", "Launch the build instance from the parent image."},
		{"UpdateSSMAgent", "RunCommand", "Update the SSM agent on the build instance."},
		{"ApplyBuildComponents", "ExecuteComponents", "Run the build components of the recipe."},
		{"InventoryCollection", "CollectImageMetadata", "Collect the inventory of installed packages."},
		{"RunSanitizeScript", "SanitizeInstance", "Remove credentials and logs before imaging."},
		{"CreateOutputAMI", "CreateImage", "Create the output AMI from the build instance."},
		{"TerminateBuildInstance", "TerminateInstance", "Terminate the build instance."},
	},
	"TEST": {
		{"LaunchTestInstance", "LaunchInstance", "Launch a test instance from the new image."},
		{"WaitForSSMAgent", "WaitForSSMAgent", "Wait for the SSM agent to come online."},
		{"ApplyTestComponents", "ExecuteComponents", "Run the test components of the recipe."},
		{"CollectImageScanFindings", "CollectImageScanFindings", "Collect the image scan findings."},
		{"TerminateTestInstance", "TerminateInstance", "Terminate the test instance."},
	},
	"DISTRIBUTION": {
		{"DistributeImage", "DistributeImage", "Copy the image to the target regions."},
		{"ModifyImageAttributes", "ModifyImageAttributes", "Share the copies with the target accounts."},
		{"WaitForApproval", "WaitForAction", "Wait for the release approval."},
	},
}

// ibFailureReasons are the failure messages of the step actions.
var ibFailureReasons = map[string]string{
	"LaunchInstance":           "Insufficient capacity for the requested instance type.",
	"RunCommand":               "The SSM command failed with exit code 1.",
	"WaitForSSMAgent":          "Timed out waiting for the SSM agent to come online.",
	"ExecuteComponents":        "Component execution failed: exit code 1.",
	"CollectImageMetadata":     "The inventory collection did not complete.",
	"SanitizeInstance":         "The sanitize script failed.",
	"CreateImage":              "The AMI could not be created: snapshot failed.",
	"TerminateInstance":        "The instance could not be terminated.",
	"CollectImageScanFindings": "The image scan reported critical findings.",
	"DistributeImage":          "The image could not be copied to a target region.",
	"ModifyImageAttributes":    "The launch permissions could not be updated.",
	"WaitForAction":            "The approval was rejected.",
}

// ibSpec describes one seeded image build version.
type ibSpec struct {
	name, version string
	count         int
	long          bool // a few executions have 55-70 steps; the newest runs
}

// seedImageBuilder generates a region's image build versions from r alone.
// The primary region has one with no executions, a small one (1-10) and a
// large one (70-90 executions, some with 55-70 steps); the second region a
// small one and one of 30-60.
func seedImageBuilder(r *rand.Rand, region string, primary bool) *imageBuilderData {
	var specs []ibSpec
	if primary {
		specs = []ibSpec{
			{name: "base-linux", version: "1.0.0/1"},
			{name: "web-server", version: "2.3.1/4", count: smallCount(r)},
			{name: "ml-platform", version: "3.12.0/17", count: 70 + r.IntN(21), long: true},
		}
	} else {
		specs = []ibSpec{
			{name: "eu-api-gateway", version: "1.4.2/3", count: smallCount(r)},
			{name: "eu-batch-worker", version: "5.0.0/9", count: 30 + r.IntN(31)},
		}
	}
	d := &imageBuilderData{}
	for _, s := range specs {
		d.add(seedIBImage(r, region, s))
	}
	return d
}

// seedIBImage generates one image build version and its executions.
func seedIBImage(r *rand.Rand, region string, s ibSpec) *ibImage {
	img := &ibImage{arn: fmt.Sprintf("arn:aws:imagebuilder:%s:%s:image/%s/%s", region, AccountID, s.name, s.version), region: region, name: s.name}
	workflows := []weighted[[2]string]{
		{[2]string{"BUILD", img.workflow("build", "build")}, 35},
		{[2]string{"TEST", img.workflow("test", "smoke-test")}, 30},
		{[2]string{"TEST", img.workflow("test", "security-test")}, 20},
		{[2]string{"DISTRIBUTION", img.workflow("distribution", "distribution")}, 15},
	}
	long := map[int]bool{}
	if s.long {
		for want := 2 + r.IntN(2); len(long) < want; {
			long[r.IntN(s.count)] = true
		}
	}
	starts := startTimes(r, s.count)
	for i, start := range starts {
		wf := pick(r, workflows)
		status := ibDrawStatus(r, s.count-1-i)
		if s.long && i == s.count-1 {
			status = ibRunning
		}
		steps := 3 + r.IntN(10)
		if long[i] {
			steps = 55 + r.IntN(16)
		}
		img.executions = append(img.executions, seedIBExecution(r, img.arn, wf[0], wf[1], status, start, steps))
	}
	slices.SortFunc(img.executions, ibCmp)
	return img
}

// ibDrawStatus draws the status of the execution with the given rank
// (0 = newest): only the newest four may still be pending, running or
// rolling back.
func ibDrawStatus(r *rand.Rand, rank int) string {
	choices := []weighted[string]{
		{ibCompleted, 75}, {ibFailed, 9}, {ibRollbackCompleted, 4}, {ibCancelled, 3}, {ibSkipped, 6},
	}
	if rank < 4 {
		choices = append(choices, weighted[string]{ibRunning, 12}, weighted[string]{ibPending, 5}, weighted[string]{ibRollbackInProgress, 3})
	}
	return pick(r, choices)
}

// seedIBExecution generates an execution with n steps whose statuses, times
// and totals agree with status. Every time is before seedEpoch.
func seedIBExecution(r *rand.Rand, imageARN, wfType, wfARN, status string, start time.Time, n int) *ibExecution {
	x := &ibExecution{
		id: "wf-" + uuid(r), imageARN: imageARN, workflowARN: wfARN, wfType: wfType,
		status: status, retried: r.IntN(20) == 0, start: start,
	}
	if wfType == "TEST" {
		x.group = pick(r, []weighted[string]{{"default", 3}, {"security-scans", 1}, {"smoke", 1}})
	}
	// Steps take from 1/2 to 1 share of the time left before seedEpoch,
	// with one share spare for the rollback.
	share := min(60_000, seedEpoch.Sub(start).Milliseconds()/int64(n+1))
	stepTime := func() time.Duration {
		return time.Duration(share/2+r.Int64N(share/2+1)) * time.Millisecond
	}
	stop := r.IntN(n) // the step that runs, fails or is cancelled
	instance := "i-0" + hexID(r, 16)
	at := start
	var done []int // indexes of the completed steps
	for j := range n {
		kind := ibStepCatalog[wfType][j%len(ibStepCatalog[wfType])]
		st := ibStep{
			id: "step-" + uuid(r), name: kind.name, description: kind.description, action: kind.action,
			inputs: fmt.Sprintf(`{"instanceId":"%s"}`, instance),
		}
		if round := j / len(ibStepCatalog[wfType]); round > 0 {
			st.name = fmt.Sprintf("%s%d", kind.name, round+1)
		}
		st.status = ibStepStatus(r, status, j, stop)
		switch st.status {
		case ibCompleted:
			st.start, at = at, at.Add(stepTime())
			st.end, st.outputs = at, `{"status":"Success"}`
			done = append(done, j)
			x.succeeded++
		case ibFailed:
			st.start, at = at, at.Add(stepTime())
			st.end, st.outputs, st.message = at, `{"status":"Failed"}`, ibFailureReasons[st.action]
			x.message = fmt.Sprintf("Workflow step %s failed: %s", st.name, st.message)
			x.failed++
		case ibCancelled:
			st.start, at = at, at.Add(stepTime())
			st.end, st.message = at, "Step cancelled."
		case ibRunning:
			st.start = at
		case ibSkipped:
			st.start, st.end, st.message = at, at, "Step skipped."
			x.skipped++
		}
		x.steps = append(x.steps, st)
	}
	if m, ok := ibMessages[status]; ok {
		x.message = m
	}
	switch status {
	case ibRollbackCompleted:
		for _, j := range done {
			x.steps[j].rollbackStatus = ibCompleted
		}
		at = at.Add(stepTime())
	case ibRollbackInProgress:
		// Rollback runs from the last completed step backwards.
		if len(done) > 0 {
			p := r.IntN(len(done))
			x.steps[done[p]].rollbackStatus = ibRunning
			for _, j := range done[p+1:] {
				x.steps[j].rollbackStatus = ibCompleted
			}
		}
	}
	if status != ibRunning && status != ibPending && status != ibRollbackInProgress {
		x.end = at
	}
	return x
}

// ibMessages are the messages of executions in the statuses that have one
// of their own (a failed execution names its failed step instead).
var ibMessages = map[string]string{
	ibCancelled: "Workflow execution was cancelled.",
	ibSkipped:   "Workflow skipped because an earlier workflow failed.",
	ibPending:   "Waiting for the previous workflow to finish.",
}

// ibStepStatus is the status of step j of an execution with the given status
// that stopped at step stop: the steps before it completed (a few were
// skipped by their conditions), the steps after it are skipped or, in a
// running execution, pending.
func ibStepStatus(r *rand.Rand, status string, j, stop int) string {
	switch {
	case status == ibPending:
		return ibPending
	case status == ibSkipped:
		return ibSkipped
	case status == ibCompleted || j < stop:
		if r.IntN(10) == 0 {
			return ibSkipped
		}
		return ibCompleted
	case j > stop && status == ibRunning:
		return ibPending
	case j > stop:
		return ibSkipped
	case status == ibRunning:
		return ibRunning
	case status == ibCancelled:
		return ibCancelled
	}
	return ibFailed // FAILED, ROLLBACK_IN_PROGRESS, ROLLBACK_COMPLETED
}

// appendExecution adds an execution to the image build version whose ARN
// is m.resource, started at m.startAfter its newest one: a run of the
// workflow of the newest execution (BUILD for an image without any), one
// round of its catalog steps, which follow the status as settle says.
func (d *imageBuilderData) appendExecution(m *mutation) (Execution, error) {
	img, err := d.resource(m)
	if err != nil {
		return Execution{}, err
	}
	x := &ibExecution{id: "wf-" + uuid(m.rnd), imageARN: img.arn, wfType: "BUILD", workflowARN: img.workflow("build", "build")}
	var newest time.Time
	if len(img.executions) > 0 {
		head := img.executions[0]
		x.wfType, x.workflowARN, newest = head.wfType, head.workflowARN, head.start
	}
	if x.wfType == "TEST" {
		x.group = "default"
	}
	x.start = m.startAfter(newest)
	instance := "i-0" + hexID(m.rnd, 16)
	for _, kind := range ibStepCatalog[x.wfType] {
		x.steps = append(x.steps, ibStep{
			id: "step-" + uuid(m.rnd), name: kind.name, description: kind.description, action: kind.action,
			status: ibPending, inputs: fmt.Sprintf(`{"instanceId":"%s"}`, instance),
		})
	}
	x.settle(m.status, m.now)
	img.executions = insertSorted(img.executions, x, ibCmp)
	d.addEntry(x)
	return x.info(m), nil
}

// setStatus changes the status of the execution whose id is m.id, which
// must be one of the image build version m.resource, as settle says.
func (d *imageBuilderData) setStatus(m *mutation) (Execution, error) {
	return settleEntry(&d.catalog, m)
}

func (x *ibExecution) info(m *mutation) Execution {
	return m.execution(x.id, x.status, x.start, x.end)
}

// settle gives x the status at now, and its steps what follows. The
// current step is the first that is neither COMPLETED nor SKIPPED (the
// last one if all are): the steps before it keep their state; PENDING
// makes every step pending and SKIPPED every step skipped; RUNNING runs the
// current step and makes the later ones pending; COMPLETED completes the
// current and later steps at now; FAILED and the rollbacks fail the current
// step at now, CANCELLED cancels it, and the later steps are skipped. The
// totals, the message, the rollback of the completed steps and the end
// time (now, for a final status) follow.
func (x *ibExecution) settle(status string, now time.Time) {
	x.status, x.message = status, ibMessages[status]
	cur := slices.IndexFunc(x.steps, func(s ibStep) bool { return s.status != ibCompleted && s.status != ibSkipped })
	if cur < 0 {
		cur = len(x.steps) - 1
	}
	at := x.start // the end of the step before cur
	if cur > 0 {
		at = x.steps[cur-1].end
	}
	for j := range x.steps {
		st := &x.steps[j]
		switch {
		case status == ibPending:
			st.set(ibPending, time.Time{}, time.Time{})
		case status == ibSkipped:
			st.set(ibSkipped, x.start, x.start)
		case j < cur:
		case j == cur && status == ibRunning:
			st.set(ibRunning, firstTime(st.start, at), time.Time{})
		case j > cur && status == ibRunning:
			st.set(ibPending, time.Time{}, time.Time{})
		case j == cur && status != ibCompleted:
			stepStatus := ibFailed
			if status == ibCancelled {
				stepStatus = ibCancelled
			} else {
				x.message = fmt.Sprintf("Workflow step %s failed: %s", st.name, ibFailureReasons[st.action])
			}
			start := firstTime(st.start, at)
			at = maxTime(now, start)
			st.set(stepStatus, start, at)
		case status == ibCompleted:
			start := firstTime(st.start, at)
			at = maxTime(now, start)
			st.set(ibCompleted, start, at)
		default: // after a failed or cancelled step
			st.set(ibSkipped, at, at)
		}
	}
	x.settleRollback()
	x.succeeded, x.failed, x.skipped, x.end = 0, 0, 0, time.Time{}
	for _, st := range x.steps {
		x.succeeded += b2i(st.status == ibCompleted)
		x.failed += b2i(st.status == ibFailed)
		x.skipped += b2i(st.status == ibSkipped)
	}
	if !slices.Contains(imageBuilderSpec.active, status) {
		x.end = maxTime(now, at)
	}
}

// settleRollback sets the rollback status of the completed steps: all
// COMPLETED after ROLLBACK_COMPLETED, the last one RUNNING during
// ROLLBACK_IN_PROGRESS (the rollback runs backwards), none otherwise.
func (x *ibExecution) settleRollback() {
	last := -1
	for j := range x.steps {
		x.steps[j].rollbackStatus = ""
		if x.steps[j].status == ibCompleted {
			last = j
			if x.status == ibRollbackCompleted {
				x.steps[j].rollbackStatus = ibCompleted
			}
		}
	}
	if x.status == ibRollbackInProgress && last >= 0 {
		x.steps[last].rollbackStatus = ibRunning
	}
}

// set gives a step a status and times, with the message and outputs that
// go with the status.
func (st *ibStep) set(status string, start, end time.Time) {
	st.status, st.start, st.end = status, start, end
	st.message, st.outputs = "", ""
	switch status {
	case ibCompleted:
		st.outputs = `{"status":"Success"}`
	case ibFailed:
		st.outputs, st.message = `{"status":"Failed"}`, ibFailureReasons[st.action]
	case ibCancelled:
		st.message = "Step cancelled."
	case ibSkipped:
		st.message = "Step skipped."
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ibTime formats t as Image Builder's DateTime, or "" (omitted) for the
// zero time.
func ibTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(ibTimeLayout)
}

// ibRequestID returns a random request id for the requestId member of a
// response (the core does not hand handlers the X-Amzn-RequestId it sends).
func ibRequestID() string {
	return uuid(rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())))
}

// ibListInput is the body of both list operations.
type ibListInput struct {
	ImageBuildVersionArn string  `json:"imageBuildVersionArn"`
	WorkflowExecutionID  string  `json:"workflowExecutionId"`
	MaxResults           *int    `json:"maxResults"`
	NextToken            *string `json:"nextToken"`
}

// ibList adapts the handler of a list operation: it reads the body and
// validates its page size (absent: 25) before anything else, then runs h
// with the page size and token.
func ibList(h func(c *call, in *ibListInput, size int, token string) (any, error)) opHandler {
	return decoded(func(c *call, in *ibListInput) (any, error) {
		size, ok := pageSize(ibPages, in.MaxResults)
		if !ok {
			return nil, ibInvalidValue.withMessage("The value supplied for parameter 'maxResults' is not valid. The value must be between 1 and %d.", ibPages.max)
		}
		token := ""
		if in.NextToken != nil {
			token = *in.NextToken
		}
		return h(c, in, size, token)
	})
}

// ibExecutionFields are the members that a list entry and
// GetWorkflowExecution share.
type ibExecutionFields struct {
	WorkflowBuildVersionArn string `json:"workflowBuildVersionArn"`
	WorkflowExecutionID     string `json:"workflowExecutionId"`
	Type                    string `json:"type"`
	Status                  string `json:"status"`
	Message                 string `json:"message,omitempty"`
	TotalStepCount          int    `json:"totalStepCount"`
	TotalStepsSucceeded     int    `json:"totalStepsSucceeded"`
	TotalStepsFailed        int    `json:"totalStepsFailed"`
	TotalStepsSkipped       int    `json:"totalStepsSkipped"`
	StartTime               string `json:"startTime,omitempty"`
	EndTime                 string `json:"endTime,omitempty"`
	ParallelGroup           string `json:"parallelGroup,omitempty"`
}

func (x *ibExecution) fields() ibExecutionFields {
	return ibExecutionFields{
		WorkflowBuildVersionArn: x.workflowARN, WorkflowExecutionID: x.id,
		Type: x.wfType, Status: x.status, Message: x.message,
		TotalStepCount: len(x.steps), TotalStepsSucceeded: x.succeeded,
		TotalStepsFailed: x.failed, TotalStepsSkipped: x.skipped,
		StartTime: ibTime(x.start), EndTime: ibTime(x.end), ParallelGroup: x.group,
	}
}

// ibExecutionEntry is a WorkflowExecutionMetadata.
type ibExecutionEntry struct {
	ibExecutionFields
	Retried bool `json:"retried"`
}

type ibListExecutionsOutput struct {
	RequestID            string             `json:"requestId"`
	ImageBuildVersionArn string             `json:"imageBuildVersionArn"`
	WorkflowExecutions   []ibExecutionEntry `json:"workflowExecutions"`
	NextToken            string             `json:"nextToken,omitempty"`
}

// ibListWorkflowExecutions answers ListWorkflowExecutions: an image build
// version's executions, newest first. Errors: InvalidParameterValueException
// (page size, malformed ARN), ResourceNotFoundException (unknown in the
// region), InvalidPaginationTokenException.
func ibListWorkflowExecutions(c *call, in *ibListInput, size int, token string) (any, error) {
	arn := in.ImageBuildVersionArn
	if !ibImageARNPattern.MatchString(arn) {
		return nil, ibInvalidValue.withMessage("The value supplied for parameter 'imageBuildVersionArn' is not a valid image build version ARN.")
	}
	img, ok := dataOf[*imageBuilderData](c).resources[arn]
	if !ok {
		return nil, ibNotFound.withMessage("The image build version %s does not exist.", arn)
	}
	page, next, err := listPage(c, len(img.executions), token, size, c.binding(arn), ibBadToken, func(i int) ibExecutionEntry {
		x := img.executions[i]
		return ibExecutionEntry{ibExecutionFields: x.fields(), Retried: x.retried}
	})
	if err != nil {
		return nil, err
	}
	return ibListExecutionsOutput{RequestID: ibRequestID(), ImageBuildVersionArn: arn, NextToken: next, WorkflowExecutions: page}, nil
}

// ibFindExecution returns the execution named by id in the caller's region:
// InvalidParameterValueException if id is malformed, ResourceNotFoundException
// if it is unknown.
func (c *call) ibFindExecution(id string) (*ibExecution, error) {
	if !ibExecutionIDFormat.MatchString(id) {
		return nil, ibInvalidValue.withMessage("The value supplied for parameter 'workflowExecutionId' is not valid.")
	}
	x, ok := dataOf[*imageBuilderData](c).entries[id]
	if !ok {
		return nil, ibNotFound.withMessage("The workflow execution %s does not exist.", id)
	}
	return x, nil
}

type ibGetExecutionOutput struct {
	RequestID            string `json:"requestId"`
	ImageBuildVersionArn string `json:"imageBuildVersionArn"`
	ibExecutionFields
}

// ibGetWorkflowExecution answers GetWorkflowExecution with the same fields
// as the execution's list entry (but retried) and its image build version.
func ibGetWorkflowExecution(c *call) (any, error) {
	x, err := c.ibFindExecution(c.r.URL.Query().Get("workflowExecutionId"))
	if err != nil {
		return nil, err
	}
	return ibGetExecutionOutput{RequestID: ibRequestID(), ImageBuildVersionArn: x.imageARN, ibExecutionFields: x.fields()}, nil
}

// ibStepEntry is a WorkflowStepMetadata.
type ibStepEntry struct {
	StepExecutionID string `json:"stepExecutionId"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	Action          string `json:"action"`
	Status          string `json:"status"`
	RollbackStatus  string `json:"rollbackStatus,omitempty"`
	Message         string `json:"message,omitempty"`
	Inputs          string `json:"inputs,omitempty"`
	Outputs         string `json:"outputs,omitempty"`
	StartTime       string `json:"startTime,omitempty"`
	EndTime         string `json:"endTime,omitempty"`
}

type ibListStepsOutput struct {
	RequestID               string        `json:"requestId"`
	WorkflowExecutionID     string        `json:"workflowExecutionId"`
	WorkflowBuildVersionArn string        `json:"workflowBuildVersionArn"`
	ImageBuildVersionArn    string        `json:"imageBuildVersionArn"`
	Message                 string        `json:"message,omitempty"`
	Steps                   []ibStepEntry `json:"steps"`
	NextToken               string        `json:"nextToken,omitempty"`
}

// ibListWorkflowStepExecutions answers ListWorkflowStepExecutions: the steps
// of one execution in workflow order. Errors as ListWorkflowExecutions.
func ibListWorkflowStepExecutions(c *call, in *ibListInput, size int, token string) (any, error) {
	x, err := c.ibFindExecution(in.WorkflowExecutionID)
	if err != nil {
		return nil, err
	}
	page, next, err := listPage(c, len(x.steps), token, size, c.binding(x.id), ibBadToken, func(i int) ibStepEntry {
		s := &x.steps[i]
		return ibStepEntry{
			StepExecutionID: s.id, Name: s.name, Description: s.description, Action: s.action,
			Status: s.status, RollbackStatus: s.rollbackStatus, Message: s.message,
			Inputs: s.inputs, Outputs: s.outputs, StartTime: ibTime(s.start), EndTime: ibTime(s.end),
		}
	})
	if err != nil {
		return nil, err
	}
	return ibListStepsOutput{
		RequestID: ibRequestID(), WorkflowExecutionID: x.id, WorkflowBuildVersionArn: x.workflowARN,
		ImageBuildVersionArn: x.imageARN, Message: x.message, NextToken: next, Steps: page,
	}, nil
}
