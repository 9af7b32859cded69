package serve

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watcher watches folders recursively: inotify watches one folder at a time,
// so every subfolder is added, at start and whenever one is created.
type watcher struct {
	fw   *fsnotify.Watcher
	skip []string // absolute folders never watched: the output and its siblings
	out  string   // absolute output folder, for the names builds make beside it
	logf func(format string, args ...any)
}

func newWatcher(out string, logf func(string, ...any)) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{fw: fw, logf: logf}
	if out != "" {
		if a, err := filepath.Abs(out); err == nil {
			w.out = a
			w.skip = append(w.skip, a)
		}
	}
	return w, nil
}

func (w *watcher) Close() error { return w.fw.Close() }

// ignored reports whether a change at p cannot affect the site: the output
// and what a build writes beside it (.public.prev, .public.building-*), and
// editor droppings (vim's .swp and 4913 probe, emacs #autosave# and ~
// backups). None of these is published anyway (site's hidden()), so a
// rebuild would be wasted time.
func (w *watcher) ignored(p string) bool {
	a, err := filepath.Abs(p)
	if err != nil {
		return false
	}
	for _, s := range w.skip {
		if a == s || strings.HasPrefix(a, s+string(filepath.Separator)) {
			return true
		}
	}
	if w.out != "" && filepath.Dir(a) == filepath.Dir(w.out) &&
		strings.HasPrefix(filepath.Base(a), "."+filepath.Base(w.out)+".") {
		return true
	}
	base := filepath.Base(a)
	switch {
	case strings.HasPrefix(base, "."), strings.HasPrefix(base, "#"),
		strings.HasSuffix(base, "~"), base == "4913":
		return true
	}
	return false
}

// addTree watches dir and every folder below it, and returns the files found
// there: a folder created (or moved in) with files already inside gives no
// event for them.
func (w *watcher) addTree(dir string) (files []string, err error) {
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // vanished meanwhile: its Remove event follows
		}
		if p != dir && w.ignored(p) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() {
			files = append(files, p)
			return nil
		}
		if err := w.fw.Add(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	})
	return files, err
}

// debounce collects the changes of one burst. Editors save through a
// temporary file and a rename, and a checkout touches many files: the burst
// ends once quiet has passed without an event, or at most maxWait after its
// first event, so that a stream of changes still rebuilds now and then.
type debounce struct {
	quiet, maxWait time.Duration
}

// run calls rebuild with each burst's changed paths, sorted, until ctx is
// done. rebuild runs on this goroutine, so builds never overlap; changes made
// during a build are collected for the next one.
func (w *watcher) run(ctx context.Context, db debounce, rebuild func(changed []string)) {
	pending := map[string]bool{}
	var first time.Time
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case err, ok := <-w.fw.Errors:
			if !ok {
				return
			}
			w.logf("watch: %v", err)
		case ev, ok := <-w.fw.Events:
			if !ok {
				return
			}
			if !w.relevant(ev) {
				continue
			}
			pending[ev.Name] = true
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
					files, err := w.addTree(ev.Name)
					if err != nil {
						w.logf("watch: %v", err)
					}
					for _, f := range files {
						pending[f] = true
					}
				}
			}
			now := time.Now()
			if first.IsZero() {
				first = now
			}
			wait := db.quiet
			if left := first.Add(db.maxWait).Sub(now); left < wait {
				wait = max(left, 0)
			}
			timer.Reset(wait)
		case <-timer.C:
			changed := make([]string, 0, len(pending))
			for p := range pending {
				changed = append(changed, p)
			}
			sort.Strings(changed)
			clear(pending)
			first = time.Time{}
			rebuild(changed)
		}
	}
}

// relevant drops events that cannot change the site: attribute-only
// changes (an editor's chmod, a touch of atime) and ignored names.
func (w *watcher) relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod || ev.Op == 0 {
		return false
	}
	return !w.ignored(ev.Name)
}
