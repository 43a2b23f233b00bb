package awsemu

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// AWS IoT jobs: ListJobExecutionsForJob (the listing), DescribeJobExecution,
// DescribeJob and DescribeThing, over REST-JSON.
//
// A job has one execution per target thing; one thing can have executions
// of several jobs. ListJobExecutionsForJob lists a job's executions newest
// first by startedAt; an execution that never started (QUEUED, or canceled
// while queued) sorts by its queuedAt instead. Ties break by thingArn. The
// listing is sorted at seed time, and split by status, so that a page costs
// O(page) with or without the status filter; the admin API's mutations keep
// both in order.

// iotSpec is IoT jobs: throttling is ThrottlingException 400, a server
// fault InternalFailureException 500.
var iotSpec = &serviceSpec{
	service: service{
		name:        "iot",
		proto:       restJSON,
		throttle:    apiError{Status: 400, Code: "ThrottlingException"},
		serverError: apiError{Status: 500, Code: "InternalFailureException"},
		ops: []operation{
			{"ListJobExecutionsForJob", "GET /jobs/{jobId}/things", listJobExecutionsForJob},
			{"DescribeJob", "GET /jobs/{jobId}", describeJob},
			{"DescribeJobExecution", "GET /things/{thingName}/jobs/{jobId}", describeJobExecution},
			{"DescribeThing", "GET /things/{thingName}", describeThing},
		},
	},
	stream:   4,
	data:     seededBy(seedIoT),
	list:     listing{op: "ListJobExecutionsForJob", arg: "jobId"},
	statuses: iotStatuses,
	active:   []string{iotInProgress, iotQueued},
}

var (
	iotInvalidRequest = apiError{Status: 400, Code: "InvalidRequestException"}
	iotNotFound       = apiError{Status: 404, Code: "ResourceNotFoundException"}
)

// iotPages are the page sizes (maxResults) of ListJobExecutionsForJob. AWS
// documents the range 1-250 but not the default; the emulator uses 10.
var iotPages = pageSizes{min: 1, max: 250, def: 10}

// Job execution statuses (JobExecutionStatus).
const (
	iotQueued     = "QUEUED"
	iotInProgress = "IN_PROGRESS"
	iotSucceeded  = "SUCCEEDED"
	iotFailed     = "FAILED"
	iotTimedOut   = "TIMED_OUT"
	iotRejected   = "REJECTED"
	iotRemoved    = "REMOVED"
	iotCanceled   = "CANCELED"
)

// iotStatuses are the valid values of the status filter.
var iotStatuses = []string{iotQueued, iotInProgress, iotSucceeded, iotFailed, iotTimedOut, iotRejected, iotRemoved, iotCanceled}

// The path labels of the operations.
var (
	iotJobID     = newIoTLabel("jobId", "[a-zA-Z0-9_-]", 64)
	iotThingName = newIoTLabel("thingName", "[a-zA-Z0-9:_-]", 128)
)

// iotData is one region's IoT jobs, things and job executions: its
// catalog files the jobs by jobId and their executions by
// iotExecKey(thingName, jobId).
type iotData struct {
	catalog[*iotJob, *iotExecution]
	things map[string]*iotThing // by thingName
}

// iotThing is a registered thing (DescribeThing).
type iotThing struct {
	Name          string            `json:"thingName"`
	ID            string            `json:"thingId"`
	Arn           string            `json:"thingArn"`
	TypeName      string            `json:"thingTypeName,omitempty"`
	Attributes    map[string]string `json:"attributes,omitempty"`
	Version       int64             `json:"version"`
	ClientID      string            `json:"defaultClientId"`
	BillingGroup  string            `json:"billingGroupName,omitempty"`
	nextExecution int64             // execution numbers are per thing
}

// iotExecution is one job execution on one thing.
type iotExecution struct {
	jobID, thingName, thingArn, status string
	queuedAt, startedAt, lastUpdatedAt time.Time
	executionNumber, versionNumber     int64
	retryAttempt                       int32
	forceCanceled                      bool
	details                            map[string]string
	secondsBeforeTimedOut              int64 // > 0 only while IN_PROGRESS under a timeout
}

// sortKey is the execution's time in the listing's order.
func (x *iotExecution) sortKey() time.Time {
	if x.startedAt.IsZero() {
		return x.queuedAt
	}
	return x.startedAt
}

// iotListingCmp compares executions in listing order: newest sortKey
// first, ties by thingArn.
func iotListingCmp(a, b *iotExecution) int {
	return newestFirst(a.sortKey(), b.sortKey(), a.thingArn, b.thingArn)
}

