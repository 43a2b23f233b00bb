package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/execgraph/execgraph/internal/awsemu"
	"github.com/execgraph/execgraph/internal/gid"
)

// TestListFanOutBounded: list calls, top-level aliases and nested steps
// connections alike, go through the per-service concurrency bound: the
// emulator never sees more in flight than -aws-concurrency.
func TestListFanOutBounded(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.Concurrency = 3 })
	if err := m.Emulator.SetFaults(awsemu.Faults{LatencyMs: 100}); err != nil {
		t.Fatal(err)
	}
	transfer, sfn, ib := largest(t, m, "transfer"), largest(t, m, "stepfunctions"), largest(t, m, "imagebuilder")
	var aliases []string
	for i := range 9 { // distinct page sizes: no two aliases share a page
		aliases = append(aliases, fmt.Sprintf(`t%d: transferExecutions(workflowId: %q, first: %d) { nodes { id } }`, i, transfer.ID, i+1))
		aliases = append(aliases, fmt.Sprintf(`s%d: stepFunctionsMapRuns(executionArn: %q, first: %d) { nodes { id } }`, i, sfn.ID, i+1))
	}
	aliases = append(aliases, fmt.Sprintf(`ib: imageBuilderWorkflowExecutions(imageBuildVersionArn: %q, first: 25) { nodes { steps(first: 2) { nodes { name } } } }`, ib.ID))
	resp := post(t, m, "{ "+strings.Join(aliases, "\n")+" }", nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("%+v", resp.Errors[0])
	}
	calls, inFlight := m.Emulator.Stats(), m.Emulator.MaxInFlight()
	for op, want := range map[string]int64{"transfer.ListExecutions": 9, "stepfunctions.ListMapRuns": 9, "imagebuilder.ListWorkflowStepExecutions": 25} {
		if calls[op] != want {
			t.Errorf("%s: %d calls, want %d", op, calls[op], want)
		}
		if inFlight[op] != 3 {
			t.Errorf("%s: at most %d in flight, want 3 (the bound, reached)", op, inFlight[op])
		}
	}
}

// TestListRateLimit: a list operation's token bucket applies to list
// calls: it slows a walk, and a call it could serve only after more than
// five seconds is THROTTLED at once, with retryAfter, without calling AWS.
func TestListRateLimit(t *testing.T) {
	s := specOf("stepfunctions")
	slow := startGateway(t, func(c *Config) { c.RateLimits = "stepfunctions.ListMapRuns=1/4" })
	big := largest(t, slow, "stepfunctions")
	start := time.Now()
	keys, pages := s.walk(t, slow, big, 1000)
	// Three list calls, the bucket holding one and refilling one every
	// 250 ms: the walk cannot take less than 500 ms.
	if d := time.Since(start); pages != 3 || d < 500*time.Millisecond || len(keys) != big.Count {
		t.Fatalf("%d pages, %d keys in %s", pages, len(keys), d)
	}
	starved := startGateway(t, func(c *Config) { c.RateLimits = "stepfunctions.ListMapRuns=1/0.1" })
	p := s.page(t, starved, big, 5, nil)
	resp := post(t, starved, s.query, s.vars(big, 5, p.PageInfo.EndCursor))
	if len(resp.Errors) != 1 || resp.Errors[0].code() != "THROTTLED" || resp.Errors[0].Extensions["retryAfter"] == nil {
		t.Fatalf("%+v", resp.Errors)
	}
	if got := starved.Emulator.Stats()["stepfunctions.ListMapRuns"]; got != 1 {
		t.Fatalf("%d list calls, want 1 (the bucket)", got)
	}
}

// TestRateLimitNames: -rate-limits names only operations execgraph calls.
func TestRateLimitNames(t *testing.T) {
	for _, v := range []string{"stepfunctions.ListMapRun=1/1", "states.ListMapRuns=1/1", "lambda.Invoke=1/1"} {
		_, err := ParseFlags([]string{"-rate-limits", v}, func(string) string { return "" }, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "stepfunctions.ListMapRuns") {
			t.Errorf("%s: %v", v, err)
		}
	}
	if _, err := ParseFlags([]string{"-rate-limits", "iot.ListJobExecutionsForJob=5/2, lambda.GetDurableExecution=1/1"}, func(string) string { return "" }, io.Discard); err != nil {
		t.Errorf("known names: %v", err)
	}
}

