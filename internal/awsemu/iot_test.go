package awsemu_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/execgraph/execgraph/internal/awsemu"
)

// Bounds of ListJobExecutionsForJob's maxResults, and the emulator's
// default page size when it is absent.
const (
	iotMaxPage     = 250
	iotDefaultPage = 10
)

// iotClients returns an IoT client per region, both talking to srv.
func iotClients(srv *awsemu.Server) map[string]*iot.Client {
	return map[string]*iot.Client{
		awsemu.DefaultRegion: iot.NewFromConfig(sdkConfig(srv.URL, awsemu.DefaultRegion)),
		awsemu.SecondRegion:  iot.NewFromConfig(sdkConfig(srv.URL, awsemu.SecondRegion)),
	}
}

// iotWalk lists every execution of a job with the SDK paginator at a page
// size (0: absent, the default) and status filter (empty: none). It checks
// that every page but the last is full.
func iotWalk(t *testing.T, c *iot.Client, jobID string, size int32, status types.JobExecutionStatus) []types.JobExecutionSummaryForJob {
	t.Helper()
	in := &iot.ListJobExecutionsForJobInput{JobId: aws.String(jobID), Status: status}
	want := int32(iotDefaultPage)
	if size > 0 {
		in.MaxResults, want = aws.Int32(size), size
	}
	p := iot.NewListJobExecutionsForJobPaginator(c, in)
	var out []types.JobExecutionSummaryForJob
	for i := 0; p.HasMorePages(); i++ {
		if i > 2000 {
			t.Fatalf("%s size %d: walk does not end", jobID, size)
		}
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("%s size %d status %q page %d: %v", jobID, size, status, i, err)
		}
		n := int32(len(page.ExecutionSummaries))
		if last := page.NextToken == nil; n > want || (!last && n != want) {
			t.Fatalf("%s size %d page %d: %d items, last=%v", jobID, size, i, n, last)
		}
		out = append(out, page.ExecutionSummaries...)
	}
	return out
}

// iotSortKey is an execution's time in the listing order: startedAt, or
// queuedAt when it never started.
func iotSortKey(s types.JobExecutionSummaryForJob) time.Time {
	if s.JobExecutionSummary.StartedAt != nil {
		return *s.JobExecutionSummary.StartedAt
	}
	return *s.JobExecutionSummary.QueuedAt
}

// thingName returns the thing name of a thing ARN of the region, failing the
// test if the ARN is not arn:aws:iot:<region>:<account>:thing/<name>.
func thingName(t *testing.T, region, arn string) string {
	t.Helper()
	prefix := fmt.Sprintf("arn:aws:iot:%s:%s:thing/", region, awsemu.AccountID)
	name, ok := strings.CutPrefix(arn, prefix)
	if !ok || name == "" || strings.Contains(name, "/") {
		t.Fatalf("thingArn %q does not parse as %s<name>", arn, prefix)
	}
	return name
}

func TestIoTSeedLayout(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	byRegion := map[string][]awsemu.Resource{}
	for _, r := range resources(t, srv, "iot") {
		byRegion[r.Region] = append(byRegion[r.Region], r)
	}
	has := func(rs []awsemu.Resource, lo, hi int) bool {
		return slices.ContainsFunc(rs, func(r awsemu.Resource) bool { return r.Count >= lo && r.Count <= hi })
	}
	primary, second := byRegion[awsemu.DefaultRegion], byRegion[awsemu.SecondRegion]
	if !has(primary, 0, 0) || !has(primary, 1, 10) || !has(primary, 650, 720) {
		t.Errorf("primary region lacks an empty, a small or a large job: %+v", primary)
	}
	if len(second) < 2 || !has(second, 30, 120) {
		t.Errorf("second region needs two jobs, one of 30-120 executions: %+v", second)
	}
	for _, r := range second {
		if slices.ContainsFunc(primary, func(p awsemu.Resource) bool { return p.ID == r.ID }) {
			t.Errorf("job id %s is in both regions", r.ID)
		}
	}
}

