// Package site builds a whole site: it walks the content folder, renders every
// page through markup and layout in parallel, checks references, and swaps the
// finished output in only when nothing went wrong.
package site

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/kogi-course/kogi/gen/config"
	"github.com/kogi-course/kogi/gen/layout"
	"github.com/kogi-course/kogi/gen/markup"
	"github.com/kogi-course/kogi/gen/markup/diag"
	"github.com/kogi-course/kogi/gen/search"
)

// ErrFailed is returned when the build found errors; they are in Problems.
var ErrFailed = errors.New("build failed")

// Stats describes a finished build.
type Stats struct {
	Pages    int
	Files    int
	Bytes    int64 // bytes written for pages
	Duration time.Duration
}

// Result is what Build and Check report.
type Result struct {
	Problems Problems
	Stats    Stats
}

// Build renders cfg.Content into cfg.Out. The site is written to a temporary
// folder beside cfg.Out and renamed into place only when every page rendered
// without errors, so a failed build leaves the previous site untouched.
func Build(cfg config.Build) (Result, error) {
	res, _, err := run(cfg, true)
	return res, err
}

// Check does everything Build does except writing the site.
func Check(cfg config.Build) (Result, error) {
	res, _, err := run(cfg, false)
	return res, err
}

// run does a whole build (or check) and returns the builder, whose state a
// Session keeps for rebuilds.
func run(cfg config.Build, write bool) (Result, *builder, error) {
	start := time.Now()
	var res Result
	if err := cfg.Validate(); err != nil {
		return res, nil, err
	}
	if write {
		if err := safeOut(cfg); err != nil {
			return res, nil, err
		}
	}
	c, probs, err := loadContent(cfg.Content)
	if err != nil {
		return res, nil, err
	}
	res.Problems = probs
	loadProbs := probs
	layouts, err := layout.Load(cfg.Templates, templateFuncs)
	if err != nil {
		return res, nil, err
	}
	b := &builder{cfg: cfg, c: c, layouts: layouts, loadProbs: loadProbs}
	hl := openHighlightCache(cfg.CacheDir)
	b.conv = markup.New(cfg.Markup, markup.WithDemoRenderer(b.renderDemo), markup.WithHighlightCache(hl))
	if cfg.Search {
		b.search = search.New()
	}
	if cfg.Minify {
		b.min = newMinifier()
	}
	if err := b.planFiles(); err != nil {
		return res, nil, err
	}
	if write {
		if b.tree, err = openTree(cfg.Out, cfg.CacheDir); err != nil {
			return res, nil, err
		}
	}
	res.Problems = append(res.Problems, b.probs...)
	// Files that are not pages do not depend on them: they are copied
	// while pages render, which keeps both cores busy to the end.
	copied := make(chan error, 1)
	if write {
		go func() { copied <- b.writeFiles() }()
	} else {
		copied <- nil
	}
	res.Problems = append(res.Problems, b.renderAll()...)
	copyErr := <-copied
	saveHighlightCache(cfg.CacheDir, hl)
	if b.anyMath.Load() {
		// The MathJax mount matters only with math (a missing wasm build is
		// reported on the pages with demos).
		for _, dir := range b.missingAssets {
			if !strings.Contains(filepath.ToSlash(dir), "mathjax") {
				continue
			}
			res.Problems = append(res.Problems, Problem{File: dir, Severity: diag.Warning,
				Msg: "not found, so pages with math will not typeset; run make to install MathJax"})
		}
	}
	if write {
		err = copyErr
		if err == nil {
			err = b.writeRest()
		}
	}
	res.Problems.Sort()
	res.Stats = Stats{Pages: len(c.Pages), Files: len(b.files), Bytes: b.written}
	failed := res.Problems.Errors() > 0 || (cfg.Strict && len(res.Problems) > 0)
	if write {
		if err == nil && !failed {
			b.tree.sums.save() // only a cache: without it the next build reads files back
			err = b.tree.swap()
		}
		if err != nil || failed {
			b.tree.abandon()
		}
	}
	res.Stats.Duration = time.Since(start)
	b.tree = nil
	if err != nil {
		return res, nil, err
	}
	if failed {
		return res, nil, ErrFailed
	}
	return res, b, nil
}

