package awsemu_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/execgraph/execgraph/internal/awsemu"
	"github.com/execgraph/execgraph/internal/source"
)

// testSeed is the seed of every test emulator.
const testSeed = 42

// startEmulator starts an emulator on a loopback port for the test and
// returns it with an SDK configuration that points at it over real HTTP.
func startEmulator(t testing.TB, opts awsemu.Options) (*awsemu.Server, aws.Config) {
	t.Helper()
	if opts.Seed == 0 {
		opts.Seed = testSeed
	}
	srv, err := awsemu.Start("127.0.0.1:0", awsemu.New(opts))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv, sdkConfig(srv.URL, awsemu.DefaultRegion)
}

// sdkConfig is the configuration of real SDK clients against the emulator.
// The retryer makes one attempt, so that injected faults reach the test;
// the HTTP client is the gateway's (see source.NewHTTPClient).
func sdkConfig(url, region string) aws.Config {
	return aws.Config{
		Region:       region,
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEMULATOR", "secret", ""),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
		HTTPClient:   source.NewHTTPClient(),
	}
}

// manifest fetches the admin manifest over HTTP.
func manifest(t testing.TB, url string) awsemu.Manifest {
	t.Helper()
	var m awsemu.Manifest
	getJSON(t, url+"/_emulator/manifest", &m)
	return m
}

// resources returns the manifest's resources of one service.
func resources(t testing.TB, srv *awsemu.Server, service string) []awsemu.Resource {
	t.Helper()
	var out []awsemu.Resource
	for _, r := range manifest(t, srv.URL).Resources {
		if r.Service == service {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		t.Fatalf("manifest has no %s resources", service)
	}
	return out
}

// send sends a request to the emulator with the headers (name, value, ...;
// an empty value sets none) and returns the response and its body.
func send(t testing.TB, srv *awsemu.Server, method, path, body string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] != "" {
			req.Header.Set(header[i], header[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, raw
}

func getJSON(t testing.TB, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// ctx returns a context bounded in time for one test.
func ctx(t testing.TB) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

// clock is a settable clock for token-expiry tests.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// wantAPIError fails the test unless err holds the SDK's typed error T with
// the wire code and the HTTP status, and returns the typed error. With T
// smithy.APIError (wantCode), an error of any type passes.
func wantAPIError[T error](t testing.TB, err error, code string, status int) T {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", code)
	}
	var typed T
	if !errors.As(err, &typed) {
		t.Fatalf("error %v (%T) is not a %T", err, err, typed)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("error %v: code is not %s", err, code)
	}
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != status {
		t.Fatalf("error %v: HTTP status is not %d", err, status)
	}
	return typed
}

// wantCode fails the test unless err is an API error with the wire code and
// the HTTP status, whatever its type (the SDK reports the codes that an
// operation does not model as generic API errors).
func wantCode(t testing.TB, err error, code string, status int) {
	t.Helper()
	wantAPIError[smithy.APIError](t, err, code, status)
}

// errOf returns the error of an SDK call, for a test that needs only it.
func errOf[T any](_ T, err error) error { return err }

// faultOp is an operation that a fault test calls: its stats key
// ("<service>.<Operation>") and a call of it through the SDK.
type faultOp struct {
	key  string
	call func() error
}

// faultTest is the fault-injection test of one service: throttled is
// throttled (three calls, each error checked by throttleErr) while spared
// still answers; then failing fails with server errors (two calls, checked
// by serverErr) and throttled answers again. spared and failing may be the
// same operation.
type faultTest struct {
	throttled, spared, failing faultOp
	throttleErr, serverErr     func(t *testing.T, err error)
}

// run runs the fault test on srv, and checks that the stats count every
// call, faulted or not.
func (f faultTest) run(t *testing.T, srv *awsemu.Server) {
	t.Helper()
	phases := []struct {
		faults  awsemu.Faults
		faulted faultOp
		calls   int
		check   func(t *testing.T, err error)
		answers faultOp // while faulted is faulted
	}{
		{awsemu.Faults{ThrottleRate: 1, Operations: []string{f.throttled.key}}, f.throttled, 3, f.throttleErr, f.spared},
		{awsemu.Faults{ServerErrorRate: 1, Operations: []string{f.failing.key}}, f.failing, 2, f.serverErr, f.throttled},
	}
	before := srv.Stats()
	want := map[string]int64{}
	for _, p := range phases {
		if err := srv.SetFaults(p.faults); err != nil {
			t.Fatal(err)
		}
		for range p.calls {
			p.check(t, p.faulted.call())
		}
		if err := p.answers.call(); err != nil {
			t.Fatalf("%s while %s is faulted: %v", p.answers.key, p.faulted.key, err)
		}
		want[p.faulted.key] += int64(p.calls)
		want[p.answers.key]++
	}
	after := srv.Stats()
	for key, n := range want {
		if got := after[key] - before[key]; got != n {
			t.Errorf("stats[%s] grew by %d, want %d", key, got, n)
		}
	}
}
