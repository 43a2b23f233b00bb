package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/execgraph/execgraph/internal/awsemu"
)

// TestMain keeps the gateway's logs out of test and benchmark output.
func TestMain(m *testing.M) {
	if os.Getenv("EXECGRAPH_TEST_LOG") == "" {
		slog.SetDefault(slog.New(slog.DiscardHandler))
	}
	code := m.Run()
	removeGatewayBinary()
	os.Exit(code)
}

// startGateway runs the gateway on the emulator backend, both on loopback
// port 0, for one test. The retryer makes one attempt unless the test says.
func startGateway(t testing.TB, mutate ...func(*Config)) *Main {
	t.Helper()
	return startGatewayWith(t, nil, mutate...)
}

// baseConfig is the tests' configuration: loopback port 0 for the gateway
// and the emulator, seed 7, one attempt per AWS call, no prefetching (so
// that call counts are those of the requests alone).
func baseConfig(t testing.TB) Config {
	t.Helper()
	cfg, err := ParseFlags([]string{"-addr", "127.0.0.1:0", "-emulator-addr", "127.0.0.1:0", "-emulator-seed", "7", "-aws-max-attempts", "1", "-prefetch=false"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// startGatewayWith is startGateway with a hook on Main's test-only fields.
func startGatewayWith(t testing.TB, hook func(*Main), mutate ...func(*Config)) *Main {
	t.Helper()
	cfg := baseConfig(t)
	for _, f := range mutate {
		f(&cfg)
	}
	m := &Main{Config: cfg}
	if hook != nil {
		hook(m)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The readiness check's STS call comes before anything the test counts.
	select {
	case <-m.readiness.firstCheck():
	case <-time.After(30 * time.Second):
		t.Fatal("the first readiness check did not end")
	}
	if m.Emulator != nil {
		m.Emulator.ResetStats()
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Error(err)
		}
	})
	return m
}

// gqlError is one GraphQL error as the gateway sends it.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (e gqlError) code() string { s, _ := e.Extensions["code"].(string); return s }

// gqlResponse is a GraphQL response with data left raw.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// post sends one GraphQL request and returns the decoded response. It fails
// the test on a transport error or a status other than 200.
func post(t testing.TB, m *Main, query string, vars map[string]any) gqlResponse {
	t.Helper()
	var out gqlResponse
	postInto(t, m, query, vars, &out)
	return out
}

// testClient is the tests' HTTP client: it keeps a connection per
// concurrent client alive, as real clients do (Go's default keeps two per
// host, so concurrent tests would measure TCP set-up).
var testClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second}}

// postInto sends one GraphQL request and decodes the response into out.
func postInto(t testing.TB, m *Main, query string, vars map[string]any, out any) {
	t.Helper()
	raw := postRaw(t, m, query, vars)
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}

// postRaw posts a query to /graphql and returns the body of its 200
// response.
func postRaw(t testing.TB, m *Main, query string, vars map[string]any) []byte {
	t.Helper()
	raw, err := tryPost(m.URL, query, vars)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// tryPost posts a query to the gateway at base and returns the body of its
// 200 response, within a minute; an error otherwise.
func tryPost(base, query string, vars map[string]any) ([]byte, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := testClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("POST /graphql: %s: %.500s", resp.Status, raw)
	}
	return raw, nil
}

// errorCodes returns the extensions.code of each error, in order.
func errorCodes(r gqlResponse) []string {
	var out []string
	for _, e := range r.Errors {
		out = append(out, e.code())
	}
	return out
}

// resourcesOf returns the emulator's resources of one service.
func resourcesOf(t testing.TB, m *Main, service string) []awsemu.Resource {
	t.Helper()
	var out []awsemu.Resource
	for _, r := range m.Emulator.Manifest().Resources {
		if r.Service == service {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %s resources seeded", service)
	}
	return out
}

// listCalls returns how many calls of "<service>.<Operation>" the emulator
// has counted.
func listCalls(m *Main, op string) int64 { return m.Emulator.Stats()[op] }

func shortID(id string) string {
	if i := strings.LastIndexAny(id, ":/"); i >= 0 && i < len(id)-1 {
		return id[i+1:]
	}
	return id
}
