package awsemu_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/imagebuilder"
	ibtypes "github.com/aws/aws-sdk-go-v2/service/imagebuilder/types"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	iottypes "github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/transfer"
	xfertypes "github.com/aws/aws-sdk-go-v2/service/transfer/types"

	"github.com/execgraph/execgraph/internal/awsemu"
)

// mutClock is the clock of the mutation tests: after every seeded execution.
var mutClock = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// admin sends a JSON body to an admin endpoint and returns the status and
// the raw answer.
func admin(t testing.TB, srv *awsemu.Server, method, path, body string) (int, []byte) {
	t.Helper()
	resp, raw := send(t, srv, method, path, body)
	return resp.StatusCode, raw
}

// mutate sends a mutation through the admin API and returns the execution
// it answers, failing the test unless the status is want.
func mutate(t testing.TB, srv *awsemu.Server, method string, body any, want int) awsemu.Execution {
	t.Helper()
	in, _ := json.Marshal(body)
	status, raw := admin(t, srv, method, "/_emulator/executions", string(in))
	if status != want {
		t.Fatalf("%s %s: %d %s, want %d", method, in, status, raw, want)
	}
	var x awsemu.Execution
	if err := json.Unmarshal(raw, &x); err != nil {
		t.Fatalf("%s %s: answer %s: %v", method, in, raw, err)
	}
	return x
}

// listed is what a list entry shows of an execution.
type listed struct {
	id, status string
	start, end *time.Time
}

// mutProbe reads one service's listing and detail APIs for the mutation
// tests.
type mutProbe struct {
	service string
	chain   []string // statuses to set one after the other
	// head returns the first entry of the listing of resource res.
	head func(t *testing.T, srv *awsemu.Server, res awsemu.Resource) listed
	// check describes the execution of entry l and fails the test unless
	// the detail APIs agree with it and it keeps the service's invariants.
	check func(t *testing.T, srv *awsemu.Server, res awsemu.Resource, l listed)
}

