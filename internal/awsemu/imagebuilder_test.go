package awsemu_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/imagebuilder"
	"github.com/aws/aws-sdk-go-v2/service/imagebuilder/types"

	"github.com/execgraph/execgraph/internal/awsemu"
)

// ibTimeLayout is Image Builder's DateTime string format.
const ibTimeLayout = "2006-01-02T15:04:05.000Z"

var (
	ibExecIDPattern = regexp.MustCompile(`^wf-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	ibStepIDPattern = regexp.MustCompile(`^step-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	ibImageARN      = regexp.MustCompile(`^arn:aws:imagebuilder:([a-z0-9-]+):123456789012:image/[a-z0-9-_]+/[0-9]+\.[0-9]+\.[0-9]+/[0-9]+$`)
	ibWorkflowARN   = regexp.MustCompile(`^arn:aws:imagebuilder:([a-z0-9-]+):123456789012:workflow/(build|test|distribution)/[a-z0-9-_]+/1\.0\.0/1$`)
)

// ibActive are the statuses of executions that have not finished.
var ibActive = map[types.WorkflowExecutionStatus]bool{
	types.WorkflowExecutionStatusPending:            true,
	types.WorkflowExecutionStatusRunning:            true,
	types.WorkflowExecutionStatusRollbackInProgress: true,
}

// ibClient is a real SDK client of the emulator in region.
func ibClient(srv *awsemu.Server, region string) *imagebuilder.Client {
	return imagebuilder.NewFromConfig(sdkConfig(srv.URL, region))
}

// ibTime parses a DateTime member, failing the test on a bad format.
func ibTime(t testing.TB, what string, s *string) time.Time {
	t.Helper()
	if s == nil {
		t.Fatalf("%s: missing time", what)
	}
	v, err := time.Parse(ibTimeLayout, *s)
	if err != nil {
		t.Fatalf("%s: time %q is not an Image Builder DateTime: %v", what, *s, err)
	}
	return v
}

// ibWalkExecutions lists every execution of an image build version with the
// SDK paginator at page size size (0: the default), checking every page.
func ibWalkExecutions(t testing.TB, c *imagebuilder.Client, arn string, size int32, count int) []types.WorkflowExecutionMetadata {
	t.Helper()
	p := imagebuilder.NewListWorkflowExecutionsPaginator(c, &imagebuilder.ListWorkflowExecutionsInput{ImageBuildVersionArn: aws.String(arn)},
		func(o *imagebuilder.ListWorkflowExecutionsPaginatorOptions) { o.Limit = size })
	limit := int(size)
	if size == 0 {
		limit = 25
	}
	var out []types.WorkflowExecutionMetadata
	for pages := 0; p.HasMorePages(); pages++ {
		if pages > count+1 {
			t.Fatalf("%s size %d: walk does not end after %d pages", arn, size, pages)
		}
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("%s size %d: %v", arn, size, err)
		}
		if n := len(page.WorkflowExecutions); n > limit || (n < limit && page.NextToken != nil) {
			t.Fatalf("%s size %d: page of %d items, next token %v", arn, size, n, page.NextToken != nil)
		}
		if aws.ToString(page.ImageBuildVersionArn) != arn || aws.ToString(page.RequestId) == "" {
			t.Fatalf("%s: response names %q, request id %q", arn, aws.ToString(page.ImageBuildVersionArn), aws.ToString(page.RequestId))
		}
		out = append(out, page.WorkflowExecutions...)
	}
	return out
}

// ibWalkSteps lists every step of an execution at page size size, checking
// that every page names the execution, its workflow and image.
func ibWalkSteps(t testing.TB, c *imagebuilder.Client, x types.WorkflowExecutionMetadata, imageARN string, size int32) []types.WorkflowStepMetadata {
	t.Helper()
	id := aws.ToString(x.WorkflowExecutionId)
	p := imagebuilder.NewListWorkflowStepExecutionsPaginator(c, &imagebuilder.ListWorkflowStepExecutionsInput{WorkflowExecutionId: x.WorkflowExecutionId},
		func(o *imagebuilder.ListWorkflowStepExecutionsPaginatorOptions) { o.Limit = size })
	var out []types.WorkflowStepMetadata
	for pages := 0; p.HasMorePages(); pages++ {
		if pages > int(x.TotalStepCount)+1 {
			t.Fatalf("%s size %d: walk does not end after %d pages", id, size, pages)
		}
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("%s size %d: %v", id, size, err)
		}
		if n := len(page.Steps); n > int(size) || (n < int(size) && page.NextToken != nil) {
			t.Fatalf("%s size %d: page of %d steps, next token %v", id, size, n, page.NextToken != nil)
		}
		got := [4]string{aws.ToString(page.WorkflowExecutionId), aws.ToString(page.WorkflowBuildVersionArn), aws.ToString(page.ImageBuildVersionArn), aws.ToString(page.Message)}
		want := [4]string{id, aws.ToString(x.WorkflowBuildVersionArn), imageARN, aws.ToString(x.Message)}
		if got != want {
			t.Fatalf("%s: step page names %q, want %q", id, got, want)
		}
		out = append(out, page.Steps...)
	}
	return out
}

