package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/imagebuilder"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/transfer"
)

// jsonOf renders v as JSON, for comparing the gateway's fields with the
// SDK's values mapped to the same shape.
func jsonOf(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestLambdaDetailsEqualTheSDK: GetDurableExecution fields, one call per item.
func TestLambdaDetailsEqualTheSDK(t *testing.T) {
	m := startGateway(t)
	fn := largest(t, m, "lambda")
	var resp struct {
		Data struct {
			LambdaDurableExecutions struct {
				Nodes []struct {
					DurableExecutionArn string
					InputPayload        *string
					Result              *string
					Error               *struct{ ErrorType, ErrorMessage *string }
					Version             *string
				}
			}
		}
		Errors []gqlError
	}
	postInto(t, m, `query($id: String!) { lambdaDurableExecutions(functionName: $id, first: 40, statuses: [SUCCEEDED, FAILED, RUNNING]) {
		nodes { durableExecutionArn inputPayload result error { errorType errorMessage } version } } }`, map[string]any{"id": fn.ID}, &resp)
	nodes := resp.Data.LambdaDurableExecutions.Nodes
	if len(resp.Errors) > 0 || len(nodes) != 40 {
		t.Fatalf("%d nodes, errors %+v", len(nodes), resp.Errors)
	}
	if got := stats(m)["lambda.GetDurableExecution"]; got != 40 {
		t.Errorf("%d GetDurableExecution calls, want 40", got)
	}
	client := lambda.NewFromConfig(m.AWS)
	withError := 0
	for _, n := range nodes {
		out, err := client.GetDurableExecution(context.Background(), &lambda.GetDurableExecutionInput{DurableExecutionArn: &n.DurableExecutionArn})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"in": out.InputPayload, "res": out.Result, "ver": out.Version}
		got := map[string]any{"in": n.InputPayload, "res": n.Result, "ver": n.Version}
		if out.Error != nil {
			withError++
			want["err"] = []*string{out.Error.ErrorType, out.Error.ErrorMessage}
		}
		if n.Error != nil {
			got["err"] = []*string{n.Error.ErrorType, n.Error.ErrorMessage}
		}
		if jsonOf(t, got) != jsonOf(t, want) {
			t.Errorf("%s: gateway %s, SDK %s", n.DurableExecutionArn, jsonOf(t, got), jsonOf(t, want))
		}
	}
	if withError == 0 {
		t.Error("no failed execution among the 40: the error field went untested")
	}
}

