package site

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"gopkg.in/yaml.v3"

	"github.com/kogi-course/kogi/gen/config"
	"github.com/kogi-course/kogi/gen/markup"
	"github.com/kogi-course/kogi/gen/markup/diag"
)

// Page is one Markdown file with front matter.
type Page struct {
	Src  string // path within the content folder, slash-separated
	File string // path for messages: the content flag joined with Src
	URL  string // site path with pretty URLs: /a/b/ for a/b.md, /a/ for a/index.md
	Out  string // output file, slash-separated: a/b/index.html
	FrontMatter

	// Set by linkCourses for pages inside a course folder.
	Course     *Course
	Prev, Next *Page
	Number     int // position among the course's lectures, from 1

	size int // of the source, to hand out the largest pages first
}

// No is the lecture's number: its lecture: front matter, else its position
// in the course.
func (p *Page) No() int {
	if p.Lecture > 0 {
		return p.Lecture
	}
	return p.Number
}

// File is copied to the output unchanged (or minified).
type File struct {
	Abs string // where to read it
	Out string // output path, slash-separated
	Own string // path for messages
	// Verbatim files are never minified: vendored assets such as MathJax
	// ship minified already, and re-minifying costs more than the page work.
	Verbatim bool
}

// Content is what a walk of the content folder found.
type Content struct {
	Site    config.Site
	Exclude []string
	Pages   []*Page
	Files   []*File
	Courses []*Course
}

// siteConfig is _config.yml as far as Kogi reads it.
type siteConfig struct {
	config.Site `yaml:",inline"`
	Exclude     []string `yaml:"exclude"`
}

func parseSiteConfig(b []byte) (sc siteConfig, warns []lineMsg, line int, err error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		if m := reYAMLLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		return sc, nil, line, errors.New(trimYAMLErr(err))
	}
	if len(doc.Content) == 0 {
		return sc, nil, 0, nil
	}
	warns = dedupeKeys(doc.Content[0])
	if err := doc.Content[0].Decode(&sc); err != nil {
		return sc, warns, doc.Content[0].Line, errors.New(trimYAMLErr(err))
	}
	return sc, warns, 0, nil
}

// loadContent walks root. It reads only front matter; bodies are read again
// when rendering so that a 2,000-page site never sits in memory at once.
func loadContent(root string) (*Content, Problems, error) {
	c := &Content{}
	var probs Problems
	cfgPath := filepath.Join(root, "_config.yml")
	if b, err := os.ReadFile(cfgPath); err == nil {
		sc, warns, line, err := parseSiteConfig(b)
		for _, w := range warns {
			probs = append(probs, Problem{File: cfgPath, Line: w.line, Severity: diag.Warning, Msg: w.msg})
		}
		if err != nil {
			probs = append(probs, Problem{File: cfgPath, Line: line, Severity: diag.Error, Msg: err.Error()})
		} else {
			c.Site = sc.Site
			c.Exclude = sc.Exclude
		}
	} else if !os.IsNotExist(err) {
		return nil, nil, err
	}
	st, err := os.Stat(root)
	if err != nil {
		return nil, nil, err
	}
	if !st.IsDir() {
		return nil, nil, fmt.Errorf("%s: not a folder", root)
	}
	var files []*File // everything, in walk order
	var mds []int     // the .md files among them
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if hidden(path.Base(rel)) || c.excluded(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		f := &File{Abs: p, Out: rel, Own: filepath.Join(root, rel)}
		if strings.HasSuffix(rel, ".md") {
			mds = append(mds, len(files))
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	// Reading the pages' front matter was a twentieth of a 2,000-page
	// build, all on one core: read them on all of them.
	type read struct {
		pg    *Page
		probs Problems
		err   error
	}
	reads := make([]read, len(mds))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(mds), 1)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(mds); i = int(next.Add(1) - 1) {
				r := &reads[i]
				r.pg, r.probs, r.err = readPage(root, files[mds[i]].Out)
			}
		})
	}
	wg.Wait()
	isPage := make(map[int]bool, len(mds))
	for i, r := range reads {
		if r.err != nil {
			return nil, nil, r.err
		}
		probs = append(probs, r.probs...)
		if r.pg != nil {
			c.Pages = append(c.Pages, r.pg)
			isPage[mds[i]] = true
		}
	}
	for i, f := range files {
		if !isPage[i] {
			c.Files = append(c.Files, f)
		}
	}
	sort.Slice(c.Pages, func(i, j int) bool { return c.Pages[i].Src < c.Pages[j].Src })
	c.Courses = linkCourses(c.Pages)
	return c, probs, nil
}

// hidden names are not published, as in Jekyll: _layouts, .git, drafts.
func hidden(name string) bool {
	return strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") ||
		strings.HasPrefix(name, "#") || strings.HasSuffix(name, "~")
}

func (c *Content) excluded(rel string) bool {
	for _, e := range c.Exclude {
		e = strings.Trim(e, "/")
		if rel == e || strings.HasPrefix(rel, e+"/") {
			return true
		}
		if ok, _ := path.Match(e, rel); ok {
			return true
		}
	}
	return false
}

// readPage decides whether rel is a page. A page without front matter is
// copied as is, as Jekyll does, and reported so the author knows why it has
// no layout.
func readPage(root, rel string) (*Page, Problems, error) {
	file := filepath.Join(root, filepath.FromSlash(rel))
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, err
	}
	y, _, ok := markup.SplitFrontMatter(src)
	if !ok {
		msg := "no front matter; copied as is (add a --- block to make it a page)"
		if bytes.IndexByte(src[:min(len(src), 8000)], 0) >= 0 {
			msg = "binary file named .md; copied as is"
		}
		return nil, Problems{{File: file, Line: 1, Severity: diag.Warning, Msg: msg}}, nil
	}
	fm, line, err := parseFrontMatter(y)
	var probs Problems
	if err != nil {
		// The YAML starts on line 2, after the opening ---.
		l := 0
		if line > 0 {
			l = line + 1
		}
		probs = append(probs, Problem{File: file, Line: l, Severity: diag.Error, Msg: err.Error()})
	}
	pg := &Page{Src: rel, File: file, FrontMatter: fm, size: len(src)}
	pg.URL, pg.Out = prettyURL(rel)
	return pg, probs, nil
}

// prettyURL maps a/b.md to /a/b/ (a/b/index.html) and a/index.md to /a/
// (a/index.html), like Jekyll's permalink: pretty.
func prettyURL(rel string) (url, out string) {
	p := strings.TrimSuffix(rel, ".md")
	if path.Base(p) == "index" {
		dir := path.Dir(p)
		if dir == "." {
			return "/", "index.html"
		}
		return "/" + dir + "/", dir + "/index.html"
	}
	return "/" + p + "/", p + "/index.html"
}
