package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/execgraph/execgraph/internal/awsemu"
)

// faultPhases are the faults a walk must get through, one after the other:
// the emulator throttles 30% of all calls, then fails 15% with a 5xx. code
// is the only error a page may then carry (both are transient: the client
// asks for the same page again).
var faultPhases = []struct {
	name   string
	faults awsemu.Faults
	code   string
}{
	{"throttle-30%", awsemu.Faults{ThrottleRate: 0.3}, "THROTTLED"},
	{"5xx-15%", awsemu.Faults{ServerErrorRate: 0.15}, "UPSTREAM_ERROR"},
}

// faultVariant is a retry configuration of the gateway and the page sizes
// it is walked at.
type faultVariant struct {
	name       string
	attempts   int   // -aws-max-attempts
	sizes      []int // page sizes of the single listings, with each API's largest page
	mergeSizes []int // page sizes of the executions merge
	// maxRetries bounds the failed tries of one page in a row. With one
	// attempt per AWS call a page of four upstream calls (Image Builder's
	// 90 executions at first 1000) succeeds with probability 0.7^4 = 0.24:
	// 100 failures in a row happen with probability 0.76^100, about 1e-12.
	maxRetries int
}

// faultPage is one page of a walk under faults, single listing or merge.
type faultPage struct {
	null     bool // the connection is null
	keys     []string
	first    string // the first and last edges' cursors
	last     string
	start    *string // pageInfo.startCursor (single listings only)
	end      *string
	hasNext  bool
	hasPrev  bool
	errs     []gqlError
	hasStart bool // the page has a startCursor to compare
}

// walkStats counts a walk's requests and the pages that came back with an
// error.
type walkStats struct{ requests, errorPages int }

// walkRetrying walks a listing at page size first, asking again for a page
// that came back with an error, with the same cursor. A page without an
// error must be full unless it is the last (hasNextPage false); an error
// must be code. Failed tries of one page in a row are bounded by
// maxRetries, and pages by the count of a walk without faults, so that a
// bug fails the test instead of hanging it.
func walkRetrying(t *testing.T, want, first, maxRetries int, code string, check func(faultPage) error, page func(after *string) faultPage) ([]string, walkStats) {
	t.Helper()
	var st walkStats
	var keys []string
	var after *string
	maxPages := want/first + 1 // the last page may be empty
	for pages := 1; pages <= maxPages; pages++ {
		var p faultPage
		for try := 0; ; try++ {
			if try > maxRetries {
				t.Fatalf("page %d (first %d, %d items in) failed %d times in a row: %+v", pages, first, len(keys), try, p.errs)
			}
			p = page(after)
			st.requests++
			if len(p.errs) == 0 {
				break
			}
			st.errorPages++
			for _, e := range p.errs {
				if e.code() != code {
					t.Fatalf("page %d (first %d, %d items in): error %+v, want only %s", pages, first, len(keys), e, code)
				}
			}
			if err := check(p); err != nil {
				t.Fatalf("page %d (first %d) with errors %+v: %v", pages, first, p.errs, err)
			}
		}
		if p.null {
			t.Fatalf("page %d (first %d): null connection without an error", pages, first)
		}
		if p.hasPrev {
			t.Fatalf("page %d: hasPreviousPage is true", pages)
		}
		if n := len(p.keys); n > 0 && (p.end == nil || *p.end != p.last || (p.hasStart && (p.start == nil || *p.start != p.first))) {
			t.Fatalf("page %d: startCursor/endCursor are not the first/last edge's cursors", pages)
		}
		keys = append(keys, p.keys...)
		if !p.hasNext {
			return keys, st
		}
		if len(p.keys) < first {
			t.Fatalf("page %d: short page (%d of %d, %d items in) without an error, and hasNextPage", pages, len(p.keys), first, len(keys)-len(p.keys))
		}
		if p.end == nil {
			t.Fatalf("page %d: hasNextPage without an endCursor", pages)
		}
		after = p.end
	}
	t.Fatalf("first %d: the walk did not end after %d pages (%d items, %d expected)", first, maxPages, len(keys), want)
	return nil, st
}

// listingPage asks for one page of a single listing, errors included.
func (s listingSpec) faultPage(t *testing.T, m *Main, r awsemu.Resource, first int, after *string) faultPage {
	t.Helper()
	resp := post(t, m, s.query, s.vars(r, first, after))
	var data struct{ Conn *connPage }
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		t.Fatalf("decode %s: %v", resp.Data, err)
	}
	p := faultPage{errs: resp.Errors, null: data.Conn == nil, hasStart: true}
	if c := data.Conn; c != nil {
		for _, e := range c.Edges {
			p.keys = append(p.keys, e.Node.Key)
		}
		if n := len(c.Edges); n > 0 {
			p.first, p.last = c.Edges[0].Cursor, c.Edges[n-1].Cursor
		}
		p.start, p.end = c.PageInfo.StartCursor, c.PageInfo.EndCursor
		p.hasNext, p.hasPrev = c.PageInfo.HasNextPage, c.PageInfo.HasPreviousPage
	}
	return p
}

