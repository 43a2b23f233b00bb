package source

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/gid"
	"github.com/execgraph/execgraph/internal/relay"
)

// Lambda is Lambda durable functions: ListDurableExecutionsByFunction and
// GetDurableExecution. AWS documents no rate for the durable-execution APIs
// (Service Quotas names them, L-6A3611ED and L-9B52FC60, without values);
// Lambda's control plane as a whole is 15 requests a second
// (docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
var Lambda = &Service{
	Name: "lambda", SDKID: "Lambda", Kind: model.ExecutionServiceLambda,
	Operations: []Operation{
		{"ListDurableExecutionsByFunction", Limit{Burst: 15, PerSecond: 15}},
		{"GetDurableExecution", Limit{Burst: 15, PerSecond: 15}},
	},
	Statuses: map[string]model.ExecutionStatus{
		"RUNNING": model.ExecutionStatusRunning, "SUCCEEDED": model.ExecutionStatusSucceeded,
		"FAILED": model.ExecutionStatusFailed, "TIMED_OUT": model.ExecutionStatusTimedOut,
		"STOPPED": model.ExecutionStatusCancelled,
	},
	Final:   terminalIn("SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED"),
	Input:   "lambdaFunctionName",
	Type:    "LambdaDurableExecution",
	Listing: "lambdaDurableExecutions",
	MaxPage: 1000,
	Filter:  FilterUpstream,
	Details: []DetailFields{{Op: "GetDurableExecution", Type: "LambdaDurableExecution", Fields: []string{"inputPayload", "result", "error", "version"}}},
	IDKeys:  1,
}

// The functions of Lambda refer to Lambda itself: they are set here, after it
// is initialized (CheckRegistry fails the start-up if one is missing).
func init() {
	Lambda.List = (*Source).lambdaListings
	Lambda.Node = func(ctx context.Context, region string, keys []string) (func() (model.Node, error), error) {
		return nodeOf(Load(ctx, GetDurableExecution, keys[0]), func(d *DurableExecutionDetails) model.Node { return d.Item }), nil
	}
}

// terminalIn is the final-state rule of a service whose executions never
// change once in one of the terminal statuses.
func terminalIn(terminal ...string) func(string, *time.Time, time.Time) bool {
	return func(native string, _ *time.Time, _ time.Time) bool { return slices.Contains(terminal, native) }
}

// LambdaFilter holds the further filters of ListDurableExecutionsByFunction;
// they all go to AWS.
type LambdaFilter struct {
	Qualifier            string
	DurableExecutionName string
	StartedAfter         *time.Time
	StartedBefore        *time.Time
	ReverseOrder         bool
}

// lambdaMaxStatuses is how many statuses ListDurableExecutionsByFunction
// takes.
const lambdaMaxStatuses = 10

// check checks the filters against AWS's constraints.
func (f LambdaFilter) check() error {
	if f.Qualifier != "" {
		if err := qualifier.check(f.Qualifier); err != nil {
			return err
		}
	}
	if f.DurableExecutionName != "" {
		return durableExecutionName.check(f.DurableExecutionName)
	}
	return nil
}

