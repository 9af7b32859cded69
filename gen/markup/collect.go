package markup

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/kogi-course/kogi/gen/markup/diag"
	"github.com/kogi-course/kogi/gen/markup/kast"
	"golang.org/x/net/html"
)

// collect walks the parsed document once and records headings and every
// href/src, including those inside author-written raw HTML. References inside
// HTML comments are not collected: the corpus comments out old links on
// purpose and a browser never loads them.
func collect(doc ast.Node, src []byte, res *Result) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			id, _ := n.AttributeString("id")
			idb, _ := id.([]byte)
			if id != nil && len(idb) == 0 {
				dropEmptyID(n)
			}
			res.Headings = append(res.Headings, Heading{
				Level: n.Level, ID: string(idb), Text: plainText(n, src), Offset: Offset(n),
			})
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			res.HasCode = true
		case *kast.Demo:
			res.Demos = append(res.Demos, Demo{Lang: n.Lang, Name: n.Name, Params: n.Params, Offset: n.Offset})
		case *ast.Link:
			res.Refs = append(res.Refs, Ref{URL: string(n.Destination), Offset: bracket(src, Offset(n), false)})
		case *ast.Image:
			off := bracket(src, Offset(n), true)
			res.Refs = append(res.Refs, Ref{URL: string(n.Destination), Offset: off, Image: true})
			if plainText(n, src) == "" {
				res.Diags = append(res.Diags, noAlt(off))
			}
		case *ast.HTMLBlock:
			// goldmark sets a closure line only when "-->" ends a later line;
			// a one-line comment keeps its end in its own line.
			if n.HTMLBlockType == ast.HTMLBlockType2 && !n.HasClosure() && !bytes.Contains(n.Lines().Value(src), []byte("-->")) {
				res.Diags = append(res.Diags, diag.Diagnostic{Offset: Offset(n), Severity: diag.Warning,
					Msg: "HTML comment is never closed; everything after it is hidden"})
			}
			segs := n.Lines().Sliced(0, n.Lines().Len())
			if n.HasClosure() {
				segs = append(segs, n.ClosureLine)
			}
			htmlRefs(src, segs, res)
		case *ast.RawHTML:
			htmlRefs(src, n.Segments.Sliced(0, n.Segments.Len()), res)
		}
		return ast.WalkContinue, nil
	})
}

// noAlt is the accessibility warning for an image without a text alternative:
// a screen reader, or a reader whose image failed to load, gets nothing. An
// empty alt="" is a deliberate choice for decoration and is accepted.
func noAlt(off int) diag.Diagnostic {
	return diag.Diagnostic{Offset: off, Severity: diag.Warning, Msg: "image has no alt text"}
}

// dropEmptyID removes id="" from a heading whose text had no word
// characters: kramdown writes no id attribute at all there.
func dropEmptyID(n ast.Node) {
	attrs := n.Attributes()
	n.RemoveAttributes()
	for _, a := range attrs {
		if string(a.Name) != "id" {
			n.SetAttribute(a.Name, a.Value)
		}
	}
}

// bracket moves the offset of a link's first text back to its opening "["
// (or "![" for an image) on the same line, so messages point where an author
// looks. It gives up after a short distance: link text can be long markup.
func bracket(src []byte, off int, image bool) int {
	for i := off - 1; i >= 0 && off-i < 256 && src[i] != '\n'; i-- {
		if src[i] == '[' {
			if image && i > 0 && src[i-1] == '!' {
				return i - 1
			}
			return i
		}
	}
	return off
}

// htmlRefs reads the raw HTML made of segs as one piece, so that a comment
// opened on one line hides the tags on the lines after it.
func htmlRefs(src []byte, segs []text.Segment, res *Result) {
	// Most raw HTML in lectures is <br/>, <font> and comments: skip it
	// unless an href or src attribute can be there.
	any := false
	for _, s := range segs {
		if v := s.Value(src); hasRefAttr(v) {
			any = true
			break
		}
	}
	if !any {
		return
	}
	b := joinSegments(src, segs)
	// srcOffset maps a position in b back to the source.
	srcOffset := func(pos int) int {
		for _, s := range segs {
			if pos < s.Len() {
				return s.Start + pos
			}
			pos -= s.Len()
		}
		return -1
	}
	ref := func(pos int, url []byte, image bool) {
		res.Refs = append(res.Refs, Ref{URL: string(url), Offset: srcOffset(pos), Image: image})
	}
	img := func(pos int) { res.Diags = append(res.Diags, noAlt(srcOffset(pos))) }
	nRefs, nDiags := len(res.Refs), len(res.Diags)
	if !scanPlainHTML(b, ref, img) {
		res.Refs, res.Diags = res.Refs[:nRefs], res.Diags[:nDiags]
		tokenizeRefs(b, ref, img)
	}
}

// joinSegments is the text of segs. The lines of an HTML block follow each
// other in the source, so it is usually a slice of src, not a copy.
func joinSegments(src []byte, segs []text.Segment) []byte {
	contiguous := true
	for i, s := range segs {
		if s.Padding != 0 || i > 0 && s.Start != segs[i-1].Stop {
			contiguous = false
			break
		}
	}
	if contiguous && len(segs) > 0 {
		return src[segs[0].Start:segs[len(segs)-1].Stop]
	}
	var b []byte
	for _, s := range segs {
		b = append(b, s.Value(src)...)
	}
	return b
}

// tokenizeRefs calls ref for each href and src attribute in b, and img for
// each image without an alt attribute, at the tag's position in b.
func tokenizeRefs(b []byte, ref func(pos int, url []byte, image bool), img func(pos int)) {
	z := html.NewTokenizer(bytes.NewReader(b))
	pos := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		raw := len(z.Raw())
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			name, hasAttr := z.TagName()
			tag := string(name)
			hasAlt := false
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				key := string(k)
				if key == "href" || key == "src" {
					ref(pos, v, key == "src" && tag != "script" && tag != "iframe")
				}
				hasAlt = hasAlt || key == "alt"
			}
			if tag == "img" && !hasAlt {
				img(pos)
			}
		}
		pos += raw
	}
}

// hasRefAttr reports whether b may hold an href= or src= attribute, in any
// letter case, without allocating.
func hasRefAttr(b []byte) bool {
	for i := 0; i+3 < len(b); i++ {
		if b[i] != '=' {
			continue
		}
		j := i
		for j > 0 && (b[j-1] == ' ' || b[j-1] == '\t') {
			j--
		}
		if j >= 3 && (bytes.EqualFold(b[j-3:j], []byte("src")) || j >= 4 && bytes.EqualFold(b[j-4:j], []byte("href"))) {
			return true
		}
	}
	return false
}

// plainText is the visible text of a heading, for a table of contents.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch t := c.(type) {
			case *ast.Text:
				b.Write(t.Segment.Value(src))
				if t.SoftLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(t.Value)
			case *ast.RawHTML:
				// tags like <a name="x"></a> carry no visible text
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}