// iotJob is a job and its executions in listing order.
type iotJob struct {
	id, arn, description, documentSource  string
	targetSelection, status               string
	forceCanceled                         bool
	comment, reasonCode                   string
	targets                               []string
	createdAt, lastUpdatedAt, completedAt time.Time
	timeoutMinutes                        int64
	maxPerMinute                          int32
	retries                               int32 // retries of FAILED and TIMED_OUT executions; 0 = none
	execs                                 []*iotExecution
	byStatus                              map[string][]*iotExecution // execs of each status, in listing order
}

func iotExecKey(thingName, jobID string) string { return thingName + "\x00" + jobID }

func (j *iotJob) key() string               { return j.id }
func (j *iotJob) listed() []*iotExecution   { return j.execs }
func (x *iotExecution) key() string         { return iotExecKey(x.thingName, x.jobID) }
func (x *iotExecution) resourceKey() string { return x.jobID }

// iotJobSpec describes a job to seed.
type iotJobSpec struct {
	id, description string
	continuous      bool
	group           string      // target thing group (continuous jobs)
	things          []*iotThing // things that get an execution
	end             time.Time   // the newest execution starts shortly before end
	timeoutMinutes  int64
	maxPerMinute    int32
	retries         int32
	canceledAt      time.Time // non-zero: the job was force-canceled then
}

// seedIoT generates one region's things, jobs and job executions from r.
// The primary region has a job with no executions (a continuous job whose
// thing group is still empty), a small completed job and a large continuous
// firmware rollout of 650-720 executions; the second region has a rollout of
// 30-120 executions and a small force-canceled job. Jobs are seeded oldest
// first, so execution numbers grow with time on every thing.
func seedIoT(r *rand.Rand, region string, primary bool) *iotData {
	d := &iotData{things: map[string]*iotThing{}}
	var specs []iotJobSpec
	if primary {
		sensors := d.seedThings(r, region, "sensor", 1, 650+r.IntN(71))
		gateways := d.seedThings(r, region, "gateway", 1, 30+r.IntN(21))
		specs = []iotJobSpec{
			{id: "gateway-reboot-2026-11-12", description: "Reboot gateways after the TLS library patch",
				things: iotSmallTargets(r, gateways, sensors),
				end:    seedEpoch.Add(-8 * 24 * time.Hour)},
			{id: "sensor-firmware-4-2-0", description: "Roll out sensor firmware 4.2.0",
				continuous: true, group: "temperature-sensors", things: sensors, end: seedEpoch,
				timeoutMinutes: 240, maxPerMinute: 50, retries: 2},
			{id: "humidity-calibration-beta", description: "Calibrate humidity sensors of the beta fleet",
				continuous: true, group: "humidity-sensors-beta", end: seedEpoch.Add(-2 * time.Hour)},
		}
	} else {
		sensors := d.seedThings(r, region, "sensor", 1001, 30+r.IntN(91))
		gateways := d.seedThings(r, region, "gateway", 1001, 5+r.IntN(6))
		end := seedEpoch.Add(-3 * 24 * time.Hour)
		specs = []iotJobSpec{
			{id: "eu-config-push-2026-11", description: "Push the EU gateway configuration",
				things: sample(r, gateways, smallCount(r)), end: end, canceledAt: end.Add(20 * time.Minute)},
			{id: "eu-cert-rotation-2026-q4", description: "Rotate device certificates before expiry",
				things: sensors, end: seedEpoch, timeoutMinutes: 120, maxPerMinute: 20},
		}
	}
	for _, s := range specs {
		d.add(d.seedJob(r, region, s))
	}
	return d
}

// seedThings registers n things named <fleet>-NNNN from number first on.
func (d *iotData) seedThings(r *rand.Rand, region, fleet string, first, n int) []*iotThing {
	types := map[string]string{"sensor": "TemperatureSensor", "gateway": "EdgeGateway"}
	models := map[string][]string{"sensor": {"TS-200", "TS-210", "TS-300"}, "gateway": {"GW-10", "GW-20"}}
	sites := []string{"plant-lyon", "plant-austin", "plant-osaka", "warehouse-07"}
	out := make([]*iotThing, n)
	for i := range out {
		name := fmt.Sprintf("%s-%04d", fleet, first+i)
		t := &iotThing{
			Name:     name,
			ID:       uuid(r),
			Arn:      iotArn(region, "thing", name),
			TypeName: types[fleet],
			Attributes: map[string]string{
				"model":    models[fleet][r.IntN(len(models[fleet]))],
				"site":     sites[r.IntN(len(sites))],
				"firmware": fmt.Sprintf("4.1.%d", r.IntN(4)),
			},
			Version:  int64(1 + r.IntN(5)),
			ClientID: name,
		}
		if fleet == "gateway" || r.IntN(4) == 0 {
			t.BillingGroup = "fleet-" + fleet + "s"
		}
		d.things[name] = t
		out[i] = t
	}
	return out
}

