package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/introspection"
)

// postQuery posts a query with optional variables and returns the status
// and decoded response.
func postQuery(t testing.TB, m *Main, query string, vars map[string]any) (int, gqlResponse) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	r := request(t, m, http.MethodPost, "/graphql", nil, string(body))
	var out gqlResponse
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("status %d, body %.300s", r.status, r.body)
	}
	return r.status, out
}

// fragmentBomb is n fragments, each spreading the previous one twice:
// 2^n fields once expanded, in a document of a few hundred bytes. Inside
// wraps the spread of the last one.
func fragmentBomb(n int, on, leaf, inside string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "query { %s }\n", strings.ReplaceAll(inside, "SPREAD", fmt.Sprintf("...F%d", n)))
	fmt.Fprintf(&b, "fragment F0 on %s { %s }\n", on, leaf)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "fragment F%d on %s { ...F%d ...F%d }\n", i, on, i-1, i-1)
	}
	return b.String()
}

// TestLimitsTrip: each limit refuses a query past it with its own code,
// before any AWS call, and admits one at it.
func TestLimitsTrip(t *testing.T) {
	m := startGateway(t, func(c *Config) {
		c.MaxTokens, c.MaxDepth, c.MaxAliases, c.MaxRootFields, c.MaxDirectives, c.MaxFields = 200, 6, 3, 4, 2, 40
	})
	listing := `transferExecutions(workflowId: "w-00000000000000000", first: 1) { nodes { id } }`
	aliases := func(n int) string {
		var parts []string
		for i := range n {
			parts = append(parts, fmt.Sprintf("a%d: __typename", i))
		}
		return "{ " + strings.Join(parts, " ") + " }"
	}
	roots := func(n int) string { // __typename and aliases of it (3: at the alias limit)
		return "{ __typename a: __typename b: __typename c: __typename " + strings.Repeat("__typename ", n-4) + "}"
	}
	statuses := func(n int) string { // 24 tokens, and one a status
		return `{ executions(sources: [{transferWorkflowId: "w-00000000000000000"}], statuses: [` + strings.Repeat("RUNNING ", n) + `]) { nodes { id } } }`
	}
	nest := func(depth int) string { // executions > edges > node > (an inline fragment counts) > ...
		return map[int]string{
			6: `{ executions(sources: [{transferWorkflowId: "w-00000000000000000"}]) { edges { node { ... on LambdaDurableExecution { error { errorType } } } } } }`,
			7: `{ executions(sources: [{transferWorkflowId: "w-00000000000000000"}]) { edges { node { ... on ImageBuilderWorkflowExecution { steps { pageInfo { endCursor } } } } } } }`,
		}[depth]
	}
	for _, tc := range []struct {
		name, query string
		code        string // "" admitted
	}{
		{"tokens at the limit", statuses(176), ""},             // 200 tokens, the end included
		{"tokens over", statuses(177), "TOKEN_LIMIT_EXCEEDED"}, // 201
		{"depth at the limit", nest(6), ""},
		{"depth over", nest(7), "DEPTH_LIMIT_EXCEEDED"},
		{"aliases at the limit", aliases(3), ""},
		{"aliases over", aliases(4), "ALIAS_LIMIT_EXCEEDED"},
		{"aliases in a fragment spread twice", "{ ...A ...A } fragment A on Query { a: __typename b: __typename }", "ALIAS_LIMIT_EXCEEDED"},
		{"root fields at the limit", roots(4), ""},
		{"root fields over", roots(5), "ROOT_FIELD_LIMIT_EXCEEDED"},
		{"root fields through fragments", "{ __typename ...R ...R } fragment R on Query { __typename __typename }", "ROOT_FIELD_LIMIT_EXCEEDED"},
		{"directives at the limit", `{ __typename @skip(if: false) @include(if: true) }`, ""},
		{"directives over", `{ __typename @skip(if: false) @include(if: true) @skip(if: false) }`, "DIRECTIVE_LIMIT_EXCEEDED"},
		{"fields over", fragmentBomb(6, "TransferExecution", "id", `transferExecutions(workflowId: "w-00000000000000000") { nodes { SPREAD } }`), "FIELD_LIMIT_EXCEEDED"},
		{"a key written three times", `{ __typename __typename a: __typename a: __typename }`, ""},
		{"a key written four times", `{ __typename __typename __typename __typename }`, "FIELD_LIMIT_EXCEEDED"},
		{"fields at the limit", "{ " + listing + " }", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m.Emulator.ResetStats()
			status, resp := postQuery(t, m, tc.query, nil)
			codes := errorCodes(resp)
			if tc.code == "" {
				for _, c := range codes {
					if strings.HasSuffix(c, "_LIMIT_EXCEEDED") {
						t.Fatalf("refused: %+v", resp.Errors)
					}
				}
				return
			}
			if len(codes) != 1 || codes[0] != tc.code || status != 200 {
				t.Fatalf("status %d, codes %v, want [%s]", status, codes, tc.code)
			}
			if calls := stats(m); len(calls) != 0 {
				t.Errorf("AWS calls %v", calls)
			}
		})
	}
}

