package relay

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"
)

// mergeFake lists items (source, value) sorted by value descending.
func mergeFake(src int, values []int, calls *int, fail bool) Listing[[2]int] {
	return Listing[[2]int]{MaxPage: 4, Fetch: func(_ context.Context, token string, size int) (Page[[2]int], error) {
		*calls++
		if fail {
			return Page[[2]int]{}, errors.New("boom")
		}
		off, _ := strconv.Atoi(token)
		end := min(off+size, len(values))
		p := Page[[2]int]{}
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
	m := Merge[[2]int]{Fingerprint: "fp", Before: func(a, b [2]int) bool { return a[1] > b[1] }, Keep: keep}
	var want [][2]int
	for i, vs := range data {
		m.Sources = append(m.Sources, mergeFake(i, vs, calls, i == failing))
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
		conn, fails, err := m.Page(context.Background(), first, after)
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
						conn, _, err := m.Page(context.Background(), n, &c)
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
	if _, _, err := m.Page(context.Background(), 2, nil); err != nil {
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
