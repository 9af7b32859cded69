package site

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
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
	if writeCacheFile(cached, out) == nil {
		return cached, b.tree.link(rel, cached)
	}
	return "", b.tree.writeFile(rel, out)
}

// writeCacheFile writes a file of the cache folder by writing a temporary
// file beside it and renaming it, so that a concurrent build never reads or
// links half a file. The file is world-readable (CreateTemp makes 0600):
// sites hard-link cached files, and a web server running as another user
// must be able to read them.
func writeCacheFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
