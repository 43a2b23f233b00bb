package main

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEListsEveryFlag: the README's flags table has a row for every
// flag ParseFlags knows, with the default -help prints, and no other.
func TestREADMEListsEveryFlag(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var usage bytes.Buffer
	_, _ = ParseFlags([]string{"-help"}, func(string) string { return "" }, &usage)
	help := map[string]string{} // flag -> default as -help prints it ("" for none)
	lines := strings.Split(usage.String(), "\n")
	for i, l := range lines {
		m := regexp.MustCompile(`^  -(\S+)`).FindStringSubmatch(l)
		if m == nil || i+1 >= len(lines) {
			continue
		}
		def := ""
		if d := regexp.MustCompile(`\(default "?([^"()]*)"?\)$`).FindStringSubmatch(lines[i+1]); d != nil {
			def = d[1]
		}
		help[m[1]] = def
	}
	rows := map[string]string{}
	for _, m := range regexp.MustCompile("(?m)^\\| `-([a-z-]+)` \\| ([^|]*) \\|").FindAllStringSubmatch(string(readme), -1) {
		rows[m[1]] = strings.TrimSpace(m[2])
	}
	for name, def := range help {
		row, ok := rows[name]
		switch {
		case !ok:
			t.Errorf("README: no row for -%s", name)
		case def != "" && row != "`"+def+"`":
			t.Errorf("README: -%s default %s, -help says %q", name, row, def)
		}
	}
	for name := range rows {
		if _, ok := help[name]; !ok {
			t.Errorf("README: a row for -%s, which is not a flag", name)
		}
	}
}

// TestREADMEExamplesRun: every GraphQL block of the README runs as written
// on `go run ./server` (the emulator's default seed), without an error.
func TestREADMEExamplesRun(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 7 {
		t.Fatalf("%d GraphQL examples in the README", len(blocks))
	}
	defaults, err := ParseFlags(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	m := startGateway(t, func(c *Config) { c.EmulatorSeed = defaults.EmulatorSeed })
	for i, b := range blocks {
		resp := post(t, m, b[1], nil)
		if len(resp.Errors) > 0 || len(resp.Data) == 0 || string(resp.Data) == "null" {
			t.Errorf("example %d:\n%s\nerrors %+v", i+1, b[1], resp.Errors)
		}
		if strings.Contains(string(resp.Data), `"nodes":[]`) && !strings.Contains(b[1], "QUEUED") {
			t.Errorf("example %d lists nothing: %.300s", i+1, resp.Data)
		}
	}
}
