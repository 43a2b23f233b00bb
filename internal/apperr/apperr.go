// Package apperr is execgraph's one error vocabulary. Sources translate AWS
// errors into it once; the GraphQL layer translates it once more into
// extensions.code. Messages are safe to show to clients; the cause (Err) is
// only logged.
package apperr

import (
	"errors"
	"fmt"
	"time"
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
