package resolvers

import (
	"encoding/json"
	"slices"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/federate"
	"github.com/execgraph/execgraph/internal/frontdoor"
	"github.com/execgraph/execgraph/internal/relay"
	"github.com/execgraph/execgraph/internal/source"
)

// Pricing prices the schema's fields in upstream calls for the front door
// (see frontdoor.Cost), from the service registry: a service's listing (or
// nested listing) may make relay.FetchLimit list calls for a page of first
// items; a field a detail operation fills makes one call per item; node
// one, nodes one per id; executions the sum of its listings.
// source.CheckRegistry makes sure no resolved field is left unpriced.
type Pricing struct{}

var _ frontdoor.Pricing = Pricing{}

func (Pricing) Price(parent, field string, args map[string]any) frontdoor.Price {
	for _, s := range source.Services {
		if parent == "Query" && field == s.Listing {
			return listingPrice(args, s.MaxPage)
		}
		for _, n := range s.Nested {
			if parent == n.Type && field == n.Field {
				return listingPrice(args, n.MaxPage)
			}
		}
		for _, d := range s.Details {
			if parent == d.Type && slices.Contains(d.Fields, field) {
				return frontdoor.Price{Calls: 1, Items: -1}
			}
		}
	}
	if parent == "Query" {
		switch field {
		case "node":
			return frontdoor.Price{Calls: 1, Items: -1}
		case "nodes":
			n := min(len(list(args["ids"])), federate.MaxIDs)
			return frontdoor.Price{Calls: n, Items: n}
		case "executions":
			return executionsPrice(args)
		}
	}
	return frontdoor.Price{Items: -1}
}

func listingPrice(args map[string]any, maxPage int) frontdoor.Price {
	first := pageSize(args)
	return frontdoor.Price{Calls: relay.FetchLimit(first, maxPage), Items: first}
}

// executionsPrice is the price of a merge: each of its listings may fetch
// relay.FetchLimit pages (a service filtered per status is one listing per
// native status asked), and a status filter on a service whose listing has
// no status describes each item read.
func executionsPrice(args map[string]any) frontdoor.Price {
	first := pageSize(args)
	var statuses []model.ExecutionStatus
	for _, s := range list(args["statuses"]) {
		if v, ok := s.(string); ok {
			statuses = append(statuses, model.ExecutionStatus(v))
		}
	}
	calls := 0
	sources := list(args["sources"])
	_, resuming := args["after"].(string)
	for _, in := range sources[:min(len(sources), federate.MaxResources)] {
		fields, _ := in.(map[string]any)
		for name, v := range fields {
			s := source.ServiceByInput(name)
			if s == nil || v == nil {
				continue
			}
			pages := relay.FetchLimit(first, s.MaxPage)
			if len(statuses) == 0 {
				calls += pages
				continue
			}
			natives := len(s.NativeStatuses(statuses))
			switch s.Filter {
			case source.FilterPerStatus:
				calls += natives * pages
			case source.FilterByDescribe:
				if natives > 0 {
					calls += pages + pages*min(max(first, 1), s.MaxPage)
					if resuming {
						// A resume refetches the cursor's page, of up to
						// MaxPage items, all described.
						calls += s.MaxPage
					}
				}
			default:
				if natives > 0 {
					calls += pages
				}
			}
		}
	}
	return frontdoor.Price{Calls: calls, Items: first}
}

// list is a list argument's values: GraphQL lets a client give one value
// where a list is expected (input coercion), and it is priced as a list of
// one.
func list(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	}
	return []any{v}
}

// pageSize is the first argument, default defaultFirst, within 0..MaxFirst
// (the listing refuses a value outside; it is priced at the bound).
func pageSize(args map[string]any) int {
	v, ok := args["first"]
	if !ok || v == nil {
		return defaultFirst
	}
	return min(max(toInt(v), 0), relay.MaxFirst)
}

func toInt(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(max(min(n, 1<<31), -1<<31))
	case float64:
		return int(max(min(n, 1<<31), -1<<31))
	case json.Number:
		i, err := n.Int64()
		if err != nil {
			return 1 << 31
		}
		return toInt(i)
	}
	return 0
}
