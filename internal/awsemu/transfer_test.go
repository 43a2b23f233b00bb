package awsemu_test

import (
	"encoding/json"
	"net/http"
	"path"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/transfer"
	"github.com/aws/aws-sdk-go-v2/service/transfer/types"
	"github.com/aws/smithy-go"

	"github.com/execgraph/execgraph/internal/awsemu"
)

// xferInProgress are the statuses ListExecutions and DescribeExecution show.
var xferInProgress = map[types.ExecutionStatus]bool{
	types.ExecutionStatusInProgress:        true,
	types.ExecutionStatusHandlingException: true,
}

// xferClient returns a Transfer client of the region.
func xferClient(srv *awsemu.Server, region string) *transfer.Client {
	return transfer.NewFromConfig(sdkConfig(srv.URL, region))
}

// xferClients returns a Transfer client per seeded region.
func xferClients(srv *awsemu.Server) map[string]*transfer.Client {
	return map[string]*transfer.Client{
		awsemu.DefaultRegion: xferClient(srv, awsemu.DefaultRegion),
		awsemu.SecondRegion:  xferClient(srv, awsemu.SecondRegion),
	}
}

// xferResource returns the manifest's Transfer workflow of region whose
// execution count satisfies ok.
func xferResource(t *testing.T, srv *awsemu.Server, region string, ok func(count int) bool) awsemu.Resource {
	t.Helper()
	for _, r := range resources(t, srv, "transfer") {
		if r.Region == region && ok(r.Count) {
			return r
		}
	}
	t.Fatalf("no transfer workflow in %s with the wanted count", region)
	return awsemu.Resource{}
}

func xferLarge(n int) bool { return n > 2500 }
func xferSmall(n int) bool { return n >= 1 && n <= 10 }

// xferWalk lists every execution of a workflow with the SDK paginator at the
// given page size (nil: the default of 1000). It checks that every page but
// the last is full and that the walk ends within the pages count needs.
func xferWalk(t *testing.T, c *transfer.Client, workflowID string, size *int32, count int) []types.ListedExecution {
	t.Helper()
	pageSize := 1000
	if size != nil {
		pageSize = int(*size)
	}
	maxPages := count/pageSize + 2
	p := transfer.NewListExecutionsPaginator(c, &transfer.ListExecutionsInput{WorkflowId: aws.String(workflowID), MaxResults: size})
	var out []types.ListedExecution
	for pages := 0; p.HasMorePages(); pages++ {
		if pages == maxPages {
			t.Fatalf("walk of %s at size %d did not end after %d pages", workflowID, pageSize, pages)
		}
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("ListExecutions %s page %d: %v", workflowID, pages, err)
		}
		if got := aws.ToString(page.WorkflowId); got != workflowID {
			t.Fatalf("page WorkflowId %q, want %q", got, workflowID)
		}
		if page.NextToken != nil && len(page.Executions) != pageSize {
			t.Fatalf("page %d of %s has %d executions and a next token, want a full page of %d", pages, workflowID, len(page.Executions), pageSize)
		}
		out = append(out, page.Executions...)
	}
	return out
}

// xferCreated returns the creation time that starts the name of the
// execution's uploaded file.
func xferCreated(t *testing.T, loc *types.FileLocation) time.Time {
	t.Helper()
	var p string
	switch {
	case loc == nil:
		t.Fatal("execution has no InitialFileLocation")
	case loc.S3FileLocation != nil:
		p = aws.ToString(loc.S3FileLocation.Key)
	case loc.EfsFileLocation != nil:
		p = aws.ToString(loc.EfsFileLocation.Path)
	}
	stamp, _, _ := strings.Cut(path.Base(p), "_")
	created, err := time.Parse("20060102T150405.000Z", stamp)
	if err != nil {
		t.Fatalf("file %q does not start with its creation time: %v", p, err)
	}
	return created
}

