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
	type page struct {
		Data struct {
			Conn struct {
				Edges []struct {
					Cursor string
					Node   struct{ ID string }
				}
				PageInfo struct{ EndCursor string }
			}
		}
		Errors []gqlError
	}
	list := func(args string, first int, after *string) page {
		var p page
		postInto(t, m, `query($id: String!, $after: String) { conn: lambdaDurableExecutions(functionName: $id, `+args+
			fmt.Sprintf(`, first: %d, after: $after) { edges { cursor node { id } } pageInfo { endCursor } } }`, first),
			map[string]any{"id": fn.ID, "after": after}, &p)
		return p
	}
	four := list(issued, 4, nil).Data.Conn.Edges
	conn := list(issued, 3, nil).Data.Conn
	if len(four) != 4 || len(conn.Edges) != 3 {
		t.Fatalf("first pages: %d and %d edges", len(four), len(conn.Edges))
	}
	// Each cursor, and the item a walk resumed from it starts with.
	cursors := []struct{ where, cursor, next string }{
		{"inside a page", conn.Edges[0].Cursor, four[1].Node.ID},
		{"at its end", conn.PageInfo.EndCursor, four[3].Node.ID},
	}
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
		for _, c := range cursors {
			before := listCalls(m, "lambda.ListDurableExecutionsByFunction")
			p := list(tc.args, 3, &c.cursor)
			calls := listCalls(m, "lambda.ListDurableExecutionsByFunction") - before
			var codes []string
			for _, e := range p.Errors {
				codes = append(codes, e.code())
			}
			switch {
			case tc.valid && (len(codes) != 0 || len(p.Data.Conn.Edges) == 0 || p.Data.Conn.Edges[0].Node.ID != c.next):
				t.Errorf("%s, cursor %s: codes %v, resumed at %+v, want %s", tc.args, c.where, codes, p.Data.Conn.Edges, c.next)
			case !tc.valid && (!slices.Equal(codes, []string{"INVALID_CURSOR"}) || calls != 0):
				t.Errorf("%s, cursor %s: codes %v after %d AWS calls, want [INVALID_CURSOR] after none", tc.args, c.where, codes, calls)
			}
		}
	}
}
