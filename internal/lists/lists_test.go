package lists

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

type marshaller func(context.Context, int, int64, bool, func(context.Context, int) graphql.Marshaler) graphql.Array

// scenario is a list of length elements: those in panics panic, those in
// errs add an error and are written, the others are written as their
// index; with nested, each element is itself a list of two ("steps"),
// marshalled by the same marshaller, whose elements follow the same rules.
type scenario struct {
	length       int
	panics, errs []int
	nested       bool
}

// outcome is what a list marshaller gives its caller: the JSON of the
// list (null for a nil Array), the errors with their paths (sorted: their
// order depends on goroutines), and whether every element's context had
// its own index.
type outcome struct {
	json, errors string
	indexed      bool
}

// run marshals sc with marshal the way the generated code calls it: inside
// the list field's context, no worker limit, panics handled. It also
// returns how many elements of the outer list ran at once at most.
func run(sc scenario, sequential bool, marshal marshaller) (outcome, int32) {
	recoverQuietly := func(_ context.Context, err any) error { return fmt.Errorf("panic: %v", err) }
	oc := &graphql.OperationContext{RecoverFunc: recoverQuietly}
	SetSequential(oc, sequential)
	ctx := graphql.WithOperationContext(context.Background(), oc)
	ctx = graphql.WithResponseContext(ctx, graphql.DefaultErrorPresenter, recoverQuietly)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "nodes"}}})
	var active, most int32
	var misindexed atomic.Bool
	var list func(ctx context.Context, length int, inner bool) graphql.Array
	list = func(ctx context.Context, length int, inner bool) graphql.Array {
		return marshal(ctx, length, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
			if !inner { // an element of the outer list, counted while it runs
				now := atomic.AddInt32(&active, 1)
				defer atomic.AddInt32(&active, -1)
				for m := atomic.LoadInt32(&most); now > m && !atomic.CompareAndSwapInt32(&most, m, now); m = atomic.LoadInt32(&most) {
				}
			}
			time.Sleep(200 * time.Microsecond) // long enough for goroutines to overlap
			fc := graphql.GetFieldContext(ctx)
			fc.Result = i
			if *fc.Index != i {
				misindexed.Store(true)
			}
			switch {
			case slices.Contains(sc.panics, i):
				panic(fmt.Sprint("element ", i))
			case slices.Contains(sc.errs, i):
				graphql.AddErrorf(ctx, "element %d is wrong", i)
			}
			if sc.nested && !inner {
				steps := graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "steps"}}})
				return list(steps, 2, true)
			}
			return graphql.MarshalInt(i)
		})
	}
	ret := list(ctx, sc.length, false)
	var buf bytes.Buffer
	if ret == nil {
		buf.WriteString("null")
	} else {
		ret.MarshalGQL(&buf)
	}
	var errs []string
	for _, e := range graphql.GetErrors(ctx) {
		errs = append(errs, fmt.Sprintf("%s at %v", e.Message, e.Path))
	}
	slices.Sort(errs)
	return outcome{buf.String(), fmt.Sprint(errs), !misindexed.Load()}, most
}

// TestMarshalAsGqlgenDoes: sequential or not, Marshal gives what gqlgen's
// own concurrent marshaller gives (the oracle): the same list, the same
// errors at the same paths (several elements panicking, elements adding
// errors, lists within lists), an index of its own in each element's
// context. Sequential, no two elements ever run at once; otherwise they
// overlap in gqlgen's goroutines.
func TestMarshalAsGqlgenDoes(t *testing.T) {
	var cases []scenario
	for _, n := range []int{0, 1, 2, 7, 64} {
		cases = append(cases, scenario{length: n})
		if n > 0 {
			cases = append(cases,
				scenario{length: n, panics: []int{0}},
				scenario{length: n, panics: []int{n - 1, n / 2}},
				scenario{length: n, errs: []int{n / 2}},
				scenario{length: n, nested: true, errs: []int{1}},
				scenario{length: n, nested: true, panics: []int{1}})
		}
	}
	for _, sc := range cases {
		for _, sequential := range []bool{true, false} {
			name := fmt.Sprintf("%+v/sequential=%t", sc, sequential)
			want, _ := run(sc, sequential, graphql.MarshalSliceConcurrently)
			got, most := run(sc, sequential, Marshal)
			if got != want {
				t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
			}
			if !got.indexed {
				t.Errorf("%s: an element ran with another's index", name)
			}
			if sequential && most > 1 {
				t.Errorf("%s: %d elements ran at once", name, most)
			}
			if !sequential && sc.length >= 7 && most < 2 {
				t.Errorf("%s: the elements ran one at a time", name)
			}
		}
	}
}

// TestSequentialNeedsMarking: without an operation, or with one the front
// door did not mark, lists are marshalled concurrently (gqlgen's default).
func TestSequentialNeedsMarking(t *testing.T) {
	if Sequential(context.Background()) {
		t.Error("sequential without an operation")
	}
	if Sequential(graphql.WithOperationContext(context.Background(), &graphql.OperationContext{})) {
		t.Error("sequential for an operation nobody marked")
	}
	for _, want := range []bool{true, false} {
		oc := &graphql.OperationContext{}
		SetSequential(oc, want)
		if got := Sequential(graphql.WithOperationContext(context.Background(), oc)); got != want {
			t.Errorf("marked %t, read %t", want, got)
		}
	}
}