// iotSmallTargets picks 1-10 things: one sensor, the rest gateways, so that
// a sensor has executions of two jobs.
func iotSmallTargets(r *rand.Rand, gateways, sensors []*iotThing) []*iotThing {
	return append(sample(r, sensors, 1), sample(r, gateways, smallCount(r)-1)...)
}

// sample returns n distinct things of pool in random order.
func sample(r *rand.Rand, pool []*iotThing, n int) []*iotThing {
	p := slices.Clone(pool)
	r.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p[:min(n, len(p))]
}

// seedJob creates a job with one execution per spec thing. Execution i of
// the timeline starts (or, when it never started, is queued) at the i-th of
// startTimes, shifted to end at spec.end; things get those times in random
// order. Executions that would still run at the job's "now" (seedEpoch, or
// the cancellation) are QUEUED or IN_PROGRESS (CANCELED in a canceled job);
// the newest QUEUED ones share one queuedAt (iotRolloutWave). A snapshot
// job is COMPLETED once no execution is active; a continuous one stays
// IN_PROGRESS until canceled.
func (d *iotData) seedJob(r *rand.Rand, region string, s iotJobSpec) *iotJob {
	j := &iotJob{
		id:              s.id,
		arn:             iotArn(region, "job", s.id),
		description:     s.description,
		documentSource:  fmt.Sprintf("https://s3.%s.amazonaws.com/iot-jobs-%s/%s.json", region, AccountID, s.id),
		targetSelection: "SNAPSHOT",
		timeoutMinutes:  s.timeoutMinutes,
		maxPerMinute:    s.maxPerMinute,
		retries:         s.retries,
		byStatus:        map[string][]*iotExecution{},
	}
	if s.continuous {
		j.targetSelection = "CONTINUOUS"
		j.targets = []string{iotArn(region, "thinggroup", s.group)}
	}
	now := seedEpoch
	if !s.canceledAt.IsZero() {
		now = s.canceledAt
	}
	things := sample(r, s.things, len(s.things))
	shift := s.end.Sub(seedEpoch)
	j.createdAt = s.end.Add(-time.Duration(3600_000+r.IntN(48*3600_000)) * time.Millisecond)
	for i, t := range startTimes(r, len(things)) {
		x := seedJobExecution(r, j, things[i], t.Add(shift), now, !s.canceledAt.IsZero())
		j.execs = append(j.execs, x)
		if !s.continuous {
			j.targets = append(j.targets, x.thingArn)
		}
		j.createdAt = minTime(j.createdAt, x.queuedAt.Add(-time.Duration(1+r.IntN(60))*time.Second))
	}
	iotRolloutWave(j.execs)
	slices.SortFunc(j.execs, iotListingCmp)
	j.status = "COMPLETED"
	if s.continuous {
		j.status = iotInProgress // a continuous job runs until canceled
	}
	j.lastUpdatedAt = j.createdAt
	for _, x := range j.execs {
		j.byStatus[x.status] = append(j.byStatus[x.status], x)
		j.lastUpdatedAt = maxTime(j.lastUpdatedAt, x.lastUpdatedAt)
		if x.status == iotQueued || x.status == iotInProgress {
			j.status = iotInProgress
		}
	}
	switch {
	case !s.canceledAt.IsZero():
		j.status, j.forceCanceled = iotCanceled, true
		j.comment, j.reasonCode = "Superseded by a newer configuration", "SUPERSEDED"
		j.lastUpdatedAt, j.completedAt = s.canceledAt, s.canceledAt
	case j.status == "COMPLETED":
		j.completedAt = j.lastUpdatedAt
	}
	return j
}

