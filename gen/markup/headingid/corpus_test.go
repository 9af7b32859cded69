package headingid

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"golang.org/x/net/html"
)

// sharedDir returns the repository's sibling shared/ directory, which
// holds the corpus and Jekyll's output for it. The test skips without it so
// that `go test ./...` passes everywhere, except under CI, where a missing
// corpus would silently turn the compatibility check off.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "..", "shared") // <repo>/../shared
	if _, err := os.Stat(filepath.Join(dir, "corpus-jekyll")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set, but the Jekyll corpus is missing: %v", err)
		}
		t.Skipf("skipping: the Jekyll corpus is not checked out next to the repository (%v)", err)
	}
	return dir
}

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
	shared := sharedDir(t)
	for _, attr := range []bool{false, true} {
		t.Run(fmt.Sprintf("HeadingAttribute=%v", attr), func(t *testing.T) {
			var pages, total, matched, raw int
			for _, sec := range []string{"2024ai", "2025ai"} {
				files, err := filepath.Glob(filepath.Join(shared, "corpus", sec, "*.md"))
				if err != nil {
					t.Fatal(err)
				}
				for _, md := range files {
					got, want, page, ok := corpusPage(t, shared, sec, md, attr)
					if !ok {
						continue
					}
					pages++
					ids := make([]string, len(got))
					for i, h := range got {
						ids[i] = h.id
					}
					n, diffs := compareIDs(ids, want)
					total += len(want)
					matched += n
					where := sec + "/" + filepath.Base(md)
					for _, d := range diffs {
						switch {
						case d.w < 0 && bytes.Contains(page, []byte("\n"+got[d.g].line+"\n")):
							raw++
							t.Logf("%s: %q is raw text in Jekyll's page, not a heading", where, got[d.g].line)
						case d.w < 0:
							t.Errorf("%s: %q: heading #%s is not in Jekyll's page", where, got[d.g].line, got[d.g].id)
						case d.g < 0:
							t.Errorf("%s: heading #%s is only in Jekyll's page", where, want[d.w])
						default:
							t.Errorf("%s: %q: id %q, Jekyll has %q", where, got[d.g].line, got[d.g].id, want[d.w])
						}
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

var frontMatter = regexp.MustCompile(`(?s)\A---[ \t]*\r?\n.*?\n---[ \t]*\r?\n`)

// corpusPage returns the headings goldmark finds in the page md, the ids
// Jekyll gave the page's headings and Jekyll's page, or false for a file
// Jekyll does not render.
func corpusPage(t *testing.T, shared, sec, md string, attr bool) (got []heading, want []string, page []byte, ok bool) {
	t.Helper()
	src, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	fm := frontMatter.Find(src)
	if fm == nil {
		// Jekyll copies a file without front matter as a static file
		// (2025ai/2024advanced-chemistryprize.md is one); there is no
		// HTML to compare with.
		return nil, nil, nil, false
	}
	name := strings.TrimSuffix(filepath.Base(md), ".md")
	out := filepath.Join(shared, "corpus-jekyll", sec, name, "index.html")
	if name == "index" {
		out = filepath.Join(shared, "corpus-jekyll", sec, "index.html")
	}
	page, err = os.ReadFile(out)
	if err != nil {
		t.Errorf("%s: no Jekyll output: %v", md, err)
		return nil, nil, nil, false
	}
	want, err = jekyllIDs(page)
	if err != nil {
		t.Errorf("%s: %v", out, err)
		return nil, nil, nil, false
	}
	return goldmarkHeadings(src[len(fm):], attr), want, page, true
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

// jekyllIDs returns the id of every h1–h6 in the page's article body, the
// <div class="home"> of the layout, without the title the layout adds as
// <h1 class="page-heading">. A heading without an id gives "".
func jekyllIDs(page []byte) ([]string, error) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, err
	}
	var body *html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "div" && attrOf(n, "class") == "home" {
			body = n
			break
		}
	}
	if body == nil {
		return nil, fmt.Errorf(`no <div class="home">`)
	}
	var ids []string
	for n := range body.Descendants() {
		if n.Type != html.ElementNode || len(n.Data) != 2 || n.Data[0] != 'h' || n.Data[1] < '1' || n.Data[1] > '6' {
			continue
		}
		if !slices.Contains(strings.Fields(attrOf(n, "class")), "page-heading") {
			ids = append(ids, attrOf(n, "id"))
		}
	}
	return ids, nil
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
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
