package frontdoor

import (
	"github.com/99designs/gqlgen/graphql/introspection"
	"github.com/vektah/gqlparser/v2/ast"
)

// introCounter counts the objects an introspection field answers with, on
// the schema itself (gqlgen's introspection model, the one that answers),
// stopping as soon as the query's price passes the limit. Each object is
// added to the coster's running total once, when it is counted.
type introCounter struct {
	c      *coster
	schema *introspection.Schema
}

// root counts __schema or __type.
func (ic *introCounter) root(f *ast.Field) int {
	if f.Name == "__schema" {
		return ic.schemaObj(f.SelectionSet)
	}
	name, _ := f.ArgumentMap(ic.c.vars)["name"].(string)
	def := ic.c.schema.Types[name]
	if def == nil {
		return 0
	}
	return ic.typ(f.SelectionSet, introspection.WrapTypeFromDef(ic.c.schema, def))
}

// object counts one object of the answer.
func (ic *introCounter) object() int {
	ic.c.spent = add(ic.c.spent, 1)
	return 1
}

// each calls visit for the fields of ss that apply to the introspection
// type named typ, fragments expanded (introspection types are objects).
func (ic *introCounter) each(ss ast.SelectionSet, typ string, visit func(*ast.Field) int) int {
	total := 0
	for _, sel := range ss {
		if ic.c.over() {
			return total
		}
		switch sel := sel.(type) {
		case *ast.Field:
			total = add(total, visit(sel))
		case *ast.InlineFragment:
			if sel.TypeCondition == "" || sel.TypeCondition == typ {
				total = add(total, ic.each(sel.SelectionSet, typ, visit))
			}
		case *ast.FragmentSpread:
			if def := ic.c.doc.Fragments.ForName(sel.Name); def != nil && def.TypeCondition == typ {
				total = add(total, ic.each(def.SelectionSet, typ, visit))
			}
		}
	}
	return total
}

func (ic *introCounter) schemaObj(ss ast.SelectionSet) int {
	return add(ic.object(), ic.each(ss, "__Schema", func(f *ast.Field) int {
		switch f.Name {
		case "types":
			return ic.types(f.SelectionSet, ic.schema.Types())
		case "queryType":
			return ic.typ(f.SelectionSet, ic.schema.QueryType())
		case "mutationType":
			return ic.typ(f.SelectionSet, ic.schema.MutationType())
		case "subscriptionType":
			return ic.typ(f.SelectionSet, ic.schema.SubscriptionType())
		case "directives":
			n := 0
			for _, d := range ic.schema.Directives() {
				n = add(n, add(ic.object(), ic.each(f.SelectionSet, "__Directive", func(f *ast.Field) int {
					if f.Name == "args" {
						return ic.inputValues(f.SelectionSet, d.Args)
					}
					return 0
				})))
			}
			return n
		}
		return 0
	}))
}

func (ic *introCounter) types(ss ast.SelectionSet, ts []introspection.Type) int {
	n := 0
	for i := range ts {
		if ic.c.over() {
			break
		}
		n = add(n, ic.typ(ss, &ts[i]))
	}
	return n
}

func (ic *introCounter) typ(ss ast.SelectionSet, t *introspection.Type) int {
	if t == nil {
		return 0
	}
	return add(ic.object(), ic.each(ss, "__Type", func(f *ast.Field) int {
		deprecated, _ := f.ArgumentMap(ic.c.vars)["includeDeprecated"].(bool)
		switch f.Name {
		case "fields":
			n := 0
			for _, fd := range t.Fields(deprecated) {
				n = add(n, add(ic.object(), ic.each(f.SelectionSet, "__Field", func(f *ast.Field) int {
					switch f.Name {
					case "args":
						return ic.inputValues(f.SelectionSet, fd.Args)
					case "type":
						return ic.typ(f.SelectionSet, fd.Type)
					}
					return 0
				})))
				if ic.c.over() {
					break
				}
			}
			return n
		case "interfaces":
			return ic.types(f.SelectionSet, t.Interfaces())
		case "possibleTypes":
			return ic.types(f.SelectionSet, t.PossibleTypes())
		case "enumValues":
			n := len(t.EnumValues(deprecated))
			ic.c.spent = add(ic.c.spent, n)
			return n
		case "inputFields":
			return ic.inputValues(f.SelectionSet, t.InputFields())
		case "ofType":
			return ic.typ(f.SelectionSet, t.OfType())
		}
		return 0
	}))
}

func (ic *introCounter) inputValues(ss ast.SelectionSet, vs []introspection.InputValue) int {
	n := 0
	for _, v := range vs {
		n = add(n, add(ic.object(), ic.each(ss, "__InputValue", func(f *ast.Field) int {
			if f.Name == "type" {
				return ic.typ(f.SelectionSet, v.Type)
			}
			return 0
		})))
		if ic.c.over() {
			break
		}
	}
	return n
}
