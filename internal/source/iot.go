package source

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/gid"
	"github.com/execgraph/execgraph/internal/relay"
)

// IoT is IoT Core's job executions: ListJobExecutionsForJob, and
// DescribeJobExecution, DescribeJob, DescribeThing. Quotas: the AWS IoT
// Jobs and registry API rates of the IoT developer guide's throttling
// limits (10 a second for the jobs APIs, 350 for DescribeThing; Service
// Quotas L-0EF0F5EE).
var IoT = &Service{
	Name: "iot", SDKID: "IoT", Kind: model.ExecutionServiceIot,
	Operations: []Operation{
		{"ListJobExecutionsForJob", Limit{Burst: 10, PerSecond: 10}},
		{"DescribeJobExecution", Limit{Burst: 10, PerSecond: 10}},
		{"DescribeJob", Limit{Burst: 10, PerSecond: 10}},
		{"DescribeThing", Limit{Burst: 350, PerSecond: 350}},
	},
	Statuses: map[string]model.ExecutionStatus{
		"QUEUED": model.ExecutionStatusPending, "IN_PROGRESS": model.ExecutionStatusRunning,
		"SUCCEEDED": model.ExecutionStatusSucceeded, "FAILED": model.ExecutionStatusFailed,
		"TIMED_OUT": model.ExecutionStatusTimedOut, "REJECTED": model.ExecutionStatusFailed,
		"REMOVED": model.ExecutionStatusCancelled, "CANCELED": model.ExecutionStatusCancelled,
	},
	Final:   terminalIn(iotTerminal...),
	Input:   "iotJobId",
	Type:    "IoTJobExecution",
	Listing: "iotJobExecutions",
	MaxPage: 250,
	Filter:  FilterPerStatus,
	Details: []DetailFields{
		{Op: "DescribeJobExecution", Type: "IoTJobExecution", Fields: []string{"statusDetails", "forceCanceled", "versionNumber", "approximateSecondsBeforeTimedOut"}},
		{Op: "DescribeJob", Type: "IoTJobExecution", Fields: []string{"job"}},
		{Op: "DescribeThing", Type: "IoTJobExecution", Fields: []string{"thing"}},
	},
	IDKeys: 3,
}

// The functions of IoT refer to IoT itself: they are set here, after it
// is initialized (CheckRegistry fails the start-up if one is missing).
func init() {
	IoT.List = (*Source).jobExecutionListings
	IoT.Node = func(ctx context.Context, region string, keys []string) (func() (model.Node, error), error) {
		k := JobExecutionKey{Region: region, JobID: keys[0], ThingName: keys[1]}
		if keys[2] != "" {
			n, err := strconv.ParseInt(keys[2], 10, 64)
			if err != nil || n < 1 {
				return nil, apperr.New(apperr.BadUserInput, "execution number %s is not a positive integer", apperr.Quote(keys[2]))
			}
			k.ExecutionNumber = n
		}
		return nodeOf(Load(ctx, DescribeJobExecution, k), func(d *JobExecutionDetails) model.Node { return d.Item }), nil
	}
}

// iotTerminal are the job execution statuses that do not change again; for
// them lastUpdatedAt is the end time.
var iotTerminal = []string{"SUCCEEDED", "FAILED", "TIMED_OUT", "REJECTED", "REMOVED", "CANCELED"}

// jobExecutionListings are the listings of an IoT job's executions, newest
// first: one listing, or one per native status in r.Statuses (the filter
// goes to AWS, which takes one status).
//
// BAD_USER_INPUT for a job id AWS would refuse or a region not served.
func (s *Source) jobExecutionListings(r Resource) ([]relay.Listing[model.Execution], error) {
	region, err := s.nameRegion(r.Region, iotJobID, r.ID)
	if err != nil {
		return nil, err
	}
	client := s.iot.get(s.cfg, region)
	statuses := slices.Compact(slices.Sorted(slices.Values(r.Statuses)))
	if len(statuses) == 0 {
		statuses = []string{""}
	}
	var out []relay.Listing[model.Execution]
	for _, status := range statuses {
		op := listOp[*model.IoTJobExecution]{svc: IoT, op: "ListJobExecutionsForJob", resource: "job " + r.ID, maxPage: IoT.MaxPage,
			fingerprint: relay.Fingerprint("iot", region, r.ID, status),
			key:         func(e *model.IoTJobExecution) string { return e.ID }}
		out = append(out, one(op.listing(func(ctx context.Context, tok *string, size int32) ([]*model.IoTJobExecution, *string, error) {
			out, err := client.ListJobExecutionsForJob(ctx, &iot.ListJobExecutionsForJobInput{JobId: &r.ID, Status: types.JobExecutionStatus(status), MaxResults: &size, NextToken: tok})
			if err != nil {
				return nil, nil, err
			}
			return mapItems(out.ExecutionSummaries, func(it types.JobExecutionSummaryForJob) *model.IoTJobExecution { return jobExecution(region, r.ID, it) }), out.NextToken, nil
		}))...)
	}
	return out, nil
}

