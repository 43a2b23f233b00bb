package source

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/gid"
	"github.com/execgraph/execgraph/internal/relay"
)

// sfnService is Step Functions. Quotas: "API action throttling" in
// docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
// (DescribeExecution's are those of most regions; us-east-1, us-west-2 and
// eu-west-1 allow 300/15).
var sfnService = &Service{Name: "stepfunctions", SDKID: "SFN", Operations: []Operation{
	{"ListMapRuns", Limit{Burst: 100, PerSecond: 1}},
	{"DescribeMapRun", Limit{Burst: 200, PerSecond: 1}},
	{"DescribeExecution", Limit{Burst: 250, PerSecond: 10}},
	{"DescribeStateMachine", Limit{Burst: 200, PerSecond: 20}},
}}

// sfnMaxPage is ListMapRuns' largest page.
const sfnMaxPage = 1000

// MapRuns is the listing of the Distributed Map runs of a Step Functions
// execution, newest first, in the region of the execution's ARN (region,
// when given, must be that one). BAD_USER_INPUT for an ARN AWS would refuse,
// a region not served, or a region that contradicts the ARN's.
func (s *Source) MapRuns(region, executionArn string) (relay.Listing[*model.StepFunctionsMapRun], error) {
	if err := sfnExecutionArn.check(executionArn); err != nil {
		return relay.Listing[*model.StepFunctionsMapRun]{}, err
	}
	region, err := s.regionOf(region, executionArn)
	if err != nil {
		return relay.Listing[*model.StepFunctionsMapRun]{}, err
	}
	client := s.sfn.get(s.cfg, region)
	return relay.Listing[*model.StepFunctionsMapRun]{
		Fingerprint: relay.Fingerprint("stepfunctions", region, executionArn),
		MaxPage:     sfnMaxPage,
		Key:         func(r *model.StepFunctionsMapRun) string { return r.MapRunArn },
		Fetch: func(ctx context.Context, tok string, size int) (relay.Page[*model.StepFunctionsMapRun], error) {
			out, err := client.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: &executionArn, MaxResults: int32(size), NextToken: token(tok)})
			if err != nil {
				return relay.Page[*model.StepFunctionsMapRun]{}, call{"stepfunctions", "ListMapRuns", "execution " + executionArn, tok != ""}.translate(err)
			}
			page := relay.Page[*model.StepFunctionsMapRun]{Next: deref(out.NextToken)}
			for _, it := range out.MapRuns {
				page.Items = append(page.Items, mapRun(region, it))
			}
			return page, nil
		},
	}, nil
}

// mapRun maps a list item. The listing has no status: it stays null here.
func mapRun(region string, it types.MapRunListItem) *model.StepFunctionsMapRun {
	return &model.StepFunctionsMapRun{
		ID:              gid.Encode(string(model.ExecutionServiceStepfunctions), region, deref(it.MapRunArn)),
		Service:         model.ExecutionServiceStepfunctions,
		Region:          region,
		StartedAt:       it.StartDate,
		EndedAt:         it.StopDate,
		MapRunArn:       deref(it.MapRunArn),
		ExecutionArn:    deref(it.ExecutionArn),
		StateMachineArn: it.StateMachineArn,
		StartDate:       it.StartDate,
		StopDate:        it.StopDate,
	}
}

// MapRunDetails is what DescribeMapRun tells of a map run: the list item
// (for refetching by id) and the fields the list leaves out.
type MapRunDetails struct {
	Item                       *model.StepFunctionsMapRun
	Status                     *model.ExecutionStatus
	NativeStatus               *string
	ItemCounts                 *model.StepFunctionsMapRunCounts
	ExecutionCounts            *model.StepFunctionsMapRunCounts
	MaxConcurrency             *int
	ToleratedFailurePercentage *float64
	ToleratedFailureCount      *int
	RedriveCount               *int
	RedriveDate                *time.Time
	terminal                   bool
}

// Terminal reports whether the map run has ended: its details never change.
func (d *MapRunDetails) Terminal() bool { return d.terminal }

// DescribeMapRun describes a map run in the region of its ARN.
func (s *Source) DescribeMapRun(ctx context.Context, mapRunArn string) (*MapRunDetails, error) {
	region, err := s.arnRegion(sfnMapRunArn, mapRunArn)
	if err != nil {
		return nil, err
	}
	out, err := s.sfn.get(s.cfg, region).DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: &mapRunArn})
	if err != nil {
		return nil, call{"stepfunctions", "DescribeMapRun", "map run " + mapRunArn, false}.translate(err)
	}
	item := mapRun(region, types.MapRunListItem{ExecutionArn: out.ExecutionArn, MapRunArn: out.MapRunArn, StartDate: out.StartDate,
		StopDate: out.StopDate, StateMachineArn: stateMachineOf(deref(out.ExecutionArn))})
	item.Status = Normalize(model.ExecutionServiceStepfunctions, string(out.Status))
	item.NativeStatus = nativeOf(out.Status)
	return &MapRunDetails{
		Item:                       item,
		Status:                     Normalize(model.ExecutionServiceStepfunctions, string(out.Status)),
		NativeStatus:               nativeOf(out.Status),
		ItemCounts:                 mapRunCounts(out.ItemCounts),
		ExecutionCounts:            mapRunCounts((*types.MapRunItemCounts)(out.ExecutionCounts)),
		MaxConcurrency:             intp(out.MaxConcurrency),
		ToleratedFailurePercentage: new(float64(out.ToleratedFailurePercentage)),
		ToleratedFailureCount:      new(int(out.ToleratedFailureCount)),
		RedriveCount:               intpp(out.RedriveCount),
		RedriveDate:                out.RedriveDate,
		terminal:                   sfnFinal(string(out.Status), out.StopDate),
	}, nil
}

