package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/execgraph/execgraph/internal/awsemu"
)

// BenchmarkWalk compares a whole walk of the largest map-run listing (over
// 2,500 items) through the gateway with the same walk through the SDK
// paginator, both against the same emulator, pages of 1000. Each iteration
// does both walks back to back, so machine noise hits both alike; the
// "gateway/sdk" metric is the ratio of their total times. It runs with the
// emulator answering at once, and with 50 ms added to each ListMapRuns call,
// closer to what AWS takes for a page of 1000.
//
//	go test ./server -run '^$' -bench Walk -benchtime 20x
func BenchmarkWalk(b *testing.B) {
	m := startGateway(b)
	for _, latency := range []int{0, 50} {
		b.Run(fmt.Sprintf("latency=%dms", latency), func(b *testing.B) {
			if err := m.Emulator.SetFaults(awsemu.Faults{LatencyMs: latency, Operations: []string{"stepfunctions.ListMapRuns"}}); err != nil {
				b.Fatal(err)
			}
			benchWalk(b, m)
		})
	}
}

func benchWalk(b *testing.B, m *Main) {
	big := largest(b, m, "stepfunctions")
	client := sfn.NewFromConfig(m.AWS)
	query := `query($id: String!, $after: String) { stepFunctionsMapRuns(executionArn: $id, first: 1000, after: $after) {
		edges { cursor node { id mapRunArn executionArn stateMachineArn startDate stopDate startedAt endedAt } }
		pageInfo { hasNextPage endCursor } } }`
	var sdkTime, gwTime time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		n := 0
		p := sfn.NewListMapRunsPaginator(client, &sfn.ListMapRunsInput{ExecutionArn: &big.ID, MaxResults: 1000})
		for p.HasMorePages() {
			page, err := p.NextPage(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			n += len(page.MapRuns)
		}
		t1 := time.Now()
		var after *string
		g := 0
		for range 10 {
			var resp struct {
				Data struct {
					StepFunctionsMapRuns struct {
						Edges    []struct{ Cursor string }
						PageInfo struct {
							HasNextPage bool
							EndCursor   *string
						}
					}
				}
				Errors []gqlError
			}
			postInto(b, m, query, map[string]any{"id": big.ID, "after": after}, &resp)
			if len(resp.Errors) > 0 {
				b.Fatalf("errors %+v", resp.Errors)
			}
			data := resp.Data
			g += len(data.StepFunctionsMapRuns.Edges)
			if !data.StepFunctionsMapRuns.PageInfo.HasNextPage {
				break
			}
			after = data.StepFunctionsMapRuns.PageInfo.EndCursor
		}
		t2 := time.Now()
		if n != big.Count || g != big.Count {
			b.Fatalf("walked %d (SDK) and %d (gateway) items, want %d", n, g, big.Count)
		}
		sdkTime += t1.Sub(t0)
		gwTime += t2.Sub(t1)
	}
	b.ReportMetric(float64(sdkTime.Microseconds())/float64(b.N)/1000, "sdk-ms/walk")
	b.ReportMetric(float64(gwTime.Microseconds())/float64(b.N)/1000, "gateway-ms/walk")
	b.ReportMetric(float64(gwTime)/float64(sdkTime), "gateway/sdk")
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
			if err := m.Emulator.SetFaults(awsemu.Faults{LatencyMs: 20}); err != nil {
				b.Fatal(err)
			}
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
