// Package auth authenticates the callers of the gateway: by API key, by JWT
// (verified against a JWKS), or not at all. A refused request gets HTTP 401
// with WWW-Authenticate and one GraphQL error coded UNAUTHENTICATED; why it
// was refused goes to the log only, never to the client.
package auth

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/obs"
)

// Modes of -auth.
const (
	ModeNone   = "none"
	ModeAPIKey = "api-key"
	ModeJWT    = "jwt"
)

// Identity is who made a request: a key's name or a JWT's subject. It goes
// to the request log; it is never a secret.
type Identity struct {
	Method string // "none", "api-key" or "jwt"
	Name   string // the key's name, the JWT's subject; "anonymous" without auth
}

func (id Identity) String() string { return id.Method + ":" + id.Name }

// Authenticator decides who made a request. Authenticate returns an error
// saying why a request is refused; that reason is logged, not sent.
type Authenticator interface {
	Authenticate(r *http.Request) (Identity, error)
	// Challenge is the WWW-Authenticate header of a refusal.
	Challenge() string
}

// None admits every request as "anonymous".
type None struct{}

func (None) Authenticate(*http.Request) (Identity, error) {
	return Identity{Method: ModeNone, Name: "anonymous"}, nil
}

func (None) Challenge() string { return "" }

type ctxKey struct{}

// From returns the identity of the request, or the zero Identity when it
// did not go through Middleware.
func From(ctx context.Context) Identity {
	id, _ := ctx.Value(ctxKey{}).(Identity)
	return id
}

// With returns ctx carrying id.
func With(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// Middleware admits the requests a authenticates, with their identity in
// the context, and refuses the others with 401 before any other work.
func Middleware(a Authenticator, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := a.Authenticate(r)
		if err != nil {
			slog.WarnContext(r.Context(), "request refused: not authenticated", "requestId", obs.From(r.Context()).ID, "reason", err.Error(), "remote", r.RemoteAddr)
			obs.From(r.Context()).AddCode(string(apperr.Unauthenticated))
			if c := a.Challenge(); c != "" {
				w.Header().Set("WWW-Authenticate", c)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{
				"message":    "authentication required: send a valid credential in the Authorization header",
				"extensions": map[string]any{"code": apperr.Unauthenticated},
			}}})
			return
		}
		obs.From(r.Context()).SetIdentity(id.String())
		next.ServeHTTP(w, r.WithContext(With(r.Context(), id)))
	})
}

// bearer returns the token of an "Authorization: Bearer <token>" header, or "".
func bearer(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}