// ibCheckExecution checks one list entry: ids and ARNs, DateTimes, and
// totals and end time consistent with the status.
func ibCheckExecution(t testing.TB, region string, x types.WorkflowExecutionMetadata) {
	t.Helper()
	id := aws.ToString(x.WorkflowExecutionId)
	if !ibExecIDPattern.MatchString(id) {
		t.Errorf("execution id %q", id)
	}
	m := ibWorkflowARN.FindStringSubmatch(aws.ToString(x.WorkflowBuildVersionArn))
	if m == nil || m[1] != region || strings.ToUpper(m[2]) != string(x.Type) {
		t.Errorf("%s: workflow ARN %q for type %s in %s", id, aws.ToString(x.WorkflowBuildVersionArn), x.Type, region)
	}
	start := ibTime(t, id, x.StartTime)
	if ibActive[x.Status] != (x.EndTime == nil) {
		t.Errorf("%s: status %s with end time %v", id, x.Status, aws.ToString(x.EndTime))
	}
	if x.EndTime != nil && ibTime(t, id, x.EndTime).Before(start) {
		t.Errorf("%s: ends %s before it starts %s", id, *x.EndTime, *x.StartTime)
	}
	if (x.Type == types.WorkflowTypeTest) != (x.ParallelGroup != nil) {
		t.Errorf("%s: %s workflow with parallel group %q", id, x.Type, aws.ToString(x.ParallelGroup))
	}
	total, ok, failed, skipped := x.TotalStepCount, x.TotalStepsSucceeded, x.TotalStepsFailed, x.TotalStepsSkipped
	var consistent bool
	switch x.Status {
	case types.WorkflowExecutionStatusCompleted:
		consistent = failed == 0 && ok+skipped == total
	case types.WorkflowExecutionStatusFailed, types.WorkflowExecutionStatusRollbackCompleted:
		consistent = failed == 1 && ok+failed+skipped == total
	case types.WorkflowExecutionStatusRollbackInProgress:
		consistent = failed == 1 && ok+failed+skipped <= total
	case types.WorkflowExecutionStatusSkipped:
		consistent = ok == 0 && failed == 0 && skipped == total
	case types.WorkflowExecutionStatusPending:
		consistent = ok == 0 && failed == 0 && skipped == 0
	case types.WorkflowExecutionStatusRunning, types.WorkflowExecutionStatusCancelled:
		consistent = failed == 0 && ok+skipped < total
	}
	if !consistent || total < 3 {
		t.Errorf("%s: status %s with totals %d = %d ok + %d failed + %d skipped", id, x.Status, total, ok, failed, skipped)
	}
}

// ibListed walks every image build version of both regions once at the
// default page size, keyed by ARN.
func ibListed(t testing.TB, srv *awsemu.Server) map[string][]types.WorkflowExecutionMetadata {
	t.Helper()
	out := map[string][]types.WorkflowExecutionMetadata{}
	for _, res := range resources(t, srv, "imagebuilder") {
		out[res.ID] = ibWalkExecutions(t, ibClient(srv, res.Region), res.ID, 0, res.Count)
	}
	return out
}

