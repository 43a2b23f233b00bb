package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// nodeDir holds the npm clients the tests run (package.json pins them).
const nodeDir = "testdata/node"

// nodeHint is how to install what requireNode looks for, from the
// repository's root.
const nodeHint = "apt-get install -y nodejs npm && (cd server/testdata/node && npm ci)"

// requireNode checks that Node.js 18 or later (Debian 12's, which the suites were run with) and npm are on the PATH and
// that testdata/node/node_modules holds every package of package.json at its
// pinned version; otherwise requireTool skips (or fails) the test.
func requireNode(t testing.TB) {
	t.Helper()
	const what = "Node.js 18+ with npm, and the npm packages of server/testdata/node"
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			requireTool(t, what+" ("+tool+" is not on the PATH)", nodeHint)
		}
	}
	out, err := exec.Command("node", "--version").Output()
	v := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
	major, _ := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
	if err != nil || major < 18 {
		requireTool(t, what+" (node --version: "+strings.TrimSpace(string(out))+")", nodeHint)
	}
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	raw, err := os.ReadFile(filepath.Join(nodeDir, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatalf("%s/package.json: %v", nodeDir, err)
	}
	for _, name := range slices.Sorted(maps.Keys(pkg.Dependencies)) {
		want := pkg.Dependencies[name]
		var got struct {
			Version string `json:"version"`
		}
		raw, err := os.ReadFile(filepath.Join(nodeDir, "node_modules", name, "package.json"))
		if err == nil {
			err = json.Unmarshal(raw, &got)
		}
		if err != nil || got.Version != want {
			requireTool(t, fmt.Sprintf("%s (%s@%s is not installed)", what, name, want), nodeHint)
		}
	}
}

// runNode runs `node script args...` in testdata/node, bounded by timeout,
// and returns its output (stdout and stderr together). A non-zero exit or
// the timeout fails the test with the output. The output is logged either
// way (go test -v shows it).
func runNode(t testing.TB, timeout time.Duration, script string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{script}, args...)...)
	cmd.Dir = nodeDir
	cmd.WaitDelay = 5 * time.Second // a grandchild holding the pipes open ends the wait
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("node %s (%s):\n%s", script, time.Since(start).Round(time.Millisecond), out)
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("node %s did not end within %s", script, timeout)
	case errors.As(err, &exit):
		t.Fatalf("node %s: %v (its output is above)", script, err)
	case err != nil:
		t.Fatalf("node %s: %v", script, err)
	}
	return string(out)
}
