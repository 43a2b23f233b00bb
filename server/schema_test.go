package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/execgraph/execgraph/graph"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestSchemaGolden pins the printed schema: a change to the contract shows
// up as a diff of testdata/schema.golden.graphql (go test ./server -update).
func TestSchemaGolden(t *testing.T) {
	var buf bytes.Buffer
	formatter.NewFormatter(&buf).FormatSchema(graph.NewExecutableSchema(graph.Config{}).Schema())
	path := filepath.Join("testdata", "schema.golden.graphql")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./server -run TestSchemaGolden -update)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("the printed schema differs from %s; if the change is meant, run go test ./server -run TestSchemaGolden -update", path)
	}
}
