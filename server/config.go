package main

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"strings"
	"time"

	"github.com/execgraph/execgraph/internal/loader"
)

// Config is the gateway's configuration. Every flag has an EXECGRAPH_*
// environment equivalent (-emulator-addr: EXECGRAPH_EMULATOR_ADDR); a flag
// given on the command line wins over the environment.
type Config struct {
	Addr             string        // -addr
	Backend          string        // -backend: "emulator" or "aws"
	EmulatorAddr     string        // -emulator-addr
	EmulatorSeed     uint64        // -emulator-seed
	EmulatorTokenTTL time.Duration // -emulator-token-ttl
	Region           string        // -region ("": the SDK's default chain; us-east-1 on the emulator)
	AWSMaxAttempts   int           // -aws-max-attempts
	MaxQueryCost     int           // -max-query-cost
	Concurrency      int           // -describe-concurrency
	RateLimits       string        // -rate-limits
	DetailCacheSize  int           // -detail-cache-size
	CORSOrigins      string        // -cors-origins
	MaxBodyBytes     int64         // -max-body-bytes
	ReadTimeout      time.Duration // -read-timeout
	WriteTimeout     time.Duration // -write-timeout
	IdleTimeout      time.Duration // -idle-timeout
	ShutdownTimeout  time.Duration // -shutdown-timeout
}

// ParseFlags reads the configuration from args and the environment (getenv).
func ParseFlags(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("execgraph", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "address to serve GraphQL, GraphiQL and /healthz on")
	fs.StringVar(&c.Backend, "backend", "emulator", `"emulator" (the built-in AWS emulator) or "aws" (the SDK's default configuration chain)`)
	fs.StringVar(&c.EmulatorAddr, "emulator-addr", "127.0.0.1:4566", "address of the built-in emulator (backend emulator)")
	fs.Uint64Var(&c.EmulatorSeed, "emulator-seed", 1, "seed of the emulator's generated data")
	fs.DurationVar(&c.EmulatorTokenTTL, "emulator-token-ttl", 24*time.Hour, "lifetime of the emulator's pagination tokens")
	fs.StringVar(&c.Region, "region", "", "default AWS region (backend aws: default from the SDK chain; emulator: us-east-1)")
	fs.IntVar(&c.AWSMaxAttempts, "aws-max-attempts", 3, "attempts per AWS call, retries included (the SDK's standard retryer)")
	fs.IntVar(&c.MaxQueryCost, "max-query-cost", 5000, "largest query cost: a listing costs 1 + first x (its AWS-backed fields and objects per item); bounds the AWS calls one query makes")
	fs.IntVar(&c.Concurrency, "describe-concurrency", 16, "AWS detail calls in flight per service, across requests")
	fs.StringVar(&c.RateLimits, "rate-limits", "", `client-side token buckets, "service.Operation=burst/perSecond,..." (added to AWS's documented quotas on -backend aws; "off": none)`)
	fs.IntVar(&c.DetailCacheSize, "detail-cache-size", 10000, "details of ended executions kept across requests (0: none)")
	fs.StringVar(&c.CORSOrigins, "cors-origins", "", `origins allowed to call /graphql from a browser, comma-separated ("*": any; "": none)`)
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", 1<<20, "largest accepted request body, in bytes")
	fs.DurationVar(&c.ReadTimeout, "read-timeout", 15*time.Second, "HTTP read timeout")
	fs.DurationVar(&c.WriteTimeout, "write-timeout", 60*time.Second, "HTTP write timeout")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", 120*time.Second, "HTTP idle timeout")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 15*time.Second, "how long shutdown waits for requests in flight")

	// The environment sets defaults; flags on the command line override them.
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		name := "EXECGRAPH_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
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
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	switch {
	case c.Backend != "emulator" && c.Backend != "aws":
		return c, fmt.Errorf(`-backend must be "emulator" or "aws", got %q`, c.Backend)
	case c.AWSMaxAttempts < 1:
		return c, fmt.Errorf("-aws-max-attempts must be at least 1")
	case c.MaxBodyBytes < 1024:
		return c, fmt.Errorf("-max-body-bytes must be at least 1024")
	case c.MaxQueryCost < 1:
		return c, fmt.Errorf("-max-query-cost must be at least 1")
	case c.Concurrency < 1:
		return c, fmt.Errorf("-describe-concurrency must be at least 1")
	case c.DetailCacheSize < 0:
		return c, fmt.Errorf("-detail-cache-size must not be negative")
	}
	if _, err := c.limits(); err != nil {
		return c, err
	}
	return c, nil
}

// limits are the client-side token buckets: AWS's documented quotas on the
// aws backend (none on the emulator), overridden entry by entry by
// -rate-limits; "off" turns them all off.
func (c Config) limits() (map[string]loader.Limit, error) {
	if c.RateLimits == "off" {
		return nil, nil
	}
	set, err := loader.ParseLimits(c.RateLimits)
	if err != nil {
		return nil, err
	}
	out := map[string]loader.Limit{}
	if c.Backend == "aws" {
		maps.Copy(out, loader.AWSQuotas)
	}
	maps.Copy(out, set)
	return out, nil
}
