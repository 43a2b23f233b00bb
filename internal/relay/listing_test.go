package relay

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/execgraph/execgraph/internal/apperr"
)

// fakeList is an in-memory upstream listing with offset tokens, counting
// calls. Tokens are bound to nothing: the relay layer must not depend on it.
type fakeList struct {
	items []int
	calls int
	// empties makes the upstream answer an empty page with a next token the
	// first time each listed offset is asked for.
	empties map[int]bool
}

func (f *fakeList) fetch(_ context.Context, token string, size int) (UpstreamPage[int], error) {
	f.calls++
	off := 0
	if token != "" {
		var err error
		if off, err = strconv.Atoi(token); err != nil || off > len(f.items) {
			return UpstreamPage[int]{}, apperr.New(apperr.InvalidCursor, "bad token")
		}
	}
	if f.empties[off] {
		delete(f.empties, off)
		return UpstreamPage[int]{Next: strconv.Itoa(off)}, nil
	}
	end := min(off+size, len(f.items))
	p := UpstreamPage[int]{Items: f.items[off:end]}
	if end < len(f.items) {
		p.Next = strconv.Itoa(end)
	}
	return p, nil
}

func newFake(n int) *fakeList {
	f := &fakeList{}
	for i := range n {
		f.items = append(f.items, i)
	}
	return f
}

func (f *fakeList) listing(maxPage int) Listing[int] {
	return Listing[int]{Fingerprint: Fingerprint("fake", strconv.Itoa(len(f.items))), MaxPage: maxPage, Fetch: f.fetch}
}

