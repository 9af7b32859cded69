package mathx

import (
	"math"
	"strings"

	"github.com/kogi-course/kogi/gen/markup/diag"
	"github.com/kogi-course/kogi/gen/markup/kast"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// inlineParser reads math inside running text.
//
// Like passthrough's parser, it consumes the whole span, closing delimiter
// included, in a single Parse call. Stopping at the opener and finishing
// later (as emphasis does with delimiters) would let the link and emphasis
// parsers run over the TeX in between and turn a_1 … b_2 into <em>.
type inlineParser struct {
	cfg Config
}

func (p *inlineParser) Trigger() []byte {
	if p.cfg.Backslash {
		// goldmark only offers a \ to inline parsers when it is not itself
		// escaped, so \\( stays a literal backslash and a paren.
		return []byte{'$', '\\'}
	}
	return []byte{'$'}
}

// Kinds of span, for the memo of failed searches.
const (
	spanDollar = iota
	spanDollars
	spanParen
	spanBracket
	spanKinds
)

// failMemo makes a paragraph full of lone dollars linear instead of
// quadratic. Whether a byte closes a span depends on that byte and its
// neighbours, not on where the span opened (openers are never inside a
// backslash pair), so once a search from one opener has found no closer up
// to some offset, a later opener of the same kind before that offset cannot
// find one either.
type failMemo struct {
	block ast.Node
	until [spanKinds]int // offset where the last failed search stopped
}

var failMemoKey = parser.NewContextKey()

func memoFor(pc parser.Context, block ast.Node) *failMemo {
	m, _ := pc.Get(failMemoKey).(*failMemo)
	if m == nil {
		m = &failMemo{}
		pc.Set(failMemoKey, m)
	}
	if m.block != block {
		*m = failMemo{block: block}
	}
	return m
}

func (p *inlineParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	var (
		kind    int
		delim   string
		display bool
		closeAt func([]byte, int) int
		unesc   string
		escapes = true
	)
	switch {
	case line[0] == '\\':
		// Returning nil for \$ (or any other escape) leaves it to goldmark,
		// which marks the next byte escaped, so it triggers nothing and
		// renders as itself: \$ is a literal dollar.
		if len(line) >= 2 && line[1] == '$' && p.cfg.SingleDollar {
			block.Advance(2)
			return kast.NewDollar([]byte("$"))
		}
		if len(line) < 2 || (line[1] != '(' && line[1] != '[') {
			return nil
		}
		kind, delim, closeAt = spanParen, `\(`, closesParen
		if line[1] == '[' {
			kind, delim, display, closeAt = spanBracket, `\[`, true, closesBracket
		}
	case len(line) >= 2 && line[1] == '$':
		// kramdown's span math, /\$\$(.*?)\$\$/m: the first $$ closes,
		// backslashes mean nothing, and the span may cross lines of the
		// paragraph. kramdown renders it inline, \(…\), and so do we.
		kind, delim, closeAt, escapes = spanDollars, "$$", closesDollars, false
	case p.cfg.SingleDollar:
		if len(line) < 2 || isSpace(line[1]) {
			block.Advance(1) // "$ 5", or a $ ending the line: not an opener
			return kast.NewDollar([]byte("$"))
		}
		kind, delim, closeAt, unesc = spanDollar, "$", closesDollar, p.cfg.DollarUnescape
	default:
		return nil
	}

	l, pos := block.Position()
	memo := memoFor(pc, parent)
	segs, ok := []text.Segment(nil), false
	if seg.Start >= memo.until[kind] {
		var stop int
		segs, ok, stop = scan(block, len(delim), closeAt, unesc, escapes)
		if !ok {
			memo.until[kind] = stop
		}
	}
	switch {
	case ok && kind == spanDollars:
		segs = trimSpace(segs, block.Source())
	case ok && (kind == spanParen || kind == spanBracket) && !hasWord(segs, block.Source()):
		// "\(\)" and "\[\\\]" are escaped punctuation: CommonMark example
		// 12 escapes every ASCII punctuation mark in a row. TeX with no
		// letter or digit in it is not worth the risk of taking a Markdown
		// escape for math. ($$$$ stays empty math: kramdown's regexp
		// accepts it.)
		block.SetPosition(l, pos)
		return nil
	case !ok && kind == spanDollars:
		// kramdown prints the $$ as text and MathJax finds no partner for
		// it in the paragraph, so the reader sees a stray $$
		// (2025ai/2025ai_lect26.md:861). Report it, and consume both
		// dollars so that the second does not open a $…$ span.
		diag.Add(pc, diag.Diagnostic{Offset: seg.Start, Severity: unclosedSeverity, Msg: "unclosed $$"})
		block.Advance(2)
		return kast.NewDollar([]byte("$$"))
	case !ok && kind == spanDollar:
		// A lone $ is a dollar sign. One followed by a letter or a TeX
		// command looks like math whose closing $ is missing: say so.
		if c := line[1]; c == '\\' || c == '{' || (c|0x20 >= 'a' && c|0x20 <= 'z') {
			diag.Add(pc, diag.Diagnostic{Offset: seg.Start, Severity: diag.Warning,
				Msg: "unclosed $ (math never closed in this paragraph; write \\$ for a dollar sign)"})
		}
		block.SetPosition(l, pos)
		block.Advance(1)
		return kast.NewDollar([]byte("$"))
	case !ok:
		// An unclosed \( is kramdown's escaped paren: goldmark renders it.
		return nil
	}
	return newInline(pc, delim, display, segs)
}

// closesParen and closesBracket find \) and \]. scan skips backslash
// pairs, so \left\{ … \right\} or a \\ line break is never taken for one.
func closesParen(line []byte, i int) int   { return closesBackslash(line, i, ')') }
func closesBracket(line []byte, i int) int { return closesBackslash(line, i, ']') }

func closesBackslash(line []byte, i int, end byte) int {
	if line[i] == '\\' && i+1 < len(line) && line[i+1] == end {
		return 2
	}
	return 0
}

func closesDollars(line []byte, i int) int {
	if line[i] == '$' && i+1 < len(line) && line[i+1] == '$' {
		return 2
	}
	return 0
}

// closesDollar is the rule for the $ that ends $…$ (the opening $ must be
// followed by a non-space, which Parse checks). It is Pandoc's rule,
// adjusted to what MathJax accepted and the corpus relies on:
//
//   - A $ followed by a digit is a price, not a closer: "$5 and $10" stays
//     text.
//   - Pandoc also wants no space before the closer. MathJax did not, and the
//     corpus relies on it: "…\right)=x $ となる" (2025ai/2025ai_lect04.md).
//     So a space before the closer is fine, unless spaces and then a digit
//     follow it: "$2.11 … to close Friday at $ 21.51" (2024ai/2024ai_lect19.md)
//     holds two prices, while "sequences $\times$ 128" (same page) closes.
//   - A backtick ends the search: kramdown made it a <code> element, and
//     MathJax never pairs a $ across an element, so "$5 and `$x$`" was not
//     math on the old site either (TeX has no use for a backtick in math).
func closesDollar(line []byte, i int) int {
	switch line[i] {
	case '`':
		return -1
	case '$':
	default:
		return 0
	}
	// Half of a "$$" never closes a single-dollar span: in "$5 and $$x$$"
	// the price must not pair with the display math's delimiter.
	if (i+1 < len(line) && line[i+1] == '$') || (i > 0 && line[i-1] == '$') {
		return 0
	}
	j := i + 1
	if i > 0 && isSpace(line[i-1]) {
		for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
			j++
		}
	}
	if j < len(line) && line[j] >= '0' && line[j] <= '9' {
		return 0
	}
	return 1
}

