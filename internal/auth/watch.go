package auth

import (
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// watchedFile is a file parsed once and again whenever it changes (its size
// or modification time), checked at most once per recheck. It fails
// closed: when the file is gone or a change does not parse, what is in
// force becomes broken (no key at all), never the old contents, so that
// removing a key, emptying the file or deleting it revokes at once. The
// error is logged.
type watchedFile[T any] struct {
	path   string
	parse  func([]byte) (T, error)
	broken T // in force while the file cannot be read or parsed

	mu      sync.Mutex
	value   T
	stamp   fileStamp
	checked time.Time
}

type fileStamp struct {
	size int64
	mod  time.Time
}

// recheck is how often a watched file is looked at again.
const recheck = time.Second

// watchFile reads and parses path; it fails if either fails. broken is what
// is in force when a later change cannot be read or parsed.
func watchFile[T any](path string, parse func([]byte) (T, error), broken T) (*watchedFile[T], error) {
	w := &watchedFile[T]{path: path, parse: parse, broken: broken}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if w.value, err = parse(data); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	w.stamp, w.checked = fileStamp{st.Size(), st.ModTime()}, time.Now()
	return w, nil
}

// get returns the parsed contents, read again first if the file changed.
func (w *watchedFile[T]) get() T {
	w.mu.Lock()
	defer w.mu.Unlock()
	if time.Since(w.checked) >= recheck {
		w.checked = time.Now()
		w.reload()
	}
	return w.value
}

// force reads the file again now if it changed (used when a JWT names a
// key that is not known yet).
func (w *watchedFile[T]) force() T {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.checked = time.Now()
	w.reload()
	return w.value
}

func (w *watchedFile[T]) reload() {
	st, err := os.Stat(w.path)
	if err != nil {
		if w.stamp != (fileStamp{}) {
			slog.Error("a watched file is gone: nothing it held is accepted", "path", w.path, "err", err)
		}
		w.value, w.stamp = w.broken, fileStamp{}
		return
	}
	stamp := fileStamp{st.Size(), st.ModTime()}
	if stamp == w.stamp {
		return
	}
	w.stamp = stamp
	data, err := os.ReadFile(w.path)
	if err == nil {
		var v T
		if v, err = w.parse(data); err == nil {
			w.value = v
			slog.Info("reloaded a changed file", "path", w.path)
			return
		}
	}
	w.value = w.broken
	slog.Error("a changed file does not parse: nothing it held is accepted until it is fixed", "path", w.path, "err", err)
}
