// Package graphiql serves GraphiQL (with the explorer plugin) entirely from
// the gateway: the page, one script, one style sheet and their fonts, all
// embedded in the binary, so that it works where no CDN can be reached.
//
// The assets are built from npm packages by web/build.sh and committed in
// assets/; Go alone serves them.
//
// Every response carries a Content-Security-Policy that lets the page load
// and connect to nothing but the gateway's own origin (see csp).
package graphiql

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
)

//go:embed assets
var embedded embed.FS

// Options configure the page.
type Options struct {
	// Endpoint is the GraphQL endpoint the page queries: a path on the
	// gateway's own origin, such as "/graphql" (the default). The page's CSP
	// allows connections to that origin only.
	Endpoint string
	// DefaultQuery is the query the editor opens with when the URL names
	// none (?query=).
	DefaultQuery string
	// Title is the page's title; "GraphiQL" by default.
	Title string
}

// AssetPrefix is the path under which Handler serves the page's assets.
const AssetPrefix = "/graphiql/"

// Handler serves the GraphiQL page at "/" and its assets under "/graphiql/"
// (AssetPrefix), to GET and HEAD; other methods get 405 and other paths 404.
// The page names its assets by relative URLs, so the handler also works
// mounted under a prefix with http.StripPrefix.
//
// The page keeps the query, variables and operation name in its URL
// (?query=, ?variables=, ?operationName=), as gqlgen's playground does with
// WithGraphiqlPersistStateInURL; opening it without ?query= shows
// DefaultQuery. Headers, which hold tokens, stay out of the URL.
//
// Handler panics if Endpoint is not a path on the same origin.
func Handler(o Options) http.Handler {
	if o.Endpoint == "" {
		o.Endpoint = "/graphql"
	}
	if !strings.HasPrefix(o.Endpoint, "/") || strings.HasPrefix(o.Endpoint, "//") || strings.Contains(o.Endpoint, `\`) {
		panic(fmt.Sprintf("graphiql: Endpoint %q is not a path on the gateway's origin", o.Endpoint))
	}
	if o.Title == "" {
		o.Title = "GraphiQL"
	}
	b := loadBundle()
	return &handler{opts: o, bundle: b}
}

type handler struct {
	opts   Options
	bundle *bundle
}

// csp returns the Content-Security-Policy of every response; the page adds a
// per-response nonce to style-src. Everything is 'none' but what the bundle
// needs:
//
//   - script-src 'self': the one bundled script. No inline script, no eval.
//   - style-src 'self' 'nonce-…': the bundled style sheet, and the <style>
//     element that react-style-singleton writes for the scroll lock of
//     GraphiQL's dialogs and menus (it takes the nonce from the page's
//     configuration). Styles that React, CodeMirror and framer-motion set
//     through element.style (CSSOM) are not subject to CSP.
//   - style-src-attr 'unsafe-hashes' + two hashes: the only style attributes
//     in markup, style="width: 10em" and style="color: #888" in CodeMirror's
//     jump-to-line dialog (Alt-G), allowed by their exact text.
//   - img-src 'self' data:: CodeMirror sets a data: GIF as its drag image,
//     and markdown-it lets data: images through in schema descriptions. A
//     data: image reaches no server.
//   - font-src 'self': the fonts, which graphiql's CSS inlines as data: URLs,
//     are moved into files by the build.
//   - connect-src 'self': the GraphQL endpoint (and GraphiQL's image preview,
//     which HEADs URLs found in responses: other origins are refused).
//   - base-uri, form-action, frame-ancestors 'none': no <base>, no forms, no
//     framing (clickjacking).
func csp(nonce string) string {
	style := "'self'"
	if nonce != "" {
		style += " 'nonce-" + nonce + "'"
	}
	return "default-src 'none'; script-src 'self'; style-src " + style + "; " +
		"style-src-attr 'unsafe-hashes' " + styleAttrHashes + "; " +
		"img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// styleAttrHashes are the CSP hashes of the style attributes the bundle
// writes as markup: "width: 10em" and "color: #888" (CodeMirror's
// jump-to-line dialog). A test checks that they cover the bundle.
const styleAttrHashes = "'sha256-H22cvujYHDQPJvzf4ie16OHKC3HsNj7RmRT3jO07Y/U=' " +
	"'sha256-Eaamrrh0b5a/naRsV/zg7s6+kGvexMXZQARWP6ukkg4='"

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("Cross-Origin-Resource-Policy", "same-origin")
	hdr.Set("Content-Security-Policy", csp("")) // the page's adds its nonce
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed: use GET or HEAD", http.StatusMethodNotAllowed)
		return
	}
	switch {
	case r.URL.Path == "/":
		h.servePage(w, r)
	case strings.HasPrefix(r.URL.Path, AssetPrefix):
		a, ok := h.bundle.assets[strings.TrimPrefix(r.URL.Path, AssetPrefix)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		a.serve(w, r)
	default:
		http.NotFound(w, r)
	}
}

var page = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{.CSS}}">
<script src="{{.JS}}" defer></script>
</head>
<body>
<div id="graphiql"><div class="loading">Loading…</div></div>
<noscript>GraphiQL needs JavaScript.</noscript>
<script type="application/json" id="graphiql-config">{{.Config}}</script>
</body>
</html>
`))

