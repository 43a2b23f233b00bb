package awsemu_test

import (
	"net/http"
	"testing"

	"github.com/execgraph/execgraph/internal/awsemu"
)

func TestFaultsValidation(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	tests := []struct {
		body string
		want int
	}{
		{`{"throttleRate": 0.5}`, 200},
		{`{"serverErrorRate": 1, "operations": ["iot.DescribeJob"]}`, 200},
		{`{"throttleRate": 1.5}`, 400},
		{`{"serverErrorRate": -0.1}`, 400},
		{`{"latencyMs": -1}`, 400},
		{`{"throttle": 1}`, 400},
		{`not json`, 400},
	}
	for _, tc := range tests {
		if resp, _ := send(t, srv, http.MethodPut, "/_emulator/faults", tc.body); resp.StatusCode != tc.want {
			t.Errorf("PUT faults %s: status %d, want %d", tc.body, resp.StatusCode, tc.want)
		}
	}
}

func TestUnknownTarget(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	resp, _ := send(t, srv, http.MethodPost, "/", "{}", "X-Amz-Target", "Nope.Nothing")
	if resp.StatusCode != 400 || resp.Header.Get("X-Amzn-ErrorType") != "UnknownOperationException" {
		t.Errorf("got %d %q", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
	}
}