// TestFragmentBombs: fragments that spread each other twice, 40 levels deep
// (2^40 fields expanded), are refused within a second wherever they sit.
func TestFragmentBombs(t *testing.T) {
	m := startGateway(t)
	for name, q := range map[string]string{
		"at the root":            fragmentBomb(40, "Query", "__typename", "SPREAD"),
		"in a connection":        fragmentBomb(40, "TransferExecution", "id", `transferExecutions(workflowId: "w-00000000000000000", first: 1000) { nodes { SPREAD } }`),
		"in introspection":       fragmentBomb(40, "__Type", "name", "__schema { types { SPREAD } }"),
		"in an interface":        fragmentBomb(40, "Execution", "status", `executions(sources: [{transferWorkflowId: "w-00000000000000000"}]) { nodes { SPREAD } }`),
		"with a cycle":           "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
		"inline fragments, deep": "{ " + strings.Repeat("... on Query { ", 3000) + "__typename" + strings.Repeat(" }", 3000) + " }",
		// Validation collects nested inline fragments again at every level
		// (n³), even in a fragment nothing spreads, and with repeats that
		// are fine one level at a time.
		"nested inline fragments, unused": "{ __typename } fragment F on Query { " + strings.Repeat("... { __typename __typename __typename ", 326) + strings.Repeat("}", 326) + " }",
		"nested inline fragments, used":   `{ node(id: "x") { ` + strings.Repeat("... { __typename __typename __typename ", 300) + strings.Repeat("}", 300) + " } }",
		"a flat unused fragment":          "{ __typename } fragment F on Query { " + strings.Repeat("__typename ", 1990) + "}",
		"unused spreaders of a deep fragment": func() string {
			var b strings.Builder
			b.WriteString("{ __typename } fragment V on Query { " + strings.Repeat("... { __typename ", 200) + strings.Repeat("}", 200) + " }\n")
			for i := range 60 {
				fmt.Fprintf(&b, "fragment U%d on Query { ...V }\n", i)
			}
			return b.String()
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, resp := postQuery(t, m, q, nil)
			if d := time.Since(start); d > time.Second {
				t.Errorf("answered after %s", d)
			}
			if len(resp.Errors) == 0 {
				t.Fatalf("admitted: %.200s", resp.Data)
			}
		})
	}
	// Without a field limit, the price itself must be computed in linear
	// time: each fragment priced once.
	unlimited := startGateway(t, func(c *Config) { c.MaxFields = 1 << 40 })
	for leaf, want := range map[string]string{"workflow { arn }": "COMPLEXITY_LIMIT_EXCEEDED", "id": "NOT_FOUND"} {
		start := time.Now()
		_, resp := postQuery(t, unlimited, fragmentBomb(40, "TransferExecution", leaf,
			`transferExecutions(workflowId: "w-00000000000000000", first: 1000) { nodes { SPREAD } }`), nil)
		if d := time.Since(start); d > time.Second || !slices.Equal(errorCodes(resp), []string{want}) {
			t.Fatalf("leaf %s: answered in %s: %v, want %s", leaf, d, errorCodes(resp), want)
		}
	}
}

