package mathx

import (
	"bytes"

	"github.com/kogi-course/kogi/gen/markup/diag"
	"github.com/kogi-course/kogi/gen/markup/kast"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// unclosedSeverity is the severity of "unclosed $$": a warning, because a
// real page has one and Jekyll renders it acceptably.
// 2025ai/2025ai_lect26.md:859-861 reads "$$", "…(\theta)$$", "$$": the
// first two pair up as span math, the third has no partner before the blank
// line, and Jekyll's page shows the math intact with a stray "$$" after it
// (MathJax does not pair a $$ across paragraphs). An error would fail the
// build of a page the old site served.
const unclosedSeverity = diag.Warning

var dollars = []byte("$$")

// blockParser reads kramdown's math block, whose rule (kramdown 2.4,
// parser/kramdown/math.rb) is
//
//	/^ {0,3}(\\)?\$\$(.*?)\$\$(\s*?\n)?/m, after and before a block boundary
//
// so the block starts with $$ at the start of a line, runs to the first $$
// after it, over any number of lines, blank ones included, and that $$ must
// end its line. The boundaries are checked in two places: the "after" half
// by not interrupting a paragraph (CanInterruptParagraph), and both halves
// by boundaryTransformer once the siblings are known, since the parser cannot
// see what follows the block.
//
// kramdown's (\\)? escape, where "\$$x$$" alone on a line is a paragraph
// holding span math, is not supported: \$ is always a literal dollar here,
// and no corpus page writes \$$.
type blockParser struct{}

// blockState is the parser's per-document state, kept in the parser.Context
// as goldmark's fenced code parser does. Math blocks do not nest, so one is
// enough.
type blockState struct {
	node   ast.Node
	open   int // offset of the opening $$
	closed bool
}

var blockStateKey = parser.NewContextKey()

func (b *blockParser) Trigger() []byte { return []byte{'$'} }

func (b *blockParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || !bytes.HasPrefix(line[pos:], dollars) {
		return nil, parser.NoChildren
	}
	src := reader.Source()
	open := seg.Start - seg.Padding + pos
	// Look ahead in the raw source for the closing $$, as kramdown's regexp
	// does. Without one, or with text after it on its line, kramdown reads a
	// paragraph, and so do we; the inline parser then finds the span math
	// (or reports the unclosed $$). Inside a list item or a block quote the
	// raw source also holds the container's indentation and markers, which
	// never contain $$, so the search is still right.
	k := bytes.Index(src[open+2:], dollars)
	if k < 0 {
		return nil, parser.NoChildren
	}
	closeAt := open + 2 + k
	if !restIsBlank(src[closeAt+2:]) {
		return nil, parser.NoChildren
	}
	node := kast.NewMathBlock()
	st := &blockState{node: node, open: open}
	lineEnd := seg.Start - seg.Padding + len(line)
	if closeAt < lineEnd {
		// $$TeX$$ on one line
		node.Lines().Append(text.NewSegment(open+2, closeAt))
		st.closed = true
	} else {
		node.Lines().Append(text.NewSegment(open+2, seg.Stop))
	}
	pc.Set(blockStateKey, st)
	reader.AdvanceToEOL()
	return node, parser.NoChildren
}

// restIsBlank reports whether b holds only spaces up to its first newline.
func restIsBlank(b []byte) bool {
	for _, c := range b {
		switch c {
		case '\n':
			return true
		case ' ', '\t', '\r', '\f', '\v':
		default:
			return false
		}
	}
	return true
}

func (b *blockParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	st, _ := pc.Get(blockStateKey).(*blockState)
	if st == nil || st.node != node || st.closed {
		return parser.Close
	}
	line, seg := reader.PeekLine()
	if line == nil {
		return parser.Close
	}
	i := bytes.Index(line, dollars)
	if i < 0 {
		node.Lines().Append(seg)
		reader.AdvanceToEOL()
		return parser.Continue | parser.NoChildren
	}
	// The first $$ closes, wherever it is on the line (kramdown's .*?).
	// Open made sure that nothing but spaces follows it.
	node.Lines().Append(subSegment(seg, 0, i))
	st.closed = true
	reader.AdvanceToEOL()
	return parser.Close
}

func (b *blockParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	st, _ := pc.Get(blockStateKey).(*blockState)
	if st == nil || st.node != node {
		return
	}
	pc.Set(blockStateKey, nil)
	setHasMath(pc)
	lines := node.Lines()
	trimmed := trimSpace(append([]text.Segment(nil), lines.Sliced(0, lines.Len())...), reader.Source())
	lines.Clear()
	lines.AppendAll(trimmed)
	if !st.closed {
		// Open saw a closing $$, but the list item or block quote holding
		// the block ended before it.
		node.(*kast.MathBlock).Unclosed = true
		diag.Add(pc, diag.Diagnostic{Offset: st.open, Severity: unclosedSeverity, Msg: "unclosed $$"})
	}
}

// CanInterruptParagraph is false because kramdown only starts a math block
// after a block boundary: $$ on the line after text continues the paragraph
// and becomes span math (2025ai/2025ai_lect04.md:424, rendered by Jekyll as
// <p>\(\mathbf{y}=…\)\nここで…</p>).
func (b *blockParser) CanInterruptParagraph() bool { return false }

// CanAcceptIndentedLine is false: kramdown allows at most three spaces
// before the $$ (OPT_SPACE); four make a code block.
func (b *blockParser) CanAcceptIndentedLine() bool { return false }
