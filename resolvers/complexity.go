package resolvers

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/execgraph/execgraph/graph"
	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/relay"
)

// NewSchema returns the executable schema with its query cost priced in AWS
// calls: a listing costs 1 (its list call) plus first times the cost of one
// item; a field that calls AWS for its item costs 1. With scalars free
// (complexity.WithFixedScalarValue(0)), gqlgen still counts 1 for an object
// field whose selection costs nothing, so the cost is the AWS calls plus the
// objects of the response: an upper bound of the describes, as loaders share
// calls between fields and items, never add them. The gateway refuses a query
// that costs more than its limit before any AWS call.
func NewSchema(r *Resolver) graphql.ExecutableSchema {
	c := graph.ComplexityRoot{}
	perItem := func(child int) int { return child + 1 }
	for _, f := range []*func(int) int{
		&c.StepFunctionsMapRun.Status, &c.StepFunctionsMapRun.NativeStatus, &c.StepFunctionsMapRun.ItemCounts,
		&c.StepFunctionsMapRun.ExecutionCounts, &c.StepFunctionsMapRun.MaxConcurrency, &c.StepFunctionsMapRun.ToleratedFailurePercentage,
		&c.StepFunctionsMapRun.ToleratedFailureCount, &c.StepFunctionsMapRun.RedriveCount, &c.StepFunctionsMapRun.RedriveDate,
		&c.StepFunctionsMapRun.StateMachine, &c.StepFunctionsMapRun.Execution,
		&c.IoTJobExecution.StatusDetails, &c.IoTJobExecution.ForceCanceled, &c.IoTJobExecution.VersionNumber,
		&c.IoTJobExecution.ApproximateSecondsBeforeTimedOut, &c.IoTJobExecution.Job, &c.IoTJobExecution.Thing,
		&c.LambdaDurableExecution.InputPayload, &c.LambdaDurableExecution.Result, &c.LambdaDurableExecution.Error, &c.LambdaDurableExecution.Version,
		&c.TransferExecution.ExecutionRole, &c.TransferExecution.PosixProfile, &c.TransferExecution.LoggingConfiguration,
		&c.TransferExecution.Results, &c.TransferExecution.Workflow,
	} {
		*f = perItem
	}
	c.ImageBuilderWorkflowExecution.Steps = func(child int, first *int, _ *string) int { return listingCost(child, first) }
	c.Query.ImageBuilderWorkflowExecutions = func(child int, _ string, first *int, _ *string) int { return listingCost(child, first) }
	c.Query.StepFunctionsMapRuns = func(child int, _ string, first *int, _ *string) int { return listingCost(child, first) }
	c.Query.TransferExecutions = func(child int, _ string, _ *string, first *int, _ *string) int { return listingCost(child, first) }
	c.Query.IotJobExecutions = func(child int, _ string, _ *model.IoTJobExecutionStatus, _ *string, first *int, _ *string) int {
		return listingCost(child, first)
	}
	c.Query.LambdaDurableExecutions = func(child int, _ string, _, _, _ *string, _ []model.LambdaDurableExecutionStatus, _, _ *time.Time, _ *bool, first *int, _ *string) int {
		return listingCost(child, first)
	}
	c.Query.Executions = func(child int, sources []*model.ExecutionSourceInput, statuses []model.ExecutionStatus, first *int, _ *string) int {
		cost := len(sources) - 1 + listingCost(child, first)
		if len(statuses) > 0 {
			// Filtering map runs on status describes each map run the merge
			// reads: up to its fetch budget of pages of first.
			n := min(max(firstOr(first), 1), 1000)
			for _, s := range sources {
				if s.StepFunctionsExecutionArn != nil {
					cost += (relay.MergeFetchBudget + 2) * n
				}
			}
		}
		return cost
	}
	c.Query.Node = func(child int, _ string) int { return child + 1 }
	c.Query.Nodes = func(child int, ids []string) int { return len(ids) * (child + 1) }
	return awsCost{graph.NewExecutableSchema(graph.Config{Resolvers: r, Complexity: c})}
}

// listingCost is one list call plus first items (a first out of range is
// priced at the nearest bound; the listing refuses it itself).
func listingCost(child int, first *int) int {
	return 1 + min(max(firstOr(first), 0), 1000)*child
}

// awsCost prices a field without a price of its own at its selection's cost.
type awsCost struct{ graphql.ExecutableSchema }

func (s awsCost) Complexity(ctx context.Context, typeName, field string, child int, args map[string]any) (int, bool) {
	if v, ok := s.ExecutableSchema.Complexity(ctx, typeName, field, child, args); ok {
		return v, true
	}
	return child, true
}
