package fnlabel_test

import (
	"bytes"
	"sort"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
	xhtml "golang.org/x/net/html"

	"github.com/kogi-course/kogi/gen/internal/corpustest"
	"github.com/kogi-course/kogi/gen/markup/fnlabel"
)

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
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote, fnlabel.Extension),
		goldmark.WithRendererOptions(html.WithXHTML(), html.WithUnsafe()),
	)
	var pages, withNotes, refTotal, hit, extra, refNumbers, numbersHit int
	for _, p := range corpustest.Pages(t) {
		var out bytes.Buffer
		if err := md.Convert(p.Body, &out); err != nil {
			t.Fatalf("%s: %v", p.Rel, err)
		}
		ours, err := xhtml.Parse(&out)
		if err != nil {
			t.Fatalf("%s: %v", p.Rel, err)
		}
		pages++
		ref := anchors(corpustest.JekyllHome(t, p.Jekyll))
		got := anchors(ours)
		if len(ref.names) > 0 {
			withNotes++
		}
		for _, k := range sortedKeys(ref.names) {
			refTotal += ref.names[k]
			hit += min(ref.names[k], got.names[k])
			if got.names[k] < ref.names[k] {
				t.Errorf("%s: %s: Jekyll has %d, got %d", p.Rel, k, ref.names[k], got.names[k])
			}
		}
		onlyOurs := 0
		for _, k := range sortedKeys(got.names) {
			if got.names[k] > ref.names[k] {
				onlyOurs += got.names[k] - ref.names[k]
				t.Logf("%s: %s only in goldmark's output (%d)", p.Rel, k, got.names[k]-ref.names[k])
			}
		}
		extra += onlyOurs
		if !isSubsequence(ref.order, got.order) {
			t.Errorf("%s: notes listed as %q, Jekyll lists %q", p.Rel, got.order, ref.order)
		}
		// A note only goldmark renders shifts the numbers after it, so
		// the numbers shown can only be compared on pages without one.
		for _, k := range sortedKeys(ref.numbers) {
			refNumbers += ref.numbers[k]
			if got.numbers[k] >= ref.numbers[k] {
				numbersHit += ref.numbers[k]
			} else if onlyOurs == 0 {
				t.Errorf("%s: %s: Jekyll has %d, got %d", p.Rel, k, ref.numbers[k], got.numbers[k])
			} else {
				t.Logf("%s: %s differs, after a note that only goldmark renders", p.Rel, k)
			}
		}
	}
	if pages == 0 {
		t.Fatal("no corpus pages found")
	}
	t.Logf("%d pages, %d with footnotes in Jekyll's output: %d of Jekyll's %d footnote ids and hrefs matched, %d more only in goldmark's output; %d of %d reference numbers matched",
		pages, withNotes, hit, refTotal, extra, numbersHit, refNumbers)
}

// pageNotes is what a page shows of its footnotes.
type pageNotes struct {
	names   map[string]int // "href=#fn:x", "href=#fnref:x:1", "id=fn:x", "id=fnref:x"
	numbers map[string]int // "#fn:x shows N", for each reference
	order   []string       // ids of the listed notes
}

// anchors reads the footnotes under root: our whole page, or Jekyll's
// article body.
func anchors(root *xhtml.Node) pageNotes {
	p := pageNotes{names: map[string]int{}, numbers: map[string]int{}}
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			id := corpustest.Attr(n, "id")
			if strings.HasPrefix(id, "fn:") || strings.HasPrefix(id, "fnref:") {
				p.names["id="+id]++
			}
			if n.Data == "li" && strings.HasPrefix(id, "fn:") {
				p.order = append(p.order, id)
			}
			if h := corpustest.Attr(n, "href"); n.Data == "a" && (strings.HasPrefix(h, "#fn:") || strings.HasPrefix(h, "#fnref:")) {
				p.names["href="+h]++
				if corpustest.HasClass(n, "footnote") {
					p.numbers[h+" shows "+corpustest.Text(n)]++
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
