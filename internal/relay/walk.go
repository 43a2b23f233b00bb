package relay

import (
	"context"

	"github.com/execgraph/execgraph/internal/apperr"
)

// MaxFirst is the largest page a client may ask for.
const MaxFirst = 1000

// maxEmptyPages bounds how many upstream pages with no items one request
// follows (AWS may answer an empty page with a next token).
const maxEmptyPages = 8

// Page is one upstream page: its items, and the token of the next page (""
// at the end of the listing).
type Page[T any] struct {
	Items []T
	Next  string
}

// Fetcher fetches the upstream page at token ("" for the first) with at most
// size items. It must return apperr errors: in particular INVALID_CURSOR when
// AWS refuses the token (expired or foreign).
type Fetcher[T any] func(ctx context.Context, token string, size int) (Page[T], error)

// Listing is one AWS listing with fixed arguments.
type Listing[T any] struct {
	Fingerprint string // see Fingerprint
	MaxPage     int    // the API's largest page size
	Fetch       Fetcher[T]
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
}

// Page returns the first items after the cursor (nil: from the start).
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
// a bad cursor; any fetch error as is. A fetch error is never turned into a
// short page.
func (l Listing[T]) Page(ctx context.Context, first int, after *string) (Connection[T], error) {
	var conn Connection[T]
	if first < 0 || first > MaxFirst {
		return conn, apperr.New(apperr.BadUserInput, "first must be between 0 and %d, got %d", MaxFirst, first)
	}
	var pos Position
	if after != nil {
		var err error
		if pos, err = DecodeCursor(*after, l.Fingerprint, l.MaxPage); err != nil {
			return conn, err
		}
	}
	if pos.End {
		return conn, nil
	}
	empty := 0 // upstream pages in a row with no items
	var resume *string
	for {
		need := first - len(conn.Edges)
		size := pos.Size
		if pos.Skip == 0 {
			size = min(max(need, 1), l.MaxPage)
		}
		page, err := l.Fetch(ctx, pos.Token, size)
		if err != nil {
			return Connection[T]{}, err
		}
		if pos.Skip > len(page.Items) {
			return Connection[T]{}, apperr.New(apperr.InvalidCursor, "invalid cursor: the upstream page it names has changed")
		}
		rest := page.Items[pos.Skip:]
		take := min(len(rest), need)
		for i, item := range rest[:take] {
			next := Position{Token: pos.Token, Size: size, Skip: pos.Skip + i + 1}
			if next.Skip == len(page.Items) {
				next = startOf(page.Next)
			}
			conn.Edges = append(conn.Edges, Edge[T]{Cursor: EncodeCursor(l.Fingerprint, next), Node: item})
		}
		switch {
		case take < len(rest): // the page has more
			conn.PageInfo.HasNextPage = true
		case page.Next == "":
		case len(conn.Edges) == first:
			conn.PageInfo.HasNextPage = true
		default:
			if len(page.Items) == 0 {
				empty++
			} else {
				empty = 0
			}
			pos = startOf(page.Next)
			if empty <= maxEmptyPages {
				continue
			}
			// Too many empty pages in a row for one request: stop here and
			// let the client resume from the next page.
			conn.PageInfo.HasNextPage = true
			c := EncodeCursor(l.Fingerprint, pos)
			resume = &c
		}
		break
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[n-1].Cursor
	}
	if resume != nil {
		conn.PageInfo.EndCursor = resume
	}
	return conn, nil
}

// startOf is the position at the start of the page a next token fetches.
func startOf(next string) Position {
	if next == "" {
		return Position{End: true}
	}
	return Position{Token: next}
}
