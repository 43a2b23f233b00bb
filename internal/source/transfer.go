package source

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/transfer"
	"github.com/aws/aws-sdk-go-v2/service/transfer/types"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/gid"
	"github.com/execgraph/execgraph/internal/relay"
)

// Transfer is Transfer Family's workflow executions: ListExecutions, and
// DescribeExecution, DescribeWorkflow. AWS lists only executions in
// progress, and reports no times. AWS documents no API rates for it; 10 at
// once, 5 a second is a conservative floor.
var Transfer = &Service{
	Name: "transfer", SDKID: "Transfer", Kind: model.ExecutionServiceTransfer,
	Operations: []Operation{
		{"ListExecutions", Limit{Burst: 10, PerSecond: 5}},
		{"DescribeExecution", Limit{Burst: 10, PerSecond: 5}},
		{"DescribeWorkflow", Limit{Burst: 10, PerSecond: 5}},
	},
	Statuses: map[string]model.ExecutionStatus{
		"IN_PROGRESS": model.ExecutionStatusRunning, "COMPLETED": model.ExecutionStatusSucceeded,
		"EXCEPTION": model.ExecutionStatusFailed, "HANDLING_EXCEPTION": model.ExecutionStatusRunning,
	},
	// Transfer lists and describes only executions in progress: none is
	// ever final.
	Final:   func(string, *time.Time, time.Time) bool { return false },
	Input:   "transferWorkflowId",
	Type:    "TransferExecution",
	Listing: "transferExecutions",
	MaxPage: 1000,
	Filter:  FilterInGateway,
	Details: []DetailFields{
		{Op: "DescribeExecution", Type: "TransferExecution", Fields: []string{"executionRole", "posixProfile", "loggingConfiguration", "results"}},
		{Op: "DescribeWorkflow", Type: "TransferExecution", Fields: []string{"workflow"}},
	},
	IDKeys: 2,
}

// The functions of Transfer refer to Transfer itself: they are set here, after it
// is initialized (CheckRegistry fails the start-up if one is missing).
func init() {
	Transfer.List = (*Source).transferListings
	Transfer.Node = func(ctx context.Context, region string, keys []string) (func() (model.Node, error), error) {
		k := TransferKey{Region: region, WorkflowID: keys[0], ExecutionID: keys[1]}
		return nodeOf(Load(ctx, DescribeTransferExecution, k), func(d *TransferExecutionDetails) model.Node { return d.Item }), nil
	}
}

// transferListings is the listing of a workflow's in-progress executions,
// newest created first. AWS filters no status.
//
// BAD_USER_INPUT for a workflow id AWS would refuse or a region not served.
func (s *Source) transferListings(r Resource) ([]relay.Listing[model.Execution], error) {
	region, err := s.nameRegion(r.Region, transferWorkflowID, r.ID)
	if err != nil {
		return nil, err
	}
	client := s.transfer.get(s.cfg, region)
	op := listOp[*model.TransferExecution]{svc: Transfer, op: "ListExecutions", resource: "workflow " + r.ID, maxPage: Transfer.MaxPage,
		fingerprint: relay.Fingerprint("transfer", region, r.ID),
		key:         func(e *model.TransferExecution) string { return e.ExecutionID }}
	return one(op.listing(func(ctx context.Context, tok *string, size int32) ([]*model.TransferExecution, *string, error) {
		out, err := client.ListExecutions(ctx, &transfer.ListExecutionsInput{WorkflowId: &r.ID, MaxResults: &size, NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return mapItems(out.Executions, func(it types.ListedExecution) *model.TransferExecution { return transferExecution(region, r.ID, it) }), out.NextToken, nil
	})), nil
}

func transferExecution(region, workflowID string, it types.ListedExecution) *model.TransferExecution {
	id := deref(it.ExecutionId)
	e := &model.TransferExecution{
		ID:           gid.Encode(string(model.ExecutionServiceTransfer), region, workflowID, id),
		Service:      model.ExecutionServiceTransfer,
		Region:       region,
		Status:       Transfer.Normalize(string(it.Status)),
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

// TransferKey names one Transfer Family workflow execution.
type TransferKey struct{ Region, WorkflowID, ExecutionID string }

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
var DescribeTransferExecution = &Detail[TransferKey, *TransferExecutionDetails]{
	Service: Transfer, Op: "DescribeExecution",
	Fetch: (*Source).describeTransferExecution,
}

func (s *Source) describeTransferExecution(ctx context.Context, k TransferKey) (*TransferExecutionDetails, error) {
	region, err := s.nameRegion(k.Region, transferWorkflowID, k.WorkflowID)
	if err == nil {
		err = transferExecutionID.check(k.ExecutionID)
	}
	if err != nil {
		return nil, err
	}
	out, err := s.transfer.get(s.cfg, region).DescribeExecution(ctx, &transfer.DescribeExecutionInput{WorkflowId: &k.WorkflowID, ExecutionId: &k.ExecutionID})
	if err != nil {
		return nil, callOf(Transfer, "DescribeExecution", "execution "+k.ExecutionID+" of workflow "+k.WorkflowID, false).translate(err)
	}
	e := out.Execution
	if e == nil {
		return nil, apperr.New(apperr.NotFound, "execution %s of workflow %s not found", k.ExecutionID, k.WorkflowID)
	}
	d := &TransferExecutionDetails{ExecutionRole: e.ExecutionRole}
	d.Item = transferExecution(region, k.WorkflowID, types.ListedExecution{ExecutionId: e.ExecutionId,
		InitialFileLocation: e.InitialFileLocation, ServiceMetadata: e.ServiceMetadata, Status: e.Status})
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
	return mapItems(steps, func(st types.ExecutionStepResult) *model.TransferExecutionStepResult {
		r := &model.TransferExecutionStepResult{StepType: nativeOf(st.StepType), Outputs: st.Outputs}
		if e := st.Error; e != nil {
			r.Error = &model.TransferExecutionError{Type: nativeOf(e.Type), Message: e.Message}
		}
		return r
	})
}

// DescribeWorkflow describes a Transfer Family workflow. Workflows change:
// never kept.
var DescribeWorkflow = &Detail[RegionKey, *model.TransferWorkflow]{
	Service: Transfer, Op: "DescribeWorkflow",
	Fetch: func(s *Source, ctx context.Context, k RegionKey) (*model.TransferWorkflow, error) {
		region, err := s.nameRegion(k.Region, transferWorkflowID, k.ID)
		if err != nil {
			return nil, err
		}
		out, err := s.transfer.get(s.cfg, region).DescribeWorkflow(ctx, &transfer.DescribeWorkflowInput{WorkflowId: &k.ID})
		if err != nil {
			return nil, callOf(Transfer, "DescribeWorkflow", "workflow "+k.ID, false).translate(err)
		}
		w := &model.TransferWorkflow{WorkflowID: k.ID}
		if out.Workflow != nil {
			w.Arn, w.Description = out.Workflow.Arn, out.Workflow.Description
		}
		return w, nil
	},
}
