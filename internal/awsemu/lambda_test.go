package awsemu_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/execgraph/execgraph/internal/awsemu"
)

const (
	lambdaListOp  = "lambda.ListDurableExecutionsByFunction"
	lambdaGetOp   = "lambda.GetDurableExecution"
	lambdaLargeFn = "order-pipeline" // the primary region's large function
	lambdaSmallFn = "refund-processor"
)

// lambdaExecArnRE parses a durable execution ARN: function ARN, version,
// execution name, execution id.
var lambdaExecArnRE = regexp.MustCompile(`^(arn:aws:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9_-]+)):(\$LATEST|\d+)/durable-execution/([a-zA-Z0-9_-]+)/([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$`)

func lambdaClient(srv *awsemu.Server, region string) *lambda.Client {
	return lambda.NewFromConfig(sdkConfig(srv.URL, region))
}

// lambdaWalk lists every execution with the SDK paginator at the page
// size in.MaxItems (0: the default, 100). Every page but the last must be
// full; the walk must end within maxPages pages.
func lambdaWalk(t *testing.T, c *lambda.Client, in lambda.ListDurableExecutionsByFunctionInput) []types.Execution {
	t.Helper()
	const maxPages = 4000
	size := int(in.MaxItems)
	if size == 0 {
		size = 100
	}
	cx := ctx(t)
	p := lambda.NewListDurableExecutionsByFunctionPaginator(c, &in)
	var out []types.Execution
	for pages := 0; p.HasMorePages(); pages++ {
		if pages == maxPages {
			t.Fatalf("walk of %s did not end after %d pages", aws.ToString(in.FunctionName), maxPages)
		}
		page, err := p.NextPage(cx)
		if err != nil {
			t.Fatalf("ListDurableExecutionsByFunction %s page %d: %v", aws.ToString(in.FunctionName), pages, err)
		}
		n := len(page.DurableExecutions)
		if n > size || (page.NextMarker != nil && n != size) {
			t.Fatalf("page %d has %d items at size %d (next marker %v)", pages, n, size, page.NextMarker != nil)
		}
		out = append(out, page.DurableExecutions...)
	}
	return out
}

func lambdaArns(xs []types.Execution) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = aws.ToString(x.DurableExecutionArn)
	}
	return out
}

// lambdaVersionOf is the version in an execution's qualified FunctionArn.
func lambdaVersionOf(x types.Execution) string {
	arn := aws.ToString(x.FunctionArn)
	return arn[strings.LastIndexByte(arn, ':')+1:]
}

// TestLambdaListWalksEveryFunction walks every seeded function of both
// regions at several page sizes: each walk yields the same executions, as
// many as the manifest counts, none twice, newest first, with well-formed
// ARNs of the right region, account and function.
func TestLambdaListWalksEveryFunction(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	res := resources(t, srv, "lambda")
	lambdaCheckManifest(t, res)
	for _, r := range res {
		t.Run(r.Region+"/"+r.ID, func(t *testing.T) {
			c := lambdaClient(srv, r.Region)
			sizes := []int32{37, 0, 1000}
			if r.Count < 30 {
				sizes = []int32{1, 7, 0, 1000}
			}
			var first []string
			for _, size := range sizes {
				got := lambdaWalk(t, c, lambda.ListDurableExecutionsByFunctionInput{FunctionName: aws.String(r.ID), MaxItems: size})
				arns := lambdaArns(got)
				if first == nil {
					first = arns
					lambdaCheckExecutions(t, r, got)
				}
				if !slices.Equal(arns, first) {
					t.Fatalf("walk at size %d differs from the walk at size %d", size, sizes[0])
				}
			}
			if len(first) != r.Count {
				t.Fatalf("listed %d executions, manifest count %d", len(first), r.Count)
			}
		})
	}
}

// lambdaCheckManifest asserts the seed layout: the primary region has an
// empty, a small and a large function; the second region has at least two
// functions whose names the primary region does not use.
func lambdaCheckManifest(t *testing.T, res []awsemu.Resource) {
	t.Helper()
	var empty, small, large, second int
	primary := map[string]bool{}
	for _, r := range res {
		if r.Region == awsemu.DefaultRegion {
			primary[r.ID] = true
		}
	}
	for _, r := range res {
		switch {
		case r.Region == awsemu.SecondRegion:
			second++
			if primary[r.ID] {
				t.Errorf("second-region function %s has a primary-region name", r.ID)
			}
		case r.Count == 0:
			empty++
		case r.Count >= 1 && r.Count <= 10:
			small++
		case r.Count >= 2600 && r.Count <= 2800:
			large++
		}
	}
	if empty < 1 || small < 1 || large < 1 || second < 2 {
		t.Fatalf("manifest %+v: want an empty, a small, a large primary function and two second-region ones", res)
	}
}

