package awsemu_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

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