// seedJobExecution creates the execution of job j on thing t whose listing time
// is key. It is still active if it would run past now; in a canceled job
// an active execution was canceled (force-canceled if it had started).
func seedJobExecution(r *rand.Rand, j *iotJob, t *iotThing, key, now time.Time, canceled bool) *iotExecution {
	t.nextExecution++
	x := &iotExecution{
		jobID: j.id, thingName: t.Name, thingArn: t.Arn,
		executionNumber: t.nextExecution,
		queuedAt:        key.Add(-time.Duration(200+r.IntN(600_000)) * time.Millisecond),
		startedAt:       key,
	}
	// A run lasts 30 s to 3 h, and always less than the job's timeout, so an
	// execution still IN_PROGRESS at now has not timed out.
	timeout := time.Duration(j.timeoutMinutes) * time.Minute
	longest := 3 * time.Hour
	if timeout > 0 {
		longest = min(longest, timeout-time.Minute)
	}
	dur := 30*time.Second + time.Duration(r.Int64N(int64(longest/time.Millisecond)))*time.Millisecond
	active := key.Add(dur).After(now)
	offline := 0 // weight of executions still queued long after their time
	if j.targetSelection == "CONTINUOUS" && !canceled {
		offline = 1
	}
	switch {
	case active && canceled:
		x.status, x.lastUpdatedAt, x.versionNumber = iotCanceled, now, 2
		if r.IntN(2) == 0 {
			x.queuedAt, x.startedAt = key, time.Time{}
		} else {
			x.forceCanceled, x.versionNumber = true, 3
		}
	case active && r.IntN(100) < 35:
		x.status, x.queuedAt, x.startedAt, x.lastUpdatedAt, x.versionNumber = iotQueued, key, time.Time{}, key, 1
	case active:
		x.status, x.versionNumber = iotInProgress, int64(2+r.IntN(4))
		x.lastUpdatedAt = key.Add(time.Duration(r.Int64N(int64(now.Sub(key)/time.Millisecond)+1)) * time.Millisecond)
		x.details = map[string]string{"step": pick(r, []weighted[string]{{"downloading", 3}, {"verifying", 1}, {"installing", 2}}), "progress": strconv.Itoa(5 + r.IntN(90))}
		if timeout > 0 {
			x.secondsBeforeTimedOut = int64((timeout - now.Sub(key)) / time.Second)
		}
	default:
		x.status = pick(r, []weighted[string]{{iotSucceeded, 85}, {iotFailed, 6}, {iotRejected, 3}, {iotTimedOut, 3}, {iotRemoved, 1}, {iotCanceled, 2}, {iotQueued, offline}})
		if x.status == iotQueued { // the device has been offline since
			x.queuedAt, x.startedAt, x.lastUpdatedAt, x.versionNumber = key, time.Time{}, key, 1
			break
		}
		if x.status == iotTimedOut {
			if timeout == 0 || key.Add(timeout).After(now) {
				x.status = iotFailed
			} else {
				dur = timeout
			}
		}
		x.lastUpdatedAt, x.versionNumber = key.Add(dur), int64(3+r.IntN(4))
		x.details = iotTerminalDetails(r, x.status)
		if j.retries > 0 && x.status != iotSucceeded && r.IntN(3) == 0 {
			x.retryAttempt = int32(1 + r.IntN(int(j.retries)))
		}
	}
	return x
}

// iotRolloutWave makes the newest rollout wave: QUEUED executions queued
// within an hour before the newest QUEUED one were queued together with it,
// so they tie in the listing order.
func iotRolloutWave(execs []*iotExecution) {
	var wave time.Time
	for _, x := range execs {
		if x.status == iotQueued {
			wave = maxTime(wave, x.queuedAt)
		}
	}
	for _, x := range execs {
		if x.status == iotQueued && wave.Sub(x.queuedAt) < time.Hour {
			x.queuedAt, x.lastUpdatedAt = wave, wave
		}
	}
}

// iotTerminalDetails is the statusDetails a device reports with a final status.
func iotTerminalDetails(r *rand.Rand, status string) map[string]string {
	switch status {
	case iotSucceeded:
		return map[string]string{"result": "ok"}
	case iotFailed:
		return map[string]string{"reason": pick(r, []weighted[string]{{"checksum mismatch", 2}, {"insufficient storage", 1}, {"download interrupted", 2}})}
	case iotRejected:
		return map[string]string{"reason": "device busy"}
	}
	return nil
}

func iotArn(region, kind, name string) string {
	return fmt.Sprintf("arn:aws:iot:%s:%s:%s/%s", region, AccountID, kind, name)
}

