package source

import (
	"io"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// NewHTTPClient returns the HTTP client for SDK clients: the SDK's own
// buildable client, with the request body's WriteTo hidden.
//
// smithy-go closes a request's body as soon as http.Client.Do returns, and
// the closed body's WriteTo answers io.EOF. When the server answered before
// net/http made its final read of the body (the check for bytes beyond
// Content-Length; a fast endpoint such as the emulator on loopback does),
// that read goes through WriteTo, the transport takes the io.EOF for a write
// error and closes the connection under the response still being read: "use
// of closed network connection" (aws/aws-sdk-go-v2#2737). The retryer would
// retry it at the cost of a second upstream call. Through a plain Read, the
// io.EOF is just the end of the body.
func NewHTTPClient() *http.Client {
	return &http.Client{Transport: plainBodies{awshttp.NewBuildableClient().GetTransport()}}
}

type plainBodies struct{ base http.RoundTripper }

func (p plainBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		shallow := *r
		shallow.Body = struct{ io.ReadCloser }{r.Body}
		r = &shallow
	}
	return p.base.RoundTrip(r)
}
