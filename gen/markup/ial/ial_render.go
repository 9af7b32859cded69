package ial

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// linkRenderer renders links and images that carry attributes. goldmark's
// renderer writes only the names in LinkAttributeFilter / ImageAttributeFilter,
// which would drop "taget" from {:taget="_blank"}; Jekyll writes every IAL
// attribute, and 2025ai/index.md shows it doing so. Nodes without attributes
// go to goldmark's own functions, so their output is goldmark's by
// construction.
type linkRenderer struct {
	html.Config
	// base is goldmark's HTML renderer, configured with the same options
	// (SetOption forwards them); its functions render plain links and the
	// alt text of images.
	base  *html.Renderer
	funcs map[ast.NodeKind]renderer.NodeRendererFunc
}

func newRenderer() renderer.NodeRenderer {
	r := &linkRenderer{
		Config: html.NewConfig(),
		base:   html.NewRenderer().(*html.Renderer),
		funcs:  map[ast.NodeKind]renderer.NodeRendererFunc{},
	}
	r.base.RegisterFuncs(funcCollector(r.funcs))
	return r
}

type funcCollector map[ast.NodeKind]renderer.NodeRendererFunc

func (c funcCollector) Register(k ast.NodeKind, f renderer.NodeRendererFunc) { c[k] = f }

// SetOption receives the goldmark.WithRendererOptions values (XHTML, Unsafe,
// hard wraps, ...) for this renderer and for the wrapped one.
func (r *linkRenderer) SetOption(name renderer.OptionName, value any) {
	r.Config.SetOption(name, value)
	r.base.SetOption(name, value)
}

func (r *linkRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindLink, r.renderLink)
	reg.Register(ast.KindImage, r.renderImage)
	// The markers are removed while parsing; should one survive (a
	// transformer that copies nodes, say), it renders as nothing instead of
	// indexing past goldmark's table of renderer functions.
	reg.Register(kindSpanMarker, renderNothing)
	reg.Register(kindBlockMarker, renderNothing)
}

func renderNothing(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
	return ast.WalkSkipChildren, nil
}

var (
	nameHref  = []byte("href")
	nameSrc   = []byte("src")
	nameAlt   = []byte("alt")
	nameTitle = []byte("title")
)

// renderLink writes the attributes in kramdown's order: href, the link's own
// title, then the IAL's names in the order they first appeared. An IAL may
// replace href or title (kramdown merges into the same hash); the replaced
// value keeps its place and href still goes through IsDangerousURL.
func (r *linkRenderer) renderLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	if n.Attributes() == nil {
		return r.funcs[ast.KindLink](w, source, node, entering)
	}
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<a href="`)
	r.writeURL(w, n, nameHref, n.Destination)
	_ = w.WriteByte('"')
	r.writeTitle(w, n, n.Title)
	r.writeAttributes(w, n, n.Title != nil, nameHref)
	_ = w.WriteByte('>')
	return ast.WalkContinue, nil
}

// renderImage is renderLink for <img>: src, alt, the image's own title, then
// the IAL's names. Jekyll: ![Bellman](...){: style="width: 60%;" class="center"}
// becomes <img src="..." alt="Bellman" style="width: 60%;" class="center" />.
func (r *linkRenderer) renderImage(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Image)
	if n.Attributes() == nil {
		return r.funcs[ast.KindImage](w, source, node, entering)
	}
	if !entering {
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<img src="`)
	r.writeURL(w, n, nameSrc, n.Destination)
	_, _ = w.WriteString(`" alt="`)
	if v, ok := n.Attribute(nameAlt); ok {
		_, _ = w.Write(util.EscapeHTML(attrBytes(v)))
	} else {
		r.writeAlt(w, source, n)
	}
	_ = w.WriteByte('"')
	r.writeTitle(w, n, n.Title)
	r.writeAttributes(w, n, n.Title != nil, nameSrc, nameAlt)
	if r.XHTML {
		_, _ = w.WriteString(" />")
	} else {
		_ = w.WriteByte('>')
	}
	return ast.WalkSkipChildren, nil
}

// writeURL writes the destination, or the IAL's replacement for it, escaped
// as goldmark does; a dangerous URL (javascript: and the like) is left empty
// unless the renderer is unsafe.
func (r *linkRenderer) writeURL(w util.BufWriter, n ast.Node, name, dest []byte) {
	if v, ok := n.Attribute(name); ok {
		// The IAL value has its references resolved already.
		dest = util.URLEscape(attrBytes(v), false)
	} else {
		dest = util.URLEscape(dest, true)
	}
	if r.Unsafe || !html.IsDangerousURL(dest) {
		_, _ = w.Write(util.EscapeHTML(dest))
	}
}

func (r *linkRenderer) writeTitle(w util.BufWriter, n ast.Node, title []byte) {
	if title == nil {
		return
	}
	_, _ = w.WriteString(` title="`)
	if v, ok := n.Attribute(nameTitle); ok {
		_, _ = w.Write(util.EscapeHTML(attrBytes(v)))
	} else {
		r.Writer.Write(w, title)
	}
	_ = w.WriteByte('"')
}

// writeAttributes writes every attribute except those already written. Names
// are checked to be plain attribute names (IAL names always are; this guards
// against other sources), and event handlers need the unsafe option, the
// same condition goldmark applies to raw HTML.
func (r *linkRenderer) writeAttributes(w util.BufWriter, n ast.Node, titleDone bool, skip ...[]byte) {
	for _, a := range n.Attributes() {
		if !validName(a.Name) || (titleDone && bytes.Equal(a.Name, nameTitle)) {
			continue
		}
		if !r.Unsafe && len(a.Name) > 2 && bytes.EqualFold(a.Name[:2], []byte("on")) {
			continue
		}
		skipped := false
		for _, s := range skip {
			skipped = skipped || bytes.Equal(a.Name, s)
		}
		if skipped {
			continue
		}
		_ = w.WriteByte(' ')
		_, _ = w.Write(a.Name)
		_, _ = w.WriteString(`="`)
		_, _ = w.Write(util.EscapeHTML(attrBytes(a.Value)))
		_ = w.WriteByte('"')
	}
}

// writeAlt renders the image description as goldmark's renderTexts does: the
// text and string nodes, at any depth, through goldmark's own functions.
func (r *linkRenderer) writeAlt(w util.BufWriter, source []byte, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c.Kind() {
		case ast.KindText, ast.KindString:
			_, _ = r.funcs[c.Kind()](w, source, c, true)
		default:
			r.writeAlt(w, source, c)
		}
	}
}

func attrBytes(v any) []byte {
	switch v := v.(type) {
	case []byte:
		return v
	case string:
		return []byte(v)
	}
	return nil
}

func validName(name []byte) bool {
	if len(name) == 0 || !isWord(name[0]) {
		return false
	}
	for _, c := range name {
		if !isWord(c) && c != '-' && c != ':' && c != '.' {
			return false
		}
	}
	return true
}
