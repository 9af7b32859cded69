package ktable

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/yuin/goldmark"
	gast "github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/testutil"
	"github.com/yuin/goldmark/text"
)

// newMarkdown is goldmark with one table extension and the renderer options
// Kogi uses: XHTML void tags, raw HTML kept.
func newMarkdown(table goldmark.Extender) goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(table),
		goldmark.WithRendererOptions(html.WithXHTML(), html.WithUnsafe()),
	)
}

// TestTable runs testdata/ktable.txt, one case per edge case. Re-run a
// single case with: go test ./gen/markup/ktable -run TestTable -args case=4
func TestTable(t *testing.T) {
	testutil.DoTestCaseFile(newMarkdown(Extension), filepath.Join("testdata", "ktable.txt"), t, testutil.ParseCliCaseArg()...)
}

// TestSameAsGFM checks the promise in the package comment: a table with no
// row longer than its header, and anything that is not a table, renders
// byte for byte as with goldmark's extension.Table.
func TestSameAsGFM(t *testing.T) {
	inputs := map[string]string{
		"plain":                  "| a | b |\n| --- | --- |\n| 1 | 2 |\n",
		"alignments":             "| l | c | r | n |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n",
		"no outer pipes":         "a | b\n--|--\n1 | 2\n",
		"mixed outer pipes":      "| a | b |\n:-: | --:\n1 | 2 |\n",
		"short rows":             "| a | b | c |\n|---|---|---|\n| 1 |\n| 1 | 2 |\n|\n",
		"header only":            "| a | b |\n|---|---|\n",
		"escaped pipes":          "| a\\|b | c |\n|---|---|\n| `1\\|2` | **3\\|4** |\n| `5\\\\|6` | x |\n",
		"pipe in code splits":    "| a | b |\n|---|---|\n| `1|2` |\n",
		"inline markup":          "| *a* | [b](u) |\n|---|---|\n| <br/> | `c` |\n",
		"after a paragraph":      "text\n| a | b |\n|---|---|\n| 1 | 2 |\n",
		"ends at a block":        "| a |\n|---|\n| 1 |\n> quote\n",
		"row without pipes":      "| a | b |\n|---|---|\n| 1 | 2 |\nplain line\n",
		"in a block quote":       "> | a | b |\n> |---|---|\n> | 1 | 2 |\n",
		"in a list item":         "- | a | b |\n  |---|---|\n  | 1 | 2 |\n",
		"two tables":             "| a |\n|---|\n| 1 |\n\n| b | c |\n|---|---|\n| 2 | 3 |\n",
		"header count mismatch":  "| a | b | c |\n|---|---|\n| 1 | 2 | 3 |\n",
		"delimiter only":         "|---|---|\n| 1 | 2 |\n",
		"not a delimiter":        "| a | b |\n| - x | - |\n",
		"Japanese":               "|   | 本当は正しい | 本当は誤り |\n|:---|:-----|:---|\n|:正しいと判断:| ヒット (TP) | 虚報 (FP) |\n",
		"tab-indented in a list": "-\t| a | b |\n\t|---|---|\n\t| 1 | 2 |\n",
		"link reference first":   "[r]: /u\n| a | b |\n|---|---|\n| [r] | 2 |\n",
	}
	gfm := newMarkdown(extension.Table)
	ours := newMarkdown(Extension)
	for name, src := range inputs {
		t.Run(name, func(t *testing.T) {
			var want, got bytes.Buffer
			if err := gfm.Convert([]byte(src), &want); err != nil {
				t.Fatal(err)
			}
			if err := ours.Convert([]byte(src), &got); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("input %q\ngot:\n%s\nextension.Table:\n%s", src, got.String(), want.String())
			}
		})
	}
}

// TestRendererOptions checks that New passes its options to goldmark's
// table renderer: kramdown writes alignment as a style, not as align.
func TestRendererOptions(t *testing.T) {
	md := newMarkdown(New(extension.WithTableCellAlignMethod(extension.TableCellAlignStyle)))
	testutil.DoTestCase(md, testutil.MarkdownTestCase{
		No:          1,
		Description: "alignment as a style attribute, added column without",
		Markdown:    "| a |\n|:-:|\n| 1 | 2 |",
		Expected: "<table>\n<thead>\n<tr>\n<th style=\"text-align:center\">a</th>\n<th></th>\n</tr>\n</thead>\n" +
			"<tbody>\n<tr>\n<td style=\"text-align:center\">1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n",
	}, t)
}

// FuzzTable checks, for any input, that nothing panics, that every row of
// every table has one cell per column, that the tables are goldmark's, only
// wider, and that where none is wider the HTML is extension.Table's.
func FuzzTable(f *testing.F) {
	for _, s := range []string{
		"| a |\n|---|\n| 1 | 2 |\n",
		"a|b\n-|-\n1|2|3|4\n|\n||\n",
		"> | a |\n> |:-:|\n> | `1\\|2` | `3\\|4` |\n",
		"- x\n\t| a |\n\t|---|\n\t| 1 | 2 \\| 3 |\n",
		"[r]: /u\n| a |\n|---|\n| [r] | `|` |\n",
	} {
		f.Add(s)
	}
	gfm := newMarkdown(extension.Table)
	ours := newMarkdown(Extension)
	f.Fuzz(func(t *testing.T, src string) {
		gt := tablesOf(gfm.Parser().Parse(text.NewReader([]byte(src))))
		doc := ours.Parser().Parse(text.NewReader([]byte(src)))
		ot := tablesOf(doc)
		if len(ot) != len(gt) {
			t.Fatalf("%d tables, extension.Table makes %d", len(ot), len(gt))
		}
		wider := false
		for i, tb := range ot {
			cols := len(tb.Alignments)
			if cols < len(gt[i].Alignments) {
				t.Fatalf("table %d has %d columns, fewer than goldmark's %d", i, cols, len(gt[i].Alignments))
			}
			wider = wider || cols > len(gt[i].Alignments)
			for row := tb.FirstChild(); row != nil; row = row.NextSibling() {
				if row.ChildCount() != cols {
					t.Fatalf("table %d: a row has %d cells, the table %d columns", i, row.ChildCount(), cols)
				}
			}
		}
		var want, got bytes.Buffer
		if err := gfm.Convert([]byte(src), &want); err != nil {
			return
		}
		if err := ours.Renderer().Render(&got, []byte(src), doc); err != nil {
			t.Fatal(err)
		}
		if !wider && got.String() != want.String() {
			t.Errorf("no table is wider, yet the HTML differs\ngot:\n%s\nextension.Table:\n%s", got.String(), want.String())
		}
	})
}

func tablesOf(doc gast.Node) []*ast.Table {
	var list []*ast.Table
	_ = gast.Walk(doc, func(n gast.Node, entering bool) (gast.WalkStatus, error) {
		if tb, ok := n.(*ast.Table); ok && entering {
			list = append(list, tb)
		}
		return gast.WalkContinue, nil
	})
	return list
}
