package relay

import (
	"slices"
	"testing"

	"github.com/execgraph/execgraph/internal/apperr"
)

func TestPositionsRoundTrip(t *testing.T) {
	ps := []Position{{}, {Token: "a|b|c", Size: 7, Skip: 3}, {End: true}, {Token: "12|x"}}
	maxPages := []int{1000, 25, 250, 1000}
	got, err := DecodePositions(EncodePositions("fp", ps), "fp", maxPages)
	if err != nil || !slices.Equal(got, ps) {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestDecodePositionsRejects(t *testing.T) {
	maxPages := []int{1000, 25}
	good := EncodePositions("fp", []Position{{Token: "t", Size: 5, Skip: 2}, {}})
	for name, s := range map[string]string{
		"garbage":        "???",
		"other listing":  EncodePositions("other", []Position{{}, {}}),
		"other count":    EncodePositions("fp", []Position{{}}),
		"size over max":  EncodePositions("fp", []Position{{}, {Size: 26, Skip: 1}}),
		"skip over size": EncodePositions("fp", []Position{{Size: 2, Skip: 3}, {}}),
		"end with token": EncodePositions("fp", []Position{{End: true, Token: "x"}, {}}),
		"other version":  otherVersion(good),
		"truncated":      good[:len(good)-3],
	} {
		if _, err := DecodePositions(s, "fp", maxPages); apperr.CodeOf(err) != apperr.InvalidCursor {
			t.Errorf("%s: %v", name, err)
		}
	}
}