// ThingName returns the thing name of an IoT thing ARN
// (arn:aws:iot:region:account:thing/NAME).
func ThingName(thingArn string) string {
	_, name, _ := strings.Cut(thingArn, ":thing/")
	return name
}

func jobExecution(region, jobID string, it types.JobExecutionSummaryForJob) *model.IoTJobExecution {
	thingArn := deref(it.ThingArn)
	e := &model.IoTJobExecution{
		Service:   model.ExecutionServiceIot,
		Region:    region,
		JobID:     jobID,
		ThingArn:  thingArn,
		ThingName: ThingName(thingArn),
	}
	if sum := it.JobExecutionSummary; sum != nil {
		e.Status = IoT.Normalize(string(sum.Status))
		e.NativeStatus = nativeOf(sum.Status)
		e.StartedAt = sum.StartedAt
		if slices.Contains(iotTerminal, string(sum.Status)) {
			e.EndedAt = sum.LastUpdatedAt
		}
		st := model.IoTJobExecutionStatus(sum.Status)
		out := &model.IoTJobExecutionSummary{QueuedAt: sum.QueuedAt, StartedAt: sum.StartedAt, LastUpdatedAt: sum.LastUpdatedAt}
		if st.IsValid() {
			out.Status = &st
		}
		if sum.ExecutionNumber != nil {
			n := int(*sum.ExecutionNumber)
			out.ExecutionNumber = &n
		}
		if sum.RetryAttempt != nil {
			out.RetryAttempt = intp(*sum.RetryAttempt)
		}
		e.JobExecutionSummary = out
	}
	// The id names the execution number too: a job can run again on a thing.
	execNumber := ""
	if sum := e.JobExecutionSummary; sum != nil && sum.ExecutionNumber != nil {
		execNumber = strconv.Itoa(*sum.ExecutionNumber)
	}
	e.ID = gid.Encode(string(model.ExecutionServiceIot), region, jobID, ThingName(thingArn), execNumber)
	return e
}

// JobExecutionKey names one IoT job execution.
type JobExecutionKey struct {
	Region, JobID, ThingName string
	ExecutionNumber          int64 // 0: the latest
}

// JobExecutionKeyOf is the key of a listed job execution.
func JobExecutionKeyOf(e *model.IoTJobExecution) JobExecutionKey {
	k := JobExecutionKey{Region: e.Region, JobID: e.JobID, ThingName: e.ThingName}
	if s := e.JobExecutionSummary; s != nil && s.ExecutionNumber != nil {
		k.ExecutionNumber = int64(*s.ExecutionNumber)
	}
	return k
}

// JobExecutionDetails is what DescribeJobExecution tells of a job
// execution: the list item (for refetching by id; DescribeJobExecution
// reports no retryAttempt) and the fields the list leaves out.
type JobExecutionDetails struct {
	Item                             *model.IoTJobExecution
	StatusDetails                    []*model.KeyValue
	ForceCanceled                    *bool
	VersionNumber                    *int
	ApproximateSecondsBeforeTimedOut *int
}

// DescribeJobExecution describes one job execution.
var DescribeJobExecution = &Detail[JobExecutionKey, *JobExecutionDetails]{
	Service: IoT, Op: "DescribeJobExecution",
	Fetch: (*Source).describeJobExecution,
	Final: func(d *JobExecutionDetails, now time.Time) bool {
		return IoT.Final(deref(d.Item.NativeStatus), d.Item.EndedAt, now)
	},
}

