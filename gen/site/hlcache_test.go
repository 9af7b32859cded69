package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The highlighting cache changes no byte of the site: cold, warm, damaged
// and absent caches all build what a build without one does, and an edited
// code block is highlighted afresh.
func TestHighlightCacheBuilds(t *testing.T) {
	content := copyTree(t, "testdata/site")
	cache := t.TempDir()
	build := func(cacheDir string) string {
		t.Helper()
		cfg := repoCfg(content, filepath.Join(t.TempDir(), "public"))
		cfg.CacheDir = cacheDir
		if _, err := Build(cfg); err != nil {
			t.Fatal(err)
		}
		return cfg.Out
	}
	file := hlCacheFile(cache)
	check := func(step string) {
		t.Helper()
		want := build("")
		if !strings.Contains(read(t, filepath.Join(want, "course/lect01/index.html")), `class="chroma"`) {
			t.Fatalf("%s: the test site has no highlighted code", step)
		}
		if d := diffTrees(t, want, build(cache)); d != "" {
			t.Errorf("%s: %s differs from a build without cache", step, d)
		}
		if _, err := os.Stat(file); err != nil {
			t.Fatalf("%s: no cache saved: %v", step, err)
		}
	}
	check("cold cache")
	saved := read(t, file)
	check("warm cache")
	if read(t, file) != saved {
		t.Error("a build with nothing new rewrote the cache")
	}
	os.WriteFile(file, []byte("damaged"), 0o644)
	check("damaged cache")
	if read(t, file) != saved {
		t.Error("a damaged cache was not rebuilt")
	}
	lect := filepath.Join(content, "course/lect01.md")
	src := read(t, lect)
	i := strings.Index(src, "```") + 3
	i += strings.Index(src[i:], "\n") + 1
	os.WriteFile(lect, []byte(src[:i]+"changed = 1\n"+src[i:]), 0o644)
	check("edited code block")
	if read(t, file) == saved {
		t.Error("an edited code block left the cache as it was")
	}
}
