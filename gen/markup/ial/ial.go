// Package ial implements kramdown's inline attribute lists ({: .class #id
// key="value"}) as a goldmark extension, so that pages written for Jekyll
// (kramdown 2.4.0, kramdown-parser-gfm 1.1.0) render the same:
//
//	[text](url){:target="_blank"}          span IAL: sets attributes on the link
//	![alt](src){: style="width: 60%;"}      on an image, emphasis, code span, ...
//	A paragraph.
//	{: .note}                               block IAL: on the block above it
//
// goldmark's own parser.ParseAttributes cannot be reused: it reads
// {:target="_blank"} as an attribute named ":target" and rejects {: .cls}.
//
// Problems that Jekyll renders silently (typos such as {:taget="_blank"} or a
// missing quote) are rendered exactly as Jekyll did and reported through
// package diag with a suggested fix.
package ial

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// Config holds the options of the extension. The zero value is the
// kramdown-compatible default.
type Config struct {
	// KnownNames are extra attribute names that the typo check accepts, for
	// site-specific attributes that happen to be close to a common one.
	// data-* and aria-* names and standard HTML attributes are always accepted.
	KnownNames []string
}

type extender struct {
	cfg Config
}

// Extension is the extension with the default Config.
var Extension = New(Config{})

// New returns the extension configured by cfg.
func New(cfg Config) goldmark.Extender {
	return &extender{cfg: cfg}
}

// Extend registers the parsers, the transformer and the renderer.
func (e *extender) Extend(m goldmark.Markdown) {
	cfg := &e.cfg
	m.Parser().AddOptions(
		parser.WithBlockParsers(
			// Only block parsers that trigger on '{' compete with this one, and
			// goldmark has none; the paragraph parser has no trigger and is
			// always tried after triggered parsers, whatever its number. 100
			// keeps it ahead of any later '{' parser (a Liquid tag parser would
			// look for "{%" or "{{", which never overlap "{:").
			util.Prioritized(&blockParser{cfg: cfg}, 100),
		),
		parser.WithInlineParsers(
			// Also alone on its trigger '{'. The element an IAL belongs to
			// comes before it in the line, so it is already in the tree when
			// this runs whatever the number; 250 only places it after links
			// (200) in the listing, the order kramdown reads them in.
			util.Prioritized(&spanParser{cfg: cfg}, 250),
		),
		parser.WithASTTransformers(
			// After transformers that restructure blocks, so that the list
			// lands on the final block: mathx's $$ boundary rule (100) may turn
			// a math block back into a paragraph, and it must still see the
			// block IAL line (the marker, whose Pos() is its "{") to know that
			// the math block ends at a boundary. Before transformers that read
			// attributes (goldmark's footnotes use 999). Heading IDs are not a
			// concern here: goldmark generates them while parsing, before any
			// transformer, and the IAL's id then replaces the generated one.
			util.Prioritized(&blockTransformer{cfg: cfg}, 200),
		),
	)
	m.Renderer().AddOptions(
		renderer.WithNodeRenderers(
			// Below the HTML renderer's 1000 so that links and images keep
			// every IAL attribute (goldmark's filters drop e.g. "taget", which
			// Jekyll renders). A later render hook for links must take a lower
			// number and render node.Attributes() the same way.
			util.Prioritized(newRenderer(), 500),
		),
	)
}
