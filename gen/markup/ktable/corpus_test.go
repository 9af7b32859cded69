package ktable

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"golang.org/x/net/html"
)

// sharedDir returns ../shared next to the repository root (the directory
// holding go.mod). The corpus is not part of the repository, so the corpus
// test skips without it, except in CI, where a missing corpus must not pass
// silently.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(".")
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
	shared := filepath.Join(filepath.Dir(dir), "shared")
	if _, err := os.Stat(filepath.Join(shared, "corpus-jekyll")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but the Jekyll corpus is missing (looked for %s)", shared)
		}
		t.Skipf("skipping: the Jekyll corpus is absent (looked for %s, which is ../shared from the repository root)", shared)
	}
	return shared
}

// corpusPage is one kramdown source with the Jekyll page built from it.
type corpusPage struct {
	rel    string // e.g. 2025ai/2025ai_lect05.md
	source []byte // front matter stripped
	jekyll string // path of Jekyll's index.html
}

// corpusPages lists the pages shared/tools/compat compares: Markdown files
// with front matter, names not starting with _, that Jekyll built.
func corpusPages(t testing.TB, shared string) []corpusPage {
	t.Helper()
	var pages []corpusPage
	root := filepath.Join(shared, "corpus")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, "_") || strings.Contains(rel, "/_") {
			return nil
		}
		out := filepath.Join(shared, "corpus-jekyll", filepath.FromSlash(strings.TrimSuffix(rel, ".md")), "index.html")
		if d.Name() == "index.md" {
			out = filepath.Join(shared, "corpus-jekyll", filepath.FromSlash(filepath.Dir(rel)), "index.html")
		}
		if _, err := os.Stat(out); err != nil {
			return nil // not built by Jekyll (the corpus-jekyll copy has only some courses)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		body, ok := stripFrontMatter(b)
		if !ok {
			return nil // Jekyll copies such files verbatim
		}
		pages = append(pages, corpusPage{rel: rel, source: body, jekyll: out})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].rel < pages[j].rel })
	return pages
}

// stripFrontMatter returns what follows Jekyll's front matter: a first line
// "---" and the next line that is "---".
func stripFrontMatter(b []byte) ([]byte, bool) {
	first, rest, ok := bytes.Cut(b, []byte("\n"))
	if !ok || string(bytes.TrimRight(first, " \r")) != "---" {
		return nil, false
	}
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		if string(bytes.TrimRight(line, " \r")) == "---" {
			return rest, true
		}
	}
	return nil, false
}

// table is the text of one <table>'s <th> and <td> cells, in order, white
// space collapsed as shared/tools/compat does before comparing (kramdown
// writes an empty cell as a no-break space, goldmark as nothing).
type table struct {
	cells  []string
	header bool // has a <thead>
}

// tables returns the tables under root in document order.
func tables(root *html.Node) []table {
	var list []table
	var walk func(n *html.Node, cur int)
	walk = func(n *html.Node, cur int) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "table":
				list = append(list, table{})
				cur = len(list) - 1
			case "thead":
				if cur >= 0 {
					list[cur].header = true
				}
			case "td", "th":
				if cur >= 0 {
					list[cur].cells = append(list[cur].cells, collapse(textOf(n)))
				}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, cur)
		}
	}
	walk(root, -1)
	return list
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func textOf(n *html.Node) string {
	var b strings.Builder
	var w func(*html.Node)
	w = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w(c)
		}
	}
	w(n)
	return b.String()
}

func findNode(n *html.Node, ok func(*html.Node) bool) *html.Node {
	if ok(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if r := findNode(c, ok); r != nil {
			return r
		}
	}
	return nil
}

func isHome(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	for _, a := range n.Attr {
		if a.Key == "class" && strings.Contains(" "+a.Val+" ", " home ") {
			return true
		}
	}
	return false
}

// tableDiff is how one page's tables compare with Jekyll's.
type tableDiff struct {
	tables, matched int // Jekyll's tables, and those whose every cell we have, in order, in one table
	exact           int // matched tables whose cells are exactly Jekyll's, none added
	cells, found    int // their cells, and those found in the matching table of ours
	extra           int // our tables that match none of Jekyll's
	missing         []string

	// kramdown also turns any run of lines with an unescaped | at a block
	// boundary into a table without a header, delimiter row or not; GFM
	// does not, and neither does Kogi. For those tables only the text is
	// checked: each cell must be somewhere in our page.
	loose, looseCells, looseFound int
	looseMissing                  []string
}

// compareTables matches each Jekyll table, in order, to the next of ours
// that has all its cells in the same order (ours may have more cells, or
// tables of their own in between). A header-less table with no such match
// is one of kramdown's pipe-line tables and is checked against ourText, our
// page's text, collapsed and loosened. Any other table with no match is
// scored by its best partial match among our tables after the last match,
// and its missing cells are listed.
func compareTables(ref, got []table, ourText string) tableDiff {
	var d tableDiff
	next := 0
	used := make([]bool, len(got))
	for _, rt := range ref {
		best, bestHits, bestMiss := -1, -1, []string(nil)
		for j := next; j < len(got); j++ {
			hits, miss := subsequence(rt.cells, got[j].cells)
			if hits > bestHits {
				best, bestHits, bestMiss = j, hits, miss
			}
			if hits == len(rt.cells) {
				break
			}
		}
		if !rt.header && bestHits < len(rt.cells) {
			d.loose++
			for _, c := range rt.cells {
				d.looseCells++
				if strings.Contains(ourText, loosen(c)) {
					d.looseFound++
				} else {
					d.looseMissing = append(d.looseMissing, c)
				}
			}
			continue
		}
		d.tables++
		d.cells += len(rt.cells)
		if best < 0 {
			d.missing = append(d.missing, rt.cells...)
			continue
		}
		d.found += bestHits
		d.missing = append(d.missing, bestMiss...)
		if bestHits == len(rt.cells) {
			d.matched++
			if len(got[best].cells) == len(rt.cells) {
				d.exact++
			}
			used[best] = true
			next = best + 1
		}
	}
	for _, u := range used {
		if !u {
			d.extra++
		}
	}
	return d
}