var mutProbes = []mutProbe{
	{
		service: "lambda",
		chain:   []string{"SUCCEEDED", "FAILED", "STOPPED", "RUNNING"},
		head: func(t *testing.T, srv *awsemu.Server, res awsemu.Resource) listed {
			out, err := lambdaClient(srv, res.Region).ListDurableExecutionsByFunction(ctx(t), &lambda.ListDurableExecutionsByFunctionInput{FunctionName: &res.ID, MaxItems: 5})
			if err != nil || len(out.DurableExecutions) == 0 {
				t.Fatalf("list %s: %v (%d items)", res.ID, err, len(out.DurableExecutions))
			}
			x := out.DurableExecutions[0]
			return listed{aws.ToString(x.DurableExecutionArn), string(x.Status), x.StartTimestamp, x.EndTimestamp}
		},
		check: func(t *testing.T, srv *awsemu.Server, res awsemu.Resource, l listed) {
			c := lambdaClient(srv, res.Region)
			out, err := c.ListDurableExecutionsByFunction(ctx(t), &lambda.ListDurableExecutionsByFunctionInput{FunctionName: &res.ID, MaxItems: 5})
			if err != nil {
				t.Fatal(err)
			}
			lambdaCheckExecutions(t, res, out.DurableExecutions)
			lambdaCheckGet(t, c, out.DurableExecutions[0])
		},
	},
	{
		service: "imagebuilder",
		chain:   []string{"COMPLETED", "FAILED", "RUNNING", "CANCELLED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETED", "PENDING", "SKIPPED", "RUNNING"},
		head: func(t *testing.T, srv *awsemu.Server, res awsemu.Resource) listed {
			x := ibHead(t, srv, res)
			l := listed{id: aws.ToString(x.WorkflowExecutionId), status: string(x.Status)}
			start := ibTime(t, "start", x.StartTime)
			l.start = &start
			if x.EndTime != nil {
				end := ibTime(t, "end", x.EndTime)
				l.end = &end
			}
			return l
		},
		check: func(t *testing.T, srv *awsemu.Server, res awsemu.Resource, l listed) {
			c := ibClient(srv, res.Region)
			x := ibHead(t, srv, res)
			ibCheckExecution(t, res.Region, x)
			ibCheckSteps(t, x, ibWalkSteps(t, c, x, res.ID, 25))
			got, err := c.GetWorkflowExecution(ctx(t), &imagebuilder.GetWorkflowExecutionInput{WorkflowExecutionId: x.WorkflowExecutionId})
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != x.Status || aws.ToString(got.EndTime) != aws.ToString(x.EndTime) || aws.ToString(got.Message) != aws.ToString(x.Message) ||
				got.TotalStepsSucceeded != x.TotalStepsSucceeded || got.TotalStepsFailed != x.TotalStepsFailed || got.TotalStepsSkipped != x.TotalStepsSkipped {
				t.Fatalf("GetWorkflowExecution %+v disagrees with the list entry %+v", got, x)
			}
		},
	},
	{
		service: "stepfunctions",
		chain:   []string{"SUCCEEDED", "FAILED", "ABORTED", "RUNNING"},
		head: func(t *testing.T, srv *awsemu.Server, res awsemu.Resource) listed {
			out, err := sfnClient(srv, res.Region).ListMapRuns(ctx(t), &sfn.ListMapRunsInput{ExecutionArn: &res.ID, MaxResults: 5})
			if err != nil || len(out.MapRuns) == 0 {
				t.Fatalf("list %s: %v", res.ID, err)
			}
			m := out.MapRuns[0]
			d, err := sfnClient(srv, res.Region).DescribeMapRun(ctx(t), &sfn.DescribeMapRunInput{MapRunArn: m.MapRunArn})
			if err != nil {
				t.Fatal(err)
			}
			return listed{aws.ToString(m.MapRunArn), string(d.Status), m.StartDate, m.StopDate}
		},
		check: func(t *testing.T, srv *awsemu.Server, res awsemu.Resource, l listed) {
			d, err := sfnClient(srv, res.Region).DescribeMapRun(ctx(t), &sfn.DescribeMapRunInput{MapRunArn: &l.id})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(d.ExecutionArn) != res.ID || !d.StartDate.Equal(*l.start) || !sfnSameTime(d.StopDate, l.end) ||
				(d.StopDate == nil) != (d.Status == "RUNNING") {
				t.Fatalf("DescribeMapRun %+v disagrees with the list entry %+v", d, l)
			}
			sfnCheckCounts(t, d)
		},
	},
	{
		service: "iot",
		chain:   []string{"SUCCEEDED", "QUEUED", "IN_PROGRESS", "FAILED", "REJECTED", "TIMED_OUT", "REMOVED", "CANCELED", "IN_PROGRESS"},
		head: func(t *testing.T, srv *awsemu.Server, res awsemu.Resource) listed {
			s := iotHead(t, srv, res)
			return listed{aws.ToString(s.ThingArn), string(s.JobExecutionSummary.Status), ptrTime(iotSortKey(s)), nil}
		},
		check: func(t *testing.T, srv *awsemu.Server, res awsemu.Resource, l listed) {
			c := iotClients(srv)[res.Region]
			items := iotWalk(t, c, res.ID, iotMaxPage, "")
			if len(items) != res.Count {
				t.Fatalf("%d executions listed, manifest count %d", len(items), res.Count)
			}
			job := iotCheckJob(t, c, res, items)
			name := thingName(t, res.Region, l.id)
			iotCheckThing(t, c, name, l.id)
			iotCheckExecution(t, c, job, name, items[0])
			for _, s := range []iottypes.JobExecutionStatus{items[0].JobExecutionSummary.Status, ""} {
				if got := iotWalk(t, c, res.ID, iotMaxPage, s); aws.ToString(got[0].ThingArn) != l.id {
					t.Fatalf("walk with status %q does not list %s first", s, l.id)
				}
			}
		},
	},
	{
		service: "transfer",
		chain:   []string{"HANDLING_EXCEPTION", "IN_PROGRESS", "HANDLING_EXCEPTION"},
		head: func(t *testing.T, srv *awsemu.Server, res awsemu.Resource) listed {
			x := xferHead(t, srv, res)
			return listed{aws.ToString(x.ExecutionId), string(x.Status), ptrTime(xferCreated(t, x.InitialFileLocation)), nil}
		},
		check: func(t *testing.T, srv *awsemu.Server, res awsemu.Resource, l listed) {
			c := xferClient(srv, res.Region)
			wf, err := c.DescribeWorkflow(ctx(t), &transfer.DescribeWorkflowInput{WorkflowId: &res.ID})
			if err != nil {
				t.Fatal(err)
			}
			out, err := c.DescribeExecution(ctx(t), &transfer.DescribeExecutionInput{WorkflowId: &res.ID, ExecutionId: &l.id})
			if err != nil {
				t.Fatal(err)
			}
			if string(out.Execution.Status) != l.status || !xferCreated(t, out.Execution.InitialFileLocation).Equal(*l.start) {
				t.Fatalf("DescribeExecution %s: %s, want %s", l.id, out.Execution.Status, l.status)
			}
			xferCheckExecution(t, wf.Workflow, out.Execution, regexp.MustCompile(`^s-[0-9a-f]{17}$`))
		},
	},
}

