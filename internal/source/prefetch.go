package source

import (
	"context"
	"sync"
	"time"

	"github.com/execgraph/execgraph/internal/obs"
	"github.com/execgraph/execgraph/internal/relay"
)

// Prefetching: while a client walks a listing (a request that carries
// after), the next upstream page is fetched in the background and handed
// to the request that resumes from the page's end, so that it is ready
// while the client is busy with this page. A prefetched page is bound to
// the listing, the token, the page size and the caller; it lives prefetchTTL
// from the start of its fetch (which may take no longer), is never handed
// over after, and is dropped then if nobody took it. At most maxPrefetched
// pages are held, and at most maxPrefetched fetches are under way, whether
// or not a request took their page and left (each at most one AWS page of
// 1,000 items, about 0.5 MB). A walk that stops costs at most the one page
// fetched for nothing. Closing the Source cancels the fetches under way and
// drops the pages held, and returns once their goroutines have ended.
const (
	maxPrefetched = 16 // at most 16 pages held and 16 fetched: about 16 MB
	prefetchTTL   = 10 * time.Second
)

type prefetchKey struct {
	caller, listing, token string
	size                   int
}

type prefetched struct {
	done    chan struct{} // closed when the fetch ended
	page    any           // a relay.UpstreamPage[T]
	err     error
	expires time.Time
}

type prefetcher struct {
	mu      sync.Mutex
	pages   map[prefetchKey]*prefetched
	running int  // fetches under way, their pages held or taken
	closed  bool // by close: nothing starts any more
	metrics *obs.Metrics
	now     func() time.Time // the clock of expires
	ttl     time.Duration    // prefetchTTL (shorter in tests)
	ctx     context.Context  // the fetches': cancelled by close
	cancel  context.CancelFunc
	wg      sync.WaitGroup // the fetches' goroutines
}

func newPrefetcher(m *obs.Metrics, now func() time.Time) *prefetcher {
	ctx, cancel := context.WithCancel(context.Background())
	return &prefetcher{pages: map[prefetchKey]*prefetched{}, metrics: m, now: now, ttl: prefetchTTL, ctx: ctx, cancel: cancel}
}

// close cancels the fetches under way, drops the pages held and waits for
// their goroutines; nothing starts after it.
func (p *prefetcher) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.cancel()
	p.wg.Wait()
}

// Prefetch fetches, in the background, the upstream page a walk of l will
// ask for next: the page at the connection's end position, at the size a
// page of first items starts with. It does nothing for a first page, a
// last page, a page that ends mid-way through an upstream page (the next
// request refetches that one itself), or with prefetching off.
func Prefetch[T any](ctx context.Context, s *Source, l relay.Listing[T], c relay.Connection[T], after *string, first int) {
	if s.pre == nil || after == nil || !c.PageInfo.HasNextPage || len(c.End) != 1 {
		return
	}
	end := c.End[0]
	if end.End || end.Skip != 0 || end.Token == "" {
		return
	}
	key := prefetchKey{caller: obs.From(ctx).Identity(), listing: l.Fingerprint, token: end.Token, size: min(max(first, 1), l.MaxPage)}
	s.pre.start(key, func(ctx context.Context) (any, error) { return l.Fetch(ctx, key.token, key.size) })
}

// start runs fetch in the background for key, unless key is already held
// or under way, maxPrefetched pages are held or fetches under way, or the
// prefetcher is closed. The goroutine drops the page when it expires (or
// at close) if nobody took it.
func (p *prefetcher) start(key prefetchKey, fetch func(context.Context) (any, error)) {
	p.mu.Lock()
	if _, ok := p.pages[key]; ok || p.closed || len(p.pages) >= maxPrefetched || p.running >= maxPrefetched {
		p.mu.Unlock()
		return
	}
	e := &prefetched{done: make(chan struct{}), expires: p.now().Add(p.ttl)}
	p.pages[key] = e
	p.running++
	p.wg.Add(1)
	p.mu.Unlock()
	p.metrics.Prefetch("started")
	go func() {
		defer p.wg.Done()
		expiry := time.NewTimer(p.ttl)
		defer expiry.Stop()
		ctx, cancel := context.WithTimeout(p.ctx, p.ttl)
		e.page, e.err = fetch(ctx)
		cancel()
		close(e.done)
		p.mu.Lock()
		p.running--
		p.mu.Unlock()
		select {
		case <-expiry.C:
		case <-p.ctx.Done():
		}
		p.mu.Lock()
		if p.pages[key] == e {
			delete(p.pages, key)
			p.metrics.Prefetch("wasted")
		}
		p.mu.Unlock()
	}()
}

// take hands over the prefetched page of key, waiting for a fetch still
// under way; false when there is none, or it failed, expired or the wait
// was cancelled (the caller then fetches the page itself).
func (p *prefetcher) take(ctx context.Context, key prefetchKey) (any, bool) {
	p.mu.Lock()
	e, ok := p.pages[key]
	if ok {
		delete(p.pages, key)
	}
	p.mu.Unlock()
	if !ok {
		return nil, false
	}
	select {
	case <-e.done:
	case <-ctx.Done():
		p.metrics.Prefetch("wasted")
		return nil, false
	}
	if e.err != nil || p.now().After(e.expires) {
		p.metrics.Prefetch("wasted")
		return nil, false
	}
	p.metrics.Prefetch("hit")
	return e.page, true
}
