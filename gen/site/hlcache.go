package site

import (
	"os"
	"path/filepath"

	"github.com/kogi-course/kogi/gen/markup"
)

// hlCacheFile holds the syntax-highlighting cache (see markup.HighlightCache)
// in the cache folder, next to the minify cache.
func hlCacheFile(cacheDir string) string { return filepath.Join(cacheDir, "highlight") }

// openHighlightCache loads the cache a previous build saved. Without a cache
// folder there is none; a missing, damaged or foreign file is just empty.
func openHighlightCache(cacheDir string) *markup.HighlightCache {
	if cacheDir == "" {
		return nil
	}
	c := markup.NewHighlightCache()
	if data, err := os.ReadFile(hlCacheFile(cacheDir)); err == nil {
		_ = c.Load(data) // a bad file is rebuilt
	}
	return c
}

// saveHighlightCache writes the cache back, with only this build's entries,
// if it changed. It is only a cache: errors are the next build's slow path.
func saveHighlightCache(cacheDir string, c *markup.HighlightCache) {
	if c == nil || !c.Changed() {
		return
	}
	writeCacheFile(hlCacheFile(cacheDir), c.Marshal())
}
