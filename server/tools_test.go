package main

import (
	"os"
	"testing"
)

// requireTool ends a test that needs a tool this machine does not have:
// what names the tool, hint the command that installs it. It skips the
// test, unless the environment variable EXECGRAPH_REQUIRE_TOOLS is set (CI
// sets it), in which case the test fails: a missing tool there is a broken
// setup, not a reason to pass.
func requireTool(t testing.TB, what, hint string) {
	t.Helper()
	if os.Getenv("EXECGRAPH_REQUIRE_TOOLS") != "" {
		t.Fatalf("this test needs %s, which is missing (EXECGRAPH_REQUIRE_TOOLS is set, so that is a failure); install it: %s", what, hint)
	}
	t.Skipf("skipped: this test needs %s; install it: %s (with EXECGRAPH_REQUIRE_TOOLS set, a missing tool fails the test)", what, hint)
}
