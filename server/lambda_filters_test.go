package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// TestLambdaFiltersEqualTheSDK: every Lambda filter, and reverseOrder, gives
// through the gateway exactly what the SDK lists with the same filter.
func TestLambdaFiltersEqualTheSDK(t *testing.T) {
	m := startGateway(t)
	fn := largest(t, m, "lambda")
	client := lambda.NewFromConfig(m.AWS)
	// Pick the time bounds from the data: the middle third of the listing.
	all, err := sdkDurable(client, lambda.ListDurableExecutionsByFunctionInput{FunctionName: &fn.ID})
	if err != nil {
		t.Fatal(err)
	}
	after, before := *all[len(all)/3].StartTimestamp, *all[2*len(all)/3].StartTimestamp
	if after.After(before) {
		after, before = before, after
	}
	var allKeys []string
	for _, e := range all {
		allKeys = append(allKeys, *e.DurableExecutionArn)
	}
	name := (*all[0].DurableExecutionName)[:3]

	for _, tc := range []struct {
		name string
		args string // GraphQL arguments
		in   lambda.ListDurableExecutionsByFunctionInput
	}{
		{"reverse", `reverseOrder: true`, lambda.ListDurableExecutionsByFunctionInput{ReverseOrder: aws.Bool(true)}},
		{"statuses", `statuses: [FAILED, TIMED_OUT]`, lambda.ListDurableExecutionsByFunctionInput{Statuses: []types.ExecutionStatus{"FAILED", "TIMED_OUT"}}},
		{"running reversed", `statuses: [RUNNING], reverseOrder: true`, lambda.ListDurableExecutionsByFunctionInput{Statuses: []types.ExecutionStatus{"RUNNING"}, ReverseOrder: aws.Bool(true)}},
		{"qualifier", `qualifier: "2"`, lambda.ListDurableExecutionsByFunctionInput{Qualifier: aws.String("2")}},
		{"alias", `qualifier: "live"`, lambda.ListDurableExecutionsByFunctionInput{Qualifier: aws.String("live")}},
		{"name contains", fmt.Sprintf(`durableExecutionName: %q`, name), lambda.ListDurableExecutionsByFunctionInput{DurableExecutionName: &name}},
		{"time window", fmt.Sprintf(`startedAfter: %q, startedBefore: %q`, after.Format(time.RFC3339Nano), before.Format(time.RFC3339Nano)),
			lambda.ListDurableExecutionsByFunctionInput{StartedAfter: &after, StartedBefore: &before}},
		{"everything", fmt.Sprintf(`statuses: [SUCCEEDED], startedAfter: %q, reverseOrder: true, qualifier: "$LATEST"`, after.Format(time.RFC3339Nano)),
			lambda.ListDurableExecutionsByFunctionInput{Statuses: []types.ExecutionStatus{"SUCCEEDED"}, StartedAfter: &after, ReverseOrder: aws.Bool(true), Qualifier: aws.String("$LATEST")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.FunctionName = &fn.ID
			sdk, err := sdkDurable(client, in)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, e := range sdk {
				want = append(want, *e.DurableExecutionArn)
			}
			if len(want) == 0 || slices.Equal(want, allKeys) {
				t.Fatalf("filter %s lists %d of %d items, as without it: not a useful test", tc.args, len(want), len(all))
			}
			query := fmt.Sprintf(`query($id: String!, $after: String) { conn: lambdaDurableExecutions(functionName: $id, %s, first: 150, after: $after) `+pageSelection+`}`, tc.args, "durableExecutionArn")
			var got []string
			var cursor *string
			for range 100 {
				resp := post(t, m, query, map[string]any{"id": fn.ID, "after": cursor})
				if len(resp.Errors) > 0 {
					t.Fatalf("errors %+v", resp.Errors)
				}
				var data struct{ Conn connPage }
				if err := json.Unmarshal(resp.Data, &data); err != nil {
					t.Fatal(err)
				}
				for _, e := range data.Conn.Edges {
					got = append(got, e.Node.Key)
				}
				if !data.Conn.PageInfo.HasNextPage {
					break
				}
				cursor = data.Conn.PageInfo.EndCursor
			}
			if !slices.Equal(got, want) {
				t.Fatalf("gateway lists %d items, the SDK %d (first difference at %d)", len(got), len(want), firstDiff(got, want))
			}
		})
	}
}

func sdkDurable(client *lambda.Client, in lambda.ListDurableExecutionsByFunctionInput) ([]types.Execution, error) {
	in.MaxItems = 1000
	p := lambda.NewListDurableExecutionsByFunctionPaginator(client, &in)
	var out []types.Execution
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			return nil, err
		}
		out = append(out, page.DurableExecutions...)
	}
	return out, nil
}

// TestLambdaCursorBoundToFilters: a Lambda cursor is bound to the filters
// it was issued under (the README's promise): under any other filter it is
// INVALID_CURSOR before any AWS call, and under the same filters, written
// in another order, it resumes.
func TestLambdaCursorBoundToFilters(t *testing.T) {
	m := startGateway(t)
	fn := largest(t, m, "lambda")
	const issued = `statuses: [SUCCEEDED, FAILED]`
	query := func(args string) string {
		return `query($id: String!, $after: String) { conn: lambdaDurableExecutions(functionName: $id, ` + args +
			`, first: 3, after: $after) { edges { cursor } pageInfo { endCursor } } }`
	}
	var first struct {
		Data struct {
			Conn struct {
				Edges    []struct{ Cursor string }
				PageInfo struct{ EndCursor string }
			}
		}
	}
	postInto(t, m, query(issued), map[string]any{"id": fn.ID}, &first)
	conn := first.Data.Conn
	if len(conn.Edges) != 3 {
		t.Fatalf("first page: %d edges", len(conn.Edges))
	}
	cursors := map[string]string{"inside a page": conn.Edges[0].Cursor, "at its end": conn.PageInfo.EndCursor}
	for _, tc := range []struct {
		args  string
		valid bool
	}{
		{issued, true},
		{`statuses: [FAILED, SUCCEEDED, FAILED]`, true},
		{`statuses: [FAILED]`, false},
		{`statuses: [SUCCEEDED, FAILED, TIMED_OUT]`, false},
		{`statuses: []`, false},
		{`qualifier: "$LATEST", statuses: [SUCCEEDED, FAILED]`, false},
		{issued + `, reverseOrder: true`, false},
		{issued + `, durableExecutionName: "a"`, false},
		{issued + `, startedAfter: "2020-01-01T00:00:00Z"`, false},
		{issued + `, startedBefore: "2099-01-01T00:00:00Z"`, false},
	} {
		for where, cursor := range cursors {
			before := listCalls(m, "lambda.ListDurableExecutionsByFunction")
			codes := errorCodes(post(t, m, query(tc.args), map[string]any{"id": fn.ID, "after": cursor}))
			calls := listCalls(m, "lambda.ListDurableExecutionsByFunction") - before
			switch {
			case tc.valid && len(codes) != 0:
				t.Errorf("%s, cursor %s: refused %v", tc.args, where, codes)
			case !tc.valid && (!slices.Equal(codes, []string{"INVALID_CURSOR"}) || calls != 0):
				t.Errorf("%s, cursor %s: codes %v after %d AWS calls, want [INVALID_CURSOR] after none", tc.args, where, codes, calls)
			}
		}
	}
}
