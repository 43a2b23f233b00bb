package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestApolloClientPagination runs Apollo Client (testdata/node/apollo.mjs:
// InMemoryCache with relayStylePagination on every connection of Query)
// against the gateway: the largest resource of each service is paged to its
// end with fetchMore, and the cache must end with exactly the manifest's
// count of distinct items, no duplicate, and hasNextPage false; then an
// executions query over 20 resources of every service and both regions is
// walked the same way. The script's summary is checked here against the
// emulator's manifest, so that a script that walked less cannot pass.
func TestApolloClientPagination(t *testing.T) {
	requireNode(t)
	m := startGateway(t)
	out := runNode(t, 2*time.Minute, "apollo.mjs", m.URL, m.Emulator.URL)

	lines := strings.Split(strings.TrimSpace(out), "\n")
	var summary struct {
		Walks []struct {
			Service, ID  string
			Count, Pages int
		}
		Executions struct{ Sources, Count, Pages int }
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &summary); err != nil {
		t.Fatalf("the script's last line is not its summary: %v", err)
	}
	walked := map[string]bool{}
	for _, w := range summary.Walks {
		want := largest(t, m, w.Service)
		if w.ID != want.ID || w.Count != want.Count {
			t.Errorf("%s: walked %s to %d items; the largest resource is %s with %d", w.Service, w.ID, w.Count, want.ID, want.Count)
		}
		if w.Pages < 3 {
			t.Errorf("%s: %d pages; the walk should take several", w.Service, w.Pages)
		}
		walked[w.Service] = true
	}
	for _, s := range []string{"lambda", "imagebuilder", "stepfunctions", "iot", "transfer"} {
		if !walked[s] {
			t.Errorf("%s was not walked", s)
		}
	}
	sources, total := 0, 0
	for _, r := range m.Emulator.Manifest().Resources {
		if r != largest(t, m, r.Service) && sources < 20 {
			sources++
			total += r.Count
		}
	}
	if e := summary.Executions; e.Sources != sources || e.Count != total || e.Pages < 3 {
		t.Errorf("executions: %d sources, %d items in %d pages; want %d sources, %d items, several pages", e.Sources, e.Count, e.Pages, sources, total)
	}
}
