package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// readyz returns /readyz's status and report.
func readyz(t *testing.T, m *Main) (int, readyReport) {
	t.Helper()
	r := request(t, m, http.MethodGet, "/readyz", nil, "")
	var rep readyReport
	if err := json.Unmarshal(r.body, &rep); err != nil {
		t.Fatalf("%s", r.body)
	}
	return r.status, rep
}

// TestReadiness: /readyz is 200 once the credentials resolve (STS
// GetCallerIdentity, which the emulator answers on STS's own protocol), on
// the emulator and on -backend aws pointed at it; 503 when they do not,
// without delaying the start.
func TestReadiness(t *testing.T) {
	for name, m := range map[string]*Main{"emulator": startGateway(t), "aws backend at the emulator": first(startAWSBackend(t))} {
		<-m.readiness.firstCheck()
		status, rep := readyz(t, m)
		if status != 200 || !rep.Ready || rep.Checks["credentials"].Detail != "AWS credentials resolve" || strings.Contains(fmt.Sprint(rep), "arn:") {
			t.Errorf("%s: %d %+v", name, status, rep)
		}
	}
	// Credentials that an endpoint refuses: started at once, not ready.
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "us-east-1")
	c, err := ParseFlags([]string{"-backend", "aws", "-addr", "127.0.0.1:0", "-aws-max-attempts", "1"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	m := &Main{Config: c}
	if err := m.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("start took %s", d)
	}
	if status, rep := readyz(t, m); status != 503 || rep.Ready {
		t.Errorf("before the first check: %d %+v", status, rep)
	}
	<-m.readiness.firstCheck()
	if status, rep := readyz(t, m); status != 503 || rep.Ready || rep.Checks["credentials"].CheckedAt == nil {
		t.Errorf("unreachable STS: %d %+v", status, rep)
	}
	if r := request(t, m, http.MethodGet, "/healthz", nil, ""); r.status != 200 {
		t.Errorf("healthz %d", r.status)
	}
}

func first[A, B any](a A, _ B) A { return a }
