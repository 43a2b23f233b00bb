package awsemu_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/execgraph/execgraph/internal/awsemu"
)

// sfnSvc is the service name of Step Functions in the manifest and stats.
const sfnSvc = "stepfunctions"

// sfnClient is a real SDK client of the emulator in a region.
func sfnClient(srv *awsemu.Server, region string) *sfn.Client {
	return sfn.NewFromConfig(sdkConfig(srv.URL, region))
}

// sfnResources returns the manifest's Step Functions executions by region.
func sfnResources(t testing.TB, srv *awsemu.Server) map[string][]awsemu.Resource {
	t.Helper()
	out := map[string][]awsemu.Resource{}
	for _, r := range resources(t, srv, sfnSvc) {
		out[r.Region] = append(out[r.Region], r)
	}
	return out
}

// sfnLargest returns the region's execution with the most Map Runs.
func sfnLargest(t testing.TB, srv *awsemu.Server, region string) awsemu.Resource {
	t.Helper()
	rs := sfnResources(t, srv)[region]
	return slices.MaxFunc(rs, func(a, b awsemu.Resource) int { return a.Count - b.Count })
}

// sfnMachineArn is the state machine ARN of an execution ARN
// (arn:aws:states:<region>:<account>:execution:<machine>:<name>).
func sfnMachineArn(execArn string) string {
	prefix, rest, _ := strings.Cut(execArn, ":execution:")
	machine, _, _ := strings.Cut(rest, ":")
	return prefix + ":stateMachine:" + machine
}

// sfnAs reports whether err holds the SDK's typed error T.
func sfnAs[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

// sfnWalk lists every Map Run of an execution with the SDK paginator at one
// page size (0: the default, 100), checking that every page is full but the
// last, and that the walk ends.
func sfnWalk(t *testing.T, client *sfn.Client, arn string, limit int32, count int) []types.MapRunListItem {
	t.Helper()
	size := int(limit)
	if size == 0 {
		size = 100
	}
	p := sfn.NewListMapRunsPaginator(client, &sfn.ListMapRunsInput{ExecutionArn: aws.String(arn)},
		func(o *sfn.ListMapRunsPaginatorOptions) { o.Limit = limit })
	var out []types.MapRunListItem
	for pages := 0; p.HasMorePages(); pages++ {
		if pages > count/size+1 {
			t.Fatalf("walk of %s at %d did not end after %d pages", arn, limit, pages)
		}
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("page %d of %s at %d: %v", pages, arn, limit, err)
		}
		if want := min(size, count-len(out)); len(page.MapRuns) != want {
			t.Fatalf("page %d of %s at %d: %d Map Runs, want %d", pages, arn, limit, len(page.MapRuns), want)
		}
		out = append(out, page.MapRuns...)
	}
	return out
}

// sfnFirstRun returns the newest Map Run of an execution.
func sfnFirstRun(t *testing.T, client *sfn.Client, arn string) types.MapRunListItem {
	t.Helper()
	out, err := client.ListMapRuns(ctx(t), &sfn.ListMapRunsInput{ExecutionArn: &arn, MaxResults: 1})
	if err != nil || len(out.MapRuns) != 1 {
		t.Fatalf("first Map Run of %s: %v", arn, err)
	}
	return out.MapRuns[0]
}

// sfnCheckOrder checks that Map Runs are newest first by startDate with ties
// by mapRunArn ascending, and returns the number of ties.
func sfnCheckOrder(t *testing.T, runs []types.MapRunListItem) (ties int) {
	t.Helper()
	for i := 1; i < len(runs); i++ {
		a, b := runs[i-1], runs[i]
		switch c := a.StartDate.Compare(*b.StartDate); {
		case c < 0:
			t.Fatalf("Map Run %d (%s) started after Map Run %d", i, *b.MapRunArn, i-1)
		case c == 0 && *a.MapRunArn >= *b.MapRunArn:
			t.Fatalf("tied Map Runs %d and %d out of ARN order: %s, %s", i-1, i, *a.MapRunArn, *b.MapRunArn)
		case c == 0:
			ties++
		}
	}
	return ties
}

