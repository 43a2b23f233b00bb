// Command server runs execgraph, the GraphQL gateway over five AWS execution
// listings. By default it starts the built-in AWS emulator and serves its
// data; -backend aws serves a real AWS account.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/metrics"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 deprecated upstream, kept pinned until its successor (smithy-go's smithyoteltracing) verifies against sum.golang.org: see the README, Traces.
	"go.opentelemetry.io/contrib/instrumentation/github.com/aws/aws-sdk-go-v2/otelaws"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/net/netutil"

	"github.com/execgraph/execgraph/internal/auth"
	"github.com/execgraph/execgraph/internal/awsemu"
	"github.com/execgraph/execgraph/internal/frontdoor"
	"github.com/execgraph/execgraph/internal/obs"
	"github.com/execgraph/execgraph/internal/relay"
	"github.com/execgraph/execgraph/internal/source"
	"github.com/execgraph/execgraph/internal/upstream"
)

func main() {
	cfg, err := ParseFlags(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, errHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "execgraph:", err)
		os.Exit(2)
	}
	slog.SetDefault(newLogger(cfg, os.Stderr))
	tuneGC(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Config: cfg}
	if err := m.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "execgraph:", err)
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

	// Metrics are the gateway's Prometheus metrics; MetricsURL the base URL
	// of -metrics-addr, when set.
	Metrics    *obs.Metrics
	MetricsURL string

	listeners []net.Listener
	servers   []served
	stop      context.CancelFunc // ends background work (readiness, JWKS refresh)
	tracer    trace.TracerProvider
	// tracerShutdown flushes the traces at Close (nil without tracing).
	tracerShutdown func(context.Context) error
	example        string // the query GraphiQL opens with
	readiness      readiness
	gate           *frontdoor.Gate // the GraphQL front door (tests read its cache)
	src            *source.Source  // the AWS clients (tests count them)

	// emulatorNow, when set, is the emulator's clock (tests of token expiry).
	emulatorNow func() time.Time
	// now, when set, is the clock of the final-state rules (tests of the
	// 14-day redrive window).
	now func() time.Time
	// unshared turns the loaders' sharing off (the loaders' benchmark baseline).
	unshared bool
}

// served is one running HTTP server.
type served struct {
	srv  *http.Server
	done chan error
}

// Run starts the emulator (on the emulator backend) and the HTTP servers,
// and returns once they listen. Readiness (AWS credentials) is checked in
// the background and never delays the start.
func (m *Main) Run(ctx context.Context) (err error) {
	c := m.Config
	bg, stop := context.WithCancel(context.Background())
	m.stop = stop
	defer func() {
		if err != nil {
			m.closeBackground()
		}
	}()
	m.example = exampleQuery(nil)
	switch c.Backend {
	case "emulator":
		emu, err := awsemu.Start(c.EmulatorAddr, awsemu.New(awsemu.Options{Seed: c.EmulatorSeed, TokenTTL: c.EmulatorTokenTTL, Now: m.emulatorNow, LambdaOrder: c.EmulatorLambda}))
		if err != nil {
			return listenError("-emulator-addr", c.EmulatorAddr, err)
		}
		m.Emulator = emu
		m.AWS = emulatorConfig(c, emu.URL)
		manifest := emu.Manifest()
		m.example = exampleQuery(&manifest)
	case "aws":
		if m.AWS, err = awsConfig(ctx, c); err != nil {
			return err
		}
	}
	m.Metrics = obs.NewMetrics()
	if err := m.startTracing(ctx); err != nil {
		return err
	}
	authn, err := newAuthenticator(bg, c)
	if err != nil {
		return err
	}
	ln, err := m.listen("-addr", c.Addr)
	if err != nil {
		return err
	}
	m.URL = "http://" + ln.Addr().String()
	limits, _ := c.limits() // checked by ParseFlags
	gate := upstream.New(upstream.Config{Concurrency: c.Concurrency, Limits: limits, Metrics: m.Metrics})
	sdk := m.AWS.Copy()
	sdk.APIOptions = append(sdk.APIOptions, gate.APIOptions)
	if m.tracer != nil {
		otelaws.AppendMiddlewares(&sdk.APIOptions, otelaws.WithTracerProvider(m.tracer))
	}
	regions, err := source.NewRegions(c.Regions, m.AWS.Region)
	if err != nil {
		return err
	}
	src := source.New(sdk, source.Options{Regions: regions, CacheSize: c.DetailCacheSize, Now: m.now, Unshared: m.unshared, Metrics: m.Metrics,
		Prefetch: c.Prefetch})
	m.src = src
	docs, err := frontdoor.NewDocuments(c.TrustedDocuments, c.QueryCacheBytes)
	if err != nil {
		return fmt.Errorf("-trusted-documents: %w", err)
	}
	gql, err := m.newGraphQL(src, relay.NewSealer(c.CursorKeys...), docs)
	if err != nil {
		return err
	}
	m.serve(limitPerIP(ln, c.MaxConnsPerIP), m.routes(src.Middleware(gql), authn), c.MaxConnections)
	if c.MetricsAddr != "" {
		mln, err := m.listen("-metrics-addr", c.MetricsAddr)
		if err != nil {
			return err
		}
		m.MetricsURL = "http://" + mln.Addr().String()
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", m.Metrics.Handler())
		m.serve(mln, hostGuard(hostsOf(c.MetricsAddr), mux), 64)
	}
	if c.PprofAddr != "" {
		pln, err := m.listen("-pprof-addr", c.PprofAddr)
		if err != nil {
			return err
		}
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		m.serve(pln, hostGuard(hostsOf(c.PprofAddr), mux), 8) // a rebound page never reads a profile
	}
	go m.readiness.watch(bg, m.AWS)
	m.logStart()
	return nil
}

