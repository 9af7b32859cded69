// Package linebreak tidies line breaks inside paragraphs.
//
// It drops the line break between two lines of Japanese text that an author
// wrapped in the source. A browser renders such a break as a
// space, which splits a Japanese sentence in the middle ("日本 語").
//
// goldmark has extension.CJK for this, but in v1.8.7 both of its styles also
// drop the break before any inline node that is not plain text, so
// "*foo*\n<em>bar</em>" and "syn.\n*Asclepias*" lose their space; that fails
// CommonMark examples 37, 187, 394 and others. Here a break is dropped only
// when the characters on both sides of it are wide (CJK) characters.
//
// It also trims the spaces before a hard line break ("aaa  \n"): goldmark's
// linkify extension splits text at spaces and leaves them in front of the
// <br /> (CommonMark examples 226 and 635).
package linebreak

import (
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

type linebreak struct{}

// Extension is ready to pass to goldmark.WithExtensions.
var Extension goldmark.Extender = linebreak{}

// New returns the extension; it has no options.
func New() goldmark.Extender { return linebreak{} }

func (linebreak) Extend(m goldmark.Markdown) {
	// Priority 999: after every other transformer, so the text nodes are
	// final (math and attribute lists already took their parts).
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(transformer{}, 999)))
}

type transformer struct{}

func (transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		t, ok := n.(*ast.Text)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		if t.HardLineBreak() {
			t.Segment = t.Segment.TrimRightSpace(src)
			// linkify leaves the spaces in a text node of their own just
			// before an empty one that carries the break.
			for p, ok := t.PreviousSibling().(*ast.Text); ok && t.Segment.Len() == 0; p, ok = p.PreviousSibling().(*ast.Text) {
				p.Segment = p.Segment.TrimRightSpace(src)
				if p.Segment.Len() > 0 {
					break
				}
				t = p
			}
			return ast.WalkContinue, nil
		}
		if !t.SoftLineBreak() {
			return ast.WalkContinue, nil
		}
		before, ok1 := lastRune(t, src)
		after, ok2 := firstRune(next(t), src)
		if ok1 && ok2 && Wide(before) && Wide(after) {
			t.SetSoftLineBreak(false)
		}
		return ast.WalkContinue, nil
	})
}

// next is the inline node that follows n in reading order, climbing out of
// emphasis and links when n ends one.
func next(n ast.Node) ast.Node {
	for ; n != nil; n = n.Parent() {
		if n.NextSibling() != nil {
			return n.NextSibling()
		}
		if n.Parent() != nil && n.Parent().Type() == ast.TypeBlock {
			return nil
		}
	}
	return nil
}

// lastRune is the last character rendered before t's line break: t's own,
// or, when t is empty (it only carries the break after "*日本*"), the last
// character of what precedes it.
func lastRune(t *ast.Text, src []byte) (rune, bool) {
	if t.Segment.Len() > 0 {
		r, _ := utf8.DecodeLastRune(t.Segment.Value(src))
		return r, true
	}
	n := t.PreviousSibling()
	for n != nil {
		switch p := n.(type) {
		case *ast.Text:
			if p.Segment.Len() == 0 {
				return 0, false
			}
			r, _ := utf8.DecodeLastRune(p.Segment.Value(src))
			return r, true
		case *ast.String:
			r, _ := utf8.DecodeLastRune(p.Value)
			return r, len(p.Value) > 0
		}
		n = n.LastChild()
	}
	return 0, false
}

// firstRune is the first character n renders as text, if it starts with text.
func firstRune(n ast.Node, src []byte) (rune, bool) {
	for n != nil {
		switch t := n.(type) {
		case *ast.Text:
			if t.Segment.Len() == 0 {
				return 0, false
			}
			r, _ := utf8.DecodeRune(t.Segment.Value(src))
			return r, true
		case *ast.String:
			r, _ := utf8.DecodeRune(t.Value)
			return r, len(t.Value) > 0
		}
		n = n.FirstChild()
	}
	return 0, false
}

// Wide reports whether r is a character of Japanese or Chinese text: kana,
// kanji, CJK punctuation and full-width forms. Hangul is excluded because
// Korean puts spaces between words.
func Wide(r rune) bool {
	switch {
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
		return true
	case r >= 0x3000 && r <= 0x303F: // CJK symbols and punctuation: 、。「」
		return true
	case r >= 0xFF01 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6: // full-width forms: （），！
		return true
	case r == 0x30FC: // prolonged sound mark ー
		return true
	}
	return false
}
