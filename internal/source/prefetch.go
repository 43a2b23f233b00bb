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
// from the start of its fetch (which may take no longer), and is never
// handed over after; at most maxPrefetched are held, and at most
// maxPrefetched fetches are under way, whether or not a request took their
// page and left (each at most one AWS page, 1000 items). A walk that stops costs at most the one
// page fetched for nothing. Fetches under way stop when the Source closes.
const (
	maxPrefetched = 64 // about 32 MB at most: 64 pages of 1,000 items
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
	running int // fetches under way, their pages held or taken
	metrics *obs.Metrics
	now     func() time.Time
	ctx     context.Context // the fetches': cancelled by close
	close   context.CancelFunc
}

func newPrefetcher(m *obs.Metrics, now func() time.Time) *prefetcher {
	ctx, cancel := context.WithCancel(context.Background())
	return &prefetcher{pages: map[prefetchKey]*prefetched{}, metrics: m, now: now, ctx: ctx, close: cancel}
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
// or under way, or maxPrefetched pages are held or fetches under way.
func (p *prefetcher) start(key prefetchKey, fetch func(context.Context) (any, error)) {
	now := p.now()
	p.mu.Lock()
	p.expire(now)
	if _, ok := p.pages[key]; ok || len(p.pages) >= maxPrefetched || p.running >= maxPrefetched {
		p.mu.Unlock()
		return
	}
	e := &prefetched{done: make(chan struct{}), expires: now.Add(prefetchTTL)}
	p.pages[key] = e
	p.running++
	p.mu.Unlock()
	p.metrics.Prefetch("started")
	go func() {
		defer func() {
			close(e.done)
			p.mu.Lock()
			p.running--
			p.mu.Unlock()
		}()
		ctx, cancel := context.WithTimeout(p.ctx, prefetchTTL)
		defer cancel()
		e.page, e.err = fetch(ctx)
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

// expire drops the pages nobody took in time whose fetch ended (a fetch
// under way keeps its slot). p.mu is held.
func (p *prefetcher) expire(now time.Time) {
	for k, e := range p.pages {
		select {
		case <-e.done:
		default:
			continue
		}
		if now.After(e.expires) {
			delete(p.pages, k)
			p.metrics.Prefetch("wasted")
		}
	}
}
