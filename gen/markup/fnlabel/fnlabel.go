// Package fnlabel renders goldmark's footnotes the way kramdown 2.4.0 does,
// so that the anchors of the old Jekyll site keep working: a note is named
// after its label, not its number.
//
//	LDA[^LDA]      <sup id="fnref:LDA" role="doc-noteref"><a href="#fn:LDA" class="footnote" rel="footnote">1</a></sup>
//	[^LDA]: text   <li id="fn:LDA" role="doc-endnote"><p>text&#160;<a href="#fnref:LDA" class="reversefootnote" role="doc-backlink">&#8617;</a></p></li>
//
// goldmark's extension.Footnote still parses the notes; it must be
// registered too. This package replaces its renderer (goldmark writes
// #fn:1, #fnref:1 and an <hr />) and adjusts its tree to kramdown's rules:
//
//   - notes are numbered and listed in the order kramdown converts their
//     first reference: the text first, then the notes themselves, so a note
//     cited only inside another note comes after all notes cited in the text;
//   - the second and later references to a note get ids fnref:x:1,
//     fnref:x:2, …, and the note gets one back link for each
//     (&#8617;<sup>2</sup>, …);
//   - when a label is defined twice, the last definition wins;
//   - a note that does not end in a paragraph gets its back links in a
//     paragraph of their own.
//
// kramdown only accepts ASCII labels (\w[\w-]*, and Ruby's \w is ASCII).
// goldmark accepts any label, so [^注1] or [^a b] is a note here but plain
// text on the old site. Such notes are still rendered, with an id made from
// the label (see anchorID), and a warning is recorded with gen/markup/diag.
package fnlabel

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// Config holds the options of the extension. The zero value is kramdown's
// default.
type Config struct {
	// Prefix is put in front of every note's name in ids and links, like
	// kramdown's footnote_prefix option ("" by default): with Prefix "p1-",
	// [^LDA] links to #fn:p1-LDA. Use it when several documents share one
	// HTML page. Characters not allowed in a note name are replaced by "-".
	Prefix string
}

type fnlabel struct {
	cfg Config
}

// Extension is the extension with the default Config. extension.Footnote
// must be registered too (extension.GFM does not include it); which of the
// two comes first in WithExtensions does not matter, the priorities below
// order their parts.
var Extension = New(Config{})

// New returns the extension configured by cfg.
func New(cfg Config) goldmark.Extender {
	cfg.Prefix = replaceUnsafe(cfg.Prefix)
	return &fnlabel{cfg: cfg}
}

const (
	// definitionPriority: before goldmark's footnote transformer (999),
	// which drops every definition that no reference points to; a later
	// duplicate definition must take over the first one's references
	// before that happens.
	definitionPriority = 998

	// labelPriority: after goldmark's footnote transformer (999), which
	// moves the list to the end of the document, drops unused notes and
	// appends the back links this transformer renumbers and names.
	labelPriority = 1000

	// rendererPriority: below goldmark's footnote renderer (500) for the
	// same four kinds, so that ours is the one registered; the lower number
	// wins.
	rendererPriority = 400
)

// Extend implements goldmark.Extender.
func (e *fnlabel) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(
		util.Prioritized(definitionTransformer{}, definitionPriority),
		util.Prioritized(&labelTransformer{prefix: e.cfg.Prefix}, labelPriority),
	))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(htmlRenderer{}, rendererPriority),
	))
}
