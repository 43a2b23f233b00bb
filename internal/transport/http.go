// Package transport serves GraphQL over HTTP (POST and GET), as the
// GraphQL-over-HTTP specification has it: application/json and
// application/graphql-response+json, persisted documents (documentId and
// Apollo's persistedQuery), and responses written as the executor encoded
// them, never re-encoded.
package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/frontdoor"
	"github.com/execgraph/execgraph/internal/obs"
)

// Media types of GraphQL responses.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// Handler is the /graphql endpoint.
type Handler struct {
	Exec      graphql.GraphExecutor
	Documents *frontdoor.Documents
	MaxBody   int64
}

// request is a GraphQL-over-HTTP request body.
type request struct {
	Query         *string        `json:"query"`
	OperationName *string        `json:"operationName"`
	Variables     map[string]any `json:"variables"`
	Extensions    map[string]any `json:"extensions"`
	DocumentID    *string        `json:"documentId"`
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		writeError(w, r, http.StatusNotAcceptable, mediaJSON, apperr.BadRequest,
			"none of the Accept header's media types is served: accept application/graphql-response+json or application/json")
		return
	}
	var req request
	switch r.Method {
	case http.MethodPost:
		if status, msg := h.readBody(w, r, &req); status != 0 {
			writeError(w, r, status, media, apperr.BadRequest, msg)
			return
		}
	case http.MethodGet:
		if msg := readQuery(r, &req); msg != "" {
			writeError(w, r, http.StatusBadRequest, media, apperr.BadRequest, msg)
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		writeError(w, r, http.StatusMethodNotAllowed, media, apperr.BadRequest, "use GET or POST")
		return
	}
	obs.From(r.Context()).SetOutcome(h.serve(w, r, media, &req))
}

// serve runs a decoded request and returns its outcome for the metrics:
// ok, error (data and errors), failed (no data) or rejected (did not run).
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, media string, req *request) string {
	ctx := graphql.StartOperationTrace(frontdoor.WithStash(r.Context()))
	query := deref(req.Query)
	text, register, gerr := h.Documents.Resolve(query, frontdoor.Persisted{DocumentID: deref(req.DocumentID), Extensions: req.Extensions})
	if gerr != nil {
		h.requestErrors(ctx, w, media, gqlerror.List{gerr})
		return "rejected"
	}
	if text == "" {
		h.requestErrors(ctx, w, media, gqlerror.List{{Message: "the request has no query (nor a persisted document id)", Extensions: map[string]any{"code": string(apperr.BadRequest)}}})
		return "rejected"
	}
	params := &graphql.RawParams{Query: text, OperationName: deref(req.OperationName), Variables: req.Variables, Extensions: req.Extensions, Headers: r.Header}
	rc, errs := h.Exec.CreateOperationContext(ctx, params)
	if rc != nil && rc.Operation != nil {
		obs.From(ctx).SetOperation(rc.Operation.Name)
	} else if rc != nil {
		obs.From(ctx).SetOperation(rc.OperationName) // the client's word, for the log
	}
	if errs != nil {
		h.requestErrors(graphql.WithOperationContext(ctx, rc), w, media, errs)
		return "rejected"
	}
	if r.Method == http.MethodGet && rc.Operation.Operation != ast.Query {
		w.Header().Set("Allow", "POST")
		writeError(w, r, http.StatusMethodNotAllowed, media, apperr.BadRequest, "only queries run over GET; send "+string(rc.Operation.Operation)+"s with POST")
		return "rejected"
	}
	h.Documents.Register(register, text)
	responses, ctx := h.Exec.DispatchOperation(ctx, rc)
	resp := responses(ctx)
	if resp == nil {
		resp = &graphql.Response{}
	}
	recordCodes(ctx, resp.Errors)
	write(w, http.StatusOK, media, resp, false)
	switch {
	case len(resp.Errors) == 0:
		return "ok"
	case len(resp.Data) == 0 || string(resp.Data) == "null":
		return "failed"
	}
	return "error"
}

// requestErrors answers errors of the request as a whole (it did not run),
// with no data entry: 400 under application/graphql-response+json; under
// application/json, 200 for a well-formed GraphQL-over-HTTP request (one
// whose document does not parse or validate, whose variables do not coerce,
// or that a limit refuses) and 400 for one that is not (BAD_REQUEST: no
// query, a malformed persistedQuery extension), as GraphQL over HTTP has it
// ("Invalid parameters": a request that is not well-formed SHOULD get 400).
func (h *Handler) requestErrors(ctx context.Context, w http.ResponseWriter, media string, errs gqlerror.List) {
	resp := h.Exec.DispatchError(ctx, errs)
	recordCodes(ctx, resp.Errors)
	status := http.StatusOK
	if media == mediaGraphQLResponse || !wellFormed(errs) {
		status = http.StatusBadRequest
	}
	write(w, status, media, resp, true)
}