// walk pages through the whole listing and returns the items and the calls
// each page cost.
func walk(t *testing.T, l Listing[int], first int) (items []int, pages int) {
	t.Helper()
	var after *string
	for range 10_000 {
		conn, err := l.Connection(context.Background(), testSealer, first, after)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, e := range conn.Edges {
			items = append(items, e.Node)
		}
		if !conn.PageInfo.HasNextPage {
			return items, pages
		}
		if len(conn.Edges) == 0 && conn.PageInfo.EndCursor == nil {
			t.Fatal("hasNextPage with no end cursor")
		}
		after = conn.PageInfo.EndCursor
	}
	t.Fatal("walk did not end")
	return nil, 0
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func TestWalkYieldsEveryItemOnceWithMinimalCalls(t *testing.T) {
	for _, tc := range []struct{ n, maxPage, first int }{
		{0, 100, 20}, {1, 100, 1}, {5, 100, 20}, {2601, 1000, 1000}, {2601, 1000, 7},
		{2601, 1000, 100}, {80, 25, 1000}, {80, 25, 30}, {80, 25, 25}, {700, 250, 100}, {700, 250, 1},
	} {
		t.Run(fmt.Sprintf("n=%d max=%d first=%d", tc.n, tc.maxPage, tc.first), func(t *testing.T) {
			f := newFake(tc.n)
			got, pages := walk(t, f.listing(tc.maxPage), tc.first)
			if !slices.Equal(got, f.items) {
				t.Fatalf("walk yielded %d items, want %d in order", len(got), len(f.items))
			}
			// Every relay page starts on an upstream boundary, so the whole
			// walk costs ceil(first/max) calls a page, and the last page
			// (which learns that nothing follows) at most that.
			if want := pages * ceilDiv(max(tc.first, 1), tc.maxPage); f.calls > want {
				t.Errorf("%d upstream calls for %d pages, want at most %d", f.calls, pages, want)
			}
			if wantPages := max(ceilDiv(tc.n, tc.first), 1); pages != wantPages && pages != wantPages+1 {
				t.Errorf("%d pages, want %d", pages, wantPages)
			}
		})
	}
}

func TestResumeAfterEveryEdge(t *testing.T) {
	f := newFake(53)
	l := f.listing(10)
	conn, err := l.Connection(context.Background(), testSealer, 53, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range conn.Edges {
		for _, first := range []int{1, 4, 10, 25} {
			f.calls = 0
			next, err := l.Connection(context.Background(), testSealer, first, &e.Cursor)
			if err != nil {
				t.Fatal(err)
			}
			want := f.items[i+1 : min(i+1+first, 53)]
			var got []int
			for _, ne := range next.Edges {
				got = append(got, ne.Node)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("after edge %d first %d: got %v, want %v", i, first, got, want)
			}
			if wantNext := i+1+first < 53; next.PageInfo.HasNextPage != wantNext {
				t.Errorf("after edge %d first %d: hasNextPage %v", i, first, next.PageInfo.HasNextPage)
			}
			// Mid-page resumption costs one call more than the minimum.
			if limit := ceilDiv(first, 10) + 1; f.calls > limit {
				t.Errorf("after edge %d first %d: %d calls, want at most %d", i, first, f.calls, limit)
			}
		}
	}
}

func TestEndCursorCostsNothing(t *testing.T) {
	f := newFake(3)
	l := f.listing(10)
	conn, err := l.Connection(context.Background(), testSealer, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if conn.PageInfo.HasNextPage {
		t.Fatal("hasNextPage at the end")
	}
	f.calls = 0
	next, err := l.Connection(context.Background(), testSealer, 5, conn.PageInfo.EndCursor)
	if err != nil || len(next.Edges) != 0 || next.PageInfo.HasNextPage || f.calls != 0 {
		t.Fatalf("after the end: %d edges, hasNext %v, %d calls, err %v", len(next.Edges), next.PageInfo.HasNextPage, f.calls, err)
	}
}

func TestFirstZero(t *testing.T) {
	for _, n := range []int{0, 4} {
		f := newFake(n)
		conn, err := f.listing(10).Connection(context.Background(), testSealer, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(conn.Edges) != 0 || conn.PageInfo.HasNextPage != (n > 0) || f.calls != 1 {
			t.Errorf("n=%d: %d edges, hasNext %v, %d calls", n, len(conn.Edges), conn.PageInfo.HasNextPage, f.calls)
		}
	}
}

func TestEmptyUpstreamPagesAreFollowed(t *testing.T) {
	f := newFake(30)
	f.empties = map[int]bool{0: true, 10: true, 20: true}
	got, _ := walk(t, f.listing(10), 10)
	if !slices.Equal(got, f.items) {
		t.Fatalf("got %v", got)
	}
}

func TestBadArguments(t *testing.T) {
	f := newFake(30)
	l := f.listing(10)
	other := newFake(31).listing(10)
	conn, err := other.Connection(context.Background(), testSealer, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	foreign := conn.Edges[2].Cursor
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		name  string
		first int
		after *string
		want  apperr.Code
	}{
		{"first negative", -1, nil, apperr.BadUserInput},
		{"first too large", 1001, nil, apperr.BadUserInput},
		{"garbage", 5, str("not a cursor!"), apperr.InvalidCursor},
		{"base64 garbage", 5, str("bm90IGpzb24"), apperr.InvalidCursor},
		{"foreign listing", 5, &foreign, apperr.InvalidCursor},
		{"other version", 5, str(otherVersion(testSealer.Encode(l.Fingerprint, []Position{{}}))), apperr.InvalidCursor},
		{"two positions", 5, str(testSealer.Encode(l.Fingerprint, []Position{{}, {}})), apperr.InvalidCursor},
		{"skip past size", 5, str(testSealer.Encode(l.Fingerprint, []Position{{Token: "10", Size: 3, Skip: 4}})), apperr.InvalidCursor},
		{"size over max", 5, str(testSealer.Encode(l.Fingerprint, []Position{{Size: 11, Skip: 1}})), apperr.InvalidCursor},
		{"token the upstream refuses", 5, str(testSealer.Encode(l.Fingerprint, []Position{{Token: "x"}})), apperr.InvalidCursor},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.calls = 0
			_, err := l.Connection(context.Background(), testSealer, tc.first, tc.after)
			if got := apperr.CodeOf(err); got != tc.want {
				t.Fatalf("code %s, want %s (err %v)", got, tc.want, err)
			}
		})
	}
}

// TestTooManyEmptyPages: past the fetch budget (MergeFetchBudget pages
// beyond what first needs), a page ends early with hasNextPage and an end
// cursor past the empty pages, so that the walk goes on from there and
// yields every item.
func TestTooManyEmptyPages(t *testing.T) {
	f := newFake(20)
	// Twelve empty pages in a row after the first ten items.
	calls := 0
	gap := 12
	l := Listing[int]{Fingerprint: "fp", MaxPage: 10, Fetch: func(_ context.Context, token string, size int) (UpstreamPage[int], error) {
		calls++
		switch {
		case token == "":
			return UpstreamPage[int]{Items: f.items[:10], Next: "e0"}, nil
		case strings.HasPrefix(token, "e"):
			n, _ := strconv.Atoi(token[1:])
			if n+1 < gap {
				return UpstreamPage[int]{Next: fmt.Sprintf("e%d", n+1)}, nil
			}
			return UpstreamPage[int]{Next: "10"}, nil
		default:
			return UpstreamPage[int]{Items: f.items[10:]}, nil
		}
	}}
	first, err := l.Connection(context.Background(), testSealer, 20, nil)
	if err != nil || len(first.Edges) != 10 || !first.PageInfo.HasNextPage {
		t.Fatalf("first page: %d edges, hasNext %v, %v", len(first.Edges), first.PageInfo.HasNextPage, err)
	}
	if *first.PageInfo.EndCursor == first.Edges[9].Cursor {
		t.Fatal("the end cursor points back before the empty pages")
	}
	calls = 0
	second, err := l.Connection(context.Background(), testSealer, 20, first.PageInfo.EndCursor)
	if err != nil || len(second.Edges) != 10 || second.PageInfo.HasNextPage {
		t.Fatalf("second page: %d edges, hasNext %v, %v", len(second.Edges), second.PageInfo.HasNextPage, err)
	}
	if calls > gap-MergeFetchBudget+1 {
		t.Errorf("second page: %d calls: it walked the empty pages again", calls)
	}
}

// otherVersion rewrites a cursor's version byte, keeping its MAC.
func otherVersion(cursor string) string {
	raw, _ := base64.RawURLEncoding.DecodeString(cursor)
	raw[0]++
	return base64.RawURLEncoding.EncodeToString(raw)
}

// keyed is the listing with item keys, so that cursors notice changes.
func (f *fakeList) keyed(maxPage int) Listing[int] {
	l := f.listing(maxPage)
	l.Key = strconv.Itoa
	return l
}

// TestResumeAfterItemsAddedUpstream: items added at the head of a listing
// (newest first) between two requests shift the offset tokens; resuming
// mid-page and at a page boundary still continues with the very next item,
// neither repeating nor skipping one.
func TestResumeAfterItemsAddedUpstream(t *testing.T) {
	for _, tc := range []struct {
		name          string
		first, resume int // page size, and which edge's cursor to resume after
	}{
		{"mid-page", 10, 3}, {"at a page boundary", 5, 4}, {"at the end of a page of one", 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(30)
			for i := range f.items {
				f.items[i] = 1000 - i // newest first
			}
			l := f.keyed(10)
			conn, err := l.Connection(context.Background(), testSealer, tc.first, nil)
			if err != nil {
				t.Fatal(err)
			}
			cursor := conn.Edges[tc.resume].Cursor
			want := f.items[tc.resume+1 : tc.resume+1+5]
			f.items = append([]int{2000, 1999, 1998}, f.items...) // three new items
			next, err := l.Connection(context.Background(), testSealer, 5, &cursor)
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, e := range next.Edges {
				got = append(got, e.Node)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("after the change: got %v, want %v", got, want)
			}
		})
	}
}

// TestResumeOnAPageThatLostItsPlace: when the item a cursor followed is gone
// from the page it resumes, the page is INVALID_CURSOR, never a guess.
func TestResumeOnAPageThatLostItsPlace(t *testing.T) {
	f := newFake(30)
	l := f.keyed(10)
	conn, err := l.Connection(context.Background(), testSealer, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	cursor := conn.Edges[3].Cursor
	f.items = append(f.items[:3], f.items[4:]...) // the item the cursor follows is gone
	if _, err := l.Connection(context.Background(), testSealer, 5, &cursor); apperr.CodeOf(err) != apperr.InvalidCursor {
		t.Fatalf("got %v, want INVALID_CURSOR", err)
	}
}
