package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	loadClients  = 32
	loadDuration = 10 * time.Second
	// loadMaxRSS bounds the whole test process's resident memory: the
	// gateway, the emulator and the clients (about 100 MB at the peak).
	// The race detector costs 5 to 10 times the memory (its documentation
	// says so) and keeps what the tests before this one touched (in the
	// package's run, about 570 MB before the load and 760 MB at its peak),
	// hence a bound of its own; the live heap's bound below is the finer
	// check.
	loadMaxRSS     = 300 << 20
	loadMaxRSSRace = 1536 << 20
	// loadMaxHeapGrowth bounds the live heap's growth across the load: the
	// caches (parsed queries, final details) were filled before it.
	loadMaxHeapGrowth = 16 << 20
	// loadGoroutineSlack is the goroutine growth tolerated after the load.
	loadGoroutineSlack = 5
)

// raceEnabled says whether the test binary was built with -race.
func raceEnabled() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" {
				return s.Value == "true"
			}
		}
	}
	return false
}

// liveHeap is the heap in use after a collection.
func liveHeap() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// loadQuery is one request of the load mix and the response it must get.
type loadQuery struct {
	name string
	body []byte // the POST body
	want []byte // the response body, as served before the load
}

// loadQueries are small queries of every kind a portal sends: the first 20
// of every service's listing, some with detail fields, resumes with a
// cursor (after an edge inside an upstream page, and after a page's
// endCursor), and an executions merge. They select nothing that changes
// from one request to the next (no cursors, no times from a clock), so
// that every response under load can be compared byte for byte with the
// one served before the load.
func loadQueries(t testing.TB, m *Main) []loadQuery {
	t.Helper()
	id := map[string]string{}
	for _, s := range specs {
		id[s.service] = largest(t, m, s.service).ID
	}
	conn := func(field, arg, selection string) string {
		return fmt.Sprintf(`query($id: String!, $after: String) { conn: %s(%s: $id, first: 20, after: $after) { nodes { %s } pageInfo { hasNextPage } } }`, field, arg, selection)
	}
	type q struct {
		name  string
		query string
		vars  map[string]any
	}
	qs := []q{
		{"lambda", conn("lambdaDurableExecutions", "functionName", "id durableExecutionArn status nativeStatus startedAt endedAt"), map[string]any{"id": id["lambda"]}},
		{"imagebuilder", conn("imageBuilderWorkflowExecutions", "imageBuildVersionArn", "id workflowExecutionId status nativeStatus startedAt"), map[string]any{"id": id["imagebuilder"]}},
		{"stepfunctions", conn("stepFunctionsMapRuns", "executionArn", "id mapRunArn startedAt endedAt"), map[string]any{"id": id["stepfunctions"]}},
		{"iot", conn("iotJobExecutions", "jobId", "id thingArn status nativeStatus jobExecutionSummary { queuedAt executionNumber }"), map[string]any{"id": id["iot"]}},
		{"transfer", conn("transferExecutions", "workflowId", "id executionId status initialFileLocation { s3FileLocation { bucket key } }"), map[string]any{"id": id["transfer"]}},
		{"stepfunctions+details", conn("stepFunctionsMapRuns", "executionArn", "mapRunArn status nativeStatus itemCounts { total succeeded failed } maxConcurrency stateMachine { name type } execution { name status }"), map[string]any{"id": id["stepfunctions"]}},
		{"iot+details", conn("iotJobExecutions", "jobId", "thingName status statusDetails { key value } versionNumber job { status } thing { thingTypeName }"), map[string]any{"id": id["iot"]}},
		{"lambda+details", conn("lambdaDurableExecutions", "functionName", "durableExecutionArn version error { errorType }"), map[string]any{"id": id["lambda"]}},
		{"transfer+details", conn("transferExecutions", "workflowId", "executionId executionRole workflow { workflowId description }"), map[string]any{"id": id["transfer"]}},
		{"imagebuilder+steps", conn("imageBuilderWorkflowExecutions", "imageBuildVersionArn", "workflowExecutionId steps(first: 3) { nodes { name status } pageInfo { hasNextPage } }"), map[string]any{"id": id["imagebuilder"]}},
	}
	// Resumes: after the 10th edge of lambda's first page (inside an
	// upstream page), and after the endCursor of Step Functions' first page.
	lp := specOf("lambda").page(t, m, largest(t, m, "lambda"), 20, nil)
	sp := specOf("stepfunctions").page(t, m, largest(t, m, "stepfunctions"), 20, nil)
	qs = append(qs,
		q{"lambda resumed mid-page", conn("lambdaDurableExecutions", "functionName", "durableExecutionArn status"), map[string]any{"id": id["lambda"], "after": lp.Edges[9].Cursor}},
		q{"stepfunctions resumed", conn("stepFunctionsMapRuns", "executionArn", "mapRunArn startedAt"), map[string]any{"id": id["stepfunctions"], "after": *sp.PageInfo.EndCursor}},
	)
	_, sources := fedSources(t, m)
	qs = append(qs, q{"executions", `query($s: [ExecutionSourceInput!]!) { executions(sources: $s, first: 20) {
		nodes { __typename id service region status nativeStatus startedAt endedAt } pageInfo { hasNextPage } } }`, map[string]any{"s": sources}})

	var out []loadQuery
	for _, q := range qs {
		body, err := json.Marshal(map[string]any{"query": q.query, "variables": q.vars})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, loadQuery{name: q.name, body: body})
	}
	return out
}

