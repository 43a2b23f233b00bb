package resolvers

import (
	"encoding/json"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/frontdoor"
	"github.com/execgraph/execgraph/internal/relay"
	"github.com/execgraph/execgraph/internal/source"
)

// Pricing prices the schema's fields in upstream calls for the front door
// (see frontdoor.Cost): a listing may make relay.FetchLimit list calls for
// a page of first items; a field filled by a detail call makes one; node
// and nodes one per id.
type Pricing struct{}

var _ frontdoor.Pricing = Pricing{}

// listingMaxPage is the largest upstream page of each listing field.
var listingMaxPage = map[[2]string]int{
	{"Query", "lambdaDurableExecutions"}:        1000,
	{"Query", "imageBuilderWorkflowExecutions"}: 25,
	{"Query", "stepFunctionsMapRuns"}:           1000,
	{"Query", "iotJobExecutions"}:               250,
	{"Query", "transferExecutions"}:             1000,
	{"ImageBuilderWorkflowExecution", "steps"}:  25,
}

// detailFields are the fields filled by one detail call per item.
var detailFields = map[string][]string{
	"StepFunctionsMapRun": {"status", "nativeStatus", "itemCounts", "executionCounts", "maxConcurrency", "toleratedFailurePercentage",
		"toleratedFailureCount", "redriveCount", "redriveDate", "stateMachine", "execution"},
	"IoTJobExecution":        {"statusDetails", "forceCanceled", "versionNumber", "approximateSecondsBeforeTimedOut", "job", "thing"},
	"LambdaDurableExecution": {"inputPayload", "result", "error", "version"},
	"TransferExecution":      {"executionRole", "posixProfile", "loggingConfiguration", "results", "workflow"},
}

// sourceMaxPage is the largest page of each service's listing, by the
// field of ExecutionSourceInput that names it.
var sourceMaxPage = map[string]struct {
	svc     model.ExecutionService
	maxPage int
}{
	"lambdaFunctionName":        {model.ExecutionServiceLambda, 1000},
	"imageBuildVersionArn":      {model.ExecutionServiceImagebuilder, 25},
	"stepFunctionsExecutionArn": {model.ExecutionServiceStepfunctions, 1000},
	"iotJobId":                  {model.ExecutionServiceIot, 250},
	"transferWorkflowId":        {model.ExecutionServiceTransfer, 1000},
}

func (Pricing) Price(parent, field string, args map[string]any) frontdoor.Price {
	if p, ok := listingMaxPage[[2]string{parent, field}]; ok {
		first := pageSize(args)
		return frontdoor.Price{Calls: relay.FetchLimit(first, p), Items: first}
	}
	for _, f := range detailFields[parent] {
		if f == field {
			return frontdoor.Price{Calls: 1, Items: -1}
		}
	}
	if parent != "Query" {
		return frontdoor.Price{Items: -1}
	}
	switch field {
	case "node":
		return frontdoor.Price{Calls: 1, Items: -1}
	case "nodes":
		ids, _ := args["ids"].([]any)
		return frontdoor.Price{Calls: len(ids), Items: len(ids)}
	case "executions":
		return executionsPrice(args)
	}
	return frontdoor.Price{Items: -1}
}

// executionsPrice is the price of a merge: each of its listings may fetch
// relay.FetchLimit pages (an IoT source filtered on statuses is one
// listing per IoT status), and a status filter on map runs describes each
// map run read.
func executionsPrice(args map[string]any) frontdoor.Price {
	first := pageSize(args)
	var statuses []model.ExecutionStatus
	raw, _ := args["statuses"].([]any)
	for _, s := range raw {
		if v, ok := s.(string); ok {
			statuses = append(statuses, model.ExecutionStatus(v))
		}
	}
	calls := 0
	sources, _ := args["sources"].([]any)
	for _, s := range sources {
		in, _ := s.(map[string]any)
		for name, v := range in {
			svc, ok := sourceMaxPage[name]
			if !ok || v == nil {
				continue
			}
			listings := 1
			if len(statuses) > 0 {
				listings = len(source.NativeStatuses(svc.svc, statuses))
				if svc.svc == model.ExecutionServiceStepfunctions {
					calls += relay.FetchLimit(first, svc.maxPage) * min(max(first, 1), svc.maxPage)
				}
			}
			calls += listings * relay.FetchLimit(first, svc.maxPage)
		}
	}
	return frontdoor.Price{Calls: calls, Items: first}
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
