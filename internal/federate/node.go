package federate

import (
	"context"
	"strings"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/gid"
	"github.com/execgraph/execgraph/internal/source"
)

// MaxIDs bounds the ids of one nodes query.
const MaxIDs = 100

// Node starts refetching an execution by its global id through the
// request's loaders (so many ids are fetched concurrently and an id asked
// twice costs one call), and returns a thunk that waits for it. The thunk
// returns BAD_USER_INPUT for a malformed id (one whose service, region or
// keys do not check out, such as a region that contradicts its ARN's) and
// NOT_FOUND for an execution that no longer exists.
func Node(ctx context.Context, src *source.Source, id string) func() (model.Node, error) {
	g, err := gid.Decode(id)
	if err != nil {
		return fail(apperr.New(apperr.BadUserInput, "malformed id %s: not an execgraph id", apperr.Quote(id)))
	}
	svc := source.ServiceOf(model.ExecutionService(g.Service))
	if svc == nil || len(g.Keys) != svc.IDKeys {
		return fail(apperr.New(apperr.BadUserInput, "malformed id %s: unknown service or identifiers", apperr.Quote(id)))
	}
	// An id names its region twice when its key is an ARN: both must agree,
	// or the id would be served under another id than the one asked for.
	if strings.HasPrefix(g.Keys[0], "arn:") && source.ARNRegion(g.Keys[0]) != g.Region {
		return fail(apperr.New(apperr.BadUserInput, "malformed id %s: its region contradicts its ARN's", apperr.Quote(id)))
	}
	if err := src.CheckRegion(g.Region); err != nil {
		return fail(err)
	}
	thunk, err := svc.Node(ctx, g.Region, g.Keys)
	if err != nil {
		return fail(err)
	}
	return thunk
}

func fail(err error) func() (model.Node, error) {
	return func() (model.Node, error) { return nil, err }
}