// pageConfig is what the bundle reads from the page's JSON block.
type pageConfig struct {
	Endpoint     string `json:"endpoint"`
	DefaultQuery string `json:"defaultQuery"`
	StyleNonce   string `json:"styleNonce"`
}

func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	nonce := rand.Text()
	// json.Marshal writes <, > and & as \u003c, \u003e and \u0026 (and
	// U+2028/2029 escaped), so no "</script" or "<!--" can end the block
	// early, whatever the query says; the block is JSON, never run.
	config, err := json.Marshal(pageConfig{Endpoint: h.opts.Endpoint, DefaultQuery: h.opts.DefaultQuery, StyleNonce: nonce})
	if err != nil {
		http.Error(w, "500 cannot encode the page's configuration", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	err = page.Execute(&buf, map[string]any{
		"Title":  h.opts.Title,
		"CSS":    strings.TrimPrefix(AssetPrefix, "/") + h.bundle.css,
		"JS":     strings.TrimPrefix(AssetPrefix, "/") + h.bundle.js,
		"Config": template.JS(config),
	})
	if err != nil {
		http.Error(w, "500 cannot render the page", http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", csp(nonce))
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	// Never cached: the nonce is per response, and a new build names new
	// assets.
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// bundle is the embedded build: the assets by name, and the names of the
// page's script and style sheet.
type bundle struct {
	assets  map[string]*asset
	js, css string
}

type asset struct {
	body, gzipped []byte // gzipped is nil where gzip does not pay
	contentType   string
	cacheControl  string
	etag          string
}

// loadBundle reads and gzips the embedded assets once, on first use.
var loadBundle = sync.OnceValue(func() *bundle {
	b, err := readBundle(embedded)
	if err != nil {
		panic("graphiql: " + err.Error())
	}
	return b
})

var contentTypes = map[string]string{
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".woff2": "font/woff2",
	".woff":  "font/woff",
	".png":   "image/png",
	".gif":   "image/gif",
	".svg":   "image/svg+xml",
	".txt":   "text/plain; charset=utf-8",
}

// readBundle reads assets/ of fsys. The build names every file by its
// content hash (graphiql-<hash>.js, graphiql-<hash>.css, <sha256>.woff2),
// so those are cached for a year; LICENSES.txt is revalidated.
func readBundle(fsys fs.FS) (*bundle, error) {
	b := &bundle{assets: map[string]*asset{}}
	var js, css []string
	err := fs.WalkDir(fsys, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := strings.TrimPrefix(p, "assets/")
		ext := path.Ext(name)
		ct, ok := contentTypes[ext]
		if !ok {
			return fmt.Errorf("%s: no content type for %q files", p, ext)
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		a := &asset{
			body:         body,
			contentType:  ct,
			cacheControl: "public, max-age=31536000, immutable",
			etag:         `"` + hex.EncodeToString(sum[:16]) + `"`,
		}
		if name == "LICENSES.txt" {
			a.cacheControl = "no-cache"
		}
		if strings.HasPrefix(ct, "text/") {
			a.gzipped = gzipped(body)
		}
		b.assets[name] = a
		if strings.HasPrefix(name, "graphiql-") && ext == ".js" {
			js = append(js, name)
		}
		if strings.HasPrefix(name, "graphiql-") && ext == ".css" {
			css = append(css, name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(js)
	sort.Strings(css)
	if len(js) != 1 || len(css) != 1 {
		return nil, fmt.Errorf("want one graphiql-*.js and one graphiql-*.css in assets/, have %q and %q: run web/build.sh", js, css)
	}
	b.js, b.css = js[0], css[0]
	return b, nil
}

func gzipped(body []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(body)
	_ = zw.Close()
	if buf.Len() >= len(body)*9/10 {
		return nil
	}
	return buf.Bytes()
}

func (a *asset) serve(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	body, etag := a.body, a.etag
	if a.gzipped != nil {
		hdr.Set("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Values("Accept-Encoding")) {
			body, etag = a.gzipped, strings.TrimSuffix(a.etag, `"`)+`-gzip"`
			hdr.Set("Content-Encoding", "gzip")
		}
	}
	hdr.Set("Content-Type", a.contentType)
	hdr.Set("Cache-Control", a.cacheControl)
	hdr.Set("ETag", etag)
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		hdr.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// acceptsGzip reports whether Accept-Encoding takes gzip: listed with a
// non-zero quality, or not listed and taken by "*".
func acceptsGzip(values []string) bool {
	gzipQ, starQ := -1.0, -1.0
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			q := 1.0
			for _, p := range strings.Split(params, ";") {
				k, v, ok := strings.Cut(p, "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
						q = f
					}
				}
			}
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip", "x-gzip":
				gzipQ = max(gzipQ, q)
			case "*":
				starQ = max(starQ, q)
			}
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return starQ > 0
}

// etagMatches reports whether an If-None-Match header names etag (weakly).
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
