// Package scalar writes the schema's String, ID and Time values into
// responses. gqlgen.yml binds the three scalars here; reading them (from
// arguments and variables) is gqlgen's own.
//
// The writers are gqlgen's contract (graphql.Marshaler) with less work per
// value and no allocation: a string is scanned byte by byte and, when it
// needs no escapes, written as is between its quotes (gqlgen decodes every
// rune); a time is formatted in the spare room of gqlgen's response buffer
// (gqlgen formats, quotes and copies it). A list of a thousand items writes
// tens of thousands of them. Invalid UTF-8 is written as
// U+FFFD, as encoding/json does, so a response is always valid JSON.
package scalar

import (
	"bytes"
	"io"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalString writes s as a JSON string.
func MarshalString(s string) graphql.Marshaler { return str(s) }

// UnmarshalString is gqlgen's.
func UnmarshalString(v any) (string, error) { return graphql.UnmarshalString(v) }

// MarshalID writes an id as a JSON string.
func MarshalID(s string) graphql.Marshaler { return str(s) }

// UnmarshalID is gqlgen's.
func UnmarshalID(v any) (string, error) { return graphql.UnmarshalID(v) }

// MarshalTime writes t in RFC 3339 with nanoseconds, as gqlgen does; the
// zero time is null.
func MarshalTime(t time.Time) graphql.Marshaler {
	if t.IsZero() {
		return graphql.Null
	}
	return timestamp(t)
}

// UnmarshalTime is gqlgen's.
func UnmarshalTime(v any) (time.Time, error) { return graphql.UnmarshalTime(v) }

type timestamp time.Time

func (t timestamp) MarshalGQL(w io.Writer) {
	if b, ok := w.(*bytes.Buffer); ok {
		// gqlgen writes every response into a bytes.Buffer: the time is
		// formatted in its spare room, with no allocation.
		b.Grow(64) // a time is at most 47 bytes with its quotes
		p := b.AvailableBuffer()
		p = append(p, '"')
		p = time.Time(t).AppendFormat(p, time.RFC3339Nano)
		_, _ = b.Write(append(p, '"'))
		return
	}
	p := append(make([]byte, 0, 48), '"')
	p = time.Time(t).AppendFormat(p, time.RFC3339Nano)
	_, _ = w.Write(append(p, '"'))
}

type str string

func (s str) MarshalGQL(w io.Writer) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			writeEscaped(w, string(s))
			return
		}
	}
	// Three writes and no copy: a buffer on the stack would escape to the
	// heap through the io.Writer.
	_, _ = io.WriteString(w, `"`)
	_, _ = io.WriteString(w, string(s))
	_, _ = io.WriteString(w, `"`)
}

const hex = "0123456789ABCDEF" // as gqlgen writes them

// writeEscaped writes s quoted, escaping what JSON requires and replacing
// invalid UTF-8 with U+FFFD.
func writeEscaped(w io.Writer, s string) {
	b := make([]byte, 0, len(s)+16)
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		case c < utf8.RuneSelf:
			b = append(b, c)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
			continue
		}
		i++
	}
	_, _ = w.Write(append(b, '"'))
}
