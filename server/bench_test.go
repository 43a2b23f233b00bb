package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/execgraph/execgraph/internal/awsemu"
)

// The benchmarks compare the gateway with aws-sdk-go-v2 doing the same work
// against the same emulator, in the same run: each iteration does the SDK's
// part and the gateway's part back to back, so machine noise hits both
// alike, and each reports the ratio of their times. BENCHMARKS.md has the
// commands and the figures.

// walkQuery is a page of map runs with the fields ListMapRuns returns.
const walkQuery = `query($id: String!, $first: Int!, $after: String) { stepFunctionsMapRuns(executionArn: $id, first: $first, after: $after) {
	edges { cursor node { id mapRunArn executionArn stateMachineArn startDate stopDate startedAt endedAt } }
	pageInfo { hasNextPage endCursor } } }`

// walkPage is what a client decodes from a page of walkQuery: all of it,
// as the SDK decodes all of a ListMapRuns page.
type walkPage struct {
	Data struct {
		StepFunctionsMapRuns struct {
			Edges []struct {
				Cursor string
				Node   struct {
					ID, MapRunArn, ExecutionArn, StateMachineArn string
					StartDate, StopDate, StartedAt, EndedAt      *time.Time
				}
			}
			PageInfo struct {
				HasNextPage bool
				EndCursor   *string
			}
		}
	}
	Errors []gqlError
}

// gatewayPage asks the gateway for one page of walkQuery.
func gatewayPage(gw *gatewayProcess, id string, first int, after *string) (walkPage, error) {
	var page walkPage
	if err := gw.post(walkQuery, map[string]any{"id": id, "first": first, "after": after}, &page); err != nil {
		return page, err
	}
	if len(page.Errors) > 0 {
		return page, fmt.Errorf("errors %+v", page.Errors)
	}
	return page, nil
}

// walkSDK walks ListMapRuns with the SDK's paginator, at most maxPages
// pages of size items (0: all), calling work after each page; it returns
// the items seen.
func walkSDK(b *testing.B, client *sfn.Client, id string, size, maxPages int, work func()) int {
	n := 0
	p := sfn.NewListMapRunsPaginator(client, &sfn.ListMapRunsInput{ExecutionArn: &id, MaxResults: int32(size)})
	for pages := 0; p.HasMorePages() && (maxPages == 0 || pages < maxPages); pages++ {
		page, err := p.NextPage(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		n += len(page.MapRuns)
		work()
	}
	return n
}

// walkGateway is walkSDK through the gateway.
func walkGateway(b *testing.B, gw *gatewayProcess, id string, size, maxPages int, work func()) int {
	n := 0
	var after *string
	for pages := 0; maxPages == 0 || pages < maxPages; pages++ {
		resp, err := gatewayPage(gw, id, size, after)
		if err != nil {
			b.Fatal(err)
		}
		page := resp.Data.StepFunctionsMapRuns
		n += len(page.Edges)
		work()
		if !page.PageInfo.HasNextPage {
			break
		}
		after = page.PageInfo.EndCursor
	}
	return n
}

// sideBySide runs sdk then gateway once per iteration and reports the
// milliseconds of each and their ratio.
func sideBySide(b *testing.B, sdk, gateway func()) {
	b.Helper()
	var sdkTime, gwTime time.Duration
	for b.Loop() {
		t0 := time.Now()
		sdk()
		t1 := time.Now()
		gateway()
		sdkTime += t1.Sub(t0)
		gwTime += time.Since(t1)
	}
	b.ReportMetric(float64(sdkTime.Microseconds())/float64(b.N)/1000, "sdk-ms/op")
	b.ReportMetric(float64(gwTime.Microseconds())/float64(b.N)/1000, "gateway-ms/op")
	b.ReportMetric(float64(gwTime)/float64(sdkTime), "gateway/sdk")
}

// setLatency adds ms to every emulated call of the operations (all: none
// named).
func setLatency(b *testing.B, m *Main, ms int, ops ...string) {
	b.Helper()
	if err := m.Emulator.SetFaults(awsemu.Faults{LatencyMs: ms, Operations: ops}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = m.Emulator.SetFaults(awsemu.Faults{}) })
}