// lambdaCheckExecutions asserts the order (StartTimestamp descending, ties by
// execution id descending), uniqueness and shape of a function's listing.
func lambdaCheckExecutions(t *testing.T, r awsemu.Resource, xs []types.Execution) {
	t.Helper()
	seen := map[string]bool{}
	for i, x := range xs {
		arn := aws.ToString(x.DurableExecutionArn)
		m := lambdaExecArnRE.FindStringSubmatch(arn)
		if m == nil || m[2] != r.Region || m[3] != awsemu.AccountID || m[4] != r.ID {
			t.Fatalf("execution ARN %q is not one of %s in %s", arn, r.ID, r.Region)
		}
		if aws.ToString(x.FunctionArn) != m[1]+":"+m[5] || m[6] != aws.ToString(x.DurableExecutionName) {
			t.Fatalf("execution %s: FunctionArn %s, name %s disagree with the ARN", arn, aws.ToString(x.FunctionArn), aws.ToString(x.DurableExecutionName))
		}
		if seen[arn] {
			t.Fatalf("execution %s listed twice", arn)
		}
		seen[arn] = true
		if (x.Status == types.ExecutionStatusRunning) != (x.EndTimestamp == nil) {
			t.Fatalf("execution %s: status %s with EndTimestamp %v", arn, x.Status, x.EndTimestamp)
		}
		if x.EndTimestamp != nil && x.EndTimestamp.Before(*x.StartTimestamp) {
			t.Fatalf("execution %s ends before it starts", arn)
		}
		if i == 0 {
			continue
		}
		prev := xs[i-1]
		ps, s := *prev.StartTimestamp, *x.StartTimestamp
		if ps.Before(s) || (ps.Equal(s) && lambdaExecArnRE.FindStringSubmatch(aws.ToString(prev.DurableExecutionArn))[7] < m[7]) {
			t.Fatalf("items %d and %d are not newest first: %v then %v", i-1, i, ps, s)
		}
	}
}

