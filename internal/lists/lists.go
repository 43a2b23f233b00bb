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
)

// sequentialKey names the operation's Stats extension SetSequential sets.
const sequentialKey = "execgraph.sequential"

// SetSequential records in the operation's stats whether nothing below its
// root fields waits on a loader or on AWS. The front door sets it from the
// operation's price, before the operation runs.
func SetSequential(rc *graphql.OperationContext, sequential bool) {
	rc.Stats.SetExtension(sequentialKey, sequential)
}

// Sequential reports whether ctx's operation was marked so by
// SetSequential.
func Sequential(ctx context.Context) bool {
	if !graphql.HasOperationContext(ctx) {
		return false
	}
	v, _ := graphql.GetOperationContext(ctx).Stats.GetExtension(sequentialKey).(bool)
	return v
}

// Marshal has graphql.MarshalSliceConcurrently's contract, as the
// generated code calls it (no worker limit, panics handled):
// marshalElement is called once per index with a context whose
// FieldContext has that Index, and a panic in it adds an error at the
// element's path and makes the result nil. When Sequential(ctx), it calls
// marshalElement for each index in order on the caller's goroutine;
// otherwise, or with a worker limit or without the panic handler, it is
// gqlgen's function.
func Marshal(ctx context.Context, length int, workerLimit int64, omitPanicHandler bool,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler,
) graphql.Array {
	if length < 2 || workerLimit > 0 || omitPanicHandler || !Sequential(ctx) {
		return graphql.MarshalSliceConcurrently(ctx, length, workerLimit, omitPanicHandler, marshalElement)
	}
	ret := make(graphql.Array, length)
	failed := false
	for i := range length {
		childCtx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
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
