package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
)

// TestAPIKeyAuth: keys from the file, by hash or in clear, are accepted as
// Bearer or X-Api-Key; anything else is 401 UNAUTHENTICATED with
// WWW-Authenticate, before any AWS call; the health checks need nothing;
// the key's name reaches the request log, the key never does.
func TestAPIKeyAuth(t *testing.T) {
	const alice, bob = "alice-secret-key-0123456789", "bob-secret-key-0123456789abc"
	sum := sha256.Sum256([]byte(alice))
	file := filepath.Join(t.TempDir(), "keys")
	writeFile(t, file, "# team keys\nsha256:"+hex.EncodeToString(sum[:])+" alice@portal\n\n"+bob+"  bob ci\n")
	logs := captureLogs(t)
	m := startGateway(t, func(c *Config) { c.Auth, c.APIKeysFile = "api-key", file })
	// A key whose SHA-256 shares alice's first byte: compared whole, refused.
	near := ""
	for i := 0; near == ""; i++ {
		k := fmt.Sprintf("near-miss-key-%06d", i)
		if d := sha256.Sum256([]byte(k)); d[0] == sum[0] && k != alice {
			near = k
		}
	}
	for _, tc := range []struct {
		name   string
		header map[string]string
		status int
	}{
		{"no credential", nil, 401},
		{"a key whose digest shares a prefix", map[string]string{"Authorization": "Bearer " + near}, 401},
		{"unknown key", map[string]string{"Authorization": "Bearer not-a-key-of-the-file"}, 401},
		{"hash given as the key", map[string]string{"Authorization": "Bearer sha256:" + hex.EncodeToString(sum[:])}, 401},
		{"basic scheme", map[string]string{"Authorization": "Basic " + alice}, 401},
		{"hashed key as bearer", map[string]string{"Authorization": "Bearer " + alice}, 200},
		{"clear key as X-Api-Key", map[string]string{"X-Api-Key": bob}, 200},
		{"bearer scheme in lower case", map[string]string{"Authorization": "bearer " + bob}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m.Emulator.ResetStats()
			r := request(t, m, http.MethodPost, "/graphql", tc.header, `{"query":"{ transferExecutions(workflowId: \"w-00000000000000000\") { nodes { id } } }"}`)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.status == 401 {
				if code := firstCode(t, r.body); code != "UNAUTHENTICATED" {
					t.Errorf("code %q, want UNAUTHENTICATED", code)
				}
				if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
				}
				if calls := stats(m); len(calls) != 0 {
					t.Errorf("AWS calls %v before authentication", calls)
				}
			}
		})
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if r := request(t, m, http.MethodGet, path, nil, ""); r.status == 401 {
			t.Errorf("GET %s needs credentials", path)
		}
	}
	out := logs.String()
	for _, want := range []string{`"identity":"api-key:alice@portal"`, `"identity":"api-key:bob ci"`, "unknown API key"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s", want)
		}
	}
	for _, secret := range []string{alice, bob} {
		if strings.Contains(out, secret) {
			t.Errorf("a key reached the log")
		}
	}
}

// jwksServer serves a JWKS that the test can change (key rotation).
type jwksServer struct {
	mu       sync.Mutex
	keys     []jwkset.JWK
	fetches  int           // requests served
	arrivals int           // requests received (counted before the delay)
	delay    time.Duration // before each answer: an identity provider far away
	down     bool          // answer 503: an identity provider in an outage
	*httptest.Server
}

