package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/execgraph/execgraph/internal/awsemu"
)

// TestCrossSiteRequests: a request a browser sent from another site is 403
// CROSS_SITE_REQUEST before any AWS call, over POST and GET alike; the same
// site, an origin -cors-origins names, and clients that are not browsers
// are served.
func TestCrossSiteRequests(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.CORSOrigins = []string{"https://portal.example"} })
	big := largest(t, m, "transfer")
	query := `{ transferExecutions(workflowId: "` + big.ID + `", first: 1) { nodes { id } } }`
	body := `{"query":` + strconvQuote(query) + `}`
	get := "/graphql?query=" + url.QueryEscape(query)
	self := m.URL
	for _, tc := range []struct {
		name   string
		header map[string]string
		status int
	}{
		{"no browser headers (curl, SDKs)", nil, 200},
		{"same origin", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": self}, 200},
		{"typed in the address bar", map[string]string{"Sec-Fetch-Site": "none"}, 200},
		{"cross-site", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403},
		{"same-site subdomain", map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "https://other.portal.example"}, 403},
		{"old browser, foreign Origin", map[string]string{"Origin": "https://evil.example"}, 403},
		{"an origin -cors-origins names", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://portal.example"}, 200},
	} {
		for _, method := range []string{http.MethodPost, http.MethodGet} {
			t.Run(tc.name+"/"+method, func(t *testing.T) {
				m.Emulator.ResetStats()
				var r rawResponse
				if method == http.MethodPost {
					r = request(t, m, method, "/graphql", tc.header, body)
				} else {
					r = request(t, m, method, get, tc.header, "")
				}
				if r.status != tc.status {
					t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
				}
				if tc.status == 403 {
					if code := firstCode(t, r.body); code != "CROSS_SITE_REQUEST" {
						t.Errorf("code %q", code)
					}
					if calls := stats(m); len(calls) != 0 {
						t.Errorf("AWS calls %v before the refusal", calls)
					}
				}
			})
		}
	}
}

// TestHostGuard: on a loopback address only loopback names are served, so a
// DNS name rebound to 127.0.0.1 gets 421 HOST_NOT_ALLOWED; the health checks
// answer whatever the Host.
func TestHostGuard(t *testing.T) {
	m := startGateway(t)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(m.URL, "http://"))
	for host, status := range map[string]int{
		"127.0.0.1:" + port: 200, "localhost:" + port: 200, "LOCALHOST": 200, "[::1]:" + port: 200,
		"evil.example:" + port: 421, "evil.example": 421, "127.0.0.1.evil.example": 421,
	} {
		r := request(t, m, http.MethodPost, "/graphql", map[string]string{"Host": host}, typenameQuery)
		if r.status != status {
			t.Errorf("Host %s: %d, want %d", host, r.status, status)
		}
		if status == 421 && firstCode(t, r.body) != "HOST_NOT_ALLOWED" {
			t.Errorf("Host %s: %s", host, r.body)
		}
		if r := request(t, m, http.MethodGet, "/healthz", map[string]string{"Host": host}, ""); r.status != 200 {
			t.Errorf("healthz with Host %s: %d", host, r.status)
		}
	}
	// An address is compared as an address, whichever way it is written.
	if r := request(t, m, http.MethodPost, "/graphql", map[string]string{"Host": "[0:0:0:0:0:0:0:1]:" + port}, typenameQuery); r.status != 200 {
		t.Errorf("Host [0:0:0:0:0:0:0:1]: %d", r.status)
	}
	// On another loopback address, that address is served as well.
	other := startGateway(t, func(c *Config) {
		flags, err := ParseFlags([]string{"-addr", "127.0.0.2:0"}, func(string) string { return "" }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		c.Addr, c.AllowedHosts = flags.Addr, flags.AllowedHosts
	})
	if r := request(t, other, http.MethodPost, "/graphql", map[string]string{"Host": "127.0.0.2"}, typenameQuery); r.status != 200 {
		t.Errorf("Host 127.0.0.2 on 127.0.0.2: %d", r.status)
	}
	if r := request(t, other, http.MethodPost, "/graphql", map[string]string{"Host": "evil.example"}, typenameQuery); r.status != 421 {
		t.Errorf("Host evil.example on 127.0.0.2: %d", r.status)
	}
	// -allowed-hosts names the hosts, "*" any.
	named := startGateway(t, func(c *Config) { c.AllowedHosts = []string{"gateway.example", "0:0::1"} })
	// An address in the list is compared as an address too.
	if r := request(t, named, http.MethodPost, "/graphql", map[string]string{"Host": "[::1]"}, typenameQuery); r.status != 200 {
		t.Errorf("Host [::1] with 0:0::1 allowed: %d", r.status)
	}
	if r := request(t, named, http.MethodPost, "/graphql", map[string]string{"Host": "gateway.example"}, typenameQuery); r.status != 200 {
		t.Errorf("named host: %d", r.status)
	}
	if r := request(t, named, http.MethodPost, "/graphql", map[string]string{"Host": "localhost"}, typenameQuery); r.status != 421 {
		t.Errorf("host not named: %d", r.status)
	}
}

