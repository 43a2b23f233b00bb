package source

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/gid"
	"github.com/execgraph/execgraph/internal/relay"
)

// iotService is IoT Core. Quotas: the AWS IoT Jobs and registry API rates
// of the IoT developer guide's throttling limits (10 a second for the jobs
// APIs, 350 for DescribeThing; Service Quotas L-0EF0F5EE).
var iotService = &Service{Name: "iot", SDKID: "IoT", Operations: []Operation{
	{"ListJobExecutionsForJob", Limit{Burst: 10, PerSecond: 10}},
	{"DescribeJobExecution", Limit{Burst: 10, PerSecond: 10}},
	{"DescribeJob", Limit{Burst: 10, PerSecond: 10}},
	{"DescribeThing", Limit{Burst: 350, PerSecond: 350}},
}}

// iotMaxPage is ListJobExecutionsForJob's largest page.
const iotMaxPage = 250

// iotTerminal are the job execution statuses that do not change again; for
// them lastUpdatedAt is the end time.
var iotTerminal = map[types.JobExecutionStatus]bool{
	types.JobExecutionStatusSucceeded: true, types.JobExecutionStatusFailed: true, types.JobExecutionStatusTimedOut: true,
	types.JobExecutionStatusRejected: true, types.JobExecutionStatusRemoved: true, types.JobExecutionStatusCanceled: true,
}

// JobExecutions is the listing of an IoT job's executions, newest first,
// optionally only those with a status (the filter goes to AWS).
//
// BAD_USER_INPUT for a job id AWS would refuse or a region not served.
func (s *Source) JobExecutions(region, jobID, status string) (relay.Listing[*model.IoTJobExecution], error) {
	region, err := s.nameRegion(region, iotJobID, jobID)
	if err != nil {
		return relay.Listing[*model.IoTJobExecution]{}, err
	}
	client := s.iot.get(s.cfg, region)
	return relay.Listing[*model.IoTJobExecution]{
		Fingerprint: relay.Fingerprint("iot", region, jobID, status),
		MaxPage:     iotMaxPage,
		Key:         func(e *model.IoTJobExecution) string { return e.ID },
		Fetch: func(ctx context.Context, tok string, size int) (relay.Page[*model.IoTJobExecution], error) {
			n := int32(size)
			out, err := client.ListJobExecutionsForJob(ctx, &iot.ListJobExecutionsForJobInput{JobId: &jobID, Status: types.JobExecutionStatus(status), MaxResults: &n, NextToken: token(tok)})
			if err != nil {
				return relay.Page[*model.IoTJobExecution]{}, call{"iot", "ListJobExecutionsForJob", "job " + jobID, tok != ""}.translate(err)
			}
			page := relay.Page[*model.IoTJobExecution]{Next: deref(out.NextToken)}
			for _, it := range out.ExecutionSummaries {
				page.Items = append(page.Items, jobExecution(region, jobID, it))
			}
			return page, nil
		},
	}, nil
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
		e.Status = Normalize(model.ExecutionServiceIot, string(sum.Status))
		e.NativeStatus = nativeOf(sum.Status)
		e.StartedAt = sum.StartedAt
		if iotTerminal[sum.Status] {
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

// JobExecutionDetails is what DescribeJobExecution tells of a job
// execution: the list item (for refetching by id; DescribeJobExecution
// reports no retryAttempt) and the fields the list leaves out.
type JobExecutionDetails struct {
	Item                             *model.IoTJobExecution
	StatusDetails                    []*model.KeyValue
	ForceCanceled                    *bool
	VersionNumber                    *int
	ApproximateSecondsBeforeTimedOut *int
	terminal                         bool
}

// Terminal reports whether the execution has ended: its details never change.
func (d *JobExecutionDetails) Terminal() bool { return d.terminal }

// DescribeJobExecution describes one job execution.
func (s *Source) DescribeJobExecution(ctx context.Context, k JobExecutionKey) (*JobExecutionDetails, error) {
	in := &iot.DescribeJobExecutionInput{JobId: &k.JobID, ThingName: &k.ThingName}
	if k.ExecutionNumber != 0 {
		in.ExecutionNumber = &k.ExecutionNumber
	}
	region, err := s.nameRegion(k.Region, iotJobID, k.JobID)
	if err == nil {
		err = iotThingName.check(k.ThingName)
	}
	if err != nil {
		return nil, err
	}
	out, err := s.iot.get(s.cfg, region).DescribeJobExecution(ctx, in)
	if err != nil {
		return nil, call{"iot", "DescribeJobExecution", "execution of job " + k.JobID + " on thing " + k.ThingName, false}.translate(err)
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
		terminal:                         iotTerminal[e.Status],
	}
	if e.StatusDetails != nil {
		d.StatusDetails = keyValues(e.StatusDetails.DetailsMap)
	}
	return d, nil
}

// DescribeJob describes an IoT job.
func (s *Source) DescribeJob(ctx context.Context, region, jobID string) (*model.IoTJob, error) {
	region, err := s.nameRegion(region, iotJobID, jobID)
	if err != nil {
		return nil, err
	}
	out, err := s.iot.get(s.cfg, region).DescribeJob(ctx, &iot.DescribeJobInput{JobId: &jobID})
	if err != nil {
		return nil, call{"iot", "DescribeJob", "job " + jobID, false}.translate(err)
	}
	j := &model.IoTJob{JobID: jobID}
	if out.Job != nil {
		j.JobArn, j.Status, j.Description = out.Job.JobArn, nativeOf(out.Job.Status), out.Job.Description
		j.CreatedAt, j.CompletedAt = out.Job.CreatedAt, out.Job.CompletedAt
	}
	return j, nil
}

// DescribeThing describes an IoT thing.
func (s *Source) DescribeThing(ctx context.Context, region, thingName string) (*model.IoTThing, error) {
	region, err := s.nameRegion(region, iotThingName, thingName)
	if err != nil {
		return nil, err
	}
	out, err := s.iot.get(s.cfg, region).DescribeThing(ctx, &iot.DescribeThingInput{ThingName: &thingName})
	if err != nil {
		return nil, call{"iot", "DescribeThing", "thing " + thingName, false}.translate(err)
	}
	return &model.IoTThing{ThingName: thingName, ThingArn: out.ThingArn, ThingTypeName: out.ThingTypeName, Attributes: keyValues(out.Attributes)}, nil
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