// lambdaListings is the listing of a Lambda function's durable executions:
// newest first, oldest first with ReverseOrder (as the current Lambda API
// model documents it). r.Filter may hold a LambdaFilter.
//
// BAD_USER_INPUT for an argument AWS would refuse, a region not served, or
// a region that contradicts the function ARN's.
func (s *Source) lambdaListings(r Resource) ([]relay.Listing[model.Execution], error) {
	f, _ := r.Filter.(LambdaFilter)
	statuses := slices.Compact(slices.Sorted(slices.Values(r.Statuses)))
	if err := checkFunctionName(r.ID); err != nil {
		return nil, err
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	if len(statuses) > lambdaMaxStatuses {
		return nil, apperr.New(apperr.BadUserInput, "statuses: AWS takes at most %d, got %d", lambdaMaxStatuses, len(statuses))
	}
	region, err := s.regionOf(r.Region, r.ID)
	if err != nil {
		return nil, err
	}
	client := s.lambda.get(s.cfg, region)
	in := lambda.ListDurableExecutionsByFunctionInput{FunctionName: &r.ID, StartedAfter: f.StartedAfter, StartedBefore: f.StartedBefore}
	if f.Qualifier != "" {
		in.Qualifier = &f.Qualifier
	}
	if f.DurableExecutionName != "" {
		in.DurableExecutionName = &f.DurableExecutionName
	}
	if f.ReverseOrder {
		in.ReverseOrder = &f.ReverseOrder
	}
	for _, st := range statuses {
		in.Statuses = append(in.Statuses, types.ExecutionStatus(st))
	}
	ts := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	op := listOp[*model.LambdaDurableExecution]{svc: Lambda, op: "ListDurableExecutionsByFunction", resource: "function " + r.ID, maxPage: Lambda.MaxPage,
		fingerprint: relay.Fingerprint("lambda", region, r.ID, f.Qualifier, f.DurableExecutionName, strings.Join(statuses, ","),
			ts(f.StartedAfter), ts(f.StartedBefore), strconv.FormatBool(f.ReverseOrder)),
		key: func(e *model.LambdaDurableExecution) string { return e.DurableExecutionArn }}
	return one(op.listing(func(ctx context.Context, tok *string, size int32) ([]*model.LambdaDurableExecution, *string, error) {
		req := in
		req.MaxItems, req.Marker = size, tok
		out, err := client.ListDurableExecutionsByFunction(ctx, &req)
		if err != nil {
			return nil, nil, err
		}
		return mapItems(out.DurableExecutions, func(it types.Execution) *model.LambdaDurableExecution { return durableExecution(region, it) }), out.NextMarker, nil
	})), nil
}

func durableExecution(region string, it types.Execution) *model.LambdaDurableExecution {
	arn := deref(it.DurableExecutionArn)
	if r := ARNRegion(arn); r != "" {
		region = r
	}
	return &model.LambdaDurableExecution{
		ID:                   gid.Encode(string(model.ExecutionServiceLambda), region, arn),
		Service:              model.ExecutionServiceLambda,
		Region:               region,
		Status:               Lambda.Normalize(string(it.Status)),
		NativeStatus:         nativeOf(it.Status),
		StartedAt:            it.StartTimestamp,
		EndedAt:              it.EndTimestamp,
		DurableExecutionArn:  arn,
		DurableExecutionName: it.DurableExecutionName,
		FunctionArn:          it.FunctionArn,
		StartTimestamp:       it.StartTimestamp,
		EndTimestamp:         it.EndTimestamp,
		KmsKeyArn:            it.KMSKeyArn,
	}
}

// DurableExecutionDetails is what GetDurableExecution tells of an
// execution: the list item (for refetching by id) and the fields the list
// leaves out.
type DurableExecutionDetails struct {
	Item         *model.LambdaDurableExecution
	InputPayload *string
	Result       *string
	Error        *model.LambdaDurableExecutionError
	Version      *string
}

// GetDurableExecution gets a durable execution by ARN, in the ARN's region.
var GetDurableExecution = &Detail[string, *DurableExecutionDetails]{
	Service: Lambda, Op: "GetDurableExecution",
	Fetch: (*Source).getDurableExecution,
	Final: func(d *DurableExecutionDetails, now time.Time) bool {
		return Lambda.Final(deref(d.Item.NativeStatus), d.Item.EndedAt, now)
	},
}

func (s *Source) getDurableExecution(ctx context.Context, arn string) (*DurableExecutionDetails, error) {
	region, err := s.arnRegion(durableExecutionArn, arn)
	if err != nil {
		return nil, err
	}
	out, err := s.lambda.get(s.cfg, region).GetDurableExecution(ctx, &lambda.GetDurableExecutionInput{DurableExecutionArn: &arn})
	if err != nil {
		return nil, callOf(Lambda, "GetDurableExecution", "durable execution "+arn, false).translate(err)
	}
	item := durableExecution(region, types.Execution{DurableExecutionArn: out.DurableExecutionArn,
		DurableExecutionName: out.DurableExecutionName, FunctionArn: out.FunctionArn, StartTimestamp: out.StartTimestamp,
		EndTimestamp: out.EndTimestamp, Status: out.Status})
	if c := out.DurableConfig; c != nil {
		item.KmsKeyArn = c.KMSKeyArn
	}
	d := &DurableExecutionDetails{Item: item, InputPayload: out.InputPayload, Result: out.Result, Version: out.Version}
	if e := out.Error; e != nil {
		d.Error = &model.LambdaDurableExecutionError{ErrorType: e.ErrorType, ErrorMessage: e.ErrorMessage, ErrorData: e.ErrorData, StackTrace: e.StackTrace}
	}
	return d, nil
}

// nodeOf waits for a detail and picks the node out of it.
func nodeOf[D any](thunk func() (D, error), pick func(D) model.Node) func() (model.Node, error) {
	return func() (model.Node, error) {
		d, err := thunk()
		if err != nil {
			return nil, err
		}
		return pick(d), nil
	}
}
