package main

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestSealedCursors: a cursor opens on every gateway that shares the key
// that sealed it (replicas, and a rotation that keeps the old key second),
// and on no other; a bit flipped or a cursor forged from public parts is
// INVALID_CURSOR before any AWS call.
func TestSealedCursors(t *testing.T) {
	k1, k2 := strings.Repeat("1", 32), strings.Repeat("2", 32)
	a := startGateway(t, func(c *Config) { c.CursorKeys = []string{k1} })
	replica := startGateway(t, func(c *Config) { c.CursorKeys = []string{k1} })
	rotated := startGateway(t, func(c *Config) { c.CursorKeys = []string{k2, k1} })
	other := startGateway(t, func(c *Config) { c.CursorKeys = []string{k2} })
	noKey := startGateway(t)
	s := specOf("stepfunctions")
	big := largest(t, a, s.service)
	first := s.page(t, a, big, 3, nil)
	cursor := first.Edges[1].Cursor
	want := first.Edges[2].Node.Key

	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) string {
		b := slices.Clone(raw)
		b[i] ^= 0x20
		return base64.RawURLEncoding.EncodeToString(b)
	}
	for _, tc := range []struct {
		name   string
		m      *Main
		cursor string
		ok     bool
	}{
		{"the issuing gateway", a, cursor, true},
		{"a replica with the same key", replica, cursor, true},
		{"a gateway that rotated to a new key", rotated, cursor, true},
		{"a gateway with another key", other, cursor, false},
		{"a gateway with a random key", noKey, cursor, false},
		{"a content bit flipped", a, flip(5), false},
		{"a MAC bit flipped", a, flip(len(raw) - 2), false},
		{"a byte cut", a, base64.RawURLEncoding.EncodeToString(raw[:len(raw)-1]), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.m.Emulator.ResetStats()
			resp := post(t, tc.m, s.query, s.vars(big, 1, &tc.cursor))
			if tc.ok {
				if len(resp.Errors) > 0 {
					t.Fatalf("refused: %+v", resp.Errors)
				}
				var out struct{ Conn connPage }
				mustJSON(t, resp.Data, &out)
				if len(out.Conn.Edges) != 1 || out.Conn.Edges[0].Node.Key != want {
					t.Fatalf("resumed at %+v, want %s", out.Conn.Edges, want)
				}
				return
			}
			if codes := errorCodes(resp); !slices.Equal(codes, []string{"INVALID_CURSOR"}) {
				t.Fatalf("codes %v", codes)
			}
			if calls := stats(tc.m); len(calls) != 0 {
				t.Errorf("AWS calls %v for a cursor that does not open", calls)
			}
		})
	}
	// A cursor of one rotated gateway's new key does not open on the old.
	next := s.page(t, rotated, big, 2, nil).Edges[0].Cursor
	if codes := codesOf(t, a, s, s.vars(big, 1, &next)); !slices.Equal(codes, []string{"INVALID_CURSOR"}) {
		t.Fatalf("new-key cursor on the old gateway: %v", codes)
	}
}

func mustJSON(t testing.TB, raw []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode %.200s: %v", raw, err)
	}
}
