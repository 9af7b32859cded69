package serve

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/kogi-course/kogi/gen/config"
	"github.com/kogi-course/kogi/gen/markup/diag"
	"github.com/kogi-course/kogi/gen/site"
)

// Builder is what the server calls to (re)build the site into the folder it
// serves. Build is the first build; Rebuild follows a burst of file changes
// and gets the changed paths, deduplicated and sorted, as the watcher names
// them: the watched folder joined with the path below it, folders included,
// and files that no longer exist (removed, or renamed away). A build that
// fails must leave the previous site in place, as site.Build does. Calls
// never overlap. A Builder that also has a Wait method is waited for on
// shutdown.
type Builder interface {
	Build() (site.Result, error)
	Rebuild(changed []string) (site.Result, error)
}

// FullBuilder rebuilds the whole site on every change, through site.Build:
// the simplest Builder, and the reference for an incremental one. Run uses
// *site.Session, which satisfies Builder and re-renders only the changed
// pages when it can.
type FullBuilder struct {
	Cfg config.Build
}

var (
	_ Builder = FullBuilder{}
	_ Builder = (*site.Session)(nil)
)

// Build builds the whole site.
func (b FullBuilder) Build() (site.Result, error) { return site.Build(b.Cfg) }

// Rebuild builds the whole site, whatever changed.
func (b FullBuilder) Rebuild([]string) (site.Result, error) { return site.Build(b.Cfg) }

// relPaths rewrites the paths in messages shown to the browser. The dev
// server shows what `gen build` prints, but never an absolute path (the
// toHTTPError rule of net/http/fs.go): a path is made relative to the working
// directory, or else to the folder that holds the content, templates or
// static folder, or else cut to its base name.
type relPaths struct {
	bases []string // absolute, cleaned, longest first
}

func newRelPaths(cfg config.Build) relPaths {
	var r relPaths
	seen := map[string]bool{}
	add := func(dir string) {
		if dir == "" {
			return
		}
		a, err := filepath.Abs(dir)
		if err != nil || seen[a] || a == string(filepath.Separator) {
			return
		}
		seen[a] = true
		r.bases = append(r.bases, a)
	}
	if wd, err := os.Getwd(); err == nil {
		add(wd)
	}
	for _, d := range []string{cfg.Content, cfg.Templates, cfg.Static, cfg.Out} {
		if d != "" {
			a, err := filepath.Abs(d)
			if err == nil {
				add(filepath.Dir(a))
			}
		}
	}
	// The working directory comes first where it applies: paths relative to
	// it are what an editor's "go to file:line" expects.
	if len(r.bases) > 1 {
		rest := r.bases[1:]
		sort.SliceStable(rest, func(i, j int) bool { return len(rest[i]) > len(rest[j]) })
	}
	return r
}

// path makes one file path safe to show.
func (r relPaths) path(p string) string {
	if !filepath.IsAbs(p) {
		return filepath.ToSlash(p)
	}
	for _, base := range r.bases {
		if rel, err := filepath.Rel(base, p); err == nil && rel != ".." &&
			!strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.Base(p)
}

// absPath finds what looks like an absolute file path inside a message:
// a slash-led token after a space, quote, bracket or the start.
var absPath = regexp.MustCompile(`(^|[\s"'(\[=])(/[^\s"'(),\[\]:]+)`)

// text rewrites every absolute path in a message. Known folders are replaced
// by their relative form; any other slash-led token is cut to its base name
// only when it names an existing file or folder with at least two elements,
// so that site URLs in messages ("/missing.png") are left alone.
func (r relPaths) text(s string) string {
	return absPath.ReplaceAllStringFunc(s, func(m string) string {
		sub := absPath.FindStringSubmatch(m)
		lead, p := sub[1], sub[2]
		for _, base := range r.bases {
			if p == base || strings.HasPrefix(p, base+"/") {
				return lead + r.path(p)
			}
		}
		if strings.Count(strings.TrimSuffix(p, "/"), "/") >= 2 {
			if _, err := os.Lstat(p); err == nil {
				return lead + filepath.Base(p)
			}
		}
		return m
	})
}

// problems turns a build's findings into the lines the overlay shows,
// errors first, each as `file:line:col: message`.
func (r relPaths) problems(ps site.Problems) (errs, warns []string) {
	for _, p := range ps {
		p.File = r.path(p.File)
		p.Msg = r.text(p.Msg)
		if p.Severity == diag.Error {
			errs = append(errs, p.String())
		} else {
			warns = append(warns, p.String())
		}
	}
	return errs, warns
}
