package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/execgraph/execgraph/internal/awsemu"
)

// serviceCase is what the tests know of each service, written here: the
// listing field, how to name a resource and an item, the id the emulator
// gives an item, and its detail fields.
type serviceCase struct {
	service   string // as the emulator names it
	field     string // the Query field
	arg       string // its resource argument
	key       string // a field that identifies an item
	statusVia string // "": status is in the listing; else the detail that tells it
	detail    string // a field a detail call fills, and its operation
	detailOp  string
	listOp    string
	// retryAfter: the service says how long to wait when it throttles
	// (Lambda, in a Retry-After header; Transfer's ThrottlingException has
	// RetryAfterSeconds, but the SDK models it for none of the operations
	// execgraph calls, so it never reaches the gateway).
	retryAfter bool
}

var serviceCases = []serviceCase{
	{"lambda", "lambdaDurableExecutions", "functionName", "durableExecutionArn", "", "version", "GetDurableExecution", "ListDurableExecutionsByFunction", true},
	{"imagebuilder", "imageBuilderWorkflowExecutions", "imageBuildVersionArn", "workflowExecutionId", "", "steps(first: 1) { nodes { name } }", "ListWorkflowStepExecutions", "ListWorkflowExecutions", false},
	{"stepfunctions", "stepFunctionsMapRuns", "executionArn", "mapRunArn", "DescribeMapRun", "itemCounts { total }", "DescribeMapRun", "ListMapRuns", false},
	{"iot", "iotJobExecutions", "jobId", "thingArn", "", "versionNumber", "DescribeJobExecution", "ListJobExecutionsForJob", false},
	{"transfer", "transferExecutions", "workflowId", "executionId", "", "executionRole", "DescribeExecution", "ListExecutions", false},
}

func (c serviceCase) query(selection string) string {
	return fmt.Sprintf(`query($id: String!, $first: Int, $after: String) { conn: %s(%s: $id, first: $first, after: $after) {
		edges { cursor node { key: %s status nativeStatus %s } } pageInfo { hasNextPage endCursor } } }`, c.field, c.arg, c.key, selection)
}

type statusPage struct {
	Data struct{ Conn *statusConn }
}

type statusConn struct {
	Edges []struct {
		Cursor string
		Node   struct {
			Key          string
			Status       *string
			NativeStatus *string
		}
	}
	PageInfo struct {
		HasNextPage bool
		EndCursor   *string
	}
}

// TestEveryStatusEndToEnd: every native status the emulator can give an
// execution comes out of the gateway as the status table says, for every
// service (Transfer's ended executions leave its listing: the source's
// unit test covers them).
func TestEveryStatusEndToEnd(t *testing.T) {
	// The emulator changes what AWS never would (a map run that succeeded
	// fails): no detail is kept, so each change shows.
	m := startGateway(t, func(c *Config) { c.DetailCacheSize = 0 })
	for _, c := range serviceCases {
		t.Run(c.service, func(t *testing.T) {
			r := largest(t, m, c.service)
			added, err := m.Emulator.AppendExecution(awsemu.NewExecution{Service: c.service, Resource: r.ID})
			if err != nil {
				t.Fatal(err)
			}
			for native, want := range statusTable[c.service] {
				if c.service == "transfer" && (native == "COMPLETED" || native == "EXCEPTION") {
					continue
				}
				if _, err := m.Emulator.SetExecutionStatus(awsemu.StatusChange{Service: c.service, Resource: r.ID, ID: added.ID, Status: native}); err != nil {
					t.Fatalf("%s: %v", native, err)
				}
				var out statusPage
				postInto(t, m, c.query(""), map[string]any{"id": r.ID, "first": 1}, &out)
				if out.Data.Conn == nil || len(out.Data.Conn.Edges) != 1 {
					t.Fatalf("%s: no page", native)
				}
				n := out.Data.Conn.Edges[0].Node
				if n.Status == nil || *n.Status != want || n.NativeStatus == nil || *n.NativeStatus != native {
					t.Errorf("%s: status %v native %v, want %s", native, deref(n.Status), deref(n.NativeStatus), want)
				}
			}
		})
	}
}