// TestIoTDetailsEqualTheSDK: DescribeJobExecution per item, DescribeJob once,
// DescribeThing once per distinct thing.
func TestIoTDetailsEqualTheSDK(t *testing.T) {
	m := startGateway(t)
	job := largest(t, m, "iot")
	var resp struct {
		Data struct {
			IotJobExecutions struct {
				Nodes []struct {
					ThingArn, ThingName, NativeStatus string
					StatusDetails                     []struct{ Key, Value string }
					ForceCanceled                     *bool
					VersionNumber                     *int
					ApproximateSecondsBeforeTimedOut  *int
					Job                               struct{ JobID, Status, Description *string }
					Thing                             struct {
						ThingName     string
						ThingTypeName *string
						Attributes    []struct{ Key, Value string }
					}
				}
			}
		}
		Errors []gqlError
	}
	postInto(t, m, `query($id: String!) { iotJobExecutions(jobId: $id, first: 60) { nodes {
		thingArn thingName nativeStatus statusDetails { key value } forceCanceled versionNumber approximateSecondsBeforeTimedOut
		job { jobId status description } thing { thingName thingTypeName attributes { key value } } } } }`, map[string]any{"id": job.ID}, &resp)
	nodes := resp.Data.IotJobExecutions.Nodes
	if len(resp.Errors) > 0 || len(nodes) != 60 {
		t.Fatalf("%d nodes, errors %+v", len(nodes), resp.Errors)
	}
	things := map[string]bool{}
	for _, n := range nodes {
		things[n.ThingName] = true
	}
	want := map[string]int64{"iot.ListJobExecutionsForJob": 1, "iot.DescribeJobExecution": 60, "iot.DescribeJob": 1, "iot.DescribeThing": int64(len(things))}
	if got := stats(m); !maps.Equal(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
	client := iot.NewFromConfig(m.AWS)
	jobOut, err := client.DescribeJob(context.Background(), &iot.DescribeJobInput{JobId: &job.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if "arn:aws:iot:us-east-1:123456789012:thing/"+n.ThingName != n.ThingArn {
			t.Errorf("thingName %q of %s", n.ThingName, n.ThingArn)
		}
		je, err := client.DescribeJobExecution(context.Background(), &iot.DescribeJobExecutionInput{JobId: &job.ID, ThingName: &n.ThingName})
		if err != nil {
			t.Fatal(err)
		}
		th, err := client.DescribeThing(context.Background(), &iot.DescribeThingInput{ThingName: &n.ThingName})
		if err != nil {
			t.Fatal(err)
		}
		e := je.Execution
		var details map[string]string
		if e.StatusDetails != nil {
			details = e.StatusDetails.DetailsMap
		}
		want := jsonOf(t, []any{kv(details), e.ForceCanceled, e.VersionNumber, e.ApproximateSecondsBeforeTimedOut,
			[]any{jobOut.Job.JobId, jobOut.Job.Status, jobOut.Job.Description}, []any{th.ThingName, th.ThingTypeName, kv(th.Attributes)}})
		got := jsonOf(t, []any{n.StatusDetails, n.ForceCanceled, n.VersionNumber, n.ApproximateSecondsBeforeTimedOut,
			[]any{n.Job.JobID, n.Job.Status, n.Job.Description}, []any{n.Thing.ThingName, n.Thing.ThingTypeName, n.Thing.Attributes}})
		if got != want {
			t.Errorf("%s: gateway %s, SDK %s", n.ThingName, got, want)
		}
	}
	m.Emulator.ResetStats() // the SDK's own calls above are not the gateway's
	postInto(t, m, `query($id: String!) { iotJobExecutions(jobId: $id, first: 60) { nodes {
		statusDetails { key } job { jobId } thing { thingTypeName } } } }`, map[string]any{"id": job.ID}, &resp)
	// Ended executions are cached now: only the others are described again.
	ended := int64(0)
	for _, n := range nodes {
		if !slices.Contains([]string{"QUEUED", "IN_PROGRESS"}, n.NativeStatus) {
			ended++
		}
	}
	got := stats(m)
	want["iot.DescribeJobExecution"] = 60 - ended
	if !maps.Equal(got, want) || ended == 0 || ended == 60 {
		t.Errorf("calls %v, want %v with some but not all executions ended", got, want)
	}
}

// kv renders a map as the gateway's sorted key-value list.
func kv(m map[string]string) []map[string]string {
	if m == nil {
		return nil
	}
	out := []map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, map[string]string{"Key": k, "Value": m[k]})
	}
	return out
}