func TestSFNManifest(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	byRegion := sfnResources(t, srv)
	counts := func(region string) []int {
		var cs []int
		for _, r := range byRegion[region] {
			cs = append(cs, r.Count)
		}
		slices.Sort(cs)
		return cs
	}
	primary, second := counts(awsemu.DefaultRegion), counts(awsemu.SecondRegion)
	if len(primary) != 3 || primary[0] != 0 || primary[1] < 1 || primary[1] > 10 || primary[2] < 2600 || primary[2] > 2800 {
		t.Errorf("primary region Map Run counts %v, want [0, 1-10, 2600-2800]", primary)
	}
	if len(second) != 2 || second[0] < 1 || second[0] > 10 || second[1] < 30 || second[1] > 120 {
		t.Errorf("second region Map Run counts %v, want [1-10, 30-120]", second)
	}
	for region, rs := range byRegion {
		for _, r := range rs {
			if want := "arn:aws:states:" + region + ":" + awsemu.AccountID + ":execution:"; !strings.HasPrefix(r.ID, want) {
				t.Errorf("resource %s: want prefix %s", r.ID, want)
			}
		}
	}
	again, _ := startEmulator(t, awsemu.Options{})
	other, _ := startEmulator(t, awsemu.Options{Seed: testSeed + 1})
	if a, b := manifest(t, srv.URL), manifest(t, again.URL); !slices.Equal(a.Resources, b.Resources) {
		t.Errorf("same seed, different manifests")
	}
	if a, b := manifest(t, srv.URL), manifest(t, other.URL); slices.Equal(a.Resources, b.Resources) {
		t.Errorf("different seeds, same manifest")
	}
}

func TestSFNListMapRunsWalk(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	for _, res := range resources(t, srv, sfnSvc) {
		t.Run(fmt.Sprintf("%s/%d", res.Region, res.Count), func(t *testing.T) {
			client := sfnClient(srv, res.Region)
			sizes := []int32{7, 0, 1000, 333}
			if res.Count < 30 {
				sizes = []int32{1, 3, 0, 1000}
			}
			machine := sfnMachineArn(res.ID)
			runPrefix := strings.Replace(machine, ":stateMachine:", ":mapRun:", 1) + "/"
			var first []string
			for _, size := range sizes {
				runs := sfnWalk(t, client, res.ID, size, res.Count)
				seen := map[string]bool{}
				var arns []string
				for _, m := range runs {
					if seen[*m.MapRunArn] {
						t.Fatalf("size %d: Map Run %s listed twice", size, *m.MapRunArn)
					}
					seen[*m.MapRunArn] = true
					arns = append(arns, *m.MapRunArn)
					if *m.ExecutionArn != res.ID || *m.StateMachineArn != machine || !strings.HasPrefix(*m.MapRunArn, runPrefix) {
						t.Fatalf("size %d: Map Run %s of %s on %s, want of %s on %s", size, *m.MapRunArn, *m.ExecutionArn, *m.StateMachineArn, res.ID, machine)
					}
					if m.StartDate == nil || m.StopDate != nil && m.StopDate.Before(*m.StartDate) {
						t.Fatalf("size %d: Map Run %s runs from %v to %v", size, *m.MapRunArn, m.StartDate, m.StopDate)
					}
				}
				ties := sfnCheckOrder(t, runs)
				if res.Count > 1000 && ties == 0 {
					t.Errorf("size %d: no tied start dates: the ARN tie-break is untested", size)
				}
				if first == nil {
					first = arns
				} else if !slices.Equal(first, arns) {
					t.Fatalf("size %d lists another sequence than size %d", size, sizes[0])
				}
			}
		})
	}
}

func TestSFNListMapRunsPageSizeChanges(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	client := sfnClient(srv, awsemu.DefaultRegion)
	large := sfnLargest(t, srv, awsemu.DefaultRegion)
	all := sfnWalk(t, client, large.ID, 1000, large.Count)
	page1, err := client.ListMapRuns(ctx(t), &sfn.ListMapRunsInput{ExecutionArn: &large.ID, MaxResults: 10})
	if err != nil {
		t.Fatal(err)
	}
	page2, err := client.ListMapRuns(ctx(t), &sfn.ListMapRunsInput{ExecutionArn: &large.ID, MaxResults: 1000, NextToken: page1.NextToken})
	if err != nil {
		t.Fatal(err)
	}
	got := append(page1.MapRuns, page2.MapRuns...)
	if len(got) != 1010 || page2.NextToken == nil {
		t.Fatalf("pages of 10 then 1000: %d Map Runs, next token %v", len(got), page2.NextToken)
	}
	for i := range got {
		if *got[i].MapRunArn != *all[i].MapRunArn {
			t.Fatalf("Map Run %d: %s, want %s", i, *got[i].MapRunArn, *all[i].MapRunArn)
		}
	}
}

