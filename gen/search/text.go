package search

import (
	"bytes"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html/atom"
)

// hidden lists the elements whose content a reader does not see as text:
// code that runs, styles, embedded documents and graphics, and the
// fallbacks shown only when those fail.
var hidden = []atom.Atom{
	atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Iframe,
	atom.Title, atom.Svg, atom.Math, atom.Object, atom.Audio, atom.Video,
	atom.Canvas, atom.Select, atom.Textarea,
}

// blockLevel lists the elements that start a new line on the page. A space goes
// between their texts, so that a heading and the paragraph after it, both
// Japanese, do not run together into bigrams that no reader sees.
var blockLevel = []atom.Atom{
	atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Br,
	atom.Caption, atom.Center, atom.Dd, atom.Details, atom.Div, atom.Dl,
	atom.Dt, atom.Figcaption, atom.Figure, atom.Footer, atom.H1, atom.H2,
	atom.H3, atom.H4, atom.H5, atom.H6, atom.Header, atom.Hr, atom.Li,
	atom.Main, atom.Nav, atom.Ol, atom.P, atom.Pre, atom.Section,
	atom.Summary, atom.Table, atom.Td, atom.Th, atom.Tr, atom.Ul,
}

// kindOf returns what PlainText does with an element of hidden or
// blockLevel: a lookup in the lists, or in a map, was a tenth of its time.
func kindOf(a atom.Atom) uint8 {
	for i := int(a*0x9E3779B1>>24) & (len(kinds) - 1); kinds[i].a != 0; i = (i + 1) & (len(kinds) - 1) {
		if kinds[i].a == a {
			return kinds[i].kind
		}
	}
	return 0
}

// kinds is an open-addressed table of hidden and blockLevel, by atom.
var kinds = func() (t [256]struct {
	a    atom.Atom
	kind uint8
}) {
	add := func(a atom.Atom, k uint8) {
		i := int(a*0x9E3779B1>>24) & (len(t) - 1)
		for t[i].a != 0 && t[i].a != a {
			i = (i + 1) & (len(t) - 1)
		}
		t[i].a, t[i].kind = a, t[i].kind|k
	}
	for _, a := range blockLevel {
		add(a, kindBlock)
	}
	for _, a := range hidden {
		add(a, kindHidden)
	}
	return t
}()

const (
	kindBlock = 1 << iota
	kindHidden
)

// PlainText returns the text a reader sees in rendered article HTML, with
// entities decoded and every run of white space collapsed to one space:
// what the index searches and what snippets show.
//
// Math: display math (<div class="math display">, and the span kramdown
// writes for \[…\] inside a paragraph) is dropped: it is long, it is
// layout rather than words, and the macro definitions at the top of a
// lecture are display math. Inline math keeps its TeX, as the author wrote
// it, without the \( \) around it: it is part of the sentence, a snippet
// without it reads "ここで は", and the names in it (\mathrm{ELBO}, \theta)
// can be searched, since the tokenizer splits at \ { } _ ^. Reducing it to
// its letters was tried: with a lecture's own macros (\x for \mathbf{x})
// it left empty "()" that misread worse than the TeX.
// HTML comments, scripts, styles and embedded content are dropped.
func PlainText(articleHTML []byte) string {
	z := &tokenizer{buf: articleHTML}
	b := textPool.Get().(*[]byte)
	defer textPool.Put(b)
	*b = (*b)[:0]
	// skip is the element being dropped, with its nesting depth; tex the
	// inline math element being collected.
	var skip, tex string
	depth := 0
	var texBuf, name []byte
	for {
		tt := z.next()
		switch tt {
		case errorToken:
			return collapse(*b)
		case textToken:
			switch {
			case skip != "":
			case tex != "":
				texBuf = z.appendText(texBuf)
			default:
				*b = z.appendText(*b)
			}
		case startTagToken, endTagToken, selfClosingTagToken:
			name = z.tagName(name)
			if skip != "" || tex != "" {
				cur := skip + tex
				if string(name) == cur && tt == startTagToken {
					depth++
				} else if string(name) == cur && tt == endTagToken {
					depth--
				}
				if depth == 0 {
					if tex != "" {
						*b = append(*b, texText(texBuf)...)
						texBuf = texBuf[:0]
					}
					skip, tex = "", ""
				}
				continue
			}
			a := atom.Lookup(name)
			kind := kindOf(a)
			if kind&kindBlock != 0 {
				*b = append(*b, ' ')
			}
			if tt != startTagToken {
				continue
			}
			if kind&kindHidden != 0 {
				skip, depth = a.String(), 1 // not string(name): no copy
				continue
			}
			if len(z.attrs) > 0 && (a == atom.Span || a == atom.Div) {
				switch mathClass(z) {
				case "display":
					skip, depth = a.String(), 1
					*b = append(*b, ' ')
				case "inline":
					tex, depth = a.String(), 1
				}
			}
		}
	}
}

