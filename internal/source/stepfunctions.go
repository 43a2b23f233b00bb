package source

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/gid"
	"github.com/execgraph/execgraph/internal/relay"
)

// StepFunctions is Step Functions' Distributed Map runs: ListMapRuns, and
// DescribeMapRun, DescribeExecution, DescribeStateMachine. The listing has
// no status: a map run's status comes from DescribeMapRun. Quotas: "API
// action throttling" in
// docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
// (DescribeExecution's are those of most regions; us-east-1, us-west-2 and
// eu-west-1 allow 300/15).
var StepFunctions = &Service{
	Name: "stepfunctions", SDKID: "SFN", Kind: model.ExecutionServiceStepfunctions,
	Operations: []Operation{
		{"ListMapRuns", Limit{Burst: 100, PerSecond: 1}},
		{"DescribeMapRun", Limit{Burst: 200, PerSecond: 1}},
		{"DescribeExecution", Limit{Burst: 250, PerSecond: 10}},
		{"DescribeStateMachine", Limit{Burst: 200, PerSecond: 20}},
	},
	Statuses: map[string]model.ExecutionStatus{
		"RUNNING": model.ExecutionStatusRunning, "SUCCEEDED": model.ExecutionStatusSucceeded,
		"FAILED": model.ExecutionStatusFailed, "ABORTED": model.ExecutionStatusCancelled,
	},
	Final:   sfnFinal,
	Input:   "stepFunctionsExecutionArn",
	Type:    "StepFunctionsMapRun",
	Listing: "stepFunctionsMapRuns",
	MaxPage: 1000,
	Filter:  FilterByDescribe,
	Details: []DetailFields{
		{Op: "DescribeMapRun", Type: "StepFunctionsMapRun", Fields: []string{"status", "nativeStatus", "itemCounts", "executionCounts",
			"maxConcurrency", "toleratedFailurePercentage", "toleratedFailureCount", "redriveCount", "redriveDate"}},
		{Op: "DescribeStateMachine", Type: "StepFunctionsMapRun", Fields: []string{"stateMachine"}},
		{Op: "DescribeExecution", Type: "StepFunctionsMapRun", Fields: []string{"execution"}},
	},
	IDKeys: 1,
}

// The functions of StepFunctions refer to StepFunctions itself: they are set here, after it
// is initialized (CheckRegistry fails the start-up if one is missing).
func init() {
	StepFunctions.List = (*Source).mapRunListings
	StepFunctions.Node = func(ctx context.Context, region string, keys []string) (func() (model.Node, error), error) {
		return nodeOf(Load(ctx, DescribeMapRun, keys[0]), func(d *MapRunDetails) model.Node { return d.Item }), nil
	}
}

// sfnExecutionStatuses are the statuses of Step Functions executions
// (DescribeExecution): a map run's, and two more.
var sfnExecutionStatuses = map[string]model.ExecutionStatus{
	"RUNNING": model.ExecutionStatusRunning, "SUCCEEDED": model.ExecutionStatusSucceeded,
	"FAILED": model.ExecutionStatusFailed, "ABORTED": model.ExecutionStatusCancelled,
	"TIMED_OUT": model.ExecutionStatusTimedOut, "PENDING_REDRIVE": model.ExecutionStatusPending,
}

// redriveWindow is how long after it stopped a failed, aborted or timed-out
// Step Functions execution (and its map runs) can be redriven, under the
// same ARN: until then it is terminal but not final.
const redriveWindow = 14 * 24 * time.Hour

// sfnFinal reports whether a map run or execution will never change again:
// it succeeded, or it stopped otherwise longer ago than the redrive window.
func sfnFinal(status string, stop *time.Time, now time.Time) bool {
	switch status {
	case "SUCCEEDED":
		return true
	case "FAILED", "ABORTED", "TIMED_OUT":
		return stop != nil && now.Sub(*stop) > redriveWindow
	}
	return false
}

// mapRunListings is the listing of the Distributed Map runs of a Step
// Functions execution, newest first, in the region of the execution's ARN
// (r.Region, when given, must be that one). With r.Statuses, each map run
// read is described to learn its status (the caller keeps those it wants).
//
// BAD_USER_INPUT for an ARN AWS would refuse, a region not served, or a
// region that contradicts the ARN's.
func (s *Source) mapRunListings(r Resource) ([]relay.Listing[model.Execution], error) {
	if err := sfnExecutionArn.check(r.ID); err != nil {
		return nil, err
	}
	region, err := s.regionOf(r.Region, r.ID)
	if err != nil {
		return nil, err
	}
	client := s.sfn.get(s.cfg, region)
	op := listOp[*model.StepFunctionsMapRun]{svc: StepFunctions, op: "ListMapRuns", resource: "execution " + r.ID, maxPage: StepFunctions.MaxPage,
		fingerprint: relay.Fingerprint("stepfunctions", region, r.ID),
		key:         func(m *model.StepFunctionsMapRun) string { return m.MapRunArn }}
	l := op.listing(func(ctx context.Context, tok *string, size int32) ([]*model.StepFunctionsMapRun, *string, error) {
		out, err := client.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: &r.ID, MaxResults: size, NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return mapItems(out.MapRuns, func(it types.MapRunListItem) *model.StepFunctionsMapRun { return mapRun(region, it) }), out.NextToken, nil
	})
	if r.Statuses != nil {
		l.Fetch = withMapRunStatus(l.Fetch)
	}
	return one(l), nil
}

