package ial_test

import (
	"bytes"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	xhtml "golang.org/x/net/html"

	"github.com/kogi-course/kogi/gen/internal/corpustest"
	"github.com/kogi-course/kogi/gen/markup/diag"
	"github.com/kogi-course/kogi/gen/markup/ial"
)

// reRelativeURL is the only Liquid the pages use ({{ '/x' | relative_url }}
// with baseurl ""); site/ expands Liquid before Markdown, so the test does too.
var reRelativeURL = regexp.MustCompile(`\{\{\s*'([^']*)'\s*\|\s*relative_url\s*\}\}`)

// TestCorpus renders every corpus page with goldmark, GFM and this extension
// and compares with Jekyll's HTML: no attribute list may show as text where
// Jekyll shows none, and the links' (href, target) pairs must agree.
func TestCorpus(t *testing.T) {
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM, ial.Extension),
		goldmark.WithRendererOptions(html.WithUnsafe(), html.WithXHTML()),
	)
	var refTotal, gotTotal, hit, targetRef, targetHit, nDiag, nBlock int
	for _, p := range corpustest.Pages(t) {
		src := reRelativeURL.ReplaceAll(p.Body, []byte("$1"))
		pc := parser.NewContext()
		var out bytes.Buffer
		if err := md.Convert(src, &out, parser.WithContext(pc)); err != nil {
			t.Fatalf("%s: %v", p.Rel, err)
		}
		jekyllHTML, err := os.ReadFile(p.Jekyll)
		if err != nil {
			t.Fatal(err)
		}
		ours, err := xhtml.Parse(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("%s: %v", p.Rel, err)
		}
		got := features(ours, p.URL, false)
		ref := features(corpustest.JekyllHome(t, p.Jekyll), p.URL, true)

		if got.leaks > ref.leaks {
			t.Errorf("%s: %d attribute lists left as text, Jekyll has %d: %q", p.Rel, got.leaks, ref.leaks, got.leakSamples)
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
					t.Logf("%s: %q is not a link in goldmark's HTML block; Jekyll has it", p.Rel, k)
					continue
				}
				t.Errorf("%s: link %q: Jekyll has %d, got %d", p.Rel, k, c, got.links[k])
			}
		}
		for k, c := range got.links {
			gotTotal += c
			if strings.HasSuffix(k, " target=") || ref.links[k] >= c {
				continue
			}
			if raw, ok := got.hrefs[k]; ok && bytes.Contains(jekyllHTML, []byte("]("+raw+")")) {
				nBlock++
				t.Logf("%s: %q is raw Markdown in Jekyll's HTML block; goldmark makes it a link", p.Rel, k)
				continue
			}
			t.Errorf("%s: link %q: got %d, Jekyll has %d", p.Rel, k, c, ref.links[k])
		}
		for _, d := range diag.List(pc) {
			nDiag++
			if d.Offset < 0 || d.Offset >= len(src) || src[d.Offset] != '{' {
				t.Errorf("%s: diagnostic offset %d does not point at '{': %s", p.Rel, d.Offset, d.Msg)
				continue
			}
			line := 1 + bytes.Count(src[:d.Offset], []byte("\n"))
			t.Logf("%s: line %d after front matter: %s: %s", p.Rel, line, d.Severity, d.Msg)
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

// features reads the links and leaked attribute lists under root: our
// whole page, or Jekyll's article body.
func features(root *xhtml.Node, pageURL string, isJekyll bool) pageFeatures {
	ft := pageFeatures{links: map[string]int{}, hrefs: map[string]string{}}
	var text strings.Builder
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			switch n.Data {
			case "script", "style":
				return
			case "h1":
				if isJekyll && corpustest.Attr(n, "class") == "page-heading" {
					return // the layout's title, not the page body
				}
			case "a":
				if h := corpustest.Attr(n, "href"); h != "" {
					k := normURL(pageURL, h) + " target=" + corpustest.Attr(n, "target")
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
