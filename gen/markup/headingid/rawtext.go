package headingid

import (
	"bytes"
	"html"
	"unicode"
	"unicode/utf8"
)

// rawText returns the raw_text kramdown-parser-gfm 1.1.0 would compute for a
// header whose Markdown source is src.
//
// Its update_raw_text walks the parsed span elements and keeps the values of
// text, code spans and math, the characters of entities, smart quotes and
// typographic symbols, and recurses into every other element. So link
// targets, images, HTML tags and comments, footnote markers and {:…}
// attribute lists never reach the ID, while the text inside links, emphasis
// and span HTML does: `## [ASA アメリカ統計学会の声明](https://doi.org/…){:target="_blank"}`
// has the id "asa-アメリカ統計学会の声明" (2024ai/2024ai_lect03.md). goldmark
// hands Generate the heading's source instead
// of a parsed tree, so this file redoes just enough of kramdown's span parser
// (lib/kramdown/parser/kramdown/*.rb) to drop what kramdown drops. It follows
// kramdown's rules, not CommonMark's, for where a span starts and ends: in
// particular a single $ is plain text (kramdown's inline math is $$…$$), so
// `#### 平均: $\mathbf{\bar x} = \mathbf{Fx} + \mathbf{Bu}$` has the id
// "平均-mathbfbar-x--mathbffx--mathbfbu" (2025ai/kalman_filter.md) whatever
// Kogi's math extension later makes of the dollars.
func rawText(src []byte) string {
	p := spanParser{src: src}
	var out spanOut
	p.spans(&out, 0, nil)
	return string(out.buf)
}

type spanParser struct {
	// src is the whole heading line. kramdown parses nested spans with the
	// same scanner, so checks on the preceding text (its pre_match) see
	// the line from its start.
	src []byte
}

// spanOut collects the raw text of one kramdown element's children.
type spanOut struct {
	buf []byte
	any bool // something was appended: kramdown's !children.empty?
	// elem says the last child is an element rather than text; a span
	// IAL {:…} only attaches to an element and is plain text otherwise.
	elem bool
	imgs int // images among the children, for the link bracket count
	in   nesting
}

// nesting is what kramdown looks up on its element stack.
type nesting struct {
	link, em, strong bool
	raw              bool // inside HTML whose content is not parsed
}

func (o *spanOut) text(b []byte) {
	if len(b) > 0 {
		o.buf = append(o.buf, b...)
		o.any, o.elem = true, false
	}
}

func (o *spanOut) element(b []byte) {
	o.buf = append(o.buf, b...)
	o.any, o.elem = true, true
}

func (o *spanOut) child() *spanOut { return &spanOut{in: o.in} }

// stopFunc is kramdown's stop_re together with its acceptance block: it
// returns the length of the stop marker at i, or 0 to go on parsing.
type stopFunc func(i int, out *spanOut) int

// spans parses from i to the end of the line or until stop accepts a
// marker, and returns where it stopped and the marker's length (0 at the
// end of the line). Like parse_spans, it checks stop before the span
// parsers at every position.
func (p *spanParser) spans(out *spanOut, i int, stop stopFunc) (int, int) {
	for i < len(p.src) {
		if stop != nil {
			if n := stop(i, out); n > 0 {
				return i, n
			}
		}
		i = p.span(out, i)
	}
	return i, 0
}

