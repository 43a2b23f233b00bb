package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
)

// slowJWKS serves a JWKS of one EC key, kid "k", after delay.
func slowJWKS(t *testing.T, delay time.Duration) (*httptest.Server, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	jwk, err := jwkset.NewJWKFromKey(key.Public(), jwkset.JWKOptions{Metadata: jwkset.JWKMetadataOptions{KID: "k", USE: jwkset.UseSig}})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(jwkset.JWKSMarshal{Keys: []jwkset.JWKMarshal{jwk.Marshal()}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		_, _ = w.Write(raw)
	}))
	t.Cleanup(srv.Close)
	return srv, key
}

// TestKeysWaitedForUntilTheRequestEnds: a token that arrives before the
// first fetch of the JWKS ended waits for it and finds its key; a request
// whose context ends meanwhile stops waiting at once, and its leaving does
// not cancel the fetch the others wait for.
func TestKeysWaitedForUntilTheRequestEnds(t *testing.T) {
	srv, key := slowJWKS(t, 300*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := newRemoteJWKS(ctx, srv.URL) // its first fetch is under way
	tok := &jwt.Token{Header: map[string]any{"kid": "k", "alg": "ES256"}, Method: jwt.SigningMethodES256}

	short, stop := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer stop()
	start := time.Now()
	if _, err := r.keyfunc(short)(tok); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a request that ended while waiting: %v, want its deadline", err)
	}
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("a request whose deadline was 20 ms waited %v (the fetch takes 300 ms)", d)
	}
	got, err := r.keyfunc(context.Background())(tok)
	if err != nil {
		t.Fatalf("a token that waited for the first fetch: %v", err)
	}
	if pub, ok := got.(*ecdsa.PublicKey); !ok || !pub.Equal(key.Public()) {
		t.Fatalf("key %T, want the JWKS's", got)
	}
}

// TestAcceptableClaims: what the pre-check refuses before any key is looked
// up is what the verified parse would refuse too; the table is written
// here, at a fixed now.
func TestAcceptableClaims(t *testing.T) {
	j := &JWT{issuer: "https://idp.example", audience: "execgraph"}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *jwt.NumericDate { return jwt.NewNumericDate(now.Add(d)) }
	ok := func() jwt.RegisteredClaims {
		return jwt.RegisteredClaims{Issuer: "https://idp.example", Audience: jwt.ClaimStrings{"other", "execgraph"}, Subject: "alice", ExpiresAt: at(time.Hour)}
	}
	for _, tc := range []struct {
		name string
		edit func(*jwt.RegisteredClaims)
		want bool
	}{
		{"valid", func(*jwt.RegisteredClaims) {}, true},
		{"expired within the leeway", func(c *jwt.RegisteredClaims) { c.ExpiresAt = at(-30 * time.Second) }, true},
		{"expired", func(c *jwt.RegisteredClaims) { c.ExpiresAt = at(-2 * time.Minute) }, false},
		{"no expiry", func(c *jwt.RegisteredClaims) { c.ExpiresAt = nil }, false},
		{"another issuer", func(c *jwt.RegisteredClaims) { c.Issuer = "https://evil.example" }, false},
		{"another audience", func(c *jwt.RegisteredClaims) { c.Audience = jwt.ClaimStrings{"other"} }, false},
		{"no subject", func(c *jwt.RegisteredClaims) { c.Subject = "" }, false},
		{"not valid for 2 minutes", func(c *jwt.RegisteredClaims) { c.NotBefore = at(2 * time.Minute) }, false},
		{"not valid for 30 s (within the leeway)", func(c *jwt.RegisteredClaims) { c.NotBefore = at(30 * time.Second) }, true},
		{"issued in 2 minutes", func(c *jwt.RegisteredClaims) { c.IssuedAt = at(2 * time.Minute) }, false},
		{"issued an hour ago", func(c *jwt.RegisteredClaims) { c.IssuedAt = at(-time.Hour) }, true},
	} {
		c := ok()
		tc.edit(&c)
		if got := j.acceptable(c, now); got != tc.want {
			t.Errorf("%s: acceptable %t, want %t", tc.name, got, tc.want)
		}
	}
}

// TestRefetchCountedFromTheEnd: a fetch a token of an unknown key started
// at an identity provider slower than the refetch interval is counted from
// its end too: the next token of an unknown key just after it ends starts
// nothing, so the provider is not called back to back.
func TestRefetchCountedFromTheEnd(t *testing.T) {
	srv, _ := slowJWKS(t, 300*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := newRemoteJWKS(ctx, srv.URL)
	r.refetchEvery = 100 * time.Millisecond
	<-r.fetch() // the first fetch, at start
	done := r.fetchForUnknownKey()
	if done == nil {
		t.Fatal("a token of an unknown key started no fetch after the first")
	}
	<-done // 300 ms: longer than the interval
	if again := r.fetchForUnknownKey(); again != nil {
		t.Error("a token of an unknown key started a fetch as soon as the last ended")
	}
	time.Sleep(150 * time.Millisecond)
	if again := r.fetchForUnknownKey(); again == nil {
		t.Error("no fetch for an unknown key an interval after the last ended")
	}
}

// TestJWKSTooLarge: a JWKS over jwksMaxBytes is refused, whatever it
// holds, and the keys in force stay.
func TestJWKSTooLarge(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"keys":[`))
		_, _ = w.Write(make([]byte, jwksMaxBytes)) // whatever follows: it is never read
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := newRemoteJWKS(ctx, srv.URL)
	<-r.fetch()
	if _, err := r.get(); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a JWKS of over %d bytes: %v", jwksMaxBytes, err)
	}
	if _, err := r.current()(&jwt.Token{Header: map[string]any{"kid": "k"}}); !errors.Is(err, errNoKeys) {
		t.Errorf("keys in force after an oversized JWKS: %v", err)
	}
}
