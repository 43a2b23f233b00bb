package awsemu

import (
	"strconv"
	"strings"
	"time"
)

// What the listings of every service share: their order, their page sizes,
// the cutting of a page and the binding of its token, and the catalog that
// holds the resources they list and the entries they list of them.

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

// pageSizes are the page sizes that a list operation accepts, min to max,
// and def, the one it uses when a request asks for none.
type pageSizes struct{ min, max, def int }

// size returns the page size of a request that asks for n (set) or for
// none (!set): n, or def; ok is false when n is outside [min, max].
func (p pageSizes) size(n int, set bool) (size int, ok bool) {
	switch {
	case !set:
		return p.def, true
	case n < p.min || n > p.max:
		return 0, false
	}
	return n, true
}

// query returns the page size that a query parameter's value s asks for:
// "" asks for none; ok is false for anything but a whole number in
// [min, max].
func (p pageSizes) query(s string) (size int, ok bool) {
	if s == "" {
		return p.def, true
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, false
	}
	return p.size(n, true)
}

// pageSize returns the page size that an optional request member v asks
// for (nil: none); ok is false when *v is outside [p.min, p.max].
func pageSize[N ~int | ~int64](p pageSizes, v *N) (size int, ok bool) {
	if v == nil {
		return p.def, true
	}
	if *v < N(p.min) || *v > N(p.max) {
		return 0, false
	}
	return int(*v), true
}

// listPage cuts the page of a listing of n entries that the request's
// token and page size select (see paginate): at(i) for every index i of the
// page, in order, and the token of the next page ("" after the last). A bad
// or expired token is reported as bad, the service's own error.
func listPage[E any](c *call, n int, token string, size int, binding string, bad apiError, at func(i int) E) (page []E, next string, err error) {
	start, end, next, err := c.paginate(n, token, size, binding, bad)
	if err != nil {
		return nil, "", err
	}
	page = make([]E, 0, end-start)
	for i := start; i < end; i++ {
		page = append(page, at(i))
	}
	return page, next, nil
}

// binding names the listing of a call for its tokens (see tokens.go):
// "<service>.<Operation>", the region, then parts (the resource and every
// filter that the request sets), NUL-separated.
func (c *call) binding(parts ...string) string {
	return strings.Join(append([]string{c.svc.name + "." + c.op, c.region}, parts...), "\x00")
}

// keyed is what a catalog files: its key() is its id.
type keyed interface{ key() string }

// listable is a resource whose listing lists the entries E.
type listable[E entry] interface {
	keyed
	listed() []E
}

// entry is an entry of a listing: resourceKey() is the key of the resource
// that lists it.
type entry interface {
	keyed
	resourceKey() string
}

// catalog is what every service's data of a region holds: its listable
// resources by id (the manifest's ids, the list operation's argument), and
// the entries that their listings list (executions; Map Runs for Step
// Functions) by the id that the detail operations take. The zero catalog
// is empty, the data of a region that was not seeded.
type catalog[R listable[E], E entry] struct {
	resources map[string]R
	entries   map[string]E
}

// add files resource r and the entries it lists.
func (c *catalog[R, E]) add(r R) {
	if c.resources == nil {
		c.resources, c.entries = map[string]R{}, map[string]E{}
	}
	c.resources[r.key()] = r
	for _, e := range r.listed() {
		c.addEntry(e)
	}
}

// addEntry files an entry (one that a mutation appended to a resource).
func (c *catalog[R, E]) addEntry(e E) { c.entries[e.key()] = e }

// resource returns the resource that mutation m names, or the error for an
// unknown one.
func (c *catalog[R, E]) resource(m *mutation) (R, error) {
	r, ok := c.resources[m.resource]
	if !ok {
		return r, m.unknownResource()
	}
	return r, nil
}

// execution returns the resource that mutation m names and its entry that
// m changes, filed under key. It returns the error for an unknown resource
// or for an entry that the resource does not list.
func (c *catalog[R, E]) execution(m *mutation, key string) (R, E, error) {
	var none E
	r, err := c.resource(m)
	if err != nil {
		return r, none, err
	}
	e, ok := c.entries[key]
	if !ok || e.resourceKey() != m.resource {
		return r, none, m.unknownID()
	}
	return r, e, nil
}

// settleEntry changes the status of the entry that mutation m names (m.id)
// as the entry's settle says, for the services whose entries need nothing
// else of their resource.
func settleEntry[R listable[E], E interface {
	entry
	settle(status string, now time.Time)
	info(m *mutation) Execution
}](c *catalog[R, E], m *mutation) (Execution, error) {
	_, e, err := c.execution(m, m.id)
	if err != nil {
		return Execution{}, err
	}
	e.settle(m.status, m.now)
	return e.info(m), nil
}

// manifest lists the resources, in no order, each with the number of
// entries it lists; Emulator.Manifest names the service and region.
func (c *catalog[R, E]) manifest() []Resource {
	out := make([]Resource, 0, len(c.resources))
	for id, r := range c.resources {
		out = append(out, Resource{ID: id, Count: len(r.listed())})
	}
	return out
}
