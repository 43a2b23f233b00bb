package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/execgraph/execgraph/internal/obs"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
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
// (the exporter reads OTEL_EXPORTER_OTLP_* itself). Without either,
// tracing is off and costs nothing.
func (m *Main) startTracing(ctx context.Context) error {
	if m.tracer != nil || !tracingConfigured(os.Getenv) {
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
	limits := sdktrace.NewSpanLimits()
	limits.AttributeValueLengthLimit = 256 // error messages, paths: nothing longer is worth a trace
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res), sdktrace.WithRawSpanLimits(limits))
	m.tracer, m.tracerShutdown = tp, tp.Shutdown
	slog.Info("tracing to OTLP", "endpoint", firstSet(os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT")))
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
// client's text but bounded pieces: otelgqlgen records the whole query
// (cursors, ARNs and any string written as a literal) and every
// resolver's arguments, with no option to stop it; those attributes are
// dropped. What stays is bounded by the wrapper itself, whatever the
// provider's limits: the span name (the client's operation name) to
// maxSpanName bytes; string attributes, the status and recorded errors
// (error messages quote at most 200 bytes of what the client sent) to
// maxSpanText bytes.
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
	ctx, span := t.Tracer.Start(ctx, obs.Clip(name, maxSpanName), opts...)
	s := redactedSpan{span}
	return trace.ContextWithSpan(ctx, s), s
}

type redactedSpan struct{ trace.Span }

func (s redactedSpan) SetName(name string) { s.Span.SetName(obs.Clip(name, maxSpanName)) }

func (s redactedSpan) SetAttributes(kv ...attribute.KeyValue) {
	kept := make([]attribute.KeyValue, 0, len(kv))
	for _, a := range kv {
		if clientText(a) {
			continue
		}
		if a.Value.Type() == attribute.STRING {
			a.Value = attribute.StringValue(obs.Clip(a.Value.AsString(), maxSpanText))
		}
		kept = append(kept, a)
	}
	s.Span.SetAttributes(kept...)
}

func (s redactedSpan) SetStatus(code codes.Code, description string) {
	s.Span.SetStatus(code, obs.Clip(description, maxSpanText))
}

func (s redactedSpan) RecordError(err error, opts ...trace.EventOption) {
	if err != nil {
		err = errors.New(obs.Clip(err.Error(), maxSpanText))
	}
	s.Span.RecordError(err, opts...)
}

// clientText reports whether an otelgqlgen attribute holds the client's
// text: the query, the variables, a resolver's arguments.
func clientText(kv attribute.KeyValue) bool {
	k := string(kv.Key)
	return k == "gql.request.query" || strings.HasPrefix(k, "gql.request.variables") || strings.HasPrefix(k, "gql.resolver.args")
}
