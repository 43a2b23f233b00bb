package main

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkLoadRSS measures the gateway's resident memory under the load
// suite's traffic (32 clients, the same query mix, 10 s): the gateway runs
// as its own process (the binary, built here, with its garbage collector
// settings), on -backend aws against the test's emulator, so what is
// measured is the gateway alone. It reports the peak and the last VmRSS,
// VmHWM, and the requests served.
//
//	go test ./server -run '^$' -bench LoadRSS -benchtime 1x
func BenchmarkLoadRSS(b *testing.B) {
	const key = "benchmark-cursor-key-0123456789abcdef"
	m := startGateway(b, func(c *Config) { c.CursorKeys = []string{key} })
	queries := loadQueries(b, m)
	bin := filepath.Join(b.TempDir(), "execgraph")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	addr := freeAddr(b)
	cmd := exec.Command(bin, "-backend", "aws", "-addr", addr, "-cursor-key", key, "-aws-max-attempts", "1", "-log-level", "warn",
		"-rate-limits", "off") // AWS's quotas would throttle the emulator's load
	cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+m.Emulator.URL, "AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=AKIDEXECGRAPHEMU", "AWS_SECRET_ACCESS_KEY=emulator", "AWS_EC2_METADATA_DISABLED=true")
	var logs bytes.Buffer // the gateway's log, shown if the benchmark fails
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if b.Failed() {
			b.Logf("the gateway's log:\n%.5000s", logs.String())
		}
	})
	pid := strconv.Itoa(cmd.Process.Pid)
	url := "http://" + addr + "/graphql"
	waitReady(b, "http://"+addr+"/readyz")

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

// freeAddr returns a loopback address with a port free right now.
func freeAddr(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitReady polls url until it answers 200, for at most 30 s.
func waitReady(b *testing.B, url string) {
	client := &http.Client{Timeout: 2 * time.Second}
	for range 300 {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.Fatalf("%s never answered 200", url)
}