// TestIoTWalks walks every job of both regions at several page sizes: every
// walk yields the same thingArns, as many as the manifest says, each once,
// newest first (ties by thingArn).
func TestIoTWalks(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	clients := iotClients(srv)
	ties := 0 // items that tie with their predecessor on the time key
	for _, res := range resources(t, srv, "iot") {
		t.Run(res.Region+"/"+res.ID, func(t *testing.T) {
			sizes := []int32{1, 13, 0, iotMaxPage}
			if res.Count < 30 {
				sizes = []int32{1, 3, 0, iotMaxPage}
			}
			var first []string
			for _, size := range sizes {
				items := iotWalk(t, clients[res.Region], res.ID, size, "")
				arns := make([]string, len(items))
				for i, it := range items {
					arns[i] = aws.ToString(it.ThingArn)
					if i > 0 {
						prev, cur := iotSortKey(items[i-1]), iotSortKey(it)
						if cur.After(prev) || (cur.Equal(prev) && arns[i-1] >= arns[i]) {
							t.Fatalf("size %d: item %d (%s %v) out of order after %s %v", size, i, arns[i], cur, arns[i-1], prev)
						}
						if first == nil && cur.Equal(prev) {
							ties++
						}
					}
				}
				if len(arns) != res.Count {
					t.Fatalf("size %d: %d items, manifest says %d", size, len(arns), res.Count)
				}
				if dup := len(arns) - len(uniq(arns)); dup != 0 {
					t.Fatalf("size %d: %d duplicates", size, dup)
				}
				if first == nil {
					first = arns
				} else if !slices.Equal(first, arns) {
					t.Fatalf("size %d yields another sequence than size %d", size, sizes[0])
				}
			}
		})
	}
	if ties == 0 {
		t.Error("no listing has executions that tie on the time key: the tie-break is untested")
	}
}