func TestImageBuilderSeedLayout(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	listed := ibListed(t, srv)
	counts := map[string][]int{}
	for _, res := range resources(t, srv, "imagebuilder") {
		m := ibImageARN.FindStringSubmatch(res.ID)
		if m == nil || m[1] != res.Region {
			t.Errorf("resource %q in %s is not an image build version ARN of its region", res.ID, res.Region)
		}
		counts[res.Region] = append(counts[res.Region], res.Count)
		if res.Count < 70 {
			continue
		}
		long := 0
		for _, x := range listed[res.ID] {
			if x.TotalStepCount >= 55 && x.TotalStepCount <= 70 {
				long++
			}
		}
		if long < 2 {
			t.Errorf("%s: %d executions of 55-70 steps, want at least 2", res.ID, long)
		}
		if s := listed[res.ID][0].Status; s != types.WorkflowExecutionStatusRunning {
			t.Errorf("%s: newest execution is %s, want RUNNING", res.ID, s)
		}
	}
	has := func(region string, lo, hi int) bool {
		for _, n := range counts[region] {
			if n >= lo && n <= hi {
				return true
			}
		}
		return false
	}
	if len(counts[awsemu.DefaultRegion]) != 3 || !has(awsemu.DefaultRegion, 0, 0) || !has(awsemu.DefaultRegion, 1, 10) || !has(awsemu.DefaultRegion, 70, 90) {
		t.Errorf("primary region image build versions have %v executions, want 0, 1-10 and 70-90", counts[awsemu.DefaultRegion])
	}
	if len(counts[awsemu.SecondRegion]) != 2 || !has(awsemu.SecondRegion, 1, 10) || !has(awsemu.SecondRegion, 30, 120) {
		t.Errorf("second region image build versions have %v executions, want 1-10 and 30-120", counts[awsemu.SecondRegion])
	}
	// The status mix: mostly completed, some failures, a few active.
	statuses := map[types.WorkflowExecutionStatus]int{}
	total := 0
	for _, xs := range listed {
		for _, x := range xs {
			statuses[x.Status]++
			total++
		}
	}
	if statuses[types.WorkflowExecutionStatusCompleted]*2 < total || statuses[types.WorkflowExecutionStatusFailed] == 0 || statuses[types.WorkflowExecutionStatusRunning] == 0 {
		t.Errorf("status mix %v of %d executions", statuses, total)
	}
}

func TestImageBuilderListWorkflowExecutionsWalks(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	for _, res := range resources(t, srv, "imagebuilder") {
		t.Run(res.Region+"/"+res.ID, func(t *testing.T) {
			c := ibClient(srv, res.Region)
			sizes := []int32{0, 2, 7, 25}
			if res.Count < 30 {
				sizes = append(sizes, 1)
			}
			var first []string
			for _, size := range sizes {
				xs := ibWalkExecutions(t, c, res.ID, size, res.Count)
				ids := make([]string, len(xs))
				seen := map[string]bool{}
				for i, x := range xs {
					ibCheckExecution(t, res.Region, x)
					ids[i] = aws.ToString(x.WorkflowExecutionId)
					if seen[ids[i]] {
						t.Fatalf("size %d: %s listed twice", size, ids[i])
					}
					seen[ids[i]] = true
					if i > 0 {
						prev, cur := ibTime(t, ids[i-1], xs[i-1].StartTime), ibTime(t, ids[i], x.StartTime)
						if cur.After(prev) || (cur.Equal(prev) && ids[i] < ids[i-1]) {
							t.Fatalf("size %d: %s (%s) listed after %s (%s): not newest first", size, ids[i], *x.StartTime, ids[i-1], *xs[i-1].StartTime)
						}
					}
				}
				if len(ids) != res.Count {
					t.Fatalf("size %d: %d executions, manifest says %d", size, len(ids), res.Count)
				}
				if first == nil {
					first = ids
				} else if fmt.Sprint(ids) != fmt.Sprint(first) {
					t.Fatalf("size %d lists another sequence than the default size", size)
				}
			}
		})
	}
}

