package source

import (
	"context"
	"testing"
	"time"
)

// fakeClock is a clock the test moves.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// TestPrefetchExpiry: a prefetched page is handed over within its TTL and
// never after it, even when no other prefetch ran in between.
func TestPrefetchExpiry(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after time.Duration
		want  bool
	}{
		{"at once", 0, true},
		{"just within the TTL", prefetchTTL, true},
		{"past the TTL", prefetchTTL + time.Millisecond, false},
		{"an hour later", time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
			p := newPrefetcher(nil, clock.now)
			key := prefetchKey{caller: "api-key:alice", listing: "fp", token: "tok", size: 100}
			p.start(key, func(context.Context) (any, error) { return "page", nil })
			clock.t = clock.t.Add(tc.after)
			page, ok := p.take(context.Background(), key)
			if ok != tc.want || ok && page != "page" {
				t.Errorf("take after %v: %v %v, want %v", tc.after, page, ok, tc.want)
			}
			if _, again := p.take(context.Background(), key); again {
				t.Error("a page handed over twice")
			}
		})
	}
}

// TestPrefetchBounded: at most maxPrefetched fetches are held or under
// way, a key is fetched once, and closing cancels the fetches under way.
func TestPrefetchBounded(t *testing.T) {
	p := newPrefetcher(nil, time.Now)
	started := make(chan struct{}, 2*maxPrefetched)
	cancelled := make(chan struct{}, 2*maxPrefetched)
	block := func(ctx context.Context) (any, error) {
		started <- struct{}{}
		<-ctx.Done()
		cancelled <- struct{}{}
		return nil, ctx.Err()
	}
	for i := range maxPrefetched + 10 {
		p.start(prefetchKey{listing: "fp", token: string(rune('a' + i%26)), size: i}, block)
		p.start(prefetchKey{listing: "fp", token: string(rune('a' + i%26)), size: i}, block) // the same key again
	}
	for range maxPrefetched {
		<-started
	}
	p.mu.Lock()
	held := len(p.pages)
	p.mu.Unlock()
	if held != maxPrefetched || len(started) != 0 {
		t.Fatalf("%d held, %d more started; want %d, 0", held, len(started), maxPrefetched)
	}
	p.close()
	for range maxPrefetched {
		select {
		case <-cancelled:
		case <-time.After(5 * time.Second):
			t.Fatal("a fetch under way outlived close")
		}
	}
	_, ok := p.take(context.Background(), prefetchKey{listing: "fp", token: "a", size: 0})
	if ok {
		t.Error("a cancelled fetch handed over")
	}
}

// TestPrefetchAbandonedTakes: a request that takes a page still being
// fetched and then leaves (its client hung up) frees no fetch slot: however
// many do so, at most maxPrefetched fetches are under way.
func TestPrefetchAbandonedTakes(t *testing.T) {
	p := newPrefetcher(nil, time.Now)
	defer p.close()
	started := make(chan struct{}, 1000)
	block := func(ctx context.Context) (any, error) {
		started <- struct{}{}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	for i := range 1000 {
		key := prefetchKey{listing: "fp", token: "t", size: i}
		p.start(key, block)
		if _, ok := p.take(gone, key); ok {
			t.Fatal("a page handed over to a request that left")
		}
	}
	p.mu.Lock()
	running := p.running
	p.mu.Unlock()
	if running != maxPrefetched { // start counts a fetch before its goroutine runs
		t.Errorf("%d fetches under way, want %d", running, maxPrefetched)
	}
}

// TestPrefetchDroppedWhenExpired: a page nobody takes is dropped when its
// life ends, without any other prefetch starting (a quiet server holds no
// stale page), and its slot is free again.
func TestPrefetchDroppedWhenExpired(t *testing.T) {
	p := newPrefetcher(nil, time.Now)
	defer p.close()
	p.ttl = 50 * time.Millisecond
	for i := range maxPrefetched {
		p.start(prefetchKey{listing: "fp", token: "t", size: i}, func(context.Context) (any, error) { return "page", nil })
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		p.mu.Lock()
		held, running := len(p.pages), p.running
		p.mu.Unlock()
		if held == 0 && running == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d pages still held, %d fetches running, 5 s after a 50 ms life", held, running)
		}
		time.Sleep(10 * time.Millisecond)
	}
	key := prefetchKey{listing: "fp", token: "u", size: 1}
	p.start(key, func(context.Context) (any, error) { return "again", nil })
	if page, ok := p.take(context.Background(), key); !ok || page != "again" {
		t.Errorf("after the pages expired, a new prefetch: %v %v", page, ok)
	}
}

// TestPrefetchClosed: close returns once every fetch has ended and every
// page is dropped, and nothing starts after it.
func TestPrefetchClosed(t *testing.T) {
	p := newPrefetcher(nil, time.Now)
	ended := make(chan struct{}, maxPrefetched)
	for i := range 3 {
		p.start(prefetchKey{listing: "fp", token: "t", size: i}, func(ctx context.Context) (any, error) {
			<-ctx.Done()
			time.Sleep(20 * time.Millisecond) // a fetch that takes a moment to stop
			ended <- struct{}{}
			return nil, ctx.Err()
		})
	}
	p.start(prefetchKey{listing: "fp", token: "held", size: 1}, func(context.Context) (any, error) { return "page", nil })
	p.close()
	if n := len(ended); n != 3 {
		t.Errorf("close returned with %d of 3 fetches ended", n)
	}
	p.mu.Lock()
	held, running := len(p.pages), p.running
	p.mu.Unlock()
	if held != 0 || running != 0 {
		t.Errorf("after close: %d pages held, %d fetches running", held, running)
	}
	p.start(prefetchKey{listing: "fp", token: "late", size: 1}, func(context.Context) (any, error) { return nil, nil })
	p.mu.Lock()
	held = len(p.pages) // start adds a page before its goroutine runs
	p.mu.Unlock()
	if held != 0 {
		t.Error("a prefetch started after close")
	}
}