// withMapRunStatus fills in the status of every map run of a page, which
// the listing leaves out, through the DescribeMapRun loader (all at once).
// The page may be shared with other fields of the request: it returns a
// copy of each map run, never changing the shared ones. A map run that no
// longer exists keeps no status, so a status filter drops it.
func withMapRunStatus(fetch relay.Fetcher[*model.StepFunctionsMapRun]) relay.Fetcher[*model.StepFunctionsMapRun] {
	return func(ctx context.Context, token string, size int) (relay.UpstreamPage[*model.StepFunctionsMapRun], error) {
		p, err := fetch(ctx, token, size)
		if err != nil {
			return p, err
		}
		keys := mapItems(p.Items, func(m *model.StepFunctionsMapRun) string { return m.MapRunArn })
		details, errs := LoadMany(ctx, DescribeMapRun, keys)()
		out := relay.UpstreamPage[*model.StepFunctionsMapRun]{Next: p.Next, Items: make([]*model.StepFunctionsMapRun, len(p.Items))}
		for i, it := range p.Items {
			run := *it
			switch {
			case len(errs) > i && errs[i] != nil && apperr.CodeOf(errs[i]) != apperr.NotFound:
				return relay.UpstreamPage[*model.StepFunctionsMapRun]{}, errs[i]
			case len(errs) > i && errs[i] != nil:
			default:
				run.Status, run.NativeStatus = details[i].Item.Status, details[i].Item.NativeStatus
			}
			out.Items[i] = &run
		}
		return out, nil
	}
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
// with its status (for refetching by id) and the fields the list leaves
// out.
type MapRunDetails struct {
	Item                       *model.StepFunctionsMapRun
	ItemCounts                 *model.StepFunctionsMapRunCounts
	ExecutionCounts            *model.StepFunctionsMapRunCounts
	MaxConcurrency             *int
	ToleratedFailurePercentage *float64
	ToleratedFailureCount      *int
	RedriveCount               *int
	RedriveDate                *time.Time
}

// DescribeMapRun describes a map run by ARN, in the ARN's region.
var DescribeMapRun = &Detail[string, *MapRunDetails]{
	Service: StepFunctions, Op: "DescribeMapRun",
	Fetch: (*Source).describeMapRun,
	Final: func(d *MapRunDetails, now time.Time) bool {
		return sfnFinal(deref(d.Item.NativeStatus), d.Item.StopDate, now)
	},
}

func (s *Source) describeMapRun(ctx context.Context, mapRunArn string) (*MapRunDetails, error) {
	region, err := s.arnRegion(sfnMapRunArn, mapRunArn)
	if err != nil {
		return nil, err
	}
	out, err := s.sfn.get(s.cfg, region).DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: &mapRunArn})
	if err != nil {
		return nil, callOf(StepFunctions, "DescribeMapRun", "map run "+mapRunArn, false).translate(err)
	}
	item := mapRun(region, types.MapRunListItem{ExecutionArn: out.ExecutionArn, MapRunArn: out.MapRunArn, StartDate: out.StartDate,
		StopDate: out.StopDate, StateMachineArn: stateMachineOf(deref(out.ExecutionArn))})
	item.Status = StepFunctions.Normalize(string(out.Status))
	item.NativeStatus = nativeOf(out.Status)
	return &MapRunDetails{
		Item:                       item,
		ItemCounts:                 mapRunCounts(out.ItemCounts),
		ExecutionCounts:            mapRunCounts((*types.MapRunItemCounts)(out.ExecutionCounts)),
		MaxConcurrency:             intp(out.MaxConcurrency),
		ToleratedFailurePercentage: new(float64(out.ToleratedFailurePercentage)),
		ToleratedFailureCount:      new(int(out.ToleratedFailureCount)),
		RedriveCount:               intpp(out.RedriveCount),
		RedriveDate:                out.RedriveDate,
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

// DescribeExecution describes a Step Functions execution by ARN, in the
// ARN's region. It is final on the same rule as map runs.
var DescribeExecution = &Detail[string, *model.StepFunctionsExecution]{
	Service: StepFunctions, Op: "DescribeExecution",
	Fetch: (*Source).describeExecution,
	Final: func(e *model.StepFunctionsExecution, now time.Time) bool {
		return sfnFinal(deref(e.NativeStatus), e.EndedAt, now)
	},
}

func (s *Source) describeExecution(ctx context.Context, executionArn string) (*model.StepFunctionsExecution, error) {
	region, err := s.arnRegion(sfnExecutionArn, executionArn)
	if err != nil {
		return nil, err
	}
	out, err := s.sfn.get(s.cfg, region).DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &executionArn})
	if err != nil {
		return nil, callOf(StepFunctions, "DescribeExecution", "execution "+executionArn, false).translate(err)
	}
	e := &model.StepFunctionsExecution{
		ExecutionArn:    deref(out.ExecutionArn),
		Name:            out.Name,
		NativeStatus:    nativeOf(out.Status),
		StartedAt:       out.StartDate,
		EndedAt:         out.StopDate,
		StateMachineArn: out.StateMachineArn,
	}
	if st, ok := sfnExecutionStatuses[string(out.Status)]; ok {
		e.Status = &st
	}
	return e, nil
}

// DescribeStateMachine describes a state machine by ARN, in the ARN's
// region. State machines are updated in place: never kept.
var DescribeStateMachine = &Detail[string, *model.StepFunctionsStateMachine]{
	Service: StepFunctions, Op: "DescribeStateMachine",
	Fetch: (*Source).describeStateMachine,
}

func (s *Source) describeStateMachine(ctx context.Context, stateMachineArn string) (*model.StepFunctionsStateMachine, error) {
	region, err := s.arnRegion(sfnStateMachineArn, stateMachineArn)
	if err != nil {
		return nil, err
	}
	out, err := s.sfn.get(s.cfg, region).DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &stateMachineArn})
	if err != nil {
		return nil, callOf(StepFunctions, "DescribeStateMachine", "state machine "+stateMachineArn, false).translate(err)
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