// TestIntrospectionPriced: introspection is priced at the objects it
// answers with: the standard introspection query fits the default limit,
// aliased copies of it do not; with -introspection=false it is refused
// and validation errors suggest nothing.
func TestIntrospectionPriced(t *testing.T) {
	m := startGateway(t)
	_, resp := postQuery(t, m, introspection.Query, nil)
	if len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), `"StepFunctionsMapRun"`) {
		t.Fatalf("the standard introspection query: %+v", resp.Errors)
	}
	objects := countObjects(t, resp.Data)
	// The price of introspection is the number of objects it answers with:
	// at a limit of exactly that, one copy passes and two do not.
	exact := startGateway(t, func(c *Config) { c.MaxQueryCost = objects })
	if _, resp := postQuery(t, exact, introspection.Query, nil); len(resp.Errors) > 0 {
		t.Fatalf("at its own size (%d objects): %+v", objects, resp.Errors)
	}
	under := startGateway(t, func(c *Config) { c.MaxQueryCost = objects - 1 })
	if _, resp := postQuery(t, under, introspection.Query, nil); !slices.Equal(errorCodes(resp), []string{"COMPLEXITY_LIMIT_EXCEEDED"}) {
		t.Fatalf("one object over: %v", errorCodes(resp))
	}
	aliased := "{ " + strings.Repeat("__schema { types { name fields { name type { name } } } } ", 1)
	for i := range 15 {
		aliased += fmt.Sprintf(" s%d: __schema { types { fields { args { type { fields { args { name } } } } } } }", i)
	}
	aliased += " }"
	if _, resp := postQuery(t, m, aliased, nil); !slices.Contains(errorCodes(resp), "COMPLEXITY_LIMIT_EXCEEDED") && !slices.Contains(errorCodes(resp), "GRAPHQL_VALIDATION_FAILED") {
		t.Fatalf("aliased introspection admitted: %v", errorCodes(resp))
	}

	off := startGateway(t, func(c *Config) { c.Introspection = false })
	if _, resp := postQuery(t, off, `{ __type(name: "Query") { name } }`, nil); !slices.Equal(errorCodes(resp), []string{"INTROSPECTION_DISABLED"}) {
		t.Fatalf("introspection off: %v", errorCodes(resp))
	}
	if _, resp := postQuery(t, off, `{ executon { id } }`, nil); len(resp.Errors) != 1 || strings.Contains(resp.Errors[0].Message, "Did you mean") {
		t.Fatalf("suggestion with introspection off: %+v", resp.Errors)
	}
	if _, resp := postQuery(t, m, `{ executon { id } }`, nil); len(resp.Errors) != 1 || !strings.Contains(resp.Errors[0].Message, "Did you mean") {
		t.Fatalf("no suggestion with introspection on: %+v", resp.Errors)
	}
}

// countObjects counts the JSON objects in a response's data, the data
// object itself excluded.
func countObjects(t *testing.T, raw json.RawMessage) int {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var walk func(any) int
	walk = func(v any) int {
		switch v := v.(type) {
		case map[string]any:
			n := 1
			for _, c := range v {
				n += walk(c)
			}
			return n
		case []any:
			n := 0
			for _, c := range v {
				n += walk(c)
			}
			return n
		}
		return 0
	}
	return walk(v) - 1
}

// TestQueryCacheBounded: the parsed-query cache holds only documents that
// passed validation and the limits, within its byte bound.
func TestQueryCacheBounded(t *testing.T) {
	const bound = 4 << 20
	m := startGateway(t, func(c *Config) {
		c.QueryCacheBytes, c.MaxTokens, c.MaxFields, c.MaxRootFields, c.MaxAliases = bound, 100000, 100000, 100000, 100000
	})
	gate := m.gate
	for i := range 30 {
		// Distinct documents of ~14 KB each that pass.
		var b strings.Builder
		for j := range 1000 {
			fmt.Fprintf(&b, "a%d: __typename ", j)
		}
		q := fmt.Sprintf("query Q%d { %s }", i, b.String())
		if _, resp := postQuery(t, m, q, nil); len(resp.Errors) > 0 {
			t.Fatalf("%+v", resp.Errors[0])
		}
	}
	if b := gate.Cache().Bytes(); b > bound || gate.Cache().Len() == 0 {
		t.Fatalf("cache holds %d bytes in %d entries; the bound is %d", b, gate.Cache().Len(), bound)
	}
	before := gate.Cache().Len()
	// Documents of many short values cost more than their text suggests.
	fresh := startGateway(t, func(c *Config) { c.QueryCacheBytes, c.MaxTokens = 64<<20, 100000 })
	postQuery(t, fresh, fmt.Sprintf("{ nodes(ids: [%s]) { __typename } }", strings.Repeat(`"1" `, 1000)), nil)
	if got := fresh.gate.Cache().Bytes(); fresh.gate.Cache().Len() != 1 || got < 200*1000 {
		t.Errorf("a document of 1000 values accounted at %d bytes", got)
	}
	for _, q := range []string{"{ nope }", strings.Repeat("{ a ", 20) + strings.Repeat("} ", 20), "{"} { // invalid, too deep, unparsable
		postQuery(t, m, q+" # distinct", nil)
	}
	if gate.Cache().Len() != before {
		t.Fatalf("refused documents entered the cache: %d -> %d entries", before, gate.Cache().Len())
	}
}

