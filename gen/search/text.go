package search

import (
	"bytes"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/net/html"
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

// block lists the elements that start a new line on the page. A space goes
// between their texts, so that a heading and the paragraph after it, both
// Japanese, do not run together into bigrams that no reader sees.
var block = []atom.Atom{
	atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Br,
	atom.Caption, atom.Center, atom.Dd, atom.Details, atom.Div, atom.Dl,
	atom.Dt, atom.Figcaption, atom.Figure, atom.Footer, atom.H1, atom.H2,
	atom.H3, atom.H4, atom.H5, atom.H6, atom.Header, atom.Hr, atom.Li,
	atom.Main, atom.Nav, atom.Ol, atom.P, atom.Pre, atom.Section,
	atom.Summary, atom.Table, atom.Td, atom.Th, atom.Tr, atom.Ul,
}

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
	z := html.NewTokenizer(bytes.NewReader(articleHTML))
	var b strings.Builder
	// skip is the element being dropped, with its nesting depth; tex the
	// inline math element being collected.
	var skip, tex string
	depth := 0
	var texBuf strings.Builder
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return collapse(b.String())
		case html.TextToken:
			switch {
			case skip != "":
			case tex != "":
				texBuf.Write(z.Text())
			default:
				b.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			a := atom.Lookup(name)
			if skip != "" || tex != "" {
				cur := skip + tex
				if tag == cur && tt == html.StartTagToken {
					depth++
				} else if tag == cur && tt == html.EndTagToken {
					depth--
				}
				if depth == 0 {
					if tex != "" {
						b.WriteString(texText(texBuf.String()))
						texBuf.Reset()
					}
					skip, tex = "", ""
				}
				continue
			}
			if slices.Contains(block, a) {
				b.WriteByte(' ')
			}
			if tt != html.StartTagToken {
				continue
			}
			if slices.Contains(hidden, a) {
				skip, depth = tag, 1
				continue
			}
			if hasAttr && (a == atom.Span || a == atom.Div) {
				switch mathClass(z) {
				case "display":
					skip, depth = tag, 1
					b.WriteByte(' ')
				case "inline":
					tex, depth = tag, 1
				}
			}
		}
	}
}

// mathClass returns "inline" or "display" for the math elements of
// gen/markup/mathx, else "".
func mathClass(z *html.Tokenizer) string {
	for {
		k, v, more := z.TagAttr()
		if string(k) == "class" {
			f := strings.Fields(string(v))
			if slices.Contains(f, "math") {
				for _, c := range []string{"display", "inline"} {
					if slices.Contains(f, c) {
						return c
					}
				}
			}
			return ""
		}
		if !more {
			return ""
		}
	}
}

// texText returns inline TeX without its \( \) delimiters.
func texText(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, `\(`)
	s = strings.TrimSuffix(s, `\)`)
	return strings.TrimSpace(s)
}

// collapse turns every run of white space into one space and trims the
// ends.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