// sfnClock is a settable clock, safe for the server's goroutines.
type sfnClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *sfnClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *sfnClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestSFNListMapRunsBadTokens(t *testing.T) {
	clk := &sfnClock{now: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	srv, _ := startEmulator(t, awsemu.Options{TokenTTL: time.Hour, Now: clk.Now})
	client, euClient := sfnClient(srv, awsemu.DefaultRegion), sfnClient(srv, awsemu.SecondRegion)
	large, eu := sfnLargest(t, srv, awsemu.DefaultRegion), sfnLargest(t, srv, awsemu.SecondRegion)
	var small awsemu.Resource
	for _, r := range sfnResources(t, srv)[awsemu.DefaultRegion] {
		if r.Count > 0 && r.Count <= 10 {
			small = r
		}
	}
	token := func(c *sfn.Client, arn string) string {
		t.Helper()
		out, err := c.ListMapRuns(ctx(t), &sfn.ListMapRunsInput{ExecutionArn: &arn, MaxResults: 1})
		if err != nil || out.NextToken == nil {
			t.Fatalf("first page of %s: %v, token %v", arn, err, out)
		}
		return *out.NextToken
	}
	list := func(arn, tok string) error {
		return errOf(client.ListMapRuns(ctx(t), &sfn.ListMapRunsInput{ExecutionArn: &arn, NextToken: &tok}))
	}
	largeTok, euTok := token(client, large.ID), token(euClient, eu.ID)
	if err := list(large.ID, largeTok); err != nil {
		t.Fatalf("fresh token refused: %v", err)
	}
	altered := []byte(largeTok)
	altered[len(altered)/2] ^= 1
	tests := []struct {
		name, arn, token string
		before           func()
	}{
		{name: "garbage", arn: large.ID, token: "not-a-token"},
		{name: "altered", arn: large.ID, token: string(altered)},
		{name: "another execution", arn: small.ID, token: largeTok},
		{name: "another region", arn: large.ID, token: euTok},
		{name: "expired", arn: large.ID, token: largeTok, before: func() { clk.advance(61 * time.Minute) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.before != nil {
				tc.before()
			}
			err := list(tc.arn, tc.token)
			if !sfnAs[*types.InvalidToken](err) {
				t.Fatalf("want *types.InvalidToken, got %v", err)
			}
			wantCode(t, err, "InvalidToken", 400)
		})
	}
	if err := list(large.ID, token(client, large.ID)); err != nil {
		t.Fatalf("token issued after the clock moved refused: %v", err)
	}
}

func TestSFNListMapRunsMaxResults(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	client := sfnClient(srv, awsemu.DefaultRegion)
	large := sfnLargest(t, srv, awsemu.DefaultRegion)
	tests := []struct {
		max  int32
		want int // Map Runs on the page, or -1 for ValidationException
	}{
		{-1, -1}, {-1000, -1}, {1001, -1}, {1 << 30, -1},
		{0, 100}, {1, 1}, {999, 999}, {1000, 1000},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.max), func(t *testing.T) {
			out, err := client.ListMapRuns(ctx(t), &sfn.ListMapRunsInput{ExecutionArn: &large.ID, MaxResults: tc.max})
			if tc.want < 0 {
				wantCode(t, err, "ValidationException", 400)
				return
			}
			if err != nil || len(out.MapRuns) != tc.want {
				t.Fatalf("got %v, want %d Map Runs", err, tc.want)
			}
		})
	}
}

