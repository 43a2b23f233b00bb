package source

import (
	"context"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/gid"
	"github.com/execgraph/execgraph/internal/relay"
)

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
func (s *Source) JobExecutions(region, jobID, status string) relay.Listing[*model.IoTJobExecution] {
	region = s.region(region)
	client := s.iot.get(s.cfg, region)
	return relay.Listing[*model.IoTJobExecution]{
		Fingerprint: relay.Fingerprint("iot", region, jobID, status),
		MaxPage:     iotMaxPage,
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
	}
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
		Service:  model.ExecutionServiceIot,
		JobID:    jobID,
		ThingArn: thingArn,
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
