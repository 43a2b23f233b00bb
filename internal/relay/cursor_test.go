package relay

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/execgraph/execgraph/internal/apperr"
)

// testSealer seals the cursors of the package's tests.
var testSealer = NewSealer("a test key of at least thirty-two bytes")

func TestCursorRoundTrip(t *testing.T) {
	ps := []Position{{}, {Token: "a|b|c\x00", Size: 7, Skip: 3, Last: 42}, {End: true}, {Token: "12|x", Last: 1}}
	maxPages := []int{1000, 25, 250, 1000}
	got, err := testSealer.Decode(testSealer.Encode("fp", ps), "fp", maxPages)
	if err != nil || !slices.Equal(got, ps) {
		t.Fatalf("got %+v, %v", got, err)
	}
}

// TestCursorRejects: anything the sealer did not make for this listing, or
// that does not hold well-formed positions, is INVALID_CURSOR.
func TestCursorRejects(t *testing.T) {
	maxPages := []int{1000, 25}
	good := testSealer.Encode("fp", []Position{{Token: "t", Size: 5, Skip: 2, Last: 9}, {}})
	raw, _ := base64.RawURLEncoding.DecodeString(good)
	flipped := func(i int) string {
		b := slices.Clone(raw)
		b[i] ^= 1
		return base64.RawURLEncoding.EncodeToString(b)
	}
	other := NewSealer("another key of at least thirty-two bytes!!")
	for name, s := range map[string]string{
		"garbage":                    "???",
		"empty":                      "",
		"too short":                  base64.RawURLEncoding.EncodeToString([]byte("short")),
		"other listing":              testSealer.Encode("other", []Position{{}, {}}),
		"other count":                testSealer.Encode("fp", []Position{{}}),
		"size over max":              testSealer.Encode("fp", []Position{{}, {Size: 26, Skip: 1}}),
		"skip over size":             testSealer.Encode("fp", []Position{{Size: 2, Skip: 3}, {}}),
		"skip without size":          testSealer.Encode("fp", []Position{{Skip: 1}, {}}),
		"end with token":             testSealer.Encode("fp", []Position{{End: true, Token: "x"}, {}}),
		"other version":              otherVersion(good),
		"truncated":                  good[:len(good)-3],
		"content bit flipped":        flipped(3),
		"MAC bit flipped":            flipped(len(raw) - 1),
		"sealed under another key":   other.Encode("fp", []Position{{Token: "t", Size: 5, Skip: 2}, {}}),
		"forged: unsealed positions": base64.RawURLEncoding.EncodeToString(raw[:len(raw)-macLen]),
	} {
		if _, err := testSealer.Decode(s, "fp", maxPages); apperr.CodeOf(err) != apperr.InvalidCursor {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestKeyRotation: a sealer with a new key first and the old one second
// opens the old cursors and seals with the new key; the old sealer does
// not open the new cursors.
func TestKeyRotation(t *testing.T) {
	oldKey, newKey := strings.Repeat("o", 32), strings.Repeat("n", 32)
	before, after := NewSealer(oldKey), NewSealer(newKey, oldKey)
	ps := []Position{{Token: "t", Size: 5, Skip: 2}}
	if _, err := after.Decode(before.Encode("fp", ps), "fp", []int{10}); err != nil {
		t.Fatalf("rotated sealer refuses an old cursor: %v", err)
	}
	if _, err := before.Decode(after.Encode("fp", ps), "fp", []int{10}); err == nil {
		t.Fatal("the old sealer opens a cursor of the new key")
	}
	if one, two := NewSealer(), NewSealer(); one.Encode("fp", ps) == two.Encode("fp", ps) {
		t.Fatal("two sealers without keys share a random key")
	}
}

// FuzzDecodeCursor: no input makes Decode panic, and whatever it accepts
// re-encodes to the same cursor.
func FuzzDecodeCursor(f *testing.F) {
	maxPages := []int{1000, 25}
	f.Add(testSealer.Encode("fp", []Position{{Token: "t", Size: 5, Skip: 2, Last: 7}, {End: true}}))
	f.Add(testSealer.Encode("fp", []Position{{}, {Token: strings.Repeat("x", 300)}}))
	f.Add("")
	f.Add("AAAA")
	f.Add(base64.RawURLEncoding.EncodeToString([]byte{cursorVersion, 2, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}))
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := testSealer.Decode(s, "fp", maxPages)
		if err != nil {
			if apperr.CodeOf(err) != apperr.InvalidCursor {
				t.Fatalf("error without INVALID_CURSOR: %v", err)
			}
			return
		}
		if again := testSealer.Encode("fp", ps); again != s {
			t.Fatalf("accepted %q, which re-encodes as %q", s, again)
		}
	})
}