func TestTransferSeedLayout(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	counts := map[string][]int{}
	for _, r := range resources(t, srv, "transfer") {
		if !regexp.MustCompile(`^w-[a-z0-9]{17}$`).MatchString(r.ID) {
			t.Errorf("workflow id %q does not match w-[a-z0-9]{17}", r.ID)
		}
		counts[r.Region] = append(counts[r.Region], r.Count)
	}
	has := func(region string, ok func(int) bool) bool {
		for _, n := range counts[region] {
			if ok(n) {
				return true
			}
		}
		return false
	}
	checks := []struct {
		region, what string
		ok           func(int) bool
	}{
		{awsemu.DefaultRegion, "idle (0)", func(n int) bool { return n == 0 }},
		{awsemu.DefaultRegion, "small (1-10)", xferSmall},
		{awsemu.DefaultRegion, "large (2600-2800)", func(n int) bool { return n >= 2600 && n <= 2800 }},
		{awsemu.SecondRegion, "small (1-10)", xferSmall},
		{awsemu.SecondRegion, "medium (30-120)", func(n int) bool { return n >= 30 && n <= 120 }},
	}
	for _, c := range checks {
		if !has(c.region, c.ok) {
			t.Errorf("%s has no %s workflow: counts %v", c.region, c.what, counts[c.region])
		}
	}
}

func TestTransferListExecutionsWalk(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	clients := xferClients(srv)
	for _, res := range resources(t, srv, "transfer") {
		t.Run(res.Region+"/"+res.ID, func(t *testing.T) {
			sizes := []*int32{aws.Int32(1), aws.Int32(7), nil, aws.Int32(1000)}
			if res.Count >= 30 {
				sizes = []*int32{aws.Int32(17), aws.Int32(999), nil, aws.Int32(1000)}
			}
			var first []string
			for _, size := range sizes {
				execs := xferWalk(t, clients[res.Region], res.ID, size, res.Count)
				ids := make([]string, len(execs))
				seen := map[string]bool{}
				for i, x := range execs {
					ids[i] = aws.ToString(x.ExecutionId)
					if seen[ids[i]] {
						t.Fatalf("execution %s listed twice", ids[i])
					}
					seen[ids[i]] = true
					if !xferInProgress[x.Status] {
						t.Errorf("listed execution %s has status %s, not in progress", ids[i], x.Status)
					}
					if i > 0 && !xferCreated(t, x.InitialFileLocation).Before(xferCreated(t, execs[i-1].InitialFileLocation)) {
						t.Fatalf("execution %d (%s) was not created before execution %d: not newest first", i, ids[i], i-1)
					}
				}
				if len(ids) != res.Count {
					t.Fatalf("walk at size %v listed %d executions, manifest says %d", aws.ToInt32(size), len(ids), res.Count)
				}
				if first == nil {
					first = ids
				} else if !reflect.DeepEqual(ids, first) {
					t.Fatalf("walk at size %v differs from the walk at size %v", aws.ToInt32(size), aws.ToInt32(sizes[0]))
				}
			}
		})
	}
}

func TestTransferListExecutionsBadToken(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	srv, _ := startEmulator(t, awsemu.Options{TokenTTL: time.Hour, Now: clk.Now})
	c := xferClient(srv, awsemu.DefaultRegion)
	large := xferResource(t, srv, awsemu.DefaultRegion, xferLarge)
	small := xferResource(t, srv, awsemu.DefaultRegion, xferSmall)
	list := func(workflowID string, token *string) (*transfer.ListExecutionsOutput, error) {
		return c.ListExecutions(ctx(t), &transfer.ListExecutionsInput{WorkflowId: aws.String(workflowID), MaxResults: aws.Int32(1), NextToken: token})
	}
	first, err := list(large.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	token := aws.ToString(first.NextToken)
	second, err := list(large.ID, &token)
	if err != nil {
		t.Fatalf("fresh token refused: %v", err)
	}
	if len(second.Executions) != 1 || aws.ToString(second.Executions[0].ExecutionId) == aws.ToString(first.Executions[0].ExecutionId) {
		t.Fatalf("fresh token did not resume after the first execution")
	}
	tampered := []byte(token)
	tampered[len(tampered)/2] ^= 1
	tests := []struct {
		name, workflowID, token string
		advance                 time.Duration
	}{
		{"garbage", large.ID, "not-a-token", 0},
		{"tampered", large.ID, string(tampered), 0},
		{"other workflow", small.ID, token, 0},
		{"expired", large.ID, token, 2 * time.Hour}, // last: it moves the clock
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk.now = clk.now.Add(tc.advance)
			_, err := list(tc.workflowID, aws.String(tc.token))
			wantAPIError[*types.InvalidNextTokenException](t, err, "InvalidNextTokenException", 400)
		})
	}
}

