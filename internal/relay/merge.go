package relay

import (
	"context"
	"errors"

	"github.com/execgraph/execgraph/internal/apperr"
)

// Merge pages through several listings as one, in the order Before defines.
// Each listing must itself be sorted by Before; ties keep the order of
// Sources. The cursor of an edge holds the position in every listing, so a
// walk at any page size yields every kept item of every listing once.
type Merge[T any] struct {
	Fingerprint string       // names the merge: its listings and filters
	Sources     []Listing[T] // their own fingerprints are not used
	Before      func(a, b T) bool
	// Keep, when set, drops the items it refuses (a filter the listings
	// cannot apply upstream). Dropped items are consumed, never emitted.
	Keep func(T) bool
	// Filtered marks the sources whose items Keep may drop: they are read
	// in pages of their largest size, as a page may keep few items.
	Filtered []bool
}

// SourceError is a listing that failed during a page. Its items are left
// out of that page. After a transient failure (THROTTLED, UPSTREAM_ERROR)
// the cursors keep its position and the page has a next one, so the next
// page asks it again; after a lasting one (NOT_FOUND, FORBIDDEN,
// BAD_USER_INPUT) the cursors mark it ended.
type SourceError struct {
	Index int
	Err   error
}

// MergeFetchBudget bounds the upstream pages one source may fetch for one
// page of the merge, beyond those that first needs (a filter may drop
// whole pages). Past it the page ends early with hasNextPage, never
// silently.
const MergeFetchBudget = 8

// FetchLimit is the most upstream pages one listing fetches for one page
// of first items: the pages first needs, one more when the page resumes
// mid-way through an upstream page, and MergeFetchBudget more for pages a
// filter empties (or AWS returns empty).
func FetchLimit(first, maxPage int) int {
	return (first+maxPage-1)/maxPage + 1 + MergeFetchBudget
}

// lasting are the codes of failures that asking again will not mend.
var lasting = map[apperr.Code]bool{apperr.NotFound: true, apperr.Forbidden: true, apperr.BadUserInput: true}

// mergeState is one listing's progress through a page.
type mergeState[T any] struct {
	pos     Position // the next unconsumed item (canonical)
	page    *Page[T] // the fetched page that holds pos, if any
	size    int      // the size page was fetched at
	fetches int
	failed  bool
}

// Page returns the first items of the merge after the cursor (nil: from the
// start), and the listings that failed. Upstream, each listing is fetched
// only when its next item is needed to decide the order, in pages of
// min(first, its largest page), or its largest page when it is filtered.
// first == 0 asks each listing for one item, to tell whether anything
// follows.
//
// Errors: BAD_USER_INPUT for first outside 0..MaxFirst; INVALID_CURSOR for a
// bad cursor or a refused AWS token. A listing's other errors are reported
// as SourceErrors while the others are served.
func (m Merge[T]) Page(ctx context.Context, first int, after *string) (Connection[T], []SourceError, error) {
	var conn Connection[T]
	if first < 0 || first > MaxFirst {
		return conn, nil, apperr.New(apperr.BadUserInput, "first must be between 0 and %d, got %d", MaxFirst, first)
	}
	maxPages := make([]int, len(m.Sources))
	for i, s := range m.Sources {
		maxPages[i] = s.MaxPage
	}
	st := make([]mergeState[T], len(m.Sources))
	if after != nil {
		ps, err := DecodePositions(*after, m.Fingerprint, maxPages)
		if err != nil {
			return conn, nil, err
		}
		for i := range st {
			st[i].pos = ps[i]
		}
	}
	var failures []SourceError
	retry := false // a source failed transiently: its items are still to come
	// head returns listing i's next kept item; ok false when it has none or
	// failed; budget true when it ran out of fetches before deciding.
	head := func(i int) (item T, ok, budget bool, err error) {
		s, src := &st[i], m.Sources[i]
		limit := FetchLimit(first, src.MaxPage)
		for {
			if s.failed || s.pos.End {
				return item, false, false, nil
			}
			if s.page == nil {
				if s.fetches >= limit {
					return item, false, true, nil
				}
				size := s.pos.Size
				if s.pos.Skip == 0 {
					size = min(max(first-len(conn.Edges), 1), src.MaxPage)
					if i < len(m.Filtered) && m.Filtered[i] {
						size = src.MaxPage
					}
				}
				s.fetches++
				p, err := src.Fetch(ctx, s.pos.Token, size)
				if err != nil {
					if apperr.CodeOf(err) == apperr.InvalidCursor || errors.Is(err, context.Canceled) {
						return item, false, false, err
					}
					failures = append(failures, SourceError{Index: i, Err: err})
					if lasting[apperr.CodeOf(err)] {
						s.pos = Position{End: true}
					} else {
						s.failed, retry = true, true
					}
					return item, false, false, nil
				}
				if s.pos.Skip > len(p.Items) {
					return item, false, false, apperr.New(apperr.InvalidCursor, "invalid cursor: the upstream page it names has changed")
				}
				s.page, s.size = &p, size
			}
			items := s.page.Items
			for s.pos.Skip < len(items) && m.Keep != nil && !m.Keep(items[s.pos.Skip]) {
				s.pos.Skip++
				s.pos.Size = s.size
			}
			if s.pos.Skip < len(items) {
				return items[s.pos.Skip], true, false, nil
			}
			s.pos, s.page = startOf(s.page.Next), nil
		}
	}
	positions := func() []Position {
		ps := make([]Position, len(st))
		for i := range st {
			ps[i] = st[i].pos
		}
		return ps
	}
	stoppedEarly, found := false, false
	if first == 0 {
		for i := range st {
			_, ok, budget, err := head(i)
			if err != nil {
				return Connection[T]{}, nil, err
			}
			found = found || ok || budget
		}
	}
	for len(conn.Edges) < first {
		best := -1
		var bestItem T
		for i := range st {
			item, ok, budget, err := head(i)
			if err != nil {
				return Connection[T]{}, nil, err
			}
			if budget {
				stoppedEarly = true
			}
			if ok && (best < 0 || m.Before(item, bestItem)) {
				best, bestItem = i, item
			}
		}
		if stoppedEarly || best < 0 {
			break
		}
		s := &st[best]
		s.pos.Skip++
		s.pos.Size = s.size
		if s.pos.Skip == len(s.page.Items) {
			s.pos, s.page = startOf(s.page.Next), nil
		}
		conn.Edges = append(conn.Edges, Edge[T]{Cursor: EncodePositions(m.Fingerprint, positions()), Node: bestItem})
	}
	more := false
	for i := range st {
		more = more || !st[i].pos.End
	}
	// With first items, more follow if a source has not ended; short of
	// first, only if the page stopped early or a source is to be asked again
	// (and then the end cursor is where every source stands).
	full := first > 0 && len(conn.Edges) == first || found
	conn.PageInfo.HasNextPage = more && (full || stoppedEarly || retry)
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[n-1].Cursor
	}
	if conn.PageInfo.HasNextPage && len(conn.Edges) < first {
		c := EncodePositions(m.Fingerprint, positions())
		conn.PageInfo.EndCursor = &c
	}
	return conn, failures, nil
}

// startOf is the position at the start of the page a next token fetches.
func startOf(next string) Position {
	if next == "" {
		return Position{End: true}
	}
	return Position{Token: next}
}
