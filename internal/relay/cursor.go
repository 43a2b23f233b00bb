// Package relay pages AWS listings as Relay connections.
//
// AWS resumes a listing only at page boundaries, with the token that fetched
// a page. A cursor therefore names a resume point: the token of an upstream
// page, the page size it was fetched at (a page is only the same page at the
// same size), and how many of its items to skip. A fingerprint of the listing
// (service, region, resource, filters) is sealed in, so a cursor is refused on
// any other listing. Cursors are opaque (base64url JSON) and versioned.
package relay

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/execgraph/execgraph/internal/apperr"
)

const cursorVersion = 1

// Position is where a listing resumes: the upstream page fetched with Token
// at page size Size, less its first Skip items. Skip == 0 means the page's
// start, where any size may be used (Size is then 0). End means the listing
// is exhausted. The zero Position is the start of the listing.
type Position struct {
	Token string `json:"t,omitempty"`
	Size  int    `json:"s,omitempty"`
	Skip  int    `json:"k,omitempty"`
	End   bool   `json:"e,omitempty"`
}

type cursor struct {
	V       int    `json:"v"`
	Listing string `json:"l"`
	Position
}

// Fingerprint names a listing: the service, region, resource and every
// filter, in a fixed order. Two listings with different parts never share
// cursors.
func Fingerprint(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

// EncodeCursor returns the opaque cursor of pos in the listing fp.
func EncodeCursor(fp string, pos Position) string {
	b, _ := json.Marshal(cursor{V: cursorVersion, Listing: fp, Position: pos})
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor returns the position a cursor names. It returns an
// INVALID_CURSOR error if the cursor is not one this version issued, belongs
// to another listing than fp, or names an impossible position (a Skip larger
// than maxPage, or a Skip without the page size it needs).
func DecodeCursor(s, fp string, maxPage int) (Position, error) {
	bad := func(why string) (Position, error) {
		return Position{}, apperr.New(apperr.InvalidCursor, "invalid cursor: %s", why)
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return bad("not a cursor issued by this API")
	}
	var c cursor
	if err := json.Unmarshal(raw, &c); err != nil {
		return bad("not a cursor issued by this API")
	}
	switch {
	case c.V != cursorVersion:
		return bad("unsupported cursor version")
	case c.Listing != fp:
		return bad("the cursor belongs to another listing or other arguments")
	case c.Skip < 0 || c.Size < 0 || c.Size > maxPage || c.Skip > c.Size || (c.Skip > 0) != (c.Size > 0):
		return bad("malformed position")
	case c.End && (c.Token != "" || c.Skip != 0):
		return bad("malformed position")
	}
	return c.Position, nil
}
