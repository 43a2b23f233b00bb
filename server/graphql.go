package main

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/source"
	"github.com/execgraph/execgraph/resolvers"
)

// newGraphQL returns the GraphQL handler: POST and GET transports (JSON and
// application/graphql-response+json), a parsed-query cache, automatic
// persisted queries, introspection, the AWS-call cost limit, and the error
// presenter.
func newGraphQL(src *source.Source, maxCost int) *handler.Server {
	srv := handler.New(resolvers.NewSchema(&resolvers.Resolver{Source: src}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(extension.FixedComplexityLimit(maxCost, complexity.WithFixedScalarValue(0)))
	srv.SetErrorPresenter(presentError)
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		slog.Error("panic in resolver", "panic", p, "path", graphql.GetPath(ctx).String(), "stack", string(debug.Stack()))
		return apperr.New(apperr.Internal, "internal error")
	})
	return srv
}

// presentError gives every GraphQL error an extensions.code:
//   - apperr errors carry their own code, service, AWS request id and retryAfter;
//   - gqlgen's parse and validation errors keep the code gqlgen set;
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
		if ae.Code == apperr.Internal && ae.Err != nil {
			slog.Error("internal error", "path", gerr.Path.String(), "err", ae.Err)
		}
	case gerr.Extensions["code"] != nil:
	case isGQLError(err):
		if gerr.Extensions == nil {
			gerr.Extensions = map[string]any{}
		}
		gerr.Extensions["code"] = string(apperr.BadUserInput)
	default:
		slog.Error("internal error", "path", gerr.Path.String(), "err", err)
		gerr.Message = "internal error"
		gerr.Extensions = map[string]any{"code": string(apperr.Internal)}
	}
	return gerr
}

func isGQLError(err error) bool {
	var g *gqlerror.Error
	return errors.As(err, &g)
}
