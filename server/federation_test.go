package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/imagebuilder"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/transfer"

	"github.com/execgraph/execgraph/internal/awsemu"
	"github.com/execgraph/execgraph/internal/gid"
	"github.com/execgraph/execgraph/internal/relay"
)

// fedItem is one execution as the SDK lists it, with what orders the merge.
type fedItem struct {
	key    string // the service's identifier of the item
	status string // normalized
	t      time.Time
	timed  bool
	source int
}

// fedSources are, per service, the second region's largest resource: the
// merge is walked over resources addressed by region (Lambda, IoT,
// Transfer) and by ARN (Image Builder, Step Functions).
func fedSources(t testing.TB, m *Main) ([]awsemu.Resource, []map[string]any) {
	t.Helper()
	field := map[string]string{"lambda": "lambdaFunctionName", "imagebuilder": "imageBuildVersionArn",
		"stepfunctions": "stepFunctionsExecutionArn", "iot": "iotJobId", "transfer": "transferWorkflowId"}
	var rs []awsemu.Resource
	var in []map[string]any
	for _, svc := range []string{"lambda", "imagebuilder", "stepfunctions", "iot", "transfer"} {
		var best awsemu.Resource
		for _, r := range resourcesOf(t, m, svc) {
			if r.Region == awsemu.SecondRegion && r.Count > best.Count {
				best = r
			}
		}
		rs = append(rs, best)
		src := map[string]any{field[svc]: best.ID}
		if svc == "lambda" || svc == "iot" || svc == "transfer" {
			src["region"] = best.Region
		}
		in = append(in, src)
	}
	return rs, in
}

// sdkItems lists every source with the SDK, in the second region.
func sdkItems(t *testing.T, m *Main, rs []awsemu.Resource) []fedItem {
	t.Helper()
	cfg := m.AWS.Copy()
	cfg.Region = awsemu.SecondRegion
	ctx := context.Background()
	var out []fedItem
	add := func(src int, key, svc, native string, ts *time.Time) {
		it := fedItem{key: key, source: src}
		it.status = statusTable[svc][native]
		if ts != nil {
			it.t, it.timed = *ts, true
		}
		out = append(out, it)
	}
	lp := lambda.NewListDurableExecutionsByFunctionPaginator(lambda.NewFromConfig(cfg), &lambda.ListDurableExecutionsByFunctionInput{FunctionName: &rs[0].ID, MaxItems: 1000})
	for lp.HasMorePages() {
		p, err := lp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.DurableExecutions {
			add(0, *e.DurableExecutionArn, "lambda", string(e.Status), e.StartTimestamp)
		}
	}
	ip := imagebuilder.NewListWorkflowExecutionsPaginator(imagebuilder.NewFromConfig(cfg), &imagebuilder.ListWorkflowExecutionsInput{ImageBuildVersionArn: &rs[1].ID, MaxResults: aws.Int32(25)})
	for ip.HasMorePages() {
		p, err := ip.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.WorkflowExecutions {
			ts, err := time.Parse(time.RFC3339Nano, *e.StartTime)
			if err != nil {
				t.Fatal(err)
			}
			add(1, *e.WorkflowExecutionId, "imagebuilder", string(e.Status), &ts)
		}
	}
	sc := sfn.NewFromConfig(cfg)
	sp := sfn.NewListMapRunsPaginator(sc, &sfn.ListMapRunsInput{ExecutionArn: &rs[2].ID, MaxResults: 1000})
	for sp.HasMorePages() {
		p, err := sp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.MapRuns {
			d, err := sc.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: e.MapRunArn})
			if err != nil {
				t.Fatal(err)
			}
			add(2, *e.MapRunArn, "stepfunctions", string(d.Status), e.StartDate)
		}
	}
	op := iot.NewListJobExecutionsForJobPaginator(iot.NewFromConfig(cfg), &iot.ListJobExecutionsForJobInput{JobId: &rs[3].ID, MaxResults: aws.Int32(250)})
	for op.HasMorePages() {
		p, err := op.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.ExecutionSummaries {
			ts := e.JobExecutionSummary.StartedAt
			if ts == nil {
				ts = e.JobExecutionSummary.QueuedAt
			}
			add(3, *e.ThingArn, "iot", string(e.JobExecutionSummary.Status), ts)
		}
	}
	tp := transfer.NewListExecutionsPaginator(transfer.NewFromConfig(cfg), &transfer.ListExecutionsInput{WorkflowId: &rs[4].ID, MaxResults: aws.Int32(1000)})
	for tp.HasMorePages() {
		p, err := tp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Executions {
			add(4, *e.ExecutionId, "transfer", string(e.Status), nil)
		}
	}
	// The documented order: no time first, then newest first; ties by
	// source, then each source's own order (a stable sort keeps it).
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.timed != b.timed {
			return !a.timed
		}
		if !a.t.Equal(b.t) {
			return a.t.After(b.t)
		}
		return a.source < b.source
	})
	return out
}

