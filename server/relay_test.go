package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRelayCompilerPersisted compiles the Relay project of testdata/node/relay
// (@connection over the six connections of Query and
// ImageBuilderWorkflowExecution.steps, each with its @refetchable pagination
// query) with relay-compiler against schema.graphqls, which must succeed with
// no error or warning; relay-compiler's persisted queries (persistConfig,
// a local file) are then the gateway's -trusted-documents. Every query runs
// by documentId as a Relay network layer sends it, its next page by the
// compiler's pagination query, the nested steps through node(id:); a query
// sent as text is refused with PERSISTED_QUERY_NOT_ALLOWED.
func TestRelayCompilerPersisted(t *testing.T) {
	requireNode(t)
	dir := t.TempDir()
	runNode(t, time.Minute, "relay.mjs", "compile", dir)

	// relay-compiler's output is a plain object of id to text, one of the
	// two manifest formats the gateway reads.
	manifest := filepath.Join(dir, "persisted-queries.json")
	raw, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	var docs map[string]string
	if err := json.Unmarshal(raw, &docs); err != nil {
		t.Fatalf("relay-compiler's persisted queries are not a JSON object of id to text: %v", err)
	}
	lambdaQuery := ""
	for id, text := range docs {
		if strings.HasPrefix(text, "query ExecutionsLambdaQuery(") {
			lambdaQuery = id
		}
	}
	if lambdaQuery == "" {
		t.Fatalf("no ExecutionsLambdaQuery among the %d persisted documents", len(docs))
	}

	m := startGateway(t, func(c *Config) { c.TrustedDocuments = manifest })
	runNode(t, time.Minute, "relay.mjs", "run", dir, m.URL, m.Emulator.URL)

	// The same, from Go: a persisted operation by documentId over POST...
	fn := largest(t, m, "lambda")
	body, _ := json.Marshal(map[string]any{"documentId": lambdaQuery, "variables": map[string]any{"functionName": fn.ID}})
	r := request(t, m, http.MethodPost, "/graphql", nil, string(body))
	var page struct {
		Data struct {
			LambdaDurableExecutions struct {
				Edges []struct {
					Cursor string
					Node   struct{ ID string }
				}
				PageInfo struct{ HasNextPage bool }
			}
		}
		Errors []gqlError
	}
	mustJSON(t, r.body, &page)
	conn := page.Data.LambdaDurableExecutions
	if r.status != http.StatusOK || len(page.Errors) > 0 || len(conn.Edges) != 20 || conn.Edges[0].Node.ID == "" || !conn.PageInfo.HasNextPage {
		t.Errorf("ExecutionsLambdaQuery by documentId: %d %.300s", r.status, r.body)
	}
	// ...and a free-form query, refused.
	r = request(t, m, http.MethodPost, "/graphql", nil, `{"query":"{ lambdaDurableExecutions(functionName: \"`+fn.ID+`\") { nodes { id } } }"}`)
	if got := firstCode(t, r.body); got != "PERSISTED_QUERY_NOT_ALLOWED" || strings.Contains(string(r.body), `"data"`) {
		t.Errorf("a query sent as text: %d %s", r.status, r.body)
	}
}
