package source

import (
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/obs"
	"github.com/execgraph/execgraph/internal/relay"
)

// Detail is one AWS detail operation the gateway calls per item. Calls go
// through the request's dataloader: the keys asked for within a request
// are batched (one call per distinct key, concurrently) and deduplicated,
// and results that will never change are kept across requests in the
// Source's LRU. Errors are never kept.
type Detail[K comparable, V any] struct {
	Service *Service
	Op      string // as AWS names it; one of Service.Operations
	Fetch   func(s *Source, ctx context.Context, k K) (V, error)
	// Final reports whether a result will never change again as of now;
	// nil: never kept across requests.
	Final func(v V, now time.Time) bool
}

// Load asks the request's loader of d for k and returns a thunk that waits
// for the result. The request must have gone through Middleware.
func Load[K comparable, V any](ctx context.Context, d *Detail[K, V], k K) dataloader.Thunk[V] {
	return loaderOf(loadersOf(ctx), d).Load(ctx, k)
}

// LoadMany is Load for several keys: one result and one error per key, in
// key order.
func LoadMany[K comparable, V any](ctx context.Context, d *Detail[K, V], keys []K) dataloader.ThunkMany[V] {
	return loaderOf(loadersOf(ctx), d).LoadMany(ctx, keys)
}

// loaders are one request's dataloaders, one per Detail, made on first use,
// and its upstream pages, shared between fields that ask for the same one.
type loaders struct {
	src      *Source
	mu       sync.Mutex
	byDetail map[any]any // *Detail[K, V] -> *dataloader.Loader[K, V]
	pages    map[pageKey]*pageCall
}

// pageCall is one upstream page of a request: the first field to ask for
// it fetches it, the others wait for that fetch.
type pageCall struct {
	done chan struct{} // closed once page and err are set
	page any           // a relay.UpstreamPage[T]
	err  error
}

type loadersKey struct{}

// Middleware gives each request its own loaders.
func (s *Source) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := &loaders{src: s, byDetail: map[any]any{}, pages: map[pageKey]*pageCall{}}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), loadersKey{}, l)))
	})
}

// loadersOf returns the request's loaders. It panics when the request did
// not go through Middleware: that is a wiring bug.
func loadersOf(ctx context.Context) *loaders {
	return ctx.Value(loadersKey{}).(*loaders)
}

// batchWait is how long a loader collects keys before calling AWS: the
// items of a page ask for their details at once.
const batchWait = time.Millisecond

// finalKey names a kept result: one key of one operation (keys carry their
// region, in an ARN or as a field).
type finalKey struct {
	op  any // the *Detail
	key any
}

func loaderOf[K comparable, V any](l *loaders, d *Detail[K, V]) *dataloader.Loader[K, V] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if dl, ok := l.byDetail[d]; ok {
		return dl.(*dataloader.Loader[K, V])
	}
	opts := []dataloader.Option[K, V]{dataloader.WithWait[K, V](batchWait)}
	if l.src.opts.Unshared {
		opts = append(opts, dataloader.WithCache[K, V](&dataloader.NoCache[K, V]{}))
	}
	dl := dataloader.NewBatchedLoader(batch(l.src, d), opts...)
	l.byDetail[d] = dl
	return dl
}

// batch is the batch function of d's loaders: one call per key,
// concurrently (the upstream gate bounds them), answering from the kept
// final results where it can; one result per key, in key order.
func batch[K comparable, V any](s *Source, d *Detail[K, V]) dataloader.BatchFunc[K, V] {
	return func(ctx context.Context, keys []K) []*dataloader.Result[V] {
		s.opts.Metrics.LoaderBatch(d.Service.Name, d.Op, len(keys))
		out := make([]*dataloader.Result[V], len(keys))
		var wg sync.WaitGroup
		for i, k := range keys {
			if v, ok := kept(s, d, k); ok {
				out[i] = &dataloader.Result[V]{Data: v}
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() {
					if p := recover(); p != nil {
						slog.Error("panic in a loader", "op", d.Service.Name+"."+d.Op, "panic", p, "stack", string(debug.Stack()))
						out[i] = &dataloader.Result[V]{Error: apperr.New(apperr.Internal, "internal error")}
					}
				}()
				v, err := d.Fetch(s, ctx, k)
				if err == nil {
					keep(s, d, k, v)
				}
				out[i] = &dataloader.Result[V]{Data: v, Error: err}
			}()
		}
		wg.Wait()
		return out
	}
}

// kept returns a result of d kept across requests.
func kept[K comparable, V any](s *Source, d *Detail[K, V], k K) (V, bool) {
	var zero V
	if s.final == nil || d.Final == nil {
		return zero, false
	}
	v, ok := s.final.Get(finalKey{d, k})
	s.opts.Metrics.DetailCache(d.Service.Name, d.Op, ok)
	if !ok {
		return zero, false
	}
	return v.(V), true
}

// keep keeps a result of d across requests if it is final.
func keep[K comparable, V any](s *Source, d *Detail[K, V], k K, v V) {
	if s.final != nil && d.Final != nil && d.Final(v, s.now()) {
		s.final.Add(finalKey{d, k}, v)
	}
}

// pageKey names one upstream page of a listing.
type pageKey struct {
	listing, token string
	size           int
}

// Shared returns the listing with its pages fetched once per request:
// identical pages (same listing, token and size) asked for twice in one
// request, such as by two aliased fields, cost one call. The request's
// pages are bounded by its budget of AWS calls.
func Shared[T any](ctx context.Context, l relay.Listing[T]) relay.Listing[T] {
	ls := loadersOf(ctx)
	if ls.src.opts.Unshared {
		return l
	}
	fetch := l.Fetch
	l.Fetch = func(ctx context.Context, token string, size int) (relay.UpstreamPage[T], error) {
		key := pageKey{l.Fingerprint, token, size}
		ls.mu.Lock()
		c, ok := ls.pages[key]
		if !ok {
			c = &pageCall{done: make(chan struct{})}
			ls.pages[key] = c
		}
		ls.mu.Unlock()
		if ok {
			select {
			case <-c.done:
			case <-ctx.Done():
				return relay.UpstreamPage[T]{}, ctx.Err()
			}
		} else {
			func() {
				defer close(c.done)
				if token != "" && ls.src.pre != nil {
					if page, ok := ls.src.pre.take(ctx, prefetchKey{obs.From(ctx).Identity(), l.Fingerprint, token, size}); ok {
						c.page = page
						return
					}
				}
				c.page, c.err = fetch(ctx, token, size)
			}()
		}
		if c.err != nil {
			return relay.UpstreamPage[T]{}, c.err
		}
		page, ok := c.page.(relay.UpstreamPage[T])
		if !ok { // the fetch panicked: its own field reports it
			return relay.UpstreamPage[T]{}, apperr.New(apperr.Internal, "internal error")
		}
		return page, nil
	}
	return l
}