// listen listens on addr, explaining a failure with the flag to change.
func (m *Main) listen(flagName, addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, listenError(flagName, addr, err)
	}
	m.listeners = append(m.listeners, ln)
	return ln, nil
}

// serve serves h on ln, with the gateway's timeouts and at most conns
// connections, until Close.
func (m *Main) serve(ln net.Listener, h http.Handler, conns int) {
	c := m.Config
	srv := &http.Server{
		Handler:           h,
		ReadTimeout:       c.ReadTimeout,
		ReadHeaderTimeout: c.ReadHeaderTimeout,
		WriteTimeout:      c.WriteTimeout,
		IdleTimeout:       c.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(netutil.LimitListener(ln, conns)) }()
	m.servers = append(m.servers, served{srv, done})
}

// logStart says where everything is.
func (m *Main) logStart() {
	c := m.Config
	attrs := []any{"graphiql", m.URL + "/", "graphql", m.URL + "/graphql", "healthz", m.URL + "/healthz", "readyz", m.URL + "/readyz",
		"backend", c.Backend, "region", m.AWS.Region, "auth", c.Auth, "introspection", c.Introspection}
	if m.Emulator != nil {
		attrs = append(attrs, "emulator", m.Emulator.URL, "manifest", m.Emulator.URL+"/_emulator/manifest")
	}
	gc := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/gomemlimit:bytes"}}
	metrics.Read(gc)
	off := func(v, none uint64) any { // GOGC=off and no limit read as the largest values
		if v >= none {
			return "off"
		}
		return v
	}
	attrs = append(attrs, "gogc", off(gc[0].Value.Uint64(), math.MaxInt32), "memoryLimitMiB", off(gc[1].Value.Uint64()>>20, math.MaxInt64>>20))
	slog.Info("execgraph listening", attrs...)
	if c.Backend == "aws" && len(c.CursorKeys) == 0 {
		slog.Warn("no -cursor-key: cursors are sealed with a random key of this process, so other replicas and the next restart refuse them; set -cursor-key (or EXECGRAPH_CURSOR_KEY) to a secret shared by every replica")
	}
}

// newAuthenticator builds the authenticator of c.Auth.
func newAuthenticator(ctx context.Context, c Config) (auth.Authenticator, error) {
	switch c.Auth {
	case auth.ModeAPIKey:
		a, err := auth.NewAPIKeys(c.APIKeysFile)
		if err != nil {
			return nil, fmt.Errorf("-api-keys-file: %w", err)
		}
		return a, nil
	case auth.ModeJWT:
		return auth.NewJWT(ctx, auth.JWTConfig{JWKSURL: c.JWKSURL, JWKSFile: c.JWKSFile, Issuer: c.JWTIssuer, Audience: c.JWTAudience, Algorithms: c.JWTAlgorithms})
	}
	return auth.None{}, nil
}

// listenError explains a failed listen, naming the flag to change.
func listenError(flagName, addr string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		extra := ""
		if _, port, _ := net.SplitHostPort(addr); port == "4566" {
			extra = " (4566 is also LocalStack's default port)"
		}
		return fmt.Errorf("%s %s: the address is already in use%s: stop what listens there, or choose another address with %s, such as %s 127.0.0.1:0 for any free port", flagName, addr, extra, flagName, flagName)
	}
	return fmt.Errorf("%s %s: %w", flagName, addr, err)
}

// Close shuts the HTTP servers down gracefully (requests in flight get up
// to the shutdown timeout), then stops the background work, flushes the
// traces and stops the emulator.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownTimeout)
	defer cancel()
	var errs []error
	for _, s := range m.servers {
		errs = append(errs, s.srv.Shutdown(ctx))
		if err := <-s.done; !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	m.servers = nil
	m.closeBackground()
	if m.tracerShutdown != nil {
		errs = append(errs, m.tracerShutdown(ctx))
	}
	return errors.Join(errs...)
}

func (m *Main) closeBackground() {
	if m.stop != nil {
		m.stop()
	}
	for _, ln := range m.listeners {
		_ = ln.Close()
	}
	m.listeners = nil
	if m.src != nil {
		m.src.Close()
	}
	if m.Emulator != nil {
		_ = m.Emulator.Close()
	}
}

// Garbage collection, unless GOGC or GOMEMLIMIT say otherwise: a response
// of a thousand items allocates much that dies at once, so the collector
// runs less often (gcPercent) under a soft memory limit (memoryLimit) past
// which it runs as often as it must. It returns what restores the previous
// settings (for tests).
const (
	gcPercent   = 400
	memoryLimit = 56 << 20
)

func tuneGC(getenv func(string) string) (restore func()) {
	percent, limit := -2, int64(-1)
	if getenv("GOGC") == "" {
		percent = debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		limit = debug.SetMemoryLimit(memoryLimit)
	}
	return func() {
		if percent != -2 {
			debug.SetGCPercent(percent)
		}
		if limit >= 0 {
			debug.SetMemoryLimit(limit)
		}
	}
}