// TestLambdaListFilters compares every filter, alone and combined, with
// the same filter applied by the test to an unfiltered walk.
func TestLambdaListFilters(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	c := lambdaClient(srv, awsemu.DefaultRegion)
	all := lambdaWalk(t, c, lambda.ListDurableExecutionsByFunctionInput{FunctionName: aws.String(lambdaLargeFn), MaxItems: 1000})
	after := *all[len(all)/2].StartTimestamp  // all is newest first
	before := *all[len(all)/4].StartTimestamp // so before is later than after
	fnArn := "arn:aws:lambda:us-east-1:" + awsemu.AccountID + ":function:" + lambdaLargeFn
	statusIn := func(ss ...types.ExecutionStatus) func(types.Execution) bool {
		return func(x types.Execution) bool { return slices.Contains(ss, x.Status) }
	}
	version := func(v string) func(types.Execution) bool {
		return func(x types.Execution) bool { return lambdaVersionOf(x) == v }
	}
	tests := []struct {
		name    string
		in      lambda.ListDurableExecutionsByFunctionInput
		keep    func(types.Execution) bool // nil: every execution
		oldest  bool                       // want oldest first
		partial bool                       // the filter must drop some executions
	}{
		{name: "qualifier 1", in: lambda.ListDurableExecutionsByFunctionInput{Qualifier: aws.String("1")}, keep: version("1"), partial: true},
		{name: "qualifier 2", in: lambda.ListDurableExecutionsByFunctionInput{Qualifier: aws.String("2")}, keep: version("2"), partial: true},
		{name: "qualifier $LATEST", in: lambda.ListDurableExecutionsByFunctionInput{Qualifier: aws.String("$LATEST")}, keep: version("$LATEST"), partial: true},
		{name: "alias live is version 2", in: lambda.ListDurableExecutionsByFunctionInput{Qualifier: aws.String("live")}, keep: version("2"), partial: true},
		{name: "qualified function name", in: lambda.ListDurableExecutionsByFunctionInput{FunctionName: aws.String(lambdaLargeFn + ":1")}, keep: version("1"), partial: true},
		{name: "qualified function ARN with alias", in: lambda.ListDurableExecutionsByFunctionInput{FunctionName: aws.String(fnArn + ":live"), Qualifier: aws.String("live")}, keep: version("2"), partial: true},
		{name: "full ARN", in: lambda.ListDurableExecutionsByFunctionInput{FunctionName: aws.String(fnArn)}},
		{name: "partial ARN", in: lambda.ListDurableExecutionsByFunctionInput{FunctionName: aws.String(awsemu.AccountID + ":function:" + lambdaLargeFn)}},
		{name: "name contains refund", in: lambda.ListDurableExecutionsByFunctionInput{DurableExecutionName: aws.String("refund")},
			keep: func(x types.Execution) bool { return strings.Contains(*x.DurableExecutionName, "refund") }, partial: true},
		{name: "name contains -26", in: lambda.ListDurableExecutionsByFunctionInput{DurableExecutionName: aws.String("-26")},
			keep: func(x types.Execution) bool { return strings.Contains(*x.DurableExecutionName, "-26") }, partial: true},
		{name: "status FAILED", in: lambda.ListDurableExecutionsByFunctionInput{Statuses: []types.ExecutionStatus{"FAILED"}},
			keep: statusIn("FAILED"), partial: true},
		{name: "statuses RUNNING TIMED_OUT STOPPED", in: lambda.ListDurableExecutionsByFunctionInput{Statuses: []types.ExecutionStatus{"RUNNING", "TIMED_OUT", "STOPPED"}},
			keep: statusIn("RUNNING", "TIMED_OUT", "STOPPED"), partial: true},
		{name: "started after", in: lambda.ListDurableExecutionsByFunctionInput{StartedAfter: &after},
			keep: func(x types.Execution) bool { return x.StartTimestamp.After(after) }, partial: true},
		{name: "started before", in: lambda.ListDurableExecutionsByFunctionInput{StartedBefore: &before},
			keep: func(x types.Execution) bool { return x.StartTimestamp.Before(before) }, partial: true},
		{name: "started between", in: lambda.ListDurableExecutionsByFunctionInput{StartedAfter: &after, StartedBefore: &before},
			keep: func(x types.Execution) bool { return x.StartTimestamp.After(after) && x.StartTimestamp.Before(before) }, partial: true},
		{name: "reverse order", in: lambda.ListDurableExecutionsByFunctionInput{ReverseOrder: aws.Bool(true)}, oldest: true},
		{name: "explicit default order", in: lambda.ListDurableExecutionsByFunctionInput{ReverseOrder: aws.Bool(false)}},
		{name: "combined", in: lambda.ListDurableExecutionsByFunctionInput{
			Qualifier: aws.String("live"), DurableExecutionName: aws.String("order"), Statuses: []types.ExecutionStatus{"SUCCEEDED", "FAILED"},
			StartedAfter: &after, ReverseOrder: aws.Bool(true)},
			keep: func(x types.Execution) bool {
				return lambdaVersionOf(x) == "2" && strings.Contains(*x.DurableExecutionName, "order") &&
					statusIn("SUCCEEDED", "FAILED")(x) && x.StartTimestamp.After(after)
			}, oldest: true, partial: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := lambdaKept(all, tc.keep, tc.oldest)
			if len(want) == 0 || (tc.partial && len(want) == len(all)) {
				t.Fatalf("filter keeps %d of %d executions: the case proves nothing", len(want), len(all))
			}
			in := tc.in
			if in.FunctionName == nil {
				in.FunctionName = aws.String(lambdaLargeFn)
			}
			in.MaxItems = 97
			if got := lambdaArns(lambdaWalk(t, c, in)); !slices.Equal(got, want) {
				t.Fatalf("got %d executions, want %d (first got %v, first want %v)", len(got), len(want), lambdaFirst(got), lambdaFirst(want))
			}
		})
	}
}

// lambdaKept returns the ARNs of the executions of all (newest first) that
// keep accepts (nil: every one), oldest first if oldest.
func lambdaKept(all []types.Execution, keep func(types.Execution) bool, oldest bool) []string {
	var out []string
	for _, x := range all {
		if keep == nil || keep(x) {
			out = append(out, aws.ToString(x.DurableExecutionArn))
		}
	}
	if oldest {
		slices.Reverse(out)
	}
	return out
}

func lambdaFirst(s []string) string {
	if len(s) == 0 {
		return "<none>"
	}
	return s[0]
}