func newJWKSServer(t *testing.T, keys ...jwkset.JWK) *jwksServer {
	s := &jwksServer{keys: keys}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		delay, down := s.delay, s.down
		s.arrivals++
		s.mu.Unlock()
		time.Sleep(delay)
		if down {
			s.mu.Lock()
			s.fetches++
			s.mu.Unlock()
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(s.json(t))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(keys ...jwkset.JWK) { s.mu.Lock(); s.keys = keys; s.mu.Unlock() }

func (s *jwksServer) json(t *testing.T) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fetches++
	return jwksJSON(t, s.keys...)
}

func (s *jwksServer) fetched() int { s.mu.Lock(); defer s.mu.Unlock(); return s.fetches }

func jwksJSON(t testing.TB, keys ...jwkset.JWK) []byte {
	t.Helper()
	set := jwkset.JWKSMarshal{}
	for _, k := range keys {
		set.Keys = append(set.Keys, k.Marshal())
	}
	raw, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// signingKey is a private key and its public JWK.
type signingKey struct {
	kid, alg string
	private  crypto.Signer
}

func newRSAKey(t testing.TB, kid string) signingKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return signingKey{kid, "RS256", k}
}

func newECKey(t testing.TB, kid string) signingKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return signingKey{kid, "ES256", k}
}