// appendExecution adds an execution to the job m.resource as AWS does: a
// job gets a new execution when a thing joins its target group, so only a
// CONTINUOUS job that is IN_PROGRESS gets one (any other is refused). The
// thing is a new one (joinThing) with its first execution number, queued
// (and, unless QUEUED, started) at m.startAfter the job's newest execution.
func (d *iotData) appendExecution(m *mutation) (Execution, error) {
	j, err := d.resource(m)
	if err != nil {
		return Execution{}, err
	}
	if j.targetSelection != "CONTINUOUS" || j.status != iotInProgress {
		return Execution{}, fmt.Errorf("iot job %s in %s is a %s %s job: AWS adds executions only to IN_PROGRESS CONTINUOUS jobs, as things join their target groups",
			j.id, m.region, j.status, j.targetSelection)
	}
	var newest time.Time
	if len(j.execs) > 0 {
		newest = j.execs[0].sortKey()
	}
	t := d.joinThing(m, j)
	t.nextExecution++
	at := m.startAfter(newest)
	x := &iotExecution{jobID: j.id, thingName: t.Name, thingArn: t.Arn, executionNumber: t.nextExecution, queuedAt: at}
	x.settle(j, m.status, at)
	d.addEntry(x)
	j.insert(x)
	j.refresh(x.lastUpdatedAt)
	return x.info(m), nil
}

// joinThing registers a new thing for job j: another of the fleet (name
// prefix, type and attributes) of the thing of the job's newest execution,
// or a "device" for a job without executions, numbered after the things
// the region has.
func (d *iotData) joinThing(m *mutation, j *iotJob) *iotThing {
	fleet, typeName := "device", "GenericDevice"
	attrs := map[string]string{"model": "GD-1", "site": "plant-lyon", "firmware": "4.1.0"}
	if len(j.execs) > 0 {
		like := d.things[j.execs[0].thingName]
		fleet, typeName, attrs = like.Name[:strings.LastIndexByte(like.Name, '-')], like.TypeName, like.Attributes
	}
	name := ""
	for n := len(d.things) + 1; name == "" || d.things[name] != nil; n++ {
		name = fmt.Sprintf("%s-%04d", fleet, n)
	}
	t := &iotThing{Name: name, ID: uuid(m.rnd), Arn: iotArn(m.region, "thing", name), TypeName: typeName,
		Attributes: maps.Clone(attrs), Version: 1, ClientID: name}
	d.things[name] = t
	return t
}

// setStatus changes the status of the execution of job m.resource on the
// thing that m.id names (by thingArn or thing name), as settle says, and
// the job's status follows (refresh). An execution of a CANCELED job can
// no longer become QUEUED or IN_PROGRESS.
func (d *iotData) setStatus(m *mutation) (Execution, error) {
	name := strings.TrimPrefix(m.id, iotArn(m.region, "thing", ""))
	j, x, err := d.execution(m, iotExecKey(name, m.resource))
	if err != nil {
		return Execution{}, err
	}
	if j.status == iotCanceled && !m.ended() {
		return Execution{}, fmt.Errorf("iot job %s in %s is CANCELED: its executions can no longer be %s", j.id, m.region, m.status)
	}
	j.remove(x)
	x.settle(j, m.status, m.now)
	j.insert(x)
	j.refresh(x.lastUpdatedAt)
	return x.info(m), nil
}

// settle gives x the status at now, as a device or the service reports
// it: lastUpdatedAt is now (never before the execution's listing time) and
// the version grows; an execution that starts or that a device ends
// (IN_PROGRESS, SUCCEEDED, FAILED, TIMED_OUT, REJECTED) has a startedAt,
// now if it had none; QUEUED has none; REMOVED and CANCELED keep theirs
// (a started execution is force-canceled). The status details and the
// seconds left before the job's timeout (IN_PROGRESS) follow.
func (x *iotExecution) settle(j *iotJob, status string, now time.Time) {
	x.status, x.lastUpdatedAt = status, maxTime(now, x.sortKey())
	x.versionNumber++
	switch status {
	case iotQueued:
		x.startedAt = time.Time{}
	case iotInProgress, iotSucceeded, iotFailed, iotTimedOut, iotRejected:
		x.startedAt = firstTime(x.startedAt, x.lastUpdatedAt)
	}
	x.forceCanceled = status == iotCanceled && !x.startedAt.IsZero()
	x.details = iotSettledDetails[status]
	x.secondsBeforeTimedOut = 0
	if status == iotInProgress && j.timeoutMinutes > 0 {
		left := time.Duration(j.timeoutMinutes)*time.Minute - x.lastUpdatedAt.Sub(x.startedAt)
		x.secondsBeforeTimedOut = max(1, int64(left/time.Second))
	}
}

