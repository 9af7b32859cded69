package ial

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"

	"github.com/kogi-course/kogi/gen/markup/diag"
)

// ial is one attribute list found in the source.
type ial struct {
	raw    string // "{:...}" as written
	offset int    // byte offset of "{" in the source given to goldmark
	list   attrList
	cfg    *Config
	typos  map[string]bool // names already reported as typos
}

func newIAL(raw []byte, offset int, cfg *Config) *ial {
	s := string(raw)
	return &ial{raw: s, offset: offset, list: parseAttrList(s[2 : len(s)-1]), cfg: cfg}
}

func warnf(pc parser.Context, offset int, format string, args ...any) {
	diag.Add(pc, diag.Diagnostic{Offset: offset, Severity: diag.Warning, Msg: fmt.Sprintf(format, args...)})
}

// applyTo sets the list's attributes on n the way kramdown's
// update_attr_with_ial does: "class" is appended to the classes n already
// has, any other name replaces the old value but keeps its place.
func (x *ial) applyTo(pc parser.Context, n ast.Node) {
	for _, a := range x.list.attrs {
		value := a.value
		if a.name == "class" {
			if old, ok := n.Attribute([]byte("class")); ok {
				if s := attrString(old); s != "" {
					value = s + " " + value
				}
			}
		}
		n.SetAttribute([]byte(a.name), []byte(value))
	}
	x.lintRendered(pc, n)
}

func attrString(v any) string {
	switch v := v.(type) {
	case []byte:
		return string(v)
	case string:
		return v
	}
	return ""
}

// lintRendered reports attributes that n's renderer will not write. goldmark's
// HTML renderer passes attributes through per-element allow-lists; this
// package's renderer writes every attribute of links and images (as kramdown
// does), but a block or an emphasis keeps goldmark's renderer and its list.
func (x *ial) lintRendered(pc parser.Context, n ast.Node) {
	what, filter := renderedBy(n)
	if what == "" || len(x.list.attrs) == 0 {
		return
	}
	if filter == nil {
		warnf(pc, x.offset, "attribute list %s cannot be applied to %s and is ignored", x.raw, what)
		return
	}
	for _, a := range x.list.attrs {
		name := []byte(a.name)
		if x.typos[a.name] || filter.Contains(name) || bytes.HasPrefix(name, []byte("data-")) {
			continue
		}
		warnf(pc, x.offset, "attribute list %s sets %q, which is not rendered on %s", x.raw, a.name, what)
	}
}

// renderedBy names the element n renders as and the allow-list its renderer
// applies; a nil filter means no attribute is rendered, "" that n is a link or
// image (everything is rendered) or an unknown kind whose renderer decides.
func renderedBy(n ast.Node) (string, util.BytesFilter) {
	switch n.(type) {
	case *ast.Link, *ast.Image:
		return "", nil
	case *ast.Paragraph:
		return "a paragraph", html.ParagraphAttributeFilter
	case *ast.Heading:
		return "a heading", html.HeadingAttributeFilter
	case *ast.List:
		return "a list", html.ListAttributeFilter
	case *ast.ListItem:
		return "a list item", html.ListItemAttributeFilter
	case *ast.Blockquote:
		return "a blockquote", html.BlockquoteAttributeFilter
	case *ast.ThematicBreak:
		return "a horizontal rule", html.ThematicAttributeFilter
	case *ast.Emphasis:
		return "emphasis", html.EmphasisAttributeFilter
	case *ast.CodeSpan:
		return "a code span", html.CodeAttributeFilter
	case *ast.AutoLink:
		return "an autolink", html.LinkAttributeFilter
	case *east.Table:
		return "a table", extension.TableAttributeFilter
	case *east.Strikethrough:
		return "a strikethrough", extension.StrikethroughAttributeFilter
	case *ast.TextBlock:
		// kramdown drops these too: a tight list item's paragraph is
		// "transparent" and its attributes are never written.
		return "the text of a tight list item", nil
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		return "a code block", nil
	case *ast.HTMLBlock, *ast.RawHTML:
		return "raw HTML", nil
	}
	return "", nil
}
