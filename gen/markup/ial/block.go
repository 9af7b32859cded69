package ial

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// blockMarker holds a block IAL line ({: .c} alone on a line) until the whole
// document is parsed. The block it belongs to is not final when the line is
// read: the paragraph above may still become a table, and the block below it
// does not exist yet. The transformer applies the list and removes the marker,
// so no renderer or other extension ever sees it (hence a private kind).
type blockMarker struct {
	ast.BaseBlock
	x      *ial // nil for an attribute list definition {:name: ...}
	offset int  // of the "{"
	// blank tells whether a blank line precedes the IAL line. goldmark's own
	// flag is cleared in Close, see there.
	blank bool
	// target is the list item whose first line the IAL is ("* {: .c}"),
	// kramdown's LIST_ITEM_IAL; nil for all other block IALs.
	target ast.Node
}

var kindBlockMarker = ast.NewNodeKind("IALBlockMarker")

func (n *blockMarker) Kind() ast.NodeKind { return kindBlockMarker }

// IsRaw keeps goldmark's inline parser out of the (empty) marker.
func (n *blockMarker) IsRaw() bool { return true }

func (n *blockMarker) Dump(source []byte, level int) {
	raw := "(definition)"
	if n.x != nil {
		raw = n.x.raw
	}
	ast.DumpHelper(n, source, level, map[string]string{"IAL": raw}, nil)
}

var blockMarkersKey = parser.NewContextKey()

type blockParser struct{ cfg *Config }

func (b *blockParser) Trigger() []byte { return []byte{'{'} }

// Open reads kramdown's IAL_BLOCK_START, /^ {0,3}\{:(?!:|\/)(ANY+)\}\s*?\n/,
// and ALD_START, /^ {0,3}\{:(\w[\w-]*):(ANY+)\}\s*?\n/ (goldmark already
// skipped the indent and refuses more than 3 spaces, see
// CanAcceptIndentedLine). Both consume the whole line.
func (b *blockParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || pos >= len(line) {
		return nil, parser.NoChildren
	}
	rest := line[pos:]
	n := blockLen(rest)
	if n == 0 {
		return nil, parser.NoChildren
	}
	offset := seg.Start + max(pos-seg.Padding, 0)
	m := &blockMarker{offset: offset}
	if li, ok := parent.(*ast.ListItem); ok && !li.HasChildren() {
		m.target = li
	}
	if isDefinition(rest[:n]) {
		warnf(pc, offset, "attribute list definition %s is not supported and is ignored", rest[:n])
	} else {
		m.x = newIAL(rest[:n], offset, b.cfg)
		m.x.lint(pc)
	}
	reader.AdvanceToEOL()
	list, _ := pc.Get(blockMarkersKey).([]*blockMarker)
	pc.Set(blockMarkersKey, append(list, m))
	return m, parser.NoChildren
}

func (b *blockParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	return parser.Close
}

// Close moves the blank-line flag off the marker. goldmark decides whether a
// list is tight from its items' children's flags, and the marker is still in
// the item then: "* a\n\n  {: .c}" would make a loose list, where kramdown's
// stays tight. The flag goes to the block that follows the line instead (if
// goldmark has opened it already), since the blank line separates that block
// from the one before. goldmark sets the flag on every block it opens after a
// closed fenced code block, and on the first block of the document, blank
// line or not, so the source decides.
func (b *blockParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	m := node.(*blockMarker)
	m.blank = m.HasBlankPreviousLines() && afterBlankLine(reader.Source(), m.offset)
	m.SetBlankPreviousLines(false)
	if next := m.NextSibling(); next != nil && m.blank {
		next.SetBlankPreviousLines(true)
	}
}

// afterBlankLine reports whether the line before the one at pos is blank,
// counting a line of only ">" and spaces (a blank line in a blockquote).
func afterBlankLine(source []byte, pos int) bool {
	start := pos
	for start > 0 && source[start-1] != '\n' {
		start--
	}
	if start == 0 {
		return false
	}
	prev := start - 1
	for prev > 0 && source[prev-1] != '\n' {
		prev--
	}
	for _, c := range source[prev : start-1] {
		if c != ' ' && c != '\t' && c != '\r' && c != '>' {
			return false
		}
	}
	return true
}

// CanInterruptParagraph is what makes "para\n{: .c}" work: kramdown ends a
// paragraph at an IAL line (LAZY_END in paragraph.rb includes
// IAL_BLOCK_START). It also stops lazy continuation, so an IAL line right
// after a list or a blockquote closes it and applies to it, as in kramdown.
func (b *blockParser) CanInterruptParagraph() bool { return true }

// CanAcceptIndentedLine is false: with 4 spaces the line is paragraph text
// (kramdown allows at most 3, OPT_SPACE).
func (b *blockParser) CanAcceptIndentedLine() bool { return false }