func TestSFNNotFoundAndInvalidArn(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	client := sfnClient(srv, awsemu.DefaultRegion)
	large := sfnLargest(t, srv, awsemu.DefaultRegion)
	machine := sfnMachineArn(large.ID)
	runArn := *sfnFirstRun(t, client, large.ID).MapRunArn
	unknownExec := strings.Replace(machine, ":stateMachine:", ":execution:", 1) + ":no-such-execution"
	unknownRun := runArn[:strings.LastIndex(runArn, ":")+1] + "00000000-0000-4000-8000-000000000000"
	badAccount := strings.Replace(large.ID, awsemu.AccountID, "1234", 1)

	listRuns := func(arn string) error {
		return errOf(client.ListMapRuns(ctx(t), &sfn.ListMapRunsInput{ExecutionArn: &arn}))
	}
	describeRun := func(arn string) error {
		return errOf(client.DescribeMapRun(ctx(t), &sfn.DescribeMapRunInput{MapRunArn: &arn}))
	}
	describeExec := func(arn string) error {
		return errOf(client.DescribeExecution(ctx(t), &sfn.DescribeExecutionInput{ExecutionArn: &arn}))
	}
	describeMachine := func(arn string) error {
		return errOf(client.DescribeStateMachine(ctx(t), &sfn.DescribeStateMachineInput{StateMachineArn: &arn}))
	}
	isExecMissing := sfnAs[*types.ExecutionDoesNotExist]
	isInvalidArn := sfnAs[*types.InvalidArn]
	isValidation := func(err error) bool { return err != nil } // not modeled: the code is checked
	tests := []struct {
		name  string
		call  func(string) error
		arn   string
		typed func(error) bool
		code  string
	}{
		{"ListMapRuns unknown", listRuns, unknownExec, isExecMissing, "ExecutionDoesNotExist"},
		{"ListMapRuns garbage", listRuns, "not-an-arn", isInvalidArn, "InvalidArn"},
		{"ListMapRuns state machine", listRuns, machine, isInvalidArn, "InvalidArn"},
		{"ListMapRuns Map Run", listRuns, runArn, isInvalidArn, "InvalidArn"},
		{"ListMapRuns bad account", listRuns, badAccount, isInvalidArn, "InvalidArn"},
		{"ListMapRuns no name", listRuns, strings.TrimSuffix(unknownExec, ":no-such-execution"), isInvalidArn, "InvalidArn"},
		{"ListMapRuns empty", listRuns, "", isValidation, "ValidationException"},
		{"DescribeMapRun unknown", describeRun, unknownRun, sfnAs[*types.ResourceNotFound], "ResourceNotFound"},
		{"DescribeMapRun execution", describeRun, large.ID, isInvalidArn, "InvalidArn"},
		{"DescribeMapRun no label", describeRun, strings.Replace(runArn, "/", "", 1), isInvalidArn, "InvalidArn"},
		{"DescribeExecution unknown", describeExec, unknownExec, isExecMissing, "ExecutionDoesNotExist"},
		{"DescribeExecution Map Run", describeExec, runArn, isInvalidArn, "InvalidArn"},
		{"DescribeStateMachine unknown", describeMachine, machine + "-gone", sfnAs[*types.StateMachineDoesNotExist], "StateMachineDoesNotExist"},
		{"DescribeStateMachine execution", describeMachine, large.ID, isInvalidArn, "InvalidArn"},
		{"DescribeStateMachine garbage", describeMachine, "arn:aws:lambda:us-east-1:123456789012:function:f", isInvalidArn, "InvalidArn"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(tc.arn)
			if !tc.typed(err) {
				t.Fatalf("%q: got %v, want typed %s", tc.arn, err, tc.code)
			}
			wantCode(t, err, tc.code, 400)
		})
	}
	t.Run("includedData", func(t *testing.T) {
		_, err := client.DescribeExecution(ctx(t), &sfn.DescribeExecutionInput{ExecutionArn: &large.ID, IncludedData: "EVERYTHING"})
		wantCode(t, err, "ValidationException", 400)
		_, err = client.DescribeStateMachine(ctx(t), &sfn.DescribeStateMachineInput{StateMachineArn: &machine, IncludedData: "EVERYTHING"})
		wantCode(t, err, "ValidationException", 400)
	})
}

func TestSFNFaults(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	client := sfnClient(srv, awsemu.DefaultRegion)
	large := sfnLargest(t, srv, awsemu.DefaultRegion)
	describe := faultOp{"stepfunctions.DescribeExecution", func() error {
		return errOf(client.DescribeExecution(ctx(t), &sfn.DescribeExecutionInput{ExecutionArn: &large.ID}))
	}}
	faultTest{
		throttled: faultOp{"stepfunctions.ListMapRuns", func() error {
			return errOf(client.ListMapRuns(ctx(t), &sfn.ListMapRunsInput{ExecutionArn: &large.ID}))
		}},
		spared:      describe,
		failing:     describe,
		throttleErr: func(t *testing.T, err error) { wantCode(t, err, "ThrottlingException", 400) },
		serverErr:   func(t *testing.T, err error) { wantCode(t, err, "InternalFailure", 500) },
	}.run(t, srv)
	if n := srv.Stats()["stepfunctions.DescribeMapRun"]; n != 0 {
		t.Errorf("stats stepfunctions.DescribeMapRun = %d, want 0", n)
	}
}