// span parses one span or character at i and returns the position after
// it. The cases are tried in the order of kramdown's @span_parsers.
func (p *spanParser) span(out *spanOut, i int) int {
	s := p.src
	if out.in.raw {
		// parse_spans(el, stop_re, [:span_html]): only tags count.
		if s[i] == '<' {
			if j, ok := p.html(out, i); ok {
				return j
			}
		}
		out.text(s[i : i+1])
		return i + 1
	}
	switch s[i] {
	case '*', '_':
		return p.emphasis(out, i)
	case '`':
		return p.codeSpan(out, i)
	case '<':
		if j, ok := p.autolink(out, i); ok {
			return j
		}
		if j, ok := p.html(out, i); ok {
			return j
		}
	case '[':
		if j, ok := p.footnote(out, i); ok {
			return j
		}
		return p.link(out, i)
	case '!':
		if i+1 < len(s) && s[i+1] == '[' {
			return p.link(out, i)
		}
	case '\'', '"':
		out.element(s[i : i+1]) // a smart quote; never a word character
		return i + 1
	case '$':
		return p.math(out, i)
	case '{':
		return p.extension(out, i)
	case '&':
		return p.entity(out, i)
	case '~':
		if j, ok := p.strikethrough(out, i); ok {
			return j
		}
	}
	if j, ok := p.typographic(out, i); ok {
		return j
	}
	if s[i] == '\\' && i+1 < len(s) && bytes.IndexByte(gfmEscapable, s[i+1]) >= 0 {
		out.text(s[i+1 : i+2])
		return i + 2
	}
	out.text(s[i : i+1])
	return i + 1
}

// gfmEscapable lists the characters ESCAPED_CHARS_GFM lets a backslash
// escape.
var gfmEscapable = []byte("\\.*_+`<>()[]{}#!:|\"'$=-~")

// emphasis follows parse_emphasis for *, **, _ and __. Only '_' matters
// to the ID (it is a word character), but '*' takes the same path so that
// both end where kramdown ends them.
func (p *spanParser) emphasis(out *spanOut, i int) int {
	s := p.src
	n := 1
	if i+1 < len(s) && s[i+1] == s[i] {
		n = 2
	}
	strong := n == 2
	if (s[i] == '_' && afterWord(s[:i])) ||
		(i+n < len(s) && isSpace(s[i+n])) ||
		(strong && out.in.strong) || (!strong && out.in.em) {
		out.text(s[i : i+n])
		return i + n
	}
	if j, ok := p.emphasisBody(out, i+n, s[i:i+n]); ok {
		return j
	}
	if strong && !out.in.em {
		// kramdown retries "**" as "*" one character later, without
		// putting the first delimiter back.
		if j, ok := p.emphasisBody(out, i+1, s[i:i+1]); ok {
			return j
		}
	}
	out.text(s[i : i+n])
	return i + n
}

// afterWord matches pre_match =~ /[[:alpha:]]-?[[:alpha:]]*\z/, which keeps
// an underscore inside a word ("snake_case", "日本_語") or after a hyphen
// that follows a letter ("y-_c_") from opening emphasis.
func afterWord(pre []byte) bool {
	pre = bytes.TrimSuffix(pre, []byte("-"))
	return len(pre) > 0 && isAlpha(lastRune(pre))
}

func (p *spanParser) emphasisBody(out *spanOut, start int, delim []byte) (int, bool) {
	s := p.src
	em := len(delim) == 1
	sub := out.child()
	sub.in.em = sub.in.em || em
	sub.in.strong = sub.in.strong || !em
	stop := func(i int, sub *spanOut) int {
		rest := s[i:]
		switch {
		case !bytes.HasPrefix(rest, delim), isSpace(s[i-1]), !sub.any:
			return 0
		case em && len(rest) > 1 && rest[1] == delim[0] && (len(rest) == 2 || rest[2] != delim[0]):
			return 0 // "**" closes strong, not em
		case delim[0] == '_' && len(rest) > len(delim) && isAlnum(firstRune(rest[len(delim):])):
			return 0
		}
		return len(delim)
	}
	j, n := p.spans(sub, start, stop)
	if n == 0 {
		return 0, false
	}
	out.element(sub.buf)
	return j + n, true
}

// strikethrough follows kramdown-parser-gfm's parse_strikethrough_gfm,
// ~~(?!\s|~).*?[^\s~]~~. The content is parsed on its own, with a new
// scanner and an empty element stack, so the checks on preceding text and
// on nesting start afresh inside it.
func (p *spanParser) strikethrough(out *spanOut, i int) (int, bool) {
	s := p.src
	if !bytes.HasPrefix(s[i:], []byte("~~")) || i+2 >= len(s) || isSpace(s[i+2]) || s[i+2] == '~' {
		return 0, false
	}
	for k := i + 3; k+2 <= len(s); k++ {
		if s[k] == '~' && s[k+1] == '~' && !isSpace(s[k-1]) && s[k-1] != '~' {
			inner := spanParser{src: s[i+2 : k]}
			var del spanOut
			inner.spans(&del, 0, nil)
			out.element(del.buf)
			return k + 2, true
		}
	}
	return 0, false
}

