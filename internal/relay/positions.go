package relay

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/execgraph/execgraph/internal/apperr"
)

// A cursor names a position in each listing it pages (one, or several
// merged): base64url of "m1|fingerprint|n" then, per listing,
// "|size|skip|end|len(token)|token". Tokens are length-prefixed, as they may
// hold any character.
const compositeVersion = "m1"

// EncodePositions returns the cursor of one position per listing of the
// listing or merge named by fp.
func EncodePositions(fp string, ps []Position) string {
	b := make([]byte, 0, 64+len(fp)+32*len(ps))
	b = append(b, compositeVersion...)
	b = append(b, '|')
	b = append(b, fp...)
	b = append(b, '|')
	b = strconv.AppendInt(b, int64(len(ps)), 10)
	for _, p := range ps {
		end := int64(0)
		if p.End {
			end = 1
		}
		for _, n := range []int64{int64(p.Size), int64(p.Skip), end, int64(len(p.Token))} {
			b = append(b, '|')
			b = strconv.AppendInt(b, n, 10)
		}
		b = append(b, '|')
		b = append(b, p.Token...)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodePositions returns the positions a cursor names, one per
// listing, each checked against its listing's largest page. It returns an
// INVALID_CURSOR error for anything EncodePositions did not make for fp and
// len(maxPages) listings.
func DecodePositions(s, fp string, maxPages []int) ([]Position, error) {
	bad := func(why string) ([]Position, error) {
		return nil, apperr.New(apperr.InvalidCursor, "invalid cursor: %s", why)
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return bad("not a cursor issued by this API")
	}
	rest := string(raw)
	field := func() (string, bool) {
		f, r, ok := strings.Cut(rest, "|")
		rest = r
		return f, ok
	}
	number := func() (int, bool) {
		f, ok := field()
		n, err := strconv.Atoi(f)
		return n, ok && err == nil && n >= 0
	}
	if v, _ := field(); v != compositeVersion {
		return bad("not a cursor of this listing")
	}
	if f, _ := field(); f != fp {
		return bad("the cursor belongs to another listing or other arguments")
	}
	if n, ok := number(); !ok || n != len(maxPages) {
		return bad("malformed position")
	}
	ps := make([]Position, len(maxPages))
	for i, maxPage := range maxPages {
		size, ok1 := number()
		skip, ok2 := number()
		end, ok3 := number()
		tlen, ok4 := number()
		if !ok1 || !ok2 || !ok3 || !ok4 || tlen > len(rest) {
			return bad("malformed position")
		}
		p := Position{Size: size, Skip: skip, End: end == 1, Token: rest[:tlen]}
		rest = rest[tlen:]
		if i < len(maxPages)-1 {
			if !strings.HasPrefix(rest, "|") {
				return bad("malformed position")
			}
			rest = rest[1:]
		}
		if end > 1 || size > maxPage || skip > size || (skip > 0) != (size > 0) || (p.End && (p.Token != "" || skip != 0)) {
			return bad("malformed position")
		}
		ps[i] = p
	}
	if rest != "" {
		return bad("malformed position")
	}
	return ps, nil
}
