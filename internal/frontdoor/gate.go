// Package frontdoor bounds the work of a GraphQL request before any of it
// starts: the query's shape (tokens, depth, aliases, root fields,
// directives, fields), its price in AWS calls and objects, introspection,
// and which documents may run at all (trusted documents, APQ). Every check
// is linear in the request, and a document enters the parsed-query cache
// only once it passed them all.
package frontdoor

import (
	"context"
	"runtime"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/lists"
)

// Gate is a gqlgen extension that checks each request before it runs.
// The executor must use its QueryCache, and requests must reach the
// executor through WithStash (the transport does that).
type Gate struct {
	limits        Limits
	maxCost       int
	pricing       Pricing
	introspection bool
	schema        graphql.ExecutableSchema
	cache         *Cache[*ast.QueryDocument]
	newRules      func() *rules.Rules
	validating    chan struct{} // a slot per core
	// OnCost, when set, learns each admitted operation's price (the
	// request's upstream budget).
	OnCost func(ctx context.Context, cost int)
}

// Config configures a Gate.
type Config struct {
	Limits        Limits
	MaxCost       int
	Pricing       Pricing
	Introspection bool  // false: introspection is refused, and validation errors suggest no field names
	CacheBytes    int64 // bytes of parsed documents kept
}

// The memory of a parsed document, estimated: 24 bytes a byte of its text
// (measured: 12 to 24 on this schema's queries), and 200 more for each
// argument value, which the parser makes an object of however short its
// text (measured: about 220 bytes each in [1 1 1 ...]).
const (
	docBytesPerByte  = 24
	docBytesPerValue = 256
)

// docSize is the estimated memory of a parsed document.
func docSize(query string, doc *ast.QueryDocument) int64 {
	values := 0
	var count func(v *ast.Value)
	count = func(v *ast.Value) {
		values++
		for _, c := range v.Children {
			count(c.Value)
		}
	}
	var walk func(ss ast.SelectionSet)
	walk = func(ss ast.SelectionSet) {
		for _, sel := range ss {
			switch sel := sel.(type) {
			case *ast.Field:
				for _, a := range sel.Arguments {
					count(a.Value)
				}
				walk(sel.SelectionSet)
			case *ast.InlineFragment:
				walk(sel.SelectionSet)
			}
		}
	}
	for _, op := range doc.Operations {
		walk(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		walk(f.SelectionSet)
	}
	return int64(len(query))*docBytesPerByte + int64(values)*docBytesPerValue
}

// NewGate returns the gate of schema.
func NewGate(schema graphql.ExecutableSchema, c Config) *Gate {
	g := &Gate{limits: c.Limits, maxCost: c.MaxCost, pricing: c.Pricing, introspection: c.Introspection, schema: schema,
		cache:      NewCache[*ast.QueryDocument](1000, c.CacheBytes, docSize),
		validating: make(chan struct{}, runtime.GOMAXPROCS(0))}
	g.newRules = func() *rules.Rules {
		// The executor's rules, with or without suggestions as it has them.
		r := rules.NewDefaultRules()
		if !c.Introspection {
			r.RemoveRule("FieldsOnCorrectType")
			r.AddRule(rules.FieldsOnCorrectTypeRuleWithoutSuggestions.Name, rules.FieldsOnCorrectTypeRuleWithoutSuggestions.RuleFunc)
			r.RemoveRule("ScalarLeafs")
			r.AddRule(rules.ScalarLeafsRuleWithoutSuggestions.Name, rules.ScalarLeafsRuleWithoutSuggestions.RuleFunc)
		}
		return r
	}
	return g
}

// QueryCache is the executor's parsed-query cache: the documents that
// passed the gate, bounded in entries and bytes, plus the document the gate
// just admitted for this request (too large to keep, it is still parsed
// only once).
func (g *Gate) QueryCache() graphql.Cache[*ast.QueryDocument] { return stashCache{g.cache} }

// Cache is the shared part of QueryCache (for tests and metrics).
func (g *Gate) Cache() *Cache[*ast.QueryDocument] { return g.cache }

var (
	_ graphql.HandlerExtension          = (*Gate)(nil)
	_ graphql.OperationParameterMutator = (*Gate)(nil)
	_ graphql.OperationContextMutator   = (*Gate)(nil)
)

func (g *Gate) ExtensionName() string { return "execgraph front door" }

func (g *Gate) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters parses, checks the limits and validates the
// query, once: a cached document passed all three before.
func (g *Gate) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	return g.admit(ctx, p.Query)
}

// Check parses, checks the limits and validates a document (the trusted
// documents, at start-up).
func (g *Gate) Check(query string) *gqlerror.Error {
	return g.admit(context.Background(), query)
}

