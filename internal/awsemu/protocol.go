package awsemu

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// protocol is a service's wire protocol.
type protocol int

const (
	restJSON  protocol = iota // method and path carry the operation
	awsJSON10                 // POST / with X-Amz-Target, application/x-amz-json-1.0
	awsJSON11                 // POST / with X-Amz-Target, application/x-amz-json-1.1
	awsQuery                  // POST / with a form-encoded Action and Version; XML responses
)

func (p protocol) contentType() string {
	switch p {
	case awsJSON10:
		return "application/x-amz-json-1.0"
	case awsJSON11:
		return "application/x-amz-json-1.1"
	case awsQuery:
		return "text/xml"
	}
	return "application/json"
}

// service describes one emulated AWS service: its name in stats, manifest
// and fault operations, its protocol, the errors that fault injection
// answers with, and its operations (see Emulator.register).
type service struct {
	name        string // "lambda", "imagebuilder", "stepfunctions", "iot", "transfer", "sts"
	proto       protocol
	target      string // X-Amz-Target prefix for the JSON protocols
	version     string // API version of the Query protocol (its Version parameter)
	xmlns       string // XML namespace of Query protocol responses
	throttle    apiError
	serverError apiError
	ops         []operation
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

// operation is one operation of a service: its name, the handler that
// answers it and, for REST-JSON, the ServeMux pattern that routes it (the
// other protocols route by name).
type operation struct {
	name    string
	pattern string
	handler opHandler
}

// opHandler answers one operation: a value to encode as the JSON response
// body, or an error (an *apiError is sent as is; any other error is an
// internal failure).
type opHandler func(c *call) (any, error)

var requestIDs atomic.Uint64

// newRequestID returns a request id unique in the process, naming the
// operation for whoever reads logs: emu-<8 or more digits>-<op>. It costs
// one allocation (fmt.Sprintf costs three, on every call).
func newRequestID(op string) string {
	var buf [64]byte
	b := append(buf[:0], "emu-"...)
	var digits [20]byte
	n := strconv.AppendUint(digits[:0], requestIDs.Add(1), 10)
	for range 8 - len(n) {
		b = append(b, '0')
	}
	b = append(append(append(b, n...), '-'), op...)
	return string(b)
}

// op wraps an operation handler: it counts the call, applies injected faults
// (latency first, then throttling or a server error), resolves the region
// and encodes the result or error in the service's protocol.
func (e *Emulator) op(svc *service, name string, h opHandler) http.HandlerFunc {
	key := svc.name + "." + name
	return func(w http.ResponseWriter, r *http.Request) {
		reqID := newRequestID(name)
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
		var body []byte
		var err error
		switch {
		case f.throttle:
			err = svc.throttle.withMessage("Rate exceeded")
		case f.serverError:
			err = svc.serverError.withMessage("Injected server error")
		default:
			body, err = e.serve(r, svc, name, reqID, h)
		}
		if err != nil {
			writeError(w, svc, err)
			return
		}
		w.Header().Set("Content-Type", svc.proto.contentType())
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	}
}

// serve runs an operation handler under its region's read lock and encodes
// its result before releasing the lock, so that a handler may return values
// that share memory with the region's data (slices, maps, pointers) while
// the admin API changes that data under the write lock.
func (e *Emulator) serve(r *http.Request, svc *service, name, reqID string, h opHandler) ([]byte, error) {
	region := regionOf(r)
	w := e.world(region)
	w.mu.RLock()
	defer w.mu.RUnlock()
	out, err := h(&call{r: r, region: region, w: w, svc: svc, op: name, e: e})
	if err != nil {
		return nil, err
	}
	return encodeBody(svc, name, reqID, out)
}

// rawJSON is a response body that a handler encoded itself (for instance
// from entries encoded at seed time). op sends it as is: unlike a
// json.Marshaler result, it is not re-validated and compacted, which costs
// more than building it for large pages. The handler must make it valid,
// compact JSON.
type rawJSON []byte

// encodeBody encodes a handler's result of operation op in the service's
// protocol: for the JSON protocols a rawJSON as is and anything else with
// encoding/json; for the Query protocol the result as the
// <op>Result element of an <op>Response that also carries the request id.
func encodeBody(svc *service, op, reqID string, out any) ([]byte, error) {
	if svc.proto == awsQuery {
		return encodeQueryResponse(svc, op, reqID, out)
	}
	if raw, ok := out.(rawJSON); ok {
		return raw, nil
	}
	return json.Marshal(out)
}

// encodeQueryResponse encodes a Query protocol response:
//
//	<OpResponse xmlns="..."><OpResult>...</OpResult>
//	<ResponseMetadata><RequestId>...</RequestId></ResponseMetadata></OpResponse>
//
// out is encoded with encoding/xml, its fields as the members of OpResult.
func encodeQueryResponse(svc *service, op, reqID string, out any) ([]byte, error) {
	var b bytes.Buffer
	enc := xml.NewEncoder(&b)
	root := xml.StartElement{Name: xml.Name{Local: op + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: svc.xmlns}}}
	meta := struct {
		RequestID string `xml:"RequestId"`
	}{reqID}
	if err := errors.Join(
		enc.EncodeToken(root),
		enc.EncodeElement(out, xml.StartElement{Name: xml.Name{Local: op + "Result"}}),
		enc.EncodeElement(meta, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}}),
		enc.EncodeToken(root.End()),
		enc.Flush(),
	); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeError sends err in the service's protocol: an *apiError as is, any
