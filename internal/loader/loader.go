// Package loader holds execgraph's per-request dataloaders
// (graph-gophers/dataloader v7): the AWS calls that enrich listed items.
//
// Loaders live for one request, so identical keys in a request cost one
// call: the state machine shared by 100 map runs is described once, and two
// aliased fields asking for the same page share one list call. What they
// share across requests is held by the Factory: an LRU of the details of
// executions that will never change (see each source's Final rule: a
// failed Step Functions run, which can be redriven for 14 days, is not
// final until then). Errors are never cached. The bounds on AWS calls
// (concurrency, rate, the request's budget) are the upstream gate's.
package loader

import (
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/source"
)

// Config configures what loaders share across requests. (The bounds of
// AWS calls, concurrency and rate, are the upstream gate's, which every SDK
// call goes through.)
type Config struct {
	// CacheSize is how many terminal details are kept across requests
	// (0: no cache).
	CacheSize int
	// Unshared turns sharing off: every field of every item makes its own
	// AWS call and no page is shared. It is the baseline of the loaders'
	// benchmark, never a production setting.
	Unshared bool
}

// Factory makes the Loaders of each request.
type Factory struct {
	unshared bool
	src      *source.Source
	cache    *lru.Cache[cacheKey, any] // nil when CacheSize is 0
}

// NewFactory returns a Factory making loaders whose AWS calls go through src.
func NewFactory(src *source.Source, cfg Config) *Factory {
	f := &Factory{unshared: cfg.Unshared, src: src}
	if cfg.CacheSize > 0 && !cfg.Unshared {
		f.cache, _ = lru.New[cacheKey, any](cfg.CacheSize)
	}
	return f
}

type ctxKey struct{}

// cacheKey names the details of one key of one operation (keys carry their
// region, in the ARN or as a field).
type cacheKey struct {
	op  string
	key any
}

// Middleware gives each request its own Loaders.
func (f *Factory) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, f.New())))
	})
}

// For returns the request's Loaders. It panics if the request did not go
// through Middleware: that is a wiring bug.
func For(ctx context.Context) *Loaders {
	return ctx.Value(ctxKey{}).(*Loaders)
}

// batchWait is how long a loader collects keys before calling AWS: the
// items of a page ask for their details at once.
const batchWait = time.Millisecond

// describer is one AWS detail operation behind a loader.
type describer[K comparable, V any] struct {
	service, op string // "stepfunctions", "DescribeMapRun"
	fetch       func(context.Context, K) (V, error)
	// terminal reports whether a result never changes again, so it is kept
	// across requests; nil: never kept.
	terminal func(V) bool
}

// newLoader returns a per-request loader for d: a batch function that calls
// AWS once per key concurrently, under the service's bound and the
// operation's token bucket, answering from the terminal cache where it can.
// It returns one result per key, in key order.
func newLoader[K comparable, V any](f *Factory, d describer[K, V]) *dataloader.Loader[K, V] {
	opKey := d.service + "." + d.op
	batch := func(ctx context.Context, keys []K) []*dataloader.Result[V] {
		out := make([]*dataloader.Result[V], len(keys))
		var wg sync.WaitGroup
		for i, k := range keys {
			if d.terminal != nil && f.cache != nil {
				if v, ok := f.cache.Get(cacheKey{opKey, k}); ok {
					out[i] = &dataloader.Result[V]{Data: v.(V)}
					continue
				}
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() {
					if p := recover(); p != nil {
						slog.Error("panic in a loader", "op", opKey, "panic", p, "stack", string(debug.Stack()))
						out[i] = &dataloader.Result[V]{Error: apperr.New(apperr.Internal, "internal error")}
					}
				}()
				v, err := d.fetch(ctx, k)
				if err == nil && d.terminal != nil && f.cache != nil && d.terminal(v) {
					f.cache.Add(cacheKey{opKey, k}, v)
				}
				out[i] = &dataloader.Result[V]{Data: v, Error: err}
			}()
		}
		wg.Wait()
		return out
	}
	opts := []dataloader.Option[K, V]{dataloader.WithWait[K, V](batchWait)}
	if f.unshared {
		opts = append(opts, dataloader.WithCache[K, V](&dataloader.NoCache[K, V]{}))
	}
	return dataloader.NewBatchedLoader(batch, opts...)
}