// iotSettledDetails are the status details of executions whose status the
// admin API set.
var iotSettledDetails = map[string]map[string]string{
	iotInProgress: {"step": "downloading", "progress": "0"},
	iotSucceeded:  {"result": "ok"},
	iotFailed:     {"reason": "download interrupted"},
	iotRejected:   {"reason": "device busy"},
}

// insert files x in the job's listing and in the listing of its status.
func (j *iotJob) insert(x *iotExecution) {
	j.execs = insertSorted(j.execs, x, iotListingCmp)
	j.byStatus[x.status] = insertSorted(j.byStatus[x.status], x, iotListingCmp)
}

// remove takes x out of the job's listing and out of the listing of its
// status.
func (j *iotJob) remove(x *iotExecution) {
	j.execs = without(j.execs, x)
	j.byStatus[x.status] = without(j.byStatus[x.status], x)
}

// refresh updates the job after one of its executions changed at
// updated: its lastUpdatedAt, and the status of a SNAPSHOT job, COMPLETED
// (at updated) once no execution is QUEUED or IN_PROGRESS and IN_PROGRESS
// while one is. A CONTINUOUS job stays IN_PROGRESS, a canceled one CANCELED.
func (j *iotJob) refresh(updated time.Time) {
	j.lastUpdatedAt = maxTime(j.lastUpdatedAt, updated)
	if j.status == iotCanceled || j.targetSelection == "CONTINUOUS" {
		return
	}
	switch active := len(j.byStatus[iotQueued])+len(j.byStatus[iotInProgress]) > 0; {
	case active:
		j.status, j.completedAt = iotInProgress, time.Time{}
	case j.status != "COMPLETED":
		j.status, j.completedAt = "COMPLETED", j.lastUpdatedAt
	}
}

func (x *iotExecution) info(m *mutation) Execution {
	out := m.execution(x.thingArn, x.status, x.sortKey(), time.Time{})
	out.ThingName, out.ExecutionNumber = x.thingName, x.executionNumber
	return out
}

// Wire shapes (member names as the SDK's deserializers read them).
type (
	// iotExecutionProgress are the members that a list entry and
	// DescribeJobExecution share, in the order of both.
	iotExecutionProgress struct {
		QueuedAt        *epochTime `json:"queuedAt,omitempty"`
		StartedAt       *epochTime `json:"startedAt,omitempty"`
		LastUpdatedAt   *epochTime `json:"lastUpdatedAt,omitempty"`
		ExecutionNumber int64      `json:"executionNumber"`
	}
	iotExecutionSummary struct {
		Status string `json:"status"`
		iotExecutionProgress
		RetryAttempt int32 `json:"retryAttempt"`
	}
	iotExecutionSummaryForJob struct {
		ThingArn            string              `json:"thingArn"`
		JobExecutionSummary iotExecutionSummary `json:"jobExecutionSummary"`
	}
	iotListOutput struct {
		ExecutionSummaries []iotExecutionSummaryForJob `json:"executionSummaries"`
		NextToken          string                      `json:"nextToken,omitempty"`
	}
	iotStatusDetails struct {
		DetailsMap map[string]string `json:"detailsMap,omitempty"`
	}
	iotExecutionDetail struct {
		JobID         string           `json:"jobId"`
		Status        string           `json:"status"`
		ForceCanceled bool             `json:"forceCanceled"`
		StatusDetails iotStatusDetails `json:"statusDetails"`
		ThingArn      string           `json:"thingArn"`
		iotExecutionProgress
		VersionNumber                    int64  `json:"versionNumber"`
		ApproximateSecondsBeforeTimedOut *int64 `json:"approximateSecondsBeforeTimedOut,omitempty"`
	}
	iotProcessDetails struct {
		ProcessingTargets        []string `json:"processingTargets,omitempty"`
		NumberOfCanceledThings   int      `json:"numberOfCanceledThings"`
		NumberOfSucceededThings  int      `json:"numberOfSucceededThings"`
		NumberOfFailedThings     int      `json:"numberOfFailedThings"`
		NumberOfRejectedThings   int      `json:"numberOfRejectedThings"`
		NumberOfQueuedThings     int      `json:"numberOfQueuedThings"`
		NumberOfInProgressThings int      `json:"numberOfInProgressThings"`
		NumberOfRemovedThings    int      `json:"numberOfRemovedThings"`
		NumberOfTimedOutThings   int      `json:"numberOfTimedOutThings"`
	}
	iotRolloutConfig struct {
		MaximumPerMinute int32 `json:"maximumPerMinute"`
	}
	iotRetryCriteria struct {
		FailureType     string `json:"failureType"`
		NumberOfRetries int32  `json:"numberOfRetries"`
	}
	iotRetryConfig struct {
		CriteriaList []iotRetryCriteria `json:"criteriaList"`
	}
	iotTimeoutConfig struct {
		InProgressTimeoutInMinutes int64 `json:"inProgressTimeoutInMinutes"`
	}
	iotJobDetail struct {
		JobArn                     string            `json:"jobArn"`
		JobID                      string            `json:"jobId"`
		TargetSelection            string            `json:"targetSelection"`
		Status                     string            `json:"status"`
		ForceCanceled              bool              `json:"forceCanceled"`
		Comment                    string            `json:"comment,omitempty"`
		ReasonCode                 string            `json:"reasonCode,omitempty"`
		Description                string            `json:"description,omitempty"`
		Targets                    []string          `json:"targets"`
		CreatedAt                  *epochTime        `json:"createdAt"`
		LastUpdatedAt              *epochTime        `json:"lastUpdatedAt"`
		CompletedAt                *epochTime        `json:"completedAt,omitempty"`
		JobProcessDetails          iotProcessDetails `json:"jobProcessDetails"`
		TimeoutConfig              *iotTimeoutConfig `json:"timeoutConfig,omitempty"`
		JobExecutionsRolloutConfig *iotRolloutConfig `json:"jobExecutionsRolloutConfig,omitempty"`
		JobExecutionsRetryConfig   *iotRetryConfig   `json:"jobExecutionsRetryConfig,omitempty"`
		IsConcurrent               bool              `json:"isConcurrent"`
	}
)

