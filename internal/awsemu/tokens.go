package awsemu

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"
)

// Pagination tokens are opaque to clients. A token carries the offset of the
// next item and the time it was issued, sealed with an HMAC over the token
// and its binding: a string naming the listing and every request parameter
// but the page size and the token. A token presented with another binding
// (another resource, other filters), altered, or older than the TTL is
// refused.

var (
	errBadToken     = errors.New("invalid pagination token")
	errExpiredToken = errors.New("expired pagination token")
)

const tokenMACLen = 16

type tokenCodec struct {
	key [32]byte
	ttl time.Duration
	now func() time.Time
}

func newTokenCodec(seed uint64, ttl time.Duration, now func() time.Time) *tokenCodec {
	t := &tokenCodec{ttl: ttl, now: now}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seed)
	t.key = sha256.Sum256(append([]byte("awsemu token key "), b[:]...))
	return t
}

func (t *tokenCodec) mac(binding string, payload []byte) []byte {
	m := hmac.New(sha256.New, t.key[:])
	m.Write([]byte(binding))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:tokenMACLen]
}

// issue returns a token that resumes the listing named by binding at offset.
func (t *tokenCodec) issue(binding string, offset int) string {
	payload := make([]byte, 16, 16+tokenMACLen)
	binary.BigEndian.PutUint64(payload[0:8], uint64(offset))
	binary.BigEndian.PutUint64(payload[8:16], uint64(t.now().Unix()))
	return base64.RawURLEncoding.EncodeToString(append(payload, t.mac(binding, payload)...))
}

// open returns the offset a token resumes at. It returns errBadToken for a
// token that is malformed or was issued for another binding, and
// errExpiredToken for one older than the TTL.
func (t *tokenCodec) open(token, binding string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 16+tokenMACLen {
		return 0, errBadToken
	}
	payload, sum := raw[:16], raw[16:]
	if !hmac.Equal(sum, t.mac(binding, payload)) {
		return 0, errBadToken
	}
	offset := binary.BigEndian.Uint64(payload[0:8])
	issued := time.Unix(int64(binary.BigEndian.Uint64(payload[8:16])), 0)
	if t.now().Sub(issued) > t.ttl {
		return 0, errExpiredToken
	}
	if offset > 1<<31 {
		return 0, errBadToken
	}
	return int(offset), nil
}

// paginate cuts the page [start, end) of a listing of total items from a
// request's token and page size, and returns the token of the next page (""
// when the page is the last). A bad or expired token is reported through
// bad, the service's own error for it.
func (c *call) paginate(total int, token string, size int, binding string, bad apiError) (start, end int, next string, err error) {
	if token != "" {
		start, err = c.e.tokens.open(token, binding)
		switch {
		case errors.Is(err, errExpiredToken):
			return 0, 0, "", bad.withMessage("The pagination token has expired.")
		case err != nil, start > total:
			return 0, 0, "", bad.withMessage("Invalid pagination token.")
		}
	}
	end = min(start+size, total)
	if end < total {
		next = c.e.tokens.issue(binding, end)
	}
	return start, end, next, nil
}
