package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/rs/cors"

	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/auth"
	"github.com/execgraph/execgraph/internal/graphiql"
	"github.com/execgraph/execgraph/internal/obs"
	"github.com/execgraph/execgraph/internal/upstream"
)

// routes returns the gateway's HTTP handler:
//
//	POST, GET /graphql   GraphQL over HTTP (authenticated, CSRF-guarded, CORS)
//	GET /                GraphiQL (served from the binary), opened on exampleQuery
//	GET /metrics         Prometheus metrics (authenticated; or on -metrics-addr)
//	GET /healthz         liveness: 200 {"status":"ok"} while the process serves
//	GET /readyz          readiness: 200 when AWS credentials resolve, 503 otherwise
//
// Every route but the health checks answers only the Host names -allowed-hosts
// lists (DNS rebinding).
func (m *Main) routes(gql http.Handler, authn auth.Authenticator) http.Handler {
	c := m.Config
	api := withDeadline(gql, c.RequestTimeout)
	api = auth.Middleware(authn, api)
	if len(c.CORSOrigins) > 0 {
		api = cors.New(cors.Options{
			AllowedOrigins: c.CORSOrigins,
			AllowedMethods: []string{http.MethodGet, http.MethodPost},
			AllowedHeaders: []string{"Content-Type", "Accept", "Authorization", "X-Api-Key", "X-Request-Id"},
			MaxAge:         600,
		}).Handler(api)
	}
	api = crossSiteGuard(c.CORSOrigins, api)

	mux := http.NewServeMux()
	mux.Handle("/graphql", api)
	if c.MetricsAddr == "" {
		// Scrapers authenticate like any client (Prometheus sends bearer
		// tokens); -metrics-addr serves them apart, without.
		mux.Handle("GET /metrics", auth.Middleware(authn, m.Metrics.Handler()))
	}
	page := graphiql.Handler(graphiql.Options{Endpoint: "/graphql", DefaultQuery: m.example, Title: "execgraph"})
	mux.Handle("/{$}", page)
	mux.Handle(graphiql.AssetPrefix, page)
	guarded := m.Metrics.Count("/graphql", hostGuard(c.AllowedHosts, mux))

	top := http.NewServeMux()
	top.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	top.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		rep := m.readiness.report()
		status := http.StatusOK
		if !rep.Ready {
			status = http.StatusServiceUnavailable
		}
		writeJSON(w, status, rep)
	})
	top.Handle("/", guarded)
	return obs.Middleware(slog.Default(), top)
}

// hostGuard answers only requests whose Host is one of hosts (any, when
// hosts is empty): a page whose DNS name was rebound to this address gets
// 421 and no data.
func hostGuard(hosts []string, next http.Handler) http.Handler {
	if len(hosts) == 0 {
		return next
	}
	allowed := make([]string, len(hosts))
	for i, h := range hosts {
		allowed[i] = canonicalHost(h)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = canonicalHost(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
		if !slices.ContainsFunc(allowed, func(h string) bool { return strings.EqualFold(h, host) }) {
			slog.WarnContext(r.Context(), "request refused: Host not allowed", "host", obs.Clip(r.Host, 100), "remote", r.RemoteAddr)
			writeHTTPError(w, r, http.StatusMisdirectedRequest, apperr.HostNotAllowed, "this gateway does not serve that host name (see -allowed-hosts)")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// canonicalHost writes an IP address one way (::ffff:127.0.0.2 and
// ::ffff:7f00:2 are the same address); a name stays as it is.
func canonicalHost(h string) string {
	if a, err := netip.ParseAddr(h); err == nil {
		return a.String()
	}
	return h
}

// crossSiteGuard refuses, with 403, a request that a browser sent from
// another site: Go's CrossOriginProtection (Sec-Fetch-Site, then Origin
// against Host), applied to GET too, since a GET query costs AWS calls.
// The origins of -cors-origins are trusted; with "*" any origin is, which
// the configuration allows only with authentication. Clients that are not
// browsers send neither header and pass.
func crossSiteGuard(origins []string, next http.Handler) http.Handler {
	if slices.Contains(origins, "*") {
		return next
	}
	cop := http.NewCrossOriginProtection()
	for _, o := range origins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			panic(fmt.Sprintf("origin %q passed the flag check: %v", o, err)) // checkOrigins accepts only origins
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		probe := r
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			// CrossOriginProtection lets safe methods through; GraphQL
			// queries over GET are not safe in that sense.
			shallow := *r
			shallow.Method = http.MethodPost
			probe = &shallow
		}
		if err := cop.Check(probe); err != nil {
			slog.WarnContext(r.Context(), "request refused: cross-site", "origin", obs.Clip(r.Header.Get("Origin"), 100), "secFetchSite", obs.Clip(r.Header.Get("Sec-Fetch-Site"), 40))
			writeHTTPError(w, r, http.StatusForbidden, apperr.CrossSite, "cross-site requests are refused: a browser page of another origin may call this gateway only if -cors-origins names it")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// withDeadline gives each request a deadline that every resolver and AWS
// call obeys, and an upstream budget that its price sets.
func withDeadline(next http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(upstream.WithBudget(r.Context()), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// writeHTTPError writes a GraphQL-over-HTTP error response.
func writeHTTPError(w http.ResponseWriter, r *http.Request, status int, code apperr.Code, msg string) {
	obs.From(r.Context()).AddCode(string(code))
	writeJSON(w, status, map[string]any{
		"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": code}}},
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
