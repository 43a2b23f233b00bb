// Package relay pages AWS listings as Relay connections.
//
// AWS resumes a listing only at page boundaries, with the token that fetched
// a page. A cursor therefore names a resume point in each listing it pages
// (one, or several merged): the token of an upstream page, the page size it
// was fetched at (a page is only the same page at the same size), how many
// of its items to skip, and a hash of the last item consumed, so that a
// page that changed upstream is noticed. Cursors are sealed with an HMAC
// over their content and the listing's fingerprint (service, region,
// resource, filters): a cursor that was not issued by the gateway, was
// altered, or belongs to another listing does not open.
package relay

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash"
	"hash/fnv"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/execgraph/execgraph/internal/apperr"
)

// Position is where a listing resumes: the upstream page fetched with Token
// at page size Size, less its first Skip items. Skip == 0 means the page's
// start, where any size may be used (Size is then 0). End means the listing
// is exhausted. Last is the hash of the last item consumed before the
// position (0 at the start, or when the listing has no item keys). The zero
// Position is the start of the listing.
type Position struct {
	Token string
	Size  int
	Skip  int
	End   bool
	Last  uint64
}

// ItemHash is the hash a Position keeps of an item's key.
func ItemHash(key string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64() | 1 // never 0, which means "none"
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

// Sealer seals cursors with HMAC-SHA256 under its first key and opens those
// sealed under any of its keys (key rotation: add the new key first, drop
// the old one once its cursors no longer matter).
type Sealer struct {
	keys [][]byte
	macs []sync.Pool // per key: keyed HMAC states, reused (hmac.New costs two hash blocks)
}

// NewSealer returns a sealer of the keys; with none, of a random key of
// this process (its cursors do not open in another process).
func NewSealer(keys ...string) *Sealer {
	s := &Sealer{}
	for _, k := range keys {
		s.keys = append(s.keys, []byte(k))
	}
	if len(s.keys) == 0 {
		k := make([]byte, 32)
		_, _ = rand.Read(k)
		s.keys = [][]byte{k}
	}
	s.macs = make([]sync.Pool, len(s.keys))
	for i, k := range s.keys {
		s.macs[i].New = func() any { return hmac.New(sha256.New, k) }
	}
	return s
}

// macLen is the length of a cursor's MAC: HMAC-SHA256 truncated to 128 bits.
const macLen = 16

// cursorVersion is the first byte of a cursor's content.
const cursorVersion = 2

// mac is the MAC of fp and content under the i-th key.
func (s *Sealer) mac(i int, fp string, content []byte) []byte {
	m := s.macs[i].Get().(hash.Hash)
	defer s.macs[i].Put(m)
	m.Reset()
	_, _ = io.WriteString(m, fp)
	m.Write([]byte{0})
	m.Write(content)
	return m.Sum(make([]byte, 0, sha256.Size))[:macLen]
}

// Encode returns the cursor of one position per listing of the listing or
// merge named by fp: base64url of the version, the positions in binary, and
// the MAC over the fingerprint and that content.
func (s *Sealer) Encode(fp string, ps []Position) string {
	b := make([]byte, 0, 16+32*len(ps))
	b = append(b, cursorVersion)
	b = binary.AppendUvarint(b, uint64(len(ps)))
	for _, p := range ps {
		flags := byte(0)
		if p.End {
			flags = 1
		}
		b = append(b, flags)
		b = binary.AppendUvarint(b, uint64(p.Size))
		b = binary.AppendUvarint(b, uint64(p.Skip))
		b = binary.LittleEndian.AppendUint64(b, p.Last)
		b = binary.AppendUvarint(b, uint64(len(p.Token)))
		b = append(b, p.Token...)
	}
	b = append(b, s.mac(0, fp, b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

var errMalformed = errors.New("malformed")

// Decode returns the positions a cursor names, one per listing, each
// checked against its listing's largest page. It returns INVALID_CURSOR for
// anything Encode did not make, under one of the keys, for fp and
// len(maxPages) listings.
func (s *Sealer) Decode(cursor, fp string, maxPages []int) ([]Position, error) {
	raw, err := base64.RawURLEncoding.Strict().DecodeString(cursor)
	if err != nil || len(raw) <= macLen || strings.ContainsAny(cursor, "\r\n") { // the decoder skips line breaks
		return nil, invalidCursor("not a cursor issued by this API")
	}
	content, sum := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	sealed := false
	for i := range s.keys {
		if hmac.Equal(sum, s.mac(i, fp, content)) {
			sealed = true
		}
	}
	if !sealed {
		return nil, invalidCursor("not a cursor of this listing with these arguments, or not one this gateway issued")
	}
	ps, err := decodePositions(content, maxPages)
	if err != nil {
		return nil, invalidCursor("malformed position")
	}
	return ps, nil
}

func invalidCursor(why string) error {
	return apperr.New(apperr.InvalidCursor, "invalid cursor: %s", why)
}

// decodePositions parses sealed content. Sealing makes a malformed content
// a bug of the gateway (or a key shared with something else); it is still
// checked, never trusted.
func decodePositions(b []byte, maxPages []int) ([]Position, error) {
	uvarint := func() (int, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > 1<<31 {
			return 0, false
		}
		b = b[n:]
		return int(v), true
	}
	if len(b) == 0 || b[0] != cursorVersion {
		return nil, errMalformed
	}
	b = b[1:]
	if n, ok := uvarint(); !ok || n != len(maxPages) {
		return nil, errMalformed
	}
	ps := make([]Position, len(maxPages))
	for i, maxPage := range maxPages {
		if len(b) < 1 {
			return nil, errMalformed
		}
		flags := b[0]
		b = b[1:]
		size, ok1 := uvarint()
		skip, ok2 := uvarint()
		if !ok1 || !ok2 || len(b) < 8 {
			return nil, errMalformed
		}
		last := binary.LittleEndian.Uint64(b)
		b = b[8:]
		tlen, ok3 := uvarint()
		if !ok3 || tlen > len(b) || flags > 1 {
			return nil, errMalformed
		}
		p := Position{Size: size, Skip: skip, End: flags == 1, Last: last, Token: string(b[:tlen])}
		b = b[tlen:]
		if size > maxPage || skip > size || (skip > 0) != (size > 0) || (p.End && (p.Token != "" || skip != 0)) {
			return nil, errMalformed
		}
		ps[i] = p
	}
	if len(b) != 0 {
		return nil, errMalformed
	}
	return ps, nil
}
