package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image/png"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/yuin/goldmark/util"

	"github.com/kogi-course/kogi/gen/demo"
	"github.com/kogi-course/kogi/gen/markup"
	"github.com/kogi-course/kogi/gen/markup/diag"
	"github.com/kogi-course/kogi/gen/markup/kast"
)

// demoVersion goes into the fallback cache key: bump it when the images'
// drawing code changes.
const demoVersion = "1"

// demoSet tracks which demos the pages use, so that only their fallback
// images are drawn, once each.
type demoSet struct {
	mu        sync.Mutex
	used      map[string]bool
	written   map[string]bool
	galleries map[string]galleryResult // loaded and checked once per build
}

type galleryResult struct {
	g   *demo.Gallery
	err error
}

// gallery loads and checks the named gallery once per build.
func (b *builder) gallery(name string) (*demo.Gallery, error) {
	b.demos.mu.Lock()
	defer b.demos.mu.Unlock()
	if r, ok := b.demos.galleries[name]; ok {
		return r.g, r.err
	}
	g, err := demo.LoadGallery(name, b.readOutput)
	if b.demos.galleries == nil {
		b.demos.galleries = map[string]galleryResult{}
	}
	b.demos.galleries[name] = galleryResult{g, err}
	return g, err
}

// renderDemo is markup's hook for ```demo blocks.
func (b *builder) renderDemo(w util.BufWriter, d *kast.Demo) error {
	base := b.c.Site.BaseURL
	url := func(p string) string { return joinURL(base, p) }
	if d.Lang == "gallery" {
		g, err := b.gallery(d.Name)
		if err != nil {
			// Reported by checkDemos.
			fmt.Fprintf(w, "<figure class=\"kogi-gallery kogi-demo-missing\"><figcaption>gallery %q is missing or damaged</figcaption></figure>\n", d.Name)
			return nil
		}
		return g.WriteHTML(w, url, d.Params["caption"])
	}
	spec, ok := demo.Lookup(d.Name)
	if !ok {
		// Reported by checkDemos; the reader sees what is missing.
		fmt.Fprintf(w, "<figure class=\"kogi-demo kogi-demo-missing\"><figcaption>unknown demo %q</figcaption></figure>\n", d.Name)
		return nil
	}
	return spec.WriteHTML(w, url, d.Params["caption"])
}

// checkDemos reports unknown demos, unknown keys and missing model files,
// and records which demos the site needs.
func (b *builder) checkDemos(ds []markup.Demo, report func(off int, sev diag.Severity, msg string)) {
	for _, d := range ds {
		if d.Lang == "gallery" {
			b.checkGallery(d, report)
			continue
		}
		spec, ok := demo.Lookup(d.Name)
		if !ok {
			if d.Name != "" { // an empty name was reported by the parser
				report(d.Offset, diag.Error, fmt.Sprintf("unknown demo %q (have: %s)", d.Name, strings.Join(demo.Names(), ", ")))
			}
			continue
		}
		unknownKeys(d, report)
		for _, f := range spec.Files() {
			if !b.outputs[strings.TrimPrefix(f, "/")] {
				report(d.Offset, diag.Error, fmt.Sprintf("demo %s needs %s, which the site does not have (static/demos/vae/ is written by make models)", d.Name, f))
			}
		}
		if !b.outputs[strings.TrimPrefix(demo.WasmPath, "/")] {
			report(d.Offset, diag.Warning, fmt.Sprintf("demo %s: %s is not built, so readers get only the static image; run make", d.Name, demo.WasmPath))
		}
		b.demos.mu.Lock()
		if b.demos.used == nil {
			b.demos.used = map[string]bool{}
		}
		b.demos.used[d.Name] = true
		b.demos.mu.Unlock()
	}
}

// checkGallery reports a gallery that is missing, damaged or out of date.
func (b *builder) checkGallery(d markup.Demo, report func(off int, sev diag.Severity, msg string)) {
	if d.Name == "" {
		return // reported by the parser
	}
	unknownKeys(d, report)
	if _, err := b.gallery(d.Name); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			report(d.Offset, diag.Error, "gallery "+d.Name+": "+line)
		}
	}
}

// unknownKeys warns about keys of a block that mean nothing.
func unknownKeys(d markup.Demo, report func(off int, sev diag.Severity, msg string)) {
	var keys []string
	for k := range d.Params {
		if !slices.Contains(demo.Params, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		report(d.Offset, diag.Warning, fmt.Sprintf("%s %s: unknown key %q (known: %s)", d.Lang, d.Name, k, strings.Join(demo.Params, ", ")))
	}
}

// writeDemos draws the fallback image of every demo in use that has none in
// this output yet, and returns the paths of all of them.
func (b *builder) writeDemos() ([]string, error) {
	b.demos.mu.Lock()
	defer b.demos.mu.Unlock()
	if b.demos.written == nil {
		b.demos.written = map[string]bool{}
	}
	var paths []string
	for _, name := range slices.Sorted(maps.Keys(b.demos.used)) {
		spec, _ := demo.Lookup(name)
		rel := strings.TrimPrefix(spec.FallbackPath(), "/")
		if !b.hasAll(spec.Files()) {
			continue // reported on the page; the build fails
		}
		paths = append(paths, rel)
		if b.demos.written[name] {
			continue
		}
		img, err := b.demoFallback(spec)
		if err != nil {
			return nil, err
		}
		if err := b.tree.writeFile(rel, img); err != nil {
			return nil, err
		}
		b.demos.written[name] = true
	}
	return paths, nil
}

func (b *builder) hasAll(paths []string) bool {
	for _, p := range paths {
		if !b.outputs[strings.TrimPrefix(p, "/")] {
			return false
		}
	}
	return true
}

// demoFallback returns the PNG of spec's fallback image. Drawing one takes
// hundreds of decodes, so the PNG is cached by the hash of the model files.
func (b *builder) demoFallback(spec *demo.Spec) ([]byte, error) {
	files := map[string][]byte{}
	h := sha256.New()
	h.Write([]byte(demoVersion + "\x00" + spec.Name + "\x00"))
	for _, sp := range spec.Files() {
		data, err := b.readOutput(sp)
		if err != nil {
			return nil, fmt.Errorf("demo %s: %w", spec.Name, err)
		}
		files[sp] = data
		h.Write(data)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	var cached string
	if b.cfg.CacheDir != "" {
		cached = filepath.Join(b.cfg.CacheDir, "demos", sum+".png")
		if data, err := os.ReadFile(cached); err == nil {
			return data, nil
		}
	}
	img, err := spec.Fallback(func(p string) ([]byte, error) {
		if data, ok := files[p]; ok {
			return data, nil
		}
		return b.readOutput(p)
	})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	if cached != "" {
		writeCacheFile(cached, buf.Bytes()) // only a cache
	}
	return buf.Bytes(), nil
}

// readOutput reads the source of the file published at site path p.
func (b *builder) readOutput(p string) ([]byte, error) {
	rel := strings.TrimPrefix(p, "/")
	for _, f := range b.files {
		if f.Out == rel {
			return os.ReadFile(f.Abs)
		}
	}
	return nil, fmt.Errorf("%s: not in the site: %w", p, fs.ErrNotExist)
}
