package resolvers

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/execgraph/execgraph/graph"
	"github.com/execgraph/execgraph/internal/frontdoor"
)

// TestNestedCalls: the front door lets lists be marshalled element after
// element (frontdoor.Sequential) only for an operation whose upstream
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
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQueryWithRules(sch, tc.query, rules.NewDefaultRules())
			if len(errs) > 0 {
				t.Fatalf("invalid query: %v", errs)
			}
			bill, gerr := frontdoor.Cost(sch, Pricing{}, doc.Operations[0], doc, nil, 1<<30)
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

// TestResolversBelowTheRootArePriced: every resolver of a type other than
// Query may wait on AWS, and Sequential is right only if each is priced
// with calls; a resolver added unpriced would have its list's elements
// wait one after the other. The resolvers are read from gqlgen's
// ResolverRoot, not from the registry.
func TestResolversBelowTheRootArePriced(t *testing.T) {
	sch := schema(t)
	root := reflect.TypeFor[graph.ResolverRoot]()
	n := 0
	for i := range root.NumMethod() {
		typ := root.Method(i).Name
		if typ == "Query" {
			continue
		}
		def := sch.Types[typ]
		if def == nil {
			t.Fatalf("ResolverRoot.%s: no such type", typ)
		}
		iface := root.Method(i).Type.Out(0)
		for j := range iface.NumMethod() {
			var field string
			for _, f := range def.Fields {
				if strings.EqualFold(f.Name, iface.Method(j).Name) {
					field = f.Name
				}
			}
			if field == "" {
				t.Fatalf("%s.%s: no such field", typ, iface.Method(j).Name)
			}
			n++
			if p := (Pricing{}).Price(typ, field, map[string]any{}); p.Calls < 1 {
				t.Errorf("%s.%s is resolved but priced at %d calls", typ, field, p.Calls)
			}
		}
	}
	if n == 0 {
		t.Fatal("no resolver found below the root")
	}
}
