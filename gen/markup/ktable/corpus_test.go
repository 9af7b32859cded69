package ktable

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"golang.org/x/net/html"

	"github.com/kogi-course/kogi/gen/internal/corpustest"
)

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
					list[cur].cells = append(list[cur].cells, collapse(corpustest.Text(n)))
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
	pages := corpustest.Pages(t)
	variants := []struct {
		name string
		md   goldmark.Markdown
	}{
		{"extension.Table", gfmWith(extension.Table)},
		{"ktable", gfmWith(Extension)},
	}
	totals := make([]tableDiff, len(variants))
	for _, pg := range pages {
		ref := tables(corpustest.JekyllHome(t, pg.Jekyll))
		for i, v := range variants {
			var out bytes.Buffer
			if err := v.md.Convert(pg.Body, &out); err != nil {
				t.Fatalf("%s: %v", pg.Rel, err)
			}
			doc, err := html.Parse(&out)
			if err != nil {
				t.Fatal(err)
			}
			d := compareTables(ref, tables(doc), loosen(collapse(corpustest.Text(doc))))
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
					v.name, pg.Rel, d.matched, d.tables, d.found, d.cells, d.extra, d.looseFound, d.looseCells)
			}
			report := t.Logf
			if v.name == "ktable" {
				report = t.Errorf
			}
			for _, m := range d.missing {
				report("%s: %s: cell of Jekyll's table missing from ours: %q", v.name, pg.Rel, m)
			}
			for _, m := range d.looseMissing {
				report("%s: %s: text of a kramdown pipe-line table missing from ours: %q", v.name, pg.Rel, m)
			}
			if v.name == "ktable" && d.extra > 0 {
				t.Errorf("%s: %s: %d tables of ours are not in Jekyll's page", v.name, pg.Rel, d.extra)
			}
			if v.name == "ktable" && d.exact < d.matched {
				t.Errorf("%s: %s: %d tables of ours have cells that Jekyll's lack", v.name, pg.Rel, d.matched-d.exact)
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
