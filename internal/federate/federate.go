// Package federate asks across services and regions: the executions of
// several resources merged into one connection, and refetching any
// execution by its global id. It reads the service registry
// (source.Services); nothing here names a service.
package federate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/relay"
	"github.com/execgraph/execgraph/internal/source"
)

// MaxResources bounds the resources one executions query may merge, and
// MaxListings the listings they become (an IoT resource on statuses is up
// to eight): every edge's cursor holds a position in each listing.
const (
	MaxResources = 20
	MaxListings  = 32
)

// Resource is one validated ExecutionSourceInput: the resource whose
// executions to list, and its service.
type Resource struct {
	Service *source.Service
	ID      string // the list API's required argument
	Region  string // "" for the ARN's region or the default
}

// Resources validates the inputs: each names exactly one resource, once.
// Errors are BAD_USER_INPUT. (Arguments and regions are checked by the
// services' listings.)
func Resources(in []*model.ExecutionSourceInput) ([]Resource, error) {
	if len(in) == 0 || len(in) > MaxResources {
		return nil, apperr.New(apperr.BadUserInput, "sources must name 1 to %d resources, got %d", MaxResources, len(in))
	}
	out := make([]Resource, len(in))
	for i, s := range in {
		fields := map[string]*string{}
		raw, _ := json.Marshal(s) // the input's fields by their GraphQL names
		_ = json.Unmarshal(raw, &fields)
		var set []Resource
		for name, v := range fields {
			if svc := source.ServiceByInput(name); svc != nil && v != nil {
				set = append(set, Resource{Service: svc, ID: *v})
			}
		}
		if len(set) != 1 || set[0].ID == "" {
			var names []string
			for _, svc := range source.Services {
				names = append(names, svc.Input)
			}
			return nil, apperr.New(apperr.BadUserInput, "sources[%d] must set exactly one of %s", i, strings.Join(names, ", "))
		}
		r := set[0]
		if s.Region != nil {
			r.Region = *s.Region
		}
		if j := slices.Index(out[:i], r); j >= 0 {
			return nil, apperr.New(apperr.BadUserInput, "sources[%d] repeats sources[%d]", i, j)
		}
		out[i] = r
	}
	return out, nil
}

// Executions is the merge of the resources' listings, newest first, keeping
// only the statuses asked for (none: all). It also returns, per listing of
// the merge, the index of the resource it belongs to: a resource can be
// several listings (IoT, one per status). A service none of whose statuses
// is asked for is not listed at all.
//
// A resource whose arguments AWS would refuse, or whose region is not
// served or contradicts its ARN's, is an error naming it (BAD_USER_INPUT).
func Executions(ctx context.Context, src *source.Source, sealer *relay.Sealer, resources []Resource, statuses []model.ExecutionStatus) (relay.Merge[model.Execution], []int, error) {
	m := relay.Merge[model.Execution]{Before: before, Sealer: sealer}
	if len(statuses) > 0 {
		m.Keep = func(e model.Execution) bool { st := e.GetStatus(); return st != nil && slices.Contains(statuses, *st) }
	}
	var owner []int
	fps := []string{"executions", statusKey(statuses)}
	for i, r := range resources {
		var natives []string
		if len(statuses) > 0 {
			if natives = r.Service.NativeStatuses(statuses); len(natives) == 0 {
				continue // none of the statuses is one this service has
			}
		}
		ls, err := r.Service.List(src, source.Resource{Region: r.Region, ID: r.ID, Statuses: natives})
		if err != nil {
			return m, nil, ResourceFailed(i, r, err)
		}
		if len(m.Listings)+len(ls) > MaxListings {
			return m, nil, apperr.New(apperr.BadUserInput, "the sources and statuses become more than %d listings (an IoT job on statuses is one listing per IoT status): ask for fewer", MaxListings)
		}
		for _, l := range ls {
			m.Listings = append(m.Listings, source.Shared(ctx, l))
			// A filter the API cannot take drops items: read full pages.
			m.Filtered = append(m.Filtered, len(statuses) > 0 && r.Service.Filter == source.FilterInGateway)
			owner = append(owner, i)
			fps = append(fps, l.Fingerprint)
		}
	}
	m.Fingerprint = relay.Fingerprint(fps...)
	return m, owner, nil
}

// statusKey names a status filter canonically (sorted, without repeats).
func statusKey(statuses []model.ExecutionStatus) string {
	parts := make([]string, len(statuses))
	for i, s := range statuses {
		parts[i] = string(s)
	}
	slices.Sort(parts)
	return strings.Join(slices.Compact(parts), ",")
}

// sortTime is when an execution counts as started for the merge: its start,
// or for an IoT execution still queued its queue time; false if it has none.
func sortTime(e model.Execution) (time.Time, bool) {
	if t := e.GetStartedAt(); t != nil {
		return *t, true
	}
	if j, ok := e.(*model.IoTJobExecution); ok && j.JobExecutionSummary != nil && j.JobExecutionSummary.QueuedAt != nil {
		return *j.JobExecutionSummary.QueuedAt, true
	}
	return time.Time{}, false
}

// before orders the merge: executions with no time first (Transfer's: all in
// progress), then newest first.
func before(a, b model.Execution) bool {
	ta, oka := sortTime(a)
	tb, okb := sortTime(b)
	if oka != okb {
		return !oka
	}
	return oka && ta.After(tb)
}

// ResourceFailed is the error of a resource whose listing failed: it names
// the resource by its index in sources and its service, keeping the
// cause's code.
func ResourceFailed(index int, r Resource, err error) error {
	out := &apperr.Error{Code: apperr.CodeOf(err), Message: "internal error", Err: err}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		out.Message, out.Service, out.RequestID, out.RetryAfter = ae.Message, ae.Service, ae.RequestID, ae.RetryAfter
	}
	out.Message = fmt.Sprintf("sources[%d] (%s) failed: %s", index, r.Service.Name, out.Message)
	out.Extra = map[string]any{"source": index}
	return out
}