// hasWord reports whether the TeX holds a letter, a digit or any
// non-ASCII byte.
func hasWord(segs []text.Segment, source []byte) bool {
	for _, s := range segs {
		for _, c := range source[s.Start:s.Stop] {
			if c >= 0x80 || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z' {
				return true
			}
		}
	}
	return false
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// scan advances past an opener of openLen bytes and looks for the closer
// (closeAt returns its length at line[i:], 0 for none, or -1 to give up)
// over the following lines of the paragraph. It returns the TeX between the
// two as one segment per line. With escapes, the byte after a backslash is
// never a closer, and a backslash before a byte in unescape is left out of
// the TeX. If there is no closer the reader is put back where it was, ok is
// false and stop is the source offset where the search ended.
func scan(block text.Reader, openLen int, closeAt func([]byte, int) int, unescape string, escapes bool) (segs []text.Segment, ok bool, stop int) {
	l, pos := block.Position()
	block.Advance(openLen)
	for {
		line, seg := block.PeekLine()
		if line == nil {
			block.SetPosition(l, pos)
			return nil, false, math.MaxInt
		}
		start := 0
		for i := 0; i < len(line); i++ {
			if n := closeAt(line, i); n > 0 {
				segs = append(segs, subSegment(seg, start, i))
				block.Advance(i + n)
				return segs, true, 0
			} else if n < 0 {
				block.SetPosition(l, pos)
				return nil, false, subSegment(seg, i, i).Start
			}
			if escapes && line[i] == '\\' && i+1 < len(line) {
				if unescape != "" && strings.IndexByte(unescape, line[i+1]) >= 0 {
					segs = append(segs, subSegment(seg, start, i))
					start = i + 1
				}
				i++
			}
		}
		segs = append(segs, subSegment(seg, start, len(line)))
		block.AdvanceLine()
	}
}

