package fnlabel_test

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
	xhtml "golang.org/x/net/html"

	"github.com/kogi-course/kogi/gen/markup/fnlabel"
)

// sharedDir is ../shared beside the repository root (the directory with
// go.mod). Without it the test is skipped, so that `make test` passes
// anywhere, except under CI, where a missing corpus must fail loudly
// rather than pass by skipping.
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
		t.Skipf("corpus not found at %s (../shared from the repository root); skipping", shared)
	}
	return shared
}

// TestCorpus renders every corpus page that Jekyll built and checks that
// every footnote anchor of Jekyll's page body (<div class="home">) is in
// ours: each href="#fn:…" and "#fnref:…", each id="fn:…" and "fnref:…",
// the order of the notes, and the number each reference shows.
//
// Notes only goldmark renders are logged, not failed; they come from
// parsing, outside this package. kramdown copies Markdown inside an HTML
// block verbatim (2025ai/2025ai_lect19.md: [^seaslang] inside a <div>), and
// kramdown-parser-gfm reads a definition line with a "|" in it as a table
// row (2024ai/2024ai_lect16.md: [^karpathy], whose text has
// "[science|mathematics|data]"), leaving the reference as text.
func TestCorpus(t *testing.T) {
	shared := sharedDir(t)
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote, fnlabel.Extension),
		goldmark.WithRendererOptions(html.WithXHTML(), html.WithUnsafe()),
	)
	var pages, withNotes, refTotal, hit, extra, refNumbers, numbersHit int
	for _, dir := range []string{"2024ai", "2025ai"} {
		files, err := filepath.Glob(filepath.Join(shared, "corpus", dir, "*.md"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.TrimSuffix(filepath.Base(f), ".md")
			if !bytes.HasPrefix(src, []byte("---")) || strings.HasPrefix(name, "_") {
				continue // Jekyll copies pages without front matter verbatim
			}
			u := path.Join(dir, name)
			if name == "index" {
				u = dir
			}
			jekyllHTML, err := os.ReadFile(filepath.Join(shared, "corpus-jekyll", filepath.FromSlash(u), "index.html"))
			if err != nil {
				t.Errorf("%s: no Jekyll output: %v", f, err)
				continue
			}
			var out bytes.Buffer
			if err := md.Convert(stripFrontMatter(src), &out); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			pages++
			rel := dir + "/" + name + ".md"
			ref := anchors(t, rel+" (Jekyll)", jekyllHTML, true)
			got := anchors(t, rel, out.Bytes(), false)
			if len(ref.names) > 0 {
				withNotes++
			}
			for _, k := range sortedKeys(ref.names) {
				refTotal += ref.names[k]
				hit += min(ref.names[k], got.names[k])
				if got.names[k] < ref.names[k] {
					t.Errorf("%s: %s: Jekyll has %d, got %d", rel, k, ref.names[k], got.names[k])
				}
			}
			onlyOurs := 0
			for _, k := range sortedKeys(got.names) {
				if got.names[k] > ref.names[k] {
					onlyOurs += got.names[k] - ref.names[k]
					t.Logf("%s: %s only in goldmark's output (%d)", rel, k, got.names[k]-ref.names[k])
				}
			}
			extra += onlyOurs
			if !isSubsequence(ref.order, got.order) {
				t.Errorf("%s: notes listed as %q, Jekyll lists %q", rel, got.order, ref.order)
			}
			// A note only goldmark renders shifts the numbers after it, so
			// the numbers shown can only be compared on pages without one.
			for _, k := range sortedKeys(ref.numbers) {
				refNumbers += ref.numbers[k]
				if got.numbers[k] >= ref.numbers[k] {
					numbersHit += ref.numbers[k]
				} else if onlyOurs == 0 {
					t.Errorf("%s: %s: Jekyll has %d, got %d", rel, k, ref.numbers[k], got.numbers[k])
				} else {
					t.Logf("%s: %s differs, after a note that only goldmark renders", rel, k)
				}
			}
		}
	}
	if pages == 0 {
		t.Fatal("no corpus pages found")
	}
	t.Logf("%d pages, %d with footnotes in Jekyll's output: %d of Jekyll's %d footnote ids and hrefs matched, %d more only in goldmark's output; %d of %d reference numbers matched",
		pages, withNotes, hit, refTotal, extra, numbersHit, refNumbers)
}

func stripFrontMatter(b []byte) []byte {
	i := bytes.Index(b[3:], []byte("\n---"))
	if i < 0 {
		return b
	}
	rest := b[3+i+4:]
	if j := bytes.IndexByte(rest, '\n'); j >= 0 {
		return rest[j+1:]
	}
	return nil
}

// pageNotes is what a page shows of its footnotes.
type pageNotes struct {
	names   map[string]int // "href=#fn:x", "href=#fnref:x:1", "id=fn:x", "id=fnref:x"
	numbers map[string]int // "#fn:x shows N", for each reference
	order   []string       // ids of the listed notes
}

// anchors reads the footnotes of a page; of Jekyll's page only the body,
// <div class="home">.
func anchors(t *testing.T, name string, page []byte, isJekyll bool) pageNotes {
	t.Helper()
	doc, err := xhtml.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	root := doc
	if isJekyll {
		if root = find(doc, func(n *xhtml.Node) bool { return hasClass(n, "home") }); root == nil {
			t.Fatalf("%s: no <div class=\"home\">", name)
		}
	}
	p := pageNotes{names: map[string]int{}, numbers: map[string]int{}}
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			id := attr(n, "id")
			if strings.HasPrefix(id, "fn:") || strings.HasPrefix(id, "fnref:") {
				p.names["id="+id]++
			}
			if n.Data == "li" && strings.HasPrefix(id, "fn:") {
				p.order = append(p.order, id)
			}
			if h := attr(n, "href"); n.Data == "a" && (strings.HasPrefix(h, "#fn:") || strings.HasPrefix(h, "#fnref:")) {
				p.names["href="+h]++
				if hasClass(n, "footnote") {
					p.numbers[h+" shows "+text(n)]++
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return p
}

// isSubsequence reports whether sub appears in s in the same order.
func isSubsequence(sub, s []string) bool {
	i := 0
	for _, x := range s {
		if i < len(sub) && x == sub[i] {
			i++
		}
	}
	return i == len(sub)
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func find(n *xhtml.Node, ok func(*xhtml.Node) bool) *xhtml.Node {
	if ok(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if r := find(c, ok); r != nil {
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

func hasClass(n *xhtml.Node, class string) bool {
	return n.Type == xhtml.ElementNode && slices.Contains(strings.Fields(attr(n, "class")), class)
}

func text(n *xhtml.Node) string {
	var b strings.Builder
	var w func(*xhtml.Node)
	w = func(n *xhtml.Node) {
		if n.Type == xhtml.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w(c)
		}
	}
	w(n)
	return b.String()
}
