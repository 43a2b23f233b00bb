package source

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/transfer"
	"github.com/aws/aws-sdk-go-v2/service/transfer/types"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/gid"
	"github.com/execgraph/execgraph/internal/relay"
)

// transferService is Transfer Family. AWS documents no API rates for it;
// 10 at once, 5 a second is a conservative floor.
var transferService = &Service{Name: "transfer", SDKID: "Transfer", Operations: []Operation{
	{"ListExecutions", Limit{Burst: 10, PerSecond: 5}},
	{"DescribeExecution", Limit{Burst: 10, PerSecond: 5}},
	{"DescribeWorkflow", Limit{Burst: 10, PerSecond: 5}},
}}

// transferMaxPage is ListExecutions' largest page.
const transferMaxPage = 1000

// TransferExecutions is the listing of a Transfer Family workflow's
// in-progress executions, newest created first. AWS reports no times.
// BAD_USER_INPUT for a workflow id AWS would refuse or a region not served.
func (s *Source) TransferExecutions(region, workflowID string) (relay.Listing[*model.TransferExecution], error) {
	region, err := s.nameRegion(region, transferWorkflowID, workflowID)
	if err != nil {
		return relay.Listing[*model.TransferExecution]{}, err
	}
	client := s.transfer.get(s.cfg, region)
	return relay.Listing[*model.TransferExecution]{
		Fingerprint: relay.Fingerprint("transfer", region, workflowID),
		MaxPage:     transferMaxPage,
		Key:         func(e *model.TransferExecution) string { return e.ExecutionID },
		Fetch: func(ctx context.Context, tok string, size int) (relay.Page[*model.TransferExecution], error) {
			n := int32(size)
			out, err := client.ListExecutions(ctx, &transfer.ListExecutionsInput{WorkflowId: &workflowID, MaxResults: &n, NextToken: token(tok)})
			if err != nil {
				return relay.Page[*model.TransferExecution]{}, call{"transfer", "ListExecutions", "workflow " + workflowID, tok != ""}.translate(err)
			}
			page := relay.Page[*model.TransferExecution]{Next: deref(out.NextToken)}
			for _, it := range out.Executions {
				page.Items = append(page.Items, transferExecution(region, workflowID, it))
			}
			return page, nil
		},
	}, nil
}

func transferExecution(region, workflowID string, it types.ListedExecution) *model.TransferExecution {
	id := deref(it.ExecutionId)
	e := &model.TransferExecution{
		ID:           gid.Encode(string(model.ExecutionServiceTransfer), region, workflowID, id),
		Service:      model.ExecutionServiceTransfer,
		Region:       region,
		Status:       Normalize(model.ExecutionServiceTransfer, string(it.Status)),
		NativeStatus: nativeOf(it.Status),
		WorkflowID:   workflowID,
		ExecutionID:  id,
	}
	if loc := it.InitialFileLocation; loc != nil {
		e.InitialFileLocation = &model.TransferFileLocation{}
		if s3 := loc.S3FileLocation; s3 != nil {
			e.InitialFileLocation.S3FileLocation = &model.TransferS3FileLocation{Bucket: s3.Bucket, Key: s3.Key, VersionID: s3.VersionId, Etag: s3.Etag}
		}
		if efs := loc.EfsFileLocation; efs != nil {
			e.InitialFileLocation.EfsFileLocation = &model.TransferEfsFileLocation{FileSystemID: efs.FileSystemId, Path: efs.Path}
		}
	}
	if md := it.ServiceMetadata; md != nil {
		e.ServiceMetadata = &model.TransferServiceMetadata{}
		if u := md.UserDetails; u != nil {
			e.ServiceMetadata.UserDetails = &model.TransferUserDetails{UserName: u.UserName, ServerID: u.ServerId, SessionID: u.SessionId}
		}
	}
	return e
}

// TransferExecutionDetails is what DescribeExecution tells of an
// execution: the list item (for refetching by id) and the fields the list
// leaves out.
type TransferExecutionDetails struct {
	Item                 *model.TransferExecution
	ExecutionRole        *string
	PosixProfile         *model.TransferPosixProfile
	LoggingConfiguration *model.TransferLoggingConfiguration
	Results              *model.TransferExecutionResults
}

// DescribeTransferExecution describes an in-progress workflow execution.
func (s *Source) DescribeTransferExecution(ctx context.Context, region, workflowID, executionID string) (*TransferExecutionDetails, error) {
	region, err := s.nameRegion(region, transferWorkflowID, workflowID)
	if err == nil {
		err = transferExecutionID.check(executionID)
	}
	if err != nil {
		return nil, err
	}
	out, err := s.transfer.get(s.cfg, region).DescribeExecution(ctx, &transfer.DescribeExecutionInput{WorkflowId: &workflowID, ExecutionId: &executionID})
	if err != nil {
		return nil, call{"transfer", "DescribeExecution", "execution " + executionID + " of workflow " + workflowID, false}.translate(err)
	}
	e := out.Execution
	if e == nil {
		return nil, apperr.New(apperr.NotFound, "execution %s of workflow %s not found", executionID, workflowID)
	}
	d := &TransferExecutionDetails{}
	d.Item = transferExecution(region, workflowID, types.ListedExecution{ExecutionId: e.ExecutionId,
		InitialFileLocation: e.InitialFileLocation, ServiceMetadata: e.ServiceMetadata, Status: e.Status})
	d.ExecutionRole = e.ExecutionRole
	if p := e.PosixProfile; p != nil {
		d.PosixProfile = &model.TransferPosixProfile{UID: int64pp(p.Uid), Gid: int64pp(p.Gid)}
		for _, g := range p.SecondaryGids {
			d.PosixProfile.SecondaryGids = append(d.PosixProfile.SecondaryGids, int(g))
		}
	}
	if l := e.LoggingConfiguration; l != nil {
		d.LoggingConfiguration = &model.TransferLoggingConfiguration{LoggingRole: l.LoggingRole, LogGroupName: l.LogGroupName}
	}
	if r := e.Results; r != nil {
		d.Results = &model.TransferExecutionResults{Steps: stepResults(r.Steps), OnExceptionSteps: stepResults(r.OnExceptionSteps)}
	}
	return d, nil
}

func stepResults(steps []types.ExecutionStepResult) []*model.TransferExecutionStepResult {
	out := make([]*model.TransferExecutionStepResult, 0, len(steps))
	for _, st := range steps {
		r := &model.TransferExecutionStepResult{StepType: nativeOf(st.StepType), Outputs: st.Outputs}
		if e := st.Error; e != nil {
			r.Error = &model.TransferExecutionError{Type: nativeOf(e.Type), Message: e.Message}
		}
		out = append(out, r)
	}
	return out
}

// DescribeWorkflow describes a Transfer Family workflow.
func (s *Source) DescribeWorkflow(ctx context.Context, region, workflowID string) (*model.TransferWorkflow, error) {
	region, err := s.nameRegion(region, transferWorkflowID, workflowID)
	if err != nil {
		return nil, err
	}
	out, err := s.transfer.get(s.cfg, region).DescribeWorkflow(ctx, &transfer.DescribeWorkflowInput{WorkflowId: &workflowID})
	if err != nil {
		return nil, call{"transfer", "DescribeWorkflow", "workflow " + workflowID, false}.translate(err)
	}
	w := &model.TransferWorkflow{WorkflowID: workflowID}
	if out.Workflow != nil {
		w.Arn, w.Description = out.Workflow.Arn, out.Workflow.Description
	}
	return w, nil
}
