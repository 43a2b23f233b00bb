package main

import (
	"encoding/pem"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/execgraph/execgraph/internal/awsemu"
)

// startAWSBackend runs the gateway with -backend aws against an emulator
// served over TLS, as a corporate TLS proxy or a private endpoint would be:
// AWS_ENDPOINT_URL names it and AWS_CA_BUNDLE holds the only CA that signs
// its certificate. It returns the gateway and the emulator.
func startAWSBackend(t *testing.T, mutate ...func(*Config)) (*Main, *awsemu.Emulator) {
	t.Helper()
	emu := awsemu.New(awsemu.Options{Seed: 7})
	srv := httptest.NewUnstartedServer(emu)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	bundle := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_CA_BUNDLE": bundle, "AWS_ENDPOINT_URL": srv.URL, "AWS_REGION": "us-east-1",
		"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_CONFIG_FILE": empty, "AWS_SHARED_CREDENTIALS_FILE": empty, "AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
	cfg, err := ParseFlags([]string{"-backend", "aws", "-addr", "127.0.0.1:0", "-aws-max-attempts", "1"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range mutate {
		f(&cfg)
	}
	m := &Main{Config: cfg}
	if err := m.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m, emu
}

// TestAWSBackendWithCABundle: -backend aws starts with AWS_CA_BUNDLE set and
// reaches an endpoint that only that bundle's CA vouches for.
func TestAWSBackendWithCABundle(t *testing.T) {
	m, emu := startAWSBackend(t)
	var big awsemu.Resource
	for _, r := range emu.Manifest().Resources {
		if r.Service == "stepfunctions" && r.Region == awsemu.DefaultRegion && r.Count > big.Count {
			big = r
		}
	}
	resp := post(t, m, `query($id: String!) { stepFunctionsMapRuns(executionArn: $id, first: 3) { nodes { mapRunArn } } }`, map[string]any{"id": big.ID})
	if len(resp.Errors) > 0 || emu.Stats()["stepfunctions.ListMapRuns"] != 1 {
		t.Fatalf("errors %+v, calls %v", resp.Errors, emu.Stats())
	}
}
