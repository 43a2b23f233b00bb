package source

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/imagebuilder"
	"github.com/aws/aws-sdk-go-v2/service/imagebuilder/types"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/gid"
	"github.com/execgraph/execgraph/internal/relay"
)

// imageBuilderService is EC2 Image Builder. AWS documents no API rates for
// it; 10 at once, 5 a second is a conservative floor (comparable control
// planes document 2 to 20 a second), the SDK's retries the backstop.
var imageBuilderService = &Service{Name: "imagebuilder", SDKID: "imagebuilder", Operations: []Operation{
	{"ListWorkflowExecutions", Limit{Burst: 10, PerSecond: 5}},
	{"GetWorkflowExecution", Limit{Burst: 10, PerSecond: 5}},
	{"ListWorkflowStepExecutions", Limit{Burst: 10, PerSecond: 5}},
}}

// imageBuilderMaxPage is ListWorkflowExecutions' largest page.
const imageBuilderMaxPage = 25

// WorkflowExecutions is the listing of the workflow executions of an EC2
// Image Builder image build version, newest first, in the ARN's region
// (region, when given, must be that one). BAD_USER_INPUT for an ARN AWS
// would refuse, a region not served, or a region that contradicts the ARN's.
func (s *Source) WorkflowExecutions(region, imageBuildVersionArn string) (relay.Listing[*model.ImageBuilderWorkflowExecution], error) {
	if err := imageBuildVersionArnName.check(imageBuildVersionArn); err != nil {
		return relay.Listing[*model.ImageBuilderWorkflowExecution]{}, err
	}
	region, err := s.regionOf(region, imageBuildVersionArn)
	if err != nil {
		return relay.Listing[*model.ImageBuilderWorkflowExecution]{}, err
	}
	client := s.imagebuilder.get(s.cfg, region)
	return relay.Listing[*model.ImageBuilderWorkflowExecution]{
		Fingerprint: relay.Fingerprint("imagebuilder", region, imageBuildVersionArn),
		MaxPage:     imageBuilderMaxPage,
		Key:         func(e *model.ImageBuilderWorkflowExecution) string { return e.WorkflowExecutionID },
		Fetch: func(ctx context.Context, tok string, size int) (relay.Page[*model.ImageBuilderWorkflowExecution], error) {
			n := int32(size)
			out, err := client.ListWorkflowExecutions(ctx, &imagebuilder.ListWorkflowExecutionsInput{ImageBuildVersionArn: &imageBuildVersionArn, MaxResults: &n, NextToken: token(tok)})
			if err != nil {
				return relay.Page[*model.ImageBuilderWorkflowExecution]{}, call{"imagebuilder", "ListWorkflowExecutions", "image build version " + imageBuildVersionArn, tok != ""}.translate(err)
			}
			page := relay.Page[*model.ImageBuilderWorkflowExecution]{Next: deref(out.NextToken)}
			for _, it := range out.WorkflowExecutions {
				page.Items = append(page.Items, workflowExecution(region, imageBuildVersionArn, it))
			}
			return page, nil
		},
	}, nil
}

func workflowExecution(region, imageBuildVersionArn string, it types.WorkflowExecutionMetadata) *model.ImageBuilderWorkflowExecution {
	id := deref(it.WorkflowExecutionId)
	wt := model.ImageBuilderWorkflowType(it.Type)
	var wtp *model.ImageBuilderWorkflowType
	if wt.IsValid() {
		wtp = &wt
	}
	return &model.ImageBuilderWorkflowExecution{
		ID:                      gid.Encode(string(model.ExecutionServiceImagebuilder), region, id, imageBuildVersionArn),
		Service:                 model.ExecutionServiceImagebuilder,
		Region:                  region,
		Status:                  Normalize(model.ExecutionServiceImagebuilder, string(it.Status)),
		NativeStatus:            nativeOf(it.Status),
		StartedAt:               parseDateTime(it.StartTime),
		EndedAt:                 parseDateTime(it.EndTime),
		WorkflowExecutionID:     id,
		ImageBuildVersionArn:    imageBuildVersionArn,
		WorkflowBuildVersionArn: it.WorkflowBuildVersionArn,
		Type:                    wtp,
		Message:                 it.Message,
		TotalStepCount:          intp(it.TotalStepCount),
		TotalStepsSucceeded:     intp(it.TotalStepsSucceeded),
		TotalStepsFailed:        intp(it.TotalStepsFailed),
		TotalStepsSkipped:       intp(it.TotalStepsSkipped),
		StartTime:               it.StartTime,
		EndTime:                 it.EndTime,
		ParallelGroup:           it.ParallelGroup,
		Retried:                 it.Retried,
	}
}

