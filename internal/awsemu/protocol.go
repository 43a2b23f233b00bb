package awsemu

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// protocol is a service's wire protocol.
type protocol int

const (
	restJSON  protocol = iota // method and path carry the operation
	awsJSON10                 // POST / with X-Amz-Target, application/x-amz-json-1.0
	awsJSON11                 // POST / with X-Amz-Target, application/x-amz-json-1.1
)

func (p protocol) contentType() string {
	switch p {
	case awsJSON10:
		return "application/x-amz-json-1.0"
	case awsJSON11:
		return "application/x-amz-json-1.1"
	}
	return "application/json"
}

// service describes one emulated AWS service: its name in stats, manifest
// and fault operations, its protocol, and the errors that fault injection
// answers with.
type service struct {
	name        string // "lambda", "imagebuilder", "stepfunctions", "iot", "transfer"
	proto       protocol
	target      string // X-Amz-Target prefix for the JSON protocols
	throttle    apiError
	serverError apiError
}

// apiError is an AWS error as it goes over the wire. The SDKs read the code
// from the X-Amzn-ErrorType header or the body's __type, and the message
// from message/Message; HTTP status 5xx and the throttling codes are retried.
type apiError struct {
	Status     int
	Code       string
	Message    string
	RetryAfter int // seconds; sent as Retry-After when > 0
	// Fields are further members of the error shape (such as Transfer's
	// Resource and ResourceType), sent in the body beside the code and
	// message, which they never replace.
	Fields map[string]string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// errorf returns a copy of e with a formatted message.
func (e apiError) withMessage(format string, args ...any) *apiError {
	e.Message = fmt.Sprintf(format, args...)
	return &e
}

// call is one invocation of an emulated operation.
type call struct {
	r      *http.Request
	region string
	w      *world
	svc    *service
	op     string
	e      *Emulator
}

// opHandler answers one operation: a value to encode as the JSON response
// body, or an error (an *apiError is sent as is; any other error is an
// internal failure).
type opHandler func(c *call) (any, error)

var requestIDs atomic.Uint64

// op wraps an operation handler: it counts the call, applies injected faults
// (latency first, then throttling or a server error), resolves the region
// and encodes the result or error in the service's protocol.
func (e *Emulator) op(svc *service, name string, h opHandler) http.HandlerFunc {
	key := svc.name + "." + name
	return func(w http.ResponseWriter, r *http.Request) {
		reqID := fmt.Sprintf("emu-%08d-%s", requestIDs.Add(1), name)
		w.Header().Set("X-Amzn-RequestId", reqID)
		defer e.stats.begin(key)()
		f := e.faults.draw(key)
		if f.latency > 0 {
			t := time.NewTimer(f.latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		var out any
		var err error
		switch {
		case f.throttle:
			err = svc.throttle.withMessage("Rate exceeded")
		case f.serverError:
			err = svc.serverError.withMessage("Injected server error")
		default:
			region := regionOf(r)
			out, err = h(&call{r: r, region: region, w: e.world(region), svc: svc, op: name, e: e})
		}
		if err != nil {
			writeError(w, svc, err)
			return
		}
		body, merr := encodeBody(out)
		if merr != nil {
			writeError(w, svc, merr)
			return
		}
		w.Header().Set("Content-Type", svc.proto.contentType())
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	}
}

// rawJSON is a response body that a handler encoded itself (for instance
// from entries encoded at seed time). op sends it as is: unlike a
// json.Marshaler result, it is not re-validated and compacted, which costs
// more than building it for large pages. The handler must make it valid,
// compact JSON.
type rawJSON []byte

// encodeBody encodes a handler's result: a rawJSON as is, anything else with
// encoding/json.
func encodeBody(out any) ([]byte, error) {
	if raw, ok := out.(rawJSON); ok {
		return raw, nil
	}
	return json.Marshal(out)
}

func writeError(w http.ResponseWriter, svc *service, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		log.Printf("awsemu: %s internal error: %v", svc.name, err)
		ae = &apiError{Status: 500, Code: "InternalFailure", Message: "internal error"}
	}
	h := w.Header()
	h.Set("Content-Type", svc.proto.contentType())
	h.Set("X-Amzn-ErrorType", ae.Code)
	if ae.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(ae.RetryAfter))
	}
	w.WriteHeader(ae.Status)
	fields := map[string]string{"__type": ae.Code, "message": ae.Message, "Message": ae.Message}
	for k, v := range ae.Fields {
		if _, taken := fields[k]; !taken {
			fields[k] = v
		}
	}
	body, _ := json.Marshal(fields)
	_, _ = w.Write(body)
}

// decode reads the request's JSON body into v. An empty body decodes as {}.
// A malformed body is the SerializationException that AWS sends.
func (c *call) decode(v any) error {
	body, err := io.ReadAll(io.LimitReader(c.r.Body, 1<<20))
	if err != nil {
		return &apiError{Status: 400, Code: "SerializationException", Message: "could not read request body"}
	}
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return &apiError{Status: 400, Code: "SerializationException", Message: "malformed request body: " + err.Error()}
	}
	return nil
}

// registerTarget routes "POST /" requests whose X-Amz-Target is
// svc.target+"."+name to the operation.
func (e *Emulator) registerTarget(svc *service, name string, h opHandler) {
	if e.targets == nil {
		e.targets = map[string]http.HandlerFunc{}
	}
	e.targets[svc.target+"."+name] = e.op(svc, name, h)
}

// serveJSONTarget dispatches AWS JSON 1.0/1.1 requests by X-Amz-Target.
func (e *Emulator) serveJSONTarget(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	if h, ok := e.targets[target]; ok {
		h(w, r)
		return
	}
	svc := &service{name: "unknown", proto: awsJSON11}
	writeError(w, svc, &apiError{Status: 400, Code: "UnknownOperationException", Message: "unknown operation " + strconv.Quote(target)})
}

// epochTime is a timestamp as the JSON protocols send it: seconds since the
// Unix epoch, with millisecond precision.
type epochTime time.Time

func (t epochTime) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', -1, 64), nil
}

func (t *epochTime) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	sec, frac := math.Modf(f)
	*t = epochTime(time.Unix(int64(sec), int64(math.Round(frac*1000))*int64(time.Millisecond)).UTC())
	return nil
}

// ts returns a pointer to t as an epochTime, or nil for the zero time, for
// optional timestamp members.
func ts(t time.Time) *epochTime {
	if t.IsZero() {
		return nil
	}
	et := epochTime(t)
	return &et
}