// other error as an InternalFailure (500) whose detail is only logged. The
// request id is the X-Amzn-RequestId already set, or a new one.
func writeError(w http.ResponseWriter, svc *service, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		log.Printf("awsemu: %s internal error: %v", svc.name, err)
		ae = &apiError{Status: 500, Code: "InternalFailure", Message: "internal error"}
	}
	h := w.Header()
	reqID := h.Get("X-Amzn-RequestId")
	if reqID == "" {
		reqID = newRequestID("error")
		h.Set("X-Amzn-RequestId", reqID)
	}
	h.Set("Content-Type", svc.proto.contentType())
	if ae.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(ae.RetryAfter))
	}
	if svc.proto == awsQuery {
		w.WriteHeader(ae.Status)
		_, _ = w.Write(queryErrorBody(svc, ae, reqID))
		return
	}
	h.Set("X-Amzn-ErrorType", ae.Code)
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

// queryErrorBody is the Query protocol's error shape:
//
//	<ErrorResponse xmlns="..."><Error><Type>Sender</Type><Code>...</Code>
//	<Message>...</Message></Error><RequestId>...</RequestId></ErrorResponse>
//
// Type is Sender for a 4xx status and Receiver for a 5xx one. The SDK reads
// Error/Code, Error/Message and RequestId (aws/protocol/xml
// GetErrorResponseComponents with error wrapping).
func queryErrorBody(svc *service, ae *apiError, reqID string) []byte {
	type detail struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	body := struct {
		XMLName   xml.Name `xml:"ErrorResponse"`
		Xmlns     string   `xml:"xmlns,attr,omitempty"`
		Error     detail   `xml:"Error"`
		RequestID string   `xml:"RequestId"`
	}{Xmlns: svc.xmlns, Error: detail{Type: "Sender", Code: ae.Code, Message: ae.Message}, RequestID: reqID}
	if ae.Status >= 500 {
		body.Error.Type = "Receiver"
	}
	b, _ := xml.Marshal(body)
	return b
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

// decoded adapts a handler of a JSON request body to opHandler: the body
// is read into a new In (see call.decode) before h runs. In is the
// operation's input shape; the decoder's messages name its type, so an
// anonymous struct keeps them free of Go names.
func decoded[In any](h func(c *call, in *In) (any, error)) opHandler {
	return func(c *call) (any, error) {
		in := new(In)
		if err := c.decode(in); err != nil {
			return nil, err
		}
		return h(c, in)
	}
}

// register routes every operation of svc through op: a REST-JSON one by
// its pattern, an AWS JSON one ("POST /") by X-Amz-Target
// <svc.target>.<name>, a Query one ("POST /", form-encoded) by its Action
// name and Version svc.version.
func (e *Emulator) register(svc *service) {
	for _, o := range svc.ops {
		h := e.op(svc, o.name, o.handler)
		switch svc.proto {
		case restJSON:
			e.mux.HandleFunc(o.pattern, h)
		case awsJSON10, awsJSON11:
			e.targets[svc.target+"."+o.name] = h
		case awsQuery:
			e.actions[svc.version+"\x00"+o.name] = h
		}
	}
}

// serveRoot dispatches "POST /": a form-encoded body is a Query protocol
// request (STS), anything else an AWS JSON 1.0/1.1 request.
func (e *Emulator) serveRoot(w http.ResponseWriter, r *http.Request) {
	// Compared by hand: mime.ParseMediaType allocates, on every JSON call.
	if mt, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";"); strings.EqualFold(strings.TrimSpace(mt), "application/x-www-form-urlencoded") {
		e.serveQuery(w, r)
		return
	}
	e.serveJSONTarget(w, r)
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

// serveQuery dispatches Query protocol requests by their Action and Version
// parameters (body or URL query). It answers MissingAction (400) without an
// Action, InvalidAction (400) for an Action that no service has at that
// Version, and MalformedQueryString (400) for a body that is not a form of
// at most 1 MiB.
func (e *Emulator) serveQuery(w http.ResponseWriter, r *http.Request) {
	unknown := &service{name: "unknown", proto: awsQuery}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		writeError(w, unknown, &apiError{Status: 400, Code: "MalformedQueryString", Message: "malformed form body: " + err.Error()})
		return
	}
	action, version := r.Form.Get("Action"), r.Form.Get("Version")
	if h, ok := e.actions[version+"\x00"+action]; ok {
		h(w, r)
		return
	}
	if action == "" {
		writeError(w, unknown, &apiError{Status: 400, Code: "MissingAction", Message: "Missing Action"})
		return
	}
	if version == "" {
		version = "NO_VERSION_SPECIFIED"
	}
	writeError(w, unknown, &apiError{Status: 400, Code: "InvalidAction", Message: fmt.Sprintf("Could not find operation %s for version %s", action, version)})
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