// TestTransferDetailsEqualTheSDK: DescribeExecution per item, DescribeWorkflow once.
func TestTransferDetailsEqualTheSDK(t *testing.T) {
	m := startGateway(t)
	wf := largest(t, m, "transfer")
	var resp struct {
		Data struct {
			TransferExecutions struct {
				Nodes []struct {
					ExecutionID          string
					ExecutionRole        *string
					PosixProfile         *struct{ UID, Gid *int }
					LoggingConfiguration *struct{ LoggingRole, LogGroupName *string }
					Results              *struct {
						Steps []struct {
							StepType, Outputs *string
							Error             *struct{ Type, Message *string }
						}
					}
					Workflow struct{ WorkflowID, Description *string }
				}
			}
		}
		Errors []gqlError
	}
	postInto(t, m, `query($id: String!) { transferExecutions(workflowId: $id, first: 25) { nodes { executionId executionRole
		posixProfile { uid gid } loggingConfiguration { loggingRole logGroupName }
		results { steps { stepType outputs error { type message } } } workflow { workflowId description } } } }`, map[string]any{"id": wf.ID}, &resp)
	nodes := resp.Data.TransferExecutions.Nodes
	if len(resp.Errors) > 0 || len(nodes) != 25 {
		t.Fatalf("%d nodes, errors %+v", len(nodes), resp.Errors)
	}
	if got, want := stats(m), map[string]int64{"transfer.ListExecutions": 1, "transfer.DescribeExecution": 25, "transfer.DescribeWorkflow": 1}; !maps.Equal(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
	client := transfer.NewFromConfig(m.AWS)
	wout, err := client.DescribeWorkflow(context.Background(), &transfer.DescribeWorkflowInput{WorkflowId: &wf.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		out, err := client.DescribeExecution(context.Background(), &transfer.DescribeExecutionInput{WorkflowId: &wf.ID, ExecutionId: &n.ExecutionID})
		if err != nil {
			t.Fatal(err)
		}
		e := out.Execution
		var steps []any
		for _, st := range e.Results.Steps {
			var errv any
			if st.Error != nil {
				errv = []any{st.Error.Type, st.Error.Message}
			}
			steps = append(steps, []any{st.StepType, st.Outputs, errv})
		}
		var gsteps []any
		for _, st := range n.Results.Steps {
			var errv any
			if st.Error != nil {
				errv = []any{st.Error.Type, st.Error.Message}
			}
			gsteps = append(gsteps, []any{st.StepType, st.Outputs, errv})
		}
		var posix, logging any
		if p := e.PosixProfile; p != nil {
			posix = []any{p.Uid, p.Gid}
		}
		if l := e.LoggingConfiguration; l != nil {
			logging = []any{l.LoggingRole, l.LogGroupName}
		}
		var gposix, glogging any
		if p := n.PosixProfile; p != nil {
			gposix = []any{p.UID, p.Gid}
		}
		if l := n.LoggingConfiguration; l != nil {
			glogging = []any{l.LoggingRole, l.LogGroupName}
		}
		want := jsonOf(t, []any{e.ExecutionRole, posix, logging, steps, wout.Workflow.WorkflowId, wout.Workflow.Description})
		got := jsonOf(t, []any{n.ExecutionRole, gposix, glogging, gsteps, n.Workflow.WorkflowID, n.Workflow.Description})
		if got != want {
			t.Errorf("%s: gateway %s, SDK %s", n.ExecutionID, got, want)
		}
	}
}

// TestWorkflowStepsConnection: the nested steps connection of the Image
// Builder execution with the most steps, walked at first 1, 7, 25 and 1000,
// equals the SDK's ListWorkflowStepExecutions with the minimal list calls;
// resuming inside an upstream page continues exactly; a cursor of another
// execution's steps is INVALID_CURSOR.
func TestWorkflowStepsConnection(t *testing.T) {
	m := startGateway(t)
	img := largest(t, m, "imagebuilder")
	client := imagebuilder.NewFromConfig(m.AWS)
	// The executions in listing order, and the one with the most steps.
	var ids []string
	var counts []int32
	p := imagebuilder.NewListWorkflowExecutionsPaginator(client, &imagebuilder.ListWorkflowExecutionsInput{ImageBuildVersionArn: &img.ID, MaxResults: aws.Int32(25)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.WorkflowExecutions {
			ids, counts = append(ids, *e.WorkflowExecutionId), append(counts, e.TotalStepCount)
		}
	}
	target := slices.Index(counts, slices.Max(counts))
	var want []string
	sp := imagebuilder.NewListWorkflowStepExecutionsPaginator(client, &imagebuilder.ListWorkflowStepExecutionsInput{WorkflowExecutionId: &ids[target], MaxResults: aws.Int32(25)})
	for sp.HasMorePages() {
		page, err := sp.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range page.Steps {
			want = append(want, *st.StepExecutionId)
		}
	}
	if len(want) <= 50 {
		t.Fatalf("the largest execution has %d steps: too few to page", len(want))
	}
	// The parent cursor that selects exactly the target execution.
	var parentAfter *string
	if target > 0 {
		var resp struct {
			Data struct {
				ImageBuilderWorkflowExecutions struct{ Edges []struct{ Cursor string } }
			}
			Errors []gqlError
		}
		postInto(t, m, `query($id: String!, $n: Int) { imageBuilderWorkflowExecutions(imageBuildVersionArn: $id, first: $n) { edges { cursor } } }`,
			map[string]any{"id": img.ID, "n": target}, &resp)
		parentAfter = &resp.Data.ImageBuilderWorkflowExecutions.Edges[target-1].Cursor
	}
	stepsPage := func(first int, after *string) (connPage, []gqlError) {
		var resp struct {
			Data struct {
				ImageBuilderWorkflowExecutions struct {
					Nodes []struct {
						WorkflowExecutionID string
						Steps               *connPage
					}
				}
			}
			Errors []gqlError
		}
		postInto(t, m, `query($id: String!, $pa: String, $first: Int, $after: String) {
			imageBuilderWorkflowExecutions(imageBuildVersionArn: $id, first: 1, after: $pa) { nodes { workflowExecutionId
				steps(first: $first, after: $after) `+fmt.Sprintf(pageSelection, "stepExecutionId")+` } } }`,
			map[string]any{"id": img.ID, "pa": parentAfter, "first": first, "after": after}, &resp)
		nodes := resp.Data.ImageBuilderWorkflowExecutions.Nodes
		if len(nodes) != 1 || nodes[0].WorkflowExecutionID != ids[target] {
			t.Fatalf("parent page %+v", nodes)
		}
		if nodes[0].Steps == nil {
			return connPage{}, resp.Errors
		}
		return *nodes[0].Steps, resp.Errors
	}
	var cursors []string
	for _, first := range []int{1, 7, 25, 1000} {
		m.Emulator.ResetStats()
		var got []string
		var after *string
		for range 200 {
			p, errs := stepsPage(first, after)
			if len(errs) > 0 {
				t.Fatalf("errors %+v", errs)
			}
			for _, e := range p.Edges {
				got = append(got, e.Node.Key)
				if first == 7 {
					cursors = append(cursors, e.Cursor)
				}
			}
			if !p.PageInfo.HasNextPage {
				break
			}
			after = p.PageInfo.EndCursor
		}
		if !slices.Equal(got, want) {
			t.Fatalf("first %d: %d steps, want %d (first difference at %d)", first, len(got), len(want), firstDiff(got, want))
		}
		if calls, min := stats(m)["imagebuilder.ListWorkflowStepExecutions"], minimalCalls(len(want), first, 25); calls != int64(min) {
			t.Errorf("first %d: %d step list calls, want %d", first, calls, min)
		}
	}
	for _, i := range []int{0, 3, 9, len(cursors) - 2} {
		p, errs := stepsPage(5, &cursors[i])
		var got []string
		for _, e := range p.Edges {
			got = append(got, e.Node.Key)
		}
		if len(errs) > 0 || !slices.Equal(got, want[i+1:min(i+6, len(want))]) {
			t.Errorf("after step %d: got %v (errors %+v)", i, got, errs)
		}
	}
	// A steps cursor of the target execution, used on every execution of the
	// first page: valid on the target's steps only.
	var resp struct{ Errors []gqlError }
	postInto(t, m, `query($id: String!, $after: String) { imageBuilderWorkflowExecutions(imageBuildVersionArn: $id, first: 25) {
		nodes { workflowExecutionId steps(first: 2, after: $after) { nodes { stepExecutionId } } } } }`, map[string]any{"id": img.ID, "after": cursors[2]}, &resp)
	invalid := 0
	for _, e := range resp.Errors {
		if e.code() != "INVALID_CURSOR" {
			t.Errorf("error %+v", e)
		}
		invalid++
	}
	wantInvalid := min(25, len(ids))
	if target < wantInvalid {
		wantInvalid--
	}
	if invalid != wantInvalid {
		t.Errorf("%d INVALID_CURSOR errors, want %d (all but the target's steps)", invalid, wantInvalid)
	}
}