// BenchmarkWalk: a whole walk of the largest map-run listing (2,734 items)
// at first: 1000, through the gateway and through the SDK paginator, with
// the emulator answering at once and with 50 ms added to each ListMapRuns
// call (closer to what AWS takes for a page of 1000); with and without
// prefetching.
//
//	go test ./server -run '^$' -bench '^BenchmarkWalk$' -benchtime 20x
func BenchmarkWalk(b *testing.B) {
	for _, prefetch := range []bool{false, true} {
		b.Run(fmt.Sprintf("prefetch=%t", prefetch), func(b *testing.B) { // one gateway process at a time
			m, gw := benchGateway(b, fmt.Sprintf("-prefetch=%t", prefetch))
			big := largest(b, m, "stepfunctions")
			client := sfn.NewFromConfig(m.AWS)
			for _, latency := range []int{0, 50} {
				b.Run(fmt.Sprintf("latency=%dms", latency), func(b *testing.B) {
					setLatency(b, m, latency, "stepfunctions.ListMapRuns")
					none := func() {}
					sideBySide(b,
						func() {
							if n := walkSDK(b, client, big.ID, 1000, 0, none); n != big.Count {
								b.Fatalf("SDK walked %d items, want %d", n, big.Count)
							}
						},
						func() {
							if n := walkGateway(b, gw, big.ID, 1000, 0, none); n != big.Count {
								b.Fatalf("gateway walked %d items, want %d", n, big.Count)
							}
						})
				})
			}
		})
	}
}

// BenchmarkWalkFloor: the part of BenchmarkWalk at 0 ms that no gateway
// can save: its client decoding the three responses of the walk (the
// fields and a cursor per edge, as the walk asks), measured against the
// SDK's whole walk in the same run. The gateway's own ListMapRuns calls
// cost about what the SDK's walk costs, so a walk through any gateway
// takes at least 1 + decode/sdk times the SDK's.
//
//	go test ./server -run '^$' -bench WalkFloor -benchtime 20x
func BenchmarkWalkFloor(b *testing.B) {
	m, gw := benchGateway(b, "-prefetch=false")
	big := largest(b, m, "stepfunctions")
	client := sfn.NewFromConfig(m.AWS)
	var bodies [][]byte
	var after *string
	for len(bodies) < 10 {
		raw, err := tryPost(gw.URL, walkQuery, map[string]any{"id": big.ID, "first": 1000, "after": after})
		if err != nil {
			b.Fatal(err)
		}
		bodies = append(bodies, raw)
		var page walkPage
		if err := json.Unmarshal(raw, &page); err != nil || len(page.Errors) > 0 {
			b.Fatalf("%v %+v", err, page.Errors)
		}
		if !page.Data.StepFunctionsMapRuns.PageInfo.HasNextPage {
			break
		}
		after = page.Data.StepFunctionsMapRuns.PageInfo.EndCursor
	}
	var sdkTime, decodeTime time.Duration
	for b.Loop() {
		t0 := time.Now()
		if n := walkSDK(b, client, big.ID, 1000, 0, func() {}); n != big.Count {
			b.Fatalf("SDK walked %d items, want %d", n, big.Count)
		}
		t1 := time.Now()
		n := 0
		for _, raw := range bodies {
			var page walkPage
			if err := json.Unmarshal(raw, &page); err != nil {
				b.Fatal(err)
			}
			n += len(page.Data.StepFunctionsMapRuns.Edges)
		}
		if n != big.Count {
			b.Fatalf("decoded %d items, want %d", n, big.Count)
		}
		sdkTime += t1.Sub(t0)
		decodeTime += time.Since(t1)
	}
	b.ReportMetric(float64(sdkTime.Microseconds())/float64(b.N)/1000, "sdk-ms/op")
	b.ReportMetric(float64(decodeTime.Microseconds())/float64(b.N)/1000, "client-decode-ms/op")
	b.ReportMetric(float64(decodeTime)/float64(sdkTime), "decode/sdk")
}