// TestLambdaMarkers checks that a marker resumes the very listing it was
// issued for, also at another page size and with the function named by
// ARN, and is refused with anything else: garbage, an altered marker,
// another function, changed filters, changed ReverseOrder, or expired.
func TestLambdaMarkers(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
	srv, _ := startEmulator(t, awsemu.Options{TokenTTL: time.Hour, Now: clk.Now})
	c := lambdaClient(srv, awsemu.DefaultRegion)
	base := lambda.ListDurableExecutionsByFunctionInput{
		FunctionName: aws.String(lambdaLargeFn), Statuses: []types.ExecutionStatus{"SUCCEEDED"}, Qualifier: aws.String("2"),
	}
	all := lambdaWalk(t, c, base)
	in := base
	in.MaxItems = 10
	page, err := c.ListDurableExecutionsByFunction(ctx(t), &in)
	if err != nil || page.NextMarker == nil {
		t.Fatalf("first page: %v (marker %v)", err, page)
	}
	marker := *page.NextMarker

	t.Run("resumes", func(t *testing.T) {
		for _, name := range []string{lambdaLargeFn, "arn:aws:lambda:us-east-1:" + awsemu.AccountID + ":function:" + lambdaLargeFn} {
			in := base
			in.FunctionName, in.Marker, in.MaxItems = aws.String(name), aws.String(marker), 25
			got, err := c.ListDurableExecutionsByFunction(ctx(t), &in)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if want := lambdaArns(all[10:35]); !slices.Equal(lambdaArns(got.DurableExecutions), want) {
				t.Fatalf("%s: resumed page is not items 10-34 of the listing", name)
			}
		}
	})

	altered := []byte(marker)
	altered[len(altered)/2] ^= 1
	refused := []struct {
		name string
		edit func(in *lambda.ListDurableExecutionsByFunctionInput)
	}{
		{"garbage", func(in *lambda.ListDurableExecutionsByFunctionInput) { in.Marker = aws.String("not-a-marker") }},
		{"altered", func(in *lambda.ListDurableExecutionsByFunctionInput) { in.Marker = aws.String(string(altered)) }},
		{"other function", func(in *lambda.ListDurableExecutionsByFunctionInput) { in.FunctionName = aws.String(lambdaSmallFn) }},
		{"other statuses", func(in *lambda.ListDurableExecutionsByFunctionInput) {
			in.Statuses = []types.ExecutionStatus{"SUCCEEDED", "FAILED"}
		}},
		{"other qualifier", func(in *lambda.ListDurableExecutionsByFunctionInput) { in.Qualifier = aws.String("1") }},
		{"no qualifier", func(in *lambda.ListDurableExecutionsByFunctionInput) { in.Qualifier = nil }},
		{"name filter", func(in *lambda.ListDurableExecutionsByFunctionInput) { in.DurableExecutionName = aws.String("order") }},
		{"started after", func(in *lambda.ListDurableExecutionsByFunctionInput) {
			in.StartedAfter = all[len(all)-1].StartTimestamp
		}},
		{"started before", func(in *lambda.ListDurableExecutionsByFunctionInput) {
			in.StartedBefore = aws.Time(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
		}},
		{"reverse order", func(in *lambda.ListDurableExecutionsByFunctionInput) { in.ReverseOrder = aws.Bool(true) }},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			in := base
			in.Marker, in.MaxItems = aws.String(marker), 10
			tc.edit(&in)
			_, err := c.ListDurableExecutionsByFunction(ctx(t), &in)
			wantAPIError[*types.InvalidParameterValueException](t, err, "InvalidParameterValueException", 400)
		})
	}

	t.Run("expired", func(t *testing.T) {
		in := base
		in.Marker, in.MaxItems = aws.String(marker), 10
		clk.now = clk.now.Add(30 * time.Minute)
		if _, err := c.ListDurableExecutionsByFunction(ctx(t), &in); err != nil {
			t.Fatalf("marker refused within its TTL: %v", err)
		}
		clk.now = clk.now.Add(31 * time.Minute)
		_, err := c.ListDurableExecutionsByFunction(ctx(t), &in)
		wantAPIError[*types.InvalidParameterValueException](t, err, "InvalidParameterValueException", 400)
	})
}

