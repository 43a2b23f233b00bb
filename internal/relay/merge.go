package relay

import (
	"context"
	"errors"

	"github.com/execgraph/execgraph/internal/apperr"
)

// Merge pages through several listings as one, in the order Before defines.
// Each listing must itself be sorted by Before, and a listing that is not
// fails the page; ties keep the order of Listings. The cursor of an edge
// holds the position in every listing, so a walk at any page size yields
// every kept item of every listing once.
type Merge[T any] struct {
	Fingerprint string       // names the merge: its listings and filters
	Listings    []Listing[T] // their own fingerprints are not used
	Sealer      *Sealer      // seals and opens the cursors
	// Before reports whether a comes before b; nil for a single listing,
	// which has nothing to order.
	Before func(a, b T) bool
	// Keep, when set, drops the items it refuses (a filter the listings
	// cannot apply upstream). Dropped items are consumed, never emitted.
	Keep func(T) bool
	// Filtered marks the listings whose items Keep may drop: they are read
	// in pages of their largest size, as a page may keep few items.
	Filtered []bool
}

// ListingError is a listing that failed during a page. Its items are left
// out of that page. After a transient failure (THROTTLED, UPSTREAM_ERROR,
// REQUEST_TIMEOUT) the cursors keep its position and the page has a next
// one, so the next page asks it again; after a lasting one (NOT_FOUND,
// FORBIDDEN, BAD_USER_INPUT) the cursors mark it ended. As the error of a
// whole page, it names the listing that made the page fail.
type ListingError struct {
	Index int
	Err   error
}

func (e *ListingError) Error() string { return e.Err.Error() }
func (e *ListingError) Unwrap() error { return e.Err }

// MergeFetchBudget bounds the upstream pages one listing may fetch for one
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

// track is one listing's progress through a page.
type track[T any] struct {
	index    int
	listing  Listing[T]
	filtered bool
	pos      Position         // the next unconsumed item
	page     *UpstreamPage[T] // the fetched upstream page that holds pos, if any
	size     int              // the size page was fetched at
	fetches  int
	failed   bool // failed transiently: its items are still to come
	stalled  bool // ran out of fetches before finding its next item
	prev     T    // the last item consumed in this page, for the order check
	hasPrev  bool
}

// pager builds one page of a merge.
type pager[T any] struct {
	m        *Merge[T]
	ctx      context.Context
	first    int
	tracks   []*track[T]
	edges    []Edge[T]
	failures []ListingError
}

// Page returns the first items of the merge after the cursor (nil: from the
// start), and the listings that failed. Upstream, each listing is fetched
// only when its next item is needed to decide the order, in pages of
// min(first, its largest page), or its largest page when it is filtered.
// first == 0 asks each listing for one item, to tell whether anything
// follows.
//
// hasNextPage follows from one rule: some listing has not ended, and either
// the page is full, or that listing has an item waiting, ran out of
// fetches, or failed transiently. The end cursor then names where every
// listing stands.
//
// Errors: BAD_USER_INPUT for first outside 0..MaxFirst; INVALID_CURSOR for a
// bad cursor, a refused AWS token, or a page that changed so that the
// cursor's place is lost; a *ListingError for a listing out of order. A
// listing's other errors are reported as SourceErrors while the others are
// served.
func (m Merge[T]) Connection(ctx context.Context, first int, after *string) (Connection[T], []ListingError, error) {
	if first < 0 || first > MaxFirst {
		return Connection[T]{}, nil, apperr.New(apperr.BadUserInput, "first must be between 0 and %d, got %d", MaxFirst, first)
	}
	p := &pager[T]{m: &m, ctx: ctx, first: first}
	maxPages := make([]int, len(m.Listings))
	for i, l := range m.Listings {
		maxPages[i] = l.MaxPage
		p.tracks = append(p.tracks, &track[T]{index: i, listing: l, filtered: i < len(m.Filtered) && m.Filtered[i]})
	}
	if after != nil {
		ps, err := m.Sealer.Decode(*after, m.Fingerprint, maxPages)
		if err != nil {
			return Connection[T]{}, nil, err
		}
		for i, t := range p.tracks {
			t.pos = ps[i]
		}
	}
	waiting := false
	if first == 0 {
		for _, t := range p.tracks {
			_, ok, err := p.head(t)
			if err != nil {
				return Connection[T]{}, nil, err
			}
			waiting = waiting || ok
		}
	}
	for len(p.edges) < first {
		more, err := p.takeNext()
		if err != nil {
			return Connection[T]{}, nil, err
		}
		if !more {
			break
		}
	}
	return p.connection(waiting), p.failures, nil
}

// takeNext emits the item that comes first among the listings' next items;
// false when no listing has one to give (ended, failed or stalled).
func (p *pager[T]) takeNext() (bool, error) {
	var best *track[T]
	var bestItem T
	for _, t := range p.tracks {
		item, ok, err := p.head(t)
		if err != nil {
			return false, err
		}
		if t.stalled {
			return false, nil // its next item may come first: the page ends here
		}
		if ok && (best == nil || p.m.Before != nil && p.m.Before(item, bestItem)) {
			best, bestItem = t, item
		}
	}
	if best == nil {
		return false, nil
	}
	p.consume(best, bestItem)
	p.edges = append(p.edges, Edge[T]{Cursor: p.m.Sealer.Encode(p.m.Fingerprint, p.positions()), Node: bestItem})
	return true, nil
}

