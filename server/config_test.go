package main

import (
	"bytes"
	"errors"
	"io"
	"net"
	"runtime/debug"
	"strings"
	"testing"
)

// TestFlagErrorsSayWhatToType: each mistake is refused with a message that
// names the flag and what to write instead.
func TestFlagErrorsSayWhatToType(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want []string // substrings of the error
	}{
		{"no auth on a public address", []string{"-addr", "0.0.0.0:8080"}, nil, []string{"-auth api-key", "-auth jwt", "-insecure-no-auth"}},
		{"explicit none on a public address", []string{"-addr", ":8080", "-auth", "none"}, nil, []string{"-insecure-no-auth"}},
		{"no auth on a public address, any host", []string{"-addr", ":8080", "-insecure-no-auth"}, nil, []string{"-allowed-hosts", "rebound"}},
		{"a wildcard origin", []string{"-cors-origins", "https://*.example.com"}, nil, []string{"scheme://host[:port]"}},
		{"any origin without auth", []string{"-cors-origins", "*"}, nil, []string{"any web page"}},
		{"origin without scheme", []string{"-cors-origins", "https://a.example, localhost:3000"}, nil, []string{"localhost:3000", "http://localhost:3000"}},
		{"origin with a path", []string{"-cors-origins", "https://a.example/app"}, nil, []string{"scheme://host[:port]"}},
		{"duration without unit", []string{"-read-timeout", "30"}, nil, []string{"30s"}},
		{"duration without unit from the environment", nil, map[string]string{"EXECGRAPH_WRITE_TIMEOUT": "90"}, []string{"EXECGRAPH_WRITE_TIMEOUT", "90s"}},
		{"address without port", []string{"-addr", "8081"}, nil, []string{"127.0.0.1:8081"}},
		{"address without port, a name", []string{"-emulator-addr", "localhost"}, nil, []string{"localhost:8081"}},
		{"HMAC for JWTs", []string{"-auth", "jwt", "-jwt-algorithms", "RS256,HS256", "-jwt-issuer", "i", "-jwt-audience", "a", "-jwt-jwks-url", "https://idp.example/jwks"}, nil, []string{"HS256", "never none or HMAC"}},
		{"JWT without audience", []string{"-auth", "jwt", "-jwt-issuer", "i", "-jwt-jwks-url", "https://idp.example/jwks"}, nil, []string{"-jwt-audience"}},
		{"api-key without file", []string{"-auth", "api-key"}, nil, []string{"-api-keys-file"}},
		{"unknown auth", []string{"-auth", "basic"}, nil, []string{`"none", "api-key" or "jwt"`}},
		{"short cursor key", []string{"-cursor-key", "secret"}, nil, []string{"32 characters"}},
		{"request timeout past write timeout", []string{"-request-timeout", "2m"}, nil, []string{"-write-timeout"}},
		{"stray argument", []string{"8080"}, nil, []string{"-addr"}},
		{"bad introspection", []string{"-introspection", "maybe"}, nil, []string{"true or false"}},
		{"region misspelled", []string{"-region", "us-est-1"}, nil, []string{"-region", "us-est-1", "-regions"}},
		{"region outside -regions", []string{"-region", "eu-west-1", "-regions", "us-east-1"}, nil, []string{"eu-west-1"}},
		{"malformed -regions", []string{"-regions", "us-east-1,moon"}, nil, []string{"moon"}},
		{"profiler on a public address", []string{"-pprof-addr", "0.0.0.0:6060"}, nil, []string{"127.0.0.1:6060", "port-forward"}},
		{"unknown rate-limit operation", []string{"-rate-limits", "stepfunctions.ListMapRun=1/1"}, nil, []string{"stepfunctions.ListMapRuns"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFlags(tc.args, func(k string) string { return tc.env[k] }, io.Discard)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestFlagDefaults: what depends on other flags resolves as documented.
func TestFlagDefaults(t *testing.T) {
	parse := func(args ...string) Config {
		t.Helper()
		c, err := ParseFlags(args, func(string) string { return "" }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := parse()
	if c.Auth != "none" || !c.Introspection || strings.Join(c.AllowedHosts, ",") != "localhost,127.0.0.1,::1" {
		t.Errorf("loopback emulator defaults: auth %q, introspection %v, hosts %v", c.Auth, c.Introspection, c.AllowedHosts)
	}
	c = parse("-addr", "0.0.0.0:8080", "-insecure-no-auth", "-allowed-hosts", "*", "-backend", "aws")
	if c.Auth != "none" || c.Introspection || c.AllowedHosts != nil {
		t.Errorf("public aws defaults: auth %q, introspection %v, hosts %v", c.Auth, c.Introspection, c.AllowedHosts)
	}
	c = parse("-cors-origins", " https://a.example ,http://localhost:3000,", "-describe-concurrency", "4")
	if strings.Join(c.CORSOrigins, "|") != "https://a.example|http://localhost:3000" || c.Concurrency != 4 {
		t.Errorf("origins %q, concurrency %d", c.CORSOrigins, c.Concurrency)
	}
}

// TestHelp: -help exits 0 (errHelp) and lists every EXECGRAPH_* variable.
func TestHelp(t *testing.T) {
	var out bytes.Buffer
	_, err := ParseFlags([]string{"-help"}, func(string) string { return "" }, &out)
	if !errors.Is(err, errHelp) {
		t.Fatalf("err %v", err)
	}
	for _, want := range []string{"EXECGRAPH_ADDR", "EXECGRAPH_AUTH", "EXECGRAPH_CURSOR_KEY", "-max-query-cost", "AWS_CA_BUNDLE"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("usage lacks %s", want)
		}
	}
}

// TestPortInUse: a taken port is refused with the flag to change.
func TestPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, flagName := range []string{"-addr", "-emulator-addr"} {
		c, err := ParseFlags([]string{flagName, ln.Addr().String(), "-emulator-addr", "127.0.0.1:0"}[:2], func(string) string { return "" }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if flagName == "-addr" {
			c.EmulatorAddr = "127.0.0.1:0"
		}
		m := &Main{Config: c}
		err = m.Run(t.Context())
		if err == nil {
			_ = m.Close()
			t.Fatalf("%s: started on a taken port", flagName)
		}
		if !strings.Contains(err.Error(), "already in use") || !strings.Contains(err.Error(), flagName+" ") {
			t.Errorf("%s: %v", flagName, err)
		}
	}
	if err := listenError("-emulator-addr", "127.0.0.1:4566", errInUse()); !strings.Contains(err.Error(), "LocalStack") {
		t.Errorf("4566: %v", err)
	}
}

// errInUse is the error of listening on a taken port.
func errInUse() error {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	_, err := net.Listen("tcp", ln.Addr().String())
	return err
}

// TestGCTuning: the binary collects at GOGC 400 under a 56 MiB soft limit,
// unless GOGC or GOMEMLIMIT are set, which then win.
func TestGCTuning(t *testing.T) {
	for _, tc := range []struct {
		env               map[string]string
		percent, limitMiB int64
	}{
		{nil, 400, 56},
		{map[string]string{"GOGC": "100"}, 100, 56},
		{map[string]string{"GOMEMLIMIT": "1GiB"}, 400, 1024},
	} {
		prevPercent := debug.SetGCPercent(100)
		prevLimit := debug.SetMemoryLimit(1 << 30)
		restore := tuneGC(func(k string) string { return tc.env[k] })
		percent := debug.SetGCPercent(-1)
		debug.SetGCPercent(int(percent))
		limit := debug.SetMemoryLimit(-1)
		restore()
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
		if int64(percent) != tc.percent || limit != tc.limitMiB<<20 {
			t.Errorf("with %v: GOGC %d, limit %d MiB; want %d, %d MiB", tc.env, percent, limit>>20, tc.percent, tc.limitMiB)
		}
	}
}