const executionsQuery = `query($s: [ExecutionSourceInput!]!, $st: [ExecutionStatus!], $first: Int, $after: String) {
	executions(sources: $s, statuses: $st, first: $first, after: $after) {
		edges { cursor node { __typename id
			... on LambdaDurableExecution { k: durableExecutionArn }
			... on ImageBuilderWorkflowExecution { k: workflowExecutionId }
			... on StepFunctionsMapRun { k: mapRunArn }
			... on IoTJobExecution { k: thingArn }
			... on TransferExecution { k: executionId } } }
		pageInfo { hasNextPage hasPreviousPage endCursor } } }`

type execPage struct {
	Edges []struct {
		Cursor string
		Node   struct{ Typename, ID, K string }
	}
	PageInfo struct {
		HasNextPage, HasPreviousPage bool
		EndCursor                    *string
	}
}

func execPageOf(t *testing.T, m *Main, sources []map[string]any, statuses []string, first int, after *string) (execPage, []gqlError) {
	t.Helper()
	var resp struct {
		Data   struct{ Executions *execPage }
		Errors []gqlError
	}
	postInto(t, m, executionsQuery, map[string]any{"s": sources, "st": statuses, "first": first, "after": after}, &resp)
	if resp.Data.Executions == nil {
		return execPage{}, resp.Errors
	}
	return *resp.Data.Executions, resp.Errors
}

func walkExecutions(t *testing.T, m *Main, sources []map[string]any, statuses []string, first int) (keys, cursors, ids []string) {
	t.Helper()
	var after *string
	for range 5000 {
		p, errs := execPageOf(t, m, sources, statuses, first, after)
		if len(errs) > 0 {
			t.Fatalf("errors %+v", errs)
		}
		for _, e := range p.Edges {
			keys, cursors, ids = append(keys, e.Node.K), append(cursors, e.Cursor), append(ids, e.Node.ID)
		}
		if !p.PageInfo.HasNextPage {
			return
		}
		after = p.PageInfo.EndCursor
	}
	t.Fatal("walk did not end")
	return
}

