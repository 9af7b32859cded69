package headingid

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"golang.org/x/net/html"

	"github.com/kogi-course/kogi/gen/internal/corpustest"
)

// TestCorpus compares the IDs goldmark gives each heading of every corpus
// page, using New, with the ids of the h1–h6 in Jekyll's HTML for the page.
// Both lists are extracted here; none is written by hand.
//
// A heading line that Jekyll's page still contains as a line of text was
// not a heading to kramdown at all: these are headings inside a <div> HTML
// block, which kramdown (parse_block_html off) copies verbatim while
// goldmark ends the HTML block at the blank line before the heading. That
// is a block-parsing difference for gen/markup, not an ID one, so it is
// logged and counted but does not fail this test.
//
// It runs with and without goldmark's heading attributes, which change what
// goldmark passes to Generate (a trailing {…} is cut off first); the IDs
// must come out the same either way.
func TestCorpus(t *testing.T) {
	corpus := corpustest.Pages(t)
	for _, attr := range []bool{false, true} {
		t.Run(fmt.Sprintf("HeadingAttribute=%v", attr), func(t *testing.T) {
			var pages, total, matched, raw int
			for _, p := range corpus {
				page, err := os.ReadFile(p.Jekyll)
				if err != nil {
					t.Errorf("%s: no Jekyll output: %v", p.Rel, err)
					continue
				}
				got := goldmarkHeadings(p.Body, attr)
				want := jekyllIDs(corpustest.JekyllHome(t, p.Jekyll))
				pages++
				ids := make([]string, len(got))
				for i, h := range got {
					ids[i] = h.id
				}
				n, diffs := compareIDs(ids, want)
				total += len(want)
				matched += n
				for _, d := range diffs {
					switch {
					case d.w < 0 && bytes.Contains(page, []byte("\n"+got[d.g].line+"\n")):
						raw++
						t.Logf("%s: %q is raw text in Jekyll's page, not a heading", p.Rel, got[d.g].line)
					case d.w < 0:
						t.Errorf("%s: %q: heading #%s is not in Jekyll's page", p.Rel, got[d.g].line, got[d.g].id)
					case d.g < 0:
						t.Errorf("%s: heading #%s is only in Jekyll's page", p.Rel, want[d.w])
					default:
						t.Errorf("%s: %q: id %q, Jekyll has %q", p.Rel, got[d.g].line, got[d.g].id, want[d.w])
					}
				}
			}
			if total == 0 {
				t.Fatal("no headings found in the corpus")
			}
			t.Logf("%d pages: %d of Jekyll's %d headings match (%.1f%%); %d goldmark headings are raw text to kramdown",
				pages, matched, total, 100*float64(matched)/float64(total), raw)
		})
	}
}

// heading is a heading goldmark found: its id and its source line.
type heading struct{ id, line string }

// goldmarkHeadings parses src with New and returns its headings in order.
func goldmarkHeadings(src []byte, attr bool) []heading {
	opts := []parser.Option{parser.WithAutoHeadingID()}
	if attr {
		opts = append(opts, parser.WithHeadingAttribute())
	}
	md := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithParserOptions(opts...))
	doc := md.Parser().Parse(text.NewReader(src), parser.WithContext(parser.NewContext(parser.WithIDs(New()))))
	var hs []heading
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			id, _ := h.AttributeString("id")
			b, _ := id.([]byte)
			var line string
			if h.Lines().Len() > 0 {
				line = lineAt(src, h.Lines().At(0).Start)
			}
			hs = append(hs, heading{string(b), line})
		}
		return ast.WalkContinue, nil
	})
	return hs
}

// lineAt returns the line of src that contains offset i.
func lineAt(src []byte, i int) string {
	start := bytes.LastIndexByte(src[:i], '\n') + 1
	end := bytes.IndexByte(src[i:], '\n')
	if end < 0 {
		end = len(src) - i
	}
	return strings.TrimRight(string(src[start:i+end]), "\r")
}

// jekyllIDs returns the id of every h1–h6 in the page's article body,
// without the title the layout adds as <h1 class="page-heading">. A heading
// without an id gives "".
func jekyllIDs(body *html.Node) []string {
	var ids []string
	for n := range body.Descendants() {
		if n.Type != html.ElementNode || len(n.Data) != 2 || n.Data[0] != 'h' || n.Data[1] < '1' || n.Data[1] > '6' {
			continue
		}
		if !corpustest.HasClass(n, "page-heading") {
			ids = append(ids, corpustest.Attr(n, "id"))
		}
	}
	return ids
}

// diff is one difference between the two lists: got[g] against want[w], or
// a heading only one side has (the other index is -1).
type diff struct{ g, w int }

// compareIDs aligns got with want on their longest common subsequence and
// returns how many of want matched, and the differences. Where both sides
// have headings between two matches, they are paired up in order.
func compareIDs(got, want []string) (int, []diff) {
	// lcs[i][j] is the LCS length of got[i:] and want[j:].
	lcs := make([][]int, len(got)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(want)+1)
	}
	for i := len(got) - 1; i >= 0; i-- {
		for j := len(want) - 1; j >= 0; j-- {
			if got[i] == want[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var diffs []diff
	var extra, missing []int
	flush := func() {
		for k := 0; k < len(extra) || k < len(missing); k++ {
			d := diff{-1, -1}
			if k < len(extra) {
				d.g = extra[k]
			}
			if k < len(missing) {
				d.w = missing[k]
			}
			diffs = append(diffs, d)
		}
		extra, missing = extra[:0], missing[:0]
	}
	i, j := 0, 0
	for i < len(got) || j < len(want) {
		switch {
		case i < len(got) && j < len(want) && got[i] == want[j]:
			flush()
			i, j = i+1, j+1
		case j == len(want) || i < len(got) && lcs[i+1][j] >= lcs[i][j+1]:
			extra = append(extra, i)
			i++
		default:
			missing = append(missing, j)
			j++
		}
	}
	flush()
	return lcs[0][0], diffs
}
