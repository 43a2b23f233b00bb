// Package apperr is execgraph's one error vocabulary. Sources translate AWS
// errors into it once; the GraphQL layer translates it once more into
// extensions.code. Messages are safe to show to clients; the cause (Err) is
// only logged.
package apperr

import (
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// Code is what a client can act on; it becomes extensions.code.
type Code string

// The codes clients see.
const (
	BadRequest    Code = "BAD_REQUEST"    // not a GraphQL request: method, content type, body size, JSON
	BadUserInput  Code = "BAD_USER_INPUT" // arguments out of range, malformed ids
	InvalidCursor Code = "INVALID_CURSOR" // garbage, foreign or expired cursor
	NotFound      Code = "NOT_FOUND"      // the AWS resource does not exist
	Throttled     Code = "THROTTLED"      // AWS throttled and retries ran out
	Forbidden     Code = "FORBIDDEN"      // AWS denied access
	Upstream      Code = "UPSTREAM_ERROR" // AWS failed (5xx) after retries, or answered nonsense
	Internal      Code = "INTERNAL"       // a bug: "internal error", details in the log

	Unauthenticated  Code = "UNAUTHENTICATED"             // no valid credential (HTTP 401)
	CrossSite        Code = "CROSS_SITE_REQUEST"          // a browser sent the request from another site (HTTP 403)
	HostNotAllowed   Code = "HOST_NOT_ALLOWED"            // the Host header is not one -allowed-hosts names (HTTP 421)
	RequestTimeout   Code = "REQUEST_TIMEOUT"             // the request ran past -request-timeout
	TooManyRequests  Code = "TOO_MANY_REQUESTS"           // the gateway is at its limit of requests in flight (HTTP 503)
	NotAllowed       Code = "PERSISTED_QUERY_NOT_ALLOWED" // only trusted documents may run (-trusted-documents)
	PersistedMissing Code = "PERSISTED_QUERY_NOT_FOUND"   // a persisted query or document id the gateway does not know

	// Limits of the front door, each checked before any AWS call.
	TokenLimit       Code = "TOKEN_LIMIT_EXCEEDED"      // -max-tokens
	DepthLimit       Code = "DEPTH_LIMIT_EXCEEDED"      // -max-depth
	AliasLimit       Code = "ALIAS_LIMIT_EXCEEDED"      // -max-aliases
	RootFieldLimit   Code = "ROOT_FIELD_LIMIT_EXCEEDED" // -max-root-fields
	DirectiveLimit   Code = "DIRECTIVE_LIMIT_EXCEEDED"  // -max-directives
	FieldLimit       Code = "FIELD_LIMIT_EXCEEDED"      // -max-fields
	ComplexityLimit  Code = "COMPLEXITY_LIMIT_EXCEEDED" // -max-query-cost
	IntrospectionOff Code = "INTROSPECTION_DISABLED"    // -introspection=false
)

// Error is an error with a client-facing code and message.
type Error struct {
	Code       Code
	Message    string         // safe for clients
	Service    string         // the AWS service involved, if any
	RequestID  string         // the AWS request id, if any
	RetryAfter time.Duration  // when AWS said, for THROTTLED
	Extra      map[string]any // more extensions, such as the index of a failed source
	Err        error          // the cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an Error with a formatted client message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of err, or Internal when err carries none.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// maxQuoted is how much of a client's input an error message may quote.
const maxQuoted = 200

// Quote returns s quoted for an error message, cut to its first 200 bytes
// (at a character boundary) with "…" after the quote when it was longer: a
// client's input is never echoed whole.
func Quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}