// wellFormed reports whether request errors leave the request a well-formed
// GraphQL-over-HTTP request: none of them is BAD_REQUEST.
func wellFormed(errs gqlerror.List) bool {
	for _, e := range errs {
		if c, _ := e.Extensions["code"].(string); c == string(apperr.BadRequest) {
			return false
		}
	}
	return true
}

// readBody decodes a POST body: application/json in UTF-8, at most MaxBody
// bytes, one JSON object of the request's shape. It returns the status and
// message of a refusal, or 0.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request, req *request) (int, string) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != mediaJSON {
		return http.StatusUnsupportedMediaType, "POST bodies must be application/json"
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return http.StatusUnsupportedMediaType, "POST bodies must be UTF-8"
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.MaxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", h.MaxBody)
	case err != nil:
		return http.StatusBadRequest, "could not read the request body"
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(req); err != nil {
		if bytes.HasPrefix(bytes.TrimSpace(body), []byte("[")) {
			return http.StatusBadRequest, "batched requests are not supported: send one request per POST"
		}
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return http.StatusBadRequest, "the request body is not valid JSON"
		}
		return http.StatusBadRequest, `the request body must be a GraphQL request: {"query": string, "operationName": string, "variables": object, "extensions": object}`
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return http.StatusBadRequest, "the request body holds more than one JSON value"
	}
	return 0, ""
}

// readQuery reads a GET request's URL parameters. It returns the message
// of a refusal, or "".
func readQuery(r *http.Request, req *request) string {
	q := r.URL.Query()
	for name, dst := range map[string]**string{"query": &req.Query, "operationName": &req.OperationName, "documentId": &req.DocumentID} {
		if v := q.Get(name); v != "" {
			*dst = &v
		}
	}
	for name, dst := range map[string]*map[string]any{"variables": &req.Variables, "extensions": &req.Extensions} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(v))
		dec.UseNumber()
		if err := dec.Decode(dst); err != nil {
			return "the " + name + " parameter must be a JSON object"
		}
	}
	return ""
}

// negotiate picks the response's media type from an Accept header:
// application/graphql-response+json when the client prefers or allows it as
// much as application/json, application/json otherwise (and for no Accept
// header, */* and application/*, as legacy clients expect). false when
// nothing acceptable is served.
func negotiate(accept string) (string, bool) {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON, true
	}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				q = v
			}
		}
		var media string
		switch mt {
		case mediaGraphQLResponse:
			media = mediaGraphQLResponse
		case mediaJSON, "*/*", "application/*":
			media = mediaJSON
		default:
			continue
		}
		if q > bestQ || (q == bestQ && media == mediaGraphQLResponse) {
			best, bestQ = media, q
		}
	}
	return best, best != ""
}

var null = []byte("null")

// write writes a GraphQL response as is: the data the executor encoded is
// written, not decoded and encoded again, nor copied; the length is sent,
// so the client reads no chunks. A request error has no data entry.
func write(w http.ResponseWriter, status int, media string, resp *graphql.Response, requestError bool) {
	head := make([]byte, 0, 64)
	head = append(head, '{')
	if len(resp.Errors) > 0 {
		errs, err := json.Marshal(resp.Errors)
		if err != nil {
			errs = []byte(`[{"message":"internal error","extensions":{"code":"INTERNAL"}}]`)
		}
		head = append(append(head, `"errors":`...), errs...)
	}
	var data []byte
	if !requestError {
		if len(head) > 1 {
			head = append(head, ',')
		}
		head = append(head, `"data":`...)
		if data = resp.Data; len(data) == 0 {
			data = null
		}
	}
	var tail []byte
	if len(resp.Extensions) > 0 {
		if ext, err := json.Marshal(resp.Extensions); err == nil {
			if len(head) > 1 { // after errors or data
				tail = append(tail, ',')
			}
			tail = append(append(tail, `"extensions":`...), ext...)
		}
	}
	tail = append(tail, '}')
	h := w.Header()
	h.Set("Content-Type", media+"; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(head)+len(data)+len(tail)))
	w.WriteHeader(status)
	for _, part := range [][]byte{head, data, tail} {
		if _, err := w.Write(part); err != nil {
			return // the client went away
		}
	}
}

// writeError answers an HTTP-level refusal with one coded GraphQL error.
func writeError(w http.ResponseWriter, r *http.Request, status int, media string, code apperr.Code, msg string) {
	obs.From(r.Context()).AddCode(string(code))
	write(w, status, media, &graphql.Response{Errors: gqlerror.List{{Message: msg, Extensions: map[string]any{"code": string(code)}}}}, true)
}

// recordCodes notes the response's error codes in the request's record.
func recordCodes(ctx context.Context, errs gqlerror.List) {
	rec := obs.From(ctx)
	for _, e := range errs {
		if c, ok := e.Extensions["code"].(string); ok {
			rec.AddCode(c)
		}
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
