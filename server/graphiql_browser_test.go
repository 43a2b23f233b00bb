package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// requireChromium returns the path of Debian's chromium, or ends the test
// through requireTool when it is not installed.
func requireChromium(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		requireTool(t, "Debian's chromium ("+err.Error()+")", "apt-get install -y chromium")
	}
	return path
}

// explorerArgMismatch is the one console error the page may log: the
// explorer plugin (graphiql-explorer) writes it for list-of-input-object
// arguments such as executions(sources: [...]); internal/graphiql/README.md
// documents it as harmless.
const explorerArgMismatch = "arg mismatch between arg and selection"

// pageRecorder records, in the order Chromium sends them, the events of one
// tab: every request, and every exception, console error, browser log
// error, CSP violation and failed load ("problems"). On the first problem
// it calls onProblem, which ends the test's waits at once.
type pageRecorder struct {
	onProblem func(error)

	mu         sync.Mutex
	requests   []string // "METHOD URL"
	problems   []string
	violations []string    // CSP violations (also in problems)
	violated   chan string // each CSP violation, for the probe
	tolerated  []string    // explorerArgMismatch messages
}

func newPageRecorder(onProblem func(error)) *pageRecorder {
	return &pageRecorder{onProblem: onProblem, violated: make(chan string, 64)}
}

// listen is chromedp's listener: it runs on the tab's read loop, so it
// records and returns.
func (r *pageRecorder) listen(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		r.requests = append(r.requests, ev.Request.Method+" "+ev.Request.URL)
	case *network.EventLoadingFailed:
		if ev.BlockedReason == network.BlockedReasonCsp {
			r.violation("blocked load of a " + string(ev.Type))
		}
		r.problem(fmt.Sprintf("failed load (%s): %s blocked=%q", ev.Type, ev.ErrorText, ev.BlockedReason))
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		r.problem(fmt.Sprintf("exception at %s:%d: %s", withoutQuery(d.URL), d.LineNumber+1, text))
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		text := consoleText(ev.Args)
		if strings.HasPrefix(text, explorerArgMismatch) {
			r.tolerated = append(r.tolerated, text)
			return
		}
		if isCSP(text) {
			r.violation(text)
		}
		r.problem(fmt.Sprintf("console.%s: %s", ev.Type, text))
	case *cdplog.EventEntryAdded:
		e := ev.Entry
		csp := e.Source == cdplog.EntrySourceSecurity || isCSP(e.Text)
		if csp {
			r.violation(e.Text)
		}
		if csp || e.Level == cdplog.EntryLevelError {
			r.problem(fmt.Sprintf("browser log (%s, %s): %s [%s]", e.Source, e.Level, e.Text, withoutQuery(e.URL)))
		}
	}
}

// problem and violation record; the caller holds r.mu.
func (r *pageRecorder) problem(text string) {
	r.problems = append(r.problems, text)
	if len(r.problems) == 1 && r.onProblem != nil {
		r.onProblem(errors.New("page problem: " + text))
	}
}

func (r *pageRecorder) violation(text string) {
	r.violations = append(r.violations, text)
	select {
	case r.violated <- text:
	default:
	}
}

func (r *pageRecorder) snapshot() (requests, problems, violations, tolerated []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.requests), slices.Clone(r.problems), slices.Clone(r.violations), slices.Clone(r.tolerated)
}

func isCSP(text string) bool { return strings.Contains(text, "Content Security Policy") }

// withoutQuery drops the query of a URL: the page's own URL carries the
// whole query text (?query=).
func withoutQuery(u string) string {
	u, _, _ = strings.Cut(u, "?")
	return u
}

// consoleText is the text of a console call: strings as they are, other
// values by their JSON value or description.
func consoleText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		var s string
		switch {
		case a.Type == runtime.RemoteObjectTypeString && json.Unmarshal(a.Value, &s) == nil:
			parts = append(parts, s)
		case len(a.Value) > 0:
			parts = append(parts, string(a.Value))
		default:
			parts = append(parts, a.Description)
		}
	}
	return strings.Join(parts, " ")
}