// stateMachineOf returns the ARN of the state machine of an execution ARN
// (arn:aws:states:region:account:execution:machine:name), which is what
// ListMapRuns reports as a map run's stateMachineArn; nil if it is none.
func stateMachineOf(executionArn string) *string {
	parts := strings.Split(executionArn, ":")
	if len(parts) != 8 || parts[5] != "execution" {
		return nil
	}
	arn := strings.Join(parts[:5], ":") + ":stateMachine:" + parts[6]
	return &arn
}

// mapRunCounts maps item counts; execution counts have the same members.
func mapRunCounts(c *types.MapRunItemCounts) *model.StepFunctionsMapRunCounts {
	if c == nil {
		return nil
	}
	return &model.StepFunctionsMapRunCounts{
		Pending: int(c.Pending), Running: int(c.Running), Succeeded: int(c.Succeeded), Failed: int(c.Failed),
		TimedOut: int(c.TimedOut), Aborted: int(c.Aborted), Total: int(c.Total), ResultsWritten: int(c.ResultsWritten),
		FailuresNotRedrivable: int64pp(c.FailuresNotRedrivable), PendingRedrive: int64pp(c.PendingRedrive),
	}
}

// DescribeExecution describes a Step Functions execution in the region of
// its ARN; an execution that is not RUNNING never changes again.
func (s *Source) DescribeExecution(ctx context.Context, executionArn string) (*model.StepFunctionsExecution, error) {
	region, err := s.arnRegion(sfnExecutionArn, executionArn)
	if err != nil {
		return nil, err
	}
	out, err := s.sfn.get(s.cfg, region).DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &executionArn})
	if err != nil {
		return nil, call{"stepfunctions", "DescribeExecution", "execution " + executionArn, false}.translate(err)
	}
	return &model.StepFunctionsExecution{
		ExecutionArn:    deref(out.ExecutionArn),
		Name:            out.Name,
		Status:          normalizeSFNExecution(string(out.Status)),
		NativeStatus:    nativeOf(out.Status),
		StartedAt:       out.StartDate,
		EndedAt:         out.StopDate,
		StateMachineArn: out.StateMachineArn,
	}, nil
}

// DescribeStateMachine describes a state machine in the region of its ARN.
func (s *Source) DescribeStateMachine(ctx context.Context, stateMachineArn string) (*model.StepFunctionsStateMachine, error) {
	region, err := s.arnRegion(sfnStateMachineArn, stateMachineArn)
	if err != nil {
		return nil, err
	}
	out, err := s.sfn.get(s.cfg, region).DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &stateMachineArn})
	if err != nil {
		return nil, call{"stepfunctions", "DescribeStateMachine", "state machine " + stateMachineArn, false}.translate(err)
	}
	return &model.StepFunctionsStateMachine{
		StateMachineArn: deref(out.StateMachineArn),
		Name:            out.Name,
		Type:            nativeOf(out.Type),
		Status:          nativeOf(out.Status),
		Description:     out.Description,
		RoleArn:         out.RoleArn,
		CreationDate:    out.CreationDate,
	}, nil
}

func normalizeSFNExecution(native string) *model.ExecutionStatus {
	if st, ok := sfnExecutionStatuses[native]; ok {
		return &st
	}
	return nil
}

// redriveWindow is how long after it stopped a failed, aborted or timed-out
// Step Functions execution (and its map runs) can be redriven, under the
// same ARN.
const redriveWindow = 14 * 24 * time.Hour

// sfnFinal reports whether a map run or execution will never change again:
// it succeeded, or it stopped otherwise longer ago than the redrive window.
func sfnFinal(status string, stop *time.Time) bool {
	switch status {
	case "SUCCEEDED":
		return true
	case "FAILED", "ABORTED", "TIMED_OUT":
		return stop != nil && time.Since(*stop) > redriveWindow
	}
	return false
}

// SFNExecutionFinal reports whether a described execution will never change
// again (see sfnFinal).
func SFNExecutionFinal(e *model.StepFunctionsExecution) bool {
	return e.NativeStatus != nil && sfnFinal(*e.NativeStatus, e.EndedAt)
}
