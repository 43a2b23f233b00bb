package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/execgraph/execgraph/internal/auth"
	"github.com/execgraph/execgraph/internal/awsemu"
	"github.com/execgraph/execgraph/internal/source"
)

// Config is the gateway's configuration. Every flag has an EXECGRAPH_*
// environment equivalent (-emulator-addr: EXECGRAPH_EMULATOR_ADDR); a flag
// given on the command line wins over the environment.
type Config struct {
	Addr             string             // -addr
	Backend          string             // -backend: "emulator" or "aws"
	EmulatorAddr     string             // -emulator-addr
	EmulatorSeed     uint64             // -emulator-seed
	EmulatorTokenTTL time.Duration      // -emulator-token-ttl
	EmulatorLambda   awsemu.LambdaOrder // -emulator-lambda-order
	Region           string             // -region ("": the SDK's default chain; us-east-1 on the emulator)
	Regions          []string           // -regions (nil: every region of the built-in table)
	AWSMaxAttempts   int                // -aws-max-attempts
	Concurrency      int                // -aws-concurrency
	RateLimits       string             // -rate-limits
	DetailCacheSize  int                // -detail-cache-size
	CursorKeys       []string           // -cursor-key (nil: a random key per process)

	Auth           string   // -auth: none, api-key or jwt
	InsecureNoAuth bool     // -insecure-no-auth
	APIKeysFile    string   // -api-keys-file
	JWKSURL        string   // -jwt-jwks-url
	JWKSFile       string   // -jwt-jwks-file
	JWTIssuer      string   // -jwt-issuer
	JWTAudience    string   // -jwt-audience
	JWTAlgorithms  []string // -jwt-algorithms

	CORSOrigins  []string // -cors-origins
	AllowedHosts []string // -allowed-hosts (nil: any host)

	MaxQueryCost     int    // -max-query-cost
	MaxTokens        int    // -max-tokens
	MaxDepth         int    // -max-depth
	MaxAliases       int    // -max-aliases
	MaxRootFields    int    // -max-root-fields
	MaxDirectives    int    // -max-directives
	MaxFields        int    // -max-fields
	Introspection    bool   // -introspection
	QueryCacheBytes  int64  // -query-cache-bytes
	TrustedDocuments string // -trusted-documents

	Prefetch    bool   // -prefetch
	MetricsAddr string // -metrics-addr ("": /metrics on -addr)
	PprofAddr   string // -pprof-addr ("": off)
	LogFormat   string // -log-format: text or json
	LogLevel    string // -log-level: debug, info, warn, error

	MaxBodyBytes      int64         // -max-body-bytes
	MaxConnections    int           // -max-connections
	MaxConnsPerIP     int           // -max-connections-per-ip
	RequestTimeout    time.Duration // -request-timeout
	ReadHeaderTimeout time.Duration // -read-header-timeout
	ReadTimeout       time.Duration // -read-timeout
	WriteTimeout      time.Duration // -write-timeout
	IdleTimeout       time.Duration // -idle-timeout
	ShutdownTimeout   time.Duration // -shutdown-timeout
}

// errHelp is returned by ParseFlags for -help: the usage was printed and
// the program should exit 0.
var errHelp = flag.ErrHelp

