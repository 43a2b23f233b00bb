package graphiql

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

const exampleQuery = "# The example.\n{ executions(first: 1) { edges { node { id } } } }\n"

func get(t *testing.T, h http.Handler, method, target string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkCommonHeaders checks the headers every response carries.
func checkCommonHeaders(t *testing.T, what string, res *http.Response) {
	t.Helper()
	policy := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self';", "connect-src 'self';", "font-src 'self';",
		"frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'"} {
		if !strings.Contains(policy, want) {
			t.Errorf("%s: Content-Security-Policy %q lacks %q", what, policy, want)
		}
	}
	if strings.Contains(policy, "unsafe-inline") || strings.Contains(policy, "unsafe-eval") || strings.Contains(policy, "http") {
		t.Errorf("%s: Content-Security-Policy %q allows inline code, eval or another origin", what, policy)
	}
	for k, v := range map[string]string{
		"X-Content-Type-Options":       "nosniff",
		"Referrer-Policy":              "no-referrer",
		"X-Frame-Options":              "DENY",
		"Cross-Origin-Resource-Policy": "same-origin",
	} {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
}

// configOf returns the page's JSON configuration block, checking that the
// page has no inline script: every <script> either loads a same-origin
// file or is that JSON block.
func configOf(t *testing.T, page string) (raw string, cfg pageConfig) {
	t.Helper()
	const open = `<script type="application/json" id="graphiql-config">`
	for _, tag := range regexp.MustCompile(`(?i)<script[^>]*>`).FindAllString(page, -1) {
		if tag != open && !regexp.MustCompile(`^<script src="graphiql/graphiql-[A-Z0-9]+\.js" defer>$`).MatchString(tag) {
			t.Errorf("page has an unexpected script tag %s", tag)
		}
	}
	if n := len(regexp.MustCompile(`(?i)<script`).FindAllString(page, -1)); n != 2 {
		t.Errorf("page has %d <script> tags, want 2 (the bundle and the JSON configuration)", n)
	}
	i := strings.Index(page, open)
	if i < 0 {
		t.Fatalf("no configuration block in the page:\n%s", page)
	}
	raw, _, ok := strings.Cut(page[i+len(open):], "</script>")
	if !ok {
		t.Fatal("configuration block not closed")
	}
	if strings.ContainsAny(raw, "<>&") {
		t.Errorf("configuration block holds <, > or &: %s", raw)
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		t.Fatalf("configuration block is not the expected JSON: %v\n%s", err, raw)
	}
	return raw, cfg
}

func TestPage(t *testing.T) {
	h := Handler(Options{Endpoint: "/graphql", DefaultQuery: exampleQuery, Title: "execgraph"})
	res := get(t, h, "GET", "/")
	page := body(t, res)
	if res.StatusCode != 200 {
		t.Fatalf("GET / = %d", res.StatusCode)
	}
	checkCommonHeaders(t, "page", res)
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	if !strings.Contains(page, "<title>execgraph</title>") {
		t.Errorf("no title in the page:\n%s", page)
	}

	// Same origin only: no absolute or protocol-relative URL anywhere in the
	// page, and every src and href is a file the handler serves.
	for _, bad := range []string{"http:", "https:", "//"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q:\n%s", bad, page)
		}
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(page, -1)
	var loaded []string
	for _, m := range refs {
		if m[1] == "data:," { // the empty favicon, which spares a request
			continue
		}
		loaded = append(loaded, m[1])
		if !strings.HasPrefix(m[1], "graphiql/") {
			t.Errorf("page references %q, not a relative asset URL", m[1])
			continue
		}
		if r := get(t, h, "GET", "/"+m[1]); r.StatusCode != 200 {
			t.Errorf("page references %q, which answers %d", m[1], r.StatusCode)
		}
	}
	if len(loaded) != 2 {
		t.Errorf("page loads %q, want one script and one style sheet", loaded)
	}

	_, cfg := configOf(t, page)
	if cfg.Endpoint != "/graphql" || cfg.DefaultQuery != exampleQuery {
		t.Errorf("configuration = %+v", cfg)
	}
	// The CSP names the nonce the bundle hands to react-style-singleton, and
	// it is new for each response.
	policy := res.Header.Get("Content-Security-Policy")
	if cfg.StyleNonce == "" || !strings.Contains(policy, "style-src 'self' 'nonce-"+cfg.StyleNonce+"';") {
		t.Errorf("nonce %q not in style-src of %q", cfg.StyleNonce, policy)
	}
	_, cfg2 := configOf(t, body(t, get(t, h, "GET", "/?query=%7B__typename%7D")))
	if cfg2.StyleNonce == cfg.StyleNonce {
		t.Error("two responses share a nonce")
	}
	if cfg2.DefaultQuery != exampleQuery {
		t.Errorf("with ?query=, the page still carries DefaultQuery for new tabs: got %q", cfg2.DefaultQuery)
	}
}

func TestPageEscapesTheQueryAndTitle(t *testing.T) {
	query := "{ a }\n# </script><script>alert(1)</script>\n# <!-- <script> & \u2028 \" ' `\n# </SCRIPT >"
	h := Handler(Options{DefaultQuery: query, Title: `</title><script>alert(2)</script>`})
	page := body(t, get(t, h, "GET", "/"))
	for _, bad := range []string{"alert(1)</script>", "<script>alert", "</script><script>", "<!--", "</SCRIPT"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q:\n%s", bad, page)
		}
	}
	raw, cfg := configOf(t, page)
	if cfg.DefaultQuery != query {
		t.Errorf("default query = %q, want %q", cfg.DefaultQuery, query)
	}
	if cfg.Endpoint != "/graphql" {
		t.Errorf("endpoint = %q, want the default /graphql", cfg.Endpoint)
	}
	if !strings.Contains(raw, `\u003c/script\u003e\u003cscript\u003ealert(1)`) {
		t.Errorf("query not escaped as expected: %s", raw)
	}
	if !strings.Contains(page, "<title>&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;</title>") {
		t.Errorf("title not escaped:\n%s", page)
	}
}

