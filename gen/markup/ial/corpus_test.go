package ial_test

import (
	"bytes"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	xhtml "golang.org/x/net/html"

	"github.com/kogi-course/kogi/gen/markup/diag"
	"github.com/kogi-course/kogi/gen/markup/ial"
)

// sharedDir finds ../shared beside the repository root (the directory with
// go.mod). It skips the test when shared/ is absent, except under CI, where
// a missing corpus must not turn into a silent pass.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
	shared := filepath.Join(dir, "..", "shared")
	if _, err := os.Stat(filepath.Join(shared, "corpus-jekyll")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but the corpus is missing: %v", err)
		}
		t.Skipf("corpus not found at %s (it is ../shared from the repository root); skipping", shared)
	}
	return shared
}

// corpusPage is one Markdown page that Jekyll rendered.
type corpusPage struct {
	rel    string // e.g. 2025ai/index.md
	src    []byte // Markdown without front matter, as goldmark gets it
	jekyll string // Jekyll's output file
	url    string // the page's site path, for resolving relative links
}

// reRelativeURL is the only Liquid the pages use ({{ '/x' | relative_url }}
// with baseurl ""); site/ expands Liquid before Markdown, so the test does too.
var reRelativeURL = regexp.MustCompile(`\{\{\s*'([^']*)'\s*\|\s*relative_url\s*\}\}`)

func corpusPages(t *testing.T, shared string) []corpusPage {
	var pages []corpusPage
	for _, dir := range []string{"2024ai", "2025ai"} {
		files, err := filepath.Glob(filepath.Join(shared, "corpus", dir, "*.md"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.TrimSuffix(filepath.Base(f), ".md")
			if !bytes.HasPrefix(b, []byte("---")) || strings.HasPrefix(name, "_") {
				continue // Jekyll copies pages without front matter verbatim
			}
			u := path.Join(dir, name) + "/"
			if name == "index" {
				u = dir + "/"
			}
			jekyll := filepath.Join(shared, "corpus-jekyll", filepath.FromSlash(u), "index.html")
			if _, err := os.Stat(jekyll); err != nil {
				t.Errorf("%s: no Jekyll output at %s", f, jekyll)
				continue
			}
			pages = append(pages, corpusPage{
				rel: dir + "/" + name + ".md", src: stripFrontMatter(b), jekyll: jekyll, url: "/" + u,
			})
		}
	}
	if len(pages) == 0 {
		t.Fatal("no corpus pages found")
	}
	return pages
}

func stripFrontMatter(b []byte) []byte {
	if i := bytes.Index(b[3:], []byte("\n---")); i >= 0 {
		rest := b[3+i+4:]
		if j := bytes.IndexByte(rest, '\n'); j >= 0 {
			rest = rest[j+1:]
		}
		b = rest
	}
	return reRelativeURL.ReplaceAll(b, []byte("$1"))
}

// TestCorpus renders every corpus page with goldmark, GFM and this extension
// and compares with Jekyll's HTML: no attribute list may show as text where
// Jekyll shows none, and the links' (href, target) pairs must agree.
func TestCorpus(t *testing.T) {
	shared := sharedDir(t)
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM, ial.Extension),
		goldmark.WithRendererOptions(html.WithUnsafe(), html.WithXHTML()),
	)
	var refTotal, gotTotal, hit, targetRef, targetHit, nDiag, nBlock int
	for _, p := range corpusPages(t, shared) {
		pc := parser.NewContext()
		var out bytes.Buffer
		if err := md.Convert(p.src, &out, parser.WithContext(pc)); err != nil {
			t.Fatalf("%s: %v", p.rel, err)
		}
		jekyllHTML, err := os.ReadFile(p.jekyll)
		if err != nil {
			t.Fatal(err)
		}
		got := features(t, p.rel, bytes.NewReader(out.Bytes()), p.url, false)
		ref := features(t, p.jekyll, bytes.NewReader(jekyllHTML), p.url, true)

		if got.leaks > ref.leaks {
			t.Errorf("%s: %d attribute lists left as text, Jekyll has %d: %q", p.rel, got.leaks, ref.leaks, got.leakSamples)
		}
		// A link with a target comes from an IAL (or raw HTML); each must
		// match, in both directions. The exception is a link whose Markdown
		// the other side did not parse at all (its "](url)" is in that side's
		// HTML verbatim): kramdown keeps Markdown inside a <div> block raw and
		// reads an unclosed "<!--" in a list as text, where CommonMark does the
		// opposite. That is HTML block handling, outside this package.
		for k, c := range ref.links {
			refTotal += c
			hit += min(c, got.links[k])
			if strings.HasSuffix(k, " target=") {
				continue
			}
			targetRef += c
			targetHit += min(c, got.links[k])
			if got.links[k] < c {
				if raw, ok := ref.hrefs[k]; ok && bytes.Contains(out.Bytes(), []byte("]("+raw+")")) {
					nBlock++
					t.Logf("%s: %q is not a link in goldmark's HTML block; Jekyll has it", p.rel, k)
					continue
				}
				t.Errorf("%s: link %q: Jekyll has %d, got %d", p.rel, k, c, got.links[k])
			}
		}
		for k, c := range got.links {
			gotTotal += c
			if strings.HasSuffix(k, " target=") || ref.links[k] >= c {
				continue
			}
			if raw, ok := got.hrefs[k]; ok && bytes.Contains(jekyllHTML, []byte("]("+raw+")")) {
				nBlock++
				t.Logf("%s: %q is raw Markdown in Jekyll's HTML block; goldmark makes it a link", p.rel, k)
				continue
			}
			t.Errorf("%s: link %q: got %d, Jekyll has %d", p.rel, k, c, ref.links[k])
		}
		for _, d := range diag.List(pc) {
			nDiag++
			if d.Offset < 0 || d.Offset >= len(p.src) || p.src[d.Offset] != '{' {
				t.Errorf("%s: diagnostic offset %d does not point at '{': %s", p.rel, d.Offset, d.Msg)
				continue
			}
			line := 1 + bytes.Count(p.src[:d.Offset], []byte("\n"))
			t.Logf("%s: line %d after front matter: %s: %s", p.rel, line, d.Severity, d.Msg)
		}
	}
	t.Logf("links (href, target) matched: %d of Jekyll's %d (%.2f%%), %d rendered", hit, refTotal, 100*float64(hit)/float64(refTotal), gotTotal)
	t.Logf("links with a target matched: %d of Jekyll's %d (%.2f%%); %d differ by HTML block handling; %d diagnostics",
		targetHit, targetRef, 100*float64(targetHit)/float64(targetRef), nBlock, nDiag)
}

