// Package markup is the only place that turns config.Markup into a goldmark
// pipeline (Hugo's newMarkdown plays the same role). Everything a page needs
// from its Markdown comes back in one Result: HTML, front matter, headings,
// local references for the checker, and the extensions' diagnostics.
package markup

import (
	"bytes"
	"io"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	meta "github.com/yuin/goldmark-meta"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"

	"github.com/kogi-course/kogi/gen/config"
	"github.com/kogi-course/kogi/gen/markup/demoblock"
	"github.com/kogi-course/kogi/gen/markup/diag"
	"github.com/kogi-course/kogi/gen/markup/fnlabel"
	"github.com/kogi-course/kogi/gen/markup/headingid"
	"github.com/kogi-course/kogi/gen/markup/ial"
	"github.com/kogi-course/kogi/gen/markup/ktable"
	"github.com/kogi-course/kogi/gen/markup/linebreak"
	"github.com/kogi-course/kogi/gen/markup/mathx"
	"github.com/kogi-course/kogi/gen/markup/rawhtml"
)

// Converter renders Markdown pages. It is safe for concurrent use: goldmark's
// Markdown is, and all per-document state lives in a fresh parser.Context.
type Converter struct {
	md    goldmark.Markdown // for files with Jekyll front matter
	plain goldmark.Markdown // the same without goldmark-meta
}

// Heading is one heading of a page, for tables of contents and ID checks.
type Heading struct {
	Level  int
	ID     string
	Text   string // plain text, markup removed
	Offset int    // byte offset of the heading in the source
}

// Ref is a local or remote reference (href or src) found in the page.
type Ref struct {
	URL    string
	Offset int  // byte offset in the source, for file:line messages
	Image  bool // src of an image (or other embedded resource)
}

// Result is everything one conversion yields besides the HTML itself.
type Result struct {
	Meta     map[string]any
	MetaErr  error
	Headings []Heading
	Refs     []Ref
	Diags    []diag.Diagnostic
	HasMath  bool
	HasCode  bool
	Demos    []Demo
}

// Demo is a ```demo or ```gallery block of the page.
type Demo struct {
	Lang   string // "demo" or "gallery"
	Name   string
	Params map[string]string
	Offset int // of the block's info string, for file:line messages
}

// Option changes how New wires the converter.
type Option func(*options)

type options struct {
	demo    demoblock.RenderFunc
	hlCache *HighlightCache
}

// WithDemoRenderer renders ```demo blocks with fn; without it they become
// placeholder figures.
func WithDemoRenderer(fn demoblock.RenderFunc) Option {
	return func(o *options) { o.demo = fn }
}

// New wires goldmark with the extensions cfg switches on.
func New(cfg config.Markup, opts ...Option) *Converter {
	var o options
	for _, fn := range opts {
		fn(&o)
	}
	exts := []goldmark.Extender{
		// Before highlighting sees the block: a demo is not code.
		demoblock.New(demoblock.Config{Render: o.demo}),
		// kramdown keeps cells beyond the header; GFM would drop them.
		// Alignment as a style attribute, as kramdown writes it (align= is
		// obsolete HTML).
		ktable.New(extension.WithTableCellAlignMethod(extension.TableCellAlignStyle)),
		extension.Strikethrough,
		extension.TaskList,
		extension.Footnote,
		fnlabel.Extension, // kramdown's #fn:label anchors, so old links keep working
		extension.DefinitionList,
		linebreak.Extension, // Japanese lines joined in the source get no space
		mathx.Extension,
		ial.Extension,
	}
	if cfg.Linkify {
		exts = append(exts, extension.Linkify)
	}
	if cfg.Highlight {
		// Changing these options? hlVersion names them in the cache key.
		hlOpts := []highlighting.Option{highlighting.WithFormatOptions(chromahtml.WithClasses(true))}
		if o.hlCache != nil {
			exts = append(exts, cachedHighlighting{hlOpts, o.hlCache})
		} else {
			exts = append(exts, highlighting.NewHighlighting(hlOpts...))
		}
	}
	var ropts []goldmark.Option
	if cfg.Unsafe {
		ropts = append(ropts, goldmark.WithRendererOptions(html.WithUnsafe()))
		exts = append(exts, rawhtml.Extension)
	}
	// kramdown writes XHTML-style void tags (<br />, <hr />); so do we, so
	// that diffs against the old site show only real differences.
	ropts = append(ropts, goldmark.WithRendererOptions(html.WithXHTML()))
	gopts := append([]goldmark.Option{
		goldmark.WithExtensions(exts...),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	}, ropts...)
	// goldmark-meta opens front matter on any line of dashes at the top,
	// even "-" or "--" (a list item, CommonMark example 46), while Jekyll
	// needs "---" and a closing line. So meta only runs on files that
	// SplitFrontMatter says have front matter.
	withMeta := append(gopts, goldmark.WithExtensions(meta.Meta))
	return &Converter{md: goldmark.New(withMeta...), plain: goldmark.New(gopts...)}
}

// Convert renders src (a whole file, front matter included, so that every
// offset in the Result is a file offset) to w.
func (c *Converter) Convert(src []byte, w io.Writer) (Result, error) {
	md := c.plain
	if hasFrontMatter(src) {
		md = c.md
	}
	pc := parser.NewContext(parser.WithIDs(headingid.New()))
	doc := md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	var res Result
	res.Meta, res.MetaErr = meta.TryGet(pc)
	collect(doc, src, &res)
	res.HasMath = mathx.HasMath(pc)
	if err := md.Renderer().Render(w, src, doc); err != nil {
		return res, err
	}
	res.Diags = append(diag.List(pc), res.Diags...)
	return res, nil
}

// ConvertString is Convert into a string, for tests.
func (c *Converter) ConvertString(src string) (string, Result, error) {
	var buf bytes.Buffer
	res, err := c.Convert([]byte(src), &buf)
	return buf.String(), res, err
}

// Offset finds the best source offset for n: its own lines for blocks,
// the first text segment below it for inlines, else its parent's.
func Offset(n ast.Node) int {
	for ; n != nil; n = n.Parent() {
		if n.Type() == ast.TypeBlock || n.Type() == ast.TypeDocument {
			if l := n.Lines(); l != nil && l.Len() > 0 {
				return l.At(0).Start
			}
		}
		if off := firstText(n); off >= 0 {
			return off
		}
	}
	return -1
}

func firstText(n ast.Node) int {
	switch t := n.(type) {
	case *ast.Text:
		return t.Segment.Start
	case *ast.RawHTML:
		if t.Segments.Len() > 0 {
			return t.Segments.At(0).Start
		}
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if off := firstText(c); off >= 0 {
			return off
		}
	}
	return -1
}
