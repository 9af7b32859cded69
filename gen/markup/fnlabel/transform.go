package fnlabel

import (
	"bytes"
	"fmt"

	gast "github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"github.com/kogi-course/kogi/gen/markup/diag"
)

// attrName is the attribute under which labelTransformer leaves a note's
// anchor name on its Footnote, FootnoteLink and FootnoteBacklink nodes. The
// renderer is shared by every document being converted, so what belongs to
// one document has to travel on its nodes. The name is in none of
// goldmark's attribute allow-lists and does not start with "data-", so a
// renderer that prints a node's attributes never prints it.
const attrName = "fnlabel"

// definitionTransformer makes the last definition of a label the one its
// references point to. goldmark links every reference to the first
// definition and drops the rest; kramdown overwrites an earlier definition
// with a later one ("Duplicate footnote name ... overwriting" in
// kramdown/parser/kramdown/footnote.rb).
type definitionTransformer struct{}

func (definitionTransformer) Transform(doc *gast.Document, reader text.Reader, pc parser.Context) {
	list := findList(doc, reader.Source())
	if list == nil {
		return
	}
	seen := map[string]*ast.Footnote{}
	for c := list.FirstChild(); c != nil; c = c.NextSibling() {
		fn, ok := c.(*ast.Footnote)
		if !ok {
			continue
		}
		label := string(fn.Ref)
		if prev, ok := seen[label]; ok {
			// goldmark's transformer (next, at 999) keeps the notes with an
			// index and drops those at -1, so handing over the index is all
			// it takes.
			fn.Index, prev.Index = prev.Index, -1
			diag.Warn(pc, definitionOffset(fn, reader.Source()),
				fmt.Sprintf("footnote [^%s] is defined again; the last definition is used, as in kramdown", label))
		}
		seen[label] = fn
	}
}

// labelTransformer numbers and names the notes the way kramdown's HTML
// converter does (convert_footnote and footnote_content in
// kramdown/converter/html.rb): a note gets its number when the converter
// meets its first reference, walking the text and then the notes in the
// order they were numbered, and the n-th further reference gets the id
// fnref:name:n. goldmark numbers notes in parse order instead, where a
// reference inside a note counts at the note's definition.
type labelTransformer struct {
	prefix string
}

// note is one rendered footnote with its references in kramdown's order.
type note struct {
	fn        *ast.Footnote
	number    int
	links     []*ast.FootnoteLink
	backlinks int // how many of links get a back link
}

func (t *labelTransformer) Transform(doc *gast.Document, reader text.Reader, pc parser.Context) {
	list := findList(doc, reader.Source())
	if list == nil {
		return
	}
	// Links carry goldmark's index of their note; the notes still do too.
	byIndex := map[int]*note{}
	for c := list.FirstChild(); c != nil; c = c.NextSibling() {
		if fn, ok := c.(*ast.Footnote); ok {
			byIndex[fn.Index] = &note{fn: fn}
		}
	}
	var order []*note
	visit := func(root, skip gast.Node) {
		_ = gast.Walk(root, func(n gast.Node, entering bool) (gast.WalkStatus, error) {
			if !entering {
				return gast.WalkContinue, nil
			}
			if n == skip {
				return gast.WalkSkipChildren, nil
			}
			link, ok := n.(*ast.FootnoteLink)
			if !ok {
				return gast.WalkContinue, nil
			}
			nt := byIndex[link.Index]
			if nt == nil {
				return gast.WalkContinue, nil // goldmark only links to notes it keeps
			}
			if nt.number == 0 {
				order = append(order, nt)
				nt.number = len(order)
			}
			nt.links = append(nt.links, link)
			return gast.WalkContinue, nil
		})
	}
	visit(doc, list)
	for i := 0; i < len(order); i++ { // order grows while notes cite notes
		// kramdown writes a note's back links before it converts the note,
		// so a reference inside the note itself or inside a later note has
		// an id but no back link: [^s]: "cites itself[^s]" gets one.
		order[i].backlinks = len(order[i].links)
		visit(order[i].fn, nil)
	}

	// A note cited only from a note that nothing cites is never reached;
	// kramdown does not list it, and goldmark does.
	for _, nt := range byIndex {
		if nt.number == 0 {
			list.RemoveChild(list, nt.fn)
		}
	}
	if len(order) == 0 {
		list.Parent().RemoveChild(list.Parent(), list)
		return
	}

	labels := make([]string, len(order))
	for i, nt := range order {
		labels[i] = string(nt.fn.Ref)
	}
	names := anchorNames(labels, t.prefix)
	src := reader.Source()
	for i, nt := range order {
		name := names[i]
		nt.fn.Index = nt.number
		nt.fn.SetAttributeString(attrName, name)
		for k, link := range nt.links {
			link.Index = nt.number
			link.RefIndex = k
			link.RefCount = len(nt.links)
			link.SetAttributeString(attrName, name)
		}
		placeBacklinks(nt, name)
		list.AppendChild(list, nt.fn) // moves it: the list ends up in kramdown's order
		if !isKramdownName(labels[i]) {
			diag.Warn(pc, definitionOffset(nt.fn, src), fmt.Sprintf(
				"footnote label %q is not a kramdown footnote name (ASCII letters, digits, _ and -); Jekyll shows [^%s] as text",
				labels[i], labels[i]))
		}
	}
	list.Count = len(order)
}