// dateTimeLayouts are the forms Image Builder's DateTime strings take.
var dateTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z0700", "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05"}

// parseDateTime parses an Image Builder DateTime string; nil if absent or
// in no known form (the raw string stays available).
func parseDateTime(s *string) *time.Time {
	if s == nil || *s == "" {
		return nil
	}
	for _, layout := range dateTimeLayouts {
		if t, err := time.Parse(layout, *s); err == nil {
			t = t.UTC()
			return &t
		}
	}
	return nil
}

// WorkflowSteps is the listing of a workflow execution's steps, in order,
// in the given region.
func (s *Source) WorkflowSteps(region, workflowExecutionID string) (relay.Listing[*model.ImageBuilderWorkflowStepExecution], error) {
	region, err := s.nameRegion(region, workflowExecutionIDName, workflowExecutionID)
	if err != nil {
		return relay.Listing[*model.ImageBuilderWorkflowStepExecution]{}, err
	}
	client := s.imagebuilder.get(s.cfg, region)
	return relay.Listing[*model.ImageBuilderWorkflowStepExecution]{
		Fingerprint: relay.Fingerprint("imagebuilder-steps", region, workflowExecutionID),
		MaxPage:     imageBuilderMaxPage,
		Key:         func(s *model.ImageBuilderWorkflowStepExecution) string { return s.StepExecutionID },
		Fetch: func(ctx context.Context, tok string, size int) (relay.Page[*model.ImageBuilderWorkflowStepExecution], error) {
			n := int32(size)
			out, err := client.ListWorkflowStepExecutions(ctx, &imagebuilder.ListWorkflowStepExecutionsInput{WorkflowExecutionId: &workflowExecutionID, MaxResults: &n, NextToken: token(tok)})
			if err != nil {
				return relay.Page[*model.ImageBuilderWorkflowStepExecution]{}, call{"imagebuilder", "ListWorkflowStepExecutions", "workflow execution " + workflowExecutionID, tok != ""}.translate(err)
			}
			page := relay.Page[*model.ImageBuilderWorkflowStepExecution]{Next: deref(out.NextToken)}
			for _, st := range out.Steps {
				page.Items = append(page.Items, &model.ImageBuilderWorkflowStepExecution{
					StepExecutionID: deref(st.StepExecutionId), Name: st.Name, Description: st.Description, Action: st.Action,
					Status: nativeOf(st.Status), RollbackStatus: nativeOf(st.RollbackStatus), Message: st.Message,
					Inputs: st.Inputs, Outputs: st.Outputs, StartTime: st.StartTime, EndTime: st.EndTime,
					StartedAt: parseDateTime(st.StartTime), EndedAt: parseDateTime(st.EndTime),
				})
			}
			return page, nil
		},
	}, nil
}

// GetWorkflowExecution gets a workflow execution by id, as its list item.
func (s *Source) GetWorkflowExecution(ctx context.Context, region, workflowExecutionID string) (*model.ImageBuilderWorkflowExecution, error) {
	region, err := s.nameRegion(region, workflowExecutionIDName, workflowExecutionID)
	if err != nil {
		return nil, err
	}
	out, err := s.imagebuilder.get(s.cfg, region).GetWorkflowExecution(ctx, &imagebuilder.GetWorkflowExecutionInput{WorkflowExecutionId: &workflowExecutionID})
	if err != nil {
		return nil, call{"imagebuilder", "GetWorkflowExecution", "workflow execution " + workflowExecutionID, false}.translate(err)
	}
	return workflowExecution(region, deref(out.ImageBuildVersionArn), types.WorkflowExecutionMetadata{
		WorkflowExecutionId: out.WorkflowExecutionId, WorkflowBuildVersionArn: out.WorkflowBuildVersionArn, Type: out.Type,
		Status: out.Status, Message: out.Message, TotalStepCount: out.TotalStepCount, TotalStepsSucceeded: out.TotalStepsSucceeded,
		TotalStepsFailed: out.TotalStepsFailed, TotalStepsSkipped: out.TotalStepsSkipped, StartTime: out.StartTime,
		EndTime: out.EndTime, ParallelGroup: out.ParallelGroup,
	}), nil
}

// imageBuilderFinal are the workflow execution statuses that never change.
var imageBuilderFinal = map[string]bool{"COMPLETED": true, "FAILED": true, "ROLLBACK_COMPLETED": true, "CANCELLED": true, "SKIPPED": true}

// WorkflowExecutionFinal reports whether a workflow execution will never
// change again.
func WorkflowExecutionFinal(e *model.ImageBuilderWorkflowExecution) bool {
	return e.NativeStatus != nil && imageBuilderFinal[*e.NativeStatus]
}