func TestImageBuilderGetWorkflowExecutionAgreesWithList(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	regions := map[string]string{}
	for _, res := range resources(t, srv, "imagebuilder") {
		regions[res.ID] = res.Region
	}
	for arn, xs := range ibListed(t, srv) {
		c := ibClient(srv, regions[arn])
		for _, x := range xs {
			got, err := c.GetWorkflowExecution(ctx(t), &imagebuilder.GetWorkflowExecutionInput{WorkflowExecutionId: x.WorkflowExecutionId})
			if err != nil {
				t.Fatalf("GetWorkflowExecution %s: %v", aws.ToString(x.WorkflowExecutionId), err)
			}
			// Every member of the list entry but retried, and the image.
			want := types.WorkflowExecutionMetadata{
				WorkflowExecutionId: got.WorkflowExecutionId, WorkflowBuildVersionArn: got.WorkflowBuildVersionArn,
				Type: got.Type, Status: got.Status, Message: got.Message, ParallelGroup: got.ParallelGroup,
				TotalStepCount: got.TotalStepCount, TotalStepsSucceeded: got.TotalStepsSucceeded,
				TotalStepsFailed: got.TotalStepsFailed, TotalStepsSkipped: got.TotalStepsSkipped,
				StartTime: got.StartTime, EndTime: got.EndTime, Retried: x.Retried,
			}
			if fmt.Sprint(ibFields(want)) != fmt.Sprint(ibFields(x)) {
				t.Errorf("GetWorkflowExecution %s:\n got %v\nlist %v", aws.ToString(x.WorkflowExecutionId), ibFields(want), ibFields(x))
			}
			if aws.ToString(got.ImageBuildVersionArn) != arn || aws.ToString(got.RequestId) == "" {
				t.Errorf("GetWorkflowExecution %s: image %q, request id %q", aws.ToString(x.WorkflowExecutionId), aws.ToString(got.ImageBuildVersionArn), aws.ToString(got.RequestId))
			}
		}
	}
}

// ibFields lists the members of an execution for comparison.
func ibFields(x types.WorkflowExecutionMetadata) []any {
	return []any{
		aws.ToString(x.WorkflowExecutionId), aws.ToString(x.WorkflowBuildVersionArn), x.Type, x.Status,
		aws.ToString(x.Message), aws.ToString(x.ParallelGroup), x.TotalStepCount, x.TotalStepsSucceeded,
		x.TotalStepsFailed, x.TotalStepsSkipped, aws.ToString(x.StartTime), aws.ToString(x.EndTime), aws.ToBool(x.Retried),
	}
}

func TestImageBuilderListWorkflowStepExecutions(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	regions := map[string]string{}
	for _, res := range resources(t, srv, "imagebuilder") {
		regions[res.ID] = res.Region
	}
	// Every execution of 55+ steps, and one of each status in each image.
	type sample struct {
		image string
		x     types.WorkflowExecutionMetadata
	}
	var samples []sample
	long := 0
	for arn, xs := range ibListed(t, srv) {
		seen := map[types.WorkflowExecutionStatus]bool{}
		for _, x := range xs {
			if x.TotalStepCount >= 55 {
				long++
			} else if seen[x.Status] {
				continue
			}
			seen[x.Status] = true
			samples = append(samples, sample{arn, x})
		}
	}
	if long < 2 {
		t.Fatalf("%d executions with 55+ steps, want at least 2", long)
	}
	for _, s := range samples {
		id := aws.ToString(s.x.WorkflowExecutionId)
		t.Run(fmt.Sprintf("%s/%s/%d-steps", s.x.Status, id, s.x.TotalStepCount), func(t *testing.T) {
			c := ibClient(srv, regions[s.image])
			var first []string
			for _, size := range []int32{1, 7, 25} {
				steps := ibWalkSteps(t, c, s.x, s.image, size)
				ids := ibCheckSteps(t, s.x, steps)
				if first == nil {
					first = ids
				} else if fmt.Sprint(ids) != fmt.Sprint(first) {
					t.Fatalf("size %d lists another step sequence than size 1", size)
				}
			}
		})
	}
}