// TestExecutionsMerge walks the merge of one resource of each service (in
// the second region, addressed by region and by ARN) at several page sizes:
// it equals the union of the SDK's listings, once each, in the documented
// order; resuming after random edges continues exactly; a filtered walk
// equals the filtered union.
func TestExecutionsMerge(t *testing.T) {
	m := startGateway(t)
	rs, sources := fedSources(t, m)
	items := sdkItems(t, m, rs)
	var want []string
	timed := 0
	for _, it := range items {
		want = append(want, it.key)
		if it.timed {
			timed++
		}
	}
	t.Logf("merging %d executions (%d with a time) of %d sources", len(want), timed, len(rs))
	var cursors []string
	for _, first := range []int{1, 7, 50, 1000} {
		got, cs, _ := walkExecutions(t, m, sources, nil, first)
		if !slices.Equal(got, want) {
			t.Fatalf("first %d: %d items, want %d (first difference at %d)", first, len(got), len(want), firstDiff(got, want))
		}
		if first == 7 {
			cursors = cs
		}
	}
	rnd := rand.New(rand.NewPCG(5, 5))
	for range 15 {
		i, first := rnd.IntN(len(cursors)), 1+rnd.IntN(60)
		p, errs := execPageOf(t, m, sources, nil, first, &cursors[i])
		var got []string
		for _, e := range p.Edges {
			got = append(got, e.Node.K)
		}
		if len(errs) > 0 || !slices.Equal(got, want[i+1:min(i+1+first, len(want))]) {
			t.Fatalf("after edge %d, first %d: got %d items (errors %+v)", i, first, len(got), errs)
		}
	}
	for _, statuses := range [][]string{{"FAILED"}, {"RUNNING", "PENDING"}, {"SUCCEEDED", "CANCELLED", "TIMED_OUT"}} {
		var wantF []string
		for _, it := range items {
			if slices.Contains(statuses, it.status) {
				wantF = append(wantF, it.key)
			}
		}
		got, _, _ := walkExecutions(t, m, sources, statuses, 9)
		if !slices.Equal(got, wantF) || len(wantF) == 0 {
			t.Fatalf("statuses %v: %d items, want %d (first difference at %d)", statuses, len(got), len(wantF), firstDiff(got, wantF))
		}
	}
}

// TestExecutionsFetchOnlyWhatTheyNeed: a first page costs one list call per
// source; Lambda and IoT status filters go upstream.
func TestExecutionsFetchOnlyWhatTheyNeed(t *testing.T) {
	m := startGateway(t)
	_, sources := fedSources(t, m)
	if _, errs := execPageOf(t, m, sources, nil, 7, nil); len(errs) > 0 {
		t.Fatal(errs)
	}
	want := map[string]int64{"lambda.ListDurableExecutionsByFunction": 1, "imagebuilder.ListWorkflowExecutions": 1,
		"stepfunctions.ListMapRuns": 1, "iot.ListJobExecutionsForJob": 1, "transfer.ListExecutions": 1}
	if got := stats(m); !maps.Equal(got, want) {
		t.Fatalf("calls %v, want %v", got, want)
	}
	// Upstream filters: the large Lambda function has hundreds of failed
	// executions of 2,700 (one call of 1000 with the filter upstream, three
	// without); FAILED is IoT's FAILED and REJECTED (one call each).
	fn, job := largest(t, m, "lambda"), largest(t, m, "iot")
	m.Emulator.ResetStats()
	in := []map[string]any{{"lambdaFunctionName": fn.ID}, {"iotJobId": job.ID}}
	walkExecutions(t, m, in, []string{"FAILED"}, 1000)
	want = map[string]int64{"lambda.ListDurableExecutionsByFunction": 1, "iot.ListJobExecutionsForJob": 2}
	if got := stats(m); !maps.Equal(got, want) {
		t.Fatalf("filtered: calls %v, want %v", got, want)
	}

	// Map runs have no status in the listing: filtering describes each map
	// run read, and only as many as the page's fetch budget allows (pages
	// of first); a status no map run can have asks nothing.
	run := largest(t, m, "stepfunctions")
	sfnOnly := []map[string]any{{"stepFunctionsExecutionArn": run.ID}}
	m.Emulator.ResetStats()
	if _, errs := execPageOf(t, m, sfnOnly, []string{"TIMED_OUT"}, 5, nil); len(errs) > 0 || len(stats(m)) != 0 {
		t.Fatalf("TIMED_OUT map runs: calls %v, errors %+v", stats(m), errs)
	}
	m.Emulator.ResetStats()
	if _, errs := execPageOf(t, m, sfnOnly, []string{"FAILED"}, 3, nil); len(errs) > 0 {
		t.Fatal(errs)
	}
	calls := stats(m)
	if lists, limit := calls["stepfunctions.ListMapRuns"], int64(2+relay.MergeFetchBudget); lists < 1 || lists > limit ||
		calls["stepfunctions.DescribeMapRun"] > 3*lists {
		t.Fatalf("FAILED map runs, first 3: calls %v, want at most %d pages of 3, one describe per map run read", calls, limit)
	}
}