// ParseFlags reads the configuration from args and the environment (getenv),
// and checks it. Its errors say what to type instead.
func ParseFlags(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("execgraph", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var authMode, introspection, cursorKeys, regions, corsOrigins, allowedHosts, jwtAlgs string
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "`host:port` to serve GraphQL (/graphql), GraphiQL (/), /healthz and /readyz on")
	fs.StringVar(&c.Backend, "backend", "emulator", `"emulator" (the built-in AWS emulator) or "aws" (the SDK's default configuration chain)`)
	fs.StringVar(&c.EmulatorAddr, "emulator-addr", "127.0.0.1:4566", "`host:port` of the built-in emulator (-backend emulator)")
	fs.Uint64Var(&c.EmulatorSeed, "emulator-seed", 1, "seed of the emulator's generated data")
	durationVar(fs, &c.EmulatorTokenTTL, "emulator-token-ttl", 24*time.Hour, "lifetime of the emulator's pagination tokens")
	c.EmulatorLambda = awsemu.LambdaNewestFirst
	fs.Var(&c.EmulatorLambda, "emulator-lambda-order", `the emulator's reading of ListDurableExecutionsByFunction: "newest-first" (the Go SDK model: newest first, every version) or "oldest-first" (the service's first documentation: oldest first, $LATEST only without a qualifier)`)
	fs.StringVar(&c.Region, "region", "", "default AWS region of listings addressed by name (-backend aws: the SDK chain's; emulator: us-east-1)")
	fs.StringVar(&regions, "regions", "", "regions a request may name, comma-separated (default: every AWS region of the built-in table)")
	fs.IntVar(&c.AWSMaxAttempts, "aws-max-attempts", 3, "attempts per AWS call, retries included (the SDK's standard retryer)")
	fs.IntVar(&c.Concurrency, "aws-concurrency", 16, "AWS calls in flight per service, list and detail calls alike, across requests")
	fs.IntVar(&c.Concurrency, "describe-concurrency", 16, "deprecated name of -aws-concurrency")
	fs.StringVar(&c.RateLimits, "rate-limits", "", `client-side token buckets, "service.Operation=burst/perSecond,..." (added to AWS's documented quotas on -backend aws; "off": none)`)
	fs.IntVar(&c.DetailCacheSize, "detail-cache-size", 10000, "details of ended executions kept across requests (0: none)")
	fs.StringVar(&cursorKeys, "cursor-key", "", "secret keys that seal cursors, comma-separated, each at least 32 characters; the first signs, all verify (default: a random key per process)")

	fs.StringVar(&authMode, "auth", "", `"none", "api-key" or "jwt" (default: none on a loopback -addr; required otherwise)`)
	fs.BoolVar(&c.InsecureNoAuth, "insecure-no-auth", false, "serve without authentication on a non-loopback -addr")
	fs.StringVar(&c.APIKeysFile, "api-keys-file", "", `file of API keys (-auth api-key): one per line, "sha256:<hex>" or the key, then optionally a name`)
	fs.StringVar(&c.JWKSURL, "jwt-jwks-url", "", "URL of the JWKS that signs accepted JWTs (-auth jwt)")
	fs.StringVar(&c.JWKSFile, "jwt-jwks-file", "", "file of the JWKS that signs accepted JWTs, read again when it changes (-auth jwt)")
	fs.StringVar(&c.JWTIssuer, "jwt-issuer", "", "the iss accepted JWTs carry (-auth jwt)")
	fs.StringVar(&c.JWTAudience, "jwt-audience", "", "an aud accepted JWTs carry (-auth jwt)")
	fs.StringVar(&jwtAlgs, "jwt-algorithms", strings.Join(auth.DefaultAlgorithms, ","), "JWT signing algorithms accepted, comma-separated (never none or HMAC)")

	fs.StringVar(&corsOrigins, "cors-origins", "", `origins (scheme://host[:port]) whose browser pages may call /graphql, comma-separated; "*": any`)
	fs.StringVar(&allowedHosts, "allowed-hosts", "", `Host header values served, comma-separated; "*": any (default: localhost, 127.0.0.1, ::1 and its own host on a loopback -addr, any otherwise)`)

	fs.IntVar(&c.MaxQueryCost, "max-query-cost", 5000, "largest query cost: AWS calls a query may make plus the objects it may return")
	fs.IntVar(&c.MaxTokens, "max-tokens", 2000, "largest number of tokens in a query document")
	fs.IntVar(&c.MaxDepth, "max-depth", 15, "deepest field nesting in a query")
	fs.IntVar(&c.MaxAliases, "max-aliases", 30, "most aliases in an operation, fragments expanded")
	fs.IntVar(&c.MaxRootFields, "max-root-fields", 20, "most root fields in an operation, fragments expanded")
	fs.IntVar(&c.MaxDirectives, "max-directives", 5, "most directives on one field or fragment")
	fs.IntVar(&c.MaxFields, "max-fields", 2000, "most fields in an operation, fragments expanded")
	fs.StringVar(&introspection, "introspection", "", "serve introspection (__schema, __type) and field suggestions (default: true on the emulator, false on -backend aws)")
	fs.Int64Var(&c.QueryCacheBytes, "query-cache-bytes", 16<<20, "bytes of query text kept in the parsed-query and persisted-query caches")
	fs.StringVar(&c.TrustedDocuments, "trusted-documents", "", "JSON manifest of trusted documents (Relay's or Apollo's persisted-query output): when set, only those run")

	fs.BoolVar(&c.Prefetch, "prefetch", true, "while a client walks a listing (a request with after), fetch the next upstream page in the background")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", "", "host:port to serve Prometheus /metrics on, without authentication (default: /metrics on -addr, authenticated like /graphql)")
	fs.StringVar(&c.PprofAddr, "pprof-addr", "", "loopback host:port to serve Go's profiler (/debug/pprof/) on, without authentication (default: off)")
	fs.StringVar(&c.LogFormat, "log-format", "text", `"text" or "json"`)
	fs.StringVar(&c.LogLevel, "log-level", "info", `"debug", "info", "warn" or "error"`)
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", 1<<20, "largest accepted request body, in bytes")
	fs.IntVar(&c.MaxConnections, "max-connections", 1024, "most client connections open at once (more wait to be accepted)")
	fs.IntVar(&c.MaxConnsPerIP, "max-connections-per-ip", 64, "most connections one client (an IPv4 address, a public IPv6 /64, any other IPv6 address) may hold open, more are closed at once; 0: no cap (behind a proxy, whose address every client shares)")
	durationVar(fs, &c.RequestTimeout, "request-timeout", 30*time.Second, "deadline of a request: every resolver and AWS call stops at it")
	durationVar(fs, &c.ReadHeaderTimeout, "read-header-timeout", 5*time.Second, "HTTP read-header timeout")
	durationVar(fs, &c.ReadTimeout, "read-timeout", 15*time.Second, "HTTP read timeout")
	durationVar(fs, &c.WriteTimeout, "write-timeout", 60*time.Second, "HTTP write timeout (longer than -request-timeout)")
	durationVar(fs, &c.IdleTimeout, "idle-timeout", 120*time.Second, "HTTP idle timeout")
	durationVar(fs, &c.ShutdownTimeout, "shutdown-timeout", 15*time.Second, "how long SIGINT/SIGTERM waits for requests in flight")
	fs.Usage = func() { usage(fs) }

	// The environment sets defaults; flags on the command line override them.
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		if v := getenv(name); v != "" && envErr == nil {
			if err := f.Value.Set(v); err != nil {
				envErr = fmt.Errorf("%s=%q: %w", name, v, err)
			}
		}
	})
	if envErr != nil {
		return c, envErr
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q: flags start with -, such as -addr 127.0.0.1:8081", fs.Args())
	}
	c.Auth = authMode
	c.Regions = splitList(regions)
	c.CursorKeys = splitList(cursorKeys)
	c.JWTAlgorithms = splitList(jwtAlgs)
	c.CORSOrigins = splitList(corsOrigins)
	c.AllowedHosts = splitList(allowedHosts)
	if err := c.check(introspection); err != nil {
		return c, err
	}
	return c, nil
}

