package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/ravilushqa/otelgqlgen"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/frontdoor"
	"github.com/execgraph/execgraph/internal/obs"
	"github.com/execgraph/execgraph/internal/relay"
	"github.com/execgraph/execgraph/internal/source"
	"github.com/execgraph/execgraph/internal/transport"
	"github.com/execgraph/execgraph/internal/upstream"
	"github.com/execgraph/execgraph/resolvers"
)

// newGraphQL returns the /graphql handler: the transport (POST and GET,
// persisted documents), the front door (limits, price, introspection, the
// parsed-query cache) and the executor with its error presenter.
func (m *Main) newGraphQL(src *source.Source, cursors *relay.Sealer, docs *frontdoor.Documents) (http.Handler, error) {
	c := m.Config
	schema := resolvers.NewSchema(&resolvers.Resolver{Source: src, Cursors: cursors})
	if err := source.CheckRegistry(schema.Schema(), resolvers.Resolved); err != nil {
		return nil, fmt.Errorf("the service registry does not describe the schema whole: %w", err)
	}
	gate := frontdoor.NewGate(schema, frontdoor.Config{
		Limits: frontdoor.Limits{Tokens: c.MaxTokens, Depth: c.MaxDepth, Aliases: c.MaxAliases, RootFields: c.MaxRootFields,
			Directives: c.MaxDirectives, Fields: c.MaxFields},
		MaxCost:       c.MaxQueryCost,
		Pricing:       resolvers.Pricing{},
		Introspection: c.Introspection,
		CacheBytes:    c.QueryCacheBytes,
	})
	gate.OnCost = upstream.SetBudget
	for id, text := range docs.Trusted() {
		if gerr := gate.Check(text); gerr != nil {
			return nil, fmt.Errorf("-trusted-documents: document %s does not run here: %s", apperr.Quote(id), gerr.Message)
		}
	}
	m.gate = gate
	exec := executor.New(schema)
	exec.SetQueryCache(gate.QueryCache())
	exec.SetParserTokenLimit(c.MaxTokens)
	exec.SetDisableSuggestion(!c.Introspection)
	exec.SetErrorPresenter(presentError)
	exec.SetRecoverFunc(func(ctx context.Context, p any) error {
		slog.Error("panic in resolver", "panic", p, "path", graphql.GetPath(ctx).String(), "stack", string(debug.Stack()))
		return apperr.New(apperr.Internal, "internal error")
	})
	exec.Use(gate)
	var h http.Handler = &transport.Handler{Exec: exec, Documents: docs, MaxBody: c.MaxBodyBytes}
	if m.tracer != nil {
		// A span per operation and per resolver that calls AWS (never the
		// query text, the variables or the arguments), under the HTTP
		// request's span.
		exec.Use(otelgqlgen.Middleware(otelgqlgen.WithTracerProvider(m.tracer), otelgqlgen.WithoutVariables(),
			otelgqlgen.WithCreateSpanFromFields(func(fc *graphql.FieldContext) bool { return fc.IsResolver })))
		h = otelhttp.NewHandler(withRequestID(h), "graphql", otelhttp.WithTracerProvider(m.tracer))
	}
	return h, nil
}

// withRequestID puts the request id on the request's span, which leads
// from a trace to the request's log line and its errors.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		trace.SpanFromContext(r.Context()).SetAttributes(attribute.String("execgraph.request_id", obs.From(r.Context()).ID))
		next.ServeHTTP(w, r)
	})
}

// presentError gives every GraphQL error an extensions.code:
//   - apperr errors carry their own code, service, AWS request id and retryAfter;
//   - gqlgen's parse and validation errors, and the front door's, keep their code;
//   - other gqlgen errors (argument values that do not coerce) are BAD_USER_INPUT;
//   - anything else is a bug: "internal error", logged.
func presentError(ctx context.Context, err error) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	var ae *apperr.Error
	switch {
	case errors.As(err, &ae):
		gerr.Message = ae.Message
		gerr.Extensions = map[string]any{"code": string(ae.Code)}
		if ae.Service != "" {
			gerr.Extensions["service"] = ae.Service
		}
		if ae.RequestID != "" {
			gerr.Extensions["awsRequestId"] = ae.RequestID
		}
		if ae.RetryAfter > 0 {
			gerr.Extensions["retryAfter"] = int(ae.RetryAfter.Seconds())
		}
		for k, v := range ae.Extra {
			gerr.Extensions[k] = v
		}
		if ae.Code == apperr.Internal {
			internalError(ctx, gerr, ae.Err)
		}
	case gerr.Extensions["code"] != nil:
	case isGQLError(err):
		if gerr.Extensions == nil {
			gerr.Extensions = map[string]any{}
		}
		gerr.Extensions["code"] = string(apperr.BadUserInput)
	default:
		gerr.Message = "internal error"
		gerr.Extensions = map[string]any{"code": string(apperr.Internal)}
		internalError(ctx, gerr, err)
	}
	if len(gerr.Message) > maxMessage {
		gerr.Message = obs.Clip(gerr.Message, maxMessage) + "…"
	}
	return gerr
}

// internalError logs a bug's cause with the request id, and gives the client
// that id (extensions.requestId) to quote, never the cause.
func internalError(ctx context.Context, gerr *gqlerror.Error, cause error) {
	id := obs.From(ctx).ID
	if cause != nil {
		// The cause may quote AWS, which quotes what the client asked for.
		slog.ErrorContext(ctx, "internal error", "requestId", id, "path", obs.Clip(gerr.Path.String(), 1000), "err", obs.Clip(cause.Error(), 1000))
	}
	if id != "" {
		gerr.Extensions["requestId"] = id
	}
}

// maxMessage bounds an error message: parse and validation errors quote the
// document's names, which a client can make as long as its body.
const maxMessage = 600

func isGQLError(err error) bool {
	var g *gqlerror.Error
	return errors.As(err, &g)
}