// BenchmarkPrefetchWalk: a client that works 50 ms on each page (a UI
// rendering it) walks ten pages of 100 map runs, with 50 ms added to each
// ListMapRuns call, through the SDK paginator (which fetches a page only
// when asked) and through the gateway, with and without prefetching.
//
//	go test ./server -run '^$' -bench PrefetchWalk -benchtime 5x
func BenchmarkPrefetchWalk(b *testing.B) {
	const pages, size, work = 10, 100, 50 * time.Millisecond
	for _, prefetch := range []bool{false, true} {
		b.Run(fmt.Sprintf("prefetch=%t", prefetch), func(b *testing.B) {
			m, gw := benchGateway(b, fmt.Sprintf("-prefetch=%t", prefetch))
			big := largest(b, m, "stepfunctions")
			client := sfn.NewFromConfig(m.AWS)
			setLatency(b, m, 50, "stepfunctions.ListMapRuns")
			busy := func() { time.Sleep(work) }
			sideBySide(b,
				func() {
					if n := walkSDK(b, client, big.ID, size, pages, busy); n != pages*size {
						b.Fatalf("SDK walked %d items", n)
					}
				},
				func() {
					if n := walkGateway(b, gw, big.ID, size, pages, busy); n != pages*size {
						b.Fatalf("gateway walked %d items", n)
					}
				})
			b.ReportMetric(scrape(b, gw.URL+"/metrics", nil)["execgraph_prefetch_total{result=hit}"]/float64(b.N), "prefetch-hits/op")
		})
	}
}

// BenchmarkSmallQueries: 16 clients each ask for the first 20 map runs of
// an execution, 25 times, through the SDK (ListMapRuns) and through the
// gateway; it reports the requests per second of both and the gateway's
// rate as a fraction of the SDK's. The gateway's query asks for all that
// ListMapRuns returns, with a cursor per edge ("page"), or for the row a
// portal shows ("row": id, times and the page's end).
//
//	go test ./server -run '^$' -bench SmallQueries -benchtime 20x
func BenchmarkSmallQueries(b *testing.B) {
	const clients, each = 16, 25
	m, gw := benchGateway(b)
	big := largest(b, m, "stepfunctions")
	client := sfn.NewFromConfig(m.AWS)
	concurrently := func(f func()) {
		var wg sync.WaitGroup
		for range clients {
			wg.Go(func() {
				for range each {
					f()
				}
			})
		}
		wg.Wait()
	}
	row := `query($id: String!) { stepFunctionsMapRuns(executionArn: $id, first: 20) {
		nodes { id startedAt endedAt } pageInfo { hasNextPage endCursor } } }`
	for _, tc := range []struct {
		name    string
		gateway func() (int, error) // the items of one request
	}{
		{"page", func() (int, error) {
			page, err := gatewayPage(gw, big.ID, 20, nil)
			return len(page.Data.StepFunctionsMapRuns.Edges), err
		}},
		{"row", func() (int, error) {
			var resp struct {
				Data struct {
					StepFunctionsMapRuns struct {
						Nodes []struct {
							ID                 string
							StartedAt, EndedAt *time.Time
						}
					}
				}
				Errors []gqlError
			}
			if err := gw.post(row, map[string]any{"id": big.ID}, &resp); err != nil {
				return 0, err
			}
			if len(resp.Errors) > 0 {
				return 0, fmt.Errorf("errors %+v", resp.Errors)
			}
			return len(resp.Data.StepFunctionsMapRuns.Nodes), nil
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var sdkTime, gwTime time.Duration
			for b.Loop() {
				t0 := time.Now()
				concurrently(func() {
					out, err := client.ListMapRuns(context.Background(), &sfn.ListMapRunsInput{ExecutionArn: &big.ID, MaxResults: 20})
					if err != nil || len(out.MapRuns) != 20 {
						b.Errorf("SDK: %v", err) // not Fatal: a client's goroutine
					}
				})
				t1 := time.Now()
				concurrently(func() {
					if n, err := tc.gateway(); err != nil || n != 20 {
						b.Errorf("gateway: %d items, %v", n, err) // not Fatal: a client's goroutine
					}
				})
				sdkTime += t1.Sub(t0)
				gwTime += time.Since(t1)
			}
			requests := float64(b.N * clients * each)
			b.ReportMetric(requests/sdkTime.Seconds(), "sdk-req/s")
			b.ReportMetric(requests/gwTime.Seconds(), "gateway-req/s")
			b.ReportMetric(float64(sdkTime)/float64(gwTime), "gateway/sdk-rate")
		})
	}
}