// ibCheckSteps checks the steps of execution x against its totals, status
// and times, and returns their ids.
func ibCheckSteps(t testing.TB, x types.WorkflowExecutionMetadata, steps []types.WorkflowStepMetadata) []string {
	t.Helper()
	if len(steps) != int(x.TotalStepCount) {
		t.Fatalf("%d steps, execution says %d", len(steps), x.TotalStepCount)
	}
	count := map[types.WorkflowStepExecutionStatus]int32{}
	ids := make([]string, len(steps))
	seen := map[string]bool{}
	var last time.Time
	for i, s := range steps {
		ids[i] = aws.ToString(s.StepExecutionId)
		if !ibStepIDPattern.MatchString(ids[i]) || seen[ids[i]] || aws.ToString(s.Name) == "" || aws.ToString(s.Action) == "" {
			t.Fatalf("step %d: id %q (seen %v), name %q, action %q", i, ids[i], seen[ids[i]], aws.ToString(s.Name), aws.ToString(s.Action))
		}
		seen[ids[i]] = true
		count[s.Status]++
		started := s.Status != types.WorkflowStepExecutionStatusPending
		ended := started && s.Status != types.WorkflowStepExecutionStatusRunning
		if (s.StartTime != nil) != started || (s.EndTime != nil) != ended {
			t.Fatalf("step %s: status %s with start %v, end %v", ids[i], s.Status, aws.ToString(s.StartTime), aws.ToString(s.EndTime))
		}
		if !started {
			continue
		}
		start := ibTime(t, ids[i], s.StartTime)
		if i == 0 && start != ibTime(t, "execution", x.StartTime) {
			t.Fatalf("first step starts %s, execution %s", *s.StartTime, *x.StartTime)
		}
		if start.Before(last) {
			t.Fatalf("step %s starts %s, before the end of the previous step", ids[i], *s.StartTime)
		}
		if ended {
			last = ibTime(t, ids[i], s.EndTime)
		}
		if x.EndTime != nil && last.After(ibTime(t, "execution", x.EndTime)) {
			t.Fatalf("step %s ends %s, after the execution %s", ids[i], *s.EndTime, *x.EndTime)
		}
	}
	got := [3]int32{count[types.WorkflowStepExecutionStatusCompleted], count[types.WorkflowStepExecutionStatusFailed], count[types.WorkflowStepExecutionStatusSkipped]}
	want := [3]int32{x.TotalStepsSucceeded, x.TotalStepsFailed, x.TotalStepsSkipped}
	if got != want {
		t.Fatalf("steps completed/failed/skipped %v, execution totals %v", got, want)
	}
	running := count[types.WorkflowStepExecutionStatusRunning]
	if (x.Status == types.WorkflowExecutionStatusRunning) != (running == 1) || running > 1 {
		t.Fatalf("%s execution has %d running steps", x.Status, running)
	}
	return ids
}

// ibLarge returns the large image build version of the primary region (70+
// executions) and the small one (1-10).
func ibLarge(t testing.TB, srv *awsemu.Server) (large, small awsemu.Resource) {
	t.Helper()
	for _, res := range resources(t, srv, "imagebuilder") {
		switch {
		case res.Region != awsemu.DefaultRegion:
		case res.Count >= 70:
			large = res
		case res.Count > 0:
			small = res
		}
	}
	if large.ID == "" || small.ID == "" {
		t.Fatalf("no large and small image build versions in %s", awsemu.DefaultRegion)
	}
	return large, small
}

// ibLongExecutions returns the two first executions with 55+ steps.
func ibLongExecutions(t testing.TB, c *imagebuilder.Client, large awsemu.Resource) (a, b types.WorkflowExecutionMetadata) {
	t.Helper()
	var long []types.WorkflowExecutionMetadata
	for _, x := range ibWalkExecutions(t, c, large.ID, 25, large.Count) {
		if x.TotalStepCount >= 55 {
			long = append(long, x)
		}
	}
	if len(long) < 2 {
		t.Fatalf("%d long executions", len(long))
	}
	return long[0], long[1]
}

