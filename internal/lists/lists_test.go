package lists

import (
	"bytes"
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/execgraph/execgraph/internal/frontdoor"
)

// outcome is what a list marshaller gives its caller: the JSON of the
// list (null for a nil Array), the errors with their paths, and the index
// each element's context carried.
type outcome struct {
	json    string
	errors  string
	indexes map[int]int
}

// run marshals a list of length elements, each written as its index, the
// element at panicAt (if any) panicking, the way the generated code calls
// the marshaller: inside the list field's context.
func run(sequential bool, length, panicAt int,
	marshal func(context.Context, int, int64, bool, func(context.Context, int) graphql.Marshaler) graphql.Array,
) (outcome, int32) {
	oc := &graphql.OperationContext{RecoverFunc: func(_ context.Context, err any) error { return fmt.Errorf("panic: %v", err) }}
	frontdoor.SetSequential(oc, sequential)
	ctx := graphql.WithOperationContext(context.Background(), oc)
	ctx = graphql.WithResponseContext(ctx, graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "nodes"}}})
	var active, most int32
	indexes := make([]int, length)
	ret := marshal(ctx, length, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		now := atomic.AddInt32(&active, 1)
		defer atomic.AddInt32(&active, -1)
		for m := atomic.LoadInt32(&most); now > m && !atomic.CompareAndSwapInt32(&most, m, now); m = atomic.LoadInt32(&most) {
		}
		time.Sleep(200 * time.Microsecond) // long enough for goroutines to overlap
		fc := graphql.GetFieldContext(ctx)
		fc.Result = i
		indexes[i] = *fc.Index
		if i == panicAt {
			panic("element " + fmt.Sprint(i))
		}
		return graphql.MarshalInt(i)
	})
	var buf bytes.Buffer
	if ret == nil {
		buf.WriteString("null")
	} else {
		ret.MarshalGQL(&buf)
	}
	var errs bytes.Buffer
	for _, e := range graphql.GetErrors(ctx) {
		fmt.Fprintf(&errs, "%s at %v; ", e.Message, e.Path)
	}
	seen := map[int]int{}
	for i, idx := range indexes {
		seen[i] = idx
	}
	return outcome{buf.String(), errs.String(), seen}, most
}

// TestMarshalAsGqlgenDoes: sequential or not, Marshal gives what gqlgen's
// own concurrent marshaller gives (the oracle): the same list, the same
// errors at the same paths when an element panics, the same index in each
// element's context. Sequential, no two elements ever run at once;
// otherwise they overlap in gqlgen's goroutines.
func TestMarshalAsGqlgenDoes(t *testing.T) {
	for _, length := range []int{0, 1, 2, 7, 64} {
		for _, panicAt := range []int{-1, 0, length - 1, length / 2} {
			if length == 0 && panicAt >= 0 {
				continue
			}
			for _, sequential := range []bool{true, false} {
				name := fmt.Sprintf("len=%d/panic=%d/sequential=%t", length, panicAt, sequential)
				want, _ := run(sequential, length, panicAt, graphql.MarshalSliceConcurrently)
				got, most := run(sequential, length, panicAt, Marshal)
				if got.json != want.json || got.errors != want.errors || fmt.Sprint(got.indexes) != fmt.Sprint(want.indexes) {
					t.Errorf("%s: got %+v, want %+v", name, got, want)
				}
				for i, idx := range got.indexes {
					if i != idx {
						t.Errorf("%s: element %d ran with index %d", name, i, idx)
					}
				}
				if sequential && most > 1 {
					t.Errorf("%s: %d elements ran at once", name, most)
				}
				if !sequential && length >= 7 && most < 2 {
					t.Errorf("%s: the elements ran one at a time", name)
				}
			}
		}
	}
}

// TestSequentialNeedsTheGate: without an operation, or with one the gate
// did not mark, lists are marshalled concurrently (gqlgen's default).
func TestSequentialNeedsTheGate(t *testing.T) {
	if frontdoor.Sequential(context.Background()) {
		t.Error("sequential without an operation")
	}
	ctx := graphql.WithOperationContext(context.Background(), &graphql.OperationContext{})
	if frontdoor.Sequential(ctx) {
		t.Error("sequential for an operation the gate did not mark")
	}
	oc := &graphql.OperationContext{}
	frontdoor.SetSequential(oc, true)
	if !frontdoor.Sequential(graphql.WithOperationContext(context.Background(), oc)) {
		t.Error("not sequential for an operation marked so")
	}
}
