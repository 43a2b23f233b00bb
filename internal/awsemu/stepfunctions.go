package awsemu

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Step Functions: AWS JSON 1.0, X-Amz-Target AWSStepFunctions.<Operation>.
//
// The listing is ListMapRuns: the Map Runs (runs of a Distributed Map state)
// of one parent execution, newest first by startDate, ties broken by
// mapRunArn ascending. The detail APIs are DescribeMapRun (status and item
// and child-execution counts, which the list does not carry),
// DescribeExecution (the parent) and DescribeStateMachine (the parent's
// state machine, which is the stateMachineArn of every Map Run it ran).
//
// Every state machine loops: a Task lists a batch of work, one Distributed
// Map state (or two, in the branches of a Parallel state) processes it, and
// a Choice goes round again while there is more. So an execution runs its
// Map states once per iteration, one iteration after the other; a failed
// Map Run is retried by the next iteration (Retry, at most two retries in a
// row), and the execution fails or is aborted with its last iteration.

// sfnSpec is Step Functions: throttling is ThrottlingException 400, a
// server fault InternalFailure 500.
var sfnSpec = &serviceSpec{
	service: service{
		name:        "stepfunctions",
		proto:       awsJSON10,
		target:      "AWSStepFunctions",
		throttle:    apiError{Status: 400, Code: "ThrottlingException"},
		serverError: apiError{Status: 500, Code: "InternalFailure"},
		ops: []operation{
			{name: "ListMapRuns", handler: decoded(sfnListMapRuns)},
			{name: "DescribeMapRun", handler: decoded(sfnDescribeMapRun)},
			{name: "DescribeExecution", handler: decoded(sfnDescribeExecution)},
			{name: "DescribeStateMachine", handler: decoded(sfnDescribeStateMachine)},
		},
	},
	stream:   3,
	data:     seededBy(seedSFN),
	list:     listing{op: "ListMapRuns", arg: "executionArn"},
	statuses: []string{sfnRunning, sfnSucceeded, sfnFailed, sfnAborted},
	active:   []string{sfnRunning},
}

// The modeled errors of the four operations (types/errors.go of service/sfn);
// ValidationException is the framework's constraint violation.
var (
	sfnValidation     = apiError{Status: 400, Code: "ValidationException"}
	sfnInvalidArn     = apiError{Status: 400, Code: "InvalidArn"}
	sfnInvalidToken   = apiError{Status: 400, Code: "InvalidToken"}
	sfnNoExecution    = apiError{Status: 400, Code: "ExecutionDoesNotExist"}
	sfnNoMapRun       = apiError{Status: 400, Code: "ResourceNotFound"}
	sfnNoStateMachine = apiError{Status: 400, Code: "StateMachineDoesNotExist"}
)

// sfnPages are the page sizes (maxResults) of ListMapRuns: 0 (or absent)
// asks for none, the default.
var sfnPages = pageSizes{min: 1, max: 1000, def: 100}

// Status values of executions and Map Runs.
const (
	sfnRunning   = "RUNNING"
	sfnSucceeded = "SUCCEEDED"
	sfnFailed    = "FAILED"
	sfnAborted   = "ABORTED"
)

// sfnData is one region's Step Functions resources, indexed by ARN: its
// catalog files the parent executions and their Map Runs, bySMArn the state
// machines. Each execution's Map Runs are sorted in ListMapRuns order at
// seed time, and kept so by the admin API's mutations.
type sfnData struct {
	catalog[*sfnExecution, *sfnMapRun]
	bySMArn map[string]*sfnStateMachine
}

// sfnMapState is the configuration of one Distributed Map state, as its
// definition states it; every Map Run of the state carries it.
type sfnMapState struct {
	label          string
	maxConcurrency int32
	toleratedPct   float32 // 0: not set
	toleratedCount int64   // 0: not set
	batchSize      int64   // items per child execution (ItemBatcher), 1 without
	resultWriter   bool    // results are written to S3 when the run ends
	maxChildren    int     // most child executions a run starts
}

// tolerated returns how many of items may fail before a Map Run fails: the
// smaller of the percentage and count thresholds that are set, 0 if none.
func (m *sfnMapState) tolerated(items int64) int64 {
	byPct := int64(float64(m.toleratedPct) / 100 * float64(items))
	switch {
	case m.toleratedPct > 0 && m.toleratedCount > 0:
		return min(byPct, m.toleratedCount)
	case m.toleratedPct > 0:
		return byPct
	}
	return m.toleratedCount
}

// sfnStateMachine is a STANDARD, ACTIVE state machine.
type sfnStateMachine struct {
	arn, name, roleArn, definition, revisionID string
	bucket                                     string // S3 bucket of its input and results
	created                                    time.Time
	logLevel                                   string // ALL, ERROR, FATAL or OFF
	includeExecutionData                       bool
	tracing                                    bool
	maps                                       []*sfnMapState
}

