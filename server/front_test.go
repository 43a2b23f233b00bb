package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// rawResponse is an HTTP answer as a test sees it.
type rawResponse struct {
	status int
	header http.Header
	body   []byte
}

// request sends one HTTP request to the gateway and returns the answer.
func request(t testing.TB, m *Main, method, path string, header map[string]string, body string) rawResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, m.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return rawResponse{resp.StatusCode, resp.Header, raw}
}

// firstCode is the extensions.code of the first error of a response body.
func firstCode(t testing.TB, raw []byte) string {
	t.Helper()
	var out gqlResponse
	if err := json.Unmarshal(raw, &out); err != nil || len(out.Errors) == 0 {
		return ""
	}
	return out.Errors[0].code()
}

// logCapture collects the gateway's log lines during a test.
type logCapture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logCapture) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logCapture) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// captureLogs sends the default logger to a buffer for the rest of the test.
func captureLogs(t testing.TB) *logCapture {
	t.Helper()
	c := &logCapture{}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(c, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(prev) })
	return c
}

const typenameQuery = `{"query":"{ __typename }"}`

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }
