package federate

import (
	"context"
	"strconv"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/gid"
	"github.com/execgraph/execgraph/internal/loader"
	"github.com/execgraph/execgraph/internal/source"
)

// Node starts refetching an execution by its global id through the
// request's loaders (so many ids are fetched concurrently and an id asked
// twice costs one call), and returns a thunk that waits for it. The thunk
// returns BAD_USER_INPUT for a malformed id and NOT_FOUND for an execution
// that no longer exists.
func Node(ctx context.Context, id string) func() (model.Node, error) {
	g, err := gid.Decode(id)
	if err != nil {
		return fail(apperr.New(apperr.BadUserInput, "malformed id %s: not an execgraph id", apperr.Quote(id)))
	}
	malformed := fail(apperr.New(apperr.BadUserInput, "malformed id %s: unknown service or identifiers", apperr.Quote(id)))
	// An id names its region twice when its key is an ARN: both must agree,
	// or the id would be served under another id than the one asked for.
	if len(g.Keys) > 0 {
		if r := source.ARNRegion(g.Keys[0]); r != "" && r != g.Region {
			return fail(apperr.New(apperr.BadUserInput, "malformed id %s: its region contradicts its ARN's", apperr.Quote(id)))
		}
	}
	l := loader.For(ctx)
	switch {
	case g.Service == string(model.ExecutionServiceLambda) && len(g.Keys) == 1:
		return item(l.DurableExecution.Load(ctx, g.Keys[0]), func(d *source.DurableExecutionDetails) model.Node { return d.Item })
	case g.Service == string(model.ExecutionServiceStepfunctions) && len(g.Keys) == 1:
		return item(l.MapRun.Load(ctx, g.Keys[0]), func(d *source.MapRunDetails) model.Node { return d.Item })
	case g.Service == string(model.ExecutionServiceImagebuilder) && len(g.Keys) == 2:
		return item(l.WorkflowExec.Load(ctx, loader.RegionKey{Region: g.Region, ID: g.Keys[0]}),
			func(e *model.ImageBuilderWorkflowExecution) model.Node { return e })
	case g.Service == string(model.ExecutionServiceIot) && len(g.Keys) == 3:
		k := source.JobExecutionKey{Region: g.Region, JobID: g.Keys[0], ThingName: g.Keys[1]}
		if g.Keys[2] != "" {
			n, err := strconv.ParseInt(g.Keys[2], 10, 64)
			if err != nil || n < 1 {
				return malformed
			}
			k.ExecutionNumber = n
		}
		return item(l.JobExecution.Load(ctx, k), func(d *source.JobExecutionDetails) model.Node { return d.Item })
	case g.Service == string(model.ExecutionServiceTransfer) && len(g.Keys) == 2:
		k := loader.TransferKey{Region: g.Region, WorkflowID: g.Keys[0], ExecutionID: g.Keys[1]}
		return item(l.TransferExec.Load(ctx, k), func(d *source.TransferExecutionDetails) model.Node { return d.Item })
	}
	return malformed
}

func fail(err error) func() (model.Node, error) {
	return func() (model.Node, error) { return nil, err }
}

// item waits for a loader's result and picks the node out of it.
func item[D any](thunk func() (D, error), pick func(D) model.Node) func() (model.Node, error) {
	return func() (model.Node, error) {
		d, err := thunk()
		if err != nil {
			return nil, err
		}
		return pick(d), nil
	}
}
