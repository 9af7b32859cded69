package mathx

import (
	"bytes"

	"github.com/kogi-course/kogi/gen/markup/kast"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// boundaryTransformer applies the rest of kramdown's block-boundary rule to
// the $$ blocks the parser opened, and notes raw HTML that MathJax would
// typeset.
//
// kramdown accepts a math block only after a boundary (start of the
// container, a blank line) and before one (end of the container, a blank
// line, an IAL line). Otherwise the $$…$$ lines are the start of a paragraph
// and the math is span math: after "## heading\n$$x$$" or before
// "$$\nx\n$$\nここで…" kramdown writes <p>\(x\)…</p>
// (2025ai/2025ai_lect04.md, "主成分分析" section). The parser only knows what
// came before, so the check is done here, on the finished tree.
type boundaryTransformer struct{}

func (t *boundaryTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	source := reader.Source()
	// Collect first: the changes below replace nodes, which ast.Walk does
	// not survive.
	var blocks []*kast.MathBlock
	dollars := map[ast.Node][]*kast.Dollar{} // text dollars by enclosing block
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *kast.Dollar:
			b := n.Parent()
			for b != nil && b.Type() != ast.TypeBlock {
				b = b.Parent()
			}
			dollars[b] = append(dollars[b], n)
		case *kast.MathBlock:
			blocks = append(blocks, n)
		case *ast.HTMLBlock:
			if n.HTMLBlockType != ast.HTMLBlockType2 && linesLookLikeMath(n.Lines(), source) {
				setHasMath(pc)
			}
		case *ast.RawHTML:
			if linesLookLikeMath(n.Segments, source) {
				setHasMath(pc)
			}
		}
		return ast.WalkContinue, nil
	})
	// MathJax pairs dollars only within one run of text, so a block with a
	// single text dollar needs no protecting span; leaving it plain keeps
	// "hello $.;'there" exactly as CommonMark writes it (example 650).
	for _, ds := range dollars {
		if len(ds) == 1 {
			d := ds[0]
			d.Parent().ReplaceChild(d.Parent(), d, ast.NewString(d.Value))
		}
	}
	// Last to first, so that of two $$ lines in a row the second is already
	// a paragraph when the first is looked at, and both end up in it.
	for i := len(blocks) - 1; i >= 0; i-- {
		b := blocks[i]
		if before := beforeBoundary(b, source); !before || !afterBoundary(b, source) {
			toSpan(b, !before)
		}
	}
}

// The boundary checks read the source around the block instead of using
// HasBlankPreviousLines: goldmark sets that flag on any block that follows
// one that closed itself (a fenced code block, a math block), blank line or
// not, and kramdown counts only real blank lines. Lines are compared after
// dropping spaces and block-quote markers, so "> " counts as blank inside a
// block quote.

func afterBoundary(b *kast.MathBlock, source []byte) bool {
	if b.PreviousSibling() == nil || b.Pos() < 0 {
		return true
	}
	start := bytes.LastIndexByte(source[:b.Pos()], '\n')
	if start < 0 {
		return true
	}
	prev := bytes.LastIndexByte(source[:start], '\n')
	return isBlankish(source[prev+1 : start])
}

func beforeBoundary(b *kast.MathBlock, source []byte) bool {
	next := b.NextSibling()
	if next == nil || next.Pos() < 0 {
		return true
	}
	// The closing $$ is the first one after the TeX (trimming only removed
	// white space).
	from := b.Pos() + 2
	if n := b.Lines().Len(); n > 0 {
		from = b.Lines().At(n - 1).Stop
	}
	end := from
	if k := bytes.Index(source[from:], dollars); k >= 0 {
		end = from + k + 2
	}
	if end > next.Pos() {
		return true
	}
	// Between the closing $$ and the next block: the rest of the closing
	// line, whole lines, then the next block's own indentation or markers.
	if lines := bytes.Split(source[end:next.Pos()], []byte("\n")); len(lines) > 2 {
		for _, l := range lines[1 : len(lines)-1] {
			if isBlankish(l) {
				return true
			}
		}
	}
	// A block IAL ({: #eq1}) is a boundary too, whatever node the IAL
	// extension made of it (its Pos is the offset of the "{"); that
	// extension then attaches it to the math block.
	if bytes.HasPrefix(source[next.Pos():], []byte("{:")) {
		return true
	}
	if next.Lines().Len() == 0 {
		return false
	}
	first := next.Lines().At(0)
	switch next.Kind() {
	case ast.KindParagraph:
		return bytes.HasPrefix(first.Value(source), []byte("{:"))
	case ast.KindHTMLBlock:
		// A closing tag ends the block: "$$…$$\n</div>" closes a
		// <div class="memo"> that kramdown copied verbatim, so MathJax saw a
		// display $$ there (2024ai/2024ai_lect05.md:555-558), while goldmark
		// parses the Markdown after the blank line inside the div.
		return bytes.HasPrefix(bytes.TrimLeft(first.Value(source), " \t"), []byte("</"))
	}
	return false
}

func isBlankish(line []byte) bool {
	return len(bytes.Trim(line, " \t\r>")) == 0
}

// toSpan turns b into span math at the start of a paragraph, as kramdown
// does: into the paragraph that follows when merge is set (no blank line
// between: kramdown's paragraph swallows those lines), or into a paragraph
// of its own (a blank line follows, or a list, heading or the like, where
// GFM ends a paragraph).
func toSpan(b *kast.MathBlock, merge bool) {
	m := kast.NewMathInline("$$", false)
	lines := b.Lines()
	for i := range lines.Len() {
		if s := lines.At(i); s.Len() > 0 {
			m.AppendChild(m, ast.NewRawTextSegment(s))
		}
	}
	parent := b.Parent()
	if p := b.NextSibling(); merge && p != nil && (p.Kind() == ast.KindParagraph || p.Kind() == ast.KindTextBlock) {
		// The line break between the closing $$ and the text that follows.
		br := ast.NewTextSegment(text.NewSegment(0, 0))
		br.SetSoftLineBreak(true)
		if first := p.FirstChild(); first != nil {
			p.InsertBefore(p, first, br)
		} else {
			p.AppendChild(p, br)
		}
		p.InsertBefore(p, br, m)
		p.SetBlankPreviousLines(b.HasBlankPreviousLines())
		parent.RemoveChild(parent, b)
		return
	}
	// In a tight list goldmark has already turned paragraphs into text
	// blocks (no <p>); the new one must match its siblings.
	var p ast.Node = ast.NewParagraph()
	if li, ok := parent.(*ast.ListItem); ok {
		if l, ok := li.Parent().(*ast.List); ok && l.IsTight {
			p = ast.NewTextBlock()
		}
	}
	p.SetLines(lines)
	p.SetBlankPreviousLines(b.HasBlankPreviousLines())
	p.AppendChild(p, m)
	parent.ReplaceChild(parent, b, p)
}

// linesLookLikeMath reports whether raw HTML holds something MathJax would
// typeset: a $ or a \( or \[ anywhere. It errs on the side of loading
// MathJax; a price in an HTML table only costs a script download.
func linesLookLikeMath(lines *text.Segments, source []byte) bool {
	for i := range lines.Len() {
		s := lines.At(i)
		v := s.Value(source)
		if bytes.IndexByte(v, '$') >= 0 || bytes.Contains(v, []byte(`\(`)) || bytes.Contains(v, []byte(`\[`)) {
			return true
		}
	}
	return false
}
