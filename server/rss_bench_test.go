package main

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkLoadRSS measures the gateway's resident memory under the load
// suite's traffic (32 clients, the same query mix, 10 s), on the gateway
// process benchGateway starts, so what is measured is the gateway alone. It reports the peak and the last VmRSS,
// VmHWM, and the requests served.
//
//	go test ./server -run '^$' -bench LoadRSS -benchtime 1x
func BenchmarkLoadRSS(b *testing.B) {
	m, gw := benchGateway(b)
	queries := loadQueries(b, m)
	pid, url := gw.pid, gw.URL+"/graphql"
	for b.Loop() {
		var served, failed atomic.Int64
		var firstErr atomic.Value
		var peak atomic.Int64
		stop := make(chan struct{})
		var sampler sync.WaitGroup
		sampler.Go(func() {
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C: // not the benchmark's goroutine: no b.Fatal here
					if rss, err := readStatus(pid, "VmRSS"); err == nil && rss > peak.Load() {
						peak.Store(rss)
					}
				}
			}
		})
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadClients}}
		deadline := time.Now().Add(loadDuration)
		var clients sync.WaitGroup
		for c := range loadClients {
			clients.Go(func() {
				for i := c; time.Now().Before(deadline); i++ {
					if _, err := queries[i%len(queries)].send(client, url); err != nil {
						failed.Add(1)
						firstErr.CompareAndSwap(nil, err.Error())
						continue
					}
					served.Add(1)
				}
			})
		}
		clients.Wait()
		close(stop)
		sampler.Wait()
		if failed.Load() > 0 {
			b.Errorf("%d requests failed, the first: %v", failed.Load(), firstErr.Load())
		}
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-RSS-MB")
		b.ReportMetric(float64(procStatus(b, pid, "VmRSS"))/(1<<20), "after-RSS-MB")
		b.ReportMetric(float64(procStatus(b, pid, "VmHWM"))/(1<<20), "HWM-MB")
		b.ReportMetric(float64(served.Load())/loadDuration.Seconds(), "req/s")
	}
}