// subSegment is the part of seg that holds line[a:b], where line is
// seg.Value(source): a segment may start with padding spaces (a tab expanded
// by a list item) that are not in the source.
func subSegment(seg text.Segment, a, b int) text.Segment {
	p := seg.Padding
	if a >= p {
		return text.NewSegment(seg.Start+a-p, seg.Start+b-p)
	}
	return text.NewSegmentPadding(seg.Start, seg.Start+max(b-p, 0), min(p, b)-a)
}

// newInline builds the node. Empty pieces are dropped so that the TeX is
// exactly the concatenation of the children.
func newInline(pc parser.Context, delim string, display bool, segs []text.Segment) *kast.MathInline {
	n := kast.NewMathInline(delim, display)
	for _, s := range segs {
		if s.Len() > 0 {
			n.AppendChild(n, ast.NewRawTextSegment(s))
		}
	}
	setHasMath(pc)
	return n
}

// trimSpace drops the white space around $$ math, as kramdown does
// (math.rb strips the TeX of both its block and its span math). Besides
// matching kramdown, it keeps "$$\nx\n$$" inside a paragraph on one line,
// \(x\), which is where MathJax and the compat tool look for inline math.
// A space escaped by a backslash (TeX's control space) is kept: dropping it
// would leave a \ that eats the closing delimiter.
func trimSpace(segs []text.Segment, source []byte) []text.Segment {
	for len(segs) > 0 {
		s := segs[0]
		s.Padding = 0 // padding is made of spaces
		for s.Start < s.Stop && isSpace(source[s.Start]) {
			s.Start++
		}
		if s.Start < s.Stop {
			segs[0] = s
			break
		}
		segs = segs[1:]
	}
	for len(segs) > 0 {
		s := segs[len(segs)-1]
		for s.Stop > s.Start && isSpace(source[s.Stop-1]) && !(s.Stop-2 >= s.Start && source[s.Stop-2] == '\\') {
			s.Stop--
		}
		if s.Len() > 0 {
			segs[len(segs)-1] = s
			break
		}
		segs = segs[:len(segs)-1]
	}
	return segs
}
