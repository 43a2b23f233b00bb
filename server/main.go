// Command server runs execgraph, the GraphQL gateway over five AWS execution
// listings. By default it starts the built-in AWS emulator and serves its
// data; -backend aws serves a real AWS account.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/execgraph/execgraph/internal/awsemu"
	"github.com/execgraph/execgraph/internal/loader"
	"github.com/execgraph/execgraph/internal/source"
)

func main() {
	cfg, err := ParseFlags(os.Args[1:], os.Getenv, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "execgraph:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Config: cfg}
	if err := m.Run(ctx); err != nil {
		slog.Error("execgraph failed to start", "err", err)
		os.Exit(1)
	}
	<-ctx.Done()
	slog.Info("shutting down")
	if err := m.Close(); err != nil {
		slog.Error("shutdown", "err", err)
		os.Exit(1)
	}
}

// Main is a running gateway: its HTTP server and, on the emulator backend,
// the emulator.
type Main struct {
	Config   Config
	Emulator *awsemu.Server // nil on the aws backend
	AWS      aws.Config     // the SDK configuration the gateway uses
	URL      string         // the gateway's base URL, once running

	srv  *http.Server
	done chan error

	// emulatorNow, when set, is the emulator's clock (tests of token expiry).
	emulatorNow func() time.Time
	// unshared turns the loaders' sharing off (the loaders' benchmark baseline).
	unshared bool
}

// Run starts the emulator (on the emulator backend) and the HTTP server, and
// returns once both listen.
func (m *Main) Run(ctx context.Context) error {
	c := m.Config
	example := exampleQuery(nil)
	switch c.Backend {
	case "emulator":
		emu, err := awsemu.Start(c.EmulatorAddr, awsemu.New(awsemu.Options{Seed: c.EmulatorSeed, TokenTTL: c.EmulatorTokenTTL, Now: m.emulatorNow}))
		if err != nil {
			return err
		}
		m.Emulator = emu
		m.AWS = emulatorConfig(c, emu.URL)
		manifest := emu.Manifest()
		example = exampleQuery(&manifest)
		slog.Info("emulator listening", "url", emu.URL)
	case "aws":
		cfg, err := awsConfig(ctx, c)
		if err != nil {
			return err
		}
		m.AWS = cfg
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		m.closeEmulator()
		return fmt.Errorf("listen %s: %w", c.Addr, err)
	}
	m.URL = "http://" + ln.Addr().String()
	src := source.New(m.AWS)
	limits, _ := c.limits() // validated by ParseFlags
	loaders := loader.NewFactory(src, loader.Config{Concurrency: c.Concurrency, Limits: limits, CacheSize: c.DetailCacheSize, Unshared: m.unshared})
	m.srv = &http.Server{
		// Requests end a little before the write timeout would cut them.
		Handler:           withDeadline(routes(loaders.Middleware(newGraphQL(src, c.MaxQueryCost)), c.MaxBodyBytes, example, c.CORSOrigins), c.WriteTimeout*9/10),
		ReadTimeout:       c.ReadTimeout,
		ReadHeaderTimeout: c.ReadTimeout,
		WriteTimeout:      c.WriteTimeout,
		IdleTimeout:       c.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
	m.done = make(chan error, 1)
	go func() { m.done <- m.srv.Serve(ln) }()
	slog.Info("execgraph listening", "graphiql", m.URL+"/", "graphql", m.URL+"/graphql", "backend", c.Backend, "region", m.AWS.Region)
	return nil
}

// Close shuts the HTTP server down gracefully (requests in flight get up to
// the shutdown timeout), then stops the emulator.
func (m *Main) Close() error {
	var err error
	if m.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownTimeout)
		defer cancel()
		err = m.srv.Shutdown(ctx)
		if serr := <-m.done; !errors.Is(serr, http.ErrServerClosed) && err == nil {
			err = serr
		}
	}
	m.closeEmulator()
	return err
}

func (m *Main) closeEmulator() {
	if m.Emulator != nil {
		_ = m.Emulator.Close()
	}
}
