package site

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
)

// minifierVersion goes into every cache key, so upgrading tdewolff/minify
// never serves output of the old version.
var minifierVersion = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/tdewolff/minify/v2" {
				return d.Version
			}
		}
	}
	return "unknown"
})

// minifyCached writes the minified form of src to dst. Minified theme and
// content files (mostly SVG figures) are kept in a cache named by the hash of
// what went in, and hard-linked from there: minifying the corpus's 196 SVGs
// took longer than rendering its 63 pages, and they rarely change between
// builds. Without a cache folder it simply minifies.
//
// It returns the cache file it linked, "" when it wrote the output itself.
func (b *builder) minifyCached(ext string, src []byte, rel string) (string, error) {
	dir := b.cfg.CacheDir
	if dir == "" {
		out, err := b.min.file(ext, src)
		if err != nil {
			out = src // not minifiable: still the author's file
		}
		return "", b.tree.writeFile(rel, out)
	}
	h := sha256.New()
	h.Write([]byte(minifierVersion() + "\x00" + ext + "\x00"))
	h.Write(src)
	sum := hex.EncodeToString(h.Sum(nil))
	cached := filepath.Join(dir, "minify", sum[:2], sum[2:]+ext)
	if _, err := os.Stat(cached); err == nil {
		return cached, b.tree.link(rel, cached)
	}
	out, err := b.min.file(ext, src)
	if err != nil {
		out = src
	}
	if err := os.MkdirAll(filepath.Dir(cached), 0o755); err == nil {
		// Write then rename, so a concurrent build never links half a file.
		if tmp, err := os.CreateTemp(filepath.Dir(cached), ".tmp-*"); err == nil {
			_, werr := tmp.Write(out)
			cerr := tmp.Close()
			// CreateTemp makes the file 0600, and the site hard-links it: a
			// web server running as another user could not read it.
			merr := os.Chmod(tmp.Name(), 0o644)
			if werr == nil && cerr == nil && merr == nil && os.Rename(tmp.Name(), cached) == nil {
				return cached, b.tree.link(rel, cached)
			} else {
				os.Remove(tmp.Name())
			}
		}
	}
	return "", b.tree.writeFile(rel, out)
}
