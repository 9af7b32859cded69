package site

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kogi-course/kogi/gen/config"
	"github.com/kogi-course/kogi/gen/markup"
)

// Session builds a site once and then rebuilds it as files change,
// re-rendering only the pages an edit affects. The dev server holds one.
//
// A full build is atomic (see tree). A page-only rebuild replaces each
// changed page file with one rename, in the served folder: a reader sees the
// old page or the new one. Anything that can change other pages — a new,
// removed or renamed page, a changed title, date, lecture number or layout,
// a template, a theme file, _config.yml — takes a full build instead.
type Session struct {
	cfg      config.Build
	b        *builder      // state of the last successful full build; nil before one
	indexing chan struct{} // closed when the background index refresh is done
}

// NewSession prepares a session; nothing is built until Build.
func NewSession(cfg config.Build) *Session { return &Session{cfg: cfg} }

// Build does a full build. On success its state is kept for Rebuild; on
// failure the previous state (and the previous site) stays.
func (s *Session) Build() (Result, error) {
	s.Wait()
	res, b, err := run(s.cfg, true)
	if err == nil {
		s.b = b
	}
	return res, err
}

// Rebuild brings the site up to date after the named files changed (paths as
// the watcher reports them). It re-renders just those pages when it can.
func (s *Session) Rebuild(changed []string) (Result, error) {
	s.Wait()
	start := time.Now()
	pages, ok := s.pagesOnly(changed)
	if !ok {
		return s.Build()
	}
	b := s.b
	b.tree = &tree{dir: s.cfg.Out, reuse: true, inPlace: true}
	for p, pr := range b.renderPages(pages) {
		b.pageProbs[p] = pr
	}
	if _, err := b.writeDemos(); err != nil { // a page may have gained a demo
		b.tree = nil
		return Result{}, err
	}
	// The pages are in place: the reader can reload now. The search index
	// (256 shards, ~20 ms on the corpus) follows in the background; the
	// next Build or Rebuild waits for it.
	if b.search == nil {
		b.tree = nil
	} else {
		done := make(chan struct{})
		s.indexing = done
		go func() {
			defer close(done)
			b.writeSearch() // a failure leaves the previous index, still valid
			b.tree = nil
		}()
	}
	res := Result{Problems: append(append(Problems{}, b.loadProbs...), b.probs...)}
	for _, p := range b.c.Pages {
		res.Problems = append(res.Problems, b.pageProbs[p]...)
	}
	res.Problems.Sort()
	res.Stats = Stats{Pages: len(pages), Duration: time.Since(start)}
	if res.Problems.Errors() > 0 || (s.cfg.Strict && len(res.Problems) > 0) {
		return res, ErrFailed
	}
	return res, nil
}

// Wait returns when the background refresh of the search index after a
// page-only Rebuild has finished.
func (s *Session) Wait() {
	if s.indexing != nil {
		<-s.indexing
		s.indexing = nil
	}
}

// pagesOnly maps changed files to existing pages whose change stays inside
// the page, or reports that a full build is needed.
func (s *Session) pagesOnly(changed []string) ([]*Page, bool) {
	if s.b == nil || len(changed) == 0 {
		return nil, false
	}
	root, err := filepath.Abs(s.cfg.Content)
	if err != nil {
		return nil, false
	}
	bySrc := map[string]*Page{}
	for _, p := range s.b.c.Pages {
		bySrc[p.Src] = p
	}
	seen := map[*Page]bool{}
	var pages []*Page
	for _, f := range changed {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, false
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil || strings.HasPrefix(rel, "..") {
			return nil, false // a template, theme file or anything outside content
		}
		p := bySrc[filepath.ToSlash(rel)]
		if p == nil {
			return nil, false // a new page, or a file that is not a page
		}
		src, err := os.ReadFile(abs)
		if err != nil {
			return nil, false // removed or renamed
		}
		y, _, ok := markup.SplitFrontMatter(src)
		if !ok {
			return nil, false
		}
		fm, _, err := parseFrontMatter(y)
		if err != nil || fm.Title != p.Title || fm.Date != p.Date || fm.Lecture != p.Lecture || fm.Layout != p.Layout {
			return nil, false // other pages show these, or the error needs the full report
		}
		p.FrontMatter = fm
		if !seen[p] {
			seen[p] = true
			pages = append(pages, p)
		}
	}
	return pages, true
}