// sfnTolerated is how many failed items a Map Run tolerates, from its
// DescribeMapRun thresholds (the smaller of those set, 0 if none).
func sfnTolerated(d *sfn.DescribeMapRunOutput, items int64) int64 {
	thresholds := []int64{}
	if d.ToleratedFailurePercentage > 0 {
		thresholds = append(thresholds, int64(float64(d.ToleratedFailurePercentage)/100*float64(items)))
	}
	if d.ToleratedFailureCount > 0 {
		thresholds = append(thresholds, d.ToleratedFailureCount)
	}
	if len(thresholds) == 0 {
		return 0
	}
	return slices.Min(thresholds)
}

// sfnCheckCounts checks that a Map Run's counts add up and agree with its
// status.
func sfnCheckCounts(t *testing.T, d *sfn.DescribeMapRunOutput) {
	t.Helper()
	type counts struct{ pending, running, succeeded, failed, timedOut, aborted, total, written int64 }
	it, ex := d.ItemCounts, d.ExecutionCounts
	if it == nil || ex == nil || it.FailuresNotRedrivable == nil || it.PendingRedrive == nil || ex.FailuresNotRedrivable == nil || ex.PendingRedrive == nil {
		t.Fatalf("%s: counts missing: %+v %+v", *d.MapRunArn, it, ex)
	}
	for _, c := range []counts{
		{it.Pending, it.Running, it.Succeeded, it.Failed, it.TimedOut, it.Aborted, it.Total, it.ResultsWritten},
		{ex.Pending, ex.Running, ex.Succeeded, ex.Failed, ex.TimedOut, ex.Aborted, ex.Total, ex.ResultsWritten},
	} {
		if c.pending+c.running+c.succeeded+c.failed+c.timedOut+c.aborted != c.total || c.total == 0 || c.written > c.total {
			t.Fatalf("%s: counts %+v do not add up", *d.MapRunArn, c)
		}
		ok := true
		switch d.Status {
		case types.MapRunStatusSucceeded:
			ok = c.succeeded == c.total
		case types.MapRunStatusRunning:
			ok = c.running > 0 && c.written == 0
		case types.MapRunStatusAborted:
			ok = c.aborted > 0
		}
		if d.Status != types.MapRunStatusRunning && c.pending+c.running > 0 {
			ok = false
		}
		if !ok {
			t.Fatalf("%s: %s with counts %+v", *d.MapRunArn, d.Status, c)
		}
	}
	if it.Total < ex.Total {
		t.Fatalf("%s: %d items in %d child executions", *d.MapRunArn, it.Total, ex.Total)
	}
	tolerated := sfnTolerated(d, it.Total)
	if failed := d.Status == types.MapRunStatusFailed; failed != (it.Failed+it.TimedOut > tolerated) {
		t.Fatalf("%s: %s with %d failed items of %d, %d tolerated", *d.MapRunArn, d.Status, it.Failed, it.Total, tolerated)
	}
}

// sfnSample is the Map Runs to describe: all of a small listing, the first
// page and every 97th of a large one.
func sfnSample(runs []types.MapRunListItem) []types.MapRunListItem {
	if len(runs) <= 150 {
		return runs
	}
	out := slices.Clone(runs[:100])
	for i := 100; i < len(runs); i += 97 {
		out = append(out, runs[i])
	}
	return out
}