// check validates c and fills in the defaults that depend on other flags.
func (c *Config) check(introspection string) error {
	checks := []func() error{
		func() error { return checkAddr("-addr", c.Addr, "127.0.0.1:8081") },
		func() error { return checkAddr("-emulator-addr", c.EmulatorAddr, "127.0.0.1:4567") },
		func() error {
			for flagName, addr := range map[string]string{"-metrics-addr": c.MetricsAddr, "-pprof-addr": c.PprofAddr} {
				if addr != "" {
					if err := checkAddr(flagName, addr, "127.0.0.1:9090"); err != nil {
						return err
					}
					if flagName == "-pprof-addr" && !isLoopback(addr) {
						return fmt.Errorf("-pprof-addr %q: the profiler has no authentication and shows the process's memory; serve it on a loopback address such as 127.0.0.1:6060 and reach it through an SSH tunnel or kubectl port-forward", addr)
					}
				}
			}
			return nil
		},
		func() error {
			if c.LogFormat != "text" && c.LogFormat != "json" {
				return fmt.Errorf(`-log-format must be "text" or "json", got %q`, c.LogFormat)
			}
			var l slog.Level
			if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
				return fmt.Errorf(`-log-level must be "debug", "info", "warn" or "error", got %q`, c.LogLevel)
			}
			return nil
		},
		func() error {
			if c.Backend != "emulator" && c.Backend != "aws" {
				return fmt.Errorf(`-backend must be "emulator" or "aws", got %q`, c.Backend)
			}
			return nil
		},
		func() error { return atLeast("-aws-max-attempts", c.AWSMaxAttempts, 1) },
		func() error { return atLeast("-aws-concurrency", c.Concurrency, 1) },
		func() error { return atLeast("-detail-cache-size", c.DetailCacheSize, 0) },
		func() error { return atLeast("-max-query-cost", c.MaxQueryCost, 1) },
		func() error { return atLeast("-max-tokens", c.MaxTokens, 100) },
		func() error { return atLeast("-max-depth", c.MaxDepth, 3) },
		func() error { return atLeast("-max-aliases", c.MaxAliases, 0) },
		func() error { return atLeast("-max-root-fields", c.MaxRootFields, 1) },
		func() error { return atLeast("-max-directives", c.MaxDirectives, 0) },
		func() error { return atLeast("-max-fields", c.MaxFields, 10) },
		func() error { return atLeast("-max-connections", c.MaxConnections, 1) },
		func() error { return atLeast("-max-connections-per-ip", c.MaxConnsPerIP, 0) },
		func() error { return atLeast("-max-body-bytes", int(min(c.MaxBodyBytes, 1<<40)), 1024) },
		func() error { return atLeast("-query-cache-bytes", int(min(c.QueryCacheBytes, 1<<40)), 0) },
		func() error {
			if c.RequestTimeout <= 0 || c.WriteTimeout <= c.RequestTimeout {
				return fmt.Errorf("-request-timeout (%s) must be positive and shorter than -write-timeout (%s), so that a request's answer can still be written", c.RequestTimeout, c.WriteTimeout)
			}
			return nil
		},
		func() error {
			for _, d := range []struct {
				name string
				v    time.Duration
			}{{"-read-header-timeout", c.ReadHeaderTimeout}, {"-read-timeout", c.ReadTimeout}, {"-idle-timeout", c.IdleTimeout}, {"-shutdown-timeout", c.ShutdownTimeout}, {"-emulator-token-ttl", c.EmulatorTokenTTL}} {
				if d.v <= 0 {
					return fmt.Errorf("%s must be positive, such as 30s", d.name)
				}
			}
			return nil
		},
		c.checkAuth,
		func() error {
			_, err := source.NewRegions(c.Regions, c.Region)
			if err != nil && c.Region != "" {
				return fmt.Errorf("-region: %w", err)
			}
			return err
		},
		func() error { _, err := c.limits(); return err },
		c.checkOrigins,
		c.checkHosts,
		func() error {
			for _, k := range c.CursorKeys {
				if len(k) < 32 {
					return errors.New("-cursor-key: each key must be at least 32 characters (for instance 32 random bytes in hex: openssl rand -hex 32)")
				}
			}
			return nil
		},
		func() error {
			switch introspection {
			case "":
				c.Introspection = c.Backend == "emulator"
				return nil
			default:
				v, err := strconv.ParseBool(introspection)
				if err != nil {
					return fmt.Errorf("-introspection %q: want true or false", introspection)
				}
				c.Introspection = v
				return nil
			}
		},
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// checkAuth resolves the default auth mode: none on a loopback address only.
func (c *Config) checkAuth() error {
	loop := isLoopback(c.Addr)
	if c.Auth == "" {
		if !loop && !c.InsecureNoAuth {
			return fmt.Errorf("-addr %s is reachable from other machines, and serving it without authentication would hand this AWS identity's data to anyone who reaches it: set -auth api-key (with -api-keys-file) or -auth jwt (with -jwt-jwks-url, -jwt-issuer, -jwt-audience), or add -insecure-no-auth if something in front already authenticates", c.Addr)
		}
		c.Auth = auth.ModeNone
	}
	switch c.Auth {
	case auth.ModeNone:
		if !loop && !c.InsecureNoAuth {
			return fmt.Errorf("-auth none on -addr %s, which is reachable from other machines: add -insecure-no-auth if something in front already authenticates, or set -auth api-key or -auth jwt", c.Addr)
		}
		if slices.Contains(c.CORSOrigins, "*") {
			return errors.New(`-cors-origins "*" with -auth none would let any web page read this AWS identity's data through a visitor's browser: name the origins, or set -auth`)
		}
	case auth.ModeAPIKey:
		if c.APIKeysFile == "" {
			return errors.New("-auth api-key needs -api-keys-file")
		}
	case auth.ModeJWT:
		if err := auth.CheckAlgorithms(c.JWTAlgorithms); err != nil {
			return fmt.Errorf("-jwt-algorithms: %w", err)
		}
		if c.JWTIssuer == "" || c.JWTAudience == "" || (c.JWKSURL == "") == (c.JWKSFile == "") {
			return errors.New("-auth jwt needs -jwt-issuer, -jwt-audience, and one of -jwt-jwks-url and -jwt-jwks-file")
		}
	default:
		return fmt.Errorf(`-auth must be "none", "api-key" or "jwt", got %q`, c.Auth)
	}
	return nil
}

// checkOrigins checks that each -cors-origins entry is an origin.
func (c *Config) checkOrigins() error {
	for _, o := range c.CORSOrigins {
		if o == "*" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Contains(u.Host, "*") || u.Path != "" || u.RawQuery != "" || u.User != nil {
			hint := ""
			if !strings.Contains(o, "://") {
				hint = fmt.Sprintf(" (did you mean http://%s or https://%s?)", o, o)
			}
			return fmt.Errorf("-cors-origins: %q is not an origin: write scheme://host[:port], such as https://portal.example.com or http://localhost:3000%s", o, hint)
		}
	}
	return nil
}

// hostsOf is the Host names a listener on addr serves by default: on a
// loopback address, where a rebound page of the operator's browser could
// reach it, the loopback names and addr's own host (127.0.0.2, say); any
// elsewhere (nil), where clients name it by whatever address they found.
func hostsOf(addr string) []string {
	if !isLoopback(addr) {
		return nil
	}
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if host, _, err := net.SplitHostPort(addr); err == nil && host != "" && !slices.Contains(hosts, host) {
		hosts = append(hosts, host)
	}
	return hosts
}

// checkHosts resolves -allowed-hosts: hostsOf(-addr) by default.
func (c *Config) checkHosts() error {
	if len(c.AllowedHosts) == 0 {
		c.AllowedHosts = hostsOf(c.Addr)
	}
	if len(c.AllowedHosts) == 0 && c.Auth == auth.ModeNone {
		return errors.New("-insecure-no-auth on a non-loopback -addr needs -allowed-hosts: without authentication, a page whose DNS name was rebound to this address could read it; name the host names clients use (or \"*\" if something in front checks them)")
	}
	if slices.Contains(c.AllowedHosts, "*") {
		c.AllowedHosts = nil
	}
	for _, h := range c.AllowedHosts {
		if strings.ContainsAny(h, "/: ") && net.ParseIP(h) == nil {
			return fmt.Errorf("-allowed-hosts: %q is not a host name: write names without scheme or port, such as gateway.example.com", h)
		}
	}
	return nil
}

// checkAddr checks that addr is host:port, with a hint for what is missing.
func checkAddr(flagName, addr, example string) error {
	host, port, err := net.SplitHostPort(addr)
	if err == nil {
		if _, perr := strconv.ParseUint(port, 10, 16); perr != nil {
			err = errors.New("bad port")
		}
	}
	if err != nil {
		hint := example
		if _, perr := strconv.ParseUint(addr, 10, 16); perr == nil {
			hint = "127.0.0.1:" + addr
		} else if host == "" && !strings.Contains(addr, ":") && addr != "" {
			hint = addr + ":8081"
		}
		return fmt.Errorf("%s %q: want host:port, such as %s", flagName, addr, hint)
	}
	return nil
}

// isLoopback reports whether addr listens on a loopback interface only.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func atLeast(name string, v, least int) error {
	if v < least {
		return fmt.Errorf("%s must be at least %d, got %d", name, least, v)
	}
	return nil
}

