package scalar

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
)

// written returns what m writes into a bytes.Buffer (gqlgen's writer) that
// already holds the start of a response, after checking that m writes the
// same into a writer of another type.
func written(t testing.TB, m graphql.Marshaler) string {
	t.Helper()
	const start = `{"data":{"x":`
	b := bytes.NewBufferString(start)
	m.MarshalGQL(b)
	var other strings.Builder
	m.MarshalGQL(&other)
	if got := strings.TrimPrefix(b.String(), start); got != other.String() || !strings.HasPrefix(b.String(), start) {
		t.Fatalf("%q written into a bytes.Buffer, %q into another writer", b.String(), other.String())
	}
	return other.String()
}

// checkString: the string written is valid JSON in valid UTF-8, and reads back as what
// encoding/json reads back from its own encoding of s (the oracle: the same
// text, invalid UTF-8 as U+FFFD).
func checkString(t *testing.T, s string) {
	t.Helper()
	for _, m := range []graphql.Marshaler{MarshalString(s), MarshalID(s)} {
		got := written(t, m)
		if !json.Valid([]byte(got)) || !utf8.ValidString(got) {
			t.Fatalf("%q written as invalid JSON %q", s, got)
		}
		want, _ := json.Marshal(s)
		var a, b string
		_ = json.Unmarshal([]byte(got), &a)
		_ = json.Unmarshal(want, &b)
		if a != b {
			t.Fatalf("%q reads back as %q, want %q", s, a, b)
		}
	}
}

func TestStrings(t *testing.T) {
	for _, s := range []string{
		"", "plain", `a "quoted" word`, `back\slash`, "line\nbreak\r\ttab", "\x00\x01\x1f\x7f",
		"ünïcødé ✓ 𝄞", "\u2028\u2029", "bad \xff utf-8 \xc3", "\xed\xa0\x80 surrogate",
		strings.Repeat("long ", 100), strings.Repeat("é", 300), strings.Repeat(`"`, 300),
		"arn:aws:states:us-east-1:123456789012:mapRun:m/1:2",
	} {
		checkString(t, s)
	}
}

// TestStringsAsGQLGen: where gqlgen writes valid JSON, the bytes are
// gqlgen's own.
func TestStringsAsGQLGen(t *testing.T) {
	for _, s := range []string{"", "plain", `a "q" \ b`, "tab\tnl\ncr\r", "\x01", "ünï ✓", strings.Repeat("x", 300)} {
		if got, want := written(t, MarshalString(s)), written(t, graphql.MarshalString(s)); got != want {
			t.Errorf("%q: %s, gqlgen writes %s", s, got, want)
		}
	}
}

func TestTimes(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	for _, tm := range []time.Time{
		time.Date(2026, 11, 29, 21, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 29, 21, 0, 0, 123456789, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 600000000, paris),
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("", -(9*3600+30*60))),
	} {
		if got, want := written(t, MarshalTime(tm)), written(t, graphql.MarshalTime(tm)); got != want {
			t.Errorf("%v written as %s, gqlgen writes %s", tm, got, want)
		}
	}
	if MarshalTime(time.Time{}) != graphql.Null {
		t.Error("the zero time is not null")
	}
}

// TestWritesWithoutAllocating: a string or a time written into gqlgen's
// bytes.Buffer with room to spare costs no allocation (a list of a thousand
// items writes tens of thousands of them).
func TestWritesWithoutAllocating(t *testing.T) {
	var b bytes.Buffer
	b.Grow(1 << 16)
	for _, m := range []graphql.Marshaler{
		MarshalString("arn:aws:states:us-east-1:123456789012:mapRun:m/1:2"), MarshalID(strings.Repeat("x", 300)),
		MarshalTime(time.Date(2026, 11, 29, 21, 0, 0, 123456789, time.UTC)),
	} {
		if n := testing.AllocsPerRun(100, func() { b.Reset(); m.MarshalGQL(&b) }); n != 0 {
			t.Errorf("%s: %v allocations a value", b.String(), n)
		}
	}
}

func FuzzString(f *testing.F) {
	for _, s := range []string{"", "a", "\"\\", "\xff", "é\x00", strings.Repeat("z", 257)} {
		f.Add(s)
	}
	f.Fuzz(checkString)
}
