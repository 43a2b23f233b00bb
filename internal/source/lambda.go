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

// lambdaService is Lambda durable functions. AWS documents no rate for the
// durable-execution APIs (Service Quotas names them: L-6A3611ED,
// L-9B52FC60, without values); Lambda's control plane as a whole is 15
// requests a second (docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
var lambdaService = &Service{Name: "lambda", SDKID: "Lambda", Operations: []Operation{
	{"ListDurableExecutionsByFunction", Limit{Burst: 15, PerSecond: 15}},
	{"GetDurableExecution", Limit{Burst: 15, PerSecond: 15}},
}}

// lambdaMaxPage is ListDurableExecutionsByFunction's largest page.
const lambdaMaxPage = 1000

// LambdaFilter holds the filters of ListDurableExecutionsByFunction; they
// all go to AWS.
type LambdaFilter struct {
	Region               string // "" for the function ARN's region or the default
	FunctionName         string
	Qualifier            string
	DurableExecutionName string
	Statuses             []string
	StartedAfter         *time.Time
	StartedBefore        *time.Time
	ReverseOrder         bool
}

// lambdaMaxStatuses is how many statuses ListDurableExecutionsByFunction
// takes.
const lambdaMaxStatuses = 10

// check checks the filters against AWS's constraints.
func (f LambdaFilter) check() error {
	if err := checkFunctionName(f.FunctionName); err != nil {
		return err
	}
	if f.Qualifier != "" {
		if err := qualifier.check(f.Qualifier); err != nil {
			return err
		}
	}
	if f.DurableExecutionName != "" {
		if err := durableExecutionName.check(f.DurableExecutionName); err != nil {
			return err
		}
	}
	if n := len(slices.Compact(slices.Sorted(slices.Values(f.Statuses)))); n > lambdaMaxStatuses {
		return apperr.New(apperr.BadUserInput, "statuses: AWS takes at most %d, got %d", lambdaMaxStatuses, n)
	}
	return nil
}

// fingerprint names the listing and every filter, in a canonical form
// (statuses sorted and deduplicated).
func (f LambdaFilter) fingerprint(region string) string {
	statuses := slices.Clone(f.Statuses)
	slices.Sort(statuses)
	statuses = slices.Compact(statuses)
	ts := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	return relay.Fingerprint("lambda", region, f.FunctionName, f.Qualifier, f.DurableExecutionName,
		strings.Join(statuses, ","), ts(f.StartedAfter), ts(f.StartedBefore), strconv.FormatBool(f.ReverseOrder))
}

// DurableExecutions is the listing of a Lambda function's durable
// executions: newest first, oldest first with ReverseOrder (as the current
// Lambda API model documents it).
//
// BAD_USER_INPUT for an argument AWS would refuse, a region not served, or
// a region that contradicts the function ARN's.
func (s *Source) DurableExecutions(f LambdaFilter) (relay.Listing[*model.LambdaDurableExecution], error) {
	if err := f.check(); err != nil {
		return relay.Listing[*model.LambdaDurableExecution]{}, err
	}
	region, err := s.regionOf(f.Region, f.FunctionName)
	if err != nil {
		return relay.Listing[*model.LambdaDurableExecution]{}, err
	}
	client := s.lambda.get(s.cfg, region)
	in := lambda.ListDurableExecutionsByFunctionInput{
		FunctionName:  &f.FunctionName,
		StartedAfter:  f.StartedAfter,
		StartedBefore: f.StartedBefore,
	}
	if f.Qualifier != "" {
		in.Qualifier = &f.Qualifier
	}
	if f.DurableExecutionName != "" {
		in.DurableExecutionName = &f.DurableExecutionName
	}
	if f.ReverseOrder {
		in.ReverseOrder = &f.ReverseOrder
	}
	for _, st := range f.Statuses {
		in.Statuses = append(in.Statuses, types.ExecutionStatus(st))
	}
	return relay.Listing[*model.LambdaDurableExecution]{
		Fingerprint: f.fingerprint(region),
		MaxPage:     lambdaMaxPage,
		Key:         func(e *model.LambdaDurableExecution) string { return e.DurableExecutionArn },
		Fetch: func(ctx context.Context, tok string, size int) (relay.Page[*model.LambdaDurableExecution], error) {
			req := in
			req.MaxItems, req.Marker = int32(size), token(tok)
			out, err := client.ListDurableExecutionsByFunction(ctx, &req)
			if err != nil {
				return relay.Page[*model.LambdaDurableExecution]{}, call{"lambda", "ListDurableExecutionsByFunction", "function " + f.FunctionName, tok != ""}.translate(err)
			}
			page := relay.Page[*model.LambdaDurableExecution]{Next: deref(out.NextMarker)}
			for _, it := range out.DurableExecutions {
				page.Items = append(page.Items, durableExecution(region, it))
			}
			return page, nil
		},
	}, nil
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
		Status:               Normalize(model.ExecutionServiceLambda, string(it.Status)),
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

// lambdaFinal are the statuses of durable executions that never change.
var lambdaFinal = map[types.ExecutionStatus]bool{
	types.ExecutionStatusSucceeded: true, types.ExecutionStatusFailed: true,
	types.ExecutionStatusTimedOut: true, types.ExecutionStatusStopped: true,
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
	terminal     bool
}

// Terminal reports whether the execution has ended: its details never change.
func (d *DurableExecutionDetails) Terminal() bool { return d.terminal }

// GetDurableExecution gets a durable execution in the region of its ARN.
func (s *Source) GetDurableExecution(ctx context.Context, arn string) (*DurableExecutionDetails, error) {
	region, err := s.arnRegion(durableExecutionArn, arn)
	if err != nil {
		return nil, err
	}
	out, err := s.lambda.get(s.cfg, region).GetDurableExecution(ctx, &lambda.GetDurableExecutionInput{DurableExecutionArn: &arn})
	if err != nil {
		return nil, call{"lambda", "GetDurableExecution", "durable execution " + arn, false}.translate(err)
	}
	item := durableExecution(region, types.Execution{DurableExecutionArn: out.DurableExecutionArn,
		DurableExecutionName: out.DurableExecutionName, FunctionArn: out.FunctionArn, StartTimestamp: out.StartTimestamp,
		EndTimestamp: out.EndTimestamp, Status: out.Status})
	if c := out.DurableConfig; c != nil {
		item.KmsKeyArn = c.KMSKeyArn
	}
	d := &DurableExecutionDetails{Item: item, InputPayload: out.InputPayload, Result: out.Result, Version: out.Version, terminal: lambdaFinal[out.Status]}
	if e := out.Error; e != nil {
		d.Error = &model.LambdaDurableExecutionError{ErrorType: e.ErrorType, ErrorMessage: e.ErrorMessage, ErrorData: e.ErrorData, StackTrace: e.StackTrace}
	}
	return d, nil
}