func TestSFNDescribeAgreesWithList(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	execStatuses, runStatuses := map[types.ExecutionStatus]bool{}, map[types.MapRunStatus]bool{}
	for _, res := range resources(t, srv, sfnSvc) {
		client := sfnClient(srv, res.Region)
		x, err := client.DescribeExecution(ctx(t), &sfn.DescribeExecutionInput{ExecutionArn: &res.ID})
		if err != nil {
			t.Fatalf("DescribeExecution %s: %v", res.ID, err)
		}
		execStatuses[x.Status] = true
		sfnCheckExecution(t, x, res.ID)
		sm, err := client.DescribeStateMachine(ctx(t), &sfn.DescribeStateMachineInput{StateMachineArn: x.StateMachineArn})
		if err != nil {
			t.Fatalf("DescribeStateMachine %s: %v", *x.StateMachineArn, err)
		}
		labels := sfnCheckMachine(t, sm, x)
		running := false
		for _, m := range sfnSample(sfnWalk(t, client, res.ID, 1000, res.Count)) {
			d, err := client.DescribeMapRun(ctx(t), &sfn.DescribeMapRunInput{MapRunArn: m.MapRunArn})
			if err != nil {
				t.Fatalf("DescribeMapRun %s: %v", *m.MapRunArn, err)
			}
			runStatuses[d.Status] = true
			running = running || d.Status == types.MapRunStatusRunning
			if *d.MapRunArn != *m.MapRunArn || *d.ExecutionArn != res.ID || *m.StateMachineArn != *x.StateMachineArn ||
				!d.StartDate.Equal(*m.StartDate) || !sfnSameTime(d.StopDate, m.StopDate) {
				t.Fatalf("DescribeMapRun %+v disagrees with list entry %+v", d, m)
			}
			if (d.StopDate == nil) != (d.Status == types.MapRunStatusRunning) {
				t.Fatalf("%s: %s with stopDate %v", *d.MapRunArn, d.Status, d.StopDate)
			}
			if d.StartDate.Before(*x.StartDate) || x.StopDate != nil && (d.StopDate == nil || d.StopDate.After(*x.StopDate)) {
				t.Fatalf("%s runs %v-%v outside its execution %v-%v", *d.MapRunArn, d.StartDate, d.StopDate, x.StartDate, x.StopDate)
			}
			if label := strings.SplitN(*d.MapRunArn, "/", 2)[1]; !labels[label[:strings.Index(label, ":")]] {
				t.Fatalf("%s: label not a Distributed Map of %v", *d.MapRunArn, labels)
			}
			if d.RedriveCount == nil || (*d.RedriveCount > 0) != (d.RedriveDate != nil) ||
				d.RedriveDate != nil && (d.RedriveDate.Before(*d.StartDate) || d.StopDate != nil && d.RedriveDate.After(*d.StopDate)) {
				t.Fatalf("%s: redrive %v at %v", *d.MapRunArn, d.RedriveCount, d.RedriveDate)
			}
			sfnCheckCounts(t, d)
		}
		if running != (x.Status == types.ExecutionStatusRunning) {
			t.Errorf("%s is %s, with running Map Runs: %v", res.ID, x.Status, running)
		}
	}
	for _, s := range []types.ExecutionStatus{"RUNNING", "SUCCEEDED", "FAILED", "ABORTED"} {
		if !execStatuses[s] {
			t.Errorf("no %s execution", s)
		}
	}
	for _, s := range types.MapRunStatus("").Values() {
		if !runStatuses[s] {
			t.Errorf("no %s Map Run among those described", s)
		}
	}
}

// sfnCheckExecution checks a parent execution's fields against its status.
func sfnCheckExecution(t *testing.T, x *sfn.DescribeExecutionOutput, arn string) {
	t.Helper()
	if *x.ExecutionArn != arn || *x.StateMachineArn != sfnMachineArn(arn) || !strings.HasSuffix(arn, ":"+*x.Name) || x.MapRunArn != nil {
		t.Fatalf("DescribeExecution %s: %s of %s named %s, mapRunArn %v", arn, *x.ExecutionArn, *x.StateMachineArn, *x.Name, x.MapRunArn)
	}
	if x.Input == nil || !json.Valid([]byte(*x.Input)) || x.InputDetails == nil || !x.InputDetails.Included {
		t.Fatalf("%s: input %v", arn, x.Input)
	}
	running, succeeded, failed := x.Status == types.ExecutionStatusRunning, x.Status == types.ExecutionStatusSucceeded, x.Status == types.ExecutionStatusFailed
	if (x.StopDate == nil) != running || x.StopDate != nil && x.StopDate.Before(*x.StartDate) {
		t.Fatalf("%s: %s from %v to %v", arn, x.Status, x.StartDate, x.StopDate)
	}
	if (x.Output != nil) != succeeded || (x.Error != nil) != failed || (x.Cause != nil) != failed {
		t.Fatalf("%s: %s with output %v, error %v, cause %v", arn, x.Status, x.Output, x.Error, x.Cause)
	}
	wantRedrive := types.ExecutionRedriveStatusRedrivable
	if running || succeeded {
		wantRedrive = types.ExecutionRedriveStatusNotRedrivable
	}
	if x.RedriveStatus != wantRedrive || (x.RedriveStatusReason != nil) != (wantRedrive == types.ExecutionRedriveStatusNotRedrivable) ||
		x.RedriveCount == nil || (*x.RedriveCount > 0) != (x.RedriveDate != nil) {
		t.Fatalf("%s: %s, redrive %s (%v), %v at %v", arn, x.Status, x.RedriveStatus, x.RedriveStatusReason, x.RedriveCount, x.RedriveDate)
	}
}

