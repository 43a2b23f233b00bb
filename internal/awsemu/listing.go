package awsemu

import (
	"strings"
	"time"
)

// What the listings of every service share: their order.

// newestFirst compares two entries of a listing that lists the newest
// first: by their times a and b, descending, ties by their ids ascending.
func newestFirst(a, b time.Time, aID, bID string) int {
	return oldestFirst(b, a, aID, bID)
}

// oldestFirst compares two entries of a listing that lists the oldest
// first: by their times a and b, ascending, ties by their ids ascending.
func oldestFirst(a, b time.Time, aID, bID string) int {
	if c := a.Compare(b); c != 0 {
		return c
	}
	return strings.Compare(aID, bID)
}
