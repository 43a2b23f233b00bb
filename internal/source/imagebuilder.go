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

// ImageBuilder is EC2 Image Builder's workflow executions:
// ListWorkflowExecutions, GetWorkflowExecution and the nested
// ListWorkflowStepExecutions. AWS documents no API rates for it; 10 at
// once, 5 a second is a conservative floor (comparable control planes
// document 2 to 20 a second), the SDK's retries the backstop.
var ImageBuilder = &Service{
	Name: "imagebuilder", SDKID: "imagebuilder", Kind: model.ExecutionServiceImagebuilder,
	Operations: []Operation{
		{"ListWorkflowExecutions", Limit{Burst: 10, PerSecond: 5}},
		{"GetWorkflowExecution", Limit{Burst: 10, PerSecond: 5}},
		{"ListWorkflowStepExecutions", Limit{Burst: 10, PerSecond: 5}},
	},
	Statuses: map[string]model.ExecutionStatus{
		"PENDING": model.ExecutionStatusPending, "SKIPPED": model.ExecutionStatusSkipped,
		"RUNNING": model.ExecutionStatusRunning, "COMPLETED": model.ExecutionStatusSucceeded,
		"FAILED": model.ExecutionStatusFailed, "ROLLBACK_IN_PROGRESS": model.ExecutionStatusRunning,
		"ROLLBACK_COMPLETED": model.ExecutionStatusFailed, "CANCELLED": model.ExecutionStatusCancelled,
	},
	Final:   terminalIn("COMPLETED", "FAILED", "ROLLBACK_COMPLETED", "CANCELLED", "SKIPPED"),
	Input:   "imageBuildVersionArn",
	Type:    "ImageBuilderWorkflowExecution",
	Listing: "imageBuilderWorkflowExecutions",
	MaxPage: 25,
	Filter:  FilterInGateway,
	Nested:  []NestedListing{{Type: "ImageBuilderWorkflowExecution", Field: "steps", MaxPage: 25}},
	IDKeys:  2,
}

// The functions of ImageBuilder refer to ImageBuilder itself: they are set here, after it
// is initialized (CheckRegistry fails the start-up if one is missing).
func init() {
	ImageBuilder.List = (*Source).workflowExecutionListings
	ImageBuilder.Node = func(ctx context.Context, region string, keys []string) (func() (model.Node, error), error) {
		return nodeOf(Load(ctx, GetWorkflowExecution, RegionKey{Region: region, ID: keys[0]}),
			func(e *model.ImageBuilderWorkflowExecution) model.Node { return e }), nil
	}
}