// mergePage asks for one page of executions, errors included.
func mergePage(t *testing.T, m *Main, sources []map[string]any, first int, after *string) faultPage {
	t.Helper()
	var resp struct {
		Data   struct{ Executions *execPage }
		Errors []gqlError
	}
	postInto(t, m, executionsQuery, map[string]any{"s": sources, "first": first, "after": after}, &resp)
	p := faultPage{errs: resp.Errors, null: resp.Data.Executions == nil}
	if c := resp.Data.Executions; c != nil {
		for _, e := range c.Edges {
			p.keys = append(p.keys, e.Node.K)
		}
		if n := len(c.Edges); n > 0 {
			p.first, p.last = c.Edges[0].Cursor, c.Edges[n-1].Cursor
		}
		p.end = c.PageInfo.EndCursor
		p.hasNext, p.hasPrev = c.PageInfo.HasNextPage, c.PageInfo.HasPreviousPage
	}
	return p
}

// faultTarget is a listing to walk and what the SDK lists of it.
type faultTarget struct {
	spec listingSpec
	res  awsemu.Resource
	want []string
}

// faultOracle is what the walks must yield: the SDK's listings of every
// spec's largest resource and the merge of one resource of each service.
type faultOracle struct {
	targets   []faultTarget
	sources   []map[string]any
	mergeWant []string
}