func TestHead(t *testing.T) {
	h := Handler(Options{DefaultQuery: exampleQuery})
	for _, target := range []string{"/", "/graphiql/" + loadBundle().js} {
		res := get(t, h, "HEAD", target)
		if res.StatusCode != 200 || body(t, res) != "" || res.Header.Get("Content-Length") == "" {
			t.Errorf("HEAD %s = %d, Content-Length %q", target, res.StatusCode, res.Header.Get("Content-Length"))
		}
		checkCommonHeaders(t, "HEAD "+target, res)
	}
}

func TestMethodsAndUnknownPaths(t *testing.T) {
	h := Handler(Options{})
	js := "/graphiql/" + loadBundle().js
	for _, method := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
		for _, target := range []string{"/", js, "/graphiql/nope.js"} {
			res := get(t, h, method, target)
			if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s = %d, Allow %q", method, target, res.StatusCode, res.Header.Get("Allow"))
			}
			checkCommonHeaders(t, method+" "+target, res)
		}
	}
	for _, target := range []string{"/graphiql/nope.js", "/graphiql/", "/graphiql", "/graphiql/assets/LICENSES.txt",
		"/graphiql/../graphiql.go", "/graphiql/%2e%2e/graphiql.go", "/index.html", "/graphql", "/assets/LICENSES.txt",
		js + "/", "/graphiql//" + loadBundle().js} {
		res := get(t, h, "GET", target)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", target, res.StatusCode)
		}
		checkCommonHeaders(t, "GET "+target, res)
	}
}