// TestRegionsRefused: a region that is not an AWS region (or not one of
// -regions) is BAD_USER_INPUT, and no SDK client is made for it.
func TestRegionsRefused(t *testing.T) {
	m := startGateway(t)
	restricted := startGateway(t, func(c *Config) { c.Regions = []string{"us-east-1"} })
	before := m.src.ClientCount()
	for _, tc := range []struct {
		m      *Main
		region string
	}{
		{m, "xx-fake-9"}, {m, "us-east-1x"}, {m, "ap-mars-1"}, {m, "bad region!"}, {m, strings.Repeat("a", 5000)},
		{restricted, "eu-west-1"},
	} {
		resp := post(t, tc.m, `query($r: String) { iotJobExecutions(jobId: "job", region: $r) { nodes { id } }
			transferExecutions(workflowId: "w-00000000000000000", region: $r) { nodes { id } } }`, map[string]any{"r": tc.region})
		if codes := errorCodes(resp); !slices.Equal(codes, []string{"BAD_USER_INPUT", "BAD_USER_INPUT"}) {
			t.Errorf("region %.20s: %v", tc.region, codes)
		}
		for _, e := range resp.Errors {
			if len(e.Message) > 300 {
				t.Errorf("region %.20s: message of %d bytes", tc.region, len(e.Message))
			}
		}
	}
	if after := m.src.ClientCount(); after != before {
		t.Fatalf("%d SDK clients made for refused regions", after-before)
	}
}

// TestLongArgumentsRefused: an argument longer than AWS allows is
// BAD_USER_INPUT before any call, and the message quotes at most 200 bytes.
func TestLongArgumentsRefused(t *testing.T) {
	m := startGateway(t)
	long := strings.Repeat("f", 200_000)
	for name, q := range map[string]string{
		"function name":  `query($v: String!) { lambdaDurableExecutions(functionName: $v) { nodes { id } } }`,
		"qualifier":      `query($v: String!) { lambdaDurableExecutions(functionName: "f", qualifier: $v) { nodes { id } } }`,
		"job id":         `query($v: String!) { iotJobExecutions(jobId: $v) { nodes { id } } }`,
		"workflow id":    `query($v: String!) { transferExecutions(workflowId: $v) { nodes { id } } }`,
		"execution ARN":  `query($v: String!) { stepFunctionsMapRuns(executionArn: $v) { nodes { id } } }`,
		"image ARN":      `query($v: String!) { imageBuilderWorkflowExecutions(imageBuildVersionArn: $v) { nodes { id } } }`,
		"a source":       `query($v: String!) { executions(sources: [{iotJobId: $v}]) { nodes { id } } }`,
		"an id":          `query($v: ID!) { node(id: $v) { id } }`,
		"a 65-char name": `query($v: String!) { lambdaDurableExecutions(functionName: $v) { nodes { id } } }`,
	} {
		v := long
		if name == "a 65-char name" {
			v = strings.Repeat("f", 65)
		}
		resp := post(t, m, q, map[string]any{"v": v})
		if codes := errorCodes(resp); !slices.Equal(codes, []string{"BAD_USER_INPUT"}) || len(resp.Errors[0].Message) > 300 {
			t.Errorf("%s: %v, message of %d bytes", name, codes, len(resp.Errors[0].Message))
		}
	}
	if calls := stats(m); len(calls) != 0 {
		t.Errorf("AWS calls %v", calls)
	}
	// Names in the document itself are quoted by validation: clipped.
	resp := post(t, m, "{ "+strings.Repeat("x", 100_000)+" }", nil)
	if len(resp.Errors) != 1 || len(resp.Errors[0].Message) > 700 {
		t.Errorf("unknown field of 100 KB: %d errors, message of %d bytes", len(resp.Errors), len(resp.Errors[0].Message))
	}
}

