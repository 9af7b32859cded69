// Package config holds every tunable of the generator as plain data.
// It imports no goldmark and no other Kogi package, so any layer can take it.
package config

import (
	"errors"
	"fmt"
	"runtime"
)

// Build says what to build and where.
type Build struct {
	// Content is the site root: Markdown pages, static files, _config.yml.
	Content string
	// Out is the folder the finished site replaces on success.
	Out string
	// Templates is the folder of html/template layouts and partials.
	Templates string
	// Static is copied into the output root before the content's own files.
	Static string
	// Assets lists extra folders copied into the output (src → dest below Out),
	// e.g. the MathJax distribution installed by npm.
	Assets []Mount
	// Minify turns on HTML/CSS/JS/SVG/JSON minification of the output.
	Minify bool
	// CacheDir keeps minified static files between builds ("" turns the
	// cache off). Default: the user's cache folder, kogi/ in it.
	CacheDir string
	// Workers is how many pages render at once; 0 means one per CPU.
	Workers int
	// Search builds the full-text index under assets/search/.
	Search bool
	// Strict makes warnings stop the build too (our own content uses it).
	Strict bool
	Markup Markup
}

// Mount copies Src to Dest (relative to the output root).
type Mount struct {
	Src, Dest string
	// Include limits the copy to files matching these globs (relative to Src).
	Include []string
}

// Markup switches Markdown features.
type Markup struct {
	// Highlight colours fenced code with chroma (CSS classes, no inline styles).
	Highlight bool
	// Unsafe passes raw HTML through; lecture pages are trusted author HTML.
	Unsafe bool
	// Linkify turns bare URLs into links (GFM autolink extension).
	Linkify bool
}

// Site is the site-wide data read from _config.yml.
type Site struct {
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
	BaseURL     string `yaml:"baseurl"`
	URL         string `yaml:"url"`
	Email       string `yaml:"email"`
	Author      string `yaml:"author"`
}

// Default is the configuration `go run ./gen build` uses with no flags.
var Default = Build{
	Content:   "content",
	Out:       "public",
	Templates: "templates",
	Static:    "static",
	Minify:    true,
	Search:    true,
	Markup:    Markup{Highlight: true, Unsafe: true, Linkify: true},
}

// Validate reports the first setting that cannot work.
func (b *Build) Validate() error {
	switch {
	case b.Content == "":
		return errors.New("config: content folder not set")
	case b.Workers < 0:
		return fmt.Errorf("config: workers must be >= 0, got %d", b.Workers)
	}
	return nil
}

// NumWorkers resolves Workers = 0 to the number of CPUs.
func (b *Build) NumWorkers() int {
	if b.Workers > 0 {
		return b.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// DefaultAssets is the MathJax build that `make` installs from npm: the one
// combined script with every TeX extension (so no component is fetched on
// demand) and its web fonts, served from the site itself.
//
// The second is the demos' WebAssembly build, which `make` writes to
// build/wasm (vae.wasm and the Go release's wasm_exec.js).
var DefaultAssets = []Mount{{
	Src:     "node_modules/mathjax/es5",
	Dest:    "assets/mathjax",
	Include: []string{"tex-chtml-full.js", "output/chtml/fonts/woff-v2/*"},
}, {
	Src:  "build/wasm",
	Dest: "assets/wasm",
}}