// writeFiles writes everything that does not depend on the pages: the
// content's and theme's files, the marker and the syntax style sheet.
func (b *builder) writeFiles() error {
	b.stats = openStatIndex(b.cfg.CacheDir)
	if err := b.copyFiles(); err != nil {
		return err
	}
	b.stats.save() // only a cache: the next build reads the files again
	if err := b.tree.writeFile(markerFile, []byte(markerText)); err != nil {
		return err
	}
	return b.writeSyntaxCSS()
}

// writeRest writes what the pages produced besides themselves (demo
// fallbacks, the search index), then removes what an older build left
// behind.
func (b *builder) writeRest() error {
	listed := make(chan listing, 1)
	t := b.tree // run clears b.tree when the build ends
	go func() { listed <- t.list() }()
	received := false
	defer func() {
		if !received {
			<-listed // no goroutine outlives the build
		}
	}()
	keep := map[string]bool{markerFile: true}
	for k := range b.outputs {
		keep[k] = true
	}
	fallbacks, err := b.writeDemos()
	if err != nil {
		return err
	}
	for _, k := range fallbacks {
		keep[k] = true
	}
	if b.search != nil {
		index, err := b.writeSearch()
		if err != nil {
			return err
		}
		for _, k := range index {
			keep[k] = true
		}
	}
	l := <-listed
	received = true
	return t.remove(l, keep)
}

// writeSearch writes the search index's shards and docs.json as they are
// (never minified; each page's text files were written as it rendered) and
// returns the names of all the index's files.
func (b *builder) writeSearch() ([]string, error) {
	names, err := b.search.Write(b.tree.writeFile)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	if b.tree.inPlace {
		// A page-only rebuild may leave fewer text pieces for a page.
		keep := make(map[string]bool, len(names))
		for _, rel := range names {
			keep[rel] = true
		}
		for _, rel := range b.searchNames {
			if !keep[rel] {
				os.Remove(filepath.Join(b.tree.dir, filepath.FromSlash(rel)))
			}
		}
	}
	b.searchNames = names
	return names, nil
}

type builder struct {
	cfg     config.Build
	c       *Content
	layouts *layout.Set
	conv    *markup.Converter
	min     *minifier
	tree    *tree // output being built; nil when checking only

	pageProbs     map[*Page]Problems // each page's findings, kept for rebuilds
	loadProbs     Problems           // findings of the content walk
	search        *search.Index      // full-text index of every page
	searchNames   []string           // the index's files, as last written
	files         []*File            // everything copied, after planFiles
	missingAssets []string           // mounts whose folder does not exist
	demos         demoSet            // ```demo blocks in use
	stats         *statIndex         // minify-cache entries by source stat
	anyMath       atomic.Bool
	outputs       map[string]bool // every output path, for the reference check
	probs         Problems

	mu      sync.Mutex
	written int64
}

// planFiles lists every output path before any page renders, so that workers
// can check references against the finished site without waiting.
func (b *builder) planFiles() error {
	b.outputs = map[string]bool{}
	owner := map[string]string{}
	add := func(out, own string, page bool) {
		if prev, ok := owner[out]; ok {
			sev := diag.Warning
			if page {
				sev = diag.Error
			}
			b.probs = append(b.probs, Problem{File: own, Severity: sev,
				Msg: fmt.Sprintf("output %s is also produced by %s; this one wins", out, prev)})
		}
		owner[out] = own
		b.outputs[out] = true
	}
	// Theme files first: the content's own files of the same name win.
	if b.cfg.Static != "" {
		if err := b.addTree(b.cfg.Static, "", nil, false); err != nil {
			return err
		}
	}
	for _, m := range b.cfg.Assets {
		if err := b.addTree(m.Src, m.Dest, m.Include, true); err != nil {
			return err
		}
	}
	byOut := map[string]int{}
	for i, f := range b.files {
		byOut[f.Out] = i
		owner[f.Out] = f.Own
		b.outputs[f.Out] = true
	}
	for _, f := range b.c.Files {
		if i, ok := byOut[f.Out]; ok {
			b.files[i] = f // content overrides the theme, as Hugo does
			continue
		}
		add(f.Out, f.Own, false)
		b.files = append(b.files, f)
	}
	pageOuts := map[string]bool{}
	for _, p := range b.c.Pages {
		add(p.Out, p.File, true)
		pageOuts[p.Out] = true
	}
	// The page wins (the clash is an error anyway); files are copied while
	// pages render, so the two must never write one path.
	b.files = slices.DeleteFunc(b.files, func(f *File) bool { return pageOuts[f.Out] })
	b.outputs[syntaxCSSPath] = true
	return nil
}