func (g *Gate) admit(ctx context.Context, query string) *gqlerror.Error {
	if doc, ok := g.cache.Get(ctx, query); ok {
		stashDoc(ctx, query, doc)
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, g.limits.Tokens)
	if err != nil {
		gerr, ok := err.(*gqlerror.Error)
		if !ok {
			gerr = gqlerror.Wrap(err)
		}
		if strings.HasPrefix(gerr.Message, "exceeded token limit") {
			return limitError(apperr.TokenLimit, "the query has more than %d tokens; the limit is %d", g.limits.Tokens, g.limits.Tokens)
		}
		errcode.Set(gerr, errcode.ParseFailed)
		return gerr
	}
	if len(doc.Operations) == 0 {
		gerr := gqlerror.Errorf("no operation provided")
		errcode.Set(gerr, errcode.ValidationFailed)
		return gerr
	}
	if gerr := g.limits.Check(doc); gerr != nil {
		return gerr
	}
	// Validation is CPU work for anyone who reaches the endpoint: at most
	// one per core at a time, so that requests that pass the limits still
	// cannot take every core.
	select {
	case g.validating <- struct{}{}:
	case <-ctx.Done():
		return limitError(apperr.RequestTimeout, "the query was not validated before the request's deadline")
	}
	errs := validator.ValidateWithRules(g.schema.Schema(), doc, g.newRules())
	<-g.validating
	if len(errs) > 0 {
		for _, e := range errs {
			errcode.Set(e, errcode.ValidationFailed)
			if !g.introspection { // validation suggests arguments, fields and values by name
				if i := strings.Index(e.Message, " Did you mean"); i >= 0 {
					e.Message = e.Message[:i]
				}
			}
		}
		return errs[0] // gqlgen's mutators return one error; the first names the problem
	}
	stashDoc(ctx, query, doc)
	g.cache.Add(ctx, query, doc)
	return nil
}

// MutateOperationContext refuses introspection when it is off, prices the
// operation with its variables, and refuses it over the limit.
func (g *Gate) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	rc.DisableIntrospection = !g.introspection
	if !g.introspection && usesIntrospection(rc.Doc, rc.Operation.SelectionSet, map[string]bool{}) {
		return limitError(apperr.IntrospectionOff, "introspection is turned off on this gateway (-introspection=false)")
	}
	bill, gerr := Cost(g.schema.Schema(), g.pricing, rc.Operation, rc.Doc, rc.Variables, g.maxCost)
	if gerr != nil {
		return gerr
	}
	lists.SetSequential(rc, !bill.NestedCalls)
	if g.OnCost != nil {
		g.OnCost(ctx, bill.Total)
	}
	return nil
}

// usesIntrospection reports whether a selection set asks for __schema or
// __type, each fragment looked at once.
func usesIntrospection(doc *ast.QueryDocument, ss ast.SelectionSet, seen map[string]bool) bool {
	for _, sel := range ss {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Name == "__schema" || sel.Name == "__type" || usesIntrospection(doc, sel.SelectionSet, seen) {
				return true
			}
		case *ast.InlineFragment:
			if usesIntrospection(doc, sel.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if seen[sel.Name] {
				continue
			}
			seen[sel.Name] = true
			if def := doc.Fragments.ForName(sel.Name); def != nil && usesIntrospection(doc, def.SelectionSet, seen) {
				return true
			}
		}
	}
	return false
}

// stash carries the document the gate admitted to the executor's cache
// lookup within one request.
type stash struct {
	query string
	doc   *ast.QueryDocument
}

type stashKey struct{}

// WithStash prepares ctx for one request through the gate.
func WithStash(ctx context.Context) context.Context {
	return context.WithValue(ctx, stashKey{}, &stash{})
}

// stashDoc hands doc to the executor's cache lookup of this request, so
// that the executor never parses or validates on its own (a document
// evicted from the cache meanwhile included).
func stashDoc(ctx context.Context, query string, doc *ast.QueryDocument) {
	if s := stashOf(ctx); s != nil {
		s.query, s.doc = query, doc
	}
}

func stashOf(ctx context.Context) *stash {
	s, _ := ctx.Value(stashKey{}).(*stash)
	return s
}

// stashCache answers the executor from the request's stash first.
type stashCache struct{ *Cache[*ast.QueryDocument] }

func (c stashCache) Get(ctx context.Context, query string) (*ast.QueryDocument, bool) {
	if s := stashOf(ctx); s != nil && s.doc != nil && s.query == query {
		return s.doc, true
	}
	return c.Cache.Get(ctx, query)
}

// Add is a no-op: only the gate adds, after its checks (the executor adds
// only what it got from Get).
func (c stashCache) Add(context.Context, string, *ast.QueryDocument) {}
