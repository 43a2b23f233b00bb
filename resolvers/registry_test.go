package resolvers

import (
	"os"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/source"
)

func schema(t *testing.T) *ast.Schema {
	t.Helper()
	return NewSchema(&Resolver{}).Schema()
}

// TestRegistryDescribesTheSchema: every service has every piece, and the
// registry and the schema agree (the start-up check passes).
func TestRegistryDescribesTheSchema(t *testing.T) {
	if err := source.CheckRegistry(schema(t), Resolved); err != nil {
		t.Fatal(err)
	}
	for _, s := range source.Services {
		if s.List == nil || s.Node == nil || s.Final == nil || len(s.Statuses) == 0 || len(s.Operations) == 0 {
			t.Errorf("%s: a piece is missing", s.Name)
		}
	}
}

// TestRegistryCatchesOmissions: each piece a service could forget fails the
// check with a message naming it, never a silent zero.
func TestRegistryCatchesOmissions(t *testing.T) {
	sch := schema(t)
	for _, tc := range []struct {
		name string
		edit func(s *source.Service)
		want string
	}{
		{"a detail field unpriced", func(s *source.Service) { s.Details[0].Fields = s.Details[0].Fields[1:] }, "StepFunctionsMapRun.status is filled by a resolver but no detail"},
		{"a nested listing unpriced", func(s *source.Service) { s.Nested = nil }, ""},
		{"no final-state rule", func(s *source.Service) { s.Final = nil }, "final-state rule"},
		{"no listing function", func(s *source.Service) { s.List = nil }, "no List"},
		{"no node refetch", func(s *source.Service) { s.Node = nil }, "no List, Node"},
		{"a detail of an undeclared operation", func(s *source.Service) { s.Operations = s.Operations[:1] }, "is not one of its operations"},
		{"an operation without a quota", func(s *source.Service) { s.Operations[0].Quota = source.Limit{} }, "has no quota"},
		{"a wrong input field", func(s *source.Service) { s.Input = "stepFunctionsArn" }, `ExecutionSourceInput has no field "stepFunctionsArn"`},
		{"a wrong listing field", func(s *source.Service) { s.Listing = "mapRuns" }, "Query.stepFunctionsMapRuns: no service lists it"},
		{"a status mapped to nothing", func(s *source.Service) { s.Statuses = map[string]modelStatus{"RUNNING": "GOING"} }, `maps to "GOING"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			saved := source.Services
			defer func() { source.Services = saved }()
			i := 2 // Step Functions: it has details and a listing with no status
			copied := *saved[i]
			copied.Details = append([]source.DetailFields(nil), copied.Details...)
			for j := range copied.Details {
				copied.Details[j].Fields = append([]string(nil), copied.Details[j].Fields...)
			}
			copied.Operations = append([]source.Operation(nil), copied.Operations...)
			if tc.name == "a nested listing unpriced" {
				i = 1 // Image Builder's steps
				copied = *saved[i]
			}
			tc.edit(&copied)
			source.Services = append(append(append([]*source.Service(nil), saved[:i]...), &copied), saved[i+1:]...)
			err := source.CheckRegistry(sch, Resolved)
			want := tc.want
			if want == "" {
				want = "ImageBuilderWorkflowExecution.steps is filled by a resolver"
			}
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("got %v, want an error with %q", err, want)
			}
		})
	}
	// A service missing from the registry leaves its enum value, its input
	// field and its listing unserved.
	saved := source.Services
	defer func() { source.Services = saved }()
	source.Services = saved[1:]
	err := source.CheckRegistry(sch, Resolved)
	for _, want := range []string{"ExecutionService.LAMBDA", "ExecutionSourceInput.lambdaFunctionName", "Query.lambdaDurableExecutions"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("without Lambda: %v lacks %q", err, want)
		}
	}
	// A schema with a Query field no service lists.
	extended, gerr := gqlparser.LoadSchema(append(sourcesOf(t), &ast.Source{Name: "extra.graphqls", Input: "extend type Query { ecsTasks(first: Int): Int }"})...)
	if gerr != nil {
		t.Fatal(gerr)
	}
	source.Services = saved
	if err := source.CheckRegistry(extended, Resolved); err == nil || !strings.Contains(err.Error(), "Query.ecsTasks") {
		t.Errorf("an unlisted Query field: %v", err)
	}
	// A resolver below the root, on a type no service lists, left unpriced.
	withKeyValue := func(typ, field string) bool { return Resolved(typ, field) || typ == "KeyValue" && field == "value" }
	if err := source.CheckRegistry(sch, withKeyValue); err == nil || !strings.Contains(err.Error(), "KeyValue.value is filled by a resolver") {
		t.Errorf("an unpriced resolver of KeyValue: %v", err)
	}
}

type modelStatus = model.ExecutionStatus

// sourcesOf is the schema's source, from the repository's file.
func sourcesOf(t *testing.T) []*ast.Source {
	t.Helper()
	raw, err := os.ReadFile("../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	return []*ast.Source{{Name: "schema.graphqls", Input: string(raw)}}
}