func (x *iotExecution) progress() iotExecutionProgress {
	return iotExecutionProgress{ts(x.queuedAt), ts(x.startedAt), ts(x.lastUpdatedAt), x.executionNumber}
}

// listJobExecutionsForJob serves GET /jobs/{jobId}/things?status&maxResults&nextToken.
// It returns InvalidRequestException for a maxResults outside 1-250, an
// unknown status, a malformed jobId, or a token that is malformed, expired
// or was issued for another job, region or status; ResourceNotFoundException
// for an unknown job.
func listJobExecutionsForJob(c *call) (any, error) {
	q := c.r.URL.Query()
	size, ok := iotPages.query(q.Get("maxResults"))
	if !ok {
		return nil, iotInvalidRequest.withMessage("maxResults must be between %d and %d.", iotPages.min, iotPages.max)
	}
	status := q.Get("status")
	if status != "" && !slices.Contains(iotStatuses, status) {
		return nil, iotInvalidRequest.withMessage("Invalid status %q: must be one of %s.", status, strings.Join(iotStatuses, ", "))
	}
	j, err := iotFind(c, iotJobID, dataOf[*iotData](c).resources, "Job")
	if err != nil {
		return nil, err
	}
	execs := j.execs
	if status != "" {
		execs = j.byStatus[status]
	}
	page, next, err := listPage(c, len(execs), q.Get("nextToken"), size, c.binding(j.id, "status="+status), iotInvalidRequest, func(i int) iotExecutionSummaryForJob {
		x := execs[i]
		return iotExecutionSummaryForJob{ThingArn: x.thingArn, JobExecutionSummary: iotExecutionSummary{
			Status:               x.status,
			iotExecutionProgress: x.progress(),
			RetryAttempt:         x.retryAttempt,
		}}
	})
	if err != nil {
		return nil, err
	}
	return iotListOutput{ExecutionSummaries: page, NextToken: next}, nil
}

// describeJobExecution serves GET /things/{thingName}/jobs/{jobId}?executionNumber.
// It returns InvalidRequestException for a malformed thing name, jobId or
// executionNumber, and ResourceNotFoundException when the thing has no
// execution of the job (or none with that execution number).
func describeJobExecution(c *call) (any, error) {
	name, err := iotThingName.of(c)
	if err != nil {
		return nil, err
	}
	jobID, err := iotJobID.of(c)
	if err != nil {
		return nil, err
	}
	number := int64(-1)
	if s := c.r.URL.Query().Get("executionNumber"); s != "" {
		if number, err = strconv.ParseInt(s, 10, 64); err != nil || number < 0 {
			return nil, iotInvalidRequest.withMessage("Invalid executionNumber %q.", s)
		}
	}
	x, ok := dataOf[*iotData](c).entries[iotExecKey(name, jobID)]
	if !ok || (number >= 0 && number != x.executionNumber) {
		return nil, iotNotFound.withMessage("Job execution of job %s on thing %s not found.", jobID, name)
	}
	out := iotExecutionDetail{
		JobID:                x.jobID,
		Status:               x.status,
		ForceCanceled:        x.forceCanceled,
		StatusDetails:        iotStatusDetails{DetailsMap: x.details},
		ThingArn:             x.thingArn,
		iotExecutionProgress: x.progress(),
		VersionNumber:        x.versionNumber,
	}
	if x.secondsBeforeTimedOut > 0 {
		out.ApproximateSecondsBeforeTimedOut = &x.secondsBeforeTimedOut
	}
	return map[string]any{"execution": out}, nil
}

