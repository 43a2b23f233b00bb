package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestHTTPErrors: what is not a GraphQL request still gets a GraphQL-shaped
// error with extensions.code, and the health check and GraphiQL answer.
func TestHTTPErrors(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.MaxBodyBytes = 2048 })
	for _, tc := range []struct {
		name, method, ctype, body string
		status                    int
		code                      string
	}{
		{"put", http.MethodPut, "application/json", "{}", 405, "BAD_REQUEST"},
		{"text body", http.MethodPost, "text/plain", "{}", 415, "BAD_REQUEST"},
		{"malformed JSON", http.MethodPost, "application/json", "{bad", 400, "BAD_REQUEST"},
		{"too large", http.MethodPost, "application/json", `{"query":"` + strings.Repeat("x", 4096) + `"}`, 413, "BAD_REQUEST"},
		{"not a request", http.MethodPost, "application/json", `{"query":5}`, 400, "BAD_REQUEST"},
		{"parse error", http.MethodPost, "application/json", `{"query":"{"}`, 422, "GRAPHQL_PARSE_FAILED"},
		{"unknown field", http.MethodPost, "application/json", `{"query":"{ nope }"}`, 422, "GRAPHQL_VALIDATION_FAILED"},
		{"bad Time", http.MethodPost, "application/json", `{"query":"{ lambdaDurableExecutions(functionName: \"f\", startedAfter: \"yesterday\") { nodes { id } } }"}`, 200, "BAD_USER_INPUT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, m.URL+"/graphql", bytes.NewBufferString(tc.body))
			req.Header.Set("Content-Type", tc.ctype)
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
		})
	}
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
