// Package relay pages AWS listings as Relay connections.
//
// AWS resumes a listing only at page boundaries, with the token that fetched
// a page. A cursor therefore names a resume point: the token of an upstream
// page, the page size it was fetched at (a page is only the same page at the
// same size), and how many of its items to skip. A fingerprint of the listing
// (service, region, resource, filters) is sealed in, so a cursor is refused on
// any other listing. Cursors are opaque and versioned.
package relay

import (
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/execgraph/execgraph/internal/apperr"
)

// cursorVersion is the first field of every cursor.
const cursorVersion = "1"

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

// EncodeCursor returns the opaque cursor of pos in the listing fp:
// base64url of "version|fingerprint|size|skip|end|token" (the token last, as
// it may hold any character).
func EncodeCursor(fp string, pos Position) string {
	b := make([]byte, 0, 32+len(fp)+len(pos.Token))
	b = append(b, cursorVersion...)
	b = append(b, '|')
	b = append(b, fp...)
	b = append(b, '|')
	b = strconv.AppendInt(b, int64(pos.Size), 10)
	b = append(b, '|')
	b = strconv.AppendInt(b, int64(pos.Skip), 10)
	b = append(b, '|')
	if pos.End {
		b = append(b, '1')
	} else {
		b = append(b, '0')
	}
	b = append(b, '|')
	b = append(b, pos.Token...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor returns the position a cursor names. It returns an
// INVALID_CURSOR error if the cursor is not one this version issued, belongs
// to another listing than fp, or names an impossible position (a Skip larger
// than its Size or than maxPage, a Skip without the Size it needs, an End
// with a token).
func DecodeCursor(s, fp string, maxPage int) (Position, error) {
	bad := func(why string) (Position, error) {
		return Position{}, apperr.New(apperr.InvalidCursor, "invalid cursor: %s", why)
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return bad("not a cursor issued by this API")
	}
	f := strings.SplitN(string(raw), "|", 6)
	if len(f) != 6 {
		return bad("not a cursor issued by this API")
	}
	if f[0] != cursorVersion {
		return bad("unsupported cursor version")
	}
	if f[1] != fp {
		return bad("the cursor belongs to another listing or other arguments")
	}
	size, err1 := strconv.Atoi(f[2])
	skip, err2 := strconv.Atoi(f[3])
	pos := Position{Token: f[5], Size: size, Skip: skip, End: f[4] == "1"}
	switch {
	case err1 != nil, err2 != nil, f[4] != "0" && f[4] != "1",
		skip < 0, size < 0, size > maxPage, skip > size, (skip > 0) != (size > 0),
		pos.End && (pos.Token != "" || skip != 0):
		return bad("malformed position")
	}
	return pos, nil
}