// describeJob serves GET /jobs/{jobId}. Its jobProcessDetails counts equal
// the counts of the job's executions by status. It returns
// InvalidRequestException for a malformed jobId and ResourceNotFoundException
// for an unknown job.
func describeJob(c *call) (any, error) {
	j, err := iotFind(c, iotJobID, dataOf[*iotData](c).resources, "Job")
	if err != nil {
		return nil, err
	}
	n := func(status string) int { return len(j.byStatus[status]) }
	out := iotJobDetail{
		JobArn:          j.arn,
		JobID:           j.id,
		TargetSelection: j.targetSelection,
		Status:          j.status,
		ForceCanceled:   j.forceCanceled,
		Comment:         j.comment,
		ReasonCode:      j.reasonCode,
		Description:     j.description,
		Targets:         j.targets,
		CreatedAt:       ts(j.createdAt),
		LastUpdatedAt:   ts(j.lastUpdatedAt),
		CompletedAt:     ts(j.completedAt),
		JobProcessDetails: iotProcessDetails{
			NumberOfCanceledThings:   n(iotCanceled),
			NumberOfSucceededThings:  n(iotSucceeded),
			NumberOfFailedThings:     n(iotFailed),
			NumberOfRejectedThings:   n(iotRejected),
			NumberOfQueuedThings:     n(iotQueued),
			NumberOfInProgressThings: n(iotInProgress),
			NumberOfRemovedThings:    n(iotRemoved),
			NumberOfTimedOutThings:   n(iotTimedOut),
		},
	}
	if j.status == iotInProgress {
		out.JobProcessDetails.ProcessingTargets = j.targets
	}
	if j.timeoutMinutes > 0 {
		out.TimeoutConfig = &iotTimeoutConfig{InProgressTimeoutInMinutes: j.timeoutMinutes}
	}
	if j.maxPerMinute > 0 {
		out.JobExecutionsRolloutConfig = &iotRolloutConfig{MaximumPerMinute: j.maxPerMinute}
	}
	if j.retries > 0 {
		out.JobExecutionsRetryConfig = &iotRetryConfig{CriteriaList: []iotRetryCriteria{{"FAILED", j.retries}, {"TIMED_OUT", j.retries}}}
	}
	return map[string]any{"documentSource": j.documentSource, "job": out}, nil
}

// describeThing serves GET /things/{thingName}. It returns
// InvalidRequestException for a malformed name and ResourceNotFoundException
// for an unknown thing.
func describeThing(c *call) (any, error) {
	t, err := iotFind(c, iotThingName, dataOf[*iotData](c).things, "Thing")
	if err != nil {
		return nil, err
	}
	return t, nil
}

// iotLabel is a path label of the operations: its name, and the
// characters (a regexp class) and the most of them that it may have.
type iotLabel struct {
	name, chars string
	max         int
	re          *regexp.Regexp
}

func newIoTLabel(name, chars string, max int) iotLabel {
	return iotLabel{name: name, chars: chars, max: max, re: regexp.MustCompile("^" + chars + "{1," + strconv.Itoa(max) + "}$")}
}

// of returns the request's value of the label, or InvalidRequestException
// when it is malformed.
func (l iotLabel) of(c *call) (string, error) {
	v := c.r.PathValue(l.name)
	if !l.re.MatchString(v) {
		return "", iotInvalidRequest.withMessage("Invalid %s %q: must match %s+ and be 1-%d characters long.", l.name, v, l.chars, l.max)
	}
	return v, nil
}

// iotFind returns the resource (what: "Job", "Thing") of byName that the
// request's label names. It returns InvalidRequestException for a
// malformed name and ResourceNotFoundException for an unknown one.
func iotFind[T any](c *call, l iotLabel, byName map[string]T, what string) (T, error) {
	var zero T
	name, err := l.of(c)
	if err != nil {
		return zero, err
	}
	v, ok := byName[name]
	if !ok {
		return zero, iotNotFound.withMessage("%s %s cannot be found.", what, name)
	}
	return v, nil
}