func (s *Source) describeJobExecution(ctx context.Context, k JobExecutionKey) (*JobExecutionDetails, error) {
	region, err := s.nameRegion(k.Region, iotJobID, k.JobID)
	if err == nil {
		err = iotThingName.check(k.ThingName)
	}
	if err != nil {
		return nil, err
	}
	in := &iot.DescribeJobExecutionInput{JobId: &k.JobID, ThingName: &k.ThingName}
	if k.ExecutionNumber != 0 {
		in.ExecutionNumber = &k.ExecutionNumber
	}
	out, err := s.iot.get(s.cfg, region).DescribeJobExecution(ctx, in)
	if err != nil {
		return nil, callOf(IoT, "DescribeJobExecution", "execution of job "+k.JobID+" on thing "+k.ThingName, false).translate(err)
	}
	e := out.Execution
	if e == nil {
		return nil, apperr.New(apperr.NotFound, "execution of job %s on thing %s not found", k.JobID, k.ThingName)
	}
	d := &JobExecutionDetails{
		Item: jobExecution(region, k.JobID, types.JobExecutionSummaryForJob{ThingArn: e.ThingArn,
			JobExecutionSummary: &types.JobExecutionSummary{Status: e.Status, QueuedAt: e.QueuedAt, StartedAt: e.StartedAt,
				LastUpdatedAt: e.LastUpdatedAt, ExecutionNumber: e.ExecutionNumber}}),
		ForceCanceled:                    e.ForceCanceled,
		VersionNumber:                    intp(e.VersionNumber),
		ApproximateSecondsBeforeTimedOut: int64pp(e.ApproximateSecondsBeforeTimedOut),
	}
	if e.StatusDetails != nil {
		d.StatusDetails = keyValues(e.StatusDetails.DetailsMap)
	}
	return d, nil
}

// RegionKey names a resource addressed by name in a region.
type RegionKey struct{ Region, ID string }

// DescribeJob describes an IoT job. Jobs change (status, counts): never
// kept.
var DescribeJob = &Detail[RegionKey, *model.IoTJob]{
	Service: IoT, Op: "DescribeJob",
	Fetch: func(s *Source, ctx context.Context, k RegionKey) (*model.IoTJob, error) {
		region, err := s.nameRegion(k.Region, iotJobID, k.ID)
		if err != nil {
			return nil, err
		}
		out, err := s.iot.get(s.cfg, region).DescribeJob(ctx, &iot.DescribeJobInput{JobId: &k.ID})
		if err != nil {
			return nil, callOf(IoT, "DescribeJob", "job "+k.ID, false).translate(err)
		}
		j := &model.IoTJob{JobID: k.ID}
		if out.Job != nil {
			j.JobArn, j.Status, j.Description = out.Job.JobArn, nativeOf(out.Job.Status), out.Job.Description
			j.CreatedAt, j.CompletedAt = out.Job.CreatedAt, out.Job.CompletedAt
		}
		return j, nil
	},
}

// DescribeThing describes an IoT thing. Things change: never kept.
var DescribeThing = &Detail[RegionKey, *model.IoTThing]{
	Service: IoT, Op: "DescribeThing",
	Fetch: func(s *Source, ctx context.Context, k RegionKey) (*model.IoTThing, error) {
		region, err := s.nameRegion(k.Region, iotThingName, k.ID)
		if err != nil {
			return nil, err
		}
		out, err := s.iot.get(s.cfg, region).DescribeThing(ctx, &iot.DescribeThingInput{ThingName: &k.ID})
		if err != nil {
			return nil, callOf(IoT, "DescribeThing", "thing "+k.ID, false).translate(err)
		}
		return &model.IoTThing{ThingName: k.ID, ThingArn: out.ThingArn, ThingTypeName: out.ThingTypeName, Attributes: keyValues(out.Attributes)}, nil
	},
}

// keyValues maps an AWS string map to entries sorted by key.
func keyValues(m map[string]string) []*model.KeyValue {
	if m == nil {
		return nil
	}
	out := make([]*model.KeyValue, 0, len(m))
	for k, v := range m {
		out = append(out, &model.KeyValue{Key: k, Value: v})
	}
	slices.SortFunc(out, func(a, b *model.KeyValue) int { return strings.Compare(a.Key, b.Key) })
	return out
}
