package source

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/gid"
	"github.com/execgraph/execgraph/internal/relay"
)

// sfnMaxPage is ListMapRuns' largest page.
const sfnMaxPage = 1000

// MapRuns is the listing of the Distributed Map runs of a Step Functions
// execution, newest first, in the region of the execution's ARN.
func (s *Source) MapRuns(executionArn string) relay.Listing[*model.StepFunctionsMapRun] {
	region := s.region(arnRegion(executionArn))
	client := s.sfn.get(s.cfg, region)
	return relay.Listing[*model.StepFunctionsMapRun]{
		Fingerprint: relay.Fingerprint("stepfunctions", region, executionArn),
		MaxPage:     sfnMaxPage,
		Fetch: func(ctx context.Context, tok string, size int) (relay.Page[*model.StepFunctionsMapRun], error) {
			out, err := client.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: &executionArn, MaxResults: int32(size), NextToken: token(tok)})
			if err != nil {
				return relay.Page[*model.StepFunctionsMapRun]{}, call{"stepfunctions", "ListMapRuns", "execution " + executionArn, tok != ""}.translate(err)
			}
			page := relay.Page[*model.StepFunctionsMapRun]{Next: deref(out.NextToken)}
			for _, it := range out.MapRuns {
				page.Items = append(page.Items, mapRun(region, it))
			}
			return page, nil
		},
	}
}

// mapRun maps a list item. The listing has no status: it stays null here.
func mapRun(region string, it types.MapRunListItem) *model.StepFunctionsMapRun {
	return &model.StepFunctionsMapRun{
		ID:              gid.Encode(string(model.ExecutionServiceStepfunctions), region, deref(it.MapRunArn)),
		Service:         model.ExecutionServiceStepfunctions,
		StartedAt:       it.StartDate,
		EndedAt:         it.StopDate,
		MapRunArn:       deref(it.MapRunArn),
		ExecutionArn:    deref(it.ExecutionArn),
		StateMachineArn: it.StateMachineArn,
		StartDate:       it.StartDate,
		StopDate:        it.StopDate,
	}
}
