// Package resolvers holds execgraph's thin GraphQL resolvers: they read the
// arguments, ask a source listing for a page and map it to the schema's
// connection types.
package resolvers

import (
	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/relay"
	"github.com/execgraph/execgraph/internal/source"
)

// Resolver is the root resolver.
type Resolver struct {
	Source *source.Source
}

// defaultFirst is the page size when the client gives none.
const defaultFirst = 20

func firstOr(first *int) int {
	if first == nil {
		return defaultFirst
	}
	return *first
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
