package frontdoor

import (
	"context"
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// Cache is an LRU bounded in entries and in bytes, safe for concurrent use.
// It implements gqlgen's graphql.Cache. The size of an entry is given by
// sizeOf; an entry larger than an eighth of the byte bound is never kept,
// so that one huge document cannot flush everything else.
type Cache[V any] struct {
	mu       sync.Mutex
	lru      *simplelru.LRU[string, V]
	bytes    int64
	maxBytes int64
	sizeOf   func(key string, v V) int64
}

// NewCache returns a cache of at most entries entries and maxBytes bytes.
func NewCache[V any](entries int, maxBytes int64, sizeOf func(key string, v V) int64) *Cache[V] {
	c := &Cache[V]{maxBytes: maxBytes, sizeOf: sizeOf}
	c.lru, _ = simplelru.NewLRU[string, V](max(entries, 1), func(k string, v V) { c.bytes -= sizeOf(k, v) })
	return c
}

// Get returns the entry of key, marking it used.
func (c *Cache[V]) Get(_ context.Context, key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Get(key)
}

// Add keeps value under key, evicting the least recently used entries until
// both bounds hold.
func (c *Cache[V]) Add(_ context.Context, key string, value V) {
	size := c.sizeOf(key, value)
	if size > c.maxBytes/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru.Contains(key) {
		return
	}
	c.lru.Add(key, value)
	c.bytes += size
	for c.bytes > c.maxBytes {
		c.lru.RemoveOldest()
	}
}

// Bytes is the size of what the cache holds.
func (c *Cache[V]) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

// Len is the number of entries the cache holds.
func (c *Cache[V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}