// head returns a listing's next kept item, fetching as needed; false when it
// has none to give in this page.
func (p *pager[T]) head(t *track[T]) (T, bool, error) {
	var zero T
	for !t.failed && !t.stalled && !t.pos.End {
		if t.page == nil {
			if err := p.fetch(t); err != nil {
				return zero, false, err
			}
			continue
		}
		if t.pos.Skip < len(t.page.Items) {
			item := t.page.Items[t.pos.Skip]
			if err := p.checkOrder(t, item); err != nil {
				return zero, false, err
			}
			if p.m.Keep == nil || p.m.Keep(item) {
				return item, true, nil
			}
			p.consume(t, item) // dropped by the filter
			continue
		}
		t.pos, t.page = startOf(t.page.Next, t.pos.Last), nil
	}
	return zero, false, nil
}

// fetch fetches the upstream page that holds the listing's position, within
// its fetch budget, and finds its place in it again.
func (p *pager[T]) fetch(t *track[T]) error {
	if t.fetches >= FetchLimit(p.first, t.listing.MaxPage) {
		t.stalled = true
		return nil
	}
	size := t.pos.Size
	if t.pos.Skip == 0 {
		size = min(max(p.first-len(p.edges), 1), t.listing.MaxPage)
		if t.filtered {
			size = t.listing.MaxPage
		}
	}
	t.fetches++
	page, err := t.listing.Fetch(p.ctx, t.pos.Token, size)
	if err != nil {
		return p.failed(t, err)
	}
	if err := p.resync(t, page, size); err != nil {
		return err
	}
	if err := p.checkPageOrder(t, page); err != nil {
		return err
	}
	t.page, t.size = &page, size
	return nil
}

// checkPageOrder fails the page as soon as a fetched upstream page is not
// in the order the merge needs, before any of its items is placed: a
// listing in the other order would otherwise show its items too late.
func (p *pager[T]) checkPageOrder(t *track[T], page UpstreamPage[T]) error {
	if p.m.Before == nil {
		return nil
	}
	for i := 1; i < len(page.Items); i++ {
		if p.m.Before(page.Items[i], page.Items[i-1]) {
			return p.misordered(t)
		}
	}
	return nil
}

func (p *pager[T]) misordered(t *track[T]) error {
	return &ListingError{Index: t.index, Err: apperr.New(apperr.Upstream,
		"the listing is not in the order the merge needs (newest first): an item came after a newer one")}
}

// failed records a listing's failure: INVALID_CURSOR and a cancelled request
// fail the page; other failures leave the listing out of it.
func (p *pager[T]) failed(t *track[T], err error) error {
	code := apperr.CodeOf(err)
	if code == apperr.InvalidCursor || errors.Is(err, context.Canceled) {
		return err
	}
	p.failures = append(p.failures, ListingError{Index: t.index, Err: err})
	if lasting[code] {
		t.pos = Position{End: true}
	} else {
		t.failed = true
	}
	return nil
}

// resync finds the position's place in a page fetched again: the item after
// the last one consumed. Where that item moved (items were added before it
// upstream) the position follows it; where it is gone from a page resumed
// mid-way, the place is lost: INVALID_CURSOR.
func (p *pager[T]) resync(t *track[T], page UpstreamPage[T], size int) error {
	key := t.listing.Key
	if key == nil || t.pos.Last == 0 {
		if t.pos.Skip > len(page.Items) {
			return invalidCursor("the upstream page it names has changed")
		}
		return nil
	}
	if s := t.pos.Skip; s > 0 && s <= len(page.Items) && ItemHash(key(page.Items[s-1])) == t.pos.Last {
		return nil
	}
	for i, it := range page.Items {
		if ItemHash(key(it)) == t.pos.Last {
			t.pos.Skip, t.pos.Size = i+1, size
			return nil
		}
	}
	if t.pos.Skip > 0 {
		return invalidCursor("the listing changed upstream since the cursor was issued and the cursor's place in it is gone: start again from the first page")
	}
	return nil
}

// checkOrder fails the page when a listing's item comes before the one it
// gave last: the merge could not order it.
func (p *pager[T]) checkOrder(t *track[T], item T) error {
	if p.m.Before != nil && t.hasPrev && p.m.Before(item, t.prev) {
		return p.misordered(t)
	}
	return nil
}

// consume moves a listing past item, the one at its position.
func (p *pager[T]) consume(t *track[T], item T) {
	t.prev, t.hasPrev = item, true
	if t.listing.Key != nil {
		t.pos.Last = ItemHash(t.listing.Key(item))
	}
	t.pos.Skip++
	t.pos.Size = t.size
	if t.pos.Skip == len(t.page.Items) {
		t.pos, t.page = startOf(t.page.Next, t.pos.Last), nil
	}
}

// positions is where every listing stands.
func (p *pager[T]) positions() []Position {
	ps := make([]Position, len(p.tracks))
	for i, t := range p.tracks {
		ps[i] = t.pos
	}
	return ps
}

// connection is the page built, with its page information.
func (p *pager[T]) connection(waiting bool) Connection[T] {
	full := p.first > 0 && len(p.edges) == p.first
	next := false
	for _, t := range p.tracks {
		next = next || !t.pos.End && (full || waiting || t.failed || t.stalled)
	}
	conn := Connection[T]{Edges: p.edges, PageInfo: PageInfo{HasNextPage: next}, End: p.positions()}
	if n := len(p.edges); n > 0 {
		conn.PageInfo.StartCursor = &p.edges[0].Cursor
		conn.PageInfo.EndCursor = &p.edges[n-1].Cursor
	}
	if next && !full {
		c := p.m.Sealer.Encode(p.m.Fingerprint, p.positions())
		conn.PageInfo.EndCursor = &c
	}
	return conn
}

// startOf is the position at the start of the page a next token fetches.
func startOf(next string, last uint64) Position {
	if next == "" {
		return Position{End: true}
	}
	return Position{Token: next, Last: last}
}
