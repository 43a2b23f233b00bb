package auth

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// APIKeys admits requests that carry one of a file's keys, as
// "Authorization: Bearer <key>" or "X-Api-Key: <key>". The file is read
// again when it changes, so keys can be added and revoked without a restart.
type APIKeys struct {
	file *watchedFile[[]apiKey]
}

// apiKey is one accepted key: the SHA-256 of the key, and its name for logs.
type apiKey struct {
	digest [sha256.Size]byte
	name   string
}

// NewAPIKeys reads the keys file at path: one key per line, either
// "sha256:<64 hex digits>" (the SHA-256 of the key) or the key itself,
// optionally followed by whitespace and a name that goes to the log. Blank
// lines and lines starting with # are ignored. It fails if the file cannot
// be read, a line is malformed, or there is no key.
func NewAPIKeys(path string) (*APIKeys, error) {
	f, err := watchFile(path, parseAPIKeys, nil)
	if err != nil {
		return nil, err
	}
	return &APIKeys{file: f}, nil
}

func parseAPIKeys(data []byte) ([]apiKey, error) {
	var keys []apiKey
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		secret := fields[0]
		k := apiKey{name: strings.Join(fields[1:], " ")}
		if hexDigest, ok := strings.CutPrefix(secret, "sha256:"); ok {
			d, err := hex.DecodeString(hexDigest)
			if err != nil || len(d) != sha256.Size {
				return nil, fmt.Errorf("line %d: sha256: wants 64 hex digits", n)
			}
			copy(k.digest[:], d)
		} else {
			if len(secret) < 16 {
				return nil, fmt.Errorf("line %d: a key must be at least 16 characters", n)
			}
			k.digest = sha256.Sum256([]byte(secret))
		}
		if k.name == "" {
			k.name = fmt.Sprintf("line-%d", n)
		}
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, errors.New("no key in the file: every request would be refused")
	}
	return keys, nil
}

// Authenticate compares the request's key with every key of the file in
// constant time (the comparison of digests does not stop at the first
// match, so its time tells nothing about which key, if any, matched).
func (a *APIKeys) Authenticate(r *http.Request) (Identity, error) {
	presented := bearer(r)
	if presented == "" {
		presented = r.Header.Get("X-Api-Key")
	}
	if presented == "" {
		return Identity{}, errors.New("no API key: neither Authorization: Bearer nor X-Api-Key")
	}
	keys := a.file.get()
	digest := sha256.Sum256([]byte(presented))
	match := -1
	for i, k := range keys {
		if subtle.ConstantTimeCompare(digest[:], k.digest[:]) == 1 {
			match = i
		}
	}
	if match < 0 {
		return Identity{}, errors.New("unknown API key")
	}
	return Identity{Method: ModeAPIKey, Name: keys[match].name}, nil
}

func (a *APIKeys) Challenge() string { return `Bearer realm="execgraph"` }
