// Package gid encodes global object ids: opaque, stable strings that carry
// the service, the region and the AWS identifiers needed to fetch an object
// again.
//
// An id is base64url("1" US service US region US key...), US being the ASCII
// unit separator, which no AWS identifier contains.
package gid

import (
	"encoding/base64"
	"errors"
	"strings"
)

const (
	version = "1"
	sep     = "\x1f"
)

// ID is a decoded global id.
type ID struct {
	Service string   // "LAMBDA", "IMAGEBUILDER", "STEPFUNCTIONS", "IOT", "TRANSFER"
	Region  string   // the AWS region
	Keys    []string // the service's identifiers, in a fixed order per service
}

// Encode returns the opaque id of an object. Empty keys are kept, so a key's
// position is its meaning.
func Encode(service, region string, keys ...string) string {
	n := len(version) + len(service) + len(region) + 2*len(sep)
	for _, k := range keys {
		n += len(sep) + len(k)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(version)
	for _, part := range append([]string{service, region}, keys...) {
		b.WriteString(sep)
		b.WriteString(part)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(b.String()))
}

var errNotAnID = errors.New("not an execgraph id")

// Decode parses an id made by Encode; it returns an error for anything else
// (not base64url, another version, no service or region, no key).
func Decode(s string) (ID, error) {
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || strings.ContainsAny(s, "\r\n") { // the decoder skips line breaks
		return ID{}, errNotAnID
	}
	parts := strings.Split(string(raw), sep)
	if len(parts) < 4 || parts[0] != version || parts[1] == "" || parts[2] == "" {
		return ID{}, errNotAnID
	}
	return ID{Service: parts[1], Region: parts[2], Keys: parts[3:]}, nil
}