// TestWalksUnderFaults walks the largest resource of every listing, and an
// executions merge of one resource of each service, at several page sizes
// while the emulator throttles 30% of the calls, then while it fails 15%
// with a 5xx. The client asks again for a page that came back with an
// error, with the same cursor; then every walk equals the SDK's own
// listing (made without faults), and no page is short without an error.
// It runs with one attempt per AWS call (the client does all the retrying)
// and with the default -aws-max-attempts (the SDK's retryer hides most
// faults, and its back-off of up to 2 s, then 4 s, per retry sets the page
// sizes: few upstream calls per walk). The walks of a phase run at once,
// on one gateway for the single listings and one for the merge, so that
// each gateway's emulator counts the calls of its walks.
func TestWalksUnderFaults(t *testing.T) {
	start := time.Now()
	def, err := ParseFlags(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	variants := []faultVariant{
		{name: "attempts=1", attempts: 1, sizes: []int{37, 1000}, mergeSizes: []int{25, 1000}, maxRetries: 100},
		{name: fmt.Sprintf("attempts=%d(default)", def.AWSMaxAttempts), attempts: def.AWSMaxAttempts, sizes: []int{500, 1000}, mergeSizes: []int{100, 1000}, maxRetries: 20},
	}
	// Two gateways per variant: the single listings', the merge's.
	gateways := make([][2]*Main, len(variants))
	for i, v := range variants {
		attempts := func(c *Config) { c.AWSMaxAttempts = v.attempts }
		gateways[i] = [2]*Main{startGateway(t, attempts), startGateway(t, attempts)}
	}
	// The SDK's listings, without faults, on one emulator: every emulator
	// has the same seed, hence the same data (the manifests say so).
	ref := gateways[0][0]
	for _, g := range gateways {
		for _, m := range g {
			if got, want := m.Emulator.Manifest(), ref.Emulator.Manifest(); !slices.Equal(got.Resources, want.Resources) {
				t.Fatalf("the emulators hold different data")
			}
		}
	}
	var oracle faultOracle
	for _, s := range specs {
		r := largest(t, ref, s.service)
		if r.Count <= s.maxPage {
			t.Fatalf("%s: the largest resource has %d items, not more than a page of %d", s.service, r.Count, s.maxPage)
		}
		oracle.targets = append(oracle.targets, faultTarget{s, r, sdkKeysOf(t, ref, s, r)})
	}
	rs, sources := fedSources(t, ref)
	oracle.sources = sources
	for _, it := range sdkItems(t, ref, rs) {
		oracle.mergeWant = append(oracle.mergeWant, it.key)
	}
	ref.Emulator.ResetStats()

	var wg sync.WaitGroup
	for i, v := range variants {
		// Not t.Parallel: -parallel (GOMAXPROCS) would run two at a time,
		// and these walks mostly wait on the retryer's back-off.
		wg.Go(func() {
			t.Run(v.name, func(t *testing.T) { faultVariantRun(t, v, gateways[i][0], gateways[i][1], oracle) })
		})
	}
	wg.Wait()
	t.Logf("all walks under faults, set-up included: %v", time.Since(start).Round(time.Millisecond))
}

// faultVariantRun runs the phases one after the other on the variant's
// gateways: lists serves the single listings, merge the executions merge.
func faultVariantRun(t *testing.T, v faultVariant, lists, merge *Main, oracle faultOracle) {
	targets, sources, mergeWant := oracle.targets, oracle.sources, oracle.mergeWant
	for _, phase := range faultPhases {
		for _, m := range []*Main{lists, merge} {
			if err := m.Emulator.SetFaults(phase.faults); err != nil {
				t.Fatal(err)
			}
			m.Emulator.ResetStats()
		}
		var mu sync.Mutex
		var total walkStats
		minimal := map[string]int64{} // list calls of the same walks without faults, by operation
		add := func(st walkStats) {
			mu.Lock()
			total.requests += st.requests
			total.errorPages += st.errorPages
			mu.Unlock()
		}
		start := time.Now()
		var wg sync.WaitGroup
		for _, tg := range targets {
			sizes := v.sizes
			if !slices.Contains(sizes, tg.spec.maxPage) {
				sizes = append([]int{tg.spec.maxPage}, sizes...)
			}
			for _, first := range sizes {
				minimal[tg.spec.op] += int64(minimalCalls(len(tg.want), first, tg.spec.maxPage))
				name := fmt.Sprintf("%s/%s/first=%d", phase.name, tg.spec.service, first)
				wg.Go(func() {
					t.Run(name, func(t *testing.T) {
						check := func(p faultPage) error {
							if !p.null {
								return fmt.Errorf("the connection is not null")
							}
							if e := p.errs[0]; e.Extensions["service"] != tg.spec.service {
								return fmt.Errorf("extensions.service %v, want %s", e.Extensions["service"], tg.spec.service)
							}
							return nil
						}
						got, st := walkRetrying(t, len(tg.want), first, v.maxRetries, phase.code, check, func(after *string) faultPage {
							return tg.spec.faultPage(t, lists, tg.res, first, after)
						})
						add(st)
						if !slices.Equal(got, tg.want) {
							t.Fatalf("walk yields %d items, the SDK %d (first difference at %d)", len(got), len(tg.want), firstDiff(got, tg.want))
						}
					})
				})
			}
		}
		for _, first := range v.mergeSizes {
			name := fmt.Sprintf("%s/executions/first=%d", phase.name, first)
			wg.Go(func() {
				t.Run(name, func(t *testing.T) {
					check := func(p faultPage) error {
						// A failing source is named; the others are served.
						for _, e := range p.errs {
							if _, ok := e.Extensions["source"].(float64); !ok {
								return fmt.Errorf("an error without extensions.source: %+v", e)
							}
						}
						return nil
					}
					got, st := walkRetrying(t, len(mergeWant), first, v.maxRetries, phase.code, check, func(after *string) faultPage {
						return mergePage(t, merge, sources, first, after)
					})
					add(st)
					if !slices.Equal(got, mergeWant) {
						t.Fatalf("walk yields %d items, the SDK %d (first difference at %d)", len(got), len(mergeWant), firstDiff(got, mergeWant))
					}
				})
			})
		}
		wg.Wait()
		for _, m := range []*Main{lists, merge} {
			if err := m.Emulator.SetFaults(awsemu.Faults{}); err != nil {
				t.Fatal(err)
			}
		}
		if t.Failed() {
			return
		}
		// The faults were there: the single listings cost more list calls
		// than the same walks without faults (checked when no fault at all
		// would happen with probability under 1e-6), and with one attempt
		// per call some pages had an error.
		var calls, least int64
		for op, n := range minimal {
			calls += listCalls(lists, op)
			least += n
		}
		t.Logf("%s: %d page requests, %d with an error; single listings: %d list calls for %d without faults; merge: %d calls; %v",
			phase.name, total.requests, total.errorPages, calls, least, sumCalls(merge), time.Since(start).Round(time.Millisecond))
		rate := phase.faults.ThrottleRate + phase.faults.ServerErrorRate
		if calls <= least && math.Pow(1-rate, float64(least)) < 1e-6 {
			t.Errorf("%s: %d list calls, no more than the %d of the same walks without faults: were there faults?", phase.name, calls, least)
		}
		if v.attempts == 1 && total.errorPages == 0 {
			t.Errorf("%s: one attempt per call, and no page had an error: were there faults?", phase.name)
		}
	}
}

// sumCalls is every call the emulator counted.
func sumCalls(m *Main) int64 {
	var n int64
	for _, c := range m.Emulator.Stats() {
		n += c
	}
	return n
}