// codeSpan follows parse_codespan: the code is kept verbatim, and a
// multi-backtick span loses one space at each end.
func (p *spanParser) codeSpan(out *spanOut, i int) int {
	s := p.src
	j := i
	for j < len(s) && s[j] == '`' {
		j++
	}
	delim := s[i:j]
	if len(delim) == 1 && (i == 0 || isSpace(s[i-1])) && j < len(s) && isSpace(s[j]) {
		out.text(delim)
		return j
	}
	k := bytes.Index(s[j:], delim)
	if k < 0 {
		out.text(delim)
		return j
	}
	code := s[j : j+k]
	if len(delim) > 1 {
		code = bytes.TrimPrefix(code, []byte(" "))
		code = bytes.TrimSuffix(code, []byte(" "))
	}
	out.element(code)
	return j + k + len(delim)
}

// math follows parse_inline_math: $$…$$, stripped. A single $ is text.
func (p *spanParser) math(out *spanOut, i int) int {
	s := p.src
	if bytes.HasPrefix(s[i:], []byte("$$")) {
		if k := bytes.Index(s[i+2:], []byte("$$")); k >= 0 {
			out.element(bytes.Trim(s[i+2:i+2+k], " \t\n\v\f\r\x00"))
			return i + 2 + k + 2
		}
	}
	out.text(s[i : i+1])
	return i + 1
}

// entity follows parse_html_entity. The names known are Go's (HTML5), a
// superset of kramdown's HTML 4 table; they differ only for a letter such as
// &Amacr; that HTML 4 lacks, where kramdown keeps the name.
func (p *spanParser) entity(out *spanOut, i int) int {
	s := p.src
	if j := entityEnd(s, i); j > 0 {
		tok := string(s[i : j+1])
		// html.UnescapeString also decodes a known prefix such as "&not"
		// in "&notit;"; a result that still ends in ';' means the whole
		// name is unknown.
		if dec := html.UnescapeString(tok); dec != tok && dec[len(dec)-1] != ';' {
			out.element([]byte(dec))
			return j + 1
		}
		// kramdown adds an "&" entity and the rest, unparsed, as text.
		out.element(s[i : i+1])
		out.text(s[i+1 : j+1])
		return j + 1
	}
	out.text(s[i : i+1])
	return i + 1
}

// entityEnd matches HTML_ENTITY_RE, &([\w:][\-\w\.:]*);|&#(\d+);|&#x(\h+);,
// at i and returns the index of its ';', or -1.
func entityEnd(s []byte, i int) int {
	j := i + 1
	switch {
	case bytes.HasPrefix(s[j:], []byte("#x")):
		j += 2
		for j < len(s) && isHex(s[j]) {
			j++
		}
		if j == i+3 {
			return -1
		}
	case bytes.HasPrefix(s[j:], []byte("#")):
		j++
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j == i+2 {
			return -1
		}
	case j < len(s) && (isASCIIWord(s[j]) || s[j] == ':'):
		for j++; j < len(s) && (isASCIIWord(s[j]) || s[j] == '-' || s[j] == '.' || s[j] == ':'); j++ {
		}
	default:
		return -1
	}
	if j < len(s) && s[j] == ';' {
		return j
	}
	return -1
}