// TestConnectionCap: past -max-connections, a new connection waits until one
// closes.
func TestConnectionCap(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.MaxConnections = 1 })
	addr := strings.TrimPrefix(m.URL, "http://")
	hold, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	// The held connection is accepted: it gets an answer.
	if resp, err := healthzOver(hold); err != nil || resp.StatusCode != 200 {
		t.Fatalf("held connection: %v", err)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, m.URL+"/healthz", nil)
	if _, err := client.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a second connection was served while the first is open: %v", err)
	}
	hold.Close()
	if resp, err := client.Get(m.URL + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("after the first closed: %v", err)
	} else {
		resp.Body.Close()
	}
}

// TestSlowHeaders: a client that sends its headers slower than
// -read-header-timeout is cut off.
func TestSlowHeaders(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.ReadHeaderTimeout = 200 * time.Millisecond })
	conn, err := net.Dial("tcp", strings.TrimPrefix(m.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "POST /graphql HTTP/1.1\r\nHost: localhost\r\n")
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	start := time.Now()
	_, err = io.ReadAll(conn)
	if err != nil || time.Since(start) > 5*time.Second {
		t.Fatalf("the connection stayed open: %v after %s", err, time.Since(start))
	}
}

// TestRequestTimeout: a request whose AWS calls run past -request-timeout
// ends with REQUEST_TIMEOUT soon after the deadline, not when AWS answers.
func TestRequestTimeout(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.RequestTimeout = 300 * time.Millisecond })
	big := largest(t, m, "stepfunctions")
	if err := m.Emulator.SetFaults(awsemu.Faults{LatencyMs: 5000}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	resp := post(t, m, `query($id: String!) { stepFunctionsMapRuns(executionArn: $id, first: 1) { nodes { id } } }`, map[string]any{"id": big.ID})
	if codes := errorCodes(resp); len(codes) != 1 || codes[0] != "REQUEST_TIMEOUT" {
		t.Fatalf("codes %v", codes)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("answered after %s", d)
	}
}

// TestConnectionsPerIP: past -max-connections-per-ip, a client's new
// connections are closed at once, and the others are still served.
func TestConnectionsPerIP(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.MaxConnsPerIP = 2 })
	addr := strings.TrimPrefix(m.URL, "http://")
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	third, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	if _, err := healthzOver(third); err == nil {
		t.Fatal("a third connection from the same address was served")
	}
	for _, c := range held {
		c.Close()
	}
	waitFor(t, "a connection slot", func() bool {
		resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Get(m.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})
}

