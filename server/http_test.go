package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// TestHTTPErrors: what is not a GraphQL request still gets a GraphQL-shaped
// error with extensions.code, with the statuses of GraphQL over HTTP: a
// request that is not a well-formed GraphQL-over-HTTP request (no query, a
// misspelt one, a malformed persistedQuery) is 400 under either media type;
// a well-formed one that did not run (parse, validation, variables) is 200
// under application/json and 400 under application/graphql-response+json;
// neither has a data entry. The health check and GraphiQL answer.
func TestHTTPErrors(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.MaxBodyBytes = 2048 })
	const gqlResp = "application/graphql-response+json"
	badRequests := 0
	for _, tc := range []struct {
		name, method, ctype, accept, body string
		status                            int
		code                              string
	}{
		{"put", http.MethodPut, "application/json", "", "{}", 405, "BAD_REQUEST"},
		{"text body", http.MethodPost, "text/plain", "", "{}", 415, "BAD_REQUEST"},
		{"no content type", http.MethodPost, "", "", "{}", 415, "BAD_REQUEST"},
		{"latin-1 body", http.MethodPost, "application/json; charset=iso-8859-1", "", "{}", 415, "BAD_REQUEST"},
		{"malformed JSON", http.MethodPost, "application/json", "", "{bad", 400, "BAD_REQUEST"},
		{"two JSON values", http.MethodPost, "application/json", "", `{"query":"{ __typename }"} {}`, 400, "BAD_REQUEST"},
		{"batch", http.MethodPost, "application/json", "", `[{"query":"{ __typename }"}]`, 400, "BAD_REQUEST"},
		{"too large", http.MethodPost, "application/json", "", `{"query":"` + strings.Repeat("x", 4096) + `"}`, 413, "BAD_REQUEST"},
		{"not a request", http.MethodPost, "application/json", "", `{"query":5}`, 400, "BAD_REQUEST"},
		{"no query", http.MethodPost, "application/json", "", `{}`, 400, "BAD_REQUEST"},
		{"misspelt query", http.MethodPost, "application/json", "application/json", `{"qeury":"{ __typename }"}`, 400, "BAD_REQUEST"},
		{"persistedQuery without a hash", http.MethodPost, "application/json", "application/json", `{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1}}}`, 400, "BAD_REQUEST"},
		{"persistedQuery hash not the query's", http.MethodPost, "application/json", "application/json", `{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + strings.Repeat("0", 64) + `"}}}`, 400, "BAD_REQUEST"},
		{"no query, graphql-response", http.MethodPost, "application/json", gqlResp, `{}`, 400, "BAD_REQUEST"},
		{"nothing acceptable", http.MethodPost, "application/json", "text/html", `{"query":"{ __typename }"}`, 406, "BAD_REQUEST"},
		{"parse error", http.MethodPost, "application/json", "", `{"query":"{"}`, 200, "GRAPHQL_PARSE_FAILED"},
		{"parse error, graphql-response", http.MethodPost, "application/json", gqlResp, `{"query":"{"}`, 400, "GRAPHQL_PARSE_FAILED"},
		{"unknown field", http.MethodPost, "application/json", "", `{"query":"{ nope }"}`, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"unknown field, graphql-response", http.MethodPost, "application/json", gqlResp + ", application/json;q=0.9", `{"query":"{ nope }"}`, 400, "GRAPHQL_VALIDATION_FAILED"},
		{"bad variable, graphql-response", http.MethodPost, "application/json", gqlResp, `{"query":"query($n: Int) { transferExecutions(workflowId: \"w-00000000000000000\", first: $n) { nodes { id } } }","variables":{"n":"ten"}}`, 400, "GRAPHQL_VALIDATION_FAILED"},
		{"bad Time", http.MethodPost, "application/json", "", `{"query":"{ lambdaDurableExecutions(functionName: \"f\", startedAfter: \"yesterday\") { nodes { id } } }"}`, 200, "BAD_USER_INPUT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, m.URL+"/graphql", bytes.NewBufferString(tc.body))
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out gqlResponse
			raw, _ := io.ReadAll(resp.Body)
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatalf("not JSON: %s", raw)
			}
			if len(out.Errors) == 0 || out.Errors[0].code() != tc.code {
				t.Fatalf("status %d, body %s; want code %s", resp.StatusCode, raw, tc.code)
			}
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.code != "BAD_USER_INPUT" && strings.Contains(string(raw), `"data"`) {
				t.Errorf("a request that did not run has a data entry: %s", raw)
			}
		})
		if tc.code == "BAD_REQUEST" {
			badRequests++
		}
	}
	// Each refusal's code reaches the metrics (and the request log).
	expectSeries(t, scrape(t, m.URL+"/metrics", nil), map[string]float64{
		"execgraph_graphql_errors_total{code=BAD_REQUEST}": float64(badRequests),
	})
	for path, want := range map[string]int{"/healthz": 200, "/": 200, "/nope": 404, "/graphql?query=%7B__typename%7D&variables=nope": 400} {
		resp, err := http.Get(m.URL + path) // follows GraphiQL's redirect to its example query
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

func TestCORS(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.CORSOrigins = []string{"https://portal.example"} })
	for origin, allowed := range map[string]bool{"https://portal.example": true, "https://evil.example": false} {
		req, _ := http.NewRequest(http.MethodOptions, m.URL+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin") == origin; got != allowed {
			t.Errorf("preflight from %s: allowed %v, want %v", origin, got, allowed)
		}
	}
}

// TestLargeResponseLength: a response larger than net/http's buffer goes
// out with its length, through every middleware (CORS and tracing on), not
// in chunks.
func TestLargeResponseLength(t *testing.T) {
	const origin = "https://portal.example"
	m := startGatewayWith(t, func(m *Main) { m.tracer = sdktrace.NewTracerProvider() },
		func(c *Config) { c.CORSOrigins = []string{origin} })
	big := largest(t, m, "stepfunctions")
	body, _ := json.Marshal(map[string]any{"query": walkQuery, "variables": map[string]any{"id": big.ID, "first": 200}})
	req, _ := http.NewRequest(http.MethodPost, m.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", origin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != origin {
		t.Errorf("no CORS answer: %v", resp.Header)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil || !json.Valid(raw) || len(raw) < 32<<10 {
		t.Fatalf("%v: %d bytes", err, len(raw))
	}
	if resp.ContentLength != int64(len(raw)) || len(resp.TransferEncoding) > 0 {
		t.Errorf("Content-Length %d, Transfer-Encoding %v; the body has %d bytes", resp.ContentLength, resp.TransferEncoding, len(raw))
	}
}