// workflowExecutionListings is the listing of the workflow executions of
// an image build version, newest first, in the ARN's region (r.Region,
// when given, must be that one). AWS filters no status.
//
// BAD_USER_INPUT for an ARN AWS would refuse, a region not served, or a
// region that contradicts the ARN's.
func (s *Source) workflowExecutionListings(r Resource) ([]relay.Listing[model.Execution], error) {
	if err := imageBuildVersionArn.check(r.ID); err != nil {
		return nil, err
	}
	region, err := s.regionOf(r.Region, r.ID)
	if err != nil {
		return nil, err
	}
	client := s.imagebuilder.get(s.cfg, region)
	op := listOp[*model.ImageBuilderWorkflowExecution]{svc: ImageBuilder, op: "ListWorkflowExecutions", resource: "image build version " + r.ID,
		maxPage: ImageBuilder.MaxPage, fingerprint: relay.Fingerprint("imagebuilder", region, r.ID),
		key: func(e *model.ImageBuilderWorkflowExecution) string { return e.WorkflowExecutionID }}
	return one(op.listing(func(ctx context.Context, tok *string, size int32) ([]*model.ImageBuilderWorkflowExecution, *string, error) {
		out, err := client.ListWorkflowExecutions(ctx, &imagebuilder.ListWorkflowExecutionsInput{ImageBuildVersionArn: &r.ID, MaxResults: &size, NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return mapItems(out.WorkflowExecutions, func(it types.WorkflowExecutionMetadata) *model.ImageBuilderWorkflowExecution {
			return workflowExecution(region, r.ID, it)
		}), out.NextToken, nil
	})), nil
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
		Status:                  ImageBuilder.Normalize(string(it.Status)),
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
// in the given region (the steps connection of a listed execution).
func (s *Source) WorkflowSteps(region, workflowExecutionID string) (relay.Listing[*model.ImageBuilderWorkflowStepExecution], error) {
	region, err := s.nameRegion(region, workflowExecutionIDName, workflowExecutionID)
	if err != nil {
		return relay.Listing[*model.ImageBuilderWorkflowStepExecution]{}, err
	}
	client := s.imagebuilder.get(s.cfg, region)
	op := listOp[*model.ImageBuilderWorkflowStepExecution]{svc: ImageBuilder, op: "ListWorkflowStepExecutions", resource: "workflow execution " + workflowExecutionID,
		maxPage: ImageBuilder.Nested[0].MaxPage, fingerprint: relay.Fingerprint("imagebuilder-steps", region, workflowExecutionID),
		key: func(st *model.ImageBuilderWorkflowStepExecution) string { return st.StepExecutionID }}
	return op.listing(func(ctx context.Context, tok *string, size int32) ([]*model.ImageBuilderWorkflowStepExecution, *string, error) {
		out, err := client.ListWorkflowStepExecutions(ctx, &imagebuilder.ListWorkflowStepExecutionsInput{WorkflowExecutionId: &workflowExecutionID, MaxResults: &size, NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return mapItems(out.Steps, func(st types.WorkflowStepMetadata) *model.ImageBuilderWorkflowStepExecution {
			return &model.ImageBuilderWorkflowStepExecution{
				StepExecutionID: deref(st.StepExecutionId), Name: st.Name, Description: st.Description, Action: st.Action,
				Status: nativeOf(st.Status), RollbackStatus: nativeOf(st.RollbackStatus), Message: st.Message,
				Inputs: st.Inputs, Outputs: st.Outputs, StartTime: st.StartTime, EndTime: st.EndTime,
				StartedAt: parseDateTime(st.StartTime), EndedAt: parseDateTime(st.EndTime),
			}
		}), out.NextToken, nil
	}), nil
}

// GetWorkflowExecution gets a workflow execution by id, as its list item.
var GetWorkflowExecution = &Detail[RegionKey, *model.ImageBuilderWorkflowExecution]{
	Service: ImageBuilder, Op: "GetWorkflowExecution",
	Fetch: func(s *Source, ctx context.Context, k RegionKey) (*model.ImageBuilderWorkflowExecution, error) {
		region, err := s.nameRegion(k.Region, workflowExecutionIDName, k.ID)
		if err != nil {
			return nil, err
		}
		out, err := s.imagebuilder.get(s.cfg, region).GetWorkflowExecution(ctx, &imagebuilder.GetWorkflowExecutionInput{WorkflowExecutionId: &k.ID})
		if err != nil {
			return nil, callOf(ImageBuilder, "GetWorkflowExecution", "workflow execution "+k.ID, false).translate(err)
		}
		return workflowExecution(region, deref(out.ImageBuildVersionArn), types.WorkflowExecutionMetadata{
			WorkflowExecutionId: out.WorkflowExecutionId, WorkflowBuildVersionArn: out.WorkflowBuildVersionArn, Type: out.Type,
			Status: out.Status, Message: out.Message, TotalStepCount: out.TotalStepCount, TotalStepsSucceeded: out.TotalStepsSucceeded,
			TotalStepsFailed: out.TotalStepsFailed, TotalStepsSkipped: out.TotalStepsSkipped, StartTime: out.StartTime,
			EndTime: out.EndTime, ParallelGroup: out.ParallelGroup,
		}), nil
	},
	Final: func(e *model.ImageBuilderWorkflowExecution, now time.Time) bool {
		return ImageBuilder.Final(deref(e.NativeStatus), e.EndedAt, now)
	},
}