// placeBacklinks replaces goldmark's back links, one per reference, with
// the ones kramdown writes (see note.backlinks). kramdown
// puts them at the end of the note's last paragraph, or in a paragraph of
// their own when the note ends in another block (a list, code) or is empty.
func placeBacklinks(nt *note, name string) {
	removeBacklinks(nt.fn)
	last := nt.fn.LastChild()
	if last != nil && last.Kind() == gast.KindParagraph {
		removeBacklinks(last)
	} else {
		last = gast.NewParagraph()
		nt.fn.AppendChild(nt.fn, last)
	}
	for k := range nt.backlinks {
		bl := ast.NewFootnoteBacklink(nt.number)
		bl.RefIndex = k
		bl.RefCount = len(nt.links)
		bl.SetAttributeString(attrName, name)
		last.AppendChild(last, bl)
	}
}

func removeBacklinks(parent gast.Node) {
	for c := parent.FirstChild(); c != nil; {
		next := c.NextSibling()
		if c.Kind() == ast.KindFootnoteBacklink {
			parent.RemoveChild(parent, c)
		}
		c = next
	}
}

// findList returns the document's footnote list. goldmark creates at most
// one, where the first definition ends (possibly inside a block quote or a
// list item), and its transformer moves it to the end of the document.
func findList(doc *gast.Document, src []byte) *ast.FootnoteList {
	if !bytes.Contains(src, []byte("[^")) {
		// No definition, so no list: skip walking the whole tree, which
		// most pages (56 of the corpus's 65) would otherwise pay twice.
		return nil
	}
	for c := doc.LastChild(); c != nil; c = c.PreviousSibling() {
		if l, ok := c.(*ast.FootnoteList); ok {
			return l
		}
	}
	var list *ast.FootnoteList
	_ = gast.Walk(doc, func(n gast.Node, entering bool) (gast.WalkStatus, error) {
		if l, ok := n.(*ast.FootnoteList); ok && entering {
			list = l
			return gast.WalkStop, nil
		}
		if n.Type() == gast.TypeInline {
			return gast.WalkSkipChildren, nil
		}
		return gast.WalkContinue, nil
	})
	return list
}

// definitionOffset is the offset of "[^label]" that opens fn's definition,
// found by searching back from the note's first text. It is -1 for a note
// without text.
func definitionOffset(fn *ast.Footnote, src []byte) int {
	start := -1
	_ = gast.Walk(fn, func(n gast.Node, entering bool) (gast.WalkStatus, error) {
		if t, ok := n.(*gast.Text); ok && entering {
			start = t.Segment.Start
			return gast.WalkStop, nil
		}
		return gast.WalkContinue, nil
	})
	if start < 0 || start > len(src) {
		return -1
	}
	marker := append(append([]byte("[^"), fn.Ref...), ']')
	return bytes.LastIndex(src[:start], marker)
}
