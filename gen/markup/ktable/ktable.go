// Package ktable is goldmark's GFM table extension with kramdown's handling
// of rows that are longer than the header, so that pages written for Jekyll
// (kramdown 2.4.0, kramdown-parser-gfm 1.1.0) keep every cell:
//
//	|   | 本当は正しい | 本当は誤り |
//	|:--|:-------------|:-----------|
//	| 正しいと判断 | ヒット (TP) | 虚報 (FP) | 縦線の左側
//
// GFM drops "縦線の左側" ("the excess is ignored", GFM spec, tables
// extension). kramdown gives the whole table as many columns as its longest
// row: the header and every shorter row are padded with empty cells, and the
// added columns have no alignment (2025ai/2025ai_lect05.md, lines 66-70).
//
// Everything else is goldmark's: its table paragraph transformer builds the
// table, its AST transformer handles \| in code spans, and its renderer
// writes the HTML. Only the cells beyond the header are added here, split
// the way goldmark splits the others, so a table whose rows all fit the
// header renders byte for byte as with extension.Table.
package ktable

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

type ktable struct {
	options []extension.TableOption
}

// Extension replaces extension.Table (and the table part of extension.GFM);
// using both would parse every table twice.
var Extension goldmark.Extender = &ktable{}

// New returns the extension; opts are passed to goldmark's table renderer
// (extension.WithTableCellAlignMethod and extension.WithTableHTMLOptions).
func New(opts ...extension.TableOption) goldmark.Extender {
	return &ktable{options: opts}
}

// Extend registers goldmark's table parts at goldmark's own priorities,
// with the paragraph transformer wrapped.
func (e *ktable) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithParagraphTransformers(
			// 200, as extension.Table: after link reference definitions
			// (100), which may open a paragraph that is otherwise a table.
			// goldmark stops running paragraph transformers once one has
			// replaced the paragraph, so the widening cannot be a transformer
			// of its own that runs later; it wraps goldmark's instead.
			util.Prioritized(paragraphTransformer{gfm: extension.NewTableParagraphTransformer()}, 200),
		),
		parser.WithASTTransformers(
			// 0, as extension.Table: it only splits code-span text at \| in
			// the cells goldmark parsed, after inline parsing, and no other
			// transformer depends on that.
			util.Prioritized(extension.NewTableASTTransformer(), 0),
			// Right after it, the same for the cells added here, which
			// goldmark's list (kept under an unexported context key) lacks.
			util.Prioritized(escapedPipeTransformer{}, 1),
		),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		// 500, as extension.Table: below the HTML renderer's 1000, which
		// has no table functions anyway.
		util.Prioritized(extension.NewTableHTMLRenderer(e.options...), 500),
	))
}