func TestAssets(t *testing.T) {
	h := Handler(Options{})
	files, err := fs.Glob(embedded, "assets/*")
	if err != nil || len(files) < 4 {
		t.Fatalf("assets: %v %v", files, err)
	}
	types := map[string]string{
		".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
		".woff2": "font/woff2", ".woff": "font/woff", ".png": "image/png", ".txt": "text/plain; charset=utf-8",
	}
	for _, file := range files {
		name := strings.TrimPrefix(file, "assets/")
		want, _ := fs.ReadFile(embedded, file)
		target := "/graphiql/" + name

		res := get(t, h, "GET", target)
		got := body(t, res)
		if res.StatusCode != 200 || got != string(want) {
			t.Errorf("GET %s = %d, %d bytes, want the %d of %s", target, res.StatusCode, len(got), len(want), file)
			continue
		}
		checkCommonHeaders(t, target, res)
		if ct, ok := types[path.Ext(name)]; !ok || res.Header.Get("Content-Type") != ct {
			t.Errorf("GET %s: Content-Type %q, want %q", target, res.Header.Get("Content-Type"), ct)
		}
		cc := res.Header.Get("Cache-Control")
		if name == "LICENSES.txt" {
			if cc != "no-cache" {
				t.Errorf("GET %s: Cache-Control %q", target, cc)
			}
		} else if cc != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: Cache-Control %q, want a year (the name holds a content hash)", target, cc)
		}

		// Revalidation.
		etag := res.Header.Get("ETag")
		if r := get(t, h, "GET", target, "If-None-Match", `"x", `+etag); etag == "" || r.StatusCode != http.StatusNotModified || body(t, r) != "" {
			t.Errorf("GET %s with If-None-Match %s = %d", target, etag, r.StatusCode)
		}

		// Text is gzipped for clients that take it.
		gz := get(t, h, "GET", target, "Accept-Encoding", "br, gzip;q=0.8")
		zbody := body(t, gz)
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/") {
			if gz.Header.Get("Content-Encoding") != "" {
				t.Errorf("GET %s: %s is encoded %q", target, name, gz.Header.Get("Content-Encoding"))
			}
			continue
		}
		if gz.Header.Get("Content-Encoding") != "gzip" || gz.Header.Get("Vary") != "Accept-Encoding" || res.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("GET %s: Content-Encoding %q, Vary %q", target, gz.Header.Get("Content-Encoding"), gz.Header.Get("Vary"))
			continue
		}
		if gz.Header.Get("ETag") == etag {
			t.Errorf("GET %s: the gzipped body has the ETag of the plain one", target)
		}
		zr, err := gzip.NewReader(strings.NewReader(zbody))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(plain, want) {
			t.Errorf("GET %s gzipped does not decompress to the file: %v", target, err)
		}
		t.Logf("%-32s %8d bytes, %7d gzipped", name, len(want), len(zbody))
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                   false,
		"gzip":               true,
		"GZIP":               true,
		"br, gzip;q=0.5":     true,
		"deflate, br":        false,
		"gzip;q=0":           false,
		"gzip; q=0.0, *":     false,
		"*":                  true,
		"*;q=0":              false,
		"identity, x-gzip":   true,
		"br;q=1, gzip;q=0.1": true,
	} {
		if got := acceptsGzip([]string{header}); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}

func TestEndpointMustBeSameOrigin(t *testing.T) {
	for _, endpoint := range []string{"https://example.com/graphql", "//example.com/graphql", "graphql", `/\example.com`} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Handler accepted endpoint %q", endpoint)
				}
			}()
			Handler(Options{Endpoint: endpoint})
		}()
	}
	Handler(Options{Endpoint: "/api/graphql"})
}

func TestReadBundle(t *testing.T) {
	b := loadBundle()
	if !regexp.MustCompile(`^graphiql-[A-Z0-9]+\.js$`).MatchString(b.js) || !regexp.MustCompile(`^graphiql-[A-Z0-9]+\.css$`).MatchString(b.css) {
		t.Errorf("bundle names %q and %q", b.js, b.css)
	}
	for name, files := range map[string]fstest.MapFS{
		"two scripts":    {"assets/graphiql-A.js": {}, "assets/graphiql-B.js": {}, "assets/graphiql-A.css": {}},
		"no style sheet": {"assets/graphiql-A.js": {}},
		"unknown type":   {"assets/graphiql-A.js": {}, "assets/graphiql-A.css": {}, "assets/x.exe": {}},
	} {
		if _, err := readBundle(files); err == nil {
			t.Errorf("%s: readBundle accepted %v", name, files)
		}
	}
}