// TestPricedAtItsListings: an executions source filtered on statuses is
// priced by the listings it becomes (an IoT source on every status: 8 IoT
// listings), at the exact boundary of -max-query-cost; and a query never
// makes more AWS calls than its price.
func TestPricedAtItsListings(t *testing.T) {
	statuses := []string{"PENDING", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED", "SKIPPED"}
	var twenty []string // 20 statuses, repeats included
	for i := range 20 {
		twenty = append(twenty, statuses[i%len(statuses)])
	}
	// Written from the README's formula: each IoT listing may fetch the
	// pages first needs, one for a resume, eight for empty pages (10 at
	// first 5); the connection object; 5 nodes of one object each.
	price := 8*10 + 1 + 5*1
	query := `query($s: [ExecutionStatus!]) { executions(sources: [{iotJobId: "` + "%s" + `"}], statuses: $s, first: 5) { nodes { id } } }`
	for limit, want := range map[int][]string{price: nil, price - 1: {"COMPLEXITY_LIMIT_EXCEEDED"}} {
		m := startGateway(t, func(c *Config) { c.MaxQueryCost = limit })
		job := largest(t, m, "iot")
		resp := post(t, m, fmt.Sprintf(query, job.ID), map[string]any{"s": twenty})
		if codes := errorCodes(resp); !slices.Equal(codes, want) {
			t.Errorf("limit %d: %v, want %v", limit, codes, want)
		}
		if want == nil {
			if calls := stats(m)["iot.ListJobExecutionsForJob"]; calls < 1 || calls > int64(price) {
				t.Errorf("%d list calls for a price of %d", calls, price)
			}
		}
	}
}

// TestIDRegionMustMatchItsARN: a global id whose region contradicts the
// region of the ARN it carries is BAD_USER_INPUT, before any call.
func TestIDRegionMustMatchItsARN(t *testing.T) {
	m := startGateway(t)
	s := specOf("stepfunctions")
	big := largest(t, m, s.service)
	arn := s.page(t, m, big, 1, nil).Edges[0].Node.Key
	m.Emulator.ResetStats()
	for name, id := range map[string]string{
		"map run, another region":            gid.Encode("STEPFUNCTIONS", "eu-west-1", arn),
		"durable execution, another region":  gid.Encode("LAMBDA", "eu-west-1", "arn:aws:lambda:us-east-1:123456789012:function:f:1/durable-execution/e/x"),
		"a region that is not one":           gid.Encode("IOT", "mars-1", "job", "thing", ""),
		"an IoT job id AWS would refuse":     gid.Encode("IOT", "us-east-1", "job with spaces", "thing", ""),
		"a Transfer execution id of 300 KiB": gid.Encode("TRANSFER", "us-east-1", "w-00000000000000000", strings.Repeat("e", 300<<10)),
	} {
		resp := post(t, m, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
		if codes := errorCodes(resp); !slices.Equal(codes, []string{"BAD_USER_INPUT"}) || len(resp.Errors[0].Message) > 700 {
			t.Errorf("%s: %v", name, resp.Errors)
		}
	}
	if calls := stats(m); len(calls) != 0 {
		t.Errorf("AWS calls %v", calls)
	}
}

// TestPricedWithSingleValues: a list argument given as one value (GraphQL
// coerces it to a list of one) is priced as that list, so the price still
// bounds the calls and the budget never trips.
func TestPricedWithSingleValues(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.DetailCacheSize = 0 })
	big := largest(t, m, "stepfunctions")
	for name, q := range map[string]string{
		"a source":   `query($id: String!) { executions(sources: {stepFunctionsExecutionArn: $id}, statuses: [SUCCEEDED], first: 1000) { edges { cursor } } }`,
		"a status":   `query($id: String!) { executions(sources: [{stepFunctionsExecutionArn: $id}], statuses: RUNNING, first: 100) { edges { cursor } } }`,
		"a variable": `query($id: String!, $s: ExecutionSourceInput!) { executions(sources: $s, statuses: [FAILED], first: 400) { edges { cursor } } }`,
	} {
		resp := post(t, m, q, map[string]any{"id": big.ID, "s": map[string]any{"stepFunctionsExecutionArn": big.ID}})
		for _, c := range errorCodes(resp) {
			if c == "INTERNAL" {
				t.Errorf("%s: the price undercounted: %+v", name, resp.Errors)
			}
		}
	}
	// A resume at a smaller page than the cursor's describes the cursor's
	// whole page again: priced so.
	var out struct {
		Data struct {
			Executions struct{ Edges []struct{ Cursor string } }
		}
	}
	postInto(t, m, `query($id: String!) { executions(sources: [{stepFunctionsExecutionArn: $id}], statuses: [SUCCEEDED], first: 400) { edges { cursor } } }`,
		map[string]any{"id": big.ID}, &out)
	if len(out.Data.Executions.Edges) < 2 {
		t.Fatal("no page")
	}
	resp := post(t, m, `query($id: String!, $after: String) { executions(sources: [{stepFunctionsExecutionArn: $id}], statuses: [SUCCEEDED], first: 1, after: $after) { edges { cursor } } }`,
		map[string]any{"id": big.ID, "after": out.Data.Executions.Edges[0].Cursor})
	if len(resp.Errors) > 0 {
		t.Fatalf("resume at first 1: %+v", resp.Errors)
	}
}
