package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
)

const (
	// jwksRefresh is how often the JWKS of a URL is fetched in any case.
	jwksRefresh = time.Hour
	// jwksRefetch is the least time between two fetches a token of an
	// unknown key starts, from the start and from the end of the first.
	jwksRefetch = 10 * time.Second
	// jwksTimeout bounds a fetch, and so a request's wait for one.
	jwksTimeout = 10 * time.Second
	// jwksMaxBytes bounds a JWKS document.
	jwksMaxBytes = 1 << 20
)

// remoteJWKS is the JWKS at a URL. It is fetched at start (in the
// background: an unreachable URL does not stop start-up), every jwksRefresh
// after, and when a token names a key it does not hold, at most once per
// jwksRefetch. A fetch runs on its own context, bounded by jwksTimeout,
// whoever started it: a request that waits for it, and leaves, does not
// cancel it, and every request that needs it waits for the same fetch, each
// at most until its own context ends. A request that finds no fetch under
// way and the refetch spent is refused at once, so tokens of made-up key
// ids neither queue nor make the identity provider be called more than once
// per jwksRefetch. A failed fetch keeps the keys in force (an outage of the
// identity provider revokes nothing); it is logged.
type remoteJWKS struct {
	url          string
	client       *http.Client
	ctx          context.Context // ends the fetches and the refreshing
	refetchEvery time.Duration   // jwksRefetch (shorter in tests)

	mu       sync.Mutex
	keys     jwt.Keyfunc   // noKeys until a fetch succeeds
	fetching chan struct{} // closed when the fetch under way ends; nil: none
	refetch  time.Time     // when the last fetch a token of an unknown key started began, then when it ended
}

func newRemoteJWKS(ctx context.Context, url string) *remoteJWKS {
	// The client has no timeout of its own: get bounds each fetch.
	r := &remoteJWKS{url: url, client: &http.Client{}, ctx: ctx, refetchEvery: jwksRefetch, keys: noKeys}
	r.fetch()
	go func() {
		t := time.NewTicker(jwksRefresh)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				r.fetch()
			}
		}
	}()
	return r
}

// fetch starts a fetch unless one is under way, and returns a channel closed
// when the one under way ends.
func (r *remoteJWKS) fetch() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.startLocked(false)
}

// startLocked is fetch with r.mu held. A fetch a token of an unknown key
// started (byToken) stamps refetch again when it ends: the next such
// fetch starts at least jwksRefetch later, so an identity provider that
// answers slowly is not called back to back.
func (r *remoteJWKS) startLocked(byToken bool) <-chan struct{} {
	if r.fetching != nil {
		return r.fetching
	}
	done := make(chan struct{})
	r.fetching = done
	go func() {
		defer close(done)
		keys, err := r.get()
		r.mu.Lock()
		if err == nil {
			r.keys = keys
		}
		r.fetching = nil
		if byToken {
			r.refetch = time.Now()
		}
		r.mu.Unlock()
		if err != nil && r.ctx.Err() == nil {
			slog.Error("fetching the JWKS failed: the keys in force stay", "url", r.url, "err", err)
		}
	}()
	return done
}

// get fetches and parses the JWKS.
func (r *remoteJWKS) get() (jwt.Keyfunc, error) {
	ctx, cancel := context.WithTimeout(r.ctx, jwksTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, jwksMaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > jwksMaxBytes {
		return nil, fmt.Errorf("larger than %d bytes", jwksMaxBytes)
	}
	return parseJWKS(data)
}

// current returns the keys in force.
func (r *remoteJWKS) current() jwt.Keyfunc {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.keys
}

// keyfunc finds a token's key; for a key it does not hold, it waits (until
// ctx ends) for the fetch under way or one it may start, then looks again.
func (r *remoteJWKS) keyfunc(ctx context.Context) jwt.Keyfunc {
	return func(t *jwt.Token) (any, error) {
		key, err := r.current()(t)
		if err == nil || !errors.Is(err, jwkset.ErrKeyNotFound) && !errors.Is(err, errNoKeys) {
			return key, err
		}
		done := r.fetchForUnknownKey()
		if done == nil {
			return nil, err
		}
		select {
		case <-done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return r.current()(t)
	}
}

// fetchForUnknownKey returns the fetch under way, or starts one if the last
// a token of an unknown key started neither started nor ended within
// jwksRefetch; nil otherwise. The check and the start are one step under
// r.mu, so concurrent tokens start one fetch.
func (r *remoteJWKS) fetchForUnknownKey() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fetching == nil {
		if time.Since(r.refetch) < r.refetchEvery {
			return nil
		}
		r.refetch = time.Now()
		return r.startLocked(true)
	}
	return r.fetching
}