// bundleJS returns the embedded script.
func bundleJS(t *testing.T) string {
	t.Helper()
	js, err := fs.ReadFile(embedded, "assets/"+loadBundle().js)
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

// TestBundleLoadsNothingFromElsewhere scans the built script and style sheet
// for what a browser would fetch at run time. The script's absolute URLs are
// all known and none is loaded: XML namespaces, links (<a href>) and text.
// A rebuild that brings a new one fails here until it is looked at.
func TestBundleLoadsNothingFromElsewhere(t *testing.T) {
	js := bundleJS(t)
	known := map[string]string{
		"http://www.w3.org/2000/svg":                                "SVG namespace (createElementNS, xmlns attributes)",
		"http://www.w3.org/1999/xhtml":                              "HTML namespace (React DOM)",
		"http://www.w3.org/1999/xlink":                              "XLink namespace (React DOM)",
		"http://www.w3.org/XML/1998/namespace":                      "XML namespace (React DOM)",
		"http://www.w3.org/1998/Math/MathML":                        "MathML namespace (React DOM)",
		"https://reactjs.org/docs/error-decoder.html?invariant=":    "text of React's minified error messages",
		"https://github.com/graphql/graphiql":                       "<a href> of the GraphiQL logo",
		"https://codemirror.net/5/doc/manual.html#keymaps":          "<a href> in GraphiQL's keyboard shortcuts dialog",
		"https://www.onegraph.com":                                  "<a href> in the explorer's footer",
		"https://github.com/OneGraph/graphiql-explorer":             "<a href> in the explorer's footer",
		"https://commonmark.org/":                                   "text: a description in graphql's built-in directives",
		"https://en.wikipedia.org/wiki/IEEE_floating_point":         "text: the description of graphql's Float",
		"https://yarnpkg.com/en/docs/selective-version-resolutions": "text: graphql's duplicate-module error message",
	}
	found := map[string]bool{}
	for _, u := range regexp.MustCompile(`(?i)(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^"'\x60\s)\\]*`).FindAllString(js, -1) {
		found[u] = true
	}
	var urls []string
	for u := range found {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	for _, u := range urls {
		why, ok := known[u]
		if !ok {
			t.Errorf("the script holds an unreviewed URL %q", u)
			continue
		}
		t.Logf("%-58s %s", u, why)
	}

	// What the script fetches: the GraphQL endpoint (its fetcher) and
	// GraphiQL's image preview (HEAD of a URL in a response, refused by
	// connect-src 'self' unless same-origin). Nothing else loads code or
	// data: no import(), workers, sockets, beacons or event streams.
	if n := strings.Count(js, "fetch("); n != 2 {
		t.Errorf("the script calls fetch( %d times, want 2 (the fetcher and the image preview)", n)
	}
	for _, loader := range []string{"import(", "importScripts", "new Worker", "SharedWorker", "new WebSocket", "EventSource", "sendBeacon", "XMLHttpRequest", "serviceWorker"} {
		if strings.Contains(js, loader) {
			t.Errorf("the script uses %s", loader)
		}
	}

	css, err := fs.ReadFile(embedded, "assets/"+loadBundle().css)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(css, []byte("@import")) {
		t.Error("the style sheet has an @import")
	}
	for _, m := range regexp.MustCompile(`url\(([^)]*)\)`).FindAllStringSubmatch(string(css), -1) {
		ref := strings.Trim(m[1], `"'`)
		name, ok := strings.CutPrefix(ref, "./")
		if !ok || strings.Contains(name, "/") {
			t.Errorf("the style sheet loads %q, not a file beside it", ref)
			continue
		}
		if _, err := fs.Stat(embedded, "assets/"+name); err != nil {
			t.Errorf("the style sheet loads %q, which is not embedded", ref)
		}
	}
	if bytes.Contains(css, []byte("data:font")) {
		t.Error("the style sheet inlines a font as a data: URL (the build moves them into files)")
	}
}

// TestStyleAttributeHashes checks that the CSP's style-src-attr hashes cover
// every style attribute the script writes as markup.
func TestStyleAttributeHashes(t *testing.T) {
	js := bundleJS(t)
	attrs := regexp.MustCompile(`style=\\?"([^"\\]*)\\?"`).FindAllStringSubmatch(js, -1)
	if len(attrs) == 0 {
		t.Fatal("no style attribute in the script: drop style-src-attr's hashes")
	}
	seen := map[string]bool{}
	for _, m := range attrs {
		sum := sha256.Sum256([]byte(m[1]))
		hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
		seen[hash] = true
		if !strings.Contains(styleAttrHashes, hash) {
			t.Errorf("style=%q: %s is not in style-src-attr", m[1], hash)
		}
	}
	for _, hash := range strings.Fields(styleAttrHashes) {
		if !seen[hash] {
			t.Errorf("style-src-attr lists %s, which no style attribute of the script has", hash)
		}
	}
	if !slices.Contains(strings.Split(csp(""), "; "), "style-src-attr 'unsafe-hashes' "+styleAttrHashes) {
		t.Errorf("csp %q", csp(""))
	}
}
