package main

import (
	"encoding/json"
	"testing"
	"time"
)

// waitFor polls cond every 10 ms for at most five seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

// TestPrefetch: a request that resumes a walk has the next upstream page
// fetched in the background, and the request after it is answered from
// that page, with no AWS call of its own; a first page never prefetches,
// and a walk that stops costs one page more than it read; another caller
// does not get the page.
func TestPrefetch(t *testing.T) {
	const alice, bob = "alice-key-0123456789abcdef", "bob-key-0123456789abcdefgh"
	file := t.TempDir() + "/keys"
	writeFile(t, file, alice+" alice\n"+bob+" bob\n")
	m := startGateway(t, func(c *Config) { c.Prefetch, c.Auth, c.APIKeysFile = true, "api-key", file })
	s := specOf("stepfunctions")
	big := largest(t, m, s.service)
	page := func(key string, after *string) connPage {
		var out struct{ Data struct{ Conn connPage } }
		body, _ := jsonMarshal(map[string]any{"query": s.query, "variables": s.vars(big, 100, after)})
		r := request(t, m, "POST", "/graphql", map[string]string{"X-Api-Key": key}, body)
		mustJSON(t, r.body, &out)
		return out.Data.Conn
	}
	listCalls := func() int64 { return m.Emulator.Stats()["stepfunctions.ListMapRuns"] }
	metric := func(result string) float64 {
		return scrape(t, m.URL+"/metrics", map[string]string{"X-Api-Key": alice})["execgraph_prefetch_total{result="+result+"}"]
	}

	p1 := page(alice, nil)
	if metric("started") != 0 || listCalls() != 1 {
		t.Fatalf("a first page prefetched: started %v, calls %d", metric("started"), listCalls())
	}
	p2 := page(alice, p1.PageInfo.EndCursor)
	waitFor(t, "the prefetch of the third page", func() bool { return listCalls() == 3 })
	if metric("started") != 1 {
		t.Fatalf("started %v", metric("started"))
	}
	// Another caller resuming from the same place fetches for itself (and
	// has its own next page fetched ahead).
	other := page(bob, p2.PageInfo.EndCursor)
	waitFor(t, "bob's page and its prefetch", func() bool { return listCalls() == 5 })
	if metric("hit") != 0 {
		t.Fatalf("bob got alice's page: hit %v", metric("hit"))
	}
	p3 := page(alice, p2.PageInfo.EndCursor)
	if metric("hit") != 1 || len(p3.Edges) != 100 || p3.Edges[0].Node.Key != other.Edges[0].Node.Key {
		t.Fatalf("alice's third page: hit %v, %d edges", metric("hit"), len(p3.Edges))
	}
	// Alice's walk stops here: it read three pages and cost four calls,
	// the fourth page fetched ahead for nothing, no more.
	waitFor(t, "the prefetch of alice's fourth page", func() bool { return listCalls() == 6 })
	if metric("started") != 3 {
		t.Fatalf("started %v, want 3", metric("started"))
	}
}

func jsonMarshal(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