// textPool holds PlainText's buffers: the text before it is collapsed.
var textPool = sync.Pool{New: func() any { return new([]byte) }}

// mathClass returns "inline" or "display" for the math elements of
// gen/markup/mathx, else "".
func mathClass(z *tokenizer) string {
	v, raw, ok := z.attr("class")
	switch {
	case !ok:
		return ""
	case raw:
		v = []byte(z.attrSlow("class"))
	case !bytes.Contains(v, []byte("math")):
		return "" // the spans of highlighted code: thousands a page
	}
	// The classes, as strings.Fields splits them, without a copy: the
	// inline math of a lecture is hundreds of spans.
	var math, display, inline bool
	for f := range bytes.FieldsSeq(v) {
		switch string(f) {
		case "math":
			math = true
		case "display":
			display = true
		case "inline":
			inline = true
		}
	}
	switch {
	case !math:
		return ""
	case display:
		return "display"
	case inline:
		return "inline"
	}
	return ""
}

// texText returns inline TeX without its \( \) delimiters.
func texText(s []byte) []byte {
	s = bytes.TrimSpace(s)
	s = bytes.TrimPrefix(s, []byte(`\(`))
	s = bytes.TrimSuffix(s, []byte(`\)`))
	return bytes.TrimSpace(s)
}

// collapse turns every run of white space into one space and trims the
// ends; bytes that are not UTF-8 become U+FFFD. Text between white space is
// copied in one piece, and the kana and kanji that are most of it are told
// from white space by their lead byte.
func collapse(s []byte) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	run := 0 // start of the text not yet copied
	flush := func(i int) {
		if run < i {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.Write(s[run:i])
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || '\t' <= c && c <= '\r':
			if c == ' ' && run < i && i+1 < len(s) {
				// One space between words stays in the run, if what
				// follows is ASCII or kana or kanji, not white space.
				if d := s[i+1]; '!' <= d && d < utf8.RuneSelf || 0xE4 <= d && d <= 0xEC {
					i++
					continue
				}
			}
			flush(i)
			space = true
			i++
			run = i
			continue
		case c < utf8.RuneSelf:
			i++
			continue
		case 0xE3 <= c && c <= 0xEC && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
			// U+3000 to U+CFFF, of which only U+3000 is white space.
			if c != 0xE3 || s[i+1] != 0x80 || s[i+2] != 0x80 {
				i += 3
				continue
			}
		}
		r, n := utf8.DecodeRune(s[i:])
		switch {
		case (r <= 0xA0 || 0x1680 <= r && r <= 0x3000) && unicode.IsSpace(r):
			flush(i)
			space = true
		case r == utf8.RuneError && n == 1:
			flush(i)
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteString("\uFFFD")
		default:
			i += n
			continue
		}
		i += n
		run = i
	}
	flush(len(s))
	return b.String()
}
