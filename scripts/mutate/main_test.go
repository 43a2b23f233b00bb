package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestMutantsApply: every mutant of the list still finds its text exactly
// once, changes it, and names packages and a test pattern, so the list
// cannot fall behind the code unnoticed between runs (the runs themselves
// are on demand; this check is in every test run).
func TestMutantsApply(t *testing.T) {
	root := filepath.Join("..", "..")
	ms, err := parse(filepath.Join(root, "scripts", "mutate", "mutants.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 50 {
		t.Fatalf("%d mutants: the list lost some", len(ms))
	}
	names := map[string]bool{}
	for _, m := range ms {
		if names[m.name] {
			t.Errorf("%q: two mutants of that name", m.name)
		}
		names[m.name] = true
		src, err := os.ReadFile(filepath.Join(root, m.file))
		if err != nil {
			t.Errorf("%s: %v", m.name, err)
			continue
		}
		if n := bytes.Count(src, []byte(m.old)); n != 1 {
			t.Errorf("%s: its text is in %s %d times, not once", m.name, m.file, n)
		}
		if m.old == m.new {
			t.Errorf("%s: changes nothing", m.name)
		}
		if _, err := regexp.Compile(m.run); err != nil || m.run == "" || len(m.pkgs) == 0 {
			t.Errorf("%s: run %q, packages %v", m.name, m.run, m.pkgs)
		}
	}
}
