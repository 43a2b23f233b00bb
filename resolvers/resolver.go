// Package resolvers holds execgraph's thin GraphQL resolvers: they read the
// arguments, ask a source listing for a page and map it to the schema's
// connection types.
package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/graph-gophers/dataloader/v7"

	"github.com/execgraph/execgraph/graph"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/loader"
	"github.com/execgraph/execgraph/internal/relay"
	"github.com/execgraph/execgraph/internal/source"
)

// Resolver is the root resolver.
type Resolver struct {
	Source  *source.Source
	Cursors *relay.Sealer // seals and opens every cursor
}

// defaultFirst is the page size when the client gives none.
const defaultFirst = 20

// page returns one Relay page of a listing, its upstream pages shared
// within the request (see loader.Shared).
// page is the page of a listing the source built, or the source's refusal
// of its arguments (lerr).
func page[T any](ctx context.Context, s *relay.Sealer, l relay.Listing[T], lerr error, first *int, after *string) (relay.Connection[T], error) {
	if lerr != nil {
		return relay.Connection[T]{}, lerr
	}
	return loader.Shared(ctx, l).Page(ctx, s, firstOr(first), after)
}

// firstOr is the page size asked for, or the default.
func firstOr(first *int) int {
	if first == nil {
		return defaultFirst
	}
	return *first
}

// detail waits for an item's details and picks one field of them. An error
// nulls only the field that asked, with the error at its path.
func detail[D, F any](thunk dataloader.Thunk[D], pick func(D) F) (F, error) {
	d, err := thunk()
	if err != nil {
		var zero F
		return zero, err
	}
	return pick(d), nil
}

// jobExecutionKey names an IoT job execution for DescribeJobExecution.
func jobExecutionKey(e *model.IoTJobExecution) source.JobExecutionKey {
	k := source.JobExecutionKey{Region: e.Region, JobID: e.JobID, ThingName: e.ThingName}
	if s := e.JobExecutionSummary; s != nil && s.ExecutionNumber != nil {
		k.ExecutionNumber = int64(*s.ExecutionNumber)
	}
	return k
}

// connection maps a relay page to a schema connection's parts.
func connection[T, E any](c relay.Connection[T], edge func(cursor string, node T) E) (edges []E, nodes []T, info *model.PageInfo) {
	edges, nodes = make([]E, 0, len(c.Edges)), make([]T, 0, len(c.Edges))
	for _, e := range c.Edges {
		edges = append(edges, edge(e.Cursor, e.Node))
		nodes = append(nodes, e.Node)
	}
	return edges, nodes, &model.PageInfo{
		HasNextPage: c.PageInfo.HasNextPage,
		StartCursor: c.PageInfo.StartCursor,
		EndCursor:   c.PageInfo.EndCursor,
	}
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// NewSchema returns the executable schema. Its price is not gqlgen's
// complexity: the front door prices queries with Pricing.
func NewSchema(r *Resolver) graphql.ExecutableSchema {
	return graph.NewExecutableSchema(graph.Config{Resolvers: r})
}