func TestTransferListExecutionsPageSize(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	c := xferClient(srv, awsemu.DefaultRegion)
	small := xferResource(t, srv, awsemu.DefaultRegion, xferSmall)
	tests := []struct {
		workflowID string
		size       int32
		ok         bool
	}{
		{small.ID, 0, false},
		{small.ID, -1, false},
		{small.ID, 1001, false},
		{"w-00000000000000000", 0, false}, // the size is checked before the workflow
		{small.ID, 1, true},
		{small.ID, 1000, true},
	}
	for _, tc := range tests {
		_, err := c.ListExecutions(ctx(t), &transfer.ListExecutionsInput{WorkflowId: aws.String(tc.workflowID), MaxResults: aws.Int32(tc.size)})
		switch {
		case tc.ok && err != nil:
			t.Errorf("MaxResults %d: %v", tc.size, err)
		case !tc.ok:
			wantAPIError[*types.InvalidRequestException](t, err, "InvalidRequestException", 400)
		}
	}
}

func TestTransferNotFoundAndMalformed(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	c := xferClient(srv, awsemu.DefaultRegion)
	large := xferResource(t, srv, awsemu.DefaultRegion, xferLarge)
	small := xferResource(t, srv, awsemu.DefaultRegion, xferSmall)
	listed, err := c.ListExecutions(ctx(t), &transfer.ListExecutionsInput{WorkflowId: aws.String(small.ID), MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	smallExec := aws.ToString(listed.Executions[0].ExecutionId)
	const unknownWF, unknownExec = "w-00000000000000000", "00000000-0000-4000-8000-000000000000"

	list := func(wf, _ string) error {
		return errOf(c.ListExecutions(ctx(t), &transfer.ListExecutionsInput{WorkflowId: aws.String(wf)}))
	}
	describeWF := func(wf, _ string) error {
		return errOf(c.DescribeWorkflow(ctx(t), &transfer.DescribeWorkflowInput{WorkflowId: aws.String(wf)}))
	}
	describeExec := func(wf, exec string) error {
		return errOf(c.DescribeExecution(ctx(t), &transfer.DescribeExecutionInput{WorkflowId: aws.String(wf), ExecutionId: aws.String(exec)}))
	}
	tests := []struct {
		name            string
		call            func(wf, exec string) error
		wf, exec        string
		resource, rtype string // ResourceNotFoundException members; "" for InvalidRequestException
	}{
		{"list unknown workflow", list, unknownWF, "", unknownWF, "Workflow"},
		{"describe unknown workflow", describeWF, unknownWF, "", unknownWF, "Workflow"},
		{"execution of unknown workflow", describeExec, unknownWF, smallExec, unknownWF, "Workflow"},
		{"unknown execution", describeExec, small.ID, unknownExec, unknownExec, "Execution"},
		{"execution of another workflow", describeExec, large.ID, smallExec, smallExec, "Execution"},
		{"list empty id", list, "", "", "", ""},
		{"list short id", list, "w-123", "", "", ""},
		{"list upper-case id", list, "w-0123456789ABCDEFG", "", "", ""},
		{"describe id without w-", describeWF, "x-0123456789abcdefg", "", "", ""},
		{"execution of malformed workflow", describeExec, "w-0123456789abcdef_", smallExec, "", ""},
		{"malformed execution id", describeExec, small.ID, "not-a-uuid", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(tc.wf, tc.exec)
			if tc.rtype == "" {
				wantAPIError[*types.InvalidRequestException](t, err, "InvalidRequestException", 400)
				return
			}
			nf := wantAPIError[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException", 400)
			if aws.ToString(nf.Resource) != tc.resource || aws.ToString(nf.ResourceType) != tc.rtype {
				t.Errorf("Resource %q ResourceType %q, want %q %q", aws.ToString(nf.Resource), aws.ToString(nf.ResourceType), tc.resource, tc.rtype)
			}
		})
	}
}

func TestTransferFaults(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	c := xferClient(srv, awsemu.DefaultRegion)
	small := xferResource(t, srv, awsemu.DefaultRegion, xferSmall)
	describe := faultOp{"transfer.DescribeWorkflow", func() error {
		return errOf(c.DescribeWorkflow(ctx(t), &transfer.DescribeWorkflowInput{WorkflowId: aws.String(small.ID)}))
	}}
	faultTest{
		throttled: faultOp{"transfer.ListExecutions", func() error {
			return errOf(c.ListExecutions(ctx(t), &transfer.ListExecutionsInput{WorkflowId: aws.String(small.ID)}))
		}},
		spared:  describe,
		failing: describe,
		// ListExecutions does not model ThrottlingException: the SDK gives a
		// generic API error with its code, which its retryer retries.
		throttleErr: func(t *testing.T, err error) {
			wantAPIError[*smithy.GenericAPIError](t, err, "ThrottlingException", 400)
		},
		serverErr: func(t *testing.T, err error) {
			wantAPIError[*types.InternalServiceError](t, err, "InternalServiceError", 500)
		},
	}.run(t, srv)
	if n := srv.Stats()["transfer.DescribeExecution"]; n != 0 {
		t.Errorf("stats transfer.DescribeExecution = %d, want 0", n)
	}

	// The throttling error body carries the shape's RetryAfterSeconds member.
	if err := srv.SetFaults(awsemu.Faults{ThrottleRate: 1, Operations: []string{"transfer.ListExecutions"}}); err != nil {
		t.Fatal(err)
	}
	_, raw := send(t, srv, http.MethodPost, "/", `{"WorkflowId":"`+small.ID+`"}`,
		"X-Amz-Target", "TransferService.ListExecutions", "Content-Type", "application/x-amz-json-1.1")
	var body map[string]string
	if err := json.Unmarshal(raw, &body); err != nil || body["__type"] != "ThrottlingException" || body["RetryAfterSeconds"] != "1" {
		t.Errorf("throttling body %s (%v), want __type ThrottlingException and RetryAfterSeconds \"1\"", raw, err)
	}
}

// TestTransferDescribeAgrees checks DescribeExecution against the list entries
// of every workflow (the first and last executions and some handling an
// exception), and the references of an execution to its workflow, server
// and roles.
func TestTransferDescribeAgrees(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	clients := xferClients(srv)
	serverIDRe := regexp.MustCompile(`^s-[0-9a-f]{17}$`)
	handling := 0
	for _, res := range resources(t, srv, "transfer") {
		t.Run(res.Region+"/"+res.ID, func(t *testing.T) {
			c := clients[res.Region]
			wf, err := c.DescribeWorkflow(ctx(t), &transfer.DescribeWorkflowInput{WorkflowId: aws.String(res.ID)})
			if err != nil {
				t.Fatal(err)
			}
			a, err := arn.Parse(aws.ToString(wf.Workflow.Arn))
			if err != nil || a.Service != "transfer" || a.Region != res.Region || a.AccountID != awsemu.AccountID || a.Resource != "workflow/"+res.ID {
				t.Errorf("workflow ARN %q (%v) does not name workflow %s in %s", aws.ToString(wf.Workflow.Arn), err, res.ID, res.Region)
			}
			if aws.ToString(wf.Workflow.WorkflowId) != res.ID || len(wf.Workflow.Steps) == 0 {
				t.Errorf("DescribeWorkflow: id %q, %d steps", aws.ToString(wf.Workflow.WorkflowId), len(wf.Workflow.Steps))
			}

			execs := xferWalk(t, c, res.ID, nil, res.Count)
			var sample []types.ListedExecution
			for i, x := range execs {
				if i < 3 || i == len(execs)-1 || (x.Status == types.ExecutionStatusHandlingException && len(sample) < 8) {
					sample = append(sample, x)
				}
			}
			for _, x := range sample {
				out, err := c.DescribeExecution(ctx(t), &transfer.DescribeExecutionInput{WorkflowId: aws.String(res.ID), ExecutionId: x.ExecutionId})
				if err != nil {
					t.Fatalf("DescribeExecution %s: %v", aws.ToString(x.ExecutionId), err)
				}
				d := out.Execution
				if aws.ToString(out.WorkflowId) != res.ID || aws.ToString(d.ExecutionId) != aws.ToString(x.ExecutionId) || d.Status != x.Status ||
					!reflect.DeepEqual(d.InitialFileLocation, x.InitialFileLocation) || !reflect.DeepEqual(d.ServiceMetadata, x.ServiceMetadata) {
					t.Fatalf("DescribeExecution %s disagrees with its list entry", aws.ToString(x.ExecutionId))
				}
				if x.Status == types.ExecutionStatusHandlingException {
					handling++
				}
				xferCheckExecution(t, wf.Workflow, d, serverIDRe)
			}
		})
	}
	if handling == 0 {
		t.Error("no execution handling an exception was described")
	}
}

// xferCheckExecution checks a described execution's references and that its
// results follow its workflow's steps as its status says.
func xferCheckExecution(t *testing.T, wf *types.DescribedWorkflow, d *types.DescribedExecution, serverIDRe *regexp.Regexp) {
	t.Helper()
	id := aws.ToString(d.ExecutionId)
	user := d.ServiceMetadata.UserDetails
	if !serverIDRe.MatchString(aws.ToString(user.ServerId)) || aws.ToString(user.UserName) == "" || aws.ToString(user.SessionId) == "" {
		t.Errorf("%s: user details %q %q %q", id, aws.ToString(user.UserName), aws.ToString(user.ServerId), aws.ToString(user.SessionId))
	}
	if got, want := aws.ToString(d.LoggingConfiguration.LogGroupName), "/aws/transfer/"+aws.ToString(user.ServerId); got != want {
		t.Errorf("%s: log group %q, want %q", id, got, want)
	}
	for _, role := range []string{aws.ToString(d.ExecutionRole), aws.ToString(d.LoggingConfiguration.LoggingRole)} {
		if a, err := arn.Parse(role); err != nil || a.Service != "iam" || a.AccountID != awsemu.AccountID || !strings.HasPrefix(a.Resource, "role/") {
			t.Errorf("%s: role %q is not an IAM role ARN of the account", id, role)
		}
	}
	if efs := d.InitialFileLocation.EfsFileLocation != nil; efs != (d.PosixProfile != nil) {
		t.Errorf("%s: EFS location %v but POSIX profile %v", id, efs, d.PosixProfile != nil)
	}
	checkSteps := func(kind string, results []types.ExecutionStepResult, steps []types.WorkflowStep, failLast bool) {
		if len(results) >= len(steps) && !failLast {
			t.Errorf("%s: %d %s results of %d steps, but still in progress", id, len(results), kind, len(steps))
		}
		if len(results) > len(steps) {
			return
		}
		for i, r := range results {
			failed := failLast && i == len(results)-1
			if r.StepType != steps[i].Type {
				t.Errorf("%s: %s result %d is %s, workflow step is %s", id, kind, i, r.StepType, steps[i].Type)
			}
			if failed != (r.Error != nil) {
				t.Errorf("%s: %s result %d error %v, want failed=%v", id, kind, i, r.Error, failed)
			}
			if !failed && !json.Valid([]byte(aws.ToString(r.Outputs))) {
				t.Errorf("%s: %s result %d outputs %q are not JSON", id, kind, i, aws.ToString(r.Outputs))
			}
		}
	}
	handling := d.Status == types.ExecutionStatusHandlingException
	if handling && len(d.Results.Steps) == 0 {
		t.Fatalf("%s handles an exception but no step failed", id)
	}
	checkSteps("step", d.Results.Steps, wf.Steps, handling)
	checkSteps("exception step", d.Results.OnExceptionSteps, wf.OnExceptionSteps, false)
	if !handling && len(d.Results.OnExceptionSteps) > 0 {
		t.Errorf("%s is %s but ran exception steps", id, d.Status)
	}
}

func TestTransferSecondRegion(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	clients := xferClients(srv)
	primary := xferResource(t, srv, awsemu.DefaultRegion, xferLarge)
	for _, res := range resources(t, srv, "transfer") {
		if res.Region != awsemu.SecondRegion {
			continue
		}
		out, err := clients[awsemu.SecondRegion].ListExecutions(ctx(t), &transfer.ListExecutionsInput{WorkflowId: aws.String(res.ID)})
		if err != nil || len(out.Executions) != res.Count {
			t.Fatalf("ListExecutions %s in %s: %v, %d executions", res.ID, res.Region, err, len(out.Executions))
		}
		// The second region's workflows are not in the first.
		_, err = clients[awsemu.DefaultRegion].DescribeWorkflow(ctx(t), &transfer.DescribeWorkflowInput{WorkflowId: aws.String(res.ID)})
		wantAPIError[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException", 400)
	}
	other := xferClient(srv, "ap-south-1")
	for name, c := range map[string]*transfer.Client{awsemu.SecondRegion: clients[awsemu.SecondRegion], "unseeded region": other} {
		t.Run(name, func(t *testing.T) {
			_, err := c.ListExecutions(ctx(t), &transfer.ListExecutionsInput{WorkflowId: aws.String(primary.ID)})
			wantAPIError[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException", 400)
			_, err = c.DescribeWorkflow(ctx(t), &transfer.DescribeWorkflowInput{WorkflowId: aws.String(primary.ID)})
			wantAPIError[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException", 400)
		})
	}
}