// sfnExecution is a parent execution: one that runs Distributed Maps.
type sfnExecution struct {
	arn, name              string
	machine                *sfnStateMachine
	status                 string
	start, stop            time.Time // stop is zero while RUNNING
	input, output, errCode string    // output only when SUCCEEDED
	cause, traceHeader     string
	redriveCount           int32
	redriveDate            time.Time
	mapRuns                []*sfnMapRun // newest first, ties by ARN
}

func (x *sfnExecution) key() string          { return x.arn }
func (x *sfnExecution) listed() []*sfnMapRun { return x.mapRuns }
func (mr *sfnMapRun) key() string            { return mr.arn }
func (mr *sfnMapRun) resourceKey() string    { return mr.exec.arn }

// sfnMapRun is one run of a Distributed Map state in a parent execution.
type sfnMapRun struct {
	arn             string
	exec            *sfnExecution
	state           *sfnMapState
	status          string
	start, stop     time.Time // stop is zero while RUNNING
	items, children sfnCounts
	redriveCount    int32
	redriveDate     time.Time
	listEntry       []byte // the ListMapRuns entry, encoded at seed time
}

// sfnCounts is MapRunItemCounts / MapRunExecutionCounts on the wire.
type sfnCounts struct {
	Pending               int64 `json:"pending"`
	Running               int64 `json:"running"`
	Succeeded             int64 `json:"succeeded"`
	Failed                int64 `json:"failed"`
	TimedOut              int64 `json:"timedOut"`
	Aborted               int64 `json:"aborted"`
	Total                 int64 `json:"total"`
	ResultsWritten        int64 `json:"resultsWritten"`
	FailuresNotRedrivable int64 `json:"failuresNotRedrivable"`
	PendingRedrive        int64 `json:"pendingRedrive"`
}

// scaled returns the item counts of child executions that each process
// batch items.
func (c sfnCounts) scaled(batch int64) sfnCounts {
	return sfnCounts{
		Pending: c.Pending * batch, Running: c.Running * batch, Succeeded: c.Succeeded * batch,
		Failed: c.Failed * batch, TimedOut: c.TimedOut * batch, Aborted: c.Aborted * batch,
		Total: c.Total * batch, ResultsWritten: c.ResultsWritten * batch,
		FailuresNotRedrivable: c.FailuresNotRedrivable * batch, PendingRedrive: c.PendingRedrive * batch,
	}
}

// sfnExecSpec describes one parent execution to seed.
type sfnExecSpec struct {
	machine    *sfnStateMachine
	iterations int           // Map Runs = iterations * len(machine.maps)
	status     string        // the execution's final (or current) status
	endedAgo   time.Duration // how long before seedEpoch it ended; 0 if RUNNING
	redriven   bool          // failed once mid-way and was redriven
}

// seedSFN seeds a region. The primary region has "order-fulfillment" with a
// FAILED execution that ran no Map Run and a SUCCEEDED one with 1-10, and
// "catalog-reindex" (two Map states in a Parallel) with a RUNNING, redriven
// execution of 2,600-2,800 Map Runs. The second region has
// "invoice-export-eu" with a FAILED execution of 1-10 Map Runs and an
// ABORTED one of 30-120.
func seedSFN(r *rand.Rand, region string, primary bool) *sfnData {
	d := &sfnData{bySMArn: map[string]*sfnStateMachine{}}
	var specs []sfnExecSpec
	if primary {
		orders := d.addMachine(r, region, "order-fulfillment", "orders-inbox", "ERROR", true,
			&sfnMapState{label: "ProcessOrders", maxConcurrency: 50, toleratedPct: 5, batchSize: 1, resultWriter: true, maxChildren: 400})
		reindex := d.addMachine(r, region, "catalog-reindex", "catalog-snapshots", "ALL", false,
			&sfnMapState{label: "ReindexShards", maxConcurrency: 200, toleratedCount: 10, batchSize: 25, maxChildren: 500},
			&sfnMapState{label: "VerifyShards", maxConcurrency: 1000, toleratedPct: 2.5, batchSize: 1, resultWriter: true, maxChildren: 2000})
		specs = []sfnExecSpec{
			{machine: orders, status: sfnFailed, endedAgo: 50 * time.Hour},
			{machine: orders, iterations: smallCount(r), status: sfnSucceeded, endedAgo: 26 * time.Hour},
			{machine: reindex, iterations: 1300 + r.IntN(101), status: sfnRunning, redriven: true},
		}
	} else {
		invoices := d.addMachine(r, region, "invoice-export-eu", "invoice-exports-eu", "OFF", true,
			&sfnMapState{label: "ExportInvoices", maxConcurrency: 20, batchSize: 100, resultWriter: true, maxChildren: 60})
		specs = []sfnExecSpec{
			{machine: invoices, iterations: smallCount(r), status: sfnFailed, endedAgo: 5 * time.Hour},
			{machine: invoices, iterations: 30 + r.IntN(91), status: sfnAborted, endedAgo: 30 * time.Hour},
		}
	}
	for _, s := range specs {
		d.addExecution(r, region, s)
	}
	return d
}