func ptrTime(t time.Time) *time.Time { return &t }

func ibHead(t *testing.T, srv *awsemu.Server, res awsemu.Resource) ibtypes.WorkflowExecutionMetadata {
	t.Helper()
	out, err := ibClient(srv, res.Region).ListWorkflowExecutions(ctx(t), &imagebuilder.ListWorkflowExecutionsInput{ImageBuildVersionArn: &res.ID, MaxResults: aws.Int32(5)})
	if err != nil || len(out.WorkflowExecutions) == 0 {
		t.Fatalf("list %s: %v", res.ID, err)
	}
	return out.WorkflowExecutions[0]
}

func iotHead(t *testing.T, srv *awsemu.Server, res awsemu.Resource) iottypes.JobExecutionSummaryForJob {
	t.Helper()
	out, err := iotClients(srv)[res.Region].ListJobExecutionsForJob(ctx(t), &iot.ListJobExecutionsForJobInput{JobId: &res.ID, MaxResults: aws.Int32(5)})
	if err != nil || len(out.ExecutionSummaries) == 0 {
		t.Fatalf("list %s: %v", res.ID, err)
	}
	return out.ExecutionSummaries[0]
}

func xferHead(t *testing.T, srv *awsemu.Server, res awsemu.Resource) xfertypes.ListedExecution {
	t.Helper()
	out, err := xferClient(srv, res.Region).ListExecutions(ctx(t), &transfer.ListExecutionsInput{WorkflowId: &res.ID, MaxResults: aws.Int32(5)})
	if err != nil || len(out.Executions) == 0 {
		t.Fatalf("list %s: %v", res.ID, err)
	}
	return out.Executions[0]
}

// count returns the manifest's count of a resource.
func count(t *testing.T, srv *awsemu.Server, res awsemu.Resource) int {
	t.Helper()
	for _, r := range resources(t, srv, res.Service) {
		if r.Region == res.Region && r.ID == res.ID {
			return r.Count
		}
	}
	t.Fatalf("manifest has no %s %s in %s", res.Service, res.ID, res.Region)
	return 0
}

// mutResources returns the primary-region resources of a service that take
// new executions: the largest, and an empty one where the service has one
// that does.
func mutResources(t *testing.T, srv *awsemu.Server, service string) []awsemu.Resource {
	t.Helper()
	var large, empty awsemu.Resource
	for _, r := range resources(t, srv, service) {
		switch {
		case r.Region != awsemu.DefaultRegion:
		case r.Count > large.Count:
			large = r
		case r.Count == 0:
			empty = r
		}
	}
	if empty.ID == "" || service == "stepfunctions" { // the parent without Map Runs has failed
		return []awsemu.Resource{large}
	}
	return []awsemu.Resource{large, empty}
}

