package serve

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// startWatch watches dir (with out as the output folder) and returns the
// bursts the watcher reports.
func startWatch(t *testing.T, dir, out string, db debounce) <-chan []string {
	t.Helper()
	w, err := newWatcher(out, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.addTree(dir); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := make(chan []string, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.run(ctx, db, func(changed []string) { c <- changed })
	}()
	t.Cleanup(func() { cancel(); <-done; w.Close() })
	return c
}

func burst(t *testing.T, c <-chan []string) []string {
	t.Helper()
	select {
	case b := <-c:
		return b
	case <-time.After(5 * time.Second):
		t.Fatal("no rebuild within 5s")
	}
	return nil
}

func quiet(t *testing.T, c <-chan []string, d time.Duration) {
	t.Helper()
	select {
	case b := <-c:
		t.Fatalf("unexpected rebuild: %q", b)
	case <-time.After(d):
	}
}

func TestWatchDebounce(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "public") // inside the watched folder: ignored
	writeFiles(t, dir, map[string]string{"a.md": "a", "sub/b.md": "b", "public/index.html": "x"})
	c := startWatch(t, dir, out, debounce{quiet: 50 * time.Millisecond, maxWait: time.Second})
	p := func(name string) string { return filepath.Join(dir, filepath.FromSlash(name)) }

	// One burst, one rebuild: two writes and an editor's save (temporary
	// file, then rename); the temporary file itself is not reported.
	writeFiles(t, dir, map[string]string{"a.md": "a2", "sub/b.md": "b2"})
	save(t, p("c.md"), "c")
	if got, want := burst(t, c), []string{p("a.md"), p("c.md"), p("sub/b.md")}; !slices.Equal(got, want) {
		t.Errorf("burst: %q, want %q", got, want)
	}
	quiet(t, c, 150*time.Millisecond)

	// What a build writes, editor droppings and attribute changes are not
	// changes.
	writeFiles(t, dir, map[string]string{
		"public/index.html": "y", ".public.prev/index.html": "y", "public/deep/x.html": "z",
		"#a.md#": "", "a.md~": "", "4913": "", ".a.md.swp": "",
	})
	os.Chmod(p("a.md"), 0o600)
	quiet(t, c, 200*time.Millisecond)

	// A new folder is watched, and the files already in it are reported.
	writeFiles(t, dir, map[string]string{"new/deeper/d.md": "d"})
	got := burst(t, c)
	if !slices.Contains(got, p("new/deeper/d.md")) {
		t.Errorf("new folder: %q lacks its file", got)
	}
	for len(c) > 0 {
		<-c
	}
	time.Sleep(100 * time.Millisecond)
	writeFiles(t, dir, map[string]string{"new/deeper/d.md": "d2"})
	if got := burst(t, c); !slices.Equal(got, []string{p("new/deeper/d.md")}) {
		t.Errorf("change in a new folder: %q", got)
	}

	// A removal counts.
	os.Remove(p("c.md"))
	if got := burst(t, c); !slices.Equal(got, []string{p("c.md")}) {
		t.Errorf("removal: %q", got)
	}
}

// TestWatchMaxWait checks that a stream of changes that never pauses for
// the quiet period still rebuilds.
func TestWatchMaxWait(t *testing.T) {
	dir := t.TempDir()
	c := startWatch(t, dir, filepath.Join(dir, "public"), debounce{quiet: 100 * time.Millisecond, maxWait: 300 * time.Millisecond})
	stop := time.After(time.Second)
	start := time.Now()
	var first time.Duration
loop:
	for i := 0; ; i++ {
		select {
		case <-stop:
			break loop
		case <-c:
			if first == 0 {
				first = time.Since(start)
			}
		case <-time.After(20 * time.Millisecond):
			writeFiles(t, dir, map[string]string{"a.md": string(rune('a' + i%26))})
		}
	}
	if first == 0 || first > 800*time.Millisecond {
		t.Errorf("first rebuild after %v of continuous changes, want about 300ms", first)
	}
}
