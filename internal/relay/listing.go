package relay

import "context"

// MaxFirst is the largest page a client may ask for.
const MaxFirst = 1000

// UpstreamPage is one page of an AWS listing: its items, and the token of
// the next page ("" at the end of the listing). A connection page
// (Connection) is what a client gets: it may span several upstream pages,
// or part of one.
type UpstreamPage[T any] struct {
	Items []T
	Next  string
}

// Fetcher fetches the upstream page at token ("" for the first) with at most
// size items. It must return apperr errors: in particular INVALID_CURSOR when
// AWS refuses the token (expired or foreign).
type Fetcher[T any] func(ctx context.Context, token string, size int) (UpstreamPage[T], error)

// Listing is one AWS listing with fixed arguments.
type Listing[T any] struct {
	Fingerprint string // see Fingerprint
	MaxPage     int    // the API's largest page size
	Fetch       Fetcher[T]
	// Key identifies an item within the listing (an ARN, an id). Cursors
	// keep a hash of the last item consumed, so that resuming on a page
	// that changed upstream is noticed; nil: not checked.
	Key func(T) string
}

// Edge is an item and the cursor that resumes right after it.
type Edge[T any] struct {
	Cursor string
	Node   T
}

// PageInfo is Relay's page information, forward only.
type PageInfo struct {
	HasNextPage bool
	StartCursor *string
	EndCursor   *string
}

// Connection is one Relay page.
type Connection[T any] struct {
	Edges    []Edge[T]
	PageInfo PageInfo
	// End is where each listing stands after the page, unsealed: what the
	// next page will fetch (for fetching it ahead). Never sent to clients.
	End []Position
}

// Page returns the first items after the cursor (nil: from the start): a
// merge of this one listing (see Merge.Page), where any failure of the
// listing is the page's error, never a short page.
//
// Upstream pages are sized from first, so that a page that starts on an
// upstream boundary also ends on one: it costs ceil(first/MaxPage) calls, and
// its end cursor names the next upstream page's start, at no extra call. A
// page that resumes mid-way through an upstream page refetches that page at
// its original size: one call more. first == 0 costs one call of one item,
// to tell whether anything follows. A cursor at the end of the listing costs
// nothing.
//
// Errors: BAD_USER_INPUT if first is outside 0..MaxFirst; INVALID_CURSOR for
// a bad cursor, or for a page that changed upstream so that the cursor's
// place in it is lost; any fetch error as is.
func (l Listing[T]) Connection(ctx context.Context, s *Sealer, first int, after *string) (Connection[T], error) {
	one := Merge[T]{Fingerprint: l.Fingerprint, Listings: []Listing[T]{l}, Sealer: s}
	conn, failures, err := one.Connection(ctx, first, after)
	if err == nil && len(failures) > 0 {
		err = failures[0].Err
	}
	if err != nil {
		return Connection[T]{}, err
	}
	return conn, nil
}