// send posts one query; it returns the response body, or an error for a
// transport failure, a status other than 200, a GraphQL error or null data.
func (q loadQuery) send(client *http.Client, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(q.body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %.300s", resp.Status, raw)
	}
	var r gqlResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("decode: %v: %.300s", err, raw)
	}
	if len(r.Errors) > 0 || len(r.Data) == 0 || string(r.Data) == "null" || bytes.Contains(r.Data, []byte(`"conn":null`)) {
		return nil, fmt.Errorf("errors or null data: %.300s", raw)
	}
	return raw, nil
}

// vmRSS is the test process's resident set size.
func vmRSS(t testing.TB) int64 { return procStatus(t, "self", "VmRSS") }

// procStatus reads a size field (in kB) of /proc/<pid>/status, in bytes;
// without /proc the test is skipped.
func procStatus(t testing.TB, pid, field string) int64 {
	t.Helper()
	n, err := readStatus(pid, field)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("no /proc/%s/status: %v", pid, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// readStatus is procStatus for a goroutine other than the test's (which
// may not call t.Fatal): the error is returned.
func readStatus(pid, field string) (int64, error) {
	f, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("%s %q: %w", field, rest, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%s/status", field, pid)
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

// settledGoroutines polls runtime.NumGoroutine until it is at most limit
// (limit < 0: until it has not changed for 10 polls in a row), or the
// deadline passes; it returns the last count.
func settledGoroutines(limit int, within time.Duration) int {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	n, same := runtime.NumGoroutine(), 0
	for {
		if limit >= 0 && n <= limit || limit < 0 && same >= 10 {
			return n
		}
		select {
		case <-deadline.C:
			return n
		case <-tick.C:
			next := runtime.NumGoroutine()
			if next == n {
				same++
			} else {
				same = 0
			}
			n = next
		}
	}
}

// runLoad runs clients goroutines that each send the queries in turn
// (starting at a different one) until the duration is over, and returns
// the number of requests, the failures (a few of them described) and
// every request's latency. during, if set, runs meanwhile until done.
func runLoad(client *http.Client, url string, queries []loadQuery, clients int, d time.Duration, during func(done <-chan struct{})) (requests int64, failures []string, failed int64, latencies []time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	var n, nFailed atomic.Int64
	for c := range clients {
		wg.Go(func() {
			var lat []time.Duration
			for i := c; ctx.Err() == nil; i++ {
				q := queries[i%len(queries)]
				t0 := time.Now()
				got, err := q.send(client, url)
				lat = append(lat, time.Since(t0))
				n.Add(1)
				if err == nil && !bytes.Equal(got, q.want) {
					err = fmt.Errorf("a response that differs from the one before the load:\n got %.400s\nwant %.400s", got, q.want)
				}
				if err != nil {
					nFailed.Add(1)
					mu.Lock()
					if len(failures) < 5 {
						failures = append(failures, q.name+": "+err.Error())
					}
					mu.Unlock()
				}
			}
			mu.Lock()
			latencies = append(latencies, lat...)
			mu.Unlock()
		})
	}
	if during != nil {
		during(ctx.Done())
	}
	wg.Wait()
	return n.Load(), failures, nFailed.Load(), latencies
}

// TestLoad: 32 clients send a mix of small queries for 10 s to the
// in-process gateway and emulator. No request fails (HTTP and GraphQL
// errors alike) and every response is the one served before the load; the
// goroutines come back to their count before the load once the idle
// connections are closed; the process's RSS stays under 300 MB during and
// after the load (1.5 GB under -race), and the live heap does not grow.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("10 s of load")
	}
	m := startGateway(t)
	queries := loadQueries(t, m)
	tr := &http.Transport{MaxIdleConns: 2 * loadClients, MaxIdleConnsPerHost: 2 * loadClients}
	client := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	url := m.URL + "/graphql"
	for i, q := range queries {
		got, err := q.send(client, url)
		if err != nil {
			t.Fatalf("%s before the load: %v", q.name, err)
		}
		queries[i].want = got
	}
	// A short burst of the same load first, so that the pools that are
	// meant to stay (the gateway's idle connections to the emulator, at
	// most -aws-concurrency per host) are in the count before the load.
	if _, failures, failed, _ := runLoad(client, url, queries, loadClients, time.Second, nil); failed > 0 {
		t.Fatalf("warm-up: %d failed requests: %s", failed, strings.Join(failures, "\n"))
	}
	tr.CloseIdleConnections()
	before := settledGoroutines(-1, 5*time.Second)
	heapBefore, rssBefore := liveHeap(), vmRSS(t)

	var peakRSS atomic.Int64
	peakGoroutines := 0
	start := time.Now()
	requests, failures, failed, lat := runLoad(client, url, queries, loadClients, loadDuration, func(done <-chan struct{}) {
		// Sample RSS and goroutines while the clients run.
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				peakRSS.Store(max(peakRSS.Load(), vmRSS(t)))
				peakGoroutines = max(peakGoroutines, runtime.NumGoroutine())
			case <-done:
				return
			}
		}
	})
	elapsed := time.Since(start)
	peakRSS.Store(max(peakRSS.Load(), vmRSS(t)))
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		return lat[min(len(lat)-1, int(p*float64(len(lat))))].Round(100 * time.Microsecond)
	}
	t.Logf("%d clients, %v: %d requests (%.0f/s), %d failed; latency p50 %v, p99 %v, max %v",
		loadClients, elapsed.Round(time.Millisecond), requests, float64(requests)/elapsed.Seconds(), failed, pct(0.5), pct(0.99), lat[len(lat)-1])
	if failed > 0 {
		t.Errorf("%d of %d requests failed; the first:\n%s", failed, requests, strings.Join(failures, "\n"))
	}
	if requests < int64(loadClients) {
		t.Errorf("only %d requests in %v", requests, loadDuration)
	}

	tr.CloseIdleConnections()
	after := settledGoroutines(before+loadGoroutineSlack, 10*time.Second)
	heapAfter, rssAfter := liveHeap(), vmRSS(t)
	debug.FreeOSMemory()
	rssFreed := vmRSS(t)
	limit := int64(loadMaxRSS)
	if raceEnabled() {
		limit = loadMaxRSSRace
	}
	t.Logf("goroutines: %d before, at most %d during (sampled), %d after (idle client connections closed)", before, peakGoroutines, after)
	t.Logf("RSS (VmRSS of the whole test process: gateway, emulator, clients; race detector %v): %s before, peak %s during, %s after (%s once freed memory is returned); bound %s",
		raceEnabled(), mb(rssBefore), mb(peakRSS.Load()), mb(rssAfter), mb(rssFreed), mb(limit))
	t.Logf("live heap: %s before, %s after", mb(heapBefore), mb(heapAfter))
	if after > before+loadGoroutineSlack {
		var dump bytes.Buffer
		_ = pprof.Lookup("goroutine").WriteTo(&dump, 1)
		t.Errorf("goroutines grew from %d to %d after the load:\n%s", before, after, dump.String())
	}
	if peak := max(peakRSS.Load(), rssAfter); peak >= limit {
		t.Errorf("RSS reached %s, over %s", mb(peak), mb(limit))
	}
	if heapAfter-heapBefore > loadMaxHeapGrowth {
		t.Errorf("the live heap grew by %s across the load, more than %s", mb(heapAfter-heapBefore), mb(loadMaxHeapGrowth))
	}
}
