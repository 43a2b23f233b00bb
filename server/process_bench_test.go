package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// benchCursorKey is the cursor key of a benchmark's gateways: cursors of
// the test gateway are good on the gateway process.
const benchCursorKey = "benchmark-cursor-key-0123456789abcdef"

// gatewayProcess is the gateway binary running as its own process.
type gatewayProcess struct {
	URL string // http://host:port
	pid string
}

// benchGateway starts what a benchmark measures: the emulator, in a test
// gateway whose AWS configuration the SDK side uses, and the gateway binary
// as its own process on -backend aws against that emulator, with args
// added to its flags (one attempt per AWS call, no rate limits, as the
// emulator backend has none). So the gateway's heap and garbage collector
// are its own, with the settings the binary sets, as in production; in the
// benchmark's process they would also carry the emulator's data, the SDK
// side's and the clients' garbage. The process is killed when the benchmark
// ends, and by the kernel if the test process dies first (on Linux).
func benchGateway(b *testing.B, args ...string) (*Main, *gatewayProcess) {
	b.Helper()
	m := startGateway(b, func(c *Config) { c.CursorKeys = []string{benchCursorKey} })
	addr := freeAddr(b)
	cmd := exec.Command(buildGateway(b), append([]string{"-backend", "aws", "-addr", addr, "-cursor-key", benchCursorKey,
		"-aws-max-attempts", "1", "-rate-limits", "off", "-log-level", "warn"}, args...)...) // AWS's quotas would throttle the emulator's load
	cmd.Env = append(benchEnv(os.Environ()), "AWS_ENDPOINT_URL="+m.Emulator.URL, "AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=AKIDEXECGRAPHEMU", "AWS_SECRET_ACCESS_KEY=emulator", "AWS_EC2_METADATA_DISABLED=true")
	dieWithParent(cmd)
	var logs bytes.Buffer // the gateway's log, shown if the benchmark fails
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	b.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if b.Failed() {
			b.Logf("the gateway's log:\n%.5000s", logs.String())
		}
	})
	gw := &gatewayProcess{URL: "http://" + addr, pid: strconv.Itoa(cmd.Process.Pid)}
	waitReady(b, gw.URL+"/readyz", exited)
	return m, gw
}

// benchEnv is env without what would configure the gateway process
// otherwise than its flags say: EXECGRAPH_* (the flags' defaults) and AWS_*
// (profiles, endpoints, credentials), which benchGateway sets itself.
func benchEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "EXECGRAPH_") && !strings.HasPrefix(kv, "AWS_") {
			out = append(out, kv)
		}
	}
	return out
}

// gatewayBinary is the gateway built once per test process, in a
// directory TestMain removes.
var gatewayBinary struct {
	once      sync.Once
	dir, path string
	err       error
}

// buildGateway returns the path of the gateway binary, built from this
// package on first use.
func buildGateway(b *testing.B) string {
	b.Helper()
	gatewayBinary.once.Do(func() {
		dir, err := os.MkdirTemp("", "execgraph-bench-")
		if err != nil {
			gatewayBinary.err = err
			return
		}
		gatewayBinary.dir = dir
		path := filepath.Join(dir, "execgraph")
		if out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput(); err != nil {
			gatewayBinary.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		gatewayBinary.path = path
	})
	if gatewayBinary.err != nil {
		b.Fatal(gatewayBinary.err)
	}
	return gatewayBinary.path
}

// removeGatewayBinary removes what buildGateway built, if anything.
func removeGatewayBinary() {
	if gatewayBinary.dir != "" {
		_ = os.RemoveAll(gatewayBinary.dir)
	}
}

// post posts a query to the gateway's /graphql and decodes all of its 200
// response into out; it returns the first error, so that a benchmark's
// client goroutines can report it (b.Fatal belongs to the benchmark's own
// goroutine).
func (gw *gatewayProcess) post(query string, vars map[string]any, out any) error {
	raw, err := tryPost(gw.URL, query, vars)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decode %.500s: %w", raw, err)
	}
	return nil
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

// waitReady polls url until it answers 200, for at most 30 s, and fails
// at once if the process ends (exited closes) before that.
func waitReady(b *testing.B, url string, exited <-chan struct{}) {
	b.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-exited:
			b.Fatalf("the gateway exited before %s answered 200", url)
		case <-time.After(100 * time.Millisecond):
		}
	}
	b.Fatalf("%s did not answer 200 within 30 s", url)
}
