package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
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
	}
	return c, nil
}
