package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
)

// DefaultAlgorithms are the JWT signing algorithms accepted by default.
var DefaultAlgorithms = []string{"RS256", "ES256"}

// asymmetric are the algorithms that may be allowed: never "none", and never
// HMAC, whose key would be the public key of the JWKS (the classic
// algorithm-confusion attack).
var asymmetric = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// Leeway is the clock skew allowed on exp, nbf and iat.
const Leeway = 60 * time.Second

// JWTConfig configures JWT verification.
type JWTConfig struct {
	JWKSURL    string   // a JWKS served over HTTP(S): see remoteJWKS
	JWKSFile   string   // or a JWKS file, read again when it changes (air-gapped setups, tests)
	Issuer     string   // required: the iss every token must carry
	Audience   string   // required: a value the token's aud must contain
	Algorithms []string // allowed signing algorithms (default DefaultAlgorithms)
}

// CheckAlgorithms returns an error naming the first algorithm that may not
// be allowed.
func CheckAlgorithms(algs []string) error {
	if len(algs) == 0 {
		return errors.New("no JWT algorithm allowed")
	}
	for _, a := range algs {
		if !slices.Contains(asymmetric, a) {
			return fmt.Errorf("JWT algorithm %q is not allowed: choose among %s (never none or HMAC)", a, strings.Join(asymmetric, ", "))
		}
	}
	return nil
}

// JWT admits requests with "Authorization: Bearer <JWT>" signed by a key of
// the JWKS with an allowed algorithm, from the issuer, for the audience,
// not expired (60 s of skew allowed). The identity is the token's subject.
type JWT struct {
	issuer, audience string
	parser           *jwt.Parser
	keyfunc          func(context.Context) jwt.Keyfunc // the request's context: a wait for keys ends with it
}

// NewJWT returns a JWT authenticator. With a JWKS URL, it fetches the keys
// in the background (ctx ends the refreshing); an unreachable URL at start
// does not fail: tokens are refused until the keys arrive.
func NewJWT(ctx context.Context, c JWTConfig) (*JWT, error) {
	if c.Algorithms == nil {
		c.Algorithms = DefaultAlgorithms
	}
	if err := CheckAlgorithms(c.Algorithms); err != nil {
		return nil, err
	}
	switch {
	case c.Issuer == "":
		return nil, errors.New("-auth jwt needs -jwt-issuer: tokens of any issuer would be accepted")
	case c.Audience == "":
		return nil, errors.New("-auth jwt needs -jwt-audience: tokens meant for other services would be accepted")
	case (c.JWKSURL == "") == (c.JWKSFile == ""):
		return nil, errors.New("-auth jwt needs exactly one of -jwt-jwks-url and -jwt-jwks-file")
	}
	var kf func(context.Context) jwt.Keyfunc
	if c.JWKSURL != "" {
		kf = newRemoteJWKS(ctx, c.JWKSURL).keyfunc
	} else {
		f, err := watchFile(c.JWKSFile, parseJWKS, noKeys)
		if err != nil {
			return nil, fmt.Errorf("-jwt-jwks-file: %w", err)
		}
		k := fileKeyfunc(f)
		kf = func(context.Context) jwt.Keyfunc { return k }
	}
	return &JWT{
		issuer: c.Issuer, audience: c.Audience,
		parser: jwt.NewParser(jwt.WithValidMethods(c.Algorithms), jwt.WithIssuer(c.Issuer), jwt.WithAudience(c.Audience),
			jwt.WithLeeway(Leeway), jwt.WithExpirationRequired(), jwt.WithIssuedAt()),
		keyfunc: kf,
	}, nil
}

func parseJWKS(data []byte) (jwt.Keyfunc, error) {
	var probe struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &probe); err != nil || len(probe.Keys) == 0 {
		return nil, errors.New("not a JWKS with keys")
	}
	k, err := keyfunc.NewJWKSetJSON(data)
	if err != nil {
		return nil, err
	}
	return k.Keyfunc, nil
}

// errNoKeys: no JWKS is in force (a broken file, a URL not fetched yet).
var errNoKeys = errors.New("no JWKS in force: the file is missing or broken, or the URL not fetched yet")

// noKeys is the key set while no JWKS is in force: it verifies nothing.
func noKeys(*jwt.Token) (any, error) { return nil, errNoKeys }

// fileKeyfunc finds a token's key in the JWKS file, reading the file again
// at once when the token names a key it does not hold (key rotation).
func fileKeyfunc(f *watchedFile[jwt.Keyfunc]) jwt.Keyfunc {
	return func(t *jwt.Token) (any, error) {
		key, err := f.get()(t)
		if err != nil {
			key, err = f.force()(t)
		}
		return key, err
	}
}

// Authenticate verifies the bearer token.
func (j *JWT) Authenticate(r *http.Request) (Identity, error) {
	raw := bearer(r)
	if raw == "" {
		return Identity{}, errors.New("no bearer token")
	}
	// The claims are checked before any key is looked up, so a token that
	// could not be accepted anyway never makes the JWKS be fetched again.
	var claims jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(raw, &claims); err != nil {
		return Identity{}, fmt.Errorf("JWT refused: %w", err)
	}
	if !j.acceptable(claims, time.Now()) {
		return Identity{}, errors.New("JWT refused: wrong issuer or audience, no subject, expired or not valid yet")
	}
	claims = jwt.RegisteredClaims{}
	if _, err := j.parser.ParseWithClaims(raw, &claims, j.keyfunc(r.Context())); err != nil {
		return Identity{}, fmt.Errorf("JWT refused: %w", err)
	}
	if claims.Subject == "" {
		return Identity{}, errors.New("JWT refused: no subject")
	}
	return Identity{Method: ModeJWT, Name: claims.Subject}, nil
}

// acceptable reports whether unverified claims could pass the verified
// parse at now: the issuer and audience, a subject, exp, and nbf and iat
// (when present) within Leeway. A token that fails it is refused before
// any key is looked up.
func (j *JWT) acceptable(c jwt.RegisteredClaims, now time.Time) bool {
	future := func(t *jwt.NumericDate) bool { return t != nil && t.After(now.Add(Leeway)) }
	return c.Issuer == j.issuer && slices.Contains(c.Audience, j.audience) && c.Subject != "" &&
		c.ExpiresAt != nil && !now.After(c.ExpiresAt.Add(Leeway)) && !future(c.NotBefore) && !future(c.IssuedAt)
}

func (j *JWT) Challenge() string { return `Bearer realm="execgraph", error="invalid_token"` }
