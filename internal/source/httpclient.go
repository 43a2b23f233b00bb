package source

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// NewBuildableClient returns the SDK's buildable HTTP client with at least
// conns idle connections kept per host, so that the calls the gateway runs
// concurrently to one endpoint reuse their connections. It is what
// config.WithHTTPClient wants: the SDK can still add AWS_CA_BUNDLE's roots
// and its other settings to it.
func NewBuildableClient(conns int) *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConnsPerHost = max(t.MaxIdleConnsPerHost, conns)
		t.MaxIdleConns = max(t.MaxIdleConns, 4*conns)
	})
}

// PlainBodies wraps an SDK HTTP client so that request bodies hide their
// WriteTo.
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
//
// It wraps the client rather than replacing it, so the SDK's own HTTP
// settings (AWS_CA_BUNDLE among them) stay in force.
func PlainBodies(c aws.HTTPClient) aws.HTTPClient { return plainBodies{c} }

type plainBodies struct{ aws.HTTPClient }

func (p plainBodies) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		shallow := *r
		shallow.Body = struct{ io.ReadCloser }{r.Body}
		r = &shallow
	}
	return p.HTTPClient.Do(r)
}

// NewHTTPClient returns the HTTP client the emulator's tests give SDK
// clients: PlainBodies over the SDK's buildable client.
func NewHTTPClient() aws.HTTPClient { return PlainBodies(NewBuildableClient(16)) }
