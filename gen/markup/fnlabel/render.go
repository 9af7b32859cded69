package fnlabel

import (
	"strconv"

	gast "github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// htmlRenderer writes kramdown 2.4.0's footnote markup, as Jekyll wrote it
// on 2024ai/2024ai_lect18 and 2025ai/2025ai_lect19 of shared/corpus-jekyll:
//
//	<sup id="fnref:LDA" role="doc-noteref"><a href="#fn:LDA" class="footnote" rel="footnote">1</a></sup>
//	<div class="footnotes" role="doc-endnotes"><ol><li id="fn:LDA" role="doc-endnote">
//	<p>… <a href="#fnref:LDA" class="reversefootnote" role="doc-backlink">&#8617;</a></p></li></ol></div>
//
// kramdown indents the list; goldmark renders nested blocks flush left, and
// the indentation is not content. It has no state: names and numbers come
// from the nodes (see labelTransformer).
type htmlRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (htmlRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFootnoteLink, renderLink)
	reg.Register(ast.KindFootnoteBacklink, renderBacklink)
	reg.Register(ast.KindFootnote, renderFootnote)
	reg.Register(ast.KindFootnoteList, renderList)
}

// anchorName is the name labelTransformer chose for n's note. Without it
// (a tree built by hand) the note's number stands in, as in goldmark.
func anchorName(n gast.Node, index int) string {
	if v, ok := n.AttributeString(attrName); ok {
		if s, ok := v.(string); ok {
			return s
		}
	}
	return strconv.Itoa(index)
}

func renderLink(w util.BufWriter, _ []byte, node gast.Node, entering bool) (gast.WalkStatus, error) {
	if !entering {
		return gast.WalkContinue, nil
	}
	n := node.(*ast.FootnoteLink)
	name := anchorName(n, n.Index)
	_, _ = w.WriteString(`<sup id="fnref:`)
	writeRef(w, name, n.RefIndex)
	_, _ = w.WriteString(`" role="doc-noteref"><a href="#fn:`)
	_, _ = w.WriteString(name)
	_, _ = w.WriteString(`" class="footnote" rel="footnote">`)
	_, _ = w.WriteString(strconv.Itoa(n.Index))
	_, _ = w.WriteString(`</a></sup>`)
	return gast.WalkContinue, nil
}

func renderBacklink(w util.BufWriter, _ []byte, node gast.Node, entering bool) (gast.WalkStatus, error) {
	if !entering {
		return gast.WalkContinue, nil
	}
	n := node.(*ast.FootnoteBacklink)
	// kramdown puts a no-break space before each back link, except the
	// first one in a paragraph of its own (insert_space in footnote_content).
	if n.PreviousSibling() != nil {
		_, _ = w.WriteString("&#160;")
	}
	_, _ = w.WriteString(`<a href="#fnref:`)
	writeRef(w, anchorName(n, n.Index), n.RefIndex)
	_, _ = w.WriteString(`" class="reversefootnote" role="doc-backlink">&#8617;`)
	if n.RefIndex > 0 {
		_, _ = w.WriteString(`<sup>`)
		_, _ = w.WriteString(strconv.Itoa(n.RefIndex + 1))
		_, _ = w.WriteString(`</sup>`)
	}
	_, _ = w.WriteString(`</a>`)
	return gast.WalkContinue, nil
}

// writeRef writes the id of a note's k-th reference, counting from 0:
// kramdown's fnref:name, fnref:name:1, fnref:name:2, … without "fnref:".
func writeRef(w util.BufWriter, name string, k int) {
	_, _ = w.WriteString(name)
	if k > 0 {
		_ = w.WriteByte(':')
		_, _ = w.WriteString(strconv.Itoa(k))
	}
}

// renderFootnote writes the note's <li>. goldmark would also print the
// node's attributes, but nothing in Kogi's pipeline sets any on a Footnote
// (a block IAL in a note lands on the paragraph), and an "id" among them
// would clash with the one kramdown's anchors need.
func renderFootnote(w util.BufWriter, _ []byte, node gast.Node, entering bool) (gast.WalkStatus, error) {
	n := node.(*ast.Footnote)
	if entering {
		_, _ = w.WriteString(`<li id="fn:`)
		_, _ = w.WriteString(anchorName(n, n.Index))
		_, _ = w.WriteString("\" role=\"doc-endnote\">\n")
	} else {
		_, _ = w.WriteString("</li>\n")
	}
	return gast.WalkContinue, nil
}

// renderList writes the list without goldmark's <hr />: kramdown has none.
func renderList(w util.BufWriter, _ []byte, _ gast.Node, entering bool) (gast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString("<div class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n")
	} else {
		_, _ = w.WriteString("</ol>\n</div>\n")
	}
	return gast.WalkContinue, nil
}