// TestMutationsAppendAndSetStatus appends an execution to the largest and
// the empty resource of every service through the admin API, and moves it
// through a chain of statuses. After each step the SDK clients list it
// first, with the status the admin API answered and, for a final status,
// the clock as its end; the detail APIs agree with the list entry and keep
// the invariants the seeded data keeps; the manifest counts it.
func TestMutationsAppendAndSetStatus(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{Now: func() time.Time { return mutClock }})
	for _, p := range mutProbes {
		for _, res := range mutResources(t, srv, p.service) {
			t.Run(p.service+"/"+res.ID, func(t *testing.T) {
				x := mutate(t, srv, http.MethodPost, map[string]string{"service": p.service, "resource": res.ID}, http.StatusCreated)
				if x.Service != p.service || x.Region != awsemu.DefaultRegion || x.Resource != res.ID || !x.StartedAt.Equal(mutClock) || x.EndedAt != nil {
					t.Fatalf("appended %+v", x)
				}
				res.Count++
				if got := count(t, srv, res); got != res.Count {
					t.Fatalf("manifest count %d, want %d", got, res.Count)
				}
				for _, status := range append([]string{x.Status}, p.chain...) {
					if status != x.Status {
						x = mutate(t, srv, http.MethodPatch, map[string]string{"service": p.service, "resource": res.ID, "id": x.ID, "status": status}, http.StatusOK)
					}
					l := p.head(t, srv, res)
					if l.id != x.ID || l.status != status || x.Status != status || !l.start.Equal(x.StartedAt) {
						t.Fatalf("after %s: first listed %+v, admin answered %+v", status, l, x)
					}
					if (x.EndedAt == nil) != (l.end == nil) || x.EndedAt != nil && (!x.EndedAt.Equal(mutClock) || !l.end.Equal(mutClock)) {
						t.Fatalf("after %s: listed end %v, admin end %v, want none or %v", status, l.end, x.EndedAt, mutClock)
					}
					p.check(t, srv, res, l)
				}
				if got := count(t, srv, res); got != res.Count {
					t.Fatalf("manifest count %d after the status changes, want %d", got, res.Count)
				}
			})
		}
	}
}

// TestMutationsSeededExecution changes the status of a seeded execution
// (the newest of each service's largest resource) with the Go API: the
// listing keeps it in place with the new status, and the detail APIs agree.
func TestMutationsSeededExecution(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{Now: func() time.Time { return mutClock }})
	final := map[string]string{"lambda": "SUCCEEDED", "imagebuilder": "CANCELLED", "stepfunctions": "ABORTED", "iot": "REJECTED", "transfer": "HANDLING_EXCEPTION"}
	for _, p := range mutProbes {
		res := mutResources(t, srv, p.service)[0]
		t.Run(p.service, func(t *testing.T) {
			before := p.head(t, srv, res)
			x, err := srv.SetExecutionStatus(awsemu.StatusChange{Service: p.service, Resource: res.ID, ID: before.id, Status: final[p.service]})
			if err != nil {
				t.Fatal(err)
			}
			after := p.head(t, srv, res)
			if after.id != before.id || after.status != final[p.service] || x.Status != after.status {
				t.Fatalf("listed %+v then %+v; admin answered %+v", before, after, x)
			}
			p.check(t, srv, res, after)
		})
	}
}

// TestTransferFinishedExecutionsLeave ends the two newest executions of the
// small and the large Transfer workflow: each leaves ListExecutions,
// DescribeExecution no longer finds it, the manifest stops counting it and
// a later change of it is refused. A token issued before resumes at its
// offset in the shorter listing, or is refused if that is past its end.
func TestTransferFinishedExecutionsLeave(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	for _, res := range []awsemu.Resource{xferResource(t, srv, awsemu.DefaultRegion, xferSmall), xferResource(t, srv, awsemu.DefaultRegion, xferLarge)} {
		t.Run(res.ID, func(t *testing.T) {
			c := xferClient(srv, res.Region)
			all := xferWalk(t, c, res.ID, nil, res.Count)
			if len(all) < 3 {
				t.Fatalf("workflow of %d executions: the case proves nothing", len(all))
			}
			size := min(len(all)-1, 1000)
			page, err := c.ListExecutions(ctx(t), &transfer.ListExecutionsInput{WorkflowId: &res.ID, MaxResults: aws.Int32(int32(size))})
			if err != nil || page.NextToken == nil {
				t.Fatalf("page of %d: %v", size, err)
			}
			for i, status := range []string{"COMPLETED", "EXCEPTION"} {
				id := aws.ToString(all[i].ExecutionId)
				x := mutate(t, srv, http.MethodPatch, awsemu.StatusChange{Service: "transfer", Resource: res.ID, ID: id, Status: status}, http.StatusOK)
				if x.ID != id || x.Status != status {
					t.Fatalf("answered %+v", x)
				}
				_, err := c.DescribeExecution(ctx(t), &transfer.DescribeExecutionInput{WorkflowId: &res.ID, ExecutionId: &id})
				wantAPIError[*xfertypes.ResourceNotFoundException](t, err, "ResourceNotFoundException", 400)
				mutate(t, srv, http.MethodPatch, awsemu.StatusChange{Service: "transfer", Resource: res.ID, ID: id, Status: "IN_PROGRESS"}, http.StatusBadRequest)
			}
			var want []string
			for _, x := range all[2:] {
				want = append(want, aws.ToString(x.ExecutionId))
			}
			if got := xferIDs(xferWalk(t, c, res.ID, nil, res.Count)); !slices.Equal(got, want) {
				t.Fatalf("listing after the change has %d executions, want the %d that did not end", len(got), len(want))
			}
			if n := count(t, srv, res); n != len(want) {
				t.Fatalf("manifest count %d, want %d", n, len(want))
			}
			next, err := c.ListExecutions(ctx(t), &transfer.ListExecutionsInput{WorkflowId: &res.ID, NextToken: page.NextToken})
			if size > len(want) {
				wantAPIError[*xfertypes.InvalidNextTokenException](t, err, "InvalidNextTokenException", 400)
				return
			}
			if err != nil || !slices.Equal(xferIDs(next.Executions), want[size:min(size+1000, len(want))]) {
				t.Fatalf("token of offset %d: %v, not the executions from there", size, err)
			}
		})
	}
}

