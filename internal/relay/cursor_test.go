package relay

import (
	"encoding/base64"
	"encoding/json"
)

// EncodeCursorVersion encodes a cursor of another version, for tests.
func EncodeCursorVersion(v int, fp string, pos Position) string {
	b, _ := json.Marshal(cursor{V: v, Listing: fp, Position: pos})
	return base64.RawURLEncoding.EncodeToString(b)
}