// sfnCheckMachine checks the state machine of an execution and returns the
// labels of its Distributed Map states.
func sfnCheckMachine(t *testing.T, sm *sfn.DescribeStateMachineOutput, x *sfn.DescribeExecutionOutput) map[string]bool {
	t.Helper()
	if *sm.StateMachineArn != *x.StateMachineArn || !strings.HasSuffix(*sm.StateMachineArn, ":stateMachine:"+*sm.Name) ||
		sm.Status != types.StateMachineStatusActive || sm.Type != types.StateMachineTypeStandard ||
		!strings.HasPrefix(*sm.RoleArn, "arn:aws:iam::"+awsemu.AccountID+":role/") || !sm.CreationDate.Before(*x.StartDate) ||
		sm.LoggingConfiguration == nil || sm.TracingConfiguration == nil || sm.Label != nil {
		t.Fatalf("DescribeStateMachine %s: %+v", *x.StateMachineArn, sm)
	}
	labels := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["Type"] == "Map" && v["ItemProcessor"].(map[string]any)["ProcessorConfig"].(map[string]any)["Mode"] == "DISTRIBUTED" {
				labels[v["Label"].(string)] = true
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	var def any
	if err := json.Unmarshal([]byte(*sm.Definition), &def); err != nil {
		t.Fatalf("definition of %s: %v", *sm.Name, err)
	}
	walk(def)
	if len(labels) == 0 {
		t.Fatalf("definition of %s has no Distributed Map state", *sm.Name)
	}
	return labels
}

// sfnSameTime reports whether two optional times are equal.
func sfnSameTime(a, b *time.Time) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}

func TestSFNIncludedDataMetadataOnly(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	client := sfnClient(srv, awsemu.DefaultRegion)
	large := sfnLargest(t, srv, awsemu.DefaultRegion)
	x, err := client.DescribeExecution(ctx(t), &sfn.DescribeExecutionInput{ExecutionArn: &large.ID, IncludedData: types.IncludedDataMetadataOnly})
	if err != nil || x.Input != nil || x.InputDetails == nil || x.InputDetails.Included || *x.ExecutionArn != large.ID {
		t.Fatalf("DescribeExecution METADATA_ONLY: %v, %+v", err, x)
	}
	sm, err := client.DescribeStateMachine(ctx(t), &sfn.DescribeStateMachineInput{StateMachineArn: x.StateMachineArn, IncludedData: types.IncludedDataMetadataOnly})
	if err != nil || *sm.Definition != "{}" {
		t.Fatalf("DescribeStateMachine METADATA_ONLY: %v, %+v", err, sm)
	}
}