// TestExecutionsSourceErrors: bad sources are BAD_USER_INPUT; a failing
// source is named in an error and the others are served.
func TestExecutionsSourceErrors(t *testing.T) {
	m := startGateway(t)
	rs, sources := fedSources(t, m)
	for name, in := range map[string][]map[string]any{
		"none set":          {{"region": "us-east-1"}},
		"two set":           {{"iotJobId": "a", "transferWorkflowId": "w-00000000000000000"}},
		"no sources":        {},
		"region vs the ARN": {{"stepFunctionsExecutionArn": rs[2].ID, "region": "us-east-1"}},
		"malformed region":  {{"iotJobId": "a", "region": "bad region!"}},
		"repeated":          {{"iotJobId": "a"}, {"transferWorkflowId": "w-00000000000000000"}, {"iotJobId": "a"}},
	} {
		if _, errs := execPageOf(t, m, in, nil, 5, nil); len(errs) != 1 || errs[0].code() != "BAD_USER_INPUT" {
			t.Errorf("%s: errors %+v", name, errs)
		}
	}
	// Cursors of another listing, of other statuses, or garbage.
	p, _ := execPageOf(t, m, sources, []string{"FAILED"}, 2, nil)
	single := *specOf("iot").page(t, m, largest(t, m, "iot"), 2, nil).PageInfo.EndCursor
	for name, c := range map[string]string{"other statuses": *p.PageInfo.EndCursor, "a single listing's": single, "garbage": "bm9wZQ"} {
		if _, errs := execPageOf(t, m, sources, nil, 5, &c); len(errs) != 1 || errs[0].code() != "INVALID_CURSOR" {
			t.Errorf("%s cursor: errors %+v", name, errs)
		}
	}
	// An IoT source on statuses is one listing per IoT status (FAILED:
	// FAILED and REJECTED); failing, it is reported once, as one source.
	if err := m.Emulator.SetFaults(awsemu.Faults{ServerErrorRate: 1, Operations: []string{"iot.ListJobExecutionsForJob"}}); err != nil {
		t.Fatal(err)
	}
	if _, errs := execPageOf(t, m, sources, []string{"FAILED"}, 5, nil); len(errs) != 1 || errs[0].Extensions["source"] != float64(3) {
		t.Fatalf("a failing IoT source on statuses: errors %+v", errs)
	}
	if err := m.Emulator.SetFaults(awsemu.Faults{ServerErrorRate: 1, Operations: []string{"transfer.ListExecutions"}}); err != nil {
		t.Fatal(err)
	}
	p, errs := execPageOf(t, m, sources, nil, 30, nil)
	if len(errs) != 1 || errs[0].code() != "UPSTREAM_ERROR" || errs[0].Extensions["source"] != float64(4) {
		t.Fatalf("errors %+v", errs)
	}
	if len(p.Edges) != 30 || slices.ContainsFunc(p.Edges, func(e struct {
		Cursor string
		Node   struct{ Typename, ID, K string }
	}) bool {
		return e.Node.Typename == "TransferExecution"
	}) {
		t.Fatalf("%d edges served without the failing source", len(p.Edges))
	}
}

