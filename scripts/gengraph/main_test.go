package main

import (
	"strings"
	"testing"
)

// TestRewriteSource: every reference to graphql.MarshalSliceConcurrently
// becomes lists.Marshal with lists imported once; a file without one is
// left as it is; a file where the change could mean something else is
// refused. The expected texts are written here.
func TestRewriteSource(t *testing.T) {
	const head = "package graph\n\nimport (\n\t\"context\"\n\n\t\"github.com/99designs/gqlgen/graphql\"\n)\n\n"
	const body = `func a(ctx context.Context) graphql.Array {
	return graphql.MarshalSliceConcurrently(ctx, 2, 0, false, nil)
}

func b(ctx context.Context) graphql.Array {
	f := graphql.MarshalSliceConcurrently
	return f(ctx, 3, 0, false, nil)
}
`
	for _, tc := range []struct {
		name, src string
		n         int
		want, err string
	}{
		{"calls and a value", head + body, 2,
			"package graph\n\nimport (\n\t\"context\"\n\n\t\"github.com/99designs/gqlgen/graphql\"\n\t\"github.com/execgraph/execgraph/internal/lists\"\n)\n\n" +
				strings.ReplaceAll(body, "graphql.MarshalSliceConcurrently", "lists.Marshal"), ""},
		{"nothing to change", head + "func c() graphql.Array { return nil }\n", 0, head + "func c() graphql.Array { return nil }\n", ""},
		{"another package named lists", strings.Replace(head, "\"context\"\n", "\"context\"\n\t\"example.com/lists\"\n", 1) + body, 0, "", "already imports a package named lists"},
		{"a declaration named lists", head + "var lists = 1\n\n" + body, 0, "", "already declares lists"},
		{"another package named graphql", strings.Replace(head, "github.com/99designs/gqlgen/graphql", "example.com/graphql", 1) + body, 0, "", "without importing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, n, err := rewriteSource("generated.go", []byte(tc.src))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n != tc.n || string(out) != tc.want {
				t.Errorf("changed %d:\n%s\nwant %d:\n%s", n, out, tc.n, tc.want)
			}
		})
	}
}
