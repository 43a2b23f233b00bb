package main

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/awsemu"
	"github.com/execgraph/execgraph/internal/obs"
)

// largest returns the service's resource with the most items in the default region.
func largest(t testing.TB, m *Main, service string) awsemu.Resource {
	t.Helper()
	var best awsemu.Resource
	for _, r := range resourcesOf(t, m, service) {
		if r.Region == awsemu.DefaultRegion && r.Count > best.Count {
			best = r
		}
	}
	return best
}

func specOf(service string) listingSpec {
	for _, s := range specs {
		if s.service == service {
			return s
		}
	}
	panic("no spec for " + service)
}

// codesOf runs a listing query and returns its error codes; the listing
// field must be null when there is an error.
func codesOf(t *testing.T, m *Main, s listingSpec, vars map[string]any) []string {
	t.Helper()
	resp := post(t, m, s.query, vars)
	if len(resp.Errors) > 0 && string(resp.Data) != `{"conn":null}` {
		t.Errorf("data with an error: %s", resp.Data)
	}
	return errorCodes(resp)
}

func TestCursorErrors(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC).Unix())
	m := startGateway(t)
	// A second gateway whose emulator clock the test moves, for expiry.
	mc := &Main{Config: m.Config, emulatorNow: func() time.Time { return time.Unix(now.Load(), 0) }}
	if err := mc.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mc.Close() })

	for i, s := range specs {
		t.Run(s.service, func(t *testing.T) {
			big := largest(t, m, s.service)
			// A cursor inside an upstream page, and one at the start of the
			// next upstream page (it carries an AWS token).
			p := s.page(t, m, big, 3, nil)
			inside, boundary := p.Edges[0].Cursor, *p.PageInfo.EndCursor
			other := specs[(i+1)%len(specs)]
			foreignService := *other.page(t, m, largest(t, m, other.service), 2, nil).PageInfo.EndCursor
			var sibling *string
			for _, r := range resourcesOf(t, m, s.service) {
				if r.ID != big.ID && r.Count >= 2 {
					sibling = s.page(t, m, r, 1, nil).PageInfo.EndCursor
					break
				}
			}
			cases := map[string]string{
				"garbage":           "definitely-not-a-cursor",
				"base64 of garbage": "eyJ2IjoxfQ",
				"truncated":         inside[:len(inside)-4],
				"another service":   foreignService,
			}
			if sibling != nil {
				cases["another resource"] = *sibling
			}
			for name, cur := range cases {
				if got := codesOf(t, m, s, s.vars(big, 5, &cur)); !slices.Equal(got, []string{"INVALID_CURSOR"}) {
					t.Errorf("%s cursor: codes %v, want [INVALID_CURSOR]", name, got)
				}
			}
			for _, c := range []string{inside, boundary} {
				if got := codesOf(t, m, s, s.vars(big, 5, &c)); len(got) != 0 {
					t.Errorf("valid cursor refused: %v", got)
				}
			}

			// Expiry: a cursor whose AWS token is older than the TTL.
			now.Store(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC).Unix())
			expiring := *s.page(t, mc, big, 3, nil).PageInfo.EndCursor
			now.Add(int64(25 * time.Hour / time.Second))
			if got := codesOf(t, mc, s, s.vars(big, 5, &expiring)); !slices.Equal(got, []string{"INVALID_CURSOR"}) {
				t.Errorf("expired token: codes %v, want [INVALID_CURSOR]", got)
			}
		})
	}
}