// TestLambdaBadRequests checks the validation and not-found errors of both
// operations.
func TestLambdaBadRequests(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	c := lambdaClient(srv, awsemu.DefaultRegion)
	fnArn := func(region, account string) string {
		return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", region, account, lambdaLargeFn)
	}
	type listIn = lambda.ListDurableExecutionsByFunctionInput
	invalid := []struct {
		name string
		in   listIn
	}{
		{"MaxItems 1001", listIn{FunctionName: aws.String(lambdaLargeFn), MaxItems: 1001}},
		{"MaxItems -1", listIn{FunctionName: aws.String(lambdaLargeFn), MaxItems: -1}},
		{"MaxItems before not found", listIn{FunctionName: aws.String("no-such-function"), MaxItems: 5000}},
		{"unknown status", listIn{FunctionName: aws.String(lambdaLargeFn), Statuses: []types.ExecutionStatus{"SUCCEEDED", "PENDING"}}},
		{"eleven statuses", listIn{FunctionName: aws.String(lambdaLargeFn), Statuses: slices.Repeat([]types.ExecutionStatus{"FAILED"}, 11)}},
		{"qualifier mismatch", listIn{FunctionName: aws.String(lambdaLargeFn + ":1"), Qualifier: aws.String("2")}},
		{"malformed qualifier", listIn{FunctionName: aws.String(lambdaLargeFn), Qualifier: aws.String("v/2")}},
		{"malformed execution name", listIn{FunctionName: aws.String(lambdaLargeFn), DurableExecutionName: aws.String("order 1")}},
		{"malformed function name", listIn{FunctionName: aws.String("order pipeline")}},
		{"function ARN without name", listIn{FunctionName: aws.String("arn:aws:lambda:us-east-1:" + awsemu.AccountID + ":function:")}},
	}
	for _, tc := range invalid {
		t.Run("list/"+tc.name, func(t *testing.T) {
			_, err := c.ListDurableExecutionsByFunction(ctx(t), &tc.in)
			wantAPIError[*types.InvalidParameterValueException](t, err, "InvalidParameterValueException", 400)
		})
	}
	notFound := []struct {
		name string
		in   listIn
	}{
		{"unknown function", listIn{FunctionName: aws.String("no-such-function")}},
		{"unknown version", listIn{FunctionName: aws.String(lambdaLargeFn), Qualifier: aws.String("9")}},
		{"unknown alias", listIn{FunctionName: aws.String(lambdaLargeFn + ":canary")}},
		{"ARN of another region", listIn{FunctionName: aws.String(fnArn(awsemu.SecondRegion, awsemu.AccountID))}},
		{"ARN of another account", listIn{FunctionName: aws.String(fnArn(awsemu.DefaultRegion, "210987654321"))}},
		{"partial ARN of another account", listIn{FunctionName: aws.String("210987654321:function:" + lambdaLargeFn)}},
	}
	for _, tc := range notFound {
		t.Run("list/"+tc.name, func(t *testing.T) {
			_, err := c.ListDurableExecutionsByFunction(ctx(t), &tc.in)
			wantAPIError[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException", 404)
		})
	}
	gets := []struct {
		name, arn string
		found     bool // well-formed: not found rather than invalid
	}{
		{"not an ARN", "not-an-arn", false},
		{"function ARN", fnArn(awsemu.DefaultRegion, awsemu.AccountID), false},
		{"unqualified execution ARN", fnArn(awsemu.DefaultRegion, awsemu.AccountID) + "/durable-execution/order-1-abc/4e0f1b2c-0000-4000-8000-000000000000", false},
		{"alias-qualified execution ARN", fnArn(awsemu.DefaultRegion, awsemu.AccountID) + ":live/durable-execution/order-1-abc/4e0f1b2c-0000-4000-8000-000000000000", false},
		{"unknown execution", fnArn(awsemu.DefaultRegion, awsemu.AccountID) + ":$LATEST/durable-execution/order-1-abc/4e0f1b2c-0000-4000-8000-000000000000", true},
	}
	for _, tc := range gets {
		t.Run("get/"+tc.name, func(t *testing.T) {
			_, err := c.GetDurableExecution(ctx(t), &lambda.GetDurableExecutionInput{DurableExecutionArn: aws.String(tc.arn)})
			if tc.found {
				wantAPIError[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException", 404)
			} else {
				wantAPIError[*types.InvalidParameterValueException](t, err, "InvalidParameterValueException", 400)
			}
		})
	}
}

// TestLambdaFaults injects throttling into the list and server errors into
// the get, and checks the typed errors and the exact call counts.
func TestLambdaFaults(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	c := lambdaClient(srv, awsemu.DefaultRegion)
	listIn := &lambda.ListDurableExecutionsByFunctionInput{FunctionName: aws.String(lambdaSmallFn)}
	page, err := c.ListDurableExecutionsByFunction(ctx(t), listIn)
	if err != nil || len(page.DurableExecutions) == 0 {
		t.Fatalf("list: %v", err)
	}
	getIn := &lambda.GetDurableExecutionInput{DurableExecutionArn: page.DurableExecutions[0].DurableExecutionArn}
	get := faultOp{lambdaGetOp, func() error { return errOf(c.GetDurableExecution(ctx(t), getIn)) }}
	faultTest{
		throttled: faultOp{lambdaListOp, func() error { return errOf(c.ListDurableExecutionsByFunction(ctx(t), listIn)) }},
		spared:    get,
		failing:   get,
		throttleErr: func(t *testing.T, err error) {
			tm := wantAPIError[*types.TooManyRequestsException](t, err, "TooManyRequestsException", 429)
			if aws.ToString(tm.RetryAfterSeconds) != "1" {
				t.Fatalf("RetryAfterSeconds %q, want 1", aws.ToString(tm.RetryAfterSeconds))
			}
		},
		serverErr: func(t *testing.T, err error) {
			wantAPIError[*types.ServiceException](t, err, "ServiceException", 500)
		},
	}.run(t, srv)
}

// TestLambdaGetAgreesWithList describes a sample of every function's
// executions (every small function's all, and of the large ones the newest,
// the oldest and the first of each status and version) and checks that
// GetDurableExecution agrees with the list entry, and that its FunctionArn
// lists the execution back.
func TestLambdaGetAgreesWithList(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	seen := map[string]bool{}
	for _, r := range resources(t, srv, "lambda") {
		c := lambdaClient(srv, r.Region)
		all := lambdaWalk(t, c, lambda.ListDurableExecutionsByFunctionInput{FunctionName: aws.String(r.ID), MaxItems: 1000})
		for _, x := range lambdaSample(all) {
			t.Run(aws.ToString(x.DurableExecutionName), func(t *testing.T) {
				lambdaCheckGet(t, c, x)
				seen[string(x.Status)] = true
				seen[lambdaVersionOf(x)] = true
			})
		}
	}
	for _, want := range []string{"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED", "$LATEST", "1", "2"} {
		if !seen[want] {
			t.Errorf("the sample has no %s execution", want)
		}
	}
}

func lambdaSample(all []types.Execution) []types.Execution {
	if len(all) <= 10 {
		return all
	}
	out := []types.Execution{all[0], all[len(all)-1]}
	firsts := map[string]bool{}
	for _, x := range all {
		for _, key := range []string{string(x.Status), lambdaVersionOf(x)} {
			if !firsts[key] {
				firsts[key] = true
				out = append(out, x)
			}
		}
	}
	return out
}

func lambdaCheckGet(t *testing.T, c *lambda.Client, x types.Execution) {
	t.Helper()
	arn := aws.ToString(x.DurableExecutionArn)
	got, err := c.GetDurableExecution(ctx(t), &lambda.GetDurableExecutionInput{DurableExecutionArn: x.DurableExecutionArn})
	if err != nil {
		t.Fatalf("GetDurableExecution %s: %v", arn, err)
	}
	switch {
	case aws.ToString(got.DurableExecutionArn) != arn, aws.ToString(got.DurableExecutionName) != aws.ToString(x.DurableExecutionName),
		aws.ToString(got.FunctionArn) != aws.ToString(x.FunctionArn), got.Status != x.Status:
		t.Fatalf("get %+v disagrees with list entry %+v", got, x)
	case !aws.ToTime(got.StartTimestamp).Equal(*x.StartTimestamp), !aws.ToTime(got.EndTimestamp).Equal(aws.ToTime(x.EndTimestamp)),
		(got.EndTimestamp == nil) != (x.EndTimestamp == nil):
		t.Fatalf("get times %v-%v disagree with list times %v-%v", got.StartTimestamp, got.EndTimestamp, x.StartTimestamp, x.EndTimestamp)
	case aws.ToString(got.Version) != lambdaVersionOf(x) || !strings.Contains(arn, ":"+aws.ToString(got.Version)+"/durable-execution/"):
		t.Fatalf("version %q disagrees with %s", aws.ToString(got.Version), arn)
	case !json.Valid([]byte(aws.ToString(got.InputPayload))):
		t.Fatalf("InputPayload %q is not JSON", aws.ToString(got.InputPayload))
	case (got.Result != nil) != (x.Status == types.ExecutionStatusSucceeded) || (got.Result != nil && !json.Valid([]byte(*got.Result))):
		t.Fatalf("status %s with Result %v", x.Status, got.Result)
	case (got.Error != nil) != (x.Status == types.ExecutionStatusFailed || x.Status == types.ExecutionStatusTimedOut),
		got.Error != nil && (aws.ToString(got.Error.ErrorType) == "" || aws.ToString(got.Error.ErrorMessage) == ""):
		t.Fatalf("status %s with Error %+v", x.Status, got.Error)
	case got.DurableConfig == nil || aws.ToInt32(got.DurableConfig.ExecutionTimeout) <= 0,
		aws.ToInt32(got.DurableConfig.RetentionPeriodInDays) < 1 || aws.ToInt32(got.DurableConfig.RetentionPeriodInDays) > 90,
		aws.ToString(got.DurableConfig.KMSKeyArn) != aws.ToString(x.KMSKeyArn):
		t.Fatalf("DurableConfig %+v (list KMSKeyArn %v)", got.DurableConfig, x.KMSKeyArn)
	case got.TraceHeader == nil || !strings.HasPrefix(aws.ToString(got.TraceHeader.XAmznTraceId), "Root=1-"),
		!aws.ToBool(got.ExecutionDataIncluded):
		t.Fatalf("TraceHeader %+v, ExecutionDataIncluded %v", got.TraceHeader, got.ExecutionDataIncluded)
	}
	if x.Status == types.ExecutionStatusTimedOut {
		if d := x.EndTimestamp.Sub(*x.StartTimestamp); d != time.Duration(*got.DurableConfig.ExecutionTimeout)*time.Second {
			t.Fatalf("timed out after %v, timeout %ds", d, *got.DurableConfig.ExecutionTimeout)
		}
	}

	lean, err := c.GetDurableExecution(ctx(t), &lambda.GetDurableExecutionInput{DurableExecutionArn: x.DurableExecutionArn, IncludeExecutionData: aws.Bool(false)})
	if err != nil {
		t.Fatalf("GetDurableExecution without data: %v", err)
	}
	if lean.InputPayload != nil || lean.Result != nil || lean.Error != nil || aws.ToBool(lean.ExecutionDataIncluded) ||
		lean.Status != got.Status || aws.ToString(lean.Version) != aws.ToString(got.Version) {
		t.Fatalf("IncludeExecutionData=false gave %+v", lean)
	}

	// The qualified FunctionArn names the listing that holds the execution.
	start := *x.StartTimestamp
	back, err := c.ListDurableExecutionsByFunction(ctx(t), &lambda.ListDurableExecutionsByFunctionInput{
		FunctionName: x.FunctionArn, StartedAfter: aws.Time(start.Add(-time.Millisecond)), StartedBefore: aws.Time(start.Add(time.Millisecond)),
	})
	if err != nil || !slices.Contains(lambdaArns(back.DurableExecutions), arn) {
		t.Fatalf("listing %s around %v does not return %s: %v", aws.ToString(x.FunctionArn), start, arn, err)
	}
}

// TestLambdaSecondRegion checks that the regions are apart: a function or
// execution of one region is not found in the other.
func TestLambdaSecondRegion(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	primary, second := lambdaClient(srv, awsemu.DefaultRegion), lambdaClient(srv, awsemu.SecondRegion)
	page, err := primary.ListDurableExecutionsByFunction(ctx(t), &lambda.ListDurableExecutionsByFunctionInput{FunctionName: aws.String(lambdaSmallFn)})
	if err != nil {
		t.Fatal(err)
	}
	var euFn string
	for _, r := range resources(t, srv, "lambda") {
		if r.Region == awsemu.SecondRegion {
			euFn = r.ID
		}
	}
	calls := []struct {
		name string
		call func(context.Context) error
	}{
		{"primary function in the second region", func(cx context.Context) error {
			_, err := second.ListDurableExecutionsByFunction(cx, &lambda.ListDurableExecutionsByFunctionInput{FunctionName: aws.String(lambdaLargeFn)})
			return err
		}},
		{"primary execution in the second region", func(cx context.Context) error {
			_, err := second.GetDurableExecution(cx, &lambda.GetDurableExecutionInput{DurableExecutionArn: page.DurableExecutions[0].DurableExecutionArn})
			return err
		}},
		{"second-region function in the primary region", func(cx context.Context) error {
			_, err := primary.ListDurableExecutionsByFunction(cx, &lambda.ListDurableExecutionsByFunctionInput{FunctionName: aws.String(euFn)})
			return err
		}},
	}
	for _, tc := range calls {
		t.Run(tc.name, func(t *testing.T) {
			wantAPIError[*types.ResourceNotFoundException](t, tc.call(ctx(t)), "ResourceNotFoundException", 404)
		})
	}
}

// TestLambdaOrderReadings lists the large function under both readings of
// Options.LambdaOrder, with and without ReverseOrder and Qualifier, and
// compares each walk with the test's own filter and order of the default
// emulator's full walk (newest first, every version).
func TestLambdaOrderReadings(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	all := lambdaWalk(t, lambdaClient(srv, awsemu.DefaultRegion), lambda.ListDurableExecutionsByFunctionInput{FunctionName: aws.String(lambdaLargeFn), MaxItems: 1000})
	version := func(v string) func(types.Execution) bool {
		return func(x types.Execution) bool { return lambdaVersionOf(x) == v }
	}
	tests := []struct {
		order     awsemu.LambdaOrder
		reverse   *bool
		qualifier *string
		keep      func(types.Execution) bool // nil: every version
		oldest    bool
	}{
		{order: "", keep: nil},
		{order: awsemu.LambdaNewestFirst, keep: nil},
		{order: awsemu.LambdaNewestFirst, reverse: aws.Bool(true), oldest: true},
		{order: awsemu.LambdaNewestFirst, qualifier: aws.String("1"), keep: version("1")},
		{order: awsemu.LambdaOldestFirst, keep: version("$LATEST"), oldest: true},
		{order: awsemu.LambdaOldestFirst, reverse: aws.Bool(false), keep: version("$LATEST"), oldest: true},
		{order: awsemu.LambdaOldestFirst, reverse: aws.Bool(true), keep: version("$LATEST")},
		{order: awsemu.LambdaOldestFirst, qualifier: aws.String("live"), keep: version("2"), oldest: true},
		{order: awsemu.LambdaOldestFirst, qualifier: aws.String("1"), reverse: aws.Bool(true), keep: version("1")},
	}
	newest, _ := startEmulator(t, awsemu.Options{LambdaOrder: awsemu.LambdaNewestFirst})
	oldest, _ := startEmulator(t, awsemu.Options{LambdaOrder: awsemu.LambdaOldestFirst})
	servers := map[awsemu.LambdaOrder]*awsemu.Server{"": srv, awsemu.LambdaNewestFirst: newest, awsemu.LambdaOldestFirst: oldest}
	for _, tc := range tests {
		name := fmt.Sprintf("%s/reverse=%v/qualifier=%s", tc.order, aws.ToBool(tc.reverse), aws.ToString(tc.qualifier))
		t.Run(name, func(t *testing.T) {
			s := servers[tc.order]
			want := lambdaKept(all, tc.keep, tc.oldest)
			if tc.keep != nil && (len(want) == 0 || len(want) == len(all)) {
				t.Fatalf("filter keeps %d of %d executions: the case proves nothing", len(want), len(all))
			}
			in := lambda.ListDurableExecutionsByFunctionInput{FunctionName: aws.String(lambdaLargeFn), MaxItems: 89, ReverseOrder: tc.reverse, Qualifier: tc.qualifier}
			if got := lambdaArns(lambdaWalk(t, lambdaClient(s, awsemu.DefaultRegion), in)); !slices.Equal(got, want) {
				t.Fatalf("got %d executions, want %d (first got %v, first want %v)", len(got), len(want), lambdaFirst(got), lambdaFirst(want))
			}
		})
	}
}

func TestParseLambdaOrder(t *testing.T) {
	tests := []struct {
		in   string
		want awsemu.LambdaOrder
		ok   bool
	}{
		{"", awsemu.LambdaNewestFirst, true},
		{"newest-first", awsemu.LambdaNewestFirst, true},
		{"oldest-first", awsemu.LambdaOldestFirst, true},
		{"Oldest-First", "", false},
		{"reverse", "", false},
	}
	for _, tc := range tests {
		got, err := awsemu.ParseLambdaOrder(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseLambdaOrder(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		var flagValue awsemu.LambdaOrder
		if err := flagValue.Set(tc.in); (err == nil) != tc.ok || (tc.ok && flagValue.String() != string(tc.want)) {
			t.Errorf("Set(%q): %v, value %q", tc.in, err, flagValue)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("New accepted LambdaOrder \"sideways\"")
		}
	}()
	awsemu.New(awsemu.Options{LambdaOrder: "sideways"})
}
