// Package mathx is a goldmark extension for the TeX that Kogi's lecture
// notes carry: kramdown's $$…$$ (block and span) plus the $…$, \(…\) and
// \[…\] that MathJax used to find in the text of the old Jekyll site.
//
// Math is parsed once, in one piece, and never seen by the Markdown parsers:
// no <em> from _ or *, no lost \\ or \{, no entity decoding. It is rendered
// the way kramdown 2.4's MathJax engine renders it, \(…\) and \[…\] with
// & < > escaped, wrapped in an element that says which it is:
//
//	<span class="math inline">\(TeX\)</span>
//	<span class="math display">\[TeX\]</span>    \[…\] inside a paragraph
//	<div class="math display">\[TeX\]</div>      a $$ block
//
// Problems (an unclosed $$) are recorded with gen/markup/diag, and HasMath
// tells the caller whether the page needs MathJax at all.
package mathx

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// Config selects which delimiters besides kramdown's $$ are math. The zero
// value accepts only $$; NewConfig returns what the corpus needs.
type Config struct {
	// SingleDollar makes $…$ inline math. kramdown ignores it, but MathJax on
	// the old site read it from the rendered text, so nearly all inline math
	// in the corpus is written this way. See inline.go for the rule that
	// keeps "$5 and $10" plain text.
	SingleDollar bool

	// Backslash makes \(…\) inline math and \[…\] display math (shown as
	// display math inside the paragraph). kramdown itself reads \( and \[
	// as escaped punctuation, so TeX without a letter or digit ("\[\\\]")
	// is left alone, and sources that write \[注\] for a literal bracket
	// should turn this off. No corpus page writes \( or \[ outside $…$.
	Backslash bool

	// DollarUnescape lists punctuation whose backslash escape is dropped
	// inside $…$. kramdown processed $…$ as Markdown before MathJax saw it, so
	// authors escaped brackets there: $\gamma \in \[0,1\]$ in
	// 2024ai/2024ai_lect24.md:521 and 2024ai/2024ai_lect05.md:374 reached
	// MathJax as \gamma \in [0,1]. \[ is not valid TeX in math mode, so
	// dropping that backslash can only help; other escapes (\{, \|, \\) are
	// valid TeX and are kept, undoing kramdown's mangling of them.
	DollarUnescape string
}

// NewConfig returns the configuration Kogi uses for kramdown pages written
// for MathJax: all delimiters on, \[ and \] unescaped inside $…$.
func NewConfig() Config {
	return Config{SingleDollar: true, Backslash: true, DollarUnescape: "[]"}
}

type mathx struct {
	cfg Config
}

// Extension is the extension with NewConfig's settings.
var Extension = New(NewConfig())

// New returns the extension configured by c.
func New(c Config) goldmark.Extender {
	return &mathx{cfg: c}
}

// Priorities. goldmark offers a position to the inline parsers registered
// for the byte found there, lowest number first, so a number only decides
// between parsers that share a trigger byte; whichever construct starts
// first in the text wins otherwise. That gives kramdown's behaviour, where
// the earliest span start wins: `$x$` is code because the backtick comes
// first, $`x`$ is math, and since the whole span is consumed in one Parse
// call, emphasis never sees a _ or * inside math. [link $x$](u) is a link
// holding math ([ only pushes a bracket, the math is parsed inside it), and
// $[a](b)$ is math.
const (
	// inlinePriority: above code spans (100) so that, should a code span
	// parser ever also trigger on $ or \, code still wins as kramdown's does;
	// below links (200) and emphasis (500) so math is taken before anything
	// that could split it.
	inlinePriority = 150

	// blockPriority: $ triggers no default block parser, so this only has to
	// beat the paragraph parser (1000), which goldmark tries after all the
	// triggered ones anyway. It sits next to fenced code (700), the block it
	// resembles.
	blockPriority = 710

	// transformPriority: kramdown's block-boundary rule must be applied
	// before transformers that look at block math (an IAL {: …} attaching to
	// the block, say), so run early.
	transformPriority = 100

	// rendererPriority: below the HTML renderer (1000), which does not know
	// these kinds anyway; 500 is what goldmark's own extensions use.
	rendererPriority = 500
)

// Extend implements goldmark.Extender.
func (e *mathx) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithBlockParsers(util.Prioritized(&blockParser{}, blockPriority)),
		parser.WithInlineParsers(util.Prioritized(&inlineParser{cfg: e.cfg}, inlinePriority)),
		parser.WithASTTransformers(util.Prioritized(&boundaryTransformer{}, transformPriority)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(&mathRenderer{}, rendererPriority),
	))
}

// hasMathKey marks a document that contains math. It lives in the
// parser.Context because it belongs to one document, not to the extension.
var hasMathKey = parser.NewContextKey()

// HasMath reports whether the document parsed with pc contains math: a math
// node, or raw HTML with $ or \( or \[ in it, which MathJax on the old site
// typeset too (kramdown copies HTML blocks verbatim). The site builder loads
// MathJax only on such pages. Pass the same pc to goldmark with
// parser.WithContext.
func HasMath(pc parser.Context) bool {
	return pc.Get(hasMathKey) != nil
}

func setHasMath(pc parser.Context) {
	pc.Set(hasMathKey, true)
}
