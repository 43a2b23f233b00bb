package gid

import (
	"encoding/base64"
	"slices"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	for _, keys := range [][]string{
		{"arn:aws:states:us-east-1:123456789012:mapRun:m/label:0b1c"},
		{"job-1", "sensor-0001", "3"},
		{"job-1", "sensor-0001", ""},
		{"arn:aws:lambda:eu-west-1:123456789012:function:f:$LATEST/durable-execution/n/i"},
	} {
		id := Encode("IOT", "eu-west-1", keys...)
		got, err := Decode(id)
		if err != nil || got.Service != "IOT" || got.Region != "eu-west-1" || !slices.Equal(got.Keys, keys) {
			t.Errorf("Decode(Encode(%q)) = %+v, %v", keys, got, err)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, s := range []string{
		"", "!!!", "not base64 at all", b64("hello"),
		b64("2\x1fIOT\x1fus-east-1\x1fk"), // another version
		b64("1\x1f\x1fus-east-1\x1fk"),    // no service
		b64("1\x1fIOT\x1f\x1fk"),          // no region
		b64("1\x1fIOT\x1fus-east-1"),      // no key
	} {
		if _, err := Decode(s); err == nil {
			t.Errorf("Decode(%q) accepted", s)
		}
	}
}

// FuzzDecode: no input makes Decode panic, and whatever it accepts encodes
// back to the same id (one id, one string).
func FuzzDecode(f *testing.F) {
	f.Add(Encode("STEPFUNCTIONS", "us-east-1", "arn:aws:states:us-east-1:123456789012:mapRun:m/l:x"))
	f.Add(Encode("IOT", "eu-west-1", "job", "thing", ""))
	f.Add("")
	f.Add("MQ")
	f.Add("MR8")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Decode(s)
		if err != nil {
			return
		}
		if again := Encode(id.Service, id.Region, id.Keys...); again != s {
			t.Fatalf("accepted %q, which encodes back as %q", s, again)
		}
	})
}