// extension handles "{:", kramdown's span extensions and IALs
// (parse_span_extensions). An IAL such as {:target="_blank"}, common after
// links in Kogi's pages, is dropped when it follows an element and is plain
// text after text. The extensions {::comment}…{:/comment} and
// {::nomarkdown}…{:/nomarkdown} are dropped with their content, since
// update_raw_text skips :comment and :raw elements, and so is
// {::options … /}, which adds no element at all (nor does a self-closed
// comment), so an IAL after it sees what came before. Any other extension,
// a start tag without its stop tag and a stray stop tag are text.
func (p *spanParser) extension(out *spanOut, i int) int {
	s := p.src
	end := closingBrace(s, i+2)
	if !bytes.HasPrefix(s[i:], []byte("{:")) || end < 0 || end == i+2 {
		out.text(s[i : i+1])
		return i + 1
	}
	body := s[i+2 : end]
	if name, closed, ok := extensionTag(body); ok {
		switch {
		case name == "":
			// a stop tag without a start tag
		case name != "comment" && name != "nomarkdown" && name != "options":
		case closed:
			return end + 1 // with no body, no element is added
		default:
			// The body ends at the first {:/name} or {:/}.
			rest := s[end+1:]
			k, n := bytes.Index(rest, []byte("{:/}")), 4
			if m := bytes.Index(rest, []byte("{:/"+name+"}")); m >= 0 && (k < 0 || m < k) {
				k, n = m, len(name)+4
			}
			if k >= 0 {
				if name != "options" { // options only sets options
					out.element(nil)
				}
				return end + 1 + k + n
			}
		}
	} else if out.elem {
		return end + 1
	}
	out.text(s[i : i+1])
	return i + 1
}

// extensionTag matches body, the text between "{:" and "}", against
// EXT_SPAN_START: "/" or "/name" for a stop tag, for which it returns "",
// and ":name", ":name/" or ":name options[/]" for a start tag, closed when
// it ends in '/'.
func extensionTag(body []byte) (name string, closed, ok bool) {
	if body[0] == '/' {
		id := body[1:]
		for k, c := range id {
			if !isASCIIWord(c) && (k == 0 || c != '-') {
				return "", false, false
			}
		}
		return "", false, true
	}
	if body[0] != ':' {
		return "", false, false
	}
	n := 1
	for n < len(body) && isASCIIWord(body[n]) {
		n++
	}
	rest := body[n:]
	if n == 1 || len(rest) > 1 && !isSpace(rest[0]) || len(rest) == 1 && rest[0] != '/' {
		return "", false, false
	}
	return string(body[1:n]), bytes.HasSuffix(rest, []byte("/")), true
}

// closingBrace returns the index of the '}' that ends an attribute list
// starting at i, where "\}" does not count, or -1.
func closingBrace(s []byte, i int) int {
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) && s[i+1] == '}' {
				i++
			}
		case '}':
			return i
		}
	}
	return -1
}

// typographic follows parse_typographic_syms. Every symbol is a
// non-word character, but the replacement still matters: "--" is an en
// dash, so "a--b" gives "ab", not "a--b", and the space of "<< " becomes
// a no-break space, which is dropped rather than turned into '-'. The
// list is in kramdown's order.
func (p *spanParser) typographic(out *spanOut, i int) (int, bool) {
	switch p.src[i] {
	case '-', '.', '\\', '<', ' ', '>':
	default:
		return 0, false // no symbol starts here: skip the prefix tests
	}
	for _, t := range typographicSyms {
		if bytes.HasPrefix(p.src[i:], []byte(t.from)) {
			out.element([]byte(t.to))
			return i + len(t.from), true
		}
	}
	return 0, false
}

var typographicSyms = []struct{ from, to string }{
	{"---", "—"}, {"--", "–"}, {"...", "…"},
	{`\<<`, "<<"}, {`\>>`, ">>"},
	{"<< ", "«\u00a0"}, {" >>", "\u00a0»"}, {"<<", "«"}, {">>", "»"},
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// isASCIIWord is Ruby's \w, which is ASCII-only.
func isASCIIWord(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

// isAlnum is Ruby's [[:alnum:]] on a UTF-8 string.
func isAlnum(r rune) bool { return isAlpha(r) || unicode.Is(unicode.Nd, r) }

func lastRune(b []byte) rune {
	r, _ := utf8.DecodeLastRune(b)
	return r
}

func firstRune(b []byte) rune {
	r, _ := utf8.DecodeRune(b)
	return r
}
