package main

import (
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"

	"golang.org/x/time/rate"
)

// perIPListener closes, as soon as they are accepted, connections from a
// client that already holds max of them: one client cannot take every
// connection slot (-max-connections) from the others. A client is what
// clientOf names.
type perIPListener struct {
	net.Listener
	max int

	mu    sync.Mutex
	conns map[string]int

	logs     *rate.Limiter // refusals logged: a few a second at most
	unlogged atomic.Int64  // refusals not logged since the last line
}

// limitPerIP caps ln's connections per client at max (0: no cap).
func limitPerIP(ln net.Listener, max int) net.Listener {
	if max == 0 {
		return ln
	}
	return &perIPListener{Listener: ln, max: max, conns: map[string]int{}, logs: rate.NewLimiter(1, 5)}
}

// clientOf names the client of a remote address: its IPv4 address; the /64
// of a public IPv6 address (what one host is usually given); any other
// IPv6 address itself (link-local, unique local, NAT64 and Teredo addresses
// share their /64 with many hosts of a LAN, a cluster or the IPv4 internet).
func clientOf(addr net.Addr) string {
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() && ip.IsGlobalUnicast() && !ip.IsPrivate() && !slices.ContainsFunc(sharedIPv6, func(p netip.Prefix) bool { return p.Contains(ip) }) {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// sharedIPv6 are public IPv6 prefixes whose /64s many hosts share: NAT64
// (well-known and local-use: the addresses stand for IPv4 hosts) and
// Teredo (every client of one relay).
var sharedIPv6 = []netip.Prefix{
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001::/32"),
}

func (l *perIPListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := clientOf(c.RemoteAddr())
		l.mu.Lock()
		full := l.conns[ip] >= l.max
		if !full {
			l.conns[ip]++
		}
		l.mu.Unlock()
		if full {
			_ = c.Close()
			if l.logs.Allow() { // a client reconnecting in a loop does not flood the log
				slog.Warn("connection refused: too many from one address (see -max-connections-per-ip)", "remote", ip,
					"refusedSinceLastLine", l.unlogged.Swap(0))
			} else {
				l.unlogged.Add(1)
			}
			continue
		}
		return &countedConn{Conn: c, release: func() { l.release(ip) }}, nil
	}
}

func (l *perIPListener) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conns[ip]--; l.conns[ip] <= 0 {
		delete(l.conns, ip)
	}
}

// countedConn gives its slot back once, when it closes.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