// writeSyntaxCSS writes chroma's colours unless the theme ships its own.
func (b *builder) writeSyntaxCSS() error {
	for _, f := range b.files {
		if f.Out == syntaxCSSPath {
			return nil
		}
	}
	css, err := syntaxCSS()
	if err != nil {
		return err
	}
	if b.min != nil {
		if css, err = b.min.file(".css", css); err != nil {
			return err
		}
	}
	return b.tree.writeFile(syntaxCSSPath, css)
}

// addTree adds the files below dir (only those matching include, if given)
// under the output folder dest.
func (b *builder) addTree(dir, dest string, include []string, verbatim bool) error {
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		if verbatim {
			b.missingAssets = append(b.missingAssets, dir)
		}
		return nil
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && hidden(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if hidden(d.Name()) {
			return nil
		}
		if len(include) > 0 && !matchAny(include, rel) {
			return nil
		}
		b.files = append(b.files, &File{Abs: p, Out: path.Join(dest, rel), Own: p, Verbatim: verbatim})
		return nil
	})
}

func matchAny(globs []string, rel string) bool {
	for _, g := range globs {
		if ok, _ := path.Match(g, rel); ok {
			return true
		}
	}
	return false
}

// renderAll renders every page on all workers and returns what they found.
func (b *builder) renderAll() Problems {
	b.pageProbs = b.renderPages(b.c.Pages)
	var probs Problems
	for _, p := range b.c.Pages {
		probs = append(probs, b.pageProbs[p]...)
	}
	return probs
}

// renderPages renders pages on all workers (each owns its buffers) and
// returns each page's problems.
func (b *builder) renderPages(pages []*Page) map[*Page]Problems {
	jobs := make(chan *Page)
	var (
		mu    sync.Mutex
		probs = map[*Page]Problems{}
		wg    sync.WaitGroup
	)
	for range min(b.cfg.NumWorkers(), max(len(pages), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{b: b}
			for p := range jobs {
				pr := w.renderSafe(p)
				mu.Lock()
				probs[p] = pr
				mu.Unlock()
			}
		}()
	}
	// Largest first: a big page started last would leave the other
	// workers idle while it finishes.
	order := slices.Clone(pages)
	slices.SortStableFunc(order, func(a, b *Page) int { return b.size - a.size })
	for _, p := range order {
		jobs <- p
	}
	close(jobs)
	wg.Wait()
	return probs
}

type worker struct {
	b        *builder
	md, page bytes.Buffer
	min      bytes.Buffer
	masked   bytes.Buffer // scratch of minifier.html
	minOut   bytes.Buffer
}

// renderSafe turns a panic in one page into an error for that page, so the
// other pages are still built and reported.
func (w *worker) renderSafe(p *Page) (probs Problems) {
	defer func() {
		if r := recover(); r != nil {
			probs = append(probs, Problem{File: p.File, Severity: diag.Error,
				Msg: fmt.Sprintf("internal error rendering this page (please report): %v\n%s", r, debug.Stack())})
		}
	}()
	return w.render(p)
}

