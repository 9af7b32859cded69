package ktable

import (
	gast "github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// paragraphTransformer runs goldmark's table paragraph transformer and, when
// it made a table, widens that table the way kramdown does.
type paragraphTransformer struct {
	gfm parser.ParagraphTransformer
}

func (t paragraphTransformer) Transform(p *gast.Paragraph, reader text.Reader, pc parser.Context) {
	if p.Lines().Len() < 2 {
		t.gfm.Transform(p, reader, pc)
		return
	}
	// goldmark slices the paragraph's lines in place, and its rows keep only
	// the start of their line (Pos()), so the lines are saved first.
	lines := make(map[int]text.Segment, p.Lines().Len())
	for _, seg := range p.Lines().Sliced(0, p.Lines().Len()) {
		lines[seg.Start] = seg
	}
	parent, next := p.Parent(), p.NextSibling()
	t.gfm.Transform(p, reader, pc)
	// A new table is inserted right after p, which is removed when the
	// table took all its lines; either way it is now just before next.
	var last gast.Node
	if next != nil {
		last = next.PreviousSibling()
	} else if parent != nil {
		last = parent.LastChild()
	}
	if table, ok := last.(*ast.Table); ok {
		widen(table, lines, reader.Source(), pc)
	}
}

// widen adds the cells that goldmark dropped from rows longer than the
// header, then pads every row, the header included, to the longest one.
// kramdown-parser-gfm 1.1.0 parses tables with kramdown's own table parser,
// which counts columns as the maximum over all rows and pads with empty
// cells; the padded alignments are :default, so the added columns carry no
// align attribute (2025ai/2025ai_lect05.md, lines 66-70, and its page in
// corpus-jekyll: a fourth <th> with no style, fourth <td>s likewise).
func widen(table *ast.Table, lines map[int]text.Segment, src []byte, pc parser.Context) {
	header := len(table.Alignments)
	columns := header
	for row := table.FirstChild(); row != nil; row = row.NextSibling() {
		if _, ok := row.(*ast.TableRow); !ok {
			continue // the header has exactly as many cells as alignments
		}
		line, ok := lines[row.Pos()]
		if !ok {
			continue
		}
		cells := splitRow(line, src)
		if len(cells) <= header {
			continue
		}
		for _, c := range cells[header:] {
			cell := ast.NewTableCell()
			cell.SetPos(c.seg.Start)
			// Lines, not children: inline parsing runs after all paragraph
			// transformers and parses every block's lines, these included.
			cell.Lines().Append(c.seg)
			row.AppendChild(row, cell)
			if c.escapedPipe {
				addEscapedPipeCell(pc, cell)
			}
		}
		columns = max(columns, len(cells))
	}
	if columns == header {
		return // nothing was dropped: leave the table exactly as goldmark built it
	}
	for len(table.Alignments) < columns {
		table.Alignments = append(table.Alignments, ast.AlignNone)
	}
	for row := table.FirstChild(); row != nil; row = row.NextSibling() {
		for n := row.ChildCount(); n < columns; n++ {
			// No Lines: goldmark pads short rows the same way, and the
			// renderer writes an empty <td></td> (or <th></th>).
			row.AppendChild(row, ast.NewTableCell())
		}
		if r, ok := row.(*ast.TableRow); ok {
			r.Alignments = table.Alignments
		}
	}
}

// rowCell is one cell of a table line.
type rowCell struct {
	seg         text.Segment // the content, spaces trimmed
	escapedPipe bool         // has a \| after a backtick: maybe in a code span
}

// splitRow splits a table line into cells with goldmark's rules (v1.8.7,
// tableParagraphTransformer.parseRow), so that the cells added here are cut
// where goldmark would have cut them: one leading and one trailing pipe are
// dropped, and every | not preceded by a backslash ends a cell, even inside
// a code span.
func splitRow(line text.Segment, src []byte) []rowCell {
	line = line.TrimLeftSpace(src)
	line = line.TrimRightSpace(src)
	b := src[line.Start:line.Stop]
	pos, limit := 0, len(b)
	if limit > 0 && b[0] == '|' {
		pos++
	}
	if limit > 0 && b[limit-1] == '|' {
		limit--
	}
	var cells []rowCell
	for pos < limit {
		var c rowCell
		backtick := false
		end := pos
		for ; end < limit; end++ {
			if b[end] == '`' {
				backtick = true
			}
			if b[end] == '|' {
				if end == 0 || b[end-1] != '\\' {
					break
				}
				c.escapedPipe = c.escapedPipe || backtick
			}
		}
		c.seg = text.NewSegment(line.Start+pos, line.Start+end)
		c.seg = c.seg.TrimLeftSpace(src)
		c.seg = c.seg.TrimRightSpace(src)
		cells = append(cells, c)
		pos = end + 1
	}
	return cells
}
