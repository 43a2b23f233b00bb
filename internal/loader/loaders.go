package loader

import (
	"context"
	"sync"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/relay"
	"github.com/execgraph/execgraph/internal/source"
)

// RegionKey names a resource addressed by name in a region.
type RegionKey struct{ Region, ID string }

// TransferKey names one Transfer Family workflow execution.
type TransferKey struct{ Region, WorkflowID, ExecutionID string }

// Loaders are one request's dataloaders. Keys addressed by ARN carry their
// region in the ARN.
type Loaders struct {
	MapRun           *dataloader.Loader[string, *source.MapRunDetails]            // map run ARN
	SFNExecution     *dataloader.Loader[string, *model.StepFunctionsExecution]    // execution ARN
	StateMachine     *dataloader.Loader[string, *model.StepFunctionsStateMachine] // state machine ARN
	DurableExecution *dataloader.Loader[string, *source.DurableExecutionDetails]  // durable execution ARN
	JobExecution     *dataloader.Loader[source.JobExecutionKey, *source.JobExecutionDetails]
	Job              *dataloader.Loader[RegionKey, *model.IoTJob]
	Thing            *dataloader.Loader[RegionKey, *model.IoTThing]
	TransferExec     *dataloader.Loader[TransferKey, *source.TransferExecutionDetails]
	Workflow         *dataloader.Loader[RegionKey, *model.TransferWorkflow]
	WorkflowExec     *dataloader.Loader[RegionKey, *model.ImageBuilderWorkflowExecution] // Image Builder

	unshared bool
	pages    *dataloader.Loader[pageKey, any]
	fetchers sync.Map // listing fingerprint -> func(ctx, token, size) (any, error)
}

// New returns fresh Loaders for one request.
func (f *Factory) New() *Loaders {
	src := f.src
	l := &Loaders{
		MapRun: newLoader(f, describer[string, *source.MapRunDetails]{"stepfunctions", "DescribeMapRun", src.DescribeMapRun,
			(*source.MapRunDetails).Terminal}),
		SFNExecution: newLoader(f, describer[string, *model.StepFunctionsExecution]{"stepfunctions", "DescribeExecution", src.DescribeExecution, source.SFNExecutionFinal}),
		StateMachine: newLoader(f, describer[string, *model.StepFunctionsStateMachine]{"stepfunctions", "DescribeStateMachine", src.DescribeStateMachine, nil}),
		DurableExecution: newLoader(f, describer[string, *source.DurableExecutionDetails]{"lambda", "GetDurableExecution", src.GetDurableExecution,
			(*source.DurableExecutionDetails).Terminal}),
		JobExecution: newLoader(f, describer[source.JobExecutionKey, *source.JobExecutionDetails]{"iot", "DescribeJobExecution", src.DescribeJobExecution,
			(*source.JobExecutionDetails).Terminal}),
		Job: newLoader(f, describer[RegionKey, *model.IoTJob]{"iot", "DescribeJob", func(ctx context.Context, k RegionKey) (*model.IoTJob, error) {
			return src.DescribeJob(ctx, k.Region, k.ID)
		}, nil}),
		Thing: newLoader(f, describer[RegionKey, *model.IoTThing]{"iot", "DescribeThing", func(ctx context.Context, k RegionKey) (*model.IoTThing, error) {
			return src.DescribeThing(ctx, k.Region, k.ID)
		}, nil}),
		// Transfer describes only executions in progress: nothing to keep.
		TransferExec: newLoader(f, describer[TransferKey, *source.TransferExecutionDetails]{"transfer", "DescribeExecution", func(ctx context.Context, k TransferKey) (*source.TransferExecutionDetails, error) {
			return src.DescribeTransferExecution(ctx, k.Region, k.WorkflowID, k.ExecutionID)
		}, nil}),
		Workflow: newLoader(f, describer[RegionKey, *model.TransferWorkflow]{"transfer", "DescribeWorkflow", func(ctx context.Context, k RegionKey) (*model.TransferWorkflow, error) {
			return src.DescribeWorkflow(ctx, k.Region, k.ID)
		}, nil}),
		WorkflowExec: newLoader(f, describer[RegionKey, *model.ImageBuilderWorkflowExecution]{"imagebuilder", "GetWorkflowExecution",
			func(ctx context.Context, k RegionKey) (*model.ImageBuilderWorkflowExecution, error) {
				return src.GetWorkflowExecution(ctx, k.Region, k.ID)
			}, source.WorkflowExecutionFinal}),
		unshared: f.unshared,
	}
	l.pages = dataloader.NewBatchedLoader(l.fetchPages, dataloader.WithBatchCapacity[pageKey, any](1))
	return l
}

// pageKey names one upstream page of a listing.
type pageKey struct {
	listing, token string
	size           int
}

// Shared returns the listing with its pages fetched through the request's
// page loader: identical pages (same listing, token and size) asked for
// twice in one request, such as by two aliased fields, cost one call.
func Shared[T any](ctx context.Context, l relay.Listing[T]) relay.Listing[T] {
	ls := For(ctx)
	if ls.unshared {
		return l
	}
	fetch := l.Fetch
	ls.fetchers.LoadOrStore(l.Fingerprint, func(ctx context.Context, token string, size int) (any, error) {
		return fetch(ctx, token, size)
	})
	l.Fetch = func(ctx context.Context, token string, size int) (relay.Page[T], error) {
		v, err := ls.pages.Load(ctx, pageKey{l.Fingerprint, token, size})()
		if err != nil {
			return relay.Page[T]{}, err
		}
		return v.(relay.Page[T]), nil
	}
	return l
}

// fetchPages is the page loader's batch function (batches of one: a page
// is wanted at once).
func (l *Loaders) fetchPages(ctx context.Context, keys []pageKey) []*dataloader.Result[any] {
	out := make([]*dataloader.Result[any], len(keys))
	for i, k := range keys {
		f, _ := l.fetchers.Load(k.listing)
		v, err := f.(func(context.Context, string, int) (any, error))(ctx, k.token, k.size)
		out[i] = &dataloader.Result[any]{Data: v, Error: err}
	}
	return out
}
