// Package obs is what the gateway tells its operators: one log line per
// request, with what the request did upstream.
package obs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Record is what one request did, filled in by the layers it went through
// and logged when it ends. It is safe for concurrent use (resolvers run in
// parallel).
type Record struct {
	ID            string // the request id, echoed as X-Request-Id
	UpstreamCalls atomic.Int64

	mu        sync.Mutex
	identity  string
	operation string
	outcome   string
	codes     []string
}

type recordKey struct{}

// From returns the request's record; a record that goes nowhere when the
// request did not go through Middleware (so callers never check for nil).
func From(ctx context.Context) *Record {
	if r, ok := ctx.Value(recordKey{}).(*Record); ok {
		return r
	}
	return &Record{}
}

// With returns ctx carrying rec.
func With(ctx context.Context, rec *Record) context.Context {
	return context.WithValue(ctx, recordKey{}, rec)
}

// SetIdentity records who made the request (a key name or a JWT subject).
// A JWT's subject is the token issuer's text: at most its first 200 bytes
// are kept.
func (r *Record) SetIdentity(id string) { r.mu.Lock(); r.identity = Clip(id, 200); r.mu.Unlock() }

// SetOperation records the GraphQL operation's name for the log (at most
// its first 100 bytes, in valid UTF-8: a client may send any name).
func (r *Record) SetOperation(name string) {
	r.mu.Lock()
	r.operation = Clip(name, 100)
	r.mu.Unlock()
}

// SetOutcome records how a GraphQL request ended, for the metrics: ok,
// error (data and errors), failed (no data); a request that records none
// did not run ("rejected").
func (r *Record) SetOutcome(outcome string) { r.mu.Lock(); r.outcome = outcome; r.mu.Unlock() }

// Outcome returns the recorded outcome, "rejected" when none was.
func (r *Record) Outcome() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.outcome == "" {
		return "rejected"
	}
	return r.outcome
}

// Clip cuts s to at most n bytes, at a character boundary, with invalid
// UTF-8 replaced: what it returns is safe for logs, metric labels and
// traces, whatever a client sent.
func Clip(s string, n int) string {
	return cut(strings.ToValidUTF8(cut(s, n), "\uFFFD"), n)
}

// cut cuts s to at most n bytes, at the start of a character.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// AddCode records an error code the response carries.
func (r *Record) AddCode(code string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !slices.Contains(r.codes, code) {
		r.codes = append(r.codes, code)
	}
}

// Codes returns the error codes recorded, in the order first seen.
func (r *Record) Codes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.codes)
}

// Operation returns the operation's name, "" if none was recorded.
func (r *Record) Operation() string { r.mu.Lock(); defer r.mu.Unlock(); return r.operation }

// Identity returns the caller's identity, "" before authentication.
func (r *Record) Identity() string { r.mu.Lock(); defer r.mu.Unlock(); return r.identity }

// requestID returns the client's X-Request-Id when it is a sane token (at
// most 64 characters of letters, digits, '-', '_' and '.'), else a new one.
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); id != "" && len(id) <= 64 && saneID(id) {
		return id
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func saneID(s string) bool {
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// Middleware gives each request a Record and an id (echoed in X-Request-Id),
// and logs one line when it ends: id, method, path, status, duration,
// identity, operation, upstream calls and error codes. It never logs
// credentials, cursors, variables or the query.
func Middleware(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &Record{ID: requestID(r)}
		w.Header().Set("X-Request-Id", rec.ID)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() { // even when the handler panics: every request has its line
			p := recover()
			status := sw.status
			if p != nil && !sw.wrote { // net/http ends the connection: the client got no answer
				status = http.StatusInternalServerError
			}
			level := slog.LevelInfo
			if status >= 500 || p != nil {
				level = slog.LevelWarn
			}
			attrs := []slog.Attr{
				slog.String("requestId", rec.ID),
				slog.String("method", r.Method),
				slog.String("path", Clip(r.URL.Path, 200)),
				slog.Int("status", status),
				slog.Duration("duration", time.Since(start)),
				slog.String("identity", rec.Identity()),
				slog.String("operation", rec.Operation()),
				slog.Int64("upstreamCalls", rec.UpstreamCalls.Load()),
				slog.Any("codes", rec.Codes()),
			}
			if p != nil {
				attrs = append(attrs, slog.Bool("panicked", true))
			}
			log.LogAttrs(r.Context(), level, "request", attrs...)
			if p != nil {
				panic(p)
			}
		}()
		next.ServeHTTP(sw, r.WithContext(With(r.Context(), rec)))
	})
}

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
