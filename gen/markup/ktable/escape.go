package ktable

import (
	gast "github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// escapedPipeCellsKey holds the added cells that have a \| after a backtick,
// for escapedPipeTransformer; like goldmark's own list, it is per document.
var escapedPipeCellsKey = parser.NewContextKey()

func addEscapedPipeCell(pc parser.Context, cell *ast.TableCell) {
	cells, _ := pc.Get(escapedPipeCellsKey).([]*ast.TableCell)
	pc.Set(escapedPipeCellsKey, append(cells, cell))
}

// escapedPipeTransformer removes the backslash of \| inside code spans of the
// cells this package added. GFM lets a cell hold a | in a code span only
// when it is escaped, and the backslash then disappears even though code
// spans take backslashes literally (GFM spec, example 200). goldmark does
// this in its AST transformer, but only for the cells it parsed, so an added
// cell would otherwise render `a\|b` differently from the same text in the
// columns before it.
type escapedPipeTransformer struct{}

func (escapedPipeTransformer) Transform(doc *gast.Document, reader text.Reader, pc parser.Context) {
	cells, _ := pc.Get(escapedPipeCellsKey).([]*ast.TableCell)
	if len(cells) == 0 {
		return
	}
	pc.Set(escapedPipeCellsKey, nil)
	src := reader.Source()
	for _, cell := range cells {
		_ = gast.Walk(cell, func(n gast.Node, entering bool) (gast.WalkStatus, error) {
			if entering && n.Kind() == gast.KindCodeSpan {
				dropPipeEscapes(n, src)
				return gast.WalkSkipChildren, nil
			}
			return gast.WalkContinue, nil
		})
	}
}

// dropPipeEscapes splits each text of the code span around the backslash of
// every \| in it. Every such pair was an escaped pipe in the row: a cell
// ends at any | without a backslash, so a code span in a cell holds no other.
func dropPipeEscapes(code gast.Node, src []byte) {
	for c := code.FirstChild(); c != nil; {
		next := c.NextSibling()
		t, ok := c.(*gast.Text)
		if !ok {
			c = next
			continue
		}
		seg := t.Segment
		var prev gast.Node = t
		split := false
		for i := seg.Start; i+1 < seg.Stop; i++ {
			if src[i] != '\\' || src[i+1] != '|' {
				continue
			}
			before := gast.NewRawTextSegment(text.NewSegment(seg.Start, i))
			code.InsertAfter(code, prev, before)
			prev = before
			seg = text.NewSegment(i+1, seg.Stop)
			split = true
		}
		if split {
			code.InsertAfter(code, prev, gast.NewRawTextSegment(seg))
			code.RemoveChild(code, t)
		}
		c = next
	}
}