func xferIDs(xs []xfertypes.ListedExecution) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = aws.ToString(x.ExecutionId)
	}
	return out
}

// TestMutationsShiftPages checks the behaviour the gateway's tests provoke:
// a token issued before an append at the head of a newest-first listing
// resumes one item earlier in what it had listed.
func TestMutationsShiftPages(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	res := mutResources(t, srv, "stepfunctions")[0]
	c := sfnClient(srv, res.Region)
	first, err := c.ListMapRuns(ctx(t), &sfn.ListMapRunsInput{ExecutionArn: &res.ID, MaxResults: 10})
	if err != nil || first.NextToken == nil {
		t.Fatal(err)
	}
	x, err := srv.AppendExecution(awsemu.NewExecution{Service: "stepfunctions", Resource: res.ID})
	if err != nil {
		t.Fatal(err)
	}
	next, err := c.ListMapRuns(ctx(t), &sfn.ListMapRunsInput{ExecutionArn: &res.ID, MaxResults: 10, NextToken: first.NextToken})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(next.MapRuns[0].MapRunArn) != aws.ToString(first.MapRuns[9].MapRunArn) {
		t.Fatalf("the page after the append starts with %s, want the last of the first page again", aws.ToString(next.MapRuns[0].MapRunArn))
	}
	head, err := c.ListMapRuns(ctx(t), &sfn.ListMapRunsInput{ExecutionArn: &res.ID, MaxResults: 1})
	if err != nil || aws.ToString(head.MapRuns[0].MapRunArn) != x.ID {
		t.Fatalf("first Map Run %v, want the appended %s: %v", head.MapRuns, x.ID, err)
	}
}