func uniq(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// TestIoTStatusFilter checks that a walk with a status yields the unfiltered
// walk's items of that status, in the same order, and that DescribeJob counts
// them alike.
func TestIoTStatusFilter(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	clients := iotClients(srv)
	for _, res := range resources(t, srv, "iot") {
		if res.Count < 30 {
			continue
		}
		c := clients[res.Region]
		all := iotWalk(t, c, res.ID, iotMaxPage, "")
		job, err := c.DescribeJob(ctx(t), &iot.DescribeJobInput{JobId: aws.String(res.ID)})
		if err != nil {
			t.Fatal(err)
		}
		pd := job.Job.JobProcessDetails
		counts := map[types.JobExecutionStatus]*int32{
			types.JobExecutionStatusQueued: pd.NumberOfQueuedThings, types.JobExecutionStatusInProgress: pd.NumberOfInProgressThings,
			types.JobExecutionStatusSucceeded: pd.NumberOfSucceededThings, types.JobExecutionStatusFailed: pd.NumberOfFailedThings,
			types.JobExecutionStatusTimedOut: pd.NumberOfTimedOutThings, types.JobExecutionStatusRejected: pd.NumberOfRejectedThings,
			types.JobExecutionStatusRemoved: pd.NumberOfRemovedThings, types.JobExecutionStatusCanceled: pd.NumberOfCanceledThings,
		}
		for _, status := range types.JobExecutionStatus("").Values() {
			t.Run(res.Region+"/"+res.ID+"/"+string(status), func(t *testing.T) {
				var want []string
				for _, it := range all {
					if it.JobExecutionSummary.Status == status {
						want = append(want, aws.ToString(it.ThingArn))
					}
				}
				for _, size := range []int32{3, iotMaxPage} {
					var got []string
					for _, it := range iotWalk(t, c, res.ID, size, status) {
						got = append(got, aws.ToString(it.ThingArn))
					}
					if !slices.Equal(got, want) {
						t.Fatalf("size %d: filtered walk has %d items, the filtered full walk %d, or another order", size, len(got), len(want))
					}
				}
				if n := aws.ToInt32(counts[status]); int(n) != len(want) {
					t.Fatalf("DescribeJob counts %d %s executions, the listing %d", n, status, len(want))
				}
			})
		}
	}
}

// iotLarge returns the primary region's largest job.
func iotLarge(t *testing.T, srv *awsemu.Server) awsemu.Resource {
	t.Helper()
	var large awsemu.Resource
	for _, r := range resources(t, srv, "iot") {
		if r.Region == awsemu.DefaultRegion && r.Count > large.Count {
			large = r
		}
	}
	return large
}

// iotSmall returns a primary-region job of 1-10 executions.
func iotSmall(t *testing.T, srv *awsemu.Server) awsemu.Resource {
	t.Helper()
	for _, r := range resources(t, srv, "iot") {
		if r.Region == awsemu.DefaultRegion && r.Count >= 1 && r.Count <= 10 {
			return r
		}
	}
	t.Fatal("no small job")
	return awsemu.Resource{}
}

// iotToken lists one page and returns its next token.
func iotToken(t *testing.T, c *iot.Client, jobID string, size int32, status types.JobExecutionStatus) string {
	t.Helper()
	out, err := c.ListJobExecutionsForJob(ctx(t), &iot.ListJobExecutionsForJobInput{JobId: aws.String(jobID), MaxResults: aws.Int32(size), Status: status})
	if err != nil {
		t.Fatal(err)
	}
	if out.NextToken == nil {
		t.Fatalf("%s size %d status %q: no next token", jobID, size, status)
	}
	return *out.NextToken
}

// iotFirst returns the first execution of a job with a status.
func iotFirst(t *testing.T, c *iot.Client, jobID string, status types.JobExecutionStatus) types.JobExecutionSummaryForJob {
	t.Helper()
	out, err := c.ListJobExecutionsForJob(ctx(t), &iot.ListJobExecutionsForJobInput{JobId: aws.String(jobID), MaxResults: aws.Int32(1), Status: status})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ExecutionSummaries) != 1 {
		t.Fatalf("%s has no %s execution", jobID, status)
	}
	return out.ExecutionSummaries[0]
}