func (k signingKey) jwk(t testing.TB) jwkset.JWK {
	t.Helper()
	j, err := jwkset.NewJWKFromKey(k.private.Public(), jwkset.JWKOptions{Metadata: jwkset.JWKMetadataOptions{KID: k.kid, USE: jwkset.UseSig}})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// token signs claims with k under its algorithm (or alg when given).
func (k signingKey) token(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.GetSigningMethod(k.alg), claims)
	tok.Header["kid"] = k.kid
	s, err := tok.SignedString(k.private)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// madeUpTokens are n valid-looking tokens of key ids no JWKS holds, signed
// by a key of the caller's own (anyone can make them), made before any
// timing starts.
func madeUpTokens(t testing.TB, n int) []string {
	forger := newRSAKey(t, "")
	toks := make([]string, n)
	for i := range toks {
		toks[i] = signingKey{fmt.Sprint("made-up-", i), "RS256", forger.private}.token(t, claims("mallory", time.Hour))
	}
	return toks
}

func claims(sub string, exp time.Duration, edits ...func(jwt.MapClaims)) jwt.MapClaims {
	c := jwt.MapClaims{"iss": "https://idp.example", "aud": "execgraph", "sub": sub, "iat": time.Now().Add(-time.Minute).Unix(), "exp": time.Now().Add(exp).Unix()}
	for _, e := range edits {
		e(c)
	}
	return c
}

// TestJWTAuth: tokens signed by a JWKS key with an allowed algorithm, for the
// issuer and audience, not expired (60 s of skew), are accepted; expired
// ones, other audiences and issuers, algorithms not allowed (none, HMAC with
// the public key, RS384) are 401. A key added to the JWKS is picked up
// without a restart, from a URL and from a file.
func TestJWTAuth(t *testing.T) {
	rsaKey, ecKey, rotated := newRSAKey(t, "k1"), newECKey(t, "k2"), newRSAKey(t, "k3")
	jwks := newJWKSServer(t, rsaKey.jwk(t), ecKey.jwk(t))
	file := filepath.Join(t.TempDir(), "jwks.json")
	writeFile(t, file, string(jwksJSON(t, rsaKey.jwk(t), ecKey.jwk(t))))
	hmacWithPublic := func() string {
		der, _ := x509.MarshalPKIXPublicKey(rsaKey.private.Public())
		pub := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims("mallory", time.Hour))
		tok.Header["kid"] = "k1"
		s, _ := tok.SignedString(pub)
		return s
	}
	unsigned := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodNone, claims("mallory", time.Hour))
		s, _ := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
		return s
	}
	rs384 := signingKey{"k1", "RS384", rsaKey.private}
	for _, source := range []string{"url", "file"} {
		t.Run(source, func(t *testing.T) {
			m := startGateway(t, func(c *Config) {
				c.Auth, c.JWTIssuer, c.JWTAudience = "jwt", "https://idp.example", "execgraph"
				if source == "url" {
					c.JWKSURL = jwks.URL
				} else {
					c.JWKSFile = file
				}
			})
			for _, tc := range []struct {
				name   string
				token  string
				status int
			}{
				{"RS256", rsaKey.token(t, claims("alice", time.Hour)), 200},
				{"ES256", ecKey.token(t, claims("bob", time.Hour)), 200},
				{"expired within the skew", rsaKey.token(t, claims("alice", -30*time.Second)), 200},
				{"expired", rsaKey.token(t, claims("alice", -2*time.Minute)), 401},
				{"no expiry", rsaKey.token(t, claims("alice", time.Hour, func(c jwt.MapClaims) { delete(c, "exp") })), 401},
				{"wrong audience", rsaKey.token(t, claims("alice", time.Hour, func(c jwt.MapClaims) { c["aud"] = "other-service" })), 401},
				{"wrong issuer", rsaKey.token(t, claims("alice", time.Hour, func(c jwt.MapClaims) { c["iss"] = "https://evil.example" })), 401},
				{"algorithm not allowed (RS384)", rs384.token(t, claims("alice", time.Hour)), 401},
				{"HMAC with the public key", hmacWithPublic(), 401},
				{"alg none", unsigned(), 401},
				{"a known key id, signed by another key", newRSAKey(t, "k1").token(t, claims("alice", time.Hour)), 401},
				{"garbage", "not.a.jwt", 401},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := request(t, m, http.MethodPost, "/graphql", map[string]string{"Authorization": "Bearer " + tc.token}, typenameQuery)
					if r.status != tc.status {
						t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
					}
					if tc.status == 401 && firstCode(t, r.body) != "UNAUTHENTICATED" {
						t.Errorf("body %s", r.body)
					}
				})
			}
			// Rotation: a token of a new key is refused until the JWKS
			// holds it, then accepted without a restart.
			tok := rotated.token(t, claims("carol", time.Hour))
			if source == "url" {
				// A token that would be refused whatever its key (another
				// audience or issuer, expired) never makes the JWKS be
				// fetched again, even when it names a key not yet seen:
				// junk tokens cannot hammer the identity provider.
				before := jwks.fetched()
				for _, c := range []jwt.MapClaims{
					claims("mallory", time.Hour, func(c jwt.MapClaims) { c["aud"] = "other-service" }),
					claims("mallory", time.Hour, func(c jwt.MapClaims) { c["iss"] = "https://evil.example" }),
					claims("mallory", -time.Hour),
				} {
					if r := request(t, m, http.MethodPost, "/graphql", map[string]string{"Authorization": "Bearer " + rotated.token(t, c)}, typenameQuery); r.status != 401 {
						t.Fatalf("%v: status %d", c, r.status)
					}
				}
				if n := jwks.fetched() - before; n != 0 {
					t.Errorf("refused tokens of an unknown key fetched the JWKS %d times, want 0", n)
				}
			}
			if source == "file" {
				if r := request(t, m, http.MethodPost, "/graphql", map[string]string{"Authorization": "Bearer " + tok}, typenameQuery); r.status != 401 {
					t.Fatalf("token of a key not yet in the file: %d", r.status)
				}
				writeFile(t, file, string(jwksJSON(t, rsaKey.jwk(t), rotated.jwk(t))))
			} else {
				jwks.set(rsaKey.jwk(t), rotated.jwk(t))
			}
			if r := request(t, m, http.MethodPost, "/graphql", map[string]string{"Authorization": "Bearer " + tok}, typenameQuery); r.status != 200 {
				t.Fatalf("token of the rotated key: %d %s", r.status, r.body)
			}
			if source == "file" {
				writeFile(t, file, string(jwksJSON(t, rsaKey.jwk(t), ecKey.jwk(t)))) // restore for nothing else; keeps the file valid
			} else {
				// The rotation spent the JWKS refetch for 10 s. Tokens of
				// made-up key ids (anyone can sign with a key of their own)
				// are then refused at once, not queued for the next
				// refetch one behind the other.
				toks := madeUpTokens(t, 8)
				start := time.Now()
				var wg sync.WaitGroup
				for _, tok := range toks {
					wg.Go(func() {
						if r := request(t, m, http.MethodPost, "/graphql", map[string]string{"Authorization": "Bearer " + tok}, typenameQuery); r.status != 401 {
							t.Errorf("token of a made-up key: %d", r.status)
						}
					})
				}
				wg.Wait()
				if d := time.Since(start); d > 3*time.Second {
					t.Errorf("8 tokens of made-up keys took %v to refuse: they waited for the JWKS refetch", d)
				}
			}
		})
	}
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	// A new name then a rename, so that a reader never sees half a file,
	// and a modification time that differs from the last write's.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err == nil {
		_ = os.Chtimes(tmp, time.Now(), st.ModTime().Add(time.Second))
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// TestKeyFilesFailClosed: a key file that changes into something that does
// not parse, or disappears, accepts no key at all until it is fixed, never
// the keys it held before; a fixed file is picked up without a restart.
func TestKeyFilesFailClosed(t *testing.T) {
	status := func(m *Main, header map[string]string) int {
		return request(t, m, http.MethodPost, "/graphql", header, typenameQuery).status
	}
	t.Run("api-key", func(t *testing.T) {
		const alice, bob = "alice-key-0123456789abcdef", "bob-key-0123456789abcdefgh"
		file := filepath.Join(t.TempDir(), "keys")
		writeFile(t, file, alice+" alice\n")
		m := startGateway(t, func(c *Config) { c.Auth, c.APIKeysFile = "api-key", file })
		as := func(key string) int { return status(m, map[string]string{"X-Api-Key": key}) }
		if got := as(alice); got != 200 {
			t.Fatalf("alice: %d", got)
		}
		writeFile(t, file, alice+" alice\nsha256:not-hex mallory\n")
		waitFor(t, "a malformed file to refuse alice", func() bool { return as(alice) == 401 })
		writeFile(t, file, bob+" bob\n")
		waitFor(t, "the fixed file to accept bob", func() bool { return as(bob) == 200 })
		if got := as(alice); got != 401 {
			t.Errorf("alice, removed from the file: %d", got)
		}
		if err := os.Remove(file); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "a deleted file to refuse bob", func() bool { return as(bob) == 401 })
	})
	t.Run("jwks-file", func(t *testing.T) {
		key := newRSAKey(t, "k1")
		file := filepath.Join(t.TempDir(), "jwks.json")
		writeFile(t, file, string(jwksJSON(t, key.jwk(t))))
		m := startGateway(t, func(c *Config) {
			c.Auth, c.JWTIssuer, c.JWTAudience, c.JWKSFile = "jwt", "https://idp.example", "execgraph", file
		})
		bearer := map[string]string{"Authorization": "Bearer " + key.token(t, claims("alice", time.Hour))}
		if got := status(m, bearer); got != 200 {
			t.Fatalf("alice: %d", got)
		}
		writeFile(t, file, `{"keys": [`)
		waitFor(t, "a malformed JWKS to refuse alice", func() bool { return status(m, bearer) == 401 })
		writeFile(t, file, string(jwksJSON(t, key.jwk(t))))
		waitFor(t, "the fixed JWKS to accept alice", func() bool { return status(m, bearer) == 200 })
	})
}

