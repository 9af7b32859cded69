package search

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
)

// tokenizer splits HTML into tokens exactly as golang.org/x/net/html's
// Tokenizer (v0.62.0, token.go) does, for what PlainText asks of it. That
// Tokenizer reads from an io.Reader byte by byte, and was most of the time
// PlainText took (0.37 ms a page, as much as indexing the page); this one
// works on the slice it is given, finds text with bytes.IndexByte, and
// copies nothing for a token. Its methods are that file's, ported line for
// line; FuzzPlainText compares the two on any input.
type tokenizer struct {
	buf []byte
	// start and end delimit the token being read (x/net's raw); end is
	// also where reading goes on. err is set at the end of buf.
	start, end int
	err        bool
	// data is the token's text or tag name; attrs the tag's attributes
	// that count (the first of each name), as [key start, key end, value
	// start, value end].
	dataStart, dataEnd int
	attrs              [][4]int
	pending            [4]int
	rawTag             string
	textIsRaw          bool
	convertNUL         bool
	tt                 tokenType
}

type tokenType int

const (
	errorToken tokenType = iota
	textToken
	startTagToken
	endTagToken
	selfClosingTagToken
	commentToken
	doctypeToken
)

func (z *tokenizer) readByte() byte {
	if z.end >= len(z.buf) {
		z.err = true
		return 0
	}
	c := z.buf[z.end]
	z.end++
	return c
}

func (z *tokenizer) skipWhiteSpace() {
	if z.err {
		return
	}
	for {
		c := z.readByte()
		if z.err {
			return
		}
		switch c {
		case ' ', '\n', '\r', '\t', '\f':
		default:
			z.end--
			return
		}
	}
}

func (z *tokenizer) startTagIn(ss ...string) bool {
	name := z.buf[z.dataStart:z.dataEnd]
	for _, s := range ss {
		if equalFoldASCII(name, s) {
			return true
		}
	}
	return false
}

func (z *tokenizer) readStartTag() tokenType {
	z.readTag(true)
	if z.err {
		return errorToken
	}
	c, raw := lowerASCII(z.buf[z.dataStart]), false
	switch c {
	case 'i':
		raw = z.startTagIn("iframe")
	case 'n':
		raw = z.startTagIn("noembed", "noframes", "noscript")
	case 'p':
		raw = z.startTagIn("plaintext")
	case 's':
		raw = z.startTagIn("script", "style")
	case 't':
		raw = z.startTagIn("textarea", "title")
	case 'x':
		raw = z.startTagIn("xmp")
	}
	if raw {
		z.rawTag = strings.ToLower(string(z.buf[z.dataStart:z.dataEnd]))
	}
	n := len(z.attrs)
	if !z.err && z.buf[z.end-2] == '/' && (n == 0 || z.end-2 != z.attrs[n-1][3]-1) {
		return selfClosingTagToken
	}
	return startTagToken
}

func (z *tokenizer) readTag(saveAttr bool) {
	z.attrs = z.attrs[:0]
	z.readTagName()
	if z.skipWhiteSpace(); z.err {
		return
	}
	for {
		c := z.readByte()
		if z.err || c == '>' {
			break
		}
		z.end--
		z.readTagAttrKey()
		z.readTagAttrVal()
		if saveAttr && z.pending[0] != z.pending[1] && !z.hasAttr(z.buf[z.pending[0]:z.pending[1]]) {
			z.attrs = append(z.attrs, z.pending)
		}
		if z.skipWhiteSpace(); z.err {
			break
		}
	}
}

// hasAttr reports whether an attribute of that name, in any case, was
// saved already: x/net keeps the first.
func (z *tokenizer) hasAttr(key []byte) bool {
	for _, a := range z.attrs {
		if k := z.buf[a[0]:a[1]]; asciiFold(k, key) {
			return true
		}
	}
	return false
}

func (z *tokenizer) readTagName() {
	z.dataStart = z.end - 1
	for {
		c := z.readByte()
		if z.err {
			z.dataEnd = z.end
			return
		}
		switch c {
		case ' ', '\n', '\r', '\t', '\f':
			z.dataEnd = z.end - 1
			return
		case '/', '>':
			z.end--
			z.dataEnd = z.end
			return
		}
	}
}

func (z *tokenizer) readTagAttrKey() {
	z.pending[0] = z.end
	for {
		c := z.readByte()
		if z.err {
			z.pending[1] = z.end
			return
		}
		switch c {
		case '=':
			if z.pending[0]+1 == z.end {
				continue
			}
			fallthrough
		case ' ', '\n', '\r', '\t', '\f', '/', '>':
			z.end--
			z.pending[1] = z.end
			return
		}
	}
}

func (z *tokenizer) readTagAttrVal() {
	z.pending[2] = z.end
	z.pending[3] = z.end
	if z.skipWhiteSpace(); z.err {
		return
	}
	c := z.readByte()
	if z.err {
		return
	}
	if c == '/' {
		return
	}
	if c != '=' {
		z.end--
		return
	}
	if z.skipWhiteSpace(); z.err {
		return
	}
	quote := z.readByte()
	if z.err {
		return
	}
	switch quote {
	case '>':
		z.end--
		return
	case '\'', '"':
		z.pending[2] = z.end
		for {
			c := z.readByte()
			if z.err {
				z.pending[3] = z.end
				return
			}
			if c == quote {
				z.pending[3] = z.end - 1
				return
			}
		}
	default:
		z.pending[2] = z.end - 1
		for {
			c := z.readByte()
			if z.err {
				z.pending[3] = z.end
				return
			}
			switch c {
			case ' ', '\n', '\r', '\t', '\f':
				z.pending[3] = z.end - 1
				return
			case '>':
				z.end--
				z.pending[3] = z.end
				return
			}
		}
	}
}

