package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/execgraph/execgraph/internal/awsemu"
)

// mapRunsQuery asks for map runs with the three describes of issue 4.
const mapRunsQuery = `query($id: String!, $first: Int) { stepFunctionsMapRuns(executionArn: $id, first: $first) {
	nodes { mapRunArn status nativeStatus itemCounts { total succeeded } stateMachine { name type } execution { name status } } } }`

type mapRunsData struct {
	StepFunctionsMapRuns *struct {
		Nodes []struct {
			MapRunArn    string
			Status       *string
			NativeStatus *string
			ItemCounts   *struct{ Total, Succeeded int }
			StateMachine *struct{ Name, Type string }
			Execution    *struct{ Name, Status string }
		}
	}
}

func queryMapRuns(t testing.TB, m *Main, id string, first int) (mapRunsData, []gqlError) {
	t.Helper()
	var resp struct {
		Data   mapRunsData
		Errors []gqlError
	}
	postInto(t, m, mapRunsQuery, map[string]any{"id": id, "first": first}, &resp)
	return resp.Data, resp.Errors
}

// stats returns the emulator's call counts without zero entries.
func stats(m *Main) map[string]int64 {
	out := m.Emulator.Stats()
	maps.DeleteFunc(out, func(_ string, n int64) bool { return n == 0 })
	return out
}

// TestDescribeCallCounts: 100 map runs with status, state machine and
// execution cost one list call, one DescribeMapRun per map run and one
// describe per distinct parent; the same query again describes only the map
// runs that are still running. The details equal the SDK's DescribeMapRun.
func TestDescribeCallCounts(t *testing.T) {
	m := startGateway(t)
	big := largest(t, m, "stepfunctions")
	data, errs := queryMapRuns(t, m, big.ID, 100)
	if len(errs) > 0 || data.StepFunctionsMapRuns == nil || len(data.StepFunctionsMapRuns.Nodes) != 100 {
		t.Fatalf("errors %+v", errs)
	}
	want := map[string]int64{
		"stepfunctions.ListMapRuns": 1, "stepfunctions.DescribeMapRun": 100,
		"stepfunctions.DescribeStateMachine": 1, "stepfunctions.DescribeExecution": 1,
	}
	if got := stats(m); !maps.Equal(got, want) {
		t.Fatalf("calls %v, want %v", got, want)
	}
	client := sfn.NewFromConfig(m.AWS)
	running := int64(0) // map runs that may still change: running, or redrivable
	final := 0
	for _, n := range data.StepFunctionsMapRuns.Nodes {
		out, err := client.DescribeMapRun(context.Background(), &sfn.DescribeMapRunInput{MapRunArn: &n.MapRunArn})
		if err != nil {
			t.Fatal(err)
		}
		if n.NativeStatus == nil || *n.NativeStatus != string(out.Status) || n.ItemCounts.Total != int(out.ItemCounts.Total) {
			t.Fatalf("%s: gateway %v %+v, SDK %s %d", n.MapRunArn, n.NativeStatus, n.ItemCounts, out.Status, out.ItemCounts.Total)
		}
		switch {
		case out.Status == "SUCCEEDED", out.StopDate != nil && time.Since(*out.StopDate) > 14*24*time.Hour:
			final++
		default:
			running++
		}
	}
	if running == 0 || final == 0 {
		t.Fatalf("%d of 100 map runs may change: the cache test needs both kinds", running)
	}

	m.Emulator.ResetStats()
	again, errs := queryMapRuns(t, m, big.ID, 100)
	if len(errs) > 0 || !slices.Equal(mapRunArns(again), mapRunArns(data)) {
		t.Fatalf("second query: errors %+v", errs)
	}
	want["stepfunctions.DescribeMapRun"] = running
	if got := stats(m); !maps.Equal(got, want) {
		t.Fatalf("second query: calls %v, want %v (only the %d map runs that may change described again)", got, want, running)
	}
}

func mapRunArns(d mapRunsData) []string {
	var out []string
	for _, n := range d.StepFunctionsMapRuns.Nodes {
		out = append(out, n.MapRunArn)
	}
	return out
}

// TestAliasesShareCalls: two aliased fields asking for the same page, and
// the same details, cost one call each.
func TestAliasesShareCalls(t *testing.T) {
	m := startGateway(t)
	big := largest(t, m, "stepfunctions")
	var resp struct {
		Data struct {
			A, B struct{ Nodes []struct{ Status *string } }
		}
		Errors []gqlError
	}
	postInto(t, m, `query($id: String!) {
		a: stepFunctionsMapRuns(executionArn: $id, first: 10) { nodes { status } }
		b: stepFunctionsMapRuns(executionArn: $id, first: 10) { nodes { status itemCounts { total } } }
	}`, map[string]any{"id": big.ID}, &resp)
	if len(resp.Errors) > 0 || len(resp.Data.A.Nodes) != 10 || len(resp.Data.B.Nodes) != 10 {
		t.Fatalf("errors %+v", resp.Errors)
	}
	want := map[string]int64{"stepfunctions.ListMapRuns": 1, "stepfunctions.DescribeMapRun": 10}
	if got := stats(m); !maps.Equal(got, want) {
		t.Fatalf("calls %v, want %v", got, want)
	}
}

