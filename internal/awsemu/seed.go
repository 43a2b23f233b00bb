package awsemu

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// seedEpoch is the "now" of the generated data: every execution started
// before it. Data never depends on the wall clock, so a seed always gives
// the same data.
var seedEpoch = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// Sizes of the seeded resources in the default region. Each service has an
// empty resource, a small one and a large one of more than 2.5 times the
// API's largest page; the second region has two small-to-medium resources.
const (
	smallMin, smallMax = 1, 10
)

// startTimes returns n distinct start times before seedEpoch, oldest first,
// between 1 s and 15 min apart (whole milliseconds).
func startTimes(r *rand.Rand, n int) []time.Time {
	out := make([]time.Time, n)
	t := seedEpoch
	for i := n - 1; i >= 0; i-- {
		t = t.Add(-time.Duration(1000+r.IntN(900_000)) * time.Millisecond)
		out[i] = t
	}
	return out
}

// weighted is one choice of pick with its relative weight.
type weighted[T any] struct {
	v T
	w int
}

// pick draws one value, each with probability weight/sum of weights.
func pick[T any](r *rand.Rand, choices []weighted[T]) T {
	sum := 0
	for _, c := range choices {
		sum += c.w
	}
	n := r.IntN(sum)
	for _, c := range choices {
		if n < c.w {
			return c.v
		}
		n -= c.w
	}
	return choices[len(choices)-1].v
}

// uuid returns a random RFC 4122 version 4 UUID drawn from r.
func uuid(r *rand.Rand) string {
	a, b := r.Uint64(), r.Uint64()
	a = a&^0xf000 | 0x4000
	b = b&^(0xc<<60) | 0x8<<60
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, a>>16&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}

// hexID returns n random lowercase hex digits.
func hexID(r *rand.Rand, n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.IntN(16)]
	}
	return string(b)
}

// smallCount returns the size of a "small" resource: 1 to 10 items.
func smallCount(r *rand.Rand) int { return smallMin + r.IntN(smallMax-smallMin+1) }

// minTime returns the earlier of a and b.
func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// maxTime returns the later of a and b.
func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// firstTime returns t, or else (when t is zero) otherwise.
func firstTime(t, otherwise time.Time) time.Time {
	if t.IsZero() {
		return otherwise
	}
	return t
}