func deref(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// TestThrottledEveryService: a list call that AWS keeps throttling is
// THROTTLED with the service, the AWS request id, and retryAfter where the
// service says how long to wait.
func TestThrottledEveryService(t *testing.T) {
	m := startGateway(t)
	for _, c := range serviceCases {
		t.Run(c.service, func(t *testing.T) {
			r := largest(t, m, c.service)
			if err := m.Emulator.SetFaults(awsemu.Faults{ThrottleRate: 1, Operations: []string{c.service + "." + c.listOp}}); err != nil {
				t.Fatal(err)
			}
			defer m.Emulator.SetFaults(awsemu.Faults{})
			resp := post(t, m, c.query(""), map[string]any{"id": r.ID, "first": 1})
			if len(resp.Errors) != 1 {
				t.Fatalf("%+v", resp.Errors)
			}
			e := resp.Errors[0]
			id, _ := e.Extensions["awsRequestId"].(string)
			if e.code() != "THROTTLED" || e.Extensions["service"] != c.service || id == "" {
				t.Errorf("%+v", e)
			}
			if _, has := e.Extensions["retryAfter"]; has != c.retryAfter {
				t.Errorf("retryAfter %v, want it: %v", e.Extensions["retryAfter"], c.retryAfter)
			}
		})
	}
}

// TestPageChangedUpstream: executions added at the head of a listing
// between two requests (newest first) shift AWS's pages; resuming after
// an edge, in the middle of an upstream page or at its end, continues with
// the very next item, for every service.
func TestPageChangedUpstream(t *testing.T) {
	for _, c := range serviceCases {
		t.Run(c.service, func(t *testing.T) {
			m := startGateway(t)
			r := largest(t, m, c.service)
			var before statusPage
			postInto(t, m, c.query(""), map[string]any{"id": r.ID, "first": 6}, &before)
			if before.Data.Conn == nil || len(before.Data.Conn.Edges) != 6 {
				t.Fatal("no first page")
			}
			var keys []string
			for _, e := range before.Data.Conn.Edges {
				keys = append(keys, e.Node.Key)
			}
			for range 2 {
				if _, err := m.Emulator.AppendExecution(awsemu.NewExecution{Service: c.service, Resource: r.ID}); err != nil {
					t.Fatal(err)
				}
			}
			for _, at := range []int{2, 5} { // mid-page, and the page's last edge
				var next statusPage
				postInto(t, m, c.query(""), map[string]any{"id": r.ID, "first": 3, "after": before.Data.Conn.Edges[at].Cursor}, &next)
				if next.Data.Conn == nil {
					t.Fatalf("after edge %d: no page", at)
				}
				var got []string
				for _, e := range next.Data.Conn.Edges {
					got = append(got, e.Node.Key)
				}
				if at < 5 && !slices.Equal(got, keys[at+1:at+4]) {
					t.Errorf("after edge %d: %v, want %v", at, got, keys[at+1:at+4])
				}
				if at == 5 && (len(got) == 0 || slices.Contains(keys, got[0])) {
					t.Errorf("after the last edge: %v repeats the first page %v", got, keys)
				}
			}
		})
	}
}

// TestFinalDetailsKept: a detail of an execution that will never change is
// kept across requests, one that may change is asked again; for Step
// Functions, a failed map run becomes final 14 days after it stopped, at
// the gateway's clock.
func TestFinalDetailsKept(t *testing.T) {
	for _, tc := range []struct {
		c      serviceCase
		native string
		after  time.Duration // how long after the end the second request runs
		kept   bool
	}{
		{serviceCases[0], "SUCCEEDED", 0, true}, {serviceCases[0], "RUNNING", 0, false},
		{serviceCases[2], "SUCCEEDED", 0, true}, {serviceCases[2], "FAILED", 13 * 24 * time.Hour, false},
		{serviceCases[2], "FAILED", 15 * 24 * time.Hour, true}, {serviceCases[2], "RUNNING", 0, false},
		{serviceCases[3], "SUCCEEDED", 0, true}, {serviceCases[3], "IN_PROGRESS", 0, false},
		{serviceCases[4], "IN_PROGRESS", 0, false},
	} {
		t.Run(fmt.Sprintf("%s %s +%s", tc.c.service, tc.native, tc.after), func(t *testing.T) {
			clock := time.Now()
			m := startGatewayWith(t, func(m *Main) { m.now = func() time.Time { return clock } })
			r := largest(t, m, tc.c.service)
			added, err := m.Emulator.AppendExecution(awsemu.NewExecution{Service: tc.c.service, Resource: r.ID})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Emulator.SetExecutionStatus(awsemu.StatusChange{Service: tc.c.service, Resource: r.ID, ID: added.ID, Status: tc.native}); err != nil {
				t.Fatal(err)
			}
			// Asked at the end, then twice after: the third request finds
			// what the second kept, if it was final by then.
			q := tc.c.query(tc.c.detail)
			post(t, m, q, map[string]any{"id": r.ID, "first": 1})
			clock = clock.Add(tc.after)
			post(t, m, q, map[string]any{"id": r.ID, "first": 1})
			m.Emulator.ResetStats()
			post(t, m, q, map[string]any{"id": r.ID, "first": 1})
			calls := m.Emulator.Stats()[tc.c.service+"."+tc.c.detailOp]
			if kept := calls == 0; kept != tc.kept {
				t.Errorf("%d %s calls on the third request: kept %v, want %v", calls, tc.c.detailOp, kept, tc.kept)
			}
		})
	}
}

// TestDescribesBoundedEveryService: each service's detail calls run
// concurrently, never more in flight than -aws-concurrency.
func TestDescribesBoundedEveryService(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.Concurrency = 3 })
	if err := m.Emulator.SetFaults(awsemu.Faults{LatencyMs: 60}); err != nil {
		t.Fatal(err)
	}
	for _, c := range serviceCases {
		t.Run(c.service, func(t *testing.T) {
			r := largest(t, m, c.service)
			m.Emulator.ResetStats()
			resp := post(t, m, c.query(c.detail), map[string]any{"id": r.ID, "first": 10})
			if len(resp.Errors) > 0 {
				t.Fatalf("%+v", resp.Errors[0])
			}
			if got := m.Emulator.MaxInFlight()[c.service+"."+c.detailOp]; got != 3 {
				t.Errorf("%s: %d in flight at most, want 3 (the bound, reached)", c.detailOp, got)
			}
		})
	}
}