// addMachine seeds a state machine whose loop runs the given Map states
// (in the branches of a Parallel state when there are several).
func (d *sfnData) addMachine(r *rand.Rand, region, name, bucket, logLevel string, tracing bool, maps ...*sfnMapState) *sfnStateMachine {
	sm := &sfnStateMachine{
		arn:                  fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", region, AccountID, name),
		name:                 name,
		roleArn:              fmt.Sprintf("arn:aws:iam::%s:role/service-role/StepFunctions-%s-role-%s", AccountID, name, hexID(r, 8)),
		revisionID:           uuid(r),
		bucket:               fmt.Sprintf("%s-%s", bucket, AccountID),
		logLevel:             logLevel,
		includeExecutionData: logLevel == "ALL",
		tracing:              tracing,
		maps:                 maps,
	}
	sm.definition = sfnDefinition(sm)
	d.bySMArn[sm.arn] = sm
	return sm
}

// sfnDefinition renders the Amazon States Language of a looping state
// machine around its Distributed Map states.
func sfnDefinition(sm *sfnStateMachine) string {
	mapState := func(m *sfnMapState, next string) map[string]any {
		s := map[string]any{
			"Type":  "Map",
			"Label": m.label,
			"ItemProcessor": map[string]any{
				"ProcessorConfig": map[string]any{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
				"StartAt":         "ProcessItem",
				"States": map[string]any{"ProcessItem": map[string]any{
					"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
					"Arguments": map[string]any{"FunctionName": sm.name + "-" + strings.ToLower(m.label), "Payload": "{% $states.input %}"},
				}},
			},
			"ItemReader": map[string]any{
				"Resource":     "arn:aws:states:::s3:getObject",
				"ReaderConfig": map[string]any{"InputType": "JSONL"},
				"Arguments":    map[string]any{"Bucket": sm.bucket, "Key": "{% $states.input.manifest %}"},
			},
			"Retry": []any{map[string]any{"ErrorEquals": []string{"States.ExceedToleratedFailureThreshold"}, "MaxAttempts": 2, "IntervalSeconds": 30}},
		}
		if m.maxConcurrency > 0 {
			s["MaxConcurrency"] = m.maxConcurrency
		}
		if m.toleratedPct > 0 {
			s["ToleratedFailurePercentage"] = m.toleratedPct
		}
		if m.toleratedCount > 0 {
			s["ToleratedFailureCount"] = m.toleratedCount
		}
		if m.batchSize > 1 {
			s["ItemBatcher"] = map[string]any{"MaxItemsPerBatch": m.batchSize}
		}
		if m.resultWriter {
			s["ResultWriter"] = map[string]any{"Resource": "arn:aws:states:::s3:putObject", "Arguments": map[string]any{"Bucket": sm.bucket, "Prefix": "results"}}
		}
		if next == "" {
			s["End"] = true
		} else {
			s["Next"] = next
		}
		return s
	}
	states := map[string]any{
		"ListBatch": map[string]any{
			"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "",
			"Arguments": map[string]any{"FunctionName": sm.name + "-list-batch", "Payload": "{% $states.input %}"},
			"Output":    "{% $states.result.Payload %}",
		},
		"MoreWork": map[string]any{
			"Type":    "Choice",
			"Choices": []any{map[string]any{"Condition": "{% $states.input.hasMore %}", "Next": "ListBatch"}},
			"Default": "Done",
		},
		"Done": map[string]any{"Type": "Succeed"},
	}
	if len(sm.maps) == 1 {
		states[sm.maps[0].label] = mapState(sm.maps[0], "MoreWork")
		states["ListBatch"].(map[string]any)["Next"] = sm.maps[0].label
	} else {
		var branches []any
		for _, m := range sm.maps {
			branches = append(branches, map[string]any{"StartAt": m.label, "States": map[string]any{m.label: mapState(m, "")}})
		}
		states["ProcessBatch"] = map[string]any{"Type": "Parallel", "Branches": branches, "Next": "MoreWork"}
		states["ListBatch"].(map[string]any)["Next"] = "ProcessBatch"
	}
	def, _ := json.MarshalIndent(map[string]any{
		"Comment":       "Processes " + sm.name + " work in batches until none is left.",
		"QueryLanguage": "JSONata",
		"StartAt":       "ListBatch",
		"States":        states,
	}, "", "  ")
	return string(def)
}

// addExecution seeds a parent execution and its Map Runs: iterations one
// after the other, each starting every Map state of the machine within a
// few milliseconds (so start times may tie).
func (d *sfnData) addExecution(r *rand.Rand, region string, s sfnExecSpec) {
	sm := s.machine
	end := seedEpoch.Add(-s.endedAgo)
	iters := startTimes(r, s.iterations)
	for i := range iters {
		iters[i] = iters[i].Add(-s.endedAgo)
	}
	x := &sfnExecution{machine: sm, name: uuid(r), status: s.status}
	x.arn = fmt.Sprintf("arn:aws:states:%s:%s:execution:%s:%s", region, AccountID, sm.name, x.name)
	if len(iters) > 0 {
		x.start = iters[0].Add(-ms(200 + r.IntN(60_000)))
	} else {
		x.start = end.Add(-ms(1000 + r.IntN(60_000)))
	}
	if created := x.start.Add(-time.Duration(1+r.Int64N(90*24*3600_000)) * time.Millisecond); sm.created.IsZero() || created.Before(sm.created) {
		sm.created = created
	}
	redriveAt := -1
	if s.redriven {
		redriveAt = len(iters) / 3
	}
	failStreak := map[*sfnMapState]int{}
	lastStop := x.start
	for i, t := range iters {
		next := end
		if i+1 < len(iters) {
			next = iters[i+1]
		}
		gap := next.Sub(t).Milliseconds()
		for j, m := range sm.maps {
			status := sfnIterationStatus(r, s.status, i == len(iters)-1, j, failStreak[m])
			if i == redriveAt && j == 0 {
				status = sfnSucceeded // failed, then redriven to success
			}
			if status == sfnFailed {
				failStreak[m]++
			} else {
				failStreak[m] = 0
			}
			mr := &sfnMapRun{exec: x, state: m, status: status, start: t}
			if j > 0 {
				mr.start = t.Add(ms(r.IntN(3)))
			}
			mr.arn = sfnMapRunArn(region, sm, m, uuid(r))
			if status != sfnRunning {
				mr.stop = mr.start.Add(ms(int(gap) * (20 + r.IntN(70)) / 100))
				if mr.stop.After(lastStop) {
					lastStop = mr.stop
				}
			}
			if i == redriveAt && j == 0 {
				mr.redriveCount, mr.redriveDate = 1, mr.start.Add(mr.stop.Sub(mr.start)/2).Truncate(time.Millisecond)
				x.redriveCount, x.redriveDate = 1, mr.redriveDate
			}
			mr.items, mr.children = seedMapRunCounts(r, m, status)
			mr.encode()
			x.mapRuns = append(x.mapRuns, mr)
		}
	}
	sortMapRuns(x.mapRuns)
	sfnFinishExecution(r, x, lastStop)
	d.add(x)
}

// sfnIterationStatus draws the status of a Map Run: before the last
// iteration mostly SUCCEEDED, sometimes FAILED (and retried by the next
// iteration, at most twice in a row); in the last one the execution's own
// status, the first Map state failing or aborting and its Parallel
// siblings aborted, or (RUNNING) still running or already done.
func sfnIterationStatus(r *rand.Rand, exec string, last bool, index, failStreak int) string {
	switch {
	case !last:
		if failStreak < 2 && r.IntN(100) < 5 {
			return sfnFailed
		}
		return sfnSucceeded
	case exec == sfnRunning && index > 0:
		return pick(r, []weighted[string]{{sfnRunning, 2}, {sfnSucceeded, 1}})
	case exec == sfnFailed && index > 0:
		return sfnAborted
	}
	return exec
}

// sortMapRuns sorts Map Runs in ListMapRuns order.
func sortMapRuns(runs []*sfnMapRun) { slices.SortFunc(runs, mapRunCmp) }

// mapRunCmp compares Map Runs in ListMapRuns order: newest first by start,
// ties by ARN ascending.
func mapRunCmp(a, b *sfnMapRun) int { return newestFirst(a.start, b.start, a.arn, b.arn) }

// sfnMapRunArn is the ARN of a run of Map state m of state machine sm.
func sfnMapRunArn(region string, sm *sfnStateMachine, m *sfnMapState, runID string) string {
	return fmt.Sprintf("arn:aws:states:%s:%s:mapRun:%s/%s:%s", region, AccountID, sm.name, m.label, runID)
}

// encode encodes the Map Run's ListMapRuns entry into listEntry, once at
// seed time and again whenever its stop date changes.
func (mr *sfnMapRun) encode() {
	mr.listEntry, _ = json.Marshal(struct {
		ExecutionArn    string     `json:"executionArn"`
		MapRunArn       string     `json:"mapRunArn"`
		StateMachineArn string     `json:"stateMachineArn"`
		StartDate       epochTime  `json:"startDate"`
		StopDate        *epochTime `json:"stopDate,omitempty"`
	}{mr.exec.arn, mr.arn, mr.exec.machine.arn, epochTime(mr.start), ts(mr.stop)})
}

// appendExecution starts a Map Run of the parent execution whose ARN is
// m.resource, at m.startAfter its newest one: a run of the machine's first
// Map state, with counts drawn for its status. Only a RUNNING execution
// starts Map Runs: any other is refused (the emulator does not redrive).
func (d *sfnData) appendExecution(m *mutation) (Execution, error) {
	x, err := d.runningExecution(m)
	if err != nil {
		return Execution{}, err
	}
	var newest time.Time
	if len(x.mapRuns) > 0 {
		newest = x.mapRuns[0].start
	}
	state := x.machine.maps[0]
	mr := &sfnMapRun{exec: x, state: state, start: m.startAfter(newest), arn: sfnMapRunArn(m.region, x.machine, state, uuid(m.rnd))}
	mr.settle(m)
	x.mapRuns = insertSorted(x.mapRuns, mr, mapRunCmp)
	d.addEntry(mr)
	return mr.info(m), nil
}

// setStatus changes the status of the Map Run whose ARN is m.id, which
// must be one of the parent execution m.resource, and that execution must
// be RUNNING (a finished execution's Map Runs have finished for good).
func (d *sfnData) setStatus(m *mutation) (Execution, error) {
	if _, err := d.runningExecution(m); err != nil {
		return Execution{}, err
	}
	_, mr, err := d.execution(m, m.id)
	if err != nil {
		return Execution{}, err
	}
	mr.settle(m)
	return mr.info(m), nil
}

// runningExecution returns the parent execution m.resource if it is RUNNING.
func (d *sfnData) runningExecution(m *mutation) (*sfnExecution, error) {
	x, err := d.resource(m)
	switch {
	case err != nil:
		return nil, err
	case x.status != sfnRunning:
		return nil, fmt.Errorf("stepfunctions execution %s in %s is %s: only a RUNNING execution runs Map Runs", x.arn, m.region, x.status)
	}
	return x, nil
}

// settle gives the Map Run the mutation's status: a final status stops it
// at m.now (never before its start), RUNNING clears the stop date; its item
// and child-execution counts are drawn anew for the status (as seeded), and
// its list entry is encoded again.
func (mr *sfnMapRun) settle(m *mutation) {
	mr.status, mr.stop = m.status, time.Time{}
	if m.ended() {
		mr.stop = maxTime(m.now, mr.start)
	}
	mr.items, mr.children = seedMapRunCounts(m.rnd, mr.state, m.status)
	mr.encode()
}

func (mr *sfnMapRun) info(m *mutation) Execution {
	return m.execution(mr.arn, mr.status, mr.start, mr.stop)
}

// sfnFinishExecution sets what follows from an execution's status: stop
// date, input and output, error and cause, trace header.
func sfnFinishExecution(r *rand.Rand, x *sfnExecution, lastStop time.Time) {
	sm := x.machine
	x.input = fmt.Sprintf(`{"manifest":"inbox/%s/manifest.jsonl","requestedBy":"%s"}`,
		x.start.Format("2006-01-02"), pick(r, []weighted[string]{{"scheduler", 6}, {"ops-console", 1}}))
	if sm.tracing {
		x.traceHeader = fmt.Sprintf("Root=1-%08x-%s;Sampled=1", x.start.Unix(), hexID(r, 24))
	}
	if x.status != sfnRunning {
		x.stop = lastStop.Add(ms(100 + r.IntN(30_000)))
	}
	switch x.status {
	case sfnSucceeded:
		x.output = fmt.Sprintf(`{"iterations":%d,"results":"s3://%s/results/%s/"}`, len(x.mapRuns)/len(sm.maps), sm.bucket, x.name)
	case sfnFailed:
		if len(x.mapRuns) == 0 {
			x.errCode = "S3.NoSuchKeyException"
			x.cause = fmt.Sprintf("The specified key does not exist. (Service: S3, Status Code: 404, Request ID: %s)", strings.ToUpper(hexID(r, 16)))
			break
		}
		x.errCode = "States.ExceedToleratedFailureThreshold"
		x.cause = fmt.Sprintf("Map Run %s failed: the number of failed items exceeded the tolerated failure threshold.", x.mapRuns[0].arn)
	}
}

// seedMapRunCounts draws the child-execution counts of a Map Run in a
// status, and the item counts that follow from them (a child execution
// processes batchSize items, the last batch may be short). A SUCCEEDED run
// succeeded everywhere; a RUNNING one has running (and maybe pending)
// children; a FAILED one has more failed items than tolerated and aborted
// the rest; an ABORTED one aborted at least one child. ResultWriter results
// are written when a run ends.
func seedMapRunCounts(r *rand.Rand, m *sfnMapState, status string) (items, children sfnCounts) {
	n, b := int64(1+r.IntN(m.maxChildren)), m.batchSize
	tol := m.tolerated(n*b-(b-1)) / b // children whose failure is tolerated, however short the last batch
	var c sfnCounts
	switch status {
	case sfnSucceeded:
		c.Succeeded = n
	case sfnRunning:
		limit := n
		if m.maxConcurrency > 0 {
			limit = min(n, int64(m.maxConcurrency))
		}
		c.Running = 1 + r.Int64N(limit)
		done := r.Int64N(n - c.Running + 1)
		c.Failed = min(done, r.Int64N(tol+1))
		c.Succeeded = done - c.Failed
		c.Pending = n - c.Running - done
	case sfnFailed:
		c.Failed = m.tolerated(n*b)/b + 1 + r.Int64N(3)
		n = max(n, c.Failed)
		c.Succeeded = r.Int64N(n - c.Failed + 1)
		c.Aborted = n - c.Failed - c.Succeeded
	case sfnAborted:
		n = max(n, 2)
		c.Failed = min(r.Int64N(tol+1), n-1)
		c.Aborted = 1 + r.Int64N(n-c.Failed)
		c.Succeeded = n - c.Failed - c.Aborted
	}
	c.Total = n
	if m.resultWriter && status != sfnRunning {
		c.ResultsWritten = n
	}
	items = c.scaled(b)
	if c.Succeeded > 0 && b > 1 {
		short := r.Int64N(b)
		items.Succeeded -= short
		items.Total -= short
		if m.resultWriter && status != sfnRunning {
			items.ResultsWritten -= short
		}
	}
	return items, c
}

// ms is n milliseconds.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// sfnListMapRuns answers ListMapRuns {executionArn, maxResults, nextToken}
// with {mapRuns, nextToken}. It returns ValidationException for maxResults
// outside 0-1000 (0 or absent: 100) or an empty ARN, InvalidArn for an ARN
// that is not an execution's, ExecutionDoesNotExist for an unknown
// execution, and InvalidToken for a token that is malformed, expired or of
// another execution.
func sfnListMapRuns(c *call, in *struct {
	ExecutionArn string `json:"executionArn"`
	MaxResults   int    `json:"maxResults"`
	NextToken    string `json:"nextToken"`
}) (any, error) {
	size, ok := sfnPages.size(in.MaxResults, in.MaxResults != 0)
	if !ok {
		return nil, sfnValidation.withMessage("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and %d", in.MaxResults, sfnPages.max)
	}
	x, err := sfnExecutions.lookup(c, in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	entries, next, err := listPage(c, len(x.mapRuns), in.NextToken, size, c.binding(x.arn), sfnInvalidToken, func(i int) []byte {
		return x.mapRuns[i].listEntry
	})
	if err != nil {
		return nil, err
	}
	return sfnMapRunPage(entries, next), nil
}

// sfnMapRunPage encodes a ListMapRuns response {mapRuns, nextToken} from
// the entries encoded at seed time, so a page costs only copying bytes.
// next is a base64url token (or ""), which needs no JSON escaping.
func sfnMapRunPage(entries [][]byte, next string) rawJSON {
	n := 32 + len(next)
	for _, e := range entries {
		n += len(e) + 1
	}
	b := append(make([]byte, 0, n), `{"mapRuns":[`...)
	for i, e := range entries {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e...)
	}
	b = append(b, ']')
	if next != "" {
		b = append(append(append(b, `,"nextToken":"`...), next...), '"')
	}
	return append(b, '}')
}

// sfnDescribeMapRun answers DescribeMapRun {mapRunArn}: the Map Run's
// status, configuration, item and child-execution counts and redrive
// state. It returns InvalidArn for an ARN that is not a Map Run's and
// ResourceNotFound for an unknown one.
func sfnDescribeMapRun(c *call, in *struct {
	MapRunArn string `json:"mapRunArn"`
}) (any, error) {
	m, err := sfnMapRuns.lookup(c, in.MapRunArn)
	if err != nil {
		return nil, err
	}
	return struct {
		MapRunArn                  string     `json:"mapRunArn"`
		ExecutionArn               string     `json:"executionArn"`
		Status                     string     `json:"status"`
		StartDate                  epochTime  `json:"startDate"`
		StopDate                   *epochTime `json:"stopDate,omitempty"`
		MaxConcurrency             int32      `json:"maxConcurrency"`
		ToleratedFailurePercentage float32    `json:"toleratedFailurePercentage"`
		ToleratedFailureCount      int64      `json:"toleratedFailureCount"`
		ItemCounts                 sfnCounts  `json:"itemCounts"`
		ExecutionCounts            sfnCounts  `json:"executionCounts"`
		RedriveCount               int32      `json:"redriveCount"`
		RedriveDate                *epochTime `json:"redriveDate,omitempty"`
	}{
		m.arn, m.exec.arn, m.status, epochTime(m.start), ts(m.stop),
		m.state.maxConcurrency, m.state.toleratedPct, m.state.toleratedCount,
		m.items, m.children, m.redriveCount, ts(m.redriveDate),
	}, nil
}

// sfnDataDetails is CloudWatchEventsExecutionDataDetails.
type sfnDataDetails struct {
	Included bool `json:"included"`
}

// sfnDescribeExecution answers DescribeExecution {executionArn,
// includedData} for a parent execution: output only when SUCCEEDED, error
// and cause when FAILED, no stopDate while RUNNING, no mapRunArn (it was
// not started by a Map Run). includedData METADATA_ONLY leaves out input
// and output. It returns ValidationException for another includedData,
// InvalidArn for an ARN that is not an execution's and
// ExecutionDoesNotExist for an unknown one.
func sfnDescribeExecution(c *call, in *struct {
	ExecutionArn string `json:"executionArn"`
	IncludedData string `json:"includedData"`
}) (any, error) {
	x, metadataOnly, err := sfnDescribe(c, sfnExecutions, in.ExecutionArn, in.IncludedData)
	if err != nil {
		return nil, err
	}
	type out struct {
		ExecutionArn        string          `json:"executionArn"`
		StateMachineArn     string          `json:"stateMachineArn"`
		Name                string          `json:"name"`
		Status              string          `json:"status"`
		StartDate           epochTime       `json:"startDate"`
		StopDate            *epochTime      `json:"stopDate,omitempty"`
		Input               string          `json:"input,omitempty"`
		InputDetails        sfnDataDetails  `json:"inputDetails"`
		Output              string          `json:"output,omitempty"`
		OutputDetails       *sfnDataDetails `json:"outputDetails,omitempty"`
		Error               string          `json:"error,omitempty"`
		Cause               string          `json:"cause,omitempty"`
		TraceHeader         string          `json:"traceHeader,omitempty"`
		RedriveCount        int32           `json:"redriveCount"`
		RedriveDate         *epochTime      `json:"redriveDate,omitempty"`
		RedriveStatus       string          `json:"redriveStatus"`
		RedriveStatusReason string          `json:"redriveStatusReason,omitempty"`
	}
	o := out{
		ExecutionArn: x.arn, StateMachineArn: x.machine.arn, Name: x.name, Status: x.status,
		StartDate: epochTime(x.start), StopDate: ts(x.stop),
		InputDetails: sfnDataDetails{Included: !metadataOnly},
		Error:        x.errCode, Cause: x.cause, TraceHeader: x.traceHeader,
		RedriveCount: x.redriveCount, RedriveDate: ts(x.redriveDate), RedriveStatus: "REDRIVABLE",
	}
	if !metadataOnly {
		o.Input = x.input
	}
	if x.status == sfnSucceeded {
		o.OutputDetails = &sfnDataDetails{Included: !metadataOnly}
		if !metadataOnly {
			o.Output = x.output
		}
	}
	if x.status == sfnRunning || x.status == sfnSucceeded {
		o.RedriveStatus = "NOT_REDRIVABLE"
		o.RedriveStatusReason = "Execution is " + x.status + " and cannot be redriven"
	}
	return o, nil
}

// sfnDescribeStateMachine answers DescribeStateMachine {stateMachineArn,
// includedData}: a STANDARD, ACTIVE state machine whose definition holds
// its Distributed Map states. includedData METADATA_ONLY answers the
// definition "{}". It returns ValidationException for another includedData,
// InvalidArn for an ARN that is not a state machine's and
// StateMachineDoesNotExist for an unknown one.
func sfnDescribeStateMachine(c *call, in *struct {
	StateMachineArn string `json:"stateMachineArn"`
	IncludedData    string `json:"includedData"`
}) (any, error) {
	sm, metadataOnly, err := sfnDescribe(c, sfnStateMachines, in.StateMachineArn, in.IncludedData)
	if err != nil {
		return nil, err
	}
	type logGroup struct {
		LogGroupArn string `json:"logGroupArn"`
	}
	type destination struct {
		CloudWatchLogsLogGroup logGroup `json:"cloudWatchLogsLogGroup"`
	}
	logging := struct {
		Level                string        `json:"level"`
		IncludeExecutionData bool          `json:"includeExecutionData"`
		Destinations         []destination `json:"destinations,omitempty"`
	}{Level: sm.logLevel, IncludeExecutionData: sm.includeExecutionData}
	if sm.logLevel != "OFF" {
		logging.Destinations = []destination{{logGroup{fmt.Sprintf("arn:aws:logs:%s:%s:log-group:/aws/vendedlogs/states/%s-Logs:*", c.region, AccountID, sm.name)}}}
	}
	definition := sm.definition
	if metadataOnly {
		definition = "{}"
	}
	return struct {
		StateMachineArn         string            `json:"stateMachineArn"`
		Name                    string            `json:"name"`
		Status                  string            `json:"status"`
		Definition              string            `json:"definition"`
		RoleArn                 string            `json:"roleArn"`
		Type                    string            `json:"type"`
		CreationDate            epochTime         `json:"creationDate"`
		LoggingConfiguration    any               `json:"loggingConfiguration"`
		TracingConfiguration    map[string]bool   `json:"tracingConfiguration"`
		EncryptionConfiguration map[string]string `json:"encryptionConfiguration"`
		RevisionID              string            `json:"revisionId"`
	}{
		sm.arn, sm.name, "ACTIVE", definition, sm.roleArn, "STANDARD", epochTime(sm.created),
		logging, map[string]bool{"enabled": sm.tracing}, map[string]string{"type": "AWS_OWNED_KEY"}, sm.revisionID,
	}, nil
}

// sfnDescribe reads a Describe request {<ARN member>, includedData}: it
// returns the resource of kind k that arn names and whether includedData
// is METADATA_ONLY ("" and ALL_DATA are not). It returns
// ValidationException for another includedData, then the errors of
// sfnKind.lookup.
func sfnDescribe[T any](c *call, k sfnKind[T], arn, includedData string) (v T, metadataOnly bool, err error) {
	switch includedData {
	case "", "ALL_DATA":
	case "METADATA_ONLY":
		metadataOnly = true
	default:
		return v, false, sfnValidation.withMessage("1 validation error detected: Value '%s' at 'includedData' failed to satisfy constraint: Member must satisfy enum value set: [ALL_DATA, METADATA_ONLY]", includedData)
	}
	v, err = k.lookup(c, arn)
	return v, metadataOnly, err
}

// sfnKind is a kind of Step Functions resource that requests name by ARN.
type sfnKind[T any] struct {
	arnType string // the resource type of its ARNs
	member  string // the request member that carries its ARN
	name    string // its name in error messages
	missing apiError
	index   func(*sfnData) map[string]T // the region's resources of the kind, by ARN
}

// The kinds of resources, each with the error that the operations answer
// for an ARN of the kind that names none.
var (
	sfnExecutions = sfnKind[*sfnExecution]{
		arnType: "execution", member: "executionArn", name: "Execution", missing: sfnNoExecution,
		index: func(d *sfnData) map[string]*sfnExecution { return d.resources },
	}
	sfnMapRuns = sfnKind[*sfnMapRun]{
		arnType: "mapRun", member: "mapRunArn", name: "Map Run", missing: sfnNoMapRun,
		index: func(d *sfnData) map[string]*sfnMapRun { return d.entries },
	}
	sfnStateMachines = sfnKind[*sfnStateMachine]{
		arnType: "stateMachine", member: "stateMachineArn", name: "State Machine", missing: sfnNoStateMachine,
		index: func(d *sfnData) map[string]*sfnStateMachine { return d.bySMArn },
	}
)

// lookup finds the resource of the kind that arn names in the call's
// region. It returns ValidationException for an ARN outside the 1-256
// characters of the model, InvalidArn for one that is malformed or names
// another kind of resource, and the kind's missing error for one that is
// not in the region's data.
func (k sfnKind[T]) lookup(c *call, arn string) (T, error) {
	var zero T
	if arn == "" || len(arn) > 256 {
		return zero, sfnValidation.withMessage("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length between 1 and 256", arn, k.member)
	}
	if v, ok := k.index(dataOf[*sfnData](c))[arn]; ok {
		return v, nil
	}
	if err := sfnCheckArn(arn, k.arnType); err != nil {
		return zero, err
	}
	return zero, k.missing.withMessage("%s Does Not Exist: '%s'", k.name, arn)
}

// sfnCheckArn returns InvalidArn unless arn is a well-formed Step Functions
// ARN of the given kind: arn:aws:states:<region>:<12-digit
// account>:<kind>:<id>, where an execution's id is <stateMachine>:<name>
// and a Map Run's <stateMachine>/<label>:<runId>.
func sfnCheckArn(arn, kind string) error {
	p := strings.SplitN(arn, ":", 7)
	if len(p) != 7 || p[0] != "arn" || !strings.HasPrefix(p[1], "aws") || p[2] != "states" || p[3] == "" || !sfnIsAccount(p[4]) {
		return sfnInvalidArn.withMessage("Invalid Arn: '%s'", arn)
	}
	if p[5] != kind {
		return sfnInvalidArn.withMessage("Invalid Arn: 'Resource type not valid in this context: %s'", p[5])
	}
	first, second, _ := strings.Cut(p[6], ":")
	ok := first != "" && !strings.ContainsAny(p[6], " /") // stateMachine, or stateMachine:version
	switch kind {
	case "execution":
		ok = first != "" && second != "" && !strings.ContainsAny(p[6], " /")
	case "mapRun":
		machine, label, _ := strings.Cut(first, "/")
		ok = machine != "" && label != "" && second != "" && !strings.ContainsAny(p[6], " ")
	}
	if !ok {
		return sfnInvalidArn.withMessage("Invalid Arn: '%s'", arn)
	}
	return nil
}

// sfnIsAccount reports whether s is a 12-digit account id.
func sfnIsAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, ch := range s {
		if ch < '0' || ch > '9' {
			return false
		}
	}
	return true
}