// nodeFields selects every list field of every execution type but those a
// describe cannot give back (IoT retryAttempt, Image Builder retried).
const nodeFields = `__typename id ... on Execution { service region status nativeStatus startedAt endedAt }
	... on LambdaDurableExecution { durableExecutionArn durableExecutionName functionArn startTimestamp endTimestamp kmsKeyArn }
	... on ImageBuilderWorkflowExecution { workflowExecutionId imageBuildVersionArn workflowBuildVersionArn type message
		totalStepCount totalStepsSucceeded totalStepsFailed totalStepsSkipped startTime endTime parallelGroup }
	... on StepFunctionsMapRun { mapRunArn executionArn stateMachineArn startDate stopDate }
	... on IoTJobExecution { jobId thingArn thingName jobExecutionSummary { status queuedAt startedAt lastUpdatedAt executionNumber } }
	... on TransferExecution { workflowId executionId initialFileLocation { s3FileLocation { bucket key versionId etag } efsFileLocation { fileSystemId path } }
		serviceMetadata { userDetails { userName serverId sessionId } } }`

// TestNodeRefetch: node and nodes give back each sampled execution of the
// merge with the same fields as the listing, in the order of ids; a
// malformed id is BAD_USER_INPUT and a vanished one NOT_FOUND.
func TestNodeRefetch(t *testing.T) {
	m := startGateway(t)
	_, sources := fedSources(t, m)
	var resp struct {
		Data struct {
			Executions struct{ Nodes []json.RawMessage }
		}
		Errors []gqlError
	}
	postInto(t, m, `query($s: [ExecutionSourceInput!]!) { executions(sources: $s, first: 400) { nodes { `+nodeFields+` } } }`,
		map[string]any{"s": sources}, &resp)
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	listed := map[string]string{} // id -> fields
	types := map[string][]string{}
	for _, raw := range resp.Data.Executions.Nodes {
		var n struct {
			Typename string `json:"__typename"`
			ID       string
		}
		_ = json.Unmarshal(raw, &n)
		listed[n.ID] = string(raw)
		types[n.Typename] = append(types[n.Typename], n.ID)
	}
	if len(types) != 5 {
		t.Fatalf("the first 400 executions hold %d types, want all 5", len(types))
	}
	// Sample every type, in an order that mixes them, plus one id twice.
	var ids []string
	for i := range 6 {
		for _, typ := range slices.Sorted(maps.Keys(types)) {
			if i < len(types[typ]) {
				ids = append(ids, types[typ][i*len(types[typ])/6])
			}
		}
	}
	ids = append(ids, ids[0])
	vanished := gid.Encode("STEPFUNCTIONS", "eu-west-1", "arn:aws:states:eu-west-1:123456789012:mapRun:gone/map:00000000-0000-0000-0000-000000000000")
	query := fmt.Sprintf(`query($ids: [ID!]!, $one: ID!, $bad: ID!, $gone: ID!) { nodes(ids: $ids) { %s }
		one: node(id: $one) { %s } bad: node(id: $bad) { id } gone: node(id: $gone) { id } }`, nodeFields, nodeFields)
	var got struct {
		Data struct {
			Nodes     []json.RawMessage
			One       json.RawMessage
			Bad, Gone *struct{ ID string }
		}
		Errors []gqlError
	}
	postInto(t, m, query, map[string]any{"ids": ids, "one": ids[1], "bad": "not-an-id", "gone": vanished}, &got)
	if len(got.Data.Nodes) != len(ids) {
		t.Fatalf("%d nodes for %d ids (errors %+v)", len(got.Data.Nodes), len(ids), got.Errors)
	}
	for i, raw := range got.Data.Nodes {
		if string(raw) != listed[ids[i]] {
			t.Errorf("nodes[%d]:\n got %s\nwant %s", i, raw, listed[ids[i]])
		}
	}
	if string(got.Data.One) != listed[ids[1]] {
		t.Errorf("node: got %s, want %s", got.Data.One, listed[ids[1]])
	}
	codes := map[string]string{}
	for _, e := range got.Errors {
		codes[fmt.Sprint(e.Path)] = e.code()
	}
	if want := map[string]string{"[bad]": "BAD_USER_INPUT", "[gone]": "NOT_FOUND"}; !maps.Equal(codes, want) || got.Data.Bad != nil || got.Data.Gone != nil {
		t.Errorf("errors %v, want %v", codes, want)
	}
}
