package frontdoor

import (
	"github.com/99designs/gqlgen/graphql/introspection"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/execgraph/execgraph/internal/apperr"
)

// Price is what one evaluation of a field does.
type Price struct {
	// Calls is how many upstream (AWS) calls the field may make.
	Calls int
	// Items bounds the elements of a list the field returns; for a Relay
	// connection field, the elements of its edges and nodes lists (first).
	// Negative: no bound of its own (a list of one describe's data).
	Items int
}

// Pricing prices the schema's fields. A field it has no price for makes no
// upstream call.
type Pricing interface {
	Price(parent, field string, args map[string]any) Price
}

// Bill is what pricing a query learns.
type Bill struct {
	// Total is the query's price: upstream calls plus objects (see Cost).
	Total int
	// NestedCalls reports whether a field below the root fields may make
	// an upstream call (a detail, a nested listing). When none does, every
	// field below the root fields is computed from what its root field
	// fetched, so nothing below them waits, and the executor may marshal
	// their lists element after element (see lists.Sequential).
	NestedCalls bool
}

// Cost is a query's price: the upstream calls it may make plus the objects
// it may return (each object of the response counts 1, introspection's
// included; scalars count nothing). Lists of a connection count first
// times their element; other lists count one element (their length is
// bounded by one AWS answer, not by the client).
//
// It is computed in time linear in the document: the price of a fragment
// on a type is computed once and reused wherever the fragment is spread,
// and the computation stops as soon as the price passes limit.
// Introspection is priced at the exact number of objects its answer holds,
// counted on the schema itself.
func Cost(schema *ast.Schema, pricing Pricing, op *ast.OperationDefinition, doc *ast.QueryDocument, vars map[string]any, limit int) (Bill, *gqlerror.Error) {
	c := &coster{schema: schema, pricing: pricing, doc: doc, vars: vars, limit: limit, memo: map[memoKey]int{}}
	c.intro = &introCounter{c: c, schema: introspection.WrapSchema(schema)}
	root := schema.Query
	switch op.Operation {
	case ast.Mutation:
		root = schema.Mutation
	case ast.Subscription:
		root = schema.Subscription
	}
	if root == nil {
		return Bill{}, nil
	}
	c.root = root
	total := c.set(op.SelectionSet, root, -1)
	if c.over() { // stopped early: the running total is a lower bound
		total = max(total, c.spent)
	}
	bill := Bill{Total: total, NestedCalls: c.nestedCalls}
	if total > limit {
		return bill, limitError(apperr.ComplexityLimit,
			"the query may cost %s (AWS calls plus objects returned); the limit is %d: ask for fewer items (first) or fewer fields", count(total), limit)
	}
	return bill, nil
}

type memoKey struct {
	fragment, typ string
	bound         int
}

type coster struct {
	schema  *ast.Schema
	pricing Pricing
	doc     *ast.QueryDocument
	vars    map[string]any
	limit   int
	memo    map[memoKey]int
	intro   *introCounter
	spent   int // a running lower bound of the total, to stop early
	root    *ast.Definition
	// nestedCalls: a field of a type other than the root's may make an
	// upstream call.
	nestedCalls bool
}

func mul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > saturate/b {
		return saturate
	}
	return a * b
}

// over reports whether the query is already known to cost more than the
// limit; every loop checks it, so the walk stops at once.
func (c *coster) over() bool { return c.spent > c.limit }

// set prices a selection set on the concrete or abstract type typ. bound
// is the element count of the set's list fields, from the connection the
// set belongs to (-1: none).
func (c *coster) set(ss ast.SelectionSet, typ *ast.Definition, bound int) int {
	if typ.IsAbstractType() {
		most := 0
		for _, t := range c.schema.GetPossibleTypes(typ) {
			most = max(most, c.concrete(ss, t, bound))
			if c.over() {
				break
			}
		}
		return most
	}
	return c.concrete(ss, typ, bound)
}

// concrete prices a selection set on an object type.
func (c *coster) concrete(ss ast.SelectionSet, typ *ast.Definition, bound int) int {
	total := 0
	for _, sel := range ss {
		if c.over() {
			return total
		}
		switch sel := sel.(type) {
		case *ast.Field:
			total = add(total, c.field(sel, typ, bound))
		case *ast.InlineFragment:
			if c.applies(sel.TypeCondition, typ) {
				total = add(total, c.concrete(sel.SelectionSet, typ, bound))
			}
		case *ast.FragmentSpread:
			def := c.doc.Fragments.ForName(sel.Name)
			if def == nil || !c.applies(def.TypeCondition, typ) {
				continue
			}
			key := memoKey{sel.Name, typ.Name, bound}
			v, ok := c.memo[key]
			if !ok {
				v = c.concrete(def.SelectionSet, typ, bound)
				c.memo[key] = v
			}
			total = add(total, v)
		}
	}
	return total
}

// applies reports whether a fragment on condition applies to the object
// type typ ("" applies to all).
func (c *coster) applies(condition string, typ *ast.Definition) bool {
	if condition == "" || condition == typ.Name {
		return true
	}
	cond := c.schema.Types[condition]
	if cond == nil {
		return false
	}
	for _, t := range c.schema.GetPossibleTypes(cond) {
		if t.Name == typ.Name {
			return true
		}
	}
	return false
}

// field prices one field of the object type parent.
func (c *coster) field(f *ast.Field, parent *ast.Definition, bound int) int {
	switch f.Name {
	case "__typename":
		return 0
	case "__schema", "__type":
		return c.intro.root(f)
	}
	def := parent.Fields.ForName(f.Name)
	if def == nil {
		return 0 // validation refused it already
	}
	p := c.pricing.Price(parent.Name, f.Name, f.ArgumentMap(c.vars))
	cost := max(p.Calls, 0)
	c.spent = add(c.spent, cost)
	if cost > 0 && parent != c.root {
		c.nestedCalls = true
	}
	elem := c.schema.Types[def.Type.Name()]
	if elem == nil || (elem.Kind != ast.Object && elem.Kind != ast.Interface && elem.Kind != ast.Union) {
		return cost
	}
	n := 1
	if def.Type.Elem != nil { // a list
		switch {
		case p.Items >= 0:
			n = p.Items
		case bound >= 0:
			n = bound
		}
	}
	childBound := -1
	if def.Type.Elem == nil && p.Items >= 0 {
		childBound = p.Items // a connection: its lists hold Items
	}
	c.spent = add(c.spent, n)
	per := c.set(f.SelectionSet, elem, childBound)
	return add(cost, mul(n, add(1, per)))
}