// splitList splits a comma-separated flag value, trimming spaces around the
// entries and dropping empty ones.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// envName is the environment variable of a flag.
func envName(flagName string) string {
	return "EXECGRAPH_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// durationValue is a time.Duration flag whose error for a number without a
// unit says what to write.
type durationValue struct{ d *time.Duration }

func durationVar(fs *flag.FlagSet, p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	fs.Var(durationValue{p}, name, usage)
}

func (v durationValue) String() string {
	if v.d == nil {
		return ""
	}
	return v.d.String()
}

func (v durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		if _, nerr := strconv.ParseFloat(s, 64); nerr == nil {
			return fmt.Errorf("%q has no unit: write %ss (or ms, m, h)", s, s)
		}
		return fmt.Errorf("%q is not a duration: write a number and a unit, such as 30s, 500ms or 2m", s)
	}
	*v.d = d
	return nil
}

// usage prints the flags and their environment variables.
func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprintln(w, "execgraph: a GraphQL gateway over the execution listings of five AWS services.")
	fmt.Fprintln(w, "\nUsage: go run ./server [flags]    (GraphiQL at http://127.0.0.1:8080/ on the built-in emulator)")
	fmt.Fprintln(w, "\nFlags:")
	fs.PrintDefaults()
	fmt.Fprintln(w, "\nEnvironment: every flag has a variable, which the command line overrides:")
	fs.VisitAll(func(f *flag.Flag) { fmt.Fprintf(w, "  %-36s -%s\n", envName(f.Name), f.Name) })
	fmt.Fprintln(w, "\nWith -backend aws, the AWS SDK's own variables apply too (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, AWS_CA_BUNDLE, ...).")
}

// limits are the client-side token buckets: AWS's documented quotas on the
// aws backend (none on the emulator), overridden entry by entry by
// -rate-limits; "off" turns them all off.
func (c Config) limits() (map[string]source.Limit, error) {
	if c.RateLimits == "off" {
		return nil, nil
	}
	set, err := source.ParseLimits(c.RateLimits)
	if err != nil {
		return nil, fmt.Errorf("-rate-limits: %w", err)
	}
	out := map[string]source.Limit{}
	if c.Backend == "aws" {
		maps.Copy(out, source.AWSQuotas())
	}
	maps.Copy(out, set)
	return out, nil
}
