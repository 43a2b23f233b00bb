// Package lists marshals the lists of the executable schema. gqlgen
// marshals every element of a list of objects in a goroutine of its own,
// so that elements whose fields wait (on a loader, on AWS) wait together.
// When the front door priced the operation with no upstream call below its
// root fields, no field of any element waits, and those goroutines only
// cost: each is created, scheduled, and grows its stack past the frame of
// a generated object marshaller. Marshal then marshals the elements one
// after the other on the caller's goroutine.
//
// The generator (scripts/gengraph) makes graph/generated.go call Marshal
// where gqlgen's template calls graphql.MarshalSliceConcurrently; nothing
// else differs from gqlgen's output.
package lists

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/execgraph/execgraph/internal/frontdoor"
)

// Marshal has graphql.MarshalSliceConcurrently's contract: marshalElement
// is called once per index with a context whose FieldContext has that
// Index; a panic in it (unless omitPanicHandler) adds an error at the
// element's path and makes the result nil. It runs the elements in order
// on the caller's goroutine when frontdoor.Sequential(ctx), and through
// gqlgen's concurrent marshaller otherwise.
func Marshal(ctx context.Context, length int, workerLimit int64, omitPanicHandler bool,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler,
) graphql.Array {
	if length < 2 || !frontdoor.Sequential(ctx) {
		return graphql.MarshalSliceConcurrently(ctx, length, workerLimit, omitPanicHandler, marshalElement)
	}
	ret := make(graphql.Array, length)
	failed := false
	for i := range length {
		childCtx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		if omitPanicHandler {
			ret[i] = marshalElement(childCtx, i)
			continue
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					graphql.AddError(childCtx, graphql.Recover(childCtx, r))
					failed = true
				}
			}()
			ret[i] = marshalElement(childCtx, i)
		}()
	}
	if failed {
		return nil
	}
	return ret
}
