// Command gengraph generates the executable schema: gqlgen with
// gqlgen.yml, as `gqlgen generate` does, then one change to its output.
// Where gqlgen's template marshals a list of objects with
// graphql.MarshalSliceConcurrently (a goroutine per element), the
// generated code calls lists.Marshal, which has the same contract and
// marshals on the caller's goroutine when nothing below the root fields
// waits (see internal/lists). gqlgen v0.17.95 has no option for it; once
// gqlgen marshals a list inline when no selected field of its elements is
// concurrent, this step goes. `go generate ./...` runs it
// (graph/generate.go).
package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"log"
	"os"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen/config"
	"golang.org/x/tools/go/ast/astutil"
)

const (
	graphqlPath = "github.com/99designs/gqlgen/graphql"
	listsPath   = "github.com/execgraph/execgraph/internal/lists"
	from        = "MarshalSliceConcurrently" // in gqlgen's package graphql
	to          = "Marshal"                  // in package lists
)

func main() {
	log.SetFlags(0)
	cfg, err := config.LoadConfig("gqlgen.yml")
	if err != nil {
		log.Fatal(err)
	}
	if err := api.Generate(cfg); err != nil {
		log.Fatal(err)
	}
	if err := rewrite(cfg.Exec.Filename); err != nil {
		log.Fatalf("%s: %v", cfg.Exec.Filename, err)
	}
}

// rewrite makes the generated file at path call lists.Marshal instead of
// graphql.MarshalSliceConcurrently. Finding no such call is an error: it
// means gqlgen's output changed, and this step must be looked at again.
func rewrite(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, n, err := rewriteSource(path, src)
	if err != nil {
		return err
	}
	if n == 0 {
		return errors.New("no call of graphql." + from + " found: gqlgen's output changed; see scripts/gengraph")
	}
	return os.WriteFile(path, out, 0o644)
}

// rewriteSource returns src with each reference to gqlgen's
// graphql.MarshalSliceConcurrently made a reference to lists.Marshal, and
// how many it changed. It refuses a file that does not import gqlgen's
// graphql package by that name, or that already has something named lists.
func rewriteSource(name string, src []byte) ([]byte, int, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return nil, 0, err
	}
	importsGraphql := false
	for _, spec := range file.Imports {
		path, _ := strconv.Unquote(spec.Path.Value)
		local := path[strings.LastIndex(path, "/")+1:]
		if spec.Name != nil {
			local = spec.Name.Name
		}
		switch {
		case local == "lists":
			return nil, 0, fmt.Errorf("%s already imports a package named lists", name)
		case path == graphqlPath && local == "graphql":
			importsGraphql = true
		}
	}
	if file.Scope.Lookup("lists") != nil {
		return nil, 0, fmt.Errorf("%s already declares lists", name)
	}
	n := 0
	ast.Inspect(file, func(node ast.Node) bool {
		sel, ok := node.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "graphql" && sel.Sel.Name == from {
			pkg.Name, sel.Sel.Name = "lists", to
			n++
		}
		return true
	})
	if n == 0 {
		return src, 0, nil
	}
	if !importsGraphql {
		return nil, 0, fmt.Errorf("%s calls graphql.%s without importing %s as graphql", name, from, graphqlPath)
	}
	astutil.AddImport(fset, file, listsPath)
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, file); err != nil {
		return nil, 0, fmt.Errorf("formatting: %w", err)
	}
	return buf.Bytes(), n, nil
}