// lockedBuffer collects Chromium's output, which its process writes from
// another goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// JavaScript that reads GraphiQL's CodeMirror 5 editors (the wrapper
// element holds its editor as .CodeMirror).
const (
	jsQueryEditor    = `document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue()`
	jsResponseEditor = `document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()`
)

// TestGraphiQLInBrowser opens the GraphiQL page in headless Chromium, checks
// that it opens on the example query with the explorer, opens and closes a
// dialog (the nonce'd <style> of the scroll lock), runs the query with the
// execute button and reads the emulator's data in the response pane. The
// page must request nothing but from the gateway's origin, and log no CSP
// violation, no exception and no error.
func TestGraphiQLInBrowser(t *testing.T) {
	chromium := requireChromium(t)
	m := startGateway(t)
	origin, err := url.Parse(m.URL)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var browserOut lockedBuffer
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		// Without these Chromium calls Google (field trials, component
		// updates, sync, QUIC probes), which a closed network refuses.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1400, 900),
		chromedp.CombinedOutput(&browserOut),
	)...)
	defer cancelAlloc()
	defer func() {
		if t.Failed() {
			t.Logf("chromium's output:\n%s", browserOut.String())
		}
	}()

	// page is the context of the test's actions: the first problem the
	// page logs cancels it, so that a failing page fails at once and with
	// its reason rather than at the end of a wait. (It is a plain child of
	// the tab's context: cancelling it ends the current action, not the
	// tab.)
	var stopPage context.CancelCauseFunc
	rec := newPageRecorder(func(err error) { stopPage(err) })
	tab, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(rec.listen))
	defer cancelTab()
	page, stopPage := context.WithCancelCause(tab)
	defer stopPage(nil)
	if err := chromedp.Do(tab); err != nil { // starts Chromium, bound to tab
		t.Fatalf("start %s: %v\n%s", chromium, err, browserOut.String())
	}

	step := func(what string, err error) {
		t.Helper()
		if err == nil {
			return
		}
		if cause := context.Cause(page); cause != nil && !errors.Is(cause, context.Canceled) && !errors.Is(cause, context.DeadlineExceeded) {
			err = cause
		} else if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("%w (the test's 60 s ran out)", err)
		}
		_, problems, _, _ := rec.snapshot()
		t.Fatalf("%s: %v\nthe page's problems: %q", what, err, problems)
	}

	resp, err := chromedp.Run(page, chromedp.NavigateResponse(m.URL+"/"))
	step("open "+m.URL+"/", err)
	if resp.Status != 200 {
		t.Fatalf("GET /: status %d", resp.Status)
	}

	// GraphiQL renders: the query editor, the execute button, and the
	// explorer, which the page opens on load and fills from introspection.
	step("wait for GraphiQL to render", chromedp.Do(page,
		chromedp.WaitVisible(chromedp.CSS(".graphiql-query-editor .CodeMirror")),
		chromedp.WaitVisible(chromedp.CSS("button.graphiql-execute-button")),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-explorer-root")),
	))

	query, err := chromedp.Run(page, chromedp.Evaluate[string](jsQueryEditor))
	step("read the query editor", err)
	if query != m.example {
		t.Errorf("the query editor holds\n%s\nwant the example query\n%s", query, m.example)
	}
	if !strings.Contains(query, "query WhatRan") || !strings.Contains(query, "on the built-in emulator") {
		t.Errorf("the example query is not the emulator's:\n%s", query)
	}
	loc, err := chromedp.Run(page, chromedp.Location())
	step("read the location", err)
	if u, err := url.Parse(loc); err != nil || u.Query().Get("query") != m.example {
		t.Errorf("the page's URL %s does not name the example query (?query=)", withoutQuery(loc))
	}

	// A dialog locks the page's scrolling with a <style> element that
	// carries the CSP nonce (react-style-singleton): open the settings and
	// close them.
	step("open and close the settings dialog", chromedp.Do(page,
		chromedp.Click(chromedp.CSS(`.graphiql-sidebar button[aria-label="Open settings dialog"]`)),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-dialog")),
		chromedp.Click(chromedp.CSS(".graphiql-dialog-close")),
		chromedp.WaitNotPresent(chromedp.CSS(".graphiql-dialog")),
	))

	// Run the query with the execute button, and wait until the response
	// pane holds a response (data or errors).
	step("click execute", chromedp.Do(page, chromedp.Click(chromedp.CSS("button.graphiql-execute-button"))))
	result, err := chromedp.Run(page, chromedp.Poll[string](
		`(() => { const v = `+jsResponseEditor+`; return (v.includes('"data"') || v.includes('"errors"')) && v; })()`,
		chromedp.WithPollingTimeout(45*time.Second)))
	step("wait for the response pane", err)
	for _, want := range []string{`"executions"`, `"edges"`, `"node"`, `"status"`} {
		if !strings.Contains(result, want) {
			t.Errorf("the response pane has no %s:\n%s", want, result)
		}
	}
	if strings.Contains(result, `"errors"`) {
		t.Errorf("the response pane shows errors:\n%s", result)
	}
	if calls := m.Emulator.Stats(); len(calls) == 0 {
		t.Errorf("the emulator counted no AWS call: the response did not come from it")
	}

	// The pane shows what the gateway answers to the same query, but for
	// the cursors, which are opaque and differ from one request to the next.
	var shown gqlResponse
	if err := json.Unmarshal([]byte(result), &shown); err != nil {
		t.Errorf("the response pane is not JSON: %v\n%s", err, result)
	} else {
		direct := post(t, m, m.example, nil)
		var a, b any
		_ = json.Unmarshal(shown.Data, &a)
		_ = json.Unmarshal(direct.Data, &b)
		if a == nil || !reflect.DeepEqual(withoutCursors(a), withoutCursors(b)) {
			t.Errorf("the response pane's data differ from the gateway's answer to the same query:\npane:   %s\ndirect: %s", shown.Data, direct.Data)
		}
		if countEdges(a) == 0 {
			t.Errorf("the response pane lists no executions:\n%s", result)
		}
	}

	// Every request went to the gateway's own origin: the page, its script,
	// style sheet and fonts, and POST /graphql (introspection, the query).
	requests, problems, violations, tolerated := rec.snapshot()
	var posts int
	for _, r := range requests {
		method, raw, _ := strings.Cut(r, " ")
		u, err := url.Parse(raw)
		switch {
		case err == nil && u.Scheme == "data":
			// A data: URL reaches no server (CodeMirror's drag image).
		case err != nil || u.Scheme != origin.Scheme || u.Host != origin.Host:
			t.Errorf("the page requested %s, not on the gateway's origin %s", withoutQuery(r), m.URL)
		case method == "POST" && u.Path == "/graphql":
			posts++
		}
	}
	if posts < 2 {
		t.Errorf("want at least 2 POST /graphql (introspection, the query), have %d in %q", posts, requests)
	}
	if len(violations) > 0 {
		t.Errorf("CSP violations: %q", violations)
	}
	for _, p := range problems {
		t.Errorf("the page's problem: %s", p)
	}
	t.Logf("%d requests, all to %s; the explorer's %q, tolerated: %d", len(requests), m.URL, explorerArgMismatch, len(tolerated))

	// The recorder is not blind: a connection to another origin, which the
	// CSP refuses, is reported as a violation. (The tab's context: this
	// problem is wanted.)
	_, err = chromedp.Run(tab, chromedp.Evaluate[chromedp.Void](`void fetch('http://192.0.2.1/probe').catch(() => {})`))
	if err != nil {
		t.Fatalf("probe the CSP: %v", err)
	}
	for {
		select {
		case text := <-rec.violated:
			if strings.Contains(text, "192.0.2.1") {
				return
			}
		case <-ctx.Done():
			t.Fatalf("a fetch to another origin was not reported as a CSP violation: the recorder would miss real ones")
		}
	}
}

// countEdges counts data.executions.edges.
func countEdges(data any) int {
	d, _ := data.(map[string]any)
	ex, _ := d["executions"].(map[string]any)
	edges, _ := ex["edges"].([]any)
	return len(edges)
}

// withoutCursors drops every "cursor" and "endCursor" of a decoded response.
func withoutCursors(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			if k != "cursor" && k != "endCursor" {
				out[k] = withoutCursors(x)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = withoutCursors(x)
		}
		return out
	}
	return v
}