func (w *worker) render(p *Page) Problems {
	b := w.b
	src, err := os.ReadFile(filepath.Join(b.cfg.Content, filepath.FromSlash(p.Src)))
	if err != nil {
		return Problems{{File: p.File, Severity: diag.Error, Msg: err.Error()}}
	}
	var probs Problems
	report := func(off int, sev diag.Severity, msg string) {
		l, c := position(src, off)
		probs = append(probs, Problem{File: p.File, Line: l, Col: c, Severity: sev, Msg: msg})
	}
	if !utf8.Valid(src) {
		report(firstInvalidUTF8(src), diag.Warning, "invalid UTF-8; bad bytes shown as U+FFFD")
		src = bytes.ToValidUTF8(src, []byte("\uFFFD"))
	}
	site := &b.c.Site
	src = liquid(src, site.BaseURL, site.URL, func(off int, expr string) {
		report(off, diag.Warning, fmt.Sprintf("unsupported Liquid %s left as text (only {{ site.baseurl }} and {{ '/path' | relative_url }} are rendered)", expr))
	})
	w.md.Reset()
	res, err := b.conv.Convert(src, &w.md)
	if err != nil {
		return append(probs, Problem{File: p.File, Severity: diag.Error, Msg: err.Error()})
	}
	for _, d := range res.Diags {
		report(d.Offset, d.Severity, d.Msg)
	}
	for _, r := range res.Refs {
		if msg := b.checkRef(p, r); msg != "" {
			report(r.Offset, diag.Warning, msg)
		}
	}
	duplicateIDs(res.Headings, report)
	b.checkDemos(res.Demos, report)
	lay := p.Layout
	if lay == "" {
		lay = layout.Fallback
	} else if !b.layouts.Has(lay) {
		probs = append(probs, Problem{File: p.File, Line: 1, Severity: diag.Warning,
			Msg: fmt.Sprintf("unknown layout %q; using %q (have: %s)", lay, layout.Fallback, strings.Join(b.layouts.Names(), ", "))})
		lay = layout.Fallback
	}
	if b.search != nil {
		if err := w.index(p, site.Title); err != nil {
			return append(probs, Problem{File: p.File, Severity: diag.Error, Msg: err.Error()})
		}
	}
	data := &PageData{
		Site:       site,
		Page:       p,
		Content:    template.HTML(bytesView(w.md.Bytes())),
		HasMath:    res.HasMath,
		HasCode:    res.HasCode,
		HasDemo:    hasLang(res.Demos, "demo"),
		HasGallery: hasLang(res.Demos, "gallery"),
		Headings:   res.Headings,
		Base:       strings.TrimSuffix(joinURL(site.BaseURL, "/"), "/"),
		Courses:    b.c.Courses,
	}
	if res.HasMath {
		data.MathMacros = macros(src)
		b.anyMath.Store(true)
	}
	w.page.Reset()
	if err := b.layouts.Execute(&w.page, lay, data); err != nil {
		return append(probs, Problem{File: p.File, Severity: diag.Error, Msg: "layout: " + err.Error()})
	}
	out := w.page.Bytes()
	if b.min != nil {
		w.min.Reset()
		if err := b.min.html(&w.min, &w.masked, &w.minOut, out); err != nil {
			return append(probs, Problem{File: p.File, Severity: diag.Error, Msg: "minify: " + err.Error()})
		}
		out = w.min.Bytes()
	}
	if b.tree != nil {
		if err := b.tree.writeFile(p.Out, out); err != nil {
			return append(probs, Problem{File: p.File, Severity: diag.Error, Msg: err.Error()})
		}
		b.mu.Lock()
		b.written += int64(len(out))
		b.mu.Unlock()
	}
	return probs
}

// index adds the page just converted (its article HTML is in w.md) to the
// search index and writes its text pieces right away, so they are not kept.
func (w *worker) index(p *Page, siteTitle string) error {
	b := w.b
	title := p.Title
	if title == "" {
		title = siteTitle
	}
	doc := search.Doc{URL: p.URL, Title: title, Text: search.PlainText(w.md.Bytes())}
	if p.Course != nil {
		doc.Course = p.Course.Title()
	}
	b.search.Remove(p.URL) // a rebuild indexes the page again
	texts := b.search.Add(doc)
	if b.tree != nil {
		for _, f := range texts {
			if err := b.tree.writeFile(f.Name, f.Data); err != nil {
				return err
			}
		}
	}
	return nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// duplicateIDs reports heading IDs used twice on one page: links to the
// second heading land on the first.
func duplicateIDs(hs []markup.Heading, report func(int, diag.Severity, string)) {
	seen := map[string]bool{}
	for _, h := range hs {
		if h.ID == "" {
			continue
		}
		if seen[h.ID] {
			report(h.Offset, diag.Warning, fmt.Sprintf("duplicate heading id %q", h.ID))
		}
		seen[h.ID] = true
	}
}

// bytesView is b as a string without a copy (a page's article is most of
// its bytes, and copying it was 2% of a build). b must not change while the
// string is in use: w.md is written again only for the next page, after the
// layout has run.
func bytesView(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