func TestSFNSecondRegion(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	primary, euClient := sfnClient(srv, awsemu.DefaultRegion), sfnClient(srv, awsemu.SecondRegion)
	large, eu := sfnLargest(t, srv, awsemu.DefaultRegion), sfnLargest(t, srv, awsemu.SecondRegion)
	run := sfnFirstRun(t, primary, large.ID)
	euRuns := sfnWalk(t, euClient, eu.ID, 1000, eu.Count)
	if !strings.Contains(*euRuns[0].MapRunArn, ":"+awsemu.SecondRegion+":") {
		t.Errorf("Map Run %s of the second region", *euRuns[0].MapRunArn)
	}
	machine := sfnMachineArn(large.ID)
	tests := []struct {
		name   string
		client *sfn.Client
		call   func(*sfn.Client) error
		typed  func(error) bool
		code   string
	}{
		{"ListMapRuns", euClient, func(c *sfn.Client) error {
			return errOf(c.ListMapRuns(ctx(t), &sfn.ListMapRunsInput{ExecutionArn: &large.ID}))
		}, sfnAs[*types.ExecutionDoesNotExist], "ExecutionDoesNotExist"},
		{"DescribeExecution", euClient, func(c *sfn.Client) error {
			return errOf(c.DescribeExecution(ctx(t), &sfn.DescribeExecutionInput{ExecutionArn: &large.ID}))
		}, sfnAs[*types.ExecutionDoesNotExist], "ExecutionDoesNotExist"},
		{"DescribeMapRun", euClient, func(c *sfn.Client) error {
			return errOf(c.DescribeMapRun(ctx(t), &sfn.DescribeMapRunInput{MapRunArn: run.MapRunArn}))
		}, sfnAs[*types.ResourceNotFound], "ResourceNotFound"},
		{"DescribeStateMachine", euClient, func(c *sfn.Client) error {
			return errOf(c.DescribeStateMachine(ctx(t), &sfn.DescribeStateMachineInput{StateMachineArn: &machine}))
		}, sfnAs[*types.StateMachineDoesNotExist], "StateMachineDoesNotExist"},
		{"second-region execution in the primary region", primary, func(c *sfn.Client) error {
			return errOf(c.ListMapRuns(ctx(t), &sfn.ListMapRunsInput{ExecutionArn: &eu.ID}))
		}, sfnAs[*types.ExecutionDoesNotExist], "ExecutionDoesNotExist"},
		{"unseeded region", sfnClient(srv, "ap-south-1"), func(c *sfn.Client) error {
			return errOf(c.ListMapRuns(ctx(t), &sfn.ListMapRunsInput{ExecutionArn: &large.ID}))
		}, sfnAs[*types.ExecutionDoesNotExist], "ExecutionDoesNotExist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(tc.client)
			if !tc.typed(err) {
				t.Fatalf("got %v, want typed %s", err, tc.code)
			}
			wantCode(t, err, tc.code, 400)
		})
	}
}

// BenchmarkListMapRuns pages through the large execution's Map Runs 100 at a
// time with the real SDK client over HTTP, starting again at the end. Run
// it with -cpu 1 -benchtime 2s; the target is 5,000 calls/s.
func BenchmarkListMapRuns(b *testing.B) {
	srv, _ := startEmulator(b, awsemu.Options{})
	client := sfnClient(srv, awsemu.DefaultRegion)
	large := sfnLargest(b, srv, awsemu.DefaultRegion)
	c := context.Background()
	var token *string
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := client.ListMapRuns(c, &sfn.ListMapRunsInput{ExecutionArn: &large.ID, MaxResults: 100, NextToken: token})
		if err != nil {
			b.Fatal(err)
		}
		token = out.NextToken
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}

// BenchmarkListMapRunsEmulator is BenchmarkListMapRuns without the SDK
// client and the network: the same page walk served straight by the
// emulator's handler, to tell the emulator's share of a call from the
// client's.
func BenchmarkListMapRunsEmulator(b *testing.B) {
	srv, _ := startEmulator(b, awsemu.Options{})
	large := sfnLargest(b, srv, awsemu.DefaultRegion)
	w := &sfnDiscard{header: http.Header{}}
	token := ""
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body := `{"executionArn":"` + large.ID + `","maxResults":100`
		if token != "" {
			body += `,"nextToken":"` + token + `"`
		}
		r, _ := http.NewRequest(http.MethodPost, "/", strings.NewReader(body+"}"))
		r.Header.Set("X-Amz-Target", "AWSStepFunctions.ListMapRuns")
		w.last, w.status = w.last[:0], 0
		srv.ServeHTTP(w, r)
		if w.status != http.StatusOK {
			b.Fatalf("status %d: %s", w.status, w.last)
		}
		// The token is the last member: ..."nextToken":"<token>"}.
		token = ""
		if _, rest, ok := strings.Cut(string(w.last), `"nextToken":"`); ok {
			token = strings.TrimSuffix(rest, `"}`)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}

// sfnDiscard is an http.ResponseWriter that keeps only the status and the
// last 256 bytes of the body.
type sfnDiscard struct {
	header http.Header
	status int
	last   []byte
}

func (w *sfnDiscard) Header() http.Header    { return w.header }
func (w *sfnDiscard) WriteHeader(status int) { w.status = status }
func (w *sfnDiscard) Write(p []byte) (int, error) {
	w.last = append(w.last[:0], p[max(0, len(p)-256):]...)
	return len(p), nil
}
