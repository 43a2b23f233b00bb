// Package relay pages AWS listings as Relay connections.
//
// AWS resumes a listing only at page boundaries, with the token that fetched
// a page. A cursor therefore names a resume point in each listing it pages
// (one, or several merged): the token of an upstream page, the page size it
// was fetched at (a page is only the same page at the same size), and how
// many of its items to skip. A fingerprint of the listing or merge (service,
// region, resource, filters) is sealed in, so a cursor is refused on any
// other. Cursors are opaque and versioned (positions.go).
package relay

import (
	"crypto/sha256"
	"encoding/base64"
	"strconv"
)

// Position is where a listing resumes: the upstream page fetched with Token
// at page size Size, less its first Skip items. Skip == 0 means the page's
// start, where any size may be used (Size is then 0). End means the listing
// is exhausted. The zero Position is the start of the listing.
type Position struct {
	Token string
	Size  int
	Skip  int
	End   bool
}

// Fingerprint names a listing: the service, region, resource and every
// filter, in a fixed order. Two listings with different parts never share
// cursors (each part is length-prefixed, so no part can pass for two).
func Fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write(strconv.AppendInt(nil, int64(len(p)), 10))
		h.Write([]byte{':'})
		h.Write([]byte(p))
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:12])
}
