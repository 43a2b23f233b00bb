package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/rs/cors"

	"github.com/execgraph/execgraph/internal/apperr"
)

// routes returns the gateway's HTTP handler:
//
//	POST, GET /graphql   GraphQL over HTTP
//	GET /                GraphiQL, opened on exampleQuery
//	GET /healthz         liveness: 200 {"status":"ok"}
//
// Browsers of the origins allowed (comma-separated; none by default) may
// call /graphql across origins (CORS, with preflight).
func routes(gql http.Handler, maxBody int64, exampleQuery, corsOrigins string) http.Handler {
	mux := http.NewServeMux()
	var api http.Handler = guardGraphQL(gql, maxBody)
	if corsOrigins != "" {
		api = cors.New(cors.Options{
			AllowedOrigins: strings.Split(corsOrigins, ","),
			AllowedMethods: []string{http.MethodGet, http.MethodPost},
			AllowedHeaders: []string{"Content-Type", "Accept", "Authorization"},
			MaxAge:         600,
		}).Handler(api)
	}
	mux.Handle("/graphql", api)
	graphiql := playground.Handler("execgraph", "/graphql", playground.WithGraphiqlPersistStateInURL(true))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("query") == "" {
			http.Redirect(w, r, "/?query="+url.QueryEscape(exampleQuery), http.StatusFound)
			return
		}
		graphiql(w, r)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	})
	return mux
}

// guardGraphQL turns away what gqlgen's transports would answer without an
// error code: other methods, other content types, bodies over maxBody bytes
// and malformed JSON. Each gets a GraphQL-shaped error with extensions.code.
func guardGraphQL(next http.Handler, maxBody int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			q := r.URL.Query()
			for _, name := range []string{"variables", "extensions"} {
				if v := q.Get(name); v != "" && !isJSONObject([]byte(v)) {
					writeHTTPError(w, http.StatusBadRequest, apperr.BadRequest, "the "+name+" parameter must be a JSON object")
					return
				}
			}
			next.ServeHTTP(w, r)
			return
		case http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		case http.MethodPost:
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			writeHTTPError(w, http.StatusMethodNotAllowed, apperr.BadRequest, "use GET or POST")
			return
		}
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "application/json" {
			writeHTTPError(w, http.StatusUnsupportedMediaType, apperr.BadRequest, "POST bodies must be application/json")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			writeHTTPError(w, http.StatusRequestEntityTooLarge, apperr.BadRequest, fmt.Sprintf("request body larger than %d bytes", maxBody))
			return
		case err != nil:
			writeHTTPError(w, http.StatusBadRequest, apperr.BadRequest, "could not read the request body")
			return
		case !json.Valid(body):
			writeHTTPError(w, http.StatusBadRequest, apperr.BadRequest, "the request body is not valid JSON")
			return
		case !isRequest(body):
			writeHTTPError(w, http.StatusBadRequest, apperr.BadRequest,
				`the request body must be a GraphQL request: {"query": string, "operationName": string, "variables": object, "extensions": object}`)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// isRequest reports whether body has the shape of a GraphQL-over-HTTP request.
func isRequest(body []byte) bool {
	var req struct {
		Query         *string        `json:"query"`
		OperationName *string        `json:"operationName"`
		Variables     map[string]any `json:"variables"`
		Extensions    map[string]any `json:"extensions"`
	}
	return json.Unmarshal(body, &req) == nil
}

func isJSONObject(b []byte) bool {
	var m map[string]any
	return json.Unmarshal(b, &m) == nil
}

// withDeadline gives each request a deadline, so that the AWS calls of a
// request whose response can no longer be written stop.
func withDeadline(next http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// writeHTTPError writes a GraphQL-over-HTTP error response.
func writeHTTPError(w http.ResponseWriter, status int, code apperr.Code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": code}}},
	})
}