func TestImageBuilderBadTokens(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	srv, _ := startEmulator(t, awsemu.Options{TokenTTL: time.Hour, Now: clk.Now})
	c := ibClient(srv, awsemu.DefaultRegion)
	large, small := ibLarge(t, srv)
	listIn := func(c *imagebuilder.Client, arn, token string) error {
		return errOf(c.ListWorkflowExecutions(ctx(t), &imagebuilder.ListWorkflowExecutionsInput{ImageBuildVersionArn: aws.String(arn), MaxResults: aws.Int32(3), NextToken: aws.String(token)}))
	}
	listExecs := func(arn, token string) error { return listIn(c, arn, token) }
	var other awsemu.Resource // a second-region image with 30+ executions
	for _, res := range resources(t, srv, "imagebuilder") {
		if res.Region == awsemu.SecondRegion && res.Count >= 30 {
			other = res
		}
	}
	listSteps := func(id, token string) error {
		return errOf(c.ListWorkflowStepExecutions(ctx(t), &imagebuilder.ListWorkflowStepExecutionsInput{WorkflowExecutionId: aws.String(id), MaxResults: aws.Int32(3), NextToken: aws.String(token)}))
	}
	// Offset 1: inside every other non-empty listing, so only the binding
	// can refuse it there.
	page, err := c.ListWorkflowExecutions(ctx(t), &imagebuilder.ListWorkflowExecutionsInput{ImageBuildVersionArn: aws.String(large.ID), MaxResults: aws.Int32(1)})
	if err != nil || page.NextToken == nil {
		t.Fatalf("first page: %v", err)
	}
	execToken := *page.NextToken
	a, b := ibLongExecutions(t, c, large)
	steps, err := c.ListWorkflowStepExecutions(ctx(t), &imagebuilder.ListWorkflowStepExecutionsInput{WorkflowExecutionId: a.WorkflowExecutionId, MaxResults: aws.Int32(5)})
	if err != nil || steps.NextToken == nil {
		t.Fatalf("first step page: %v", err)
	}
	stepToken := *steps.NextToken
	altered := func(tok string) string {
		i := len(tok) / 2
		c := byte('A')
		if tok[i] == 'A' {
			c = 'B'
		}
		return tok[:i] + string(c) + tok[i+1:]
	}
	// A token resumes its own listing at any page size.
	if err := listExecs(large.ID, execToken); err != nil {
		t.Fatalf("resuming with the token at another page size: %v", err)
	}
	if err := listSteps(aws.ToString(a.WorkflowExecutionId), stepToken); err != nil {
		t.Fatalf("resuming the steps with the token at another page size: %v", err)
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"executions/garbage", func() error { return listExecs(large.ID, "garbage!") }},
		{"executions/altered", func() error { return listExecs(large.ID, altered(execToken)) }},
		{"executions/other image", func() error { return listExecs(small.ID, execToken) }},
		{"executions/other region", func() error { return listIn(ibClient(srv, awsemu.SecondRegion), other.ID, execToken) }},
		{"executions/steps token", func() error { return listExecs(large.ID, stepToken) }},
		{"steps/garbage", func() error { return listSteps(aws.ToString(a.WorkflowExecutionId), "AAAA") }},
		{"steps/altered", func() error { return listSteps(aws.ToString(a.WorkflowExecutionId), altered(stepToken)) }},
		{"steps/other execution", func() error { return listSteps(aws.ToString(b.WorkflowExecutionId), stepToken) }},
		{"steps/executions token", func() error { return listSteps(aws.ToString(a.WorkflowExecutionId), execToken) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			wantAPIError[*types.InvalidPaginationTokenException](t, err, "InvalidPaginationTokenException", 400)
		})
	}
	t.Run("expired", func(t *testing.T) {
		clk.now = clk.now.Add(61 * time.Minute)
		for _, err := range []error{listExecs(large.ID, execToken), listSteps(aws.ToString(a.WorkflowExecutionId), stepToken)} {
			wantAPIError[*types.InvalidPaginationTokenException](t, err, "InvalidPaginationTokenException", 400)
		}
	})
}

func TestImageBuilderPageSizeOutOfRange(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	c := ibClient(srv, awsemu.DefaultRegion)
	large, _ := ibLarge(t, srv)
	x := ibWalkExecutions(t, c, large.ID, 25, large.Count)[0]
	unknownARN := "arn:aws:imagebuilder:us-east-1:123456789012:image/no-such-image/1.0.0/1"
	unknownID := "wf-00000000-0000-4000-8000-000000000000"
	for _, size := range []int32{0, -1, 26, 1000} {
		// Validated before the resource: an unknown one still gets the
		// page size error.
		for _, arn := range []string{large.ID, unknownARN} {
			_, err := c.ListWorkflowExecutions(ctx(t), &imagebuilder.ListWorkflowExecutionsInput{ImageBuildVersionArn: aws.String(arn), MaxResults: aws.Int32(size)})
			wantCode(t, err, "InvalidParameterValueException", 400)
		}
		for _, id := range []*string{x.WorkflowExecutionId, aws.String(unknownID)} {
			_, err := c.ListWorkflowStepExecutions(ctx(t), &imagebuilder.ListWorkflowStepExecutionsInput{WorkflowExecutionId: id, MaxResults: aws.Int32(size)})
			wantCode(t, err, "InvalidParameterValueException", 400)
		}
	}
	// The bounds themselves are valid; absent means 25.
	for _, tc := range []struct {
		size *int32
		want int
	}{{aws.Int32(1), 1}, {aws.Int32(25), 25}, {nil, 25}} {
		out, err := c.ListWorkflowExecutions(ctx(t), &imagebuilder.ListWorkflowExecutionsInput{ImageBuildVersionArn: aws.String(large.ID), MaxResults: tc.size})
		if err != nil || len(out.WorkflowExecutions) != tc.want {
			t.Fatalf("maxResults %v: want %d executions, got error %v", aws.ToInt32(tc.size), tc.want, err)
		}
	}
}

