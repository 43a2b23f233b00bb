package obs

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestClip: at most n bytes, cut at a character boundary, always valid
// UTF-8, whatever the input.
func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abc", 2, "ab"},
		{"héllo", 2, "h"}, // é is two bytes: not cut in half
		{"héllo", 3, "hé"},
		{"a\xffb", 4, "a\uFFFD"}, // invalid byte replaced (3 bytes), then cut to 4
		{"a\xffb", 3, "a"},
		{"\xff\xff\xff", 2, ""},       // the replacement (3 bytes) does not fit
		{"\xff\xff\xff", 9, "\uFFFD"}, // a run of invalid bytes is one replacement
		{"日本語", 7, "日本"},
		{"", 0, ""},
	} {
		got := Clip(tc.in, tc.n)
		if got != tc.want || len(got) > tc.n || !utf8.ValidString(got) {
			t.Errorf("Clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

// TestPanicLogged: a request whose handler panics is logged, as a 500 at
// warning level, and the panic goes on to net/http.
func TestPanicLogged(t *testing.T) {
	var buf bytes.Buffer
	h := Middleware(slog.New(slog.NewTextHandler(&buf, nil)), http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	func() {
		defer func() {
			if p := recover(); p != http.ErrAbortHandler {
				t.Errorf("panic %v, want it passed on", p)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/graphql", nil))
	}()
	if line := buf.String(); !strings.Contains(line, "level=WARN") || !strings.Contains(line, "status=500") {
		t.Errorf("log line %q", line)
	}
}

// TestPanicAfterAnswerLogged: a handler that answered and then panicked is
// logged with the status it sent.
func TestPanicAfterAnswerLogged(t *testing.T) {
	var buf bytes.Buffer
	h := Middleware(slog.New(slog.NewTextHandler(&buf, nil)), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		panic(http.ErrAbortHandler)
	}))
	func() {
		defer func() { _ = recover() }()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	}()
	if line := buf.String(); !strings.Contains(line, "status=202") || !strings.Contains(line, "level=WARN") || !strings.Contains(line, "panicked=true") {
		t.Errorf("log line %q, want the status sent, at warning level, marked panicked", line)
	}
}

// TestPanicCounted: a request whose handler panics after recording an
// outcome counts as failed with INTERNAL, not as what it recorded, and the
// panic goes on.
func TestPanicCounted(t *testing.T) {
	m := NewMetrics()
	h := m.Count("/graphql", http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		From(r.Context()).SetOutcome("ok")
		panic(http.ErrAbortHandler)
	}))
	func() {
		defer func() {
			if p := recover(); p != http.ErrAbortHandler {
				t.Errorf("panic %v, want it passed on", p)
			}
		}()
		req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
		h.ServeHTTP(httptest.NewRecorder(), req.WithContext(With(req.Context(), &Record{})))
	}()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, metric := range f.GetMetric() {
			name := f.GetName()
			for _, l := range metric.GetLabel() {
				name += "," + l.GetName() + "=" + l.GetValue()
			}
			if c := metric.GetCounter(); c != nil {
				got[name] = c.GetValue()
			}
		}
	}
	for series, want := range map[string]float64{
		"execgraph_graphql_requests_total,operation=anonymous,outcome=failed": 1,
		"execgraph_graphql_requests_total,operation=anonymous,outcome=ok":     0,
		"execgraph_graphql_errors_total,code=INTERNAL":                        1,
	} {
		if got[series] != want {
			t.Errorf("%s = %v, want %v (all: %v)", series, got[series], want, got)
		}
	}
}