// TestConnectionsPerIPLogged: a client at its cap that reconnects in a loop
// gets a few log lines a second, not one per connection.
func TestConnectionsPerIPLogged(t *testing.T) {
	logs := captureLogs(t)
	m := startGateway(t, func(c *Config) { c.MaxConnsPerIP = 1 })
	addr := strings.TrimPrefix(m.URL, "http://")
	held, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	for range 50 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _ = c.Read(make([]byte, 1)) // returns once the gateway closed it
		c.Close()
	}
	if n := strings.Count(logs.String(), "connection refused: too many"); n < 1 || n > 10 {
		t.Errorf("%d log lines for 50 refused connections, want a few", n)
	}
}

// TestNoCapPerIP: -max-connections-per-ip 0 caps nothing.
func TestNoCapPerIP(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.MaxConnsPerIP = 0 })
	addr := strings.TrimPrefix(m.URL, "http://")
	for i := range 5 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if resp, err := healthzOver(c); err != nil || resp.StatusCode != 200 {
			t.Fatalf("connection %d of one address, no cap: %v", i+1, err)
		}
	}
}

// TestHostsOf: the Host names served by default on a listen address.
func TestHostsOf(t *testing.T) {
	for _, tc := range []struct {
		addr string
		want []string
	}{
		{"127.0.0.1:8080", []string{"localhost", "127.0.0.1", "::1"}},
		{"localhost:8080", []string{"localhost", "127.0.0.1", "::1"}},
		{"127.0.0.2:9090", []string{"localhost", "127.0.0.1", "::1", "127.0.0.2"}},
		{"[::ffff:127.0.0.1]:1", []string{"localhost", "127.0.0.1", "::1", "::ffff:127.0.0.1"}},
		{"0.0.0.0:9090", nil},
		{":9090", nil},
		{"10.0.0.5:9090", nil},
	} {
		if got := hostsOf(tc.addr); !slices.Equal(got, tc.want) {
			t.Errorf("hostsOf(%s) = %v, want %v", tc.addr, got, tc.want)
		}
	}
}

// TestClientOf: the per-client cap counts an IPv4 address as one client
// and a public IPv6 /64 as one (a host holds a whole /64); IPv4 mapped into
// IPv6 is the IPv4 address; link-local, unique local, NAT64 and Teredo
// addresses are each their own client (many hosts share their /64s).
func TestClientOf(t *testing.T) {
	for _, tc := range []struct{ addr, want string }{
		{"192.0.2.7:50000", "192.0.2.7"},
		{"[2001:db8:1:2:aaaa::1]:443", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:ffff:ffff:ffff:ffff]:1", "2001:db8:1:2::/64"},
		{"[2001:db8:1:3::1]:1", "2001:db8:1:3::/64"},
		{"[::ffff:192.0.2.7]:80", "192.0.2.7"},
		{"[::1]:8080", "::1"},
		{"[fe80::1%eth0]:1", "fe80::1%eth0"}, // link-local: a LAN shares fe80::/64
		{"[fe80::2%eth0]:1", "fe80::2%eth0"},
		{"[fd00:1:2:3::5]:1", "fd00:1:2:3::5"},                                               // unique local: a cluster shares its /64
		{"[64:ff9b::c000:207]:1", "64:ff9b::c000:207"},                                       // NAT64: IPv4 hosts
		{"[64:ff9b:1::c000:207]:1", "64:ff9b:1::c000:207"},                                   // local-use NAT64
		{"[2001:0:4136:e378:8000:63bf:3fff:fdd2]:1", "2001:0:4136:e378:8000:63bf:3fff:fdd2"}, // Teredo
		{"[2a00:1450:4001:80b::200e]:1", "2a00:1450:4001:80b::/64"},
	} {
		addr, err := net.ResolveTCPAddr("tcp", tc.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := clientOf(addr); got != tc.want {
			t.Errorf("%s: client %q, want %q", tc.addr, got, tc.want)
		}
	}
}

// healthzOver asks for /healthz on the connection c and reads the answer,
// within 10 s.
func healthzOver(c net.Conn) (*http.Response, error) {
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"); err != nil {
		return nil, err
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	return http.ReadResponse(bufio.NewReader(c), nil)
}
