package main

import (
	"log/slog"
	"net"
	"sync"
)

// perIPListener closes, as soon as they are accepted, connections from a
// client address that already holds max of them: one client cannot take
// every connection slot (-max-connections) from the others.
type perIPListener struct {
	net.Listener
	max int

	mu    sync.Mutex
	conns map[string]int
}

func limitPerIP(ln net.Listener, max int) net.Listener {
	return &perIPListener{Listener: ln, max: max, conns: map[string]int{}}
}

func (l *perIPListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip, _, _ := net.SplitHostPort(c.RemoteAddr().String())
		l.mu.Lock()
		full := l.conns[ip] >= l.max
		if !full {
			l.conns[ip]++
		}
		l.mu.Unlock()
		if full {
			slog.Warn("connection refused: too many from one address (see -max-connections-per-ip)", "remote", ip)
			_ = c.Close()
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
