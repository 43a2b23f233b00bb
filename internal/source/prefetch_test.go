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
	for range maxPrefetched {
		<-started
	}
	time.Sleep(50 * time.Millisecond) // a fetch over the bound would have started by now
	if n := len(started); n != 0 {
		t.Errorf("%d fetches under way, want %d", maxPrefetched+n, maxPrefetched)
	}
}
