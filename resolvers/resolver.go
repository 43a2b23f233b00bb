// Package resolvers holds execgraph's thin GraphQL resolvers: they read the
// arguments, ask a service of the registry (source.Services) for a listing
// or a loader for a detail, and map the result to the schema's types.
package resolvers

import (
	"context"
	"reflect"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/graph-gophers/dataloader/v7"

	"github.com/execgraph/execgraph/graph"
	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/relay"
	"github.com/execgraph/execgraph/internal/source"
)

// Resolver is the root resolver.
type Resolver struct {
	Source  *source.Source
	Cursors *relay.Sealer // seals and opens every cursor
}

// NewSchema returns the executable schema. Its price is not gqlgen's
// complexity: the front door prices queries with Pricing.
func NewSchema(r *Resolver) graphql.ExecutableSchema {
	return graph.NewExecutableSchema(graph.Config{Resolvers: r})
}

// defaultFirst is the page size when the client gives none.
const defaultFirst = 20

// firstOr is the page size asked for, or the default.
func firstOr(first *int) int {
	if first == nil {
		return defaultFirst
	}
	return *first
}

// listing is the connection page of a service's listing of one resource,
// as the schema's connection type C (such as *model.StepFunctionsMapRunConnection).
// Its upstream pages are shared within the request.
func listing[C any](ctx context.Context, r *Resolver, svc *source.Service, res source.Resource, first *int, after *string) (*C, error) {
	ls, err := svc.List(r.Source, res)
	if err == nil && len(ls) != 1 { // a typed listing asks one status at most
		err = apperr.New(apperr.Internal, "internal error")
	}
	if err != nil {
		return nil, err
	}
	c, err := source.Shared(ctx, ls[0]).Connection(ctx, r.Cursors, firstOr(first), after)
	if err != nil {
		return nil, err
	}
	source.Prefetch(ctx, r.Source, ls[0], c, after, firstOr(first))
	return connectionOf[C](c), nil
}

// connectionOf fills a schema connection type C (edges, nodes and
// pageInfo, gqlgen's generated struct) from a connection page.
func connectionOf[C, T any](c relay.Connection[T]) *C {
	out := new(C)
	v := reflect.ValueOf(out).Elem()
	edges, nodes := v.FieldByName("Edges"), v.FieldByName("Nodes")
	edgeType := edges.Type().Elem().Elem() // []*XEdge
	edges.Set(reflect.MakeSlice(edges.Type(), len(c.Edges), len(c.Edges)))
	nodes.Set(reflect.MakeSlice(nodes.Type(), len(c.Edges), len(c.Edges)))
	for i, e := range c.Edges {
		node := reflect.ValueOf(e.Node)
		edge := reflect.New(edgeType)
		edge.Elem().FieldByName("Cursor").SetString(e.Cursor)
		edge.Elem().FieldByName("Node").Set(node)
		edges.Index(i).Set(edge)
		nodes.Index(i).Set(node)
	}
	v.FieldByName("PageInfo").Set(reflect.ValueOf(&model.PageInfo{
		HasNextPage: c.PageInfo.HasNextPage,
		StartCursor: c.PageInfo.StartCursor,
		EndCursor:   c.PageInfo.EndCursor,
	}))
	return out
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

// Resolved reports whether gqlgen's generated code asks a resolver for a
// field of a type (the methods of its generated resolver interfaces): the
// registry check prices every such field.
func Resolved(typ, field string) bool {
	root := reflect.TypeFor[graph.ResolverRoot]()
	m, ok := root.MethodByName(typ)
	if !ok {
		return false
	}
	iface := m.Type.Out(0)
	for i := range iface.NumMethod() {
		if strings.EqualFold(iface.Method(i).Name, field) {
			return true
		}
	}
	return false
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// enumNames are the names of enum values.
func enumNames[E ~string](values []E) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}
