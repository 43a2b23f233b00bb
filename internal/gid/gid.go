// Package gid encodes global object ids: opaque, stable strings that carry
// the service, the region and the AWS identifiers needed to fetch an object
// again.
package gid

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
)

const version = 1

// ID is a decoded global id.
type ID struct {
	Service string   // "LAMBDA", "IMAGEBUILDER", "STEPFUNCTIONS", "IOT", "TRANSFER"
	Region  string   // the AWS region
	Keys    []string // the service's identifiers, in a fixed order per service
}

// Encode returns the opaque id of an object.
func Encode(service, region string, keys ...string) string {
	b, _ := json.Marshal(append([]any{version, service, region}, toAny(keys)...))
	return base64.RawURLEncoding.EncodeToString(b)
}

func toAny(keys []string) []any {
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = k
	}
	return out
}

// Decode parses an id made by Encode. It returns an error for anything else.
func Decode(s string) (ID, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return ID{}, fmt.Errorf("not an execgraph id")
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) < 4 {
		return ID{}, fmt.Errorf("not an execgraph id")
	}
	var v int
	if err := json.Unmarshal(parts[0], &v); err != nil || v != version {
		return ID{}, fmt.Errorf("unsupported id version")
	}
	strs := make([]string, len(parts)-1)
	for i, p := range parts[1:] {
		if err := json.Unmarshal(p, &strs[i]); err != nil || strs[i] == "" {
			return ID{}, fmt.Errorf("not an execgraph id")
		}
	}
	return ID{Service: strs[0], Region: strs[1], Keys: strs[2:]}, nil
}