// TestTrustedDocuments: with -trusted-documents, only the manifest's
// documents run, by documentId or persistedQuery hash; a free-form query is
// PERSISTED_QUERY_NOT_ALLOWED, an unknown id PERSISTED_QUERY_NOT_FOUND.
func TestTrustedDocuments(t *testing.T) {
	text := `query Typename { __typename }`
	sum := sha256.Sum256([]byte(text))
	hash := hex.EncodeToString(sum[:])
	dir := t.TempDir()
	apollo := filepath.Join(dir, "apollo.json")
	writeFile(t, apollo, `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"`+hash+`","name":"Typename","type":"query","body":"`+text+`"}]}`)
	relay := filepath.Join(dir, "relay.json")
	writeFile(t, relay, `{"my-doc-1":"`+text+`"}`)
	for name, tc := range map[string]struct{ file, id string }{"apollo": {apollo, hash}, "relay": {relay, "my-doc-1"}} {
		t.Run(name, func(t *testing.T) {
			m := startGateway(t, func(c *Config) { c.TrustedDocuments = tc.file })
			for _, rc := range []struct {
				body, code string
			}{
				{`{"documentId":"` + tc.id + `"}`, ""},
				{`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + tc.id + `"}}}`, ""},
				{`{"query":"{ __typename }"}`, "PERSISTED_QUERY_NOT_ALLOWED"},
				{`{"documentId":"` + tc.id + `","query":"{ __typename __typename }"}`, "PERSISTED_QUERY_NOT_ALLOWED"},
				{`{"documentId":"nope"}`, "PERSISTED_QUERY_NOT_FOUND"},
			} {
				r := request(t, m, http.MethodPost, "/graphql", nil, rc.body)
				if got := firstCode(t, r.body); got != rc.code {
					t.Errorf("%s: code %q, want %q (%s)", rc.body, got, rc.code, r.body)
				}
			}
			get := request(t, m, http.MethodGet, "/graphql?documentId="+tc.id, nil, "")
			if !strings.Contains(string(get.body), `"__typename":"Query"`) {
				t.Errorf("GET by documentId: %s", get.body)
			}
		})
	}
	for content, want := range map[string]string{
		`{"` + hash + `":"query Other { __typename }"}`: "digest",
		`{"doc-1":"{{{"}`:      "does not run",
		`{"doc-2":"{ nope }"}`: "does not run",
	} {
		bad := filepath.Join(dir, "bad.json")
		writeFile(t, bad, content)
		c := baseConfig(t)
		c.TrustedDocuments = bad
		mb := &Main{Config: c}
		if err := mb.Run(t.Context()); err == nil || !strings.Contains(err.Error(), want) {
			if err == nil {
				_ = mb.Close()
			}
			t.Errorf("manifest %s: %v, want an error with %q", content, err, want)
		}
	}
}

// TestAutomaticPersistedQueries: a hash alone that the gateway does not
// know asks for the text; a text with the wrong hash is refused; a text
// that fails validation is not remembered.
func TestAutomaticPersistedQueries(t *testing.T) {
	m := startGateway(t)
	apq := func(query, hash string) string {
		body := map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}}
		if query != "" {
			body["query"] = query
		}
		r := request(t, m, http.MethodPost, "/graphql", nil, string(must(json.Marshal(body))))
		if c := firstCode(t, r.body); c != "" {
			return c
		}
		return "ok"
	}
	hashOf := func(q string) string { s := sha256.Sum256([]byte(q)); return hex.EncodeToString(s[:]) }
	good, bad := "{ __typename }", "{ nope }"
	for _, step := range []struct{ query, hash, want string }{
		{"", hashOf(good), "PERSISTED_QUERY_NOT_FOUND"},
		{good, hashOf(bad), "BAD_REQUEST"},
		{good, hashOf(good), "ok"},
		{"", hashOf(good), "ok"},
		{bad, hashOf(bad), "GRAPHQL_VALIDATION_FAILED"},
		{"", hashOf(bad), "PERSISTED_QUERY_NOT_FOUND"},
	} {
		if got := apq(step.query, step.hash); got != step.want {
			t.Errorf("query %q hash %.8s: %s, want %s", step.query, step.hash, got, step.want)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
