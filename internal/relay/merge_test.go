package relay

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/execgraph/execgraph/internal/apperr"
)

// mergeFake lists items (source, value) sorted by value descending.
func mergeFake(src int, values []int, calls *int, fail bool) Listing[[2]int] {
	return Listing[[2]int]{MaxPage: 4, Fetch: func(_ context.Context, token string, size int) (UpstreamPage[[2]int], error) {
		*calls++
		if fail {
			return UpstreamPage[[2]int]{}, apperr.New(apperr.NotFound, "gone")
		}
		off, _ := strconv.Atoi(token)
		end := min(off+size, len(values))
		p := UpstreamPage[[2]int]{}
		for _, v := range values[off:end] {
			p.Items = append(p.Items, [2]int{src, v})
		}
		if end < len(values) {
			p.Next = strconv.Itoa(end)
		}
		return p, nil
	}}
}

func newMerge(calls *int, keep func([2]int) bool, failing int) (Merge[[2]int], [][2]int) {
	data := [][]int{{90, 80, 80, 40, 30, 20, 10, 5, 1}, {85, 80, 50, 45}, {}, {100, 99, 98, 2, 1, 0}}
	m := Merge[[2]int]{Fingerprint: "fp", Sealer: testSealer, Before: func(a, b [2]int) bool { return a[1] > b[1] }, Keep: keep}
	var want [][2]int
	for i, vs := range data {
		m.Listings = append(m.Listings, mergeFake(i, vs, calls, i == failing))
		m.Filtered = append(m.Filtered, keep != nil)
		if i == failing {
			continue
		}
		for _, v := range vs {
			if keep == nil || keep([2]int{i, v}) {
				want = append(want, [2]int{i, v})
			}
		}
	}
	// The merged order: value descending, ties by source.
	slices.SortStableFunc(want, func(a, b [2]int) int {
		if a[1] != b[1] {
			return b[1] - a[1]
		}
		return a[0] - b[0]
	})
	return m, want
}

func walkMerge(t *testing.T, m Merge[[2]int], first int) ([][2]int, []string, int) {
	t.Helper()
	var got [][2]int
	var cursors []string
	var after *string
	failures := 0
	for range 100 {
		conn, fails, err := m.Connection(context.Background(), first, after)
		if err != nil {
			t.Fatal(err)
		}
		failures += len(fails)
		for _, e := range conn.Edges {
			got, cursors = append(got, e.Node), append(cursors, e.Cursor)
		}
		if !conn.PageInfo.HasNextPage {
			return got, cursors, failures
		}
		after = conn.PageInfo.EndCursor
	}
	t.Fatal("walk did not end")
	return nil, nil, 0
}

func TestMergeWalks(t *testing.T) {
	for _, filtered := range []bool{false, true} {
		var keep func([2]int) bool
		if filtered {
			keep = func(x [2]int) bool { return x[1]%2 == 0 }
		}
		for _, first := range []int{1, 2, 3, 5, 7, 100} {
			t.Run(fmt.Sprintf("filtered=%v/first=%d", filtered, first), func(t *testing.T) {
				calls := 0
				m, want := newMerge(&calls, keep, -1)
				got, cursors, _ := walkMerge(t, m, first)
				if !slices.Equal(got, want) {
					t.Fatalf("got %v\nwant %v", got, want)
				}
				for i, c := range cursors {
					for _, n := range []int{1, 3, 50} {
						conn, _, err := m.Connection(context.Background(), n, &c)
						if err != nil {
							t.Fatal(err)
						}
						var next [][2]int
						for _, e := range conn.Edges {
							next = append(next, e.Node)
						}
						if w := want[i+1 : min(i+1+n, len(want))]; !slices.Equal(next, w) {
							t.Fatalf("after edge %d, first %d: got %v, want %v", i, n, next, w)
						}
					}
				}
			})
		}
	}
}

func TestMergeFetchesOnlyWhatItNeeds(t *testing.T) {
	calls := 0
	m, _ := newMerge(&calls, nil, -1)
	if _, _, err := m.Connection(context.Background(), 2, nil); err != nil {
		t.Fatal(err)
	}
	// One page of 2 from each of the four sources decides the first two.
	if calls != 4 {
		t.Fatalf("%d calls, want 4", calls)
	}
}

func TestMergeSourceFailure(t *testing.T) {
	calls := 0
	m, want := newMerge(&calls, nil, 1)
	got, _, failures := walkMerge(t, m, 3)
	if !slices.Equal(got, want) || failures == 0 {
		t.Fatalf("got %v, want %v without source 1; %d failures", got, want, failures)
	}
}