// subsequence counts the cells of want found in got in order (the longest
// common subsequence, so that one early false match of an empty cell does
// not hide the rest) and returns those not found.
func subsequence(want, got []string) (int, []string) {
	// lcs[i][j] is the answer for want[i:] and got[j:].
	lcs := make([][]int, len(want)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(got)+1)
	}
	for i := len(want) - 1; i >= 0; i-- {
		for j := len(got) - 1; j >= 0; j-- {
			if want[i] == got[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var miss []string
	for i, j := 0, 0; i < len(want); {
		switch {
		case j < len(got) && want[i] == got[j]:
			i, j = i+1, j+1
		case j < len(got) && lcs[i][j+1] >= lcs[i+1][j]:
			j++
		default:
			miss = append(miss, want[i])
			i++
		}
	}
	return lcs[0][0], miss
}

// loosen undoes kramdown's typographic substitutions, which are no table
// matter: 2024ai_lect16.md's `"unreasonable` came out as ”unreasonable.
var loosen = strings.NewReplacer("“", `"`, "”", `"`, "‘", "'", "’", "'", "–", "--", "—", "---", "…", "...").Replace

// gfmWith is GFM with the given table extension in place of goldmark's own
// choice, and the renderer options Kogi uses.
func gfmWith(table goldmark.Extender) goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(table, extension.Strikethrough, extension.TaskList, extension.Linkify),
		goldmark.WithRendererOptions(gmhtml.WithXHTML(), gmhtml.WithUnsafe()),
	)
}

// TestCorpusTables renders every corpus page and checks that every cell of
// every table in Jekyll's article body (<div class="home">) is in ours, in
// the same table and order; for kramdown's header-less tables, that the
// cell's text is in our page. goldmark's extension.Table is scored
// alongside for comparison; it loses the cells beyond the header. With -v
// it logs the totals and every page that differs.
func TestCorpusTables(t *testing.T) {
	shared := sharedDir(t)
	pages := corpusPages(t, shared)
	if len(pages) == 0 {
		t.Fatal("no corpus pages found")
	}
	variants := []struct {
		name string
		md   goldmark.Markdown
	}{
		{"extension.Table", gfmWith(extension.Table)},
		{"ktable", gfmWith(Extension)},
	}
	totals := make([]tableDiff, len(variants))
	for _, pg := range pages {
		ref := jekyllTables(t, pg.jekyll)
		for i, v := range variants {
			var out bytes.Buffer
			if err := v.md.Convert(pg.source, &out); err != nil {
				t.Fatalf("%s: %v", pg.rel, err)
			}
			doc, err := html.Parse(&out)
			if err != nil {
				t.Fatal(err)
			}
			d := compareTables(ref, tables(doc), loosen(collapse(textOf(doc))))
			tot := &totals[i]
			tot.tables += d.tables
			tot.matched += d.matched
			tot.exact += d.exact
			tot.cells += d.cells
			tot.found += d.found
			tot.extra += d.extra
			tot.loose += d.loose
			tot.looseCells += d.looseCells
			tot.looseFound += d.looseFound
			if d.found < d.cells || d.extra > 0 || d.looseFound < d.looseCells {
				t.Logf("%-16s %-34s tables %d/%d  cells %d/%d  extra tables %d  pipe-line table cells as text %d/%d",
					v.name, pg.rel, d.matched, d.tables, d.found, d.cells, d.extra, d.looseFound, d.looseCells)
			}
			report := t.Logf
			if v.name == "ktable" {
				report = t.Errorf
			}
			for _, m := range d.missing {
				report("%s: %s: cell of Jekyll's table missing from ours: %q", v.name, pg.rel, m)
			}
			for _, m := range d.looseMissing {
				report("%s: %s: text of a kramdown pipe-line table missing from ours: %q", v.name, pg.rel, m)
			}
			if v.name == "ktable" && d.extra > 0 {
				t.Errorf("%s: %s: %d tables of ours are not in Jekyll's page", v.name, pg.rel, d.extra)
			}
			if v.name == "ktable" && d.exact < d.matched {
				t.Errorf("%s: %s: %d tables of ours have cells that Jekyll's lack", v.name, pg.rel, d.matched-d.exact)
			}
		}
	}
	for i, v := range variants {
		d := totals[i]
		t.Logf("%-16s pages %d: Jekyll tables %d, matched %d (exactly %d); their cells %d, found %d; "+
			"tables of ours that match none %d; kramdown's pipe-line tables %d, their cells %d, found as text %d",
			v.name, len(pages), d.tables, d.matched, d.exact, d.cells, d.found, d.extra, d.loose, d.looseCells, d.looseFound)
	}
}

// jekyllTables returns the tables of a Jekyll page's article body.
func jekyllTables(t *testing.T, file string) []table {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	home := findNode(doc, isHome)
	if home == nil {
		t.Fatalf("%s: no <div class=\"home\">", file)
	}
	return tables(home)
}