// TestMutationsBadRequests checks that the admin API refuses malformed and
// invalid mutations with 400 and a JSON error that says why.
func TestMutationsBadRequests(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	var sfnDone, iotSnapshot, iotCanceled, lambdaSmall awsemu.Resource
	for _, r := range manifest(t, srv.URL).Resources {
		switch {
		case r.Service == "stepfunctions" && r.Region == awsemu.DefaultRegion && r.Count < 20:
			sfnDone = r // FAILED or SUCCEEDED
		case r.Service == "iot" && r.ID == "gateway-reboot-2026-11-12":
			iotSnapshot = r
		case r.Service == "iot" && r.ID == "eu-config-push-2026-11":
			iotCanceled = r
		case r.Service == "lambda" && r.ID == lambdaSmallFn:
			lambdaSmall = r
		}
	}
	canceledThing := aws.ToString(iotHead(t, srv, iotCanceled).ThingArn)
	big := `{"service": "lambda", "resource": "` + strings.Repeat("x", 70<<10) + `"}`
	tests := []struct {
		name, method, body, want string
	}{
		{"not JSON", "POST", `{"service": `, "malformed"},
		{"unknown field", "POST", `{"service": "lambda", "resource": "refund-processor", "count": 2}`, "unknown field"},
		{"data after the value", "POST", `{"service": "lambda", "resource": "refund-processor"} {}`, "after the JSON value"},
		{"body over 64 KiB", "POST", big, "too large"},
		{"unknown service", "POST", `{"service": "ec2", "resource": "i-1"}`, "unknown service"},
		{"STS has no executions", "POST", `{"service": "sts", "resource": "x"}`, "unknown service"},
		{"unknown region", "POST", `{"service": "lambda", "region": "ap-south-1", "resource": "refund-processor"}`, "unknown region"},
		{"resource of another region", "POST", `{"service": "lambda", "region": "eu-west-1", "resource": "refund-processor"}`, "unknown lambda resource"},
		{"no resource", "POST", `{"service": "lambda"}`, "resource is required"},
		{"unknown resource", "POST", `{"service": "imagebuilder", "resource": "arn:aws:imagebuilder:us-east-1:123456789012:image/nope/1.0.0/1"}`, "unknown imagebuilder resource"},
		{"unknown status", "POST", `{"service": "lambda", "resource": "refund-processor", "status": "PENDING"}`, "has no status"},
		{"status of another service", "POST", `{"service": "stepfunctions", "resource": "` + sfnDone.ID + `", "status": "COMPLETED"}`, "has no status"},
		{"Map Run of a finished execution", "POST", `{"service": "stepfunctions", "resource": "` + sfnDone.ID + `"}`, "only a RUNNING execution"},
		{"IoT snapshot job", "POST", `{"service": "iot", "resource": "` + iotSnapshot.ID + `"}`, "CONTINUOUS"},
		{"unknown Transfer workflow", "POST", `{"service": "transfer", "resource": "w-00000000000000000"}`, "unknown transfer resource"},
		{"no id", "PATCH", `{"service": "lambda", "resource": "refund-processor", "status": "FAILED"}`, "id is required"},
		{"no status", "PATCH", `{"service": "lambda", "resource": "refund-processor", "id": "x"}`, "status is required"},
		{"unknown id", "PATCH", `{"service": "lambda", "resource": "refund-processor", "id": "arn:nope", "status": "FAILED"}`, "has no execution"},
		{"id of another resource", "PATCH", `{"service": "lambda", "resource": "nightly-report", "id": "` + lambdaHeadArn(t, srv, lambdaSmall) + `", "status": "FAILED"}`, "has no execution"},
		{"canceled IoT job's execution made active", "PATCH", `{"service": "iot", "region": "eu-west-1", "resource": "` + iotCanceled.ID + `", "id": "` + canceledThing + `", "status": "IN_PROGRESS"}`, "CANCELED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, raw := admin(t, srv, tc.method, "/_emulator/executions", tc.body)
			var e struct{ Error string }
			if err := json.Unmarshal(raw, &e); status != http.StatusBadRequest || err != nil || !strings.Contains(e.Error, tc.want) {
				t.Fatalf("%s: %d %s, want 400 with an error containing %q", tc.body[:min(len(tc.body), 80)], status, raw, tc.want)
			}
		})
	}
	t.Run("transfer append COMPLETED", func(t *testing.T) {
		res := xferResource(t, srv, awsemu.DefaultRegion, xferSmall)
		_, err := srv.AppendExecution(awsemu.NewExecution{Service: "transfer", Resource: res.ID, Status: "COMPLETED"})
		if err == nil || !strings.Contains(err.Error(), "in progress") {
			t.Fatalf("AppendExecution COMPLETED: %v", err)
		}
	})
	t.Run("GET", func(t *testing.T) {
		if status, _ := admin(t, srv, http.MethodGet, "/_emulator/executions", ""); status != http.StatusMethodNotAllowed {
			t.Fatalf("GET: %d", status)
		}
	})
	for _, r := range manifest(t, srv.URL).Resources {
		if r.Service == "lambda" && r.ID == lambdaSmallFn && r.Count != lambdaSmall.Count {
			t.Fatalf("refused mutations changed the count of %s: %d, was %d", r.ID, r.Count, lambdaSmall.Count)
		}
	}
}

func lambdaHeadArn(t *testing.T, srv *awsemu.Server, res awsemu.Resource) string {
	t.Helper()
	return mutProbes[0].head(t, srv, res).id
}

