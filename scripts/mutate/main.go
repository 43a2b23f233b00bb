// Command mutate plants small bugs (mutants) one at a time in a temporary
// copy of the repository, runs the tests meant to catch each, and reports
// the mutants that survived: a bug no test noticed. The list is
// mutants.txt; keep it at zero survivors. It runs on demand, not in CI:
//
//	go run ./scripts/mutate            # every mutant
//	go run ./scripts/mutate -run cursor # those whose name matches
//
// A mutant whose text is not found exactly once in its file, or that does
// not build, is an error of the list (the code moved on): fix the list.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// mutant is one planted bug.
type mutant struct {
	name, file, old, new string
	pkgs                 []string // packages to test
	run                  string   // -run pattern
}

func main() {
	list := flag.String("list", "scripts/mutate/mutants.txt", "the mutants")
	only := flag.String("run", "", "only the mutants whose name matches this regular expression")
	timeout := flag.Duration("timeout", 5*time.Minute, "longest run of one mutant's tests")
	flag.Parse()
	ms, err := parse(*list)
	if err != nil {
		fail(err)
	}
	re := regexp.MustCompile(*only)
	dir, err := copyRepo()
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	survivors, tried := 0, 0
	for _, m := range ms {
		if !re.MatchString(m.name) {
			continue
		}
		tried++
		start := time.Now()
		caught, out, err := try(dir, m, *timeout)
		switch {
		case err != nil:
			fmt.Printf("ERROR     %s: %v\n", m.name, err)
			survivors++
		case caught:
			fmt.Printf("caught    %s (%s)\n", m.name, time.Since(start).Round(time.Second))
		default:
			fmt.Printf("SURVIVED  %s\n", m.name)
			if os.Getenv("MUTATE_VERBOSE") != "" {
				fmt.Println(out)
			}
			survivors++
		}
	}
	fmt.Printf("%d mutants, %d survived\n", tried, survivors)
	if survivors > 0 {
		os.Exit(1)
	}
}

// try plants m in dir, runs its tests, and restores the file. caught: the
// tests failed; a mutant that does not build is an error.
func try(dir string, m mutant, timeout time.Duration) (caught bool, out string, err error) {
	path := filepath.Join(dir, m.file)
	orig, err := os.ReadFile(path)
	if err != nil {
		return false, "", err
	}
	if n := bytes.Count(orig, []byte(m.old)); n != 1 {
		return false, "", fmt.Errorf("%s: the text to replace is there %d times, not once", m.file, n)
	}
	if err := os.WriteFile(path, bytes.Replace(orig, []byte(m.old), []byte(m.new), 1), 0o644); err != nil {
		return false, "", err
	}
	defer os.WriteFile(path, orig, 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	args := append([]string{"test", "-count=1", "-run", m.run}, m.pkgs...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	b, runErr := cmd.CombinedOutput()
	if bytes.Contains(b, []byte("[build failed]")) || bytes.Contains(b, []byte("[setup failed]")) {
		// A bug the compiler (or go test's vet) refuses proves nothing
		// about the tests: the mutant must be valid Go.
		return false, string(b), fmt.Errorf("does not build:\n%s", b)
	}
	return runErr != nil, string(b), nil
}

// parse reads the list: blocks of "key: value" lines (name, file, old,
// new, pkgs, run) separated by blank lines; "#" starts a comment line. In
// old and new, "\n" and "\t" stand for a line break and a tab.
func parse(path string) ([]mutant, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []mutant
	cur := map[string]string{}
	flush := func() error {
		if len(cur) == 0 {
			return nil
		}
		for _, k := range []string{"name", "file", "old", "new", "pkgs", "run"} {
			if _, ok := cur[k]; !ok {
				return fmt.Errorf("mutant %q has no %s", cur["name"], k)
			}
		}
		unescape := strings.NewReplacer(`\n`, "\n", `\t`, "\t").Replace
		out = append(out, mutant{name: cur["name"], file: cur["file"], old: unescape(cur["old"]), new: unescape(cur["new"]),
			pkgs: strings.Fields(cur["pkgs"]), run: cur["run"]})
		cur = map[string]string{}
		return nil
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
		case strings.TrimSpace(line) == "":
			if err := flush(); err != nil {
				return nil, err
			}
		default:
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				return nil, fmt.Errorf("not key: value: %q", line)
			}
			cur[strings.TrimSpace(k)] = strings.TrimPrefix(v, " ")
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, sc.Err()
}

// copyRepo copies the files git knows (committed or not) to a new
// temporary directory.
func copyRepo() (string, error) {
	files, err := exec.Command("git", "ls-files", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		return "", fmt.Errorf("git ls-files (run from the repository's top): %w", err)
	}
	dir, err := os.MkdirTemp("", "execgraph-mutate-")
	if err != nil {
		return "", err
	}
	for _, f := range strings.Split(strings.TrimSpace(string(files)), "\n") {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // deleted in the working tree
		}
		dst := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mutate:", err)
	os.Exit(2)
}
