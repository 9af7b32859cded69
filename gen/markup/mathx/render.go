package mathx

import (
	"bytes"
	"github.com/kogi-course/kogi/gen/markup/kast"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// mathRenderer writes math the way kramdown 2.4's MathJax engine does
// (converter/math_engine/mathjax.rb): \(…\) for span math and \[…\] for
// block math, with only & < > escaped, inside an element whose class says
// which it is. MathJax reads the delimiters; the class is for CSS and for
// tests, and lets a page's MathJax config ignore $ in prose altogether.
type mathRenderer struct{}

func (r *mathRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kast.KindMathInline, r.renderInline)
	reg.Register(kast.KindMathBlock, r.renderBlock)
	reg.Register(kast.KindDollar, r.renderDollar)
}

func (r *mathRenderer) renderInline(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*kast.MathInline)
	open, close, class := `\(`, `\)`, "math inline"
	if n.Display {
		open, close, class = `\[`, `\]`, "math display"
	}
	_, _ = w.WriteString("<span")
	writeAttributes(w, n, class)
	_, _ = w.WriteString(open)
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			escapeTeX(w, t.Segment.Value(source))
		}
	}
	_, _ = w.WriteString(close)
	_, _ = w.WriteString("</span>")
	return ast.WalkSkipChildren, nil
}

func (r *mathRenderer) renderBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	lines := node.Lines()
	class := "math display"
	if definesOnly(lines.Value(source)) {
		// The \newcommand block at the top of a lecture typesets to
		// nothing but a display's margins: the class lets CSS hide it.
		class = "math display macros"
	}
	_, _ = w.WriteString("<div")
	writeAttributes(w, node, class)
	_, _ = w.WriteString(`\[`)
	for i := range lines.Len() {
		s := lines.At(i)
		escapeTeX(w, s.Value(source))
	}
	_, _ = w.WriteString("\\]</div>\n")
	return ast.WalkSkipChildren, nil
}

// mathAttributeFilter is the allow-list for attributes that another
// extension (an IAL such as {: #eq-bayes}) sets on a math node. class is
// missing on purpose: writeAttributes merges it with ours. data-* passes
// RenderAttributes anyway.
var mathAttributeFilter = util.NewBytesFilterString("id,title,lang,dir,style,role")

// writeAttributes writes ` class="…"`, with a class set by another
// extension after ours, then the allowed attributes, then ">".
func writeAttributes(w util.BufWriter, n ast.Node, class string) {
	_, _ = w.WriteString(` class="`)
	_, _ = w.WriteString(class)
	if v, ok := n.AttributeString("class"); ok {
		var b []byte
		switch v := v.(type) {
		case []byte:
			b = v
		case string:
			b = []byte(v)
		}
		if len(b) > 0 {
			_ = w.WriteByte(' ')
			_, _ = w.Write(util.EscapeHTML(b))
		}
	}
	_ = w.WriteByte('"')
	if n.Attributes() != nil {
		html.RenderAttributes(w, n, mathAttributeFilter)
	}
	_ = w.WriteByte('>')
}

// escapeTeX writes tex with & < > as entities, kramdown's escape_html for
// text. Quotes stay as they are, as in kramdown's output.
func escapeTeX(w util.BufWriter, tex []byte) {
	last := 0
	for i, c := range tex {
		var e string
		switch c {
		case '&':
			e = "&amp;"
		case '<':
			e = "&lt;"
		case '>':
			e = "&gt;"
		default:
			continue
		}
		_, _ = w.Write(tex[last:i])
		_, _ = w.WriteString(e)
		last = i + 1
	}
	_, _ = w.Write(tex[last:])
}

// renderDollar writes a text dollar inside a span MathJax is told to skip
// (ignoreHtmlClass "nomath" in the layout), so "$5 and $10" stays text.
func (r *mathRenderer) renderDollar(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w.WriteString(`<span class="nomath">`)
		w.Write(node.(*kast.Dollar).Value)
		w.WriteString(`</span>`)
	}
	return ast.WalkSkipChildren, nil
}

// definesOnly reports whether tex holds nothing but macro definitions
// (\newcommand, \renewcommand, \def) and white space.
func definesOnly(tex []byte) bool {
	rest := bytes.TrimSpace(tex)
	if len(rest) == 0 {
		return false
	}
	for len(rest) > 0 {
		var n int
		switch {
		case bytes.HasPrefix(rest, []byte(`\newcommand`)):
			n = len(`\newcommand`)
		case bytes.HasPrefix(rest, []byte(`\renewcommand`)):
			n = len(`\renewcommand`)
		case bytes.HasPrefix(rest, []byte(`\def`)):
			n = len(`\def`)
		default:
			return false
		}
		rest = rest[n:]
		// The macro name, an optional [n], then one or two brace groups
		// (\def has its parameter text before the body).
		for len(rest) > 0 && rest[0] != '{' && rest[0] != '\n' {
			if rest[0] == '\\' || rest[0] == '[' || rest[0] == ']' || rest[0] == '#' || rest[0] == ' ' ||
				(rest[0] >= '0' && rest[0] <= '9') || (rest[0]|0x20 >= 'a' && rest[0]|0x20 <= 'z') {
				rest = rest[1:]
				continue
			}
			return false
		}
		for groups := 0; groups < 2 && len(rest) > 0 && rest[0] == '{'; groups++ {
			end := closingBrace(rest)
			if end < 0 {
				return false
			}
			rest = rest[end+1:]
			// "{\name}[1]{body}": after the name group, an argument count.
			if i := bytes.IndexByte(rest, '{'); i > 0 && bytes.Trim(rest[:i], "[]0123456789 ") == nil {
				rest = rest[i:]
			}
		}
		rest = bytes.TrimSpace(rest)
	}
	return true
}

// closingBrace is the index of the brace closing b[0], or -1.
func closingBrace(b []byte) int {
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