// TestJWKSRefetchFromASlowProvider: with a JWKS URL that takes 300 ms to
// answer, a key that appears in it is accepted by the first tokens that
// name it, all waiting for one fetch; a forged token that starts that fetch
// and hangs up does not cancel it; once the refetch is spent, tokens of
// made-up keys are refused at once and fetch nothing.
func TestJWKSRefetchFromASlowProvider(t *testing.T) {
	old, rotated := newRSAKey(t, "old"), newRSAKey(t, "new")
	jwks := newJWKSServer(t, old.jwk(t))
	m := startGateway(t, func(c *Config) {
		c.Auth, c.JWTIssuer, c.JWTAudience, c.JWKSURL = "jwt", "https://idp.example", "execgraph", jwks.URL
	})
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }
	if r := request(t, m, http.MethodPost, "/graphql", bearer(old.token(t, claims("alice", time.Hour))), typenameQuery); r.status != 200 {
		t.Fatalf("token of the key at start: %d", r.status)
	}
	jwks.mu.Lock()
	jwks.delay = 300 * time.Millisecond
	jwks.mu.Unlock()
	jwks.set(old.jwk(t), rotated.jwk(t))
	before := jwks.fetched()
	jwks.mu.Lock()
	if jwks.arrivals != before {
		t.Fatalf("%d requests arrived, %d served", jwks.arrivals, before)
	}
	jwks.mu.Unlock()

	// A forged token of a made-up key starts the fetch, and its client
	// hangs up at once.
	forged := madeUpTokens(t, 1)[0]
	req, _ := http.NewRequest(http.MethodPost, m.URL+"/graphql", strings.NewReader(typenameQuery))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+forged)
	if resp, err := (&http.Client{Timeout: 30 * time.Millisecond}).Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the forged request was answered in 30 ms (%d): it did not wait for the fetch", resp.StatusCode)
	}
	// The fetch the forged request started reaches the identity provider
	// (before any other token is sent, so no other request started it).
	jwks.mu.Lock()
	arrived := jwks.arrivals
	jwks.mu.Unlock()
	for deadline := time.Now().Add(5 * time.Second); arrived == before && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
		jwks.mu.Lock()
		arrived = jwks.arrivals
		jwks.mu.Unlock()
	}
	if arrived != before+1 {
		t.Fatalf("%d fetches reached the identity provider after the forged token, want 1", arrived-before)
	}
	// Tokens of the new key, at once: all accepted, through that fetch.
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if r := request(t, m, http.MethodPost, "/graphql", bearer(rotated.token(t, claims(fmt.Sprint("user-", i), time.Hour))), typenameQuery); r.status != 200 {
				t.Errorf("token of the new key: %d %s", r.status, r.body)
			}
		})
	}
	wg.Wait()
	if n := jwks.fetched() - before; n != 1 {
		t.Errorf("%d fetches of the JWKS, want 1 shared by every waiting request", n)
	}
	// The refetch is spent for 10 s: made-up keys are refused at once.
	toks := madeUpTokens(t, 8)
	start := time.Now()
	for _, tok := range toks {
		wg.Go(func() {
			if r := request(t, m, http.MethodPost, "/graphql", bearer(tok), typenameQuery); r.status != 401 {
				t.Errorf("token of a made-up key: %d", r.status)
			}
		})
	}
	wg.Wait()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("8 tokens of made-up keys took %v to refuse", d)
	}
	if n := jwks.fetched() - before; n != 1 {
		t.Errorf("%d fetches of the JWKS after the made-up keys, want still 1", n)
	}
}

