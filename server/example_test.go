package main

import (
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/execgraph/execgraph/graph"
)

// TestExampleQueryIsValid: the query GraphiQL opens with is valid against
// the schema, on the emulator and on AWS.
func TestExampleQueryIsValid(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	m := startGateway(t)
	manifest := m.Emulator.Manifest()
	for name, q := range map[string]string{"emulator": exampleQuery(&manifest), "aws": exampleQuery(nil)} {
		if _, errs := gqlparser.LoadQueryWithRules(schema, q, rules.NewDefaultRules()); len(errs) > 0 {
			t.Errorf("%s example: %v", name, errs)
		}
		resp := post(t, m, q, nil)
		if name == "emulator" && len(resp.Errors) > 0 {
			t.Errorf("emulator example: errors %+v", resp.Errors)
		}
	}
}
