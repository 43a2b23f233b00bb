package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/execgraph/execgraph/internal/obs"
)

// newLogger is the logger of -log-format and -log-level.
func newLogger(c Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel)) // checked by ParseFlags
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// tracingConfigured reports whether the standard OpenTelemetry variables
// name an OTLP endpoint for traces.
func tracingConfigured(getenv func(string) string) bool {
	return getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// startTracing sets m.tracer: the tracer provider a test gave, or, when the
// standard variables name an OTLP endpoint, one exporting there over HTTP
// (the exporter reads OTEL_EXPORTER_OTLP_* itself); either way redacted,
// for every span the gateway makes. Without either, tracing is off and
// costs nothing.
func (m *Main) startTracing(ctx context.Context) error {
	tp := m.tracer
	if tp == nil {
		if !tracingConfigured(os.Getenv) {
			return nil
		}
		exp, err := otlptracehttp.New(ctx)
		if err != nil {
			return fmt.Errorf("OTLP trace exporter: %w", err)
		}
		res, err := resource.Merge(resource.Default(), resource.NewSchemaless(semconv.ServiceName("execgraph")))
		if err != nil {
			return err
		}
		otlp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
		tp, m.tracerShutdown = otlp, otlp.Shutdown
		slog.Info("tracing to OTLP", "endpoint", firstSet(os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT")))
	}
	m.tracer = redacted(tp)
	return nil
}

func firstSet(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// redacted wraps a tracer provider so that its spans hold none of a
// client's text but bounded names. otelgqlgen records the whole query
// (cursors, ARNs and any string written as a literal), every resolver's
// arguments and every error message, and otelaws records AWS's error
// messages (which quote the ARNs and names a client asked for), with no
// option to stop either; the wrapper drops them all:
//   - attributes of the query, the variables, the arguments, the error
//     messages, the User-Agent and X-Forwarded-For are dropped, whether set
//     at the start or later; other strings are cut to maxSpanText bytes;
//   - a status keeps its code, not its description;
//   - a recorded error keeps its Go type, not its message;
//   - a span's name (for the operation's span, the client's operation
//     name) is cut to maxSpanName bytes.
//
// What went wrong is in the request log and the response, under the
// request id the HTTP span carries (execgraph.request_id).
func redacted(tp trace.TracerProvider) trace.TracerProvider { return redactedProvider{tp} }

const (
	maxSpanName = 100
	maxSpanText = 256
)

type redactedProvider struct{ trace.TracerProvider }

func (p redactedProvider) Tracer(name string, opts ...trace.TracerOption) trace.Tracer {
	return redactedTracer{p.TracerProvider.Tracer(name, opts...)}
}

type redactedTracer struct{ trace.Tracer }

func (t redactedTracer) Start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	// The start options carry attributes too (otelhttp's request
	// attributes): they are rebuilt with those attributes redacted.
	cfg := trace.NewSpanStartConfig(opts...)
	opts = []trace.SpanStartOption{trace.WithAttributes(redact(cfg.Attributes())...), trace.WithSpanKind(cfg.SpanKind())}
	for _, l := range cfg.Links() {
		opts = append(opts, trace.WithLinks(redactLink(l)))
	}
	if !cfg.Timestamp().IsZero() {
		opts = append(opts, trace.WithTimestamp(cfg.Timestamp()))
	}
	if cfg.NewRoot() {
		opts = append(opts, trace.WithNewRoot())
	}
	ctx, span := t.Tracer.Start(ctx, obs.Clip(name, maxSpanName), opts...)
	s := redactedSpan{span}
	return trace.ContextWithSpan(ctx, s), s
}

type redactedSpan struct{ trace.Span }

func (s redactedSpan) SetName(name string) { s.Span.SetName(obs.Clip(name, maxSpanName)) }

func (s redactedSpan) SetAttributes(kv ...attribute.KeyValue) { s.Span.SetAttributes(redact(kv)...) }

// AddEvent redacts an event's name and attributes like the span's.
func (s redactedSpan) AddEvent(name string, opts ...trace.EventOption) {
	cfg := trace.NewEventConfig(opts...)
	s.Span.AddEvent(obs.Clip(name, maxSpanName), trace.WithAttributes(redact(cfg.Attributes())...),
		trace.WithTimestamp(cfg.Timestamp()), trace.WithStackTrace(cfg.StackTrace()))
}

// AddLink redacts a link's attributes like the span's.
func (s redactedSpan) AddLink(l trace.Link) { s.Span.AddLink(redactLink(l)) }

func redactLink(l trace.Link) trace.Link {
	l.Attributes = redact(l.Attributes)
	return l
}

// TracerProvider is the redacted provider, for spans started from this one.
func (s redactedSpan) TracerProvider() trace.TracerProvider { return redacted(s.Span.TracerProvider()) }

// redact returns kv without the attributes that hold a client's text, and
// the other strings cut to maxSpanText bytes (in a new slice: the caller's
// is left alone).
func redact(kv []attribute.KeyValue) []attribute.KeyValue {
	kept := make([]attribute.KeyValue, 0, len(kv))
	for _, a := range kv {
		if clientText(string(a.Key)) {
			continue
		}
		if a.Value.Type() == attribute.STRING {
			a.Value = attribute.StringValue(obs.Clip(a.Value.AsString(), maxSpanText))
		}
		kept = append(kept, a)
	}
	return kept
}

func (s redactedSpan) SetStatus(code codes.Code, _ string) { s.Span.SetStatus(code, "") }

func (s redactedSpan) RecordError(err error, _ ...trace.EventOption) {
	if err != nil {
		s.Span.AddEvent("exception", trace.WithAttributes(attribute.String("exception.type", fmt.Sprintf("%T", err))))
	}
}

// clientText reports whether an attribute holds a client's text: of
// otelgqlgen, the query, the variables, a resolver's arguments, an error
// message; of otelhttp, the User-Agent, the method as sent, the Host
// header (server.address) and the client address that X-Forwarded-For
// claims (network.peer.address is the peer). It is a list of what the
// pinned instrumentations record, checked by TestTracing; a key they add
// in a later version is cut to maxSpanText until it is listed here.
func clientText(key string) bool {
	switch key {
	case "gql.request.query", "user_agent.original", "http.request.method_original", "client.address", "server.address":
		return true
	}
	return strings.HasPrefix(key, "gql.request.variables") || strings.HasPrefix(key, "gql.resolver.args") ||
		strings.HasPrefix(key, "gql.resolver.error.") && strings.HasSuffix(key, ".message")
}