type pageFeatures struct {
	links       map[string]int    // normalized href + " target=" + target
	hrefs       map[string]string // links' key -> href as written
	leaks       int
	leakSamples []string
}

// Patterns from shared/tools/compat, the project's scoring tool: math is
// removed before looking for leaks, so TeX such as \text{: ...} in a $$ block
// is not counted.
var (
	reDisplay = regexp.MustCompile(`(?s)\\\[(.+?)\\\]|\$\$(.+?)\$\$`)
	reInline  = regexp.MustCompile(`\\\((.+?)\\\)|\$([^$\n]+?)\$`)
	reLeak    = regexp.MustCompile(`\{:[^}]*\}`)
)

func features(t *testing.T, name string, r io.Reader, pageURL string, isJekyll bool) pageFeatures {
	t.Helper()
	doc, err := xhtml.Parse(r)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	root := doc
	if isJekyll {
		if root = findHome(doc); root == nil {
			t.Fatalf("%s: no <div class=\"home\">", name)
		}
	}
	ft := pageFeatures{links: map[string]int{}, hrefs: map[string]string{}}
	var text strings.Builder
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			switch n.Data {
			case "script", "style":
				return
			case "h1":
				if isJekyll && attr(n, "class") == "page-heading" {
					return // the layout's title, not the page body
				}
			case "a":
				if h := attr(n, "href"); h != "" {
					k := normURL(pageURL, h) + " target=" + attr(n, "target")
					ft.links[k]++
					ft.hrefs[k] = h
				}
			}
		}
		if n.Type == xhtml.TextNode {
			text.WriteString(n.Data)
		}
		block := n.Type == xhtml.ElementNode && blockish[n.Data]
		if block {
			text.WriteString("\n\n")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			text.WriteString("\n\n")
		}
	}
	walk(root)
	s := reDisplay.ReplaceAllString(text.String(), " ")
	s = reInline.ReplaceAllString(s, " ")
	for _, line := range strings.Split(s, "\n") {
		if l := reLeak.FindString(line); l != "" {
			ft.leaks++
			ft.leakSamples = append(ft.leakSamples, l)
		}
	}
	return ft
}

var blockish = map[string]bool{}

func init() {
	for _, tag := range strings.Fields("p div li ul ol h1 h2 h3 h4 h5 h6 table tr td th blockquote center br section article") {
		blockish[tag] = true
	}
}

func findHome(n *xhtml.Node) *xhtml.Node {
	if n.Type == xhtml.ElementNode && n.Data == "div" && attr(n, "class") == "home" {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if r := findHome(c); r != nil {
			return r
		}
	}
	return nil
}

func attr(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// normURL makes hrefs comparable the way shared/tools/compat does: relative
// paths are resolved against the page, trailing "/", "/index.html" and
// ".html" are dropped, and percent-escapes are decoded (goldmark escapes
// non-ASCII URLs, kramdown does not).
func normURL(page, h string) string {
	h = strings.TrimSpace(h)
	u, err := url.Parse(h)
	if err != nil {
		// e.g. a quoted URL, ("https://..."), which kramdown writes with
		// &quot; and goldmark percent-escapes.
		if d, err := url.PathUnescape(h); err == nil {
			return d
		}
		return h
	}
	if u.Scheme == "" && u.Host == "" && u.Path != "" && !strings.HasPrefix(u.Path, "/") {
		u.Path = path.Join(page, u.Path)
	}
	p := strings.TrimSuffix(u.Path, "/")
	p = strings.TrimSuffix(p, "/index.html")
	u.Path = strings.TrimSuffix(p, ".html")
	s := u.String()
	if d, err := url.PathUnescape(s); err == nil {
		s = d
	}
	return s
}
