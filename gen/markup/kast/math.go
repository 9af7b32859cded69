// Package kast declares the AST node kinds that Kogi's goldmark extensions
// add. Every kind is declared once, here, so that the extensions, the site
// builder and the tests can refer to it without importing each other.
// The package imports only goldmark/ast, which keeps it a leaf of gen/.
package kast

import (
	"strconv"

	"github.com/yuin/goldmark/ast"
)

// KindMathInline is the NodeKind of MathInline.
var KindMathInline = ast.NewNodeKind("MathInline")

// MathInline is TeX written inside a paragraph, a heading, a list item or a
// table cell: $…$, $$…$$ (kramdown's span math), \(…\) or \[…\].
//
// Its children are raw *ast.Text nodes, one or more per source line the
// TeX spans, like ast.CodeSpan's. The TeX is the concatenation of their
// segment values; nothing in them is Markdown, so renderers must not
// unescape them.
type MathInline struct {
	ast.BaseInline

	// Delimiter is the opening delimiter as written in the source: "$", "$$",
	// `\(` or `\[`. A $$ block that kramdown would not accept as a block
	// (see mathx) also ends up here, with Delimiter "$$".
	Delimiter string

	// Display is true when MathJax should typeset the TeX as display math even
	// though it sits in running text. Only \[…\] sets it: kramdown turns $$…$$
	// inside a paragraph into inline math, and Kogi keeps that.
	Display bool
}

// NewMathInline returns an empty MathInline opened with delimiter.
func NewMathInline(delimiter string, display bool) *MathInline {
	return &MathInline{Delimiter: delimiter, Display: display}
}

// Kind implements ast.Node.Kind.
func (n *MathInline) Kind() ast.NodeKind { return KindMathInline }

// Dump implements ast.Node.Dump.
func (n *MathInline) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{
		"Delimiter": strconv.Quote(n.Delimiter),
		"Display":   strconv.FormatBool(n.Display),
	}, nil)
}

// KindMathBlock is the NodeKind of MathBlock.
var KindMathBlock = ast.NewNodeKind("MathBlock")

// MathBlock is a kramdown math block: $$…$$ standing between block
// boundaries, possibly over many lines. Its Lines hold the TeX between the
// delimiters, byte for byte, except for the white space around it, which
// kramdown strips too, and the indentation or markers of an enclosing list
// item or block quote.
type MathBlock struct {
	ast.BaseBlock

	// Unclosed is true when the enclosing container ended before the closing
	// $$ (the extension reports a diagnostic in that case).
	Unclosed bool
}

// NewMathBlock returns an empty MathBlock.
func NewMathBlock() *MathBlock { return &MathBlock{} }

// Kind implements ast.Node.Kind.
func (n *MathBlock) Kind() ast.NodeKind { return KindMathBlock }

// IsRaw implements ast.Node.IsRaw: the lines are TeX, so goldmark must not
// run the inline parsers over them.
func (n *MathBlock) IsRaw() bool { return true }

// Dump implements ast.Node.Dump.
func (n *MathBlock) Dump(source []byte, level int) {
	var kv map[string]string
	if n.Unclosed {
		kv = map[string]string{"Unclosed": "true"}
	}
	ast.DumpHelper(n, source, level, kv, nil)
}

// KindDollar is the NodeKind of Dollar.
var KindDollar = ast.NewNodeKind("Dollar")

// Dollar is a dollar sign that is text, not math: a price ("$5"), an
// escaped "\$", or a stray "$$". The page still loads MathJax, which would
// pair two such dollars into math, so the renderer marks them to be skipped.
type Dollar struct {
	ast.BaseInline
	Value []byte // "$" or "$$"
}

// NewDollar returns a Dollar node for the literal text v.
func NewDollar(v []byte) *Dollar { return &Dollar{Value: v} }

// Kind implements ast.Node.Kind.
func (n *Dollar) Kind() ast.NodeKind { return KindDollar }

// Dump implements ast.Node.Dump.
func (n *Dollar) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Value": string(n.Value)}, nil)
}
