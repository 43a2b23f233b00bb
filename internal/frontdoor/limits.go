package frontdoor

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/execgraph/execgraph/internal/apperr"
)

// Limits bound the shape of a query document. Each is checked on the parsed
// document before validation, in time linear in the document: a fragment is
// measured once and its measure reused wherever it is spread, so fragments
// that spread each other many times over cost nothing to refuse.
type Limits struct {
	Tokens     int // lexical tokens in the document (checked while parsing)
	Depth      int // deepest field nesting of an operation
	Aliases    int // aliases in an operation, fragments expanded
	RootFields int // root fields of an operation, fragments expanded
	Directives int // directives on one field, fragment spread or inline fragment
	Fields     int // fields in the document's operations, fragments expanded
}

// maxRepeats is how often one response key may appear among the fields of
// one selection set as written. Validation compares the fields of a key
// pairwise (OverlappingFieldsCanBeMerged), so a key repeated n times costs
// n² comparisons: 2,000 repeats of __typename take over a second to
// validate. Tools never write a field more than a few times; a fragment
// that needs it again spreads it.
const maxRepeats = 3

// saturate bounds counts, which double with each level of a fragment that
// spreads another twice, far below overflow.
const saturate = 1 << 40

func add(a, b int) int { return min(a+b, saturate) }

// shape is the measure of a selection set with every fragment expanded.
type shape struct {
	depth, aliases, rootFields, fields int
}

// measurer measures selection sets, each fragment once.
type measurer struct {
	doc        *ast.QueryDocument
	directives int
	memo       map[string]shape
	inProgress map[string]bool
	err        error
}

// Check measures every operation of doc and returns the first limit it
// passes, as a GraphQL error whose extensions.code names the limit. A
// fragment that spreads itself is refused here, as validation would.
func (l Limits) Check(doc *ast.QueryDocument) *gqlerror.Error {
	m := &measurer{doc: doc, directives: l.Directives, memo: map[string]shape{}, inProgress: map[string]bool{}}
	total := 0
	for _, op := range doc.Operations {
		if m.tooManyDirectives(op.Directives) {
			break
		}
		s := m.set(op.SelectionSet)
		if m.err != nil {
			break
		}
		total = add(total, s.fields)
		switch {
		case s.depth > l.Depth:
			return limitError(apperr.DepthLimit, "the query nests fields %d deep; the limit is %d", s.depth, l.Depth)
		case s.aliases > l.Aliases:
			return limitError(apperr.AliasLimit, "the operation has %s aliases (fragments expanded); the limit is %d", count(s.aliases), l.Aliases)
		case s.rootFields > l.RootFields:
			return limitError(apperr.RootFieldLimit, "the operation has %s root fields (fragments expanded); the limit is %d", count(s.rootFields), l.RootFields)
		case total > l.Fields:
			return limitError(apperr.FieldLimit, "the document has %s fields (fragments expanded); the limit is %d", count(total), l.Fields)
		}
	}
	if m.err != nil {
		return m.err.(*gqlerror.Error)
	}
	// A fragment no operation spreads would be refused by validation, but
	// only after validating it: refuse it first, whatever it holds.
	for _, f := range doc.Fragments {
		if _, measured := m.memo[f.Name]; !measured {
			return &gqlerror.Error{Message: fmt.Sprintf("Fragment %q is never used.", f.Name), Extensions: map[string]any{"code": "GRAPHQL_VALIDATION_FAILED"}}
		}
	}
	return nil
}

// count writes a saturated count as "more than 10^12".
func count(n int) string {
	if n >= saturate {
		return "more than 10^12"
	}
	return fmt.Sprint(n)
}

func limitError(code apperr.Code, format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": string(code)}}
}

// checkRepeats refuses a selection set that writes one response key more
// than maxRepeats times for one type, its inline fragments' fields included
// (validation collects them together). The same key under inline fragments
// on different types (an alias per concrete type of an interface) is
// counted per type: there are only so many types.
func (m *measurer) checkRepeats(ss ast.SelectionSet) {
	if m.err != nil {
		return
	}
	type typedKey struct{ typ, key string }
	seen := map[typedKey]int{}
	var walk func(ss ast.SelectionSet, typ string) bool
	walk = func(ss ast.SelectionSet, typ string) bool {
		for _, sel := range ss {
			switch sel := sel.(type) {
			case *ast.Field:
				key := sel.Alias
				if key == "" {
					key = sel.Name
				}
				k := typedKey{typ, key}
				if seen[k]++; seen[k] > maxRepeats {
					m.err = limitError(apperr.FieldLimit, "the field %s is written more than %d times in one selection set", apperr.Quote(key), maxRepeats)
					return false
				}
			case *ast.InlineFragment:
				inner := typ
				if sel.TypeCondition != "" {
					inner = sel.TypeCondition
				}
				if !walk(sel.SelectionSet, inner) {
					return false
				}
			}
		}
		return true
	}
	walk(ss, "")
}

func (m *measurer) tooManyDirectives(d ast.DirectiveList) bool {
	if len(d) > m.directives && m.err == nil {
		m.err = limitError(apperr.DirectiveLimit, "%d directives on one selection; the limit is %d", len(d), m.directives)
	}
	return m.err != nil
}

// set measures a selection set. Depth counts the fields of the set as level
// 1, and an inline fragment as a level too (validation collects the fields
// of nested inline fragments again at every level).
func (m *measurer) set(ss ast.SelectionSet) shape {
	var out shape
	m.checkRepeats(ss)
	for _, sel := range ss {
		if m.err != nil {
			return out
		}
		var s shape
		switch sel := sel.(type) {
		case *ast.Field:
			if m.tooManyDirectives(sel.Directives) {
				return out
			}
			child := m.set(sel.SelectionSet)
			s = shape{depth: child.depth + 1, aliases: child.aliases, rootFields: 1, fields: add(child.fields, 1)}
			if sel.Alias != "" && sel.Alias != sel.Name {
				s.aliases = add(s.aliases, 1)
			}
		case *ast.InlineFragment:
			if m.tooManyDirectives(sel.Directives) {
				return out
			}
			s = m.set(sel.SelectionSet)
			s.depth++
		case *ast.FragmentSpread:
			if m.tooManyDirectives(sel.Directives) {
				return out
			}
			s = m.fragment(sel.Name)
		}
		out.depth = max(out.depth, s.depth)
		out.aliases = add(out.aliases, s.aliases)
		out.rootFields = add(out.rootFields, s.rootFields)
		out.fields = add(out.fields, s.fields)
	}
	return out
}

// fragment measures a named fragment once; an unknown fragment measures
// nothing (validation refuses it).
func (m *measurer) fragment(name string) shape {
	if s, ok := m.memo[name]; ok {
		return s
	}
	def := m.doc.Fragments.ForName(name)
	if def == nil {
		return shape{}
	}
	if m.inProgress[name] {
		m.err = &gqlerror.Error{Message: fmt.Sprintf("Cannot spread fragment %q within itself.", name),
			Extensions: map[string]any{"code": "GRAPHQL_VALIDATION_FAILED"}}
		return shape{}
	}
	m.inProgress[name] = true
	if !m.tooManyDirectives(def.Directives) {
		m.memo[name] = m.set(def.SelectionSet)
	}
	delete(m.inProgress, name)
	return m.memo[name]
}