func TestIoTBadTokens(t *testing.T) {
	srv, cfg := startEmulator(t, awsemu.Options{})
	c := iot.NewFromConfig(cfg)
	large, small := iotLarge(t, srv).ID, iotSmall(t, srv).ID
	unfiltered := iotToken(t, c, large, 5, "")
	succeeded := iotToken(t, c, large, 5, types.JobExecutionStatusSucceeded)
	altered := []byte(unfiltered)
	altered[3] ^= 1
	tests := []struct {
		name, job, token string
		status           types.JobExecutionStatus
	}{
		{"garbage", large, "not-a-token", ""},
		{"altered", large, string(altered), ""},
		{"truncated", large, unfiltered[:len(unfiltered)-2], ""},
		{"other job", small, unfiltered, ""},
		{"unfiltered token with a status", large, unfiltered, types.JobExecutionStatusSucceeded},
		{"status token without status", large, succeeded, ""},
		{"status token with another status", large, succeeded, types.JobExecutionStatusFailed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.ListJobExecutionsForJob(ctx(t), &iot.ListJobExecutionsForJobInput{
				JobId: aws.String(tc.job), NextToken: aws.String(tc.token), Status: tc.status,
			})
			wantAPIError[*types.InvalidRequestException](t, err, "InvalidRequestException", 400)
		})
	}
	t.Run("same token still valid", func(t *testing.T) {
		_, err := c.ListJobExecutionsForJob(ctx(t), &iot.ListJobExecutionsForJobInput{
			JobId: aws.String(large), NextToken: aws.String(succeeded), Status: types.JobExecutionStatusSucceeded, MaxResults: aws.Int32(iotMaxPage),
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestIoTExpiredToken(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	srv, cfg := startEmulator(t, awsemu.Options{TokenTTL: time.Hour, Now: clk.Now})
	c := iot.NewFromConfig(cfg)
	large := iotLarge(t, srv).ID
	token := iotToken(t, c, large, 10, "")
	in := &iot.ListJobExecutionsForJobInput{JobId: aws.String(large), NextToken: aws.String(token)}
	clk.now = clk.now.Add(59 * time.Minute)
	if _, err := c.ListJobExecutionsForJob(ctx(t), in); err != nil {
		t.Fatalf("token within its TTL: %v", err)
	}
	clk.now = clk.now.Add(2 * time.Minute)
	_, err := c.ListJobExecutionsForJob(ctx(t), in)
	wantAPIError[*types.InvalidRequestException](t, err, "InvalidRequestException", 400)
}

func TestIoTInvalidRequests(t *testing.T) {
	srv, cfg := startEmulator(t, awsemu.Options{})
	c := iot.NewFromConfig(cfg)
	large := iotLarge(t, srv).ID
	list := func(job string, size *int32, status types.JobExecutionStatus) func() error {
		return func() error {
			return errOf(c.ListJobExecutionsForJob(ctx(t), &iot.ListJobExecutionsForJobInput{JobId: aws.String(job), MaxResults: size, Status: status}))
		}
	}
	long := strings.Repeat("j", 65)
	tests := []struct {
		name string
		call func() error
	}{
		{"maxResults 0", list(large, aws.Int32(0), "")},
		{"maxResults -1", list(large, aws.Int32(-1), "")},
		{"maxResults 251", list(large, aws.Int32(iotMaxPage+1), "")},
		{"maxResults 1000 on an unknown job", list("no-such-job", aws.Int32(1000), "")},
		{"unknown status", list(large, nil, "RUNNING")},
		{"lowercase status", list(large, nil, "queued")},
		{"jobId with a space", list("bad job", nil, "")},
		{"jobId with a slash", list("a/b", nil, "")},
		{"jobId of 65 characters", list(long, nil, "")},
		{"DescribeJob malformed jobId", func() error {
			return errOf(c.DescribeJob(ctx(t), &iot.DescribeJobInput{JobId: aws.String("job!")}))
		}},
		{"DescribeJobExecution malformed jobId", func() error {
			return errOf(c.DescribeJobExecution(ctx(t), &iot.DescribeJobExecutionInput{JobId: aws.String(long), ThingName: aws.String("sensor-0001")}))
		}},
		{"DescribeJobExecution malformed thingName", func() error {
			return errOf(c.DescribeJobExecution(ctx(t), &iot.DescribeJobExecutionInput{JobId: aws.String(large), ThingName: aws.String("sensor 1")}))
		}},
		{"DescribeThing malformed thingName", func() error {
			return errOf(c.DescribeThing(ctx(t), &iot.DescribeThingInput{ThingName: aws.String("sensor#1")}))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantAPIError[*types.InvalidRequestException](t, tc.call(), "InvalidRequestException", 400)
		})
	}
	for _, size := range []int32{1, iotMaxPage} {
		if err := list(large, aws.Int32(size), "")(); err != nil {
			t.Errorf("maxResults %d: %v", size, err)
		}
	}
}

func TestIoTNotFound(t *testing.T) {
	srv, cfg := startEmulator(t, awsemu.Options{})
	c := iot.NewFromConfig(cfg)
	large := iotLarge(t, srv).ID
	first := iotFirst(t, c, large, types.JobExecutionStatusSucceeded)
	thing := thingName(t, awsemu.DefaultRegion, aws.ToString(first.ThingArn))
	tests := []struct {
		name string
		call func() error
	}{
		{"ListJobExecutionsForJob", func() error {
			return errOf(c.ListJobExecutionsForJob(ctx(t), &iot.ListJobExecutionsForJobInput{JobId: aws.String("no-such-job")}))
		}},
		{"ListJobExecutionsForJob with a token", func() error {
			return errOf(c.ListJobExecutionsForJob(ctx(t), &iot.ListJobExecutionsForJobInput{JobId: aws.String("no-such-job"), NextToken: aws.String(iotToken(t, c, large, 2, ""))}))
		}},
		{"DescribeJob", func() error {
			return errOf(c.DescribeJob(ctx(t), &iot.DescribeJobInput{JobId: aws.String("no-such-job")}))
		}},
		{"DescribeThing", func() error {
			return errOf(c.DescribeThing(ctx(t), &iot.DescribeThingInput{ThingName: aws.String("sensor-9999")}))
		}},
		{"DescribeJobExecution unknown thing", func() error {
			return errOf(c.DescribeJobExecution(ctx(t), &iot.DescribeJobExecutionInput{JobId: aws.String(large), ThingName: aws.String("sensor-9999")}))
		}},
		{"DescribeJobExecution thing not in the job", func() error {
			return errOf(c.DescribeJobExecution(ctx(t), &iot.DescribeJobExecutionInput{JobId: aws.String(large), ThingName: aws.String("gateway-0001")}))
		}},
		{"DescribeJobExecution other execution number", func() error {
			n := aws.ToInt64(first.JobExecutionSummary.ExecutionNumber) + 1
			return errOf(c.DescribeJobExecution(ctx(t), &iot.DescribeJobExecutionInput{JobId: aws.String(large), ThingName: aws.String(thing), ExecutionNumber: aws.Int64(n)}))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantAPIError[*types.ResourceNotFoundException](t, tc.call(), "ResourceNotFoundException", 404)
		})
	}
}

func TestIoTFaults(t *testing.T) {
	srv, cfg := startEmulator(t, awsemu.Options{})
	c := iot.NewFromConfig(cfg)
	large := iotLarge(t, srv).ID
	describe := faultOp{"iot.DescribeJob", func() error {
		return errOf(c.DescribeJob(ctx(t), &iot.DescribeJobInput{JobId: aws.String(large)}))
	}}
	faultTest{
		throttled: faultOp{"iot.ListJobExecutionsForJob", func() error {
			return errOf(c.ListJobExecutionsForJob(ctx(t), &iot.ListJobExecutionsForJobInput{JobId: aws.String(large)}))
		}},
		spared:  describe,
		failing: describe,
		throttleErr: func(t *testing.T, err error) {
			wantAPIError[*types.ThrottlingException](t, err, "ThrottlingException", 400)
		},
		serverErr: func(t *testing.T, err error) { wantCode(t, err, "InternalFailureException", 500) },
	}.run(t, srv)
	if n := srv.Stats()["iot.DescribeThing"]; n != 0 {
		t.Errorf("stats iot.DescribeThing = %d, want 0", n)
	}
}

// TestIoTDescribeAgreement checks, for every job of both regions, that
// DescribeJob agrees with the listing, DescribeJobExecution with sampled list
// entries of every status, and that every listed thingArn names a thing
// DescribeThing knows.
func TestIoTDescribeAgreement(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	clients := iotClients(srv)
	jobsOfThing := map[string][]int64{} // primary thing name -> execution numbers
	for _, res := range resources(t, srv, "iot") {
		t.Run(res.Region+"/"+res.ID, func(t *testing.T) {
			c := clients[res.Region]
			items := iotWalk(t, c, res.ID, iotMaxPage, "")
			job := iotCheckJob(t, c, res, items)
			seen := map[types.JobExecutionStatus]int{}
			for i, it := range items {
				name := thingName(t, res.Region, aws.ToString(it.ThingArn))
				iotCheckThing(t, c, name, aws.ToString(it.ThingArn))
				if res.Region == awsemu.DefaultRegion {
					jobsOfThing[name] = append(jobsOfThing[name], aws.ToInt64(it.JobExecutionSummary.ExecutionNumber))
				}
				status := it.JobExecutionSummary.Status
				if seen[status]++; seen[status] <= 3 || i%25 == 0 {
					iotCheckExecution(t, c, job, name, it)
				}
			}
		})
	}
	shared := false
	for name, numbers := range jobsOfThing {
		if len(numbers) > 1 {
			shared = true
			if slices.Sort(numbers); len(slices.Compact(slices.Clone(numbers))) != len(numbers) {
				t.Errorf("thing %s has executions with the same number: %v", name, numbers)
			}
		}
	}
	if !shared {
		t.Error("no primary-region thing has executions of several jobs")
	}
}

// iotCheckJob checks DescribeJob against the job's full listing.
func iotCheckJob(t *testing.T, c *iot.Client, res awsemu.Resource, items []types.JobExecutionSummaryForJob) *types.Job {
	t.Helper()
	out, err := c.DescribeJob(ctx(t), &iot.DescribeJobInput{JobId: aws.String(res.ID)})
	if err != nil {
		t.Fatal(err)
	}
	j := out.Job
	wantArn := fmt.Sprintf("arn:aws:iot:%s:%s:job/%s", res.Region, awsemu.AccountID, res.ID)
	if aws.ToString(j.JobArn) != wantArn || aws.ToString(j.JobId) != res.ID {
		t.Fatalf("job %s %s, want %s", aws.ToString(j.JobId), aws.ToString(j.JobArn), wantArn)
	}
	if aws.ToString(out.DocumentSource) == "" || len(j.Targets) == 0 || j.CreatedAt == nil || j.LastUpdatedAt == nil || j.JobProcessDetails == nil {
		t.Fatalf("job %s lacks documentSource, targets, times or process details", res.ID)
	}
	active := false
	for _, it := range items {
		s := it.JobExecutionSummary
		active = active || s.Status == types.JobExecutionStatusQueued || s.Status == types.JobExecutionStatusInProgress
		if s.QueuedAt.Before(*j.CreatedAt) || s.LastUpdatedAt.After(*j.LastUpdatedAt) {
			t.Errorf("execution on %s (%v-%v) outside the job's %v-%v", aws.ToString(it.ThingArn), s.QueuedAt, s.LastUpdatedAt, j.CreatedAt, j.LastUpdatedAt)
		}
	}
	switch {
	case j.Status == types.JobStatusInProgress:
		if j.CompletedAt != nil {
			t.Errorf("job %s IN_PROGRESS has completedAt", res.ID)
		}
	case j.Status == types.JobStatusCompleted || j.Status == types.JobStatusCanceled:
		if active || j.CompletedAt == nil {
			t.Errorf("job %s %s: active executions %v, completedAt %v", res.ID, j.Status, active, j.CompletedAt)
		}
	default:
		t.Errorf("job %s status %q", res.ID, j.Status)
	}
	if active && j.Status == types.JobStatusCompleted {
		t.Errorf("job %s COMPLETED with active executions", res.ID)
	}
	return j
}

// iotCheckExecution checks DescribeJobExecution against a list entry.
func iotCheckExecution(t *testing.T, c *iot.Client, job *types.Job, thing string, it types.JobExecutionSummaryForJob) {
	t.Helper()
	s := it.JobExecutionSummary
	for _, number := range []*int64{nil, s.ExecutionNumber} {
		out, err := c.DescribeJobExecution(ctx(t), &iot.DescribeJobExecutionInput{JobId: job.JobId, ThingName: aws.String(thing), ExecutionNumber: number})
		if err != nil {
			t.Fatalf("DescribeJobExecution %s on %s: %v", aws.ToString(job.JobId), thing, err)
		}
		x := out.Execution
		same := aws.ToString(x.JobId) == aws.ToString(job.JobId) && aws.ToString(x.ThingArn) == aws.ToString(it.ThingArn) &&
			x.Status == s.Status && aws.ToInt64(x.ExecutionNumber) == aws.ToInt64(s.ExecutionNumber) &&
			equalTime(x.QueuedAt, s.QueuedAt) && equalTime(x.StartedAt, s.StartedAt) && equalTime(x.LastUpdatedAt, s.LastUpdatedAt)
		if !same {
			t.Fatalf("DescribeJobExecution %s on %s = %+v, list entry %+v", aws.ToString(job.JobId), thing, x, s)
		}
		if (s.Status == types.JobExecutionStatusQueued) != (s.StartedAt == nil) && s.Status != types.JobExecutionStatusCanceled {
			t.Errorf("%s on %s: status %s with startedAt %v", aws.ToString(job.JobId), thing, s.Status, s.StartedAt)
		}
		if s.QueuedAt == nil || s.LastUpdatedAt == nil || (s.StartedAt != nil && s.StartedAt.Before(*s.QueuedAt)) || s.LastUpdatedAt.Before(iotSortKey(it)) {
			t.Errorf("%s on %s: inconsistent times %+v", aws.ToString(job.JobId), thing, s)
		}
		wantTimeout := s.Status == types.JobExecutionStatusInProgress && job.TimeoutConfig != nil
		if got := x.ApproximateSecondsBeforeTimedOut; (got != nil) != wantTimeout ||
			(got != nil && (*got <= 0 || *got > aws.ToInt64(job.TimeoutConfig.InProgressTimeoutInMinutes)*60)) {
			t.Errorf("%s on %s %s: approximateSecondsBeforeTimedOut %v", aws.ToString(job.JobId), thing, s.Status, got)
		}
		if x.StatusDetails == nil || x.VersionNumber < 1 {
			t.Errorf("%s on %s: statusDetails %v, versionNumber %d", aws.ToString(job.JobId), thing, x.StatusDetails, x.VersionNumber)
		}
	}
}

// iotCheckThing checks that DescribeThing knows the thing of a listed ARN.
func iotCheckThing(t *testing.T, c *iot.Client, name, arn string) {
	t.Helper()
	out, err := c.DescribeThing(ctx(t), &iot.DescribeThingInput{ThingName: aws.String(name)})
	if err != nil {
		t.Fatalf("DescribeThing %s: %v", name, err)
	}
	if aws.ToString(out.ThingName) != name || aws.ToString(out.ThingArn) != arn || aws.ToString(out.ThingId) == "" ||
		aws.ToString(out.ThingTypeName) == "" || len(out.Attributes) == 0 || out.Version < 1 {
		t.Fatalf("DescribeThing %s = %+v, listed as %s", name, out, arn)
	}
}

func equalTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func TestIoTSecondRegion(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	clients := iotClients(srv)
	eu := clients[awsemu.SecondRegion]
	for _, res := range resources(t, srv, "iot") {
		if res.Region != awsemu.DefaultRegion {
			continue
		}
		t.Run(res.ID, func(t *testing.T) {
			_, err := eu.ListJobExecutionsForJob(ctx(t), &iot.ListJobExecutionsForJobInput{JobId: aws.String(res.ID)})
			wantAPIError[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException", 404)
			_, err = eu.DescribeJob(ctx(t), &iot.DescribeJobInput{JobId: aws.String(res.ID)})
			wantAPIError[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException", 404)
		})
	}
	large := iotFirst(t, clients[awsemu.DefaultRegion], iotLarge(t, srv).ID, types.JobExecutionStatusSucceeded)
	name := thingName(t, awsemu.DefaultRegion, aws.ToString(large.ThingArn))
	_, err := eu.DescribeThing(ctx(t), &iot.DescribeThingInput{ThingName: aws.String(name)})
	wantAPIError[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException", 404)
}