// TestMutationsConcurrentWithListings lists and describes with the SDK
// clients (30 rounds in a goroutine per service) while executions are
// appended and changed, until the listings are done; run with -race. No
// call fails, and the manifest counts every append.
func TestMutationsConcurrentWithListings(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	var targets []awsemu.Resource
	for _, p := range mutProbes {
		targets = append(targets, mutResources(t, srv, p.service)[0])
	}
	var readers sync.WaitGroup
	for _, res := range targets {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for i := range 30 {
				if err := listOnce(srv, res, i); err != nil {
					t.Errorf("%s %s: %v", res.Service, res.ID, err)
					return
				}
			}
		}()
	}
	finished := make(chan struct{})
	go func() {
		readers.Wait()
		close(finished)
	}()
	statuses := map[string][]string{
		"lambda": {"SUCCEEDED", "RUNNING"}, "imagebuilder": {"FAILED", "RUNNING"}, "stepfunctions": {"ABORTED", "RUNNING"},
		"iot": {"QUEUED", "IN_PROGRESS"}, "transfer": {"HANDLING_EXCEPTION", "IN_PROGRESS"},
	}
	rounds := 0
	for running := true; running; rounds++ {
		select {
		case <-finished:
			running = false // one last round after the listings
		default:
		}
		for _, res := range targets {
			x, err := srv.AppendExecution(awsemu.NewExecution{Service: res.Service, Resource: res.ID})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := srv.SetExecutionStatus(awsemu.StatusChange{Service: res.Service, Resource: res.ID, ID: x.ID, Status: statuses[res.Service][rounds%2]}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, res := range targets {
		if got := count(t, srv, res); got != res.Count+rounds {
			t.Errorf("%s %s: manifest count %d, want %d", res.Service, res.ID, got, res.Count+rounds)
		}
	}
	t.Logf("%d rounds of mutations during the listings", rounds)
}

// listOnce lists a page of a resource's executions (the i-th page of 100,
// wrapping) and describes its first entry.
func listOnce(srv *awsemu.Server, res awsemu.Resource, i int) error {
	cx := context.Background()
	switch res.Service {
	case "lambda":
		c := lambdaClient(srv, res.Region)
		out, err := c.ListDurableExecutionsByFunction(cx, &lambda.ListDurableExecutionsByFunctionInput{FunctionName: &res.ID, MaxItems: 100})
		if err == nil {
			_, err = c.GetDurableExecution(cx, &lambda.GetDurableExecutionInput{DurableExecutionArn: out.DurableExecutions[i%len(out.DurableExecutions)].DurableExecutionArn})
		}
		return err
	case "imagebuilder":
		c := ibClient(srv, res.Region)
		out, err := c.ListWorkflowExecutions(cx, &imagebuilder.ListWorkflowExecutionsInput{ImageBuildVersionArn: &res.ID})
		if err == nil {
			_, err = c.GetWorkflowExecution(cx, &imagebuilder.GetWorkflowExecutionInput{WorkflowExecutionId: out.WorkflowExecutions[i%len(out.WorkflowExecutions)].WorkflowExecutionId})
		}
		return err
	case "stepfunctions":
		c := sfnClient(srv, res.Region)
		out, err := c.ListMapRuns(cx, &sfn.ListMapRunsInput{ExecutionArn: &res.ID, MaxResults: 100})
		if err == nil {
			_, err = c.DescribeMapRun(cx, &sfn.DescribeMapRunInput{MapRunArn: out.MapRuns[i%len(out.MapRuns)].MapRunArn})
		}
		return err
	case "iot":
		c := iotClients(srv)[res.Region]
		out, err := c.ListJobExecutionsForJob(cx, &iot.ListJobExecutionsForJobInput{JobId: &res.ID, MaxResults: aws.Int32(100)})
		if err == nil {
			arn := aws.ToString(out.ExecutionSummaries[i%len(out.ExecutionSummaries)].ThingArn)
			_, err = c.DescribeJobExecution(cx, &iot.DescribeJobExecutionInput{JobId: &res.ID, ThingName: aws.String(arn[strings.LastIndexByte(arn, '/')+1:])})
		}
		if err == nil {
			_, err = c.DescribeJob(cx, &iot.DescribeJobInput{JobId: &res.ID})
		}
		return err
	case "transfer":
		c := xferClient(srv, res.Region)
		out, err := c.ListExecutions(cx, &transfer.ListExecutionsInput{WorkflowId: &res.ID, MaxResults: aws.Int32(100)})
		if err == nil {
			_, err = c.DescribeExecution(cx, &transfer.DescribeExecutionInput{WorkflowId: &res.ID, ExecutionId: out.Executions[i%len(out.Executions)].ExecutionId})
		}
		return err
	}
	return nil
}