// blockLen returns the length of the attribute list at the start of line if
// nothing but white space follows it on the line, else 0.
func blockLen(line []byte) int {
	if len(line) < 3 || line[0] != '{' || line[1] != ':' || line[2] == ':' || line[2] == '/' {
		return 0
	}
	n := spanEnd(line)
	if n == 0 || !util.IsBlank(line[n:]) {
		return 0
	}
	return n
}

func isDefinition(s []byte) bool {
	n := wordLen(string(s), 2)
	return n > 0 && 2+n < len(s)-1 && s[2+n] == ':'
}

type blockTransformer struct{ cfg *Config }

// Transform applies every block IAL as kramdown's parse_block_extensions
// does, then removes the markers:
//   - right after a block (no blank line between), the list applies to it;
//     further IAL lines directly below add to the same block;
//   - otherwise the list waits for the next block in the same container
//     (kramdown's @block_ial). If the IAL came after a blank line, more blank
//     lines may separate it from that block; if it opened the container, the
//     first blank line (a new :blank element in kramdown) takes it instead.
func (t *blockTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	markers, _ := pc.Get(blockMarkersKey).([]*blockMarker)
	source := reader.Source()
	for i := 0; i < len(markers); {
		j := i + 1
		for j < len(markers) && markers[j].x != nil && markers[j-1].x != nil && markers[j-1].target == nil &&
			markers[j].PreviousSibling() == markers[j-1] && !markers[j].blank {
			j++
		}
		resolve(pc, markers[i:j])
		i = j
	}
	for _, m := range markers {
		if p := m.Parent(); p != nil {
			p.RemoveChild(p, m)
		}
	}
	pc.Set(blockMarkersKey, nil)
	t.stripFromHTMLBlocks(doc, source, pc)
}

func resolve(pc parser.Context, group []*blockMarker) {
	first, last := group[0], group[len(group)-1]
	if first.x == nil {
		return // a definition; kramdown's :eob
	}
	if first.target != nil {
		first.x.applyTo(pc, first.target)
		return
	}
	var target ast.Node
	prev := first.PreviousSibling()
	_, prevIsMarker := prev.(*blockMarker)
	if prev != nil && !prevIsMarker && !first.blank {
		target = prev
	} else {
		blankBefore := first.blank
		for n := last.NextSibling(); n != nil; n = n.NextSibling() {
			blank := n.HasBlankPreviousLines()
			if m, ok := n.(*blockMarker); ok {
				blank = m.blank
			}
			if blank && !blankBefore {
				warnf(pc, first.x.offset, "attribute list %s is followed by a blank line and is ignored", first.x.raw)
				return
			}
			if m, ok := n.(*blockMarker); ok {
				if m.x == nil {
					break // a definition ends the wait (kramdown's :eob)
				}
				continue // pending lists merge, kramdown keeps one @block_ial
			}
			target = n
			break
		}
		if target == nil {
			warnf(pc, first.x.offset, "attribute list %s is not followed by a block and is ignored", first.x.raw)
			return
		}
	}
	if _, ok := target.(*ast.LinkReferenceDefinition); ok {
		// kramdown gives the list to the definition, and so to every link
		// that uses it ("[r]: http://x\n{: .c}"); the corpus never does this.
		warnf(pc, first.x.offset, "attribute list %s on a link reference definition is not supported and is ignored", first.x.raw)
		return
	}
	for _, m := range group {
		m.x.applyTo(pc, target)
	}
}

// stripFromHTMLBlocks handles "<div>...</div>\n{: .c}". kramdown parses the
// HTML, so the IAL line after it applies to the div. In CommonMark an HTML
// block of type 6 or 7 runs until a blank line, so the IAL line became its
// last line and would be output as text. It is removed and reported, since
// goldmark cannot set attributes inside raw HTML.
func (t *blockTransformer) stripFromHTMLBlocks(doc *ast.Document, source []byte, pc parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		h, ok := n.(*ast.HTMLBlock)
		if !ok {
			return ast.WalkContinue, nil
		}
		if h.HTMLBlockType != ast.HTMLBlockType6 && h.HTMLBlockType != ast.HTMLBlockType7 {
			return ast.WalkSkipChildren, nil
		}
		lines := h.Lines()
		if lines.Len() < 2 {
			return ast.WalkSkipChildren, nil
		}
		seg := lines.At(lines.Len() - 1)
		line := seg.Value(source)
		indent := 0
		for indent < len(line) && indent < 3 && line[indent] == ' ' {
			indent++
		}
		n2 := blockLen(line[indent:])
		if n2 == 0 || isDefinition(line[indent:indent+n2]) {
			return ast.WalkSkipChildren, nil
		}
		lines.SetSliced(0, lines.Len()-1)
		x := newIAL(line[indent:indent+n2], seg.Start+indent, t.cfg)
		x.lint(pc)
		x.applyTo(pc, h)
		return ast.WalkSkipChildren, nil
	})
}
