package source

import (
	"context"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/relay"
)

// upstreamCall fetches one page of a list operation: the items of the page
// at token (nil for the first) of at most size items, and the next token.
type upstreamCall[T any] func(ctx context.Context, token *string, size int32) (items []T, next *string, err error)

// listOp is one list operation of a service over one resource.
type listOp[T any] struct {
	svc         *Service
	op          string // "ListMapRuns"
	resource    string // for error messages: "execution arn:..."
	fingerprint string // relay.Fingerprint of the service, region, resource and filters
	maxPage     int
	key         func(T) string // identifies an item in the listing
}

// listing is the relay listing of a list operation: each page is one
// upstream call, its error translated once (a refused token is
// INVALID_CURSOR).
func (o listOp[T]) listing(call upstreamCall[T]) relay.Listing[T] {
	return relay.Listing[T]{
		Fingerprint: o.fingerprint,
		MaxPage:     o.maxPage,
		Key:         o.key,
		Fetch: func(ctx context.Context, tok string, size int) (relay.UpstreamPage[T], error) {
			items, next, err := call(ctx, token(tok), int32(size))
			if err != nil {
				return relay.UpstreamPage[T]{}, callOf(o.svc, o.op, o.resource, tok != "").translate(err)
			}
			return relay.UpstreamPage[T]{Items: items, Next: deref(next)}, nil
		},
	}
}

// executions is the listing as one of executions, for merges.
func executions[T model.Execution](l relay.Listing[T]) relay.Listing[model.Execution] {
	out := relay.Listing[model.Execution]{Fingerprint: l.Fingerprint, MaxPage: l.MaxPage,
		Fetch: func(ctx context.Context, token string, size int) (relay.UpstreamPage[model.Execution], error) {
			p, err := l.Fetch(ctx, token, size)
			out := relay.UpstreamPage[model.Execution]{Next: p.Next, Items: make([]model.Execution, len(p.Items))}
			for i, it := range p.Items {
				out.Items[i] = it
			}
			return out, err
		}}
	if l.Key != nil {
		out.Key = func(e model.Execution) string { return l.Key(e.(T)) }
	}
	return out
}

// mapItems maps the items of an SDK page.
func mapItems[S, T any](in []S, f func(S) T) []T {
	out := make([]T, len(in))
	for i, it := range in {
		out[i] = f(it)
	}
	return out
}

// one is a single listing as the result of a Service's List.
func one[T model.Execution](l relay.Listing[T]) []relay.Listing[model.Execution] {
	return []relay.Listing[model.Execution]{executions(l)}
}