// BenchmarkDescribeFanOut: the first 100 map runs with status and
// maxConcurrency, which ListMapRuns does not return (a DescribeMapRun per
// map run), with 20 ms added to every call and no cache across requests:
// the gateway against the SDK doing the same list and describes with as
// many calls in flight as the gateway allows (-aws-concurrency).
//
//	go test ./server -run '^$' -bench DescribeFanOut -benchtime 10x
func BenchmarkDescribeFanOut(b *testing.B) {
	m, gw := benchGateway(b, "-detail-cache-size", "0")
	big := largest(b, m, "stepfunctions")
	client := sfn.NewFromConfig(m.AWS)
	setLatency(b, m, 20)
	query := `query($id: String!) { stepFunctionsMapRuns(executionArn: $id, first: 100) { nodes { mapRunArn status maxConcurrency } } }`
	m.Emulator.ResetStats()
	sideBySide(b,
		func() {
			out, err := client.ListMapRuns(context.Background(), &sfn.ListMapRunsInput{ExecutionArn: &big.ID, MaxResults: 100})
			if err != nil {
				b.Fatal(err)
			}
			slots := make(chan struct{}, m.Config.Concurrency)
			var wg sync.WaitGroup
			for _, r := range out.MapRuns {
				slots <- struct{}{}
				wg.Go(func() {
					defer func() { <-slots }()
					if _, err := client.DescribeMapRun(context.Background(), &sfn.DescribeMapRunInput{MapRunArn: aws.String(*r.MapRunArn)}); err != nil {
						b.Error(err)
					}
				})
			}
			wg.Wait()
		},
		func() {
			var resp struct {
				Data struct {
					StepFunctionsMapRuns struct {
						Nodes []struct {
							MapRunArn, Status string
							MaxConcurrency    int
						}
					}
				}
				Errors []gqlError
			}
			if err := gw.post(query, map[string]any{"id": big.ID}, &resp); err != nil {
				b.Fatal(err)
			}
			if len(resp.Errors) > 0 || len(resp.Data.StepFunctionsMapRuns.Nodes) != 100 {
				b.Fatalf("errors %+v", resp.Errors)
			}
		})
	stats := m.Emulator.Stats() // the process's readiness checks call STS
	calls := stats["stepfunctions.ListMapRuns"] + stats["stepfunctions.DescribeMapRun"]
	b.ReportMetric(float64(calls)/float64(2*b.N), "calls/side/op")
}

// BenchmarkLoaders runs the query of 100 map runs with status, state machine
// and execution, with 20 ms added to every emulated call: without loaders
// (every field of every item calls AWS itself), with loaders but no cache
// across requests, and with both. It reports upstream calls and time per
// query.
//
//	go test ./server -run '^$' -bench Loaders -benchtime 10x
func BenchmarkLoaders(b *testing.B) {
	for _, tc := range []struct {
		name      string
		unshared  bool
		cacheSize int
	}{
		{"without-loaders", true, 0},
		{"loaders", false, 0},
		{"loaders+cache", false, 10000},
	} {
		b.Run(tc.name, func(b *testing.B) {
			m := startGatewayWith(b, func(m *Main) { m.unshared = tc.unshared }, func(c *Config) { c.DetailCacheSize = tc.cacheSize })
			big := largest(b, m, "stepfunctions")
			setLatency(b, m, 20)
			m.Emulator.ResetStats()
			for b.Loop() {
				data, errs := queryMapRuns(b, m, big.ID, 100)
				if len(errs) > 0 || len(data.StepFunctionsMapRuns.Nodes) != 100 {
					b.Fatalf("errors %+v", errs)
				}
			}
			total := int64(0)
			for op, n := range m.Emulator.Stats() {
				total += n
				b.ReportMetric(float64(n)/float64(b.N), shortOp(op)+"/query")
			}
			b.ReportMetric(float64(total)/float64(b.N), "calls/query")
		})
	}
}

func shortOp(op string) string {
	_, name, _ := strings.Cut(op, ".")
	return name
}