// TestMergeFailureKeepsPaging: a source that fails transiently leaves the
// page with a next one whose cursor asks it again; a lasting failure
// (NOT_FOUND) ends the source.
func TestMergeFailureKeepsPaging(t *testing.T) {
	for _, tc := range []struct {
		err      error
		wantNext bool
	}{
		{apperr.New(apperr.Upstream, "boom"), true},
		{apperr.New(apperr.Throttled, "slow down"), true},
		{apperr.New(apperr.NotFound, "gone"), false},
	} {
		calls := 0
		ok := mergeFake(0, []int{9, 5, 1}, &calls, false)
		bad := Listing[[2]int]{MaxPage: 4, Fetch: func(context.Context, string, int) (UpstreamPage[[2]int], error) {
			return UpstreamPage[[2]int]{}, tc.err
		}}
		m := Merge[[2]int]{Fingerprint: "fp", Sealer: testSealer, Listings: []Listing[[2]int]{ok, bad}, Before: func(a, b [2]int) bool { return a[1] > b[1] }}
		conn, fails, err := m.Connection(context.Background(), 10, nil)
		if err != nil || len(conn.Edges) != 3 || len(fails) != 1 || conn.PageInfo.HasNextPage != tc.wantNext {
			t.Fatalf("%v: %d edges, %d failures, hasNext %v, %v", tc.err, len(conn.Edges), len(fails), conn.PageInfo.HasNextPage, err)
		}
		if !tc.wantNext {
			continue
		}
		// The next page asks the failed source again and nothing else.
		calls = 0
		next, fails, err := m.Connection(context.Background(), 10, conn.PageInfo.EndCursor)
		if err != nil || len(next.Edges) != 0 || len(fails) != 1 || calls != 0 {
			t.Fatalf("%v: next page %d edges, %d failures, %d calls to the healthy source, %v", tc.err, len(next.Edges), len(fails), calls, err)
		}
	}
}

// TestMergeStopsAtTheFetchBudget: a filter that drops almost everything
// ends a page early with hasNextPage; the walk still yields every kept item.
func TestMergeStopsAtTheFetchBudget(t *testing.T) {
	var values []int
	for v := 400; v > 0; v-- {
		values = append(values, v)
	}
	calls := 0
	m := Merge[[2]int]{Fingerprint: "fp", Sealer: testSealer, Listings: []Listing[[2]int]{mergeFake(0, values, &calls, false)}, Filtered: []bool{true},
		Before: func(a, b [2]int) bool { return a[1] > b[1] }, Keep: func(x [2]int) bool { return x[1]%100 == 0 }}
	conn, _, err := m.Connection(context.Background(), 1, nil)
	if err != nil || len(conn.Edges) != 1 || !conn.PageInfo.HasNextPage {
		t.Fatalf("%d edges, hasNext %v, %v", len(conn.Edges), conn.PageInfo.HasNextPage, err)
	}
	calls = 0
	conn, _, err = m.Connection(context.Background(), 1, conn.PageInfo.EndCursor)
	if err != nil || len(conn.Edges) != 0 || !conn.PageInfo.HasNextPage || calls != 2+MergeFetchBudget {
		t.Fatalf("budget page: %d edges, hasNext %v, %d calls, %v", len(conn.Edges), conn.PageInfo.HasNextPage, calls, err)
	}
	got, _, _ := walkMerge(t, m, 1)
	if !slices.Equal(got, [][2]int{{0, 400}, {0, 300}, {0, 200}, {0, 100}}) {
		t.Fatalf("walk got %v", got)
	}
}

// TestMergeFirstZero: first 0 asks each listing for one item and tells
// truthfully whether anything follows.
func TestMergeFirstZero(t *testing.T) {
	for _, tc := range []struct {
		values   [][]int
		wantNext bool
	}{{[][]int{{}, {}}, false}, {[][]int{{}, {3}}, true}} {
		calls := 0
		m := Merge[[2]int]{Fingerprint: "fp", Sealer: testSealer, Before: func(a, b [2]int) bool { return a[1] > b[1] }}
		for i, vs := range tc.values {
			m.Listings = append(m.Listings, mergeFake(i, vs, &calls, false))
		}
		conn, _, err := m.Connection(context.Background(), 0, nil)
		if err != nil || len(conn.Edges) != 0 || conn.PageInfo.HasNextPage != tc.wantNext || calls != 2 {
			t.Errorf("%v: %d edges, hasNext %v, %d calls, %v", tc.values, len(conn.Edges), conn.PageInfo.HasNextPage, calls, err)
		}
	}
}

// TestMergeRefusesAMisorderedSource: a listing that is not newest first
// fails the page with an error that names it, rather than a misordered page.
func TestMergeRefusesAMisorderedSource(t *testing.T) {
	calls := 0
	good := mergeFake(0, []int{9, 7, 5, 3, 1}, &calls, false)
	oldestFirst := mergeFake(1, []int{2, 4, 6, 8}, &calls, false)
	m := Merge[[2]int]{Fingerprint: "fp", Sealer: testSealer, Listings: []Listing[[2]int]{good, oldestFirst}, Before: func(a, b [2]int) bool { return a[1] > b[1] }}
	_, _, err := m.Connection(context.Background(), 10, nil)
	var se *ListingError
	if !errors.As(err, &se) || se.Index != 1 {
		t.Fatalf("got %v, want a ListingError naming source 1", err)
	}
}
