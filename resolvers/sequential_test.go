package resolvers

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/execgraph/execgraph/internal/frontdoor"
	"github.com/execgraph/execgraph/internal/lists"
)

// TestNestedCalls: the front door lets lists be marshalled element after
// element (lists.Sequential) only for an operation whose upstream
// calls are all made by its root fields. The expected answers are written
// here, from what each query asks of AWS.
func TestNestedCalls(t *testing.T) {
	sch := schema(t)
	for _, tc := range []struct {
		name, query string
		nested      bool
	}{
		{"a page of what ListMapRuns returns", `{ stepFunctionsMapRuns(executionArn: "a", first: 50) {
			edges { cursor node { id mapRunArn startedAt endedAt } } pageInfo { hasNextPage endCursor } } }`, false},
		{"two listings side by side", `{ a: stepFunctionsMapRuns(executionArn: "a") { nodes { id } }
			b: iotJobExecutions(jobId: "j") { nodes { id status } } }`, false},
		{"the merge, statuses filtered by describing", `{ executions(sources: [{iotJobId: "j"}, {stepFunctionsExecutionArn: "a"}], statuses: [FAILED]) {
			nodes { id startedAt } } }`, false},
		{"the merge's status, which a map run's describe fills", `{ executions(sources: [{iotJobId: "j"}]) { nodes { id status } } }`, true},
		{"nodes refetched by id", `{ nodes(ids: ["x", "y"]) { id ... on LambdaDurableExecution { functionArn } } }`, false},
		{"only __typename and pageInfo", `{ transferExecutions(workflowId: "w-1") { __typename pageInfo { hasNextPage } } }`, false},
		{"a field a describe fills", `{ stepFunctionsMapRuns(executionArn: "a") { nodes { id maxConcurrency } } }`, true},
		{"the same behind a fragment", `query { stepFunctionsMapRuns(executionArn: "a") { nodes { ...F } } }
			fragment F on StepFunctionsMapRun { id status }`, true},
		{"the same behind an inline fragment of the merge", `{ executions(sources: [{stepFunctionsExecutionArn: "a"}]) {
			nodes { ... on StepFunctionsMapRun { itemCounts { total } } } } }`, true},
		{"an enrichment of a node", `{ node(id: "x") { ... on IoTJobExecution { thing { thingArn } } } }`, true},
		{"a nested listing", `{ imageBuilderWorkflowExecutions(imageBuildVersionArn: "a") { nodes { steps(first: 5) { nodes { stepExecutionId } } } } }`, true},
		{"a Lambda payload", `{ lambdaDurableExecutions(functionName: "f") { nodes { result } } }`, true},
		{"introspection", `{ __schema { types { name fields { name type { name } } } } }`, false},
		{"a describe-filled field under @skip (priced all the same)", `{ stepFunctionsMapRuns(executionArn: "a") { nodes { id status @skip(if: true) } } }`, true},
		{"two root fields, one with a detail", `{ a: transferExecutions(workflowId: "w-1") { nodes { id } }
			b: transferExecutions(workflowId: "w-2") { nodes { id results { steps { stepType } } } } }`, true},
		{"a fragment on the interface, through node", `query { node(id: "x") { ...E } } fragment E on Execution { id status }`, true},
		{"first as a variable", `query($n: Int) { stepFunctionsMapRuns(executionArn: "a", first: $n) { nodes { id maxConcurrency } } }`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQueryWithRules(sch, tc.query, rules.NewDefaultRules())
			if len(errs) > 0 {
				t.Fatalf("invalid query: %v", errs)
			}
			bill, gerr := frontdoor.Cost(sch, Pricing{}, doc.Operations[0], doc, map[string]any{"n": 7}, 1<<30)
			if gerr != nil {
				t.Fatal(gerr)
			}
			if bill.NestedCalls != tc.nested {
				t.Errorf("NestedCalls %t, want %t", bill.NestedCalls, tc.nested)
			}
			if bill.Total <= 0 {
				t.Errorf("total %d", bill.Total)
			}
		})
	}
}

// TestConcurrentFieldsBelowTheRootArePriced: every field gqlgen resolves
// concurrently (a resolver, or a model method that takes a context) may
// wait, and lists.Sequential is right only if each below the root is priced
// with calls; one left unpriced would have a list's elements wait one
// after the other. The fields are read from what gqlgen generated (each
// object marshaller's cases that run through out.Concurrently), not from
// the registry or the resolvers.
func TestConcurrentFieldsBelowTheRootArePriced(t *testing.T) {
	raw, err := os.ReadFile("../graph/generated.go")
	if err != nil {
		t.Fatal(err)
	}
	marshaller := regexp.MustCompile(`^\(ec \*executionContext\) _([A-Za-z]+)\(ctx context\.Context, sel ast\.SelectionSet`)
	n := 0
	for _, fn := range strings.Split(string(raw), "\nfunc ") {
		m := marshaller.FindStringSubmatch(fn)
		if m == nil || m[1] == "Query" {
			continue
		}
		for _, c := range strings.Split(fn, "\n\t\tcase \"")[1:] {
			if !strings.Contains(c, "out.Concurrently(") {
				continue
			}
			field := c[:strings.Index(c, "\"")]
			n++
			if p := (Pricing{}).Price(m[1], field, map[string]any{}); p.Calls < 1 {
				t.Errorf("%s.%s runs concurrently but is priced at %d calls", m[1], field, p.Calls)
			}
		}
	}
	if n == 0 {
		t.Fatal("no concurrent field found below the root in graph/generated.go")
	}
}

// TestGateMarksSequential: the front door marks an operation sequential
// when it admits it, from its price: the mark the generated code's lists
// read (lists.Sequential), set or cleared per operation.
func TestGateMarksSequential(t *testing.T) {
	exec := NewSchema(&Resolver{})
	gate := frontdoor.NewGate(exec, frontdoor.Config{MaxCost: 1 << 20, Pricing: Pricing{}, Introspection: true})
	for _, tc := range []struct {
		query      string
		sequential bool
	}{
		{`{ stepFunctionsMapRuns(executionArn: "a") { nodes { id startedAt } } }`, true},
		{`{ stepFunctionsMapRuns(executionArn: "a") { nodes { id status } } }`, false},
	} {
		doc, errs := gqlparser.LoadQueryWithRules(exec.Schema(), tc.query, rules.NewDefaultRules())
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		rc := &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0], Variables: map[string]any{}}
		ctx := context.Background()
		if gerr := gate.MutateOperationContext(ctx, rc); gerr != nil {
			t.Fatal(gerr)
		}
		if got := lists.Sequential(graphql.WithOperationContext(ctx, rc)); got != tc.sequential {
			t.Errorf("%s: sequential %t, want %t", tc.query, got, tc.sequential)
		}
	}
}