// TestDescribesRunConcurrently: with latency injected into DescribeMapRun,
// the emulator sees exactly -describe-concurrency calls in flight at once.
func TestDescribesRunConcurrently(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.Concurrency = 4 })
	big := largest(t, m, "stepfunctions")
	if err := m.Emulator.SetFaults(awsemu.Faults{LatencyMs: 150, Operations: []string{"stepfunctions.DescribeMapRun"}}); err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Data struct {
			StepFunctionsMapRuns struct{ Nodes []struct{ Status *string } }
		}
		Errors []gqlError
	}
	postInto(t, m, `query($id: String!) { stepFunctionsMapRuns(executionArn: $id, first: 12) { nodes { status } } }`, map[string]any{"id": big.ID}, &resp)
	if len(resp.Errors) > 0 || len(resp.Data.StepFunctionsMapRuns.Nodes) != 12 {
		t.Fatalf("errors %+v", resp.Errors)
	}
	if got := m.Emulator.MaxInFlight()["stepfunctions.DescribeMapRun"]; got != 4 {
		t.Fatalf("%d DescribeMapRun calls in flight at most, want 4 (the bound)", got)
	}
}

// TestFailingDescribeGivesPartialResults: when DescribeMapRun fails, each
// item's status is null with an error at its path; the page is served.
func TestFailingDescribeGivesPartialResults(t *testing.T) {
	m := startGateway(t)
	big := largest(t, m, "stepfunctions")
	if err := m.Emulator.SetFaults(awsemu.Faults{ServerErrorRate: 1, Operations: []string{"stepfunctions.DescribeMapRun"}}); err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Data struct {
			StepFunctionsMapRuns struct {
				Nodes []struct {
					MapRunArn    string
					Status       *string
					StateMachine *struct{ Name string }
				}
			}
		}
		Errors []gqlError
	}
	postInto(t, m, `query($id: String!) { stepFunctionsMapRuns(executionArn: $id, first: 5) { nodes { mapRunArn status stateMachine { name } } } }`, map[string]any{"id": big.ID}, &resp)
	nodes := resp.Data.StepFunctionsMapRuns.Nodes
	if len(nodes) != 5 || len(resp.Errors) != 5 {
		t.Fatalf("%d nodes, %d errors %+v", len(nodes), len(resp.Errors), resp.Errors)
	}
	for i, n := range nodes {
		if n.MapRunArn == "" || n.Status != nil || n.StateMachine == nil || n.StateMachine.Name == "" {
			t.Errorf("node %d: %+v", i, n)
		}
	}
	var paths []string
	for _, e := range resp.Errors {
		if e.code() != "UPSTREAM_ERROR" || e.Extensions["service"] != "stepfunctions" {
			t.Errorf("error %+v", e)
		}
		paths = append(paths, fmt.Sprint(e.Path))
	}
	slices.Sort(paths)
	for i, p := range paths {
		if want := fmt.Sprintf("[stepFunctionsMapRuns nodes %d status]", i); p != want {
			t.Errorf("error path %s, want %s", p, want)
		}
	}
}

// TestQueryCostLimit: a query that may cost more AWS calls than the limit
// is refused before any call.
func TestQueryCostLimit(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.MaxQueryCost = 1000 })
	big := largest(t, m, "stepfunctions")
	// The price, as the README states it: the listing's list calls (the
	// pages first needs, one for a resume mid-page, eight for empty pages:
	// 10), the connection object (1), and per map run its object, status's
	// describe, and stateMachine's and execution's describe and object (6).
	price := func(first int) int { return 10 + 1 + 6*first }
	for _, tc := range []struct {
		first int
		want  []string
	}{
		{164, nil}, // 995
		{165, []string{"COMPLEXITY_LIMIT_EXCEEDED"}}, // 1001
	} {
		if (price(tc.first) > 1000) != (tc.want != nil) {
			t.Fatalf("the table's boundary is off: price(%d) = %d", tc.first, price(tc.first))
		}
		m.Emulator.ResetStats()
		resp := post(t, m, `query($id: String!, $first: Int) { stepFunctionsMapRuns(executionArn: $id, first: $first) {
			nodes { mapRunArn status stateMachine { name } execution { name } } } }`, map[string]any{"id": big.ID, "first": tc.first})
		if got := errorCodes(resp); !slices.Equal(got, tc.want) {
			t.Fatalf("first %d: codes %v, want %v (%+v)", tc.first, got, tc.want, resp.Errors)
		}
		if tc.want != nil && len(stats(m)) != 0 {
			t.Errorf("first %d: AWS calls %v before the refusal", tc.first, stats(m))
		}
	}
	// A status filter over map runs is priced at the describes it may make.
	m.Emulator.ResetStats()
	resp := post(t, m, `query($id: String!) { executions(sources: [{stepFunctionsExecutionArn: $id}], statuses: [FAILED], first: 100) { nodes { id } } }`,
		map[string]any{"id": big.ID})
	if got := errorCodes(resp); !slices.Equal(got, []string{"COMPLEXITY_LIMIT_EXCEEDED"}) || len(stats(m)) != 0 {
		t.Fatalf("filtered executions: codes %v, calls %v", got, stats(m))
	}
}

// TestRateLimit: a token bucket that cannot serve a call within its wait
// bound answers THROTTLED for that field; the others are served.
func TestRateLimit(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.RateLimits = "stepfunctions.DescribeMapRun=2/0.01" })
	big := largest(t, m, "stepfunctions")
	resp := post(t, m, `query($id: String!) { stepFunctionsMapRuns(executionArn: $id, first: 5) { nodes { status } } }`, map[string]any{"id": big.ID})
	if got := errorCodes(resp); !slices.Equal(got, []string{"THROTTLED", "THROTTLED", "THROTTLED"}) {
		t.Fatalf("codes %v, want 3 THROTTLED", got)
	}
	if got := stats(m)["stepfunctions.DescribeMapRun"]; got != 2 {
		t.Fatalf("%d DescribeMapRun calls, want 2 (the bucket)", got)
	}
}
