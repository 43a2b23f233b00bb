package source

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// crossService are the Query fields that are no one service's listing
// (priced apart, in the resolvers' pricing).
var crossService = []string{"executions", "node", "nodes"}

// CheckRegistry checks that every service of Services is described whole
// and agrees with the schema: every piece is set, every operation it names
// is one it declares, every enum value and input field names a service,
// every Query field is a service's listing or a cross-service field, and
// every field below Query that a resolver fills is priced (a detail or a
// nested listing). The gateway does not start otherwise: a
// forgotten piece is never a silent zero.
//
// resolved reports whether a field of a type is filled by a resolver (the
// resolvers know: gqlgen's generated resolver interfaces).
func CheckRegistry(schema *ast.Schema, resolved func(typ, field string) bool) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	seen := map[string]bool{}
	priced := map[string]bool{} // "Type.field" a detail or a nested listing fills
	for _, s := range Services {
		checkService(schema, s, priced, bad)
		for _, key := range []string{"name " + s.Name, "SDK id " + s.SDKID, "kind " + string(s.Kind), "input " + s.Input, "listing " + s.Listing} {
			if seen[key] {
				bad("two services share the %s", key)
			}
			seen[key] = true
		}
	}
	if enum := schema.Types["ExecutionService"]; enum != nil {
		for _, v := range enum.EnumValues {
			if ServiceOf(kindOf(v.Name)) == nil {
				bad("ExecutionService.%s: no service in the registry", v.Name)
			}
		}
	}
	if in := schema.Types["ExecutionSourceInput"]; in != nil {
		for _, f := range in.Fields {
			if f.Name != "region" && ServiceByInput(f.Name) == nil {
				bad("ExecutionSourceInput.%s: no service in the registry", f.Name)
			}
		}
	}
	for _, f := range schema.Query.Fields {
		if strings.HasPrefix(f.Name, "__") || slices.Contains(crossService, f.Name) {
			continue
		}
		if find(func(s *Service) bool { return s.Listing == f.Name }) == nil {
			bad("Query.%s: no service lists it, so nothing prices it", f.Name)
		}
	}
	// Below the root, a field a resolver fills may call AWS: it must be
	// priced, whatever its type (the front door lets lists be marshalled
	// element after element only when no priced field is asked below the
	// root).
	for _, name := range slices.Sorted(maps.Keys(schema.Types)) {
		typ := schema.Types[name]
		if typ.Kind != ast.Object || typ == schema.Query || strings.HasPrefix(name, "__") {
			continue
		}
		for _, f := range typ.Fields {
			if resolved(name, f.Name) && !priced[name+"."+f.Name] {
				bad("%s.%s is filled by a resolver but no detail or nested listing prices it", name, f.Name)
			}
		}
	}
	return errors.Join(errs...)
}

// checkService checks one service, and adds the fields it prices to
// priced.
func checkService(schema *ast.Schema, s *Service, priced map[string]bool, bad func(string, ...any)) {
	name := "service " + s.Name
	switch {
	case s.Name == "" || s.SDKID == "" || s.Kind == "":
		bad("%s: no name, SDK id or kind", name)
	case len(s.Operations) == 0:
		bad("%s: no operations", name)
	case len(s.Statuses) == 0 || s.Final == nil:
		bad("%s: no status table or final-state rule", name)
	case s.List == nil || s.Node == nil || s.IDKeys < 1:
		bad("%s: no List, Node or IDKeys", name)
	case s.MaxPage < 1:
		bad("%s: no MaxPage", name)
	}
	for _, op := range s.Operations {
		if op.Quota.Burst < 1 || op.Quota.PerSecond <= 0 {
			bad("%s: %s has no quota", name, op.Name)
		}
	}
	for native, st := range s.Statuses {
		if !st.IsValid() {
			bad("%s: status %s maps to %q, not an ExecutionStatus", name, native, st)
		}
	}
	if in := schema.Types["ExecutionSourceInput"]; in == nil || in.Fields.ForName(s.Input) == nil {
		bad("%s: ExecutionSourceInput has no field %q", name, s.Input)
	}
	typ := schema.Types[s.Type]
	if typ == nil || !slices.Contains(typ.Interfaces, "Execution") {
		bad("%s: %q is not a type implementing Execution", name, s.Type)
		return
	}
	if f := schema.Query.Fields.ForName(s.Listing); f == nil || f.Type.Name() != s.Type+"Connection" {
		bad("%s: Query.%s does not list %s", name, s.Listing, s.Type)
	}
	for _, n := range s.Nested {
		if t := schema.Types[n.Type]; t == nil || t.Fields.ForName(n.Field) == nil || n.MaxPage < 1 {
			bad("%s: nested listing %s.%s is not in the schema, or has no MaxPage", name, n.Type, n.Field)
		}
		priced[n.Type+"."+n.Field] = true
	}
	for _, d := range s.Details {
		if !s.Has(d.Op) {
			bad("%s: detail %s is not one of its operations", name, d.Op)
		}
		for _, f := range d.Fields {
			if t := schema.Types[d.Type]; t == nil || t.Fields.ForName(f) == nil {
				bad("%s: detail %s fills %s.%s, which the schema lacks", name, d.Op, d.Type, f)
			}
			priced[d.Type+"."+f] = true
		}
	}
}
