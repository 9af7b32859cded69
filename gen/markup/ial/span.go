package ial

import (
	"bytes"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// spanMarker stands where a span IAL was consumed until the block's inline
// parsing ends. The element it belongs to is only known then: after
// "*a*{: .c}" the previous node is still a delimiter, and only
// ProcessDelimiters (run at the end of the block) turns it into an Emphasis.
// CloseBlock applies the list and removes the marker, so it never reaches a
// renderer or another extension; that is why its kind is private to this
// package rather than declared in kast.
type spanMarker struct {
	ast.BaseInline
	x   *ial
	seg text.Segment // the "{:...}" source, put back as text when nothing takes it
	// target is set for a list item IAL; otherwise the list belongs to the
	// element before the marker.
	target ast.Node
}

var kindSpanMarker = ast.NewNodeKind("IALSpanMarker")

func (n *spanMarker) Kind() ast.NodeKind { return kindSpanMarker }

func (n *spanMarker) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"IAL": n.x.raw}, nil)
}

var spanMarkersKey = parser.NewContextKey()

type spanParser struct{ cfg *Config }

func (p *spanParser) Trigger() []byte { return []byte{'{'} }

// Parse consumes "{:...}" when it directly follows an element. kramdown's
// parse_span_extensions applies a span IAL to the last element unless that is
// text; after text it warns and emits the "{" as text. Here "element" is any
// inline node that is not text: links, images, code spans, autolinks,
// delimiters that may become emphasis, and other extensions' nodes.
func (p *spanParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if isExtension(line) {
		n := extensionLen(line)
		warnf(pc, seg.Start, "kramdown extension %s is not supported and is left as text", line[:n])
		return nil
	}
	// A failed search for "}" is remembered: without that a long line of
	// "{:" openers and no closer costs quadratic time (a fuzz finding).
	memo, _ := pc.Get(noCloseKey).(*noClose)
	if memo != nil && seg.Start >= memo.from && seg.Start < memo.until {
		return nil
	}
	n := spanEnd(line)
	if n == 0 {
		if bytes.IndexByte(line, '}') < 0 {
			if memo == nil {
				memo = &noClose{}
				pc.Set(noCloseKey, memo)
			}
			memo.from, memo.until = seg.Start, seg.Start+len(line)
		}
		return nil
	}
	x := newIAL(line[:n], seg.Start, p.cfg)
	var target ast.Node
	if li := listItemStart(parent, seg.Start); li != nil {
		// kramdown's LIST_ITEM_IAL: "* {: .c} text" sets class="c" on the
		// <li>, and the white space after the list goes with it.
		target = li
		for n < len(line) && (line[n] == ' ' || line[n] == '\t') {
			n++
		}
	} else if !takesSpanIAL(parent.LastChild()) {
		// Text in kramdown too. Report it only when the braces clearly are an
		// attribute list, not prose or TeX such as "\text{: ...}".
		if !x.list.empty() && len(x.list.gaps) == 0 {
			warnf(pc, x.offset, "attribute list %s follows text, not a link or other element, and is left as text", x.raw)
		}
		return nil
	}
	x.lint(pc)
	block.Advance(n)
	m := &spanMarker{x: x, seg: text.NewSegment(seg.Start, seg.Start+n), target: target}
	list, _ := pc.Get(spanMarkersKey).([]*spanMarker)
	pc.Set(spanMarkersKey, append(list, m))
	return m
}

// noClose records a stretch of the source, from one "{:" to the end of its
// line, that holds no "}".
type noClose struct{ from, until int }

var noCloseKey = parser.NewContextKey()

// takesSpanIAL reports whether an IAL right after n is kramdown's "after an
// element" case.
func takesSpanIAL(n ast.Node) bool {
	switch n.(type) {
	case nil, *ast.Text, *ast.String:
		return false
	}
	// goldmark's link parser keeps an unexported placeholder for an open "["
	// until it sees "]". An IAL right after it is the first thing in a link
	// text, where kramdown has no previous element either.
	return n.Kind().String() != "LinkLabelState"
}

// listItemStart returns the list item whose content starts at pos in parent,
// the item's first paragraph (a text block if the list is tight).
func listItemStart(parent ast.Node, pos int) ast.Node {
	li, ok := parent.Parent().(*ast.ListItem)
	if !ok || li.FirstChild() != parent || parent.HasChildren() {
		return nil
	}
	if lines := parent.Lines(); lines.Len() == 0 || lines.At(0).Start != pos {
		return nil
	}
	return li
}

// CloseBlock runs after ProcessDelimiters, so emphasis and strikethrough
// exist now. Markers are resolved in source order, so "{: .a}{: .b}" gives
// class="a b" as in kramdown.
func (p *spanParser) CloseBlock(parent ast.Node, block text.Reader, pc parser.Context) {
	list, _ := pc.Get(spanMarkersKey).([]*spanMarker)
	if len(list) == 0 {
		return
	}
	pc.Set(spanMarkersKey, nil)
	for _, m := range list {
		if m.target != nil {
			m.x.applyTo(pc, m.target)
			continue
		}
		target := m.PreviousSibling()
		for {
			if prev, ok := target.(*spanMarker); ok {
				target = prev.PreviousSibling()
				continue
			}
			break
		}
		if target == nil || !takesSpanIAL(target) {
			// A delimiter that did not become emphasis is text now.
			warnf(pc, m.x.offset, "attribute list %s follows text, not a link or other element, and is left as text", m.x.raw)
			m.Parent().ReplaceChild(m.Parent(), m, ast.NewTextSegment(m.seg))
			continue
		}
		m.x.applyTo(pc, target)
	}
	for _, m := range list {
		if p := m.Parent(); p != nil {
			p.RemoveChild(p, m)
		}
	}
}

// extensionLen is the length of "{::name" or "{:/name" for the message.
func extensionLen(line []byte) int {
	n := 3
	for n < len(line) && (isWord(line[n]) || line[n] == '-') {
		n++
	}
	if n < len(line) && line[n] == '}' {
		n++
	}
	return n
}
