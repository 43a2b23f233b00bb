package source

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/execgraph/execgraph/internal/apperr"
)

// Error codes by meaning, across the five services.
var (
	notFoundCodes = set("ResourceNotFoundException", "ResourceNotFound", "ExecutionDoesNotExist", "StateMachineDoesNotExist")
	// Codes that always mean a refused pagination token.
	badTokenCodes = set("InvalidToken", "InvalidPaginationTokenException", "InvalidNextTokenException")
	// Validation codes; on a request that carried a token, Lambda and IoT use
	// them for a refused token too.
	validationCodes = set("ValidationException", "InvalidArn", "InvalidParameterValueException", "InvalidRequestException", "InvalidParameterException", "InvalidName")
	throttleCodes   = set("ThrottlingException", "Throttling", "TooManyRequestsException", "CallRateLimitExceededException",
		"RequestLimitExceeded", "LimitExceededException", "RequestThrottled", "RequestThrottledException", "SlowDown")
	forbiddenCodes = set("AccessDeniedException", "AccessDenied", "UnauthorizedException", "UnrecognizedClientException",
		"InvalidSignatureException", "ExpiredTokenException", "InvalidClientTokenId", "NotAuthorized", "ForbiddenException")
)

// IsThrottle reports whether an AWS error code means throttling.
func IsThrottle(code string) bool { return throttleCodes[code] }

func set(codes ...string) map[string]bool {
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}

// callOf names a call of svc's operation about resource; withToken: it
// carried a pagination token from a cursor.
func callOf(svc *Service, op, resource string, withToken bool) call {
	return call{svc, op, resource, withToken}
}

// call names an upstream call for error translation.
type call struct {
	svc      *Service
	op       string // "ListMapRuns"
	resource string // what the call was about, for messages
	token    bool   // the call carried a pagination token from a cursor
}

// translate turns an SDK error into an apperr error: the one place where AWS
// errors become the gateway's vocabulary. The client message names the
// service, operation and resource, never SDK text; the cause is kept for logs.
func (c call) translate(err error) error {
	if err == nil {
		return nil
	}
	var own *apperr.Error
	if errors.As(err, &own) { // the upstream gate's (rate limit, deadline, budget)
		if own.Service == "" {
			own.Service = c.svc.Name
		}
		return own
	}
	out := &apperr.Error{Code: apperr.Upstream, Service: c.svc.Name, Err: err}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		out.RequestID = re.ServiceRequestID()
	}
	var api smithy.APIError
	code := ""
	if errors.As(err, &api) {
		code = api.ErrorCode()
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		out.Code, out.Message = apperr.RequestTimeout, c.op+" did not finish before the request's deadline"
	case errors.Is(err, context.Canceled):
		out.Message = c.op + " was cancelled: the client went away"
	case notFoundCodes[code]:
		out.Code, out.Message = apperr.NotFound, c.resource+" not found"
	case badTokenCodes[code], c.token && validationCodes[code]:
		out.Code, out.Message = apperr.InvalidCursor, "invalid cursor: AWS refused its pagination token (expired or not valid for this listing)"
	case validationCodes[code]:
		out.Code, out.Message = apperr.BadUserInput, c.op+" rejected the arguments for "+c.resource+" ("+code+")"
	case throttleCodes[code]:
		out.Code, out.Message = apperr.Throttled, c.op+" was throttled by AWS; retry later"
		out.RetryAfter = retryAfter(err)
	case forbiddenCodes[code]:
		out.Code, out.Message = apperr.Forbidden, "AWS denied "+c.op+" on "+c.resource
	case code != "":
		out.Message = c.op + " failed upstream (" + code + ")"
	default:
		out.Message = c.op + " failed: AWS could not be reached or answered badly"
	}
	slog.Warn("upstream error", "service", c.svc.Name, "op", c.op, "resource", c.resource, "code", out.Code, "awsCode", code, "requestId", out.RequestID, "err", err)
	return out
}

// retryAfter reads the Retry-After header (seconds) of an HTTP error response.
func retryAfter(err error) time.Duration {
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil {
		return 0
	}
	if s, perr := strconv.Atoi(re.Response.Header.Get("Retry-After")); perr == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 0
}