func TestImageBuilderNotFoundAndMalformed(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	c := ibClient(srv, awsemu.DefaultRegion)
	second := ibClient(srv, awsemu.SecondRegion)
	large, _ := ibLarge(t, srv)
	x := ibWalkExecutions(t, c, large.ID, 1, large.Count)
	id := aws.ToString(x[0].WorkflowExecutionId)
	list := func(c *imagebuilder.Client, arn string) error {
		return errOf(c.ListWorkflowExecutions(ctx(t), &imagebuilder.ListWorkflowExecutionsInput{ImageBuildVersionArn: aws.String(arn)}))
	}
	get := func(c *imagebuilder.Client, id string) error {
		return errOf(c.GetWorkflowExecution(ctx(t), &imagebuilder.GetWorkflowExecutionInput{WorkflowExecutionId: aws.String(id)}))
	}
	steps := func(c *imagebuilder.Client, id string) error {
		return errOf(c.ListWorkflowStepExecutions(ctx(t), &imagebuilder.ListWorkflowStepExecutionsInput{WorkflowExecutionId: aws.String(id)}))
	}
	const notFound, invalid = "ResourceNotFoundException", "InvalidParameterValueException"
	tests := []struct {
		name string
		err  error
		code string
	}{
		{"list/unknown image", list(c, "arn:aws:imagebuilder:us-east-1:123456789012:image/no-such-image/1.0.0/1"), notFound},
		{"list/other build", list(c, strings.TrimSuffix(large.ID, "/17")+"/18"), notFound},
		{"list/primary image in second region", list(second, large.ID), notFound},
		{"list/not an ARN", list(c, "ml-platform"), invalid},
		{"list/image version ARN", list(c, strings.TrimSuffix(large.ID, "/17")), invalid},
		{"list/workflow ARN", list(c, aws.ToString(x[0].WorkflowBuildVersionArn)), invalid},
		{"list/upper case name", list(c, strings.Replace(large.ID, "ml-platform", "ML-Platform", 1)), invalid},
		{"get/unknown", get(c, "wf-00000000-0000-4000-8000-000000000000"), notFound},
		{"get/primary execution in second region", get(second, id), notFound},
		{"get/malformed", get(c, "wf-1234"), invalid},
		{"get/step id", get(c, "step"+strings.TrimPrefix(id, "wf")), invalid},
		{"steps/unknown", steps(c, "wf-00000000-0000-4000-8000-000000000000"), notFound},
		{"steps/primary execution in second region", steps(second, id), notFound},
		{"steps/malformed", steps(c, id+"0"), invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Neither code is modeled for these operations, so the SDK
			// reports a generic API error with the code.
			status := map[string]int{notFound: 404, invalid: 400}[tc.code]
			wantCode(t, tc.err, tc.code, status)
		})
	}
}

func TestImageBuilderFaults(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	c := ibClient(srv, awsemu.DefaultRegion)
	large, _ := ibLarge(t, srv)
	listIn := &imagebuilder.ListWorkflowExecutionsInput{ImageBuildVersionArn: aws.String(large.ID)}
	first, err := c.ListWorkflowExecutions(ctx(t), listIn)
	if err != nil {
		t.Fatal(err)
	}
	id := first.WorkflowExecutions[0].WorkflowExecutionId
	faultTest{
		throttled: faultOp{"imagebuilder.ListWorkflowExecutions", func() error { return errOf(c.ListWorkflowExecutions(ctx(t), listIn)) }},
		spared: faultOp{"imagebuilder.GetWorkflowExecution", func() error {
			return errOf(c.GetWorkflowExecution(ctx(t), &imagebuilder.GetWorkflowExecutionInput{WorkflowExecutionId: id}))
		}},
		failing: faultOp{"imagebuilder.ListWorkflowStepExecutions", func() error {
			return errOf(c.ListWorkflowStepExecutions(ctx(t), &imagebuilder.ListWorkflowStepExecutionsInput{WorkflowExecutionId: id}))
		}},
		throttleErr: func(t *testing.T, err error) {
			wantAPIError[*types.CallRateLimitExceededException](t, err, "CallRateLimitExceededException", 429)
		},
		serverErr: func(t *testing.T, err error) {
			wantAPIError[*types.ServiceException](t, err, "ServiceException", 500)
		},
	}.run(t, srv)
}
