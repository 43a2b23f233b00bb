package source

import (
	"bytes"
	"io"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// NewHTTPClient returns the HTTP client for SDK clients: the SDK's own
// buildable client, with request bodies sent from memory.
//
// The SDK closes a request's body as soon as the response headers arrive,
// and smithy-go's body wrapper then answers WriteTo with io.EOF. net/http's
// last copy of a request body takes that for a write error when the server
// answered first (a fast endpoint, such as the emulator on loopback, does),
// closes the connection and loses the response: "use of closed network
// connection", aws/aws-sdk-go-v2#2737. The retryer would retry it, at the cost of a
// second upstream call; a body in memory is never cut short. The bodies are
// small JSON documents.
func NewHTTPClient() *http.Client {
	return &http.Client{Transport: memBodies{awshttp.NewBuildableClient().GetTransport()}}
}

type memBodies struct{ base http.RoundTripper }

func (m memBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return m.base.RoundTrip(r)
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))
	return m.base.RoundTrip(r)
}
