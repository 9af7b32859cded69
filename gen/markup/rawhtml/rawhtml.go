// Package rawhtml renders HTML blocks as the author wrote them, with one
// kramdown behaviour added: an autolink such as <https://example.com> inside
// a <div> is text to kramdown, which escapes it, so the old site showed it.
// Passed through raw, a browser takes it for an unknown tag and the URL
// vanishes (2025ai_lect17.md: "source: <http://karpathy.github.io/…>").
// Kogi shows the same text and makes it a link.
package rawhtml

import (
	"regexp"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

type rawHTML struct{}

// Extension is ready to pass to goldmark.WithExtensions. Use it only with
// html.WithUnsafe(): without it goldmark omits raw HTML and so must we.
var Extension goldmark.Extender = rawHTML{}

// New returns the extension; it has no options.
func New() goldmark.Extender { return rawHTML{} }

func (rawHTML) Extend(m goldmark.Markdown) {
	// 500 beats goldmark's HTML renderer (1000) for HTML blocks.
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(blockRenderer{}, 500)))
}

type blockRenderer struct{}

func (blockRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHTMLBlock, render)
}

// reAutolink is CommonMark's absolute-URI autolink: a scheme of 2-32
// characters, a colon, and no spaces or angle brackets.
var reAutolink = regexp.MustCompile(`<([A-Za-z][A-Za-z0-9.+-]{1,31}:[^\s<>]*)>`)

func render(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.HTMLBlock)
	// Script, style, pre and textarea blocks (type 1) are raw text for the
	// browser too, and comments (type 2) are hidden: leave them alone.
	fix := n.HTMLBlockType != ast.HTMLBlockType1 && n.HTMLBlockType != ast.HTMLBlockType2
	if entering {
		for i := 0; i < n.Lines().Len(); i++ {
			line := n.Lines().At(i)
			write(w, line.Value(source), fix)
		}
	} else if n.HasClosure() {
		closure := n.ClosureLine
		write(w, closure.Value(source), fix)
	}
	return ast.WalkContinue, nil
}

func write(w util.BufWriter, line []byte, fix bool) {
	if !fix || !reAutolink.Match(line) {
		html.DefaultWriter.SecureWrite(w, line)
		return
	}
	last := 0
	for _, m := range reAutolink.FindAllSubmatchIndex(line, -1) {
		html.DefaultWriter.SecureWrite(w, line[last:m[0]])
		url := line[m[2]:m[3]]
		w.WriteString("&lt;<a href=\"")
		if !html.IsDangerousURL(url) {
			w.Write(util.EscapeHTML(util.URLEscape(url, false)))
		}
		w.WriteString("\">")
		w.Write(util.EscapeHTML(url))
		w.WriteString("</a>&gt;")
		last = m[1]
	}
	html.DefaultWriter.SecureWrite(w, line[last:])
}
