package relay

import "encoding/base64"

// EncodeCursorVersion encodes a cursor of another version, for tests.
func EncodeCursorVersion(v int, fp string, pos Position) string {
	raw, _ := base64.RawURLEncoding.DecodeString(EncodeCursor(fp, pos))
	return base64.RawURLEncoding.EncodeToString(append([]byte{byte('0' + v)}, raw[1:]...))
}