// next reads the next token.
func (z *tokenizer) next() tokenType {
	z.start = z.end
	z.dataStart = z.end
	z.dataEnd = z.end
	if z.err {
		z.tt = errorToken
		return z.tt
	}
	if z.rawTag != "" {
		if z.rawTag == "plaintext" {
			z.end = len(z.buf)
			z.err = true
			z.dataEnd = z.end
			z.textIsRaw = true
		} else {
			z.readRawOrRCDATA()
		}
		if z.dataEnd > z.dataStart {
			z.tt = textToken
			z.convertNUL = true
			return z.tt
		}
	}
	z.textIsRaw = false
	z.convertNUL = false

loop:
	for {
		i := bytes.IndexByte(z.buf[z.end:], '<')
		if i < 0 {
			z.end = len(z.buf)
			z.err = true
			break loop
		}
		z.end += i + 1
		c := z.readByte()
		if z.err {
			break loop
		}
		var tokenType tokenType
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			tokenType = startTagToken
		case c == '/':
			tokenType = endTagToken
		case c == '!' || c == '?':
			tokenType = commentToken
		default:
			z.end--
			continue
		}
		if x := z.end - len("<a"); z.start < x {
			z.end = x
			z.dataEnd = x
			z.tt = textToken
			return z.tt
		}
		switch tokenType {
		case startTagToken:
			z.tt = z.readStartTag()
			return z.tt
		case endTagToken:
			c = z.readByte()
			if z.err {
				break loop
			}
			if c == '>' {
				z.tt = commentToken
				return z.tt
			}
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
				z.readTag(false)
				if z.err {
					z.tt = errorToken
				} else {
					z.tt = endTagToken
				}
				return z.tt
			}
			z.end--
			z.readUntilCloseAngle()
			z.tt = commentToken
			return z.tt
		case commentToken:
			if c == '!' {
				z.tt = z.readMarkupDeclaration()
				return z.tt
			}
			z.end--
			z.readUntilCloseAngle()
			z.tt = commentToken
			return z.tt
		}
	}
	if z.start < z.end {
		z.dataEnd = z.end
		z.tt = textToken
		return z.tt
	}
	z.tt = errorToken
	return z.tt
}

// appendText appends the text of a text token to dst, entities decoded
// unless it is raw text.
func (z *tokenizer) appendText(dst []byte) []byte {
	s := z.buf[z.dataStart:z.dataEnd]
	// x/net also turns \r\n and \r into \n: all three are white space to
	// PlainText, which collapses it.
	if z.convertNUL && bytes.IndexByte(s, 0) >= 0 {
		s = bytes.ReplaceAll(s, []byte{0}, []byte("\uFFFD"))
	}
	if !z.textIsRaw && bytes.IndexByte(s, '&') >= 0 {
		return append(dst, html.UnescapeString(string(s))...)
	}
	return append(dst, s...)
}

// tagName returns the tag's name, lower-cased into buf.
func (z *tokenizer) tagName(buf []byte) []byte {
	name := z.buf[z.dataStart:z.dataEnd]
	if bytes.IndexByte(name, 0) >= 0 {
		name = bytes.ReplaceAll(name, []byte{0}, []byte("\uFFFD"))
	}
	buf = buf[:0]
	for _, c := range name {
		buf = append(buf, lowerASCII(c))
	}
	return buf
}

// attr returns the value of the tag's first attribute named key, which is
// lower case, and whether there is one. The value is the HTML as written:
// raw reports whether it has an entity to decode (then attrSlow decodes it
// as x/net does; attribute values decode a few entities differently from
// text, and a class attribute has none in practice).
func (z *tokenizer) attr(key string) (v []byte, raw, ok bool) {
	for _, a := range z.attrs {
		k := z.buf[a[0]:a[1]]
		if len(k) != len(key) || !equalFoldASCII(k, key) {
			continue
		}
		v := z.buf[a[2]:a[3]]
		return v, bytes.IndexByte(v, '&') >= 0, true
	}
	return nil, false, false
}

// attrSlow returns the value of the tag's first attribute named key,
// decoded by x/net.
func (z *tokenizer) attrSlow(key string) string {
	t := html.NewTokenizer(bytes.NewReader(z.buf[z.start:z.end]))
	t.Next()
	for {
		k, v, more := t.TagAttr()
		if string(k) == key {
			return string(v)
		}
		if !more {
			return ""
		}
	}
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
	return c
}

// equalFoldASCII reports whether b is s with ASCII letters in any case; s
// is lower case.
func equalFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i, c := range b {
		if lowerASCII(c) != s[i] {
			return false
		}
	}
	return true
}

// asciiFold reports whether a and b differ only in the case of ASCII
// letters (bytes.EqualFold also folds other letters, x/net does not).
func asciiFold(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}