func TestArgumentErrors(t *testing.T) {
	m := startGateway(t)
	unknown := map[string]string{
		"lambda":        "no-such-function",
		"imagebuilder":  "arn:aws:imagebuilder:us-east-1:123456789012:image/no-such-image/1.0.0/1",
		"stepfunctions": "arn:aws:states:us-east-1:123456789012:execution:no-such-machine:no-such-execution",
		"iot":           "no-such-job",
		"transfer":      "w-00000000000000000",
	}
	for _, s := range specs {
		t.Run(s.service, func(t *testing.T) {
			r := awsemu.Resource{Service: s.service, ID: unknown[s.service], Region: awsemu.DefaultRegion}
			if got := codesOf(t, m, s, s.vars(r, 5, nil)); !slices.Equal(got, []string{"NOT_FOUND"}) {
				t.Errorf("unknown resource: codes %v, want [NOT_FOUND]", got)
			}
			big := largest(t, m, s.service)
			for _, first := range []int{-1, 1001} {
				m.Emulator.ResetStats()
				if got := codesOf(t, m, s, s.vars(big, first, nil)); !slices.Equal(got, []string{"BAD_USER_INPUT"}) {
					t.Errorf("first %d: codes %v, want [BAD_USER_INPUT]", first, got)
				}
				if n := listCalls(m, s.op); n != 0 {
					t.Errorf("first %d: %d upstream calls, want 0", first, n)
				}
			}
		})
	}
	for _, s := range specs {
		if !s.hasRegion() {
			continue
		}
		r := awsemu.Resource{Service: s.service, ID: "x", Region: "a/b"}
		if got := codesOf(t, m, s, s.vars(r, 5, nil)); !slices.Equal(got, []string{"BAD_USER_INPUT"}) {
			t.Errorf("%s malformed region: codes %v, want [BAD_USER_INPUT]", s.service, got)
		}
	}
	for service, arn := range map[string]string{"stepfunctions": "not-an-arn", "imagebuilder": "not-an-arn"} {
		s := specOf(service)
		r := awsemu.Resource{Service: service, ID: arn, Region: awsemu.DefaultRegion}
		if got := codesOf(t, m, s, s.vars(r, 5, nil)); !slices.Equal(got, []string{"BAD_USER_INPUT"}) {
			t.Errorf("%s malformed ARN: codes %v, want [BAD_USER_INPUT]", service, got)
		}
	}
}

// TestPartialResults: one failing listing nulls its own field only.
func TestPartialResults(t *testing.T) {
	m := startGateway(t)
	job := largest(t, m, "iot")
	resp := post(t, m, `query($job: String!) {
		good: iotJobExecutions(jobId: $job, first: 2) { nodes { thingArn } }
		bad: transferExecutions(workflowId: "w-00000000000000000") { nodes { executionId } }
	}`, map[string]any{"job": job.ID})
	if !slices.Equal(errorCodes(resp), []string{"NOT_FOUND"}) || len(resp.Errors[0].Path) != 1 || resp.Errors[0].Path[0] != "bad" {
		t.Fatalf("errors %+v", resp.Errors)
	}
	if resp.Errors[0].Extensions["service"] != "transfer" {
		t.Errorf("extensions %v, want service transfer", resp.Errors[0].Extensions)
	}
	var data struct {
		Good *struct{ Nodes []struct{ ThingArn string } }
		Bad  *struct{}
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil || data.Good == nil || len(data.Good.Nodes) != 2 || data.Bad != nil {
		t.Fatalf("data %s", resp.Data)
	}
}

// TestUpstreamFaults: throttling after retries is THROTTLED, a 5xx is
// UPSTREAM_ERROR, and the retryer made exactly -aws-max-attempts calls.
func TestUpstreamFaults(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.AWSMaxAttempts = 2 })
	s := specOf("stepfunctions")
	big := largest(t, m, "stepfunctions")
	for _, tc := range []struct {
		faults awsemu.Faults
		want   string
	}{
		{awsemu.Faults{ThrottleRate: 1, Operations: []string{s.op}}, "THROTTLED"},
		{awsemu.Faults{ServerErrorRate: 1, Operations: []string{s.op}}, "UPSTREAM_ERROR"},
	} {
		if err := m.Emulator.SetFaults(tc.faults); err != nil {
			t.Fatal(err)
		}
		m.Emulator.ResetStats()
		resp := post(t, m, s.query, s.vars(big, 5, nil))
		if got := errorCodes(resp); !slices.Equal(got, []string{tc.want}) {
			t.Errorf("%+v: codes %v, want [%s]", tc.faults, got, tc.want)
		}
		if n := listCalls(m, s.op); n != 2 {
			t.Errorf("%+v: %d calls, want 2 (one retry)", tc.faults, n)
		}
	}
}

// TestInternalErrorsCarryTheRequestID: a bug reaches the client as
// "internal error" coded INTERNAL with the request's id, and its cause goes
// to the log under the same id, never to the client.
func TestInternalErrorsCarryTheRequestID(t *testing.T) {
	logs := captureLogs(t)
	ctx := obs.With(context.Background(), &obs.Record{ID: "req-42"})
	for _, cause := range []error{
		errors.New("nil map in resolver"),
		&apperr.Error{Code: apperr.Internal, Message: "internal error", Err: errors.New("nil map in resolver")},
	} {
		gerr := presentError(ctx, cause)
		if gerr.Message != "internal error" || gerr.Extensions["code"] != "INTERNAL" || gerr.Extensions["requestId"] != "req-42" {
			t.Errorf("%v presented as %q %v", cause, gerr.Message, gerr.Extensions)
		}
	}
	if got := logs.String(); strings.Count(got, `"requestId":"req-42"`) != 2 || strings.Count(got, "nil map in resolver") != 2 {
		t.Errorf("log:\n%s", got)
	}
}