// TestJWKSOutageKeepsKeys: when the identity provider fails, the keys in
// force stay: a refetch that fails revokes nothing.
func TestJWKSOutageKeepsKeys(t *testing.T) {
	key := newRSAKey(t, "k")
	jwks := newJWKSServer(t, key.jwk(t))
	m := startGateway(t, func(c *Config) {
		c.Auth, c.JWTIssuer, c.JWTAudience, c.JWKSURL = "jwt", "https://idp.example", "execgraph", jwks.URL
	})
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }
	good := key.token(t, claims("alice", time.Hour))
	if r := request(t, m, http.MethodPost, "/graphql", bearer(good), typenameQuery); r.status != 200 {
		t.Fatalf("token of the key: %d", r.status)
	}
	jwks.mu.Lock()
	jwks.down = true
	jwks.mu.Unlock()
	before := jwks.fetched()
	if r := request(t, m, http.MethodPost, "/graphql", bearer(madeUpTokens(t, 1)[0]), typenameQuery); r.status != 401 {
		t.Fatalf("token of a made-up key: %d", r.status)
	}
	if jwks.fetched() != before+1 {
		t.Fatalf("the made-up key fetched the JWKS %d times, want 1", jwks.fetched()-before)
	}
	if r := request(t, m, http.MethodPost, "/graphql", bearer(good), typenameQuery); r.status != 200 {
		t.Errorf("token of the key after a failed fetch: %d", r.status)
	}
}