// TestMergeRefusesAnOldestFirstSource: when Lambda lists oldest first (the
// reading of its first documentation, -emulator-lambda-order oldest-first),
// executions fails loudly, naming the source, instead of misordering; the
// Lambda listing alone still pages.
func TestMergeRefusesAnOldestFirstSource(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.EmulatorLambda = awsemu.LambdaOldestFirst })
	fn, job := largest(t, m, "lambda"), largest(t, m, "iot")
	resp := post(t, m, `query($f: String!, $j: String!) { executions(sources: [{iotJobId: $j}, {lambdaFunctionName: $f}], first: 50) { nodes { id } } }`,
		map[string]any{"f": fn.ID, "j": job.ID})
	if len(resp.Errors) != 1 || resp.Errors[0].code() != "UPSTREAM_ERROR" || resp.Errors[0].Extensions["source"] != float64(1) ||
		!strings.Contains(resp.Errors[0].Message, "sources[1] (lambda)") {
		t.Fatalf("%+v", resp.Errors)
	}
	if codes := errorCodes(post(t, m, specOf("lambda").query, specOf("lambda").vars(fn, 5, nil))); len(codes) != 0 {
		t.Fatalf("the listing alone: %v", codes)
	}
}

// TestPriceAtTheBoundary: each priced shape at a -max-query-cost of exactly
// its price runs, and at one less is refused before any AWS call. The
// prices are written from the README's formula.
func TestPriceAtTheBoundary(t *testing.T) {
	ceil := func(a, b int) int { return (a + b - 1) / b }
	pages := func(first, maxPage int) int { return ceil(first, maxPage) + 9 } // + a resume + 8 for empty pages
	probe := startGateway(t)
	ids := map[string]string{}
	for _, c := range serviceCases {
		ids[c.service] = largest(t, probe, c.service).ID
	}
	nodeID := func() string {
		var out struct {
			Data struct {
				Conn struct{ Nodes []struct{ ID string } }
			}
		}
		postInto(t, probe, `query($id: String!) { conn: transferExecutions(workflowId: $id, first: 3) { nodes { id } } }`, map[string]any{"id": ids["transfer"]}, &out)
		return out.Data.Conn.Nodes[0].ID
	}()
	for _, tc := range []struct {
		name  string
		query string
		price int
	}{
		{"lambda", fmt.Sprintf(`{ c: lambdaDurableExecutions(functionName: %q, first: 7) { nodes { __typename } } }`, ids["lambda"]), pages(7, 1000) + 1 + 7},
		{"imagebuilder", fmt.Sprintf(`{ c: imageBuilderWorkflowExecutions(imageBuildVersionArn: %q, first: 30) { nodes { __typename } } }`, ids["imagebuilder"]), pages(30, 25) + 1 + 30},
		{"stepfunctions with a detail", fmt.Sprintf(`{ c: stepFunctionsMapRuns(executionArn: %q, first: 4) { nodes { status } } }`, ids["stepfunctions"]), pages(4, 1000) + 1 + 4*(1+1)},
		{"iot with an object detail", fmt.Sprintf(`{ c: iotJobExecutions(jobId: %q, first: 3) { edges { node { job { jobId } } } } }`, ids["iot"]), pages(3, 250) + 1 + 3*(1+1+(1+1))},
		{"transfer", fmt.Sprintf(`{ c: transferExecutions(workflowId: %q, first: 5) { nodes { __typename } pageInfo { hasNextPage } } }`, ids["transfer"]), pages(5, 1000) + 1 + 5 + 1},
		{"nested steps", fmt.Sprintf(`{ c: imageBuilderWorkflowExecutions(imageBuildVersionArn: %q, first: 2) { nodes { steps(first: 3) { nodes { name } } } } }`, ids["imagebuilder"]),
			pages(2, 25) + 1 + 2*(1+pages(3, 25)+1+3)},
		{"node", fmt.Sprintf(`{ node(id: %q) { id } }`, nodeID), 1 + 1},
		{"nodes", fmt.Sprintf(`{ nodes(ids: [%q, %q, %q]) { id } }`, nodeID, nodeID, nodeID), 3 + 3},
		{"executions", fmt.Sprintf(`{ executions(sources: [{lambdaFunctionName: %q}, {transferWorkflowId: %q}], first: 5) { nodes { id } } }`, ids["lambda"], ids["transfer"]),
			pages(5, 1000) + pages(5, 1000) + 1 + 5},
		{"executions on statuses", fmt.Sprintf(`{ executions(sources: [{lambdaFunctionName: %q}, {iotJobId: %q}, {stepFunctionsExecutionArn: %q}], statuses: [FAILED], first: 2) { nodes { id } } }`,
			ids["lambda"], ids["iot"], ids["stepfunctions"]),
			pages(2, 1000) + 2*pages(2, 250) + (pages(2, 1000) + pages(2, 1000)*2) + 1 + 2}, // IoT: FAILED and REJECTED; map runs: a describe per run read
	} {
		t.Run(tc.name, func(t *testing.T) {
			for limit, refused := range map[int]bool{tc.price: false, tc.price - 1: true} {
				m := startGateway(t, func(c *Config) { c.MaxQueryCost = limit })
				resp := post(t, m, tc.query, nil)
				got := slices.Contains(errorCodes(resp), "COMPLEXITY_LIMIT_EXCEEDED")
				if got != refused {
					t.Errorf("price %d, limit %d: refused %v (%+v)", tc.price, limit, got, resp.Errors)
				}
				if refused && len(stats(m)) != 0 {
					t.Errorf("AWS calls %v before the refusal", stats(m))
				}
			}
		})
	}
}
