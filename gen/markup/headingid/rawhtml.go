package headingid

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// html follows kramdown's parse_span_html for the HTML inside a heading,
// such as `## フィッシャー顔<!-- ## 2.3 Fisherfaces-->`, whose id is
// "フィッシャー顔" (2024ai/2024ai_lect05.md), or `# <a name="x"></a>Title`.
// Comments and processing instructions are dropped, an element's tags are
// dropped and its content is kept, and anything else stays as text. It
// reports false when there is no comment or tag at i.
func (p *spanParser) html(out *spanOut, i int) (int, bool) {
	s := p.src
	for _, d := range [][2]string{{"<!--", "-->"}, {"<?", "?>"}} {
		if bytes.HasPrefix(s[i:], []byte(d[0])) {
			if k := bytes.Index(s[i+len(d[0]):], []byte(d[1])); k >= 0 {
				out.element(nil)
				return i + len(d[0]) + k + len(d[1]), true
			}
			return 0, false
		}
	}
	if j := closeTag(s, i, ""); j > 0 {
		// A closing tag without its opening tag stays as text.
		out.text(s[i:j])
		return j, true
	}
	name, j, selfClosed := openTag(s, i)
	if j < 0 {
		return 0, false
	}
	switch {
	case htmlBlockTags[name]:
		// Block-level tags are not HTML inside a span: kramdown warns and
		// keeps them as text, so their name and attributes reach the ID.
		out.text(s[i:j])
		return j, true
	case selfClosed || htmlVoidTags[name]:
		out.element(nil)
		return j, true
	}
	sub := out.child()
	// Only elements whose content model is span or block have their
	// content parsed as Markdown; the model of any other tag, including
	// unknown ones such as <font> and <u>, is raw.
	sub.in.raw = sub.in.raw || !htmlParsedTags[name]
	k, n := p.spans(sub, j, func(k int, _ *spanOut) int {
		if e := closeTag(s, k, name); e > 0 {
			return e - k
		}
		return 0
	})
	// Without a closing tag kramdown auto-closes the element at the end
	// of the line, keeping what it parsed.
	out.element(sub.buf)
	return k + n, true
}

// openTag matches HTML_TAG_RE at i:
//
//	<(UNAME)\s*((?>\s+UNAME(?:\s*=\s*(?:\p{Word}+|(["']).*?\3))?)*)\s*(\/)?>
//
// and returns the lower-cased tag name, the position after the tag (-1 if
// there is no tag) and whether it ends in "/>".
func openTag(s []byte, i int) (string, int, bool) {
	if i+1 >= len(s) || s[i] != '<' {
		return "", -1, false
	}
	j := tagName(s, i+1)
	if j < 0 {
		return "", -1, false
	}
	name := strings.ToLower(string(s[i+1 : j]))
	for {
		k := skipSpace(s, j)
		if k == j {
			break
		}
		a := tagName(s, k)
		if a < 0 {
			j = k
			break
		}
		j = a
		if v := skipSpace(s, a); v < len(s) && s[v] == '=' {
			v = skipSpace(s, v+1)
			switch {
			case v >= len(s):
				return "", -1, false
			case s[v] == '"' || s[v] == '\'':
				e := bytes.IndexByte(s[v+1:], s[v])
				if e < 0 {
					return "", -1, false
				}
				j = v + 1 + e + 1
			default:
				e := v
				for e < len(s) {
					r, n := utf8.DecodeRune(s[e:])
					if !isWord(r) {
						break
					}
					e += n
				}
				if e == v {
					return "", -1, false
				}
				j = e
			}
		}
	}
	j = skipSpace(s, j)
	selfClosed := j < len(s) && s[j] == '/'
	if selfClosed {
		j++
	}
	if j >= len(s) || s[j] != '>' {
		return "", -1, false
	}
	return name, j + 1, selfClosed
}

// closeTag matches </name\s*> at i, for any name when name is "", and
// returns the position after it or -1. Names compare case-insensitively,
// as kramdown does for every HTML element it knows.
func closeTag(s []byte, i int, name string) int {
	if !bytes.HasPrefix(s[i:], []byte("</")) {
		return -1
	}
	j := tagName(s, i+2)
	if j < 0 || name != "" && !strings.EqualFold(string(s[i+2:j]), name) {
		return -1
	}
	j = skipSpace(s, j)
	if j >= len(s) || s[j] != '>' {
		return -1
	}
	return j + 1
}

// tagName matches REXML's UNAME_STR, (?:NCNAME:)?NCNAME, at i and returns
// the position after it, or -1.
func tagName(s []byte, i int) int {
	j := ncName(s, i)
	if j > 0 && j < len(s) && s[j] == ':' {
		if k := ncName(s, j+1); k > 0 {
			return k
		}
	}
	return j
}

// ncName matches NCNAME_STR, [[:alpha:]_][-[:alnum:]._]*, at i and returns
// the position after it, or -1.
func ncName(s []byte, i int) int {
	j := i
	for j < len(s) {
		r, n := utf8.DecodeRune(s[j:])
		if j == i && !isAlpha(r) && r != '_' || !isAlnum(r) && r != '-' && r != '.' && r != '_' {
			break
		}
		j += n
	}
	if j == i {
		return -1
	}
	return j
}

func skipSpace(s []byte, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

func tagSet(names string) map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(names) {
		m[n] = true
	}
	return m
}

// The tag lists of kramdown 2.4.0's lib/kramdown/parser/html.rb.
var (
	// HTML_BLOCK_ELEMENTS
	htmlBlockTags = tagSet(`address article aside applet body blockquote caption col colgroup
		dd div dl dt fieldset figcaption footer form h1 h2 h3 h4 h5 h6 header hgroup hr html
		head iframe legend menu li main map nav ol optgroup p pre section summary table tbody
		td th thead tfoot tr ul`)
	// HTML_ELEMENTS_WITHOUT_BODY
	htmlVoidTags = tagSet(`area base br col command embed hr img input keygen link meta
		param source track wbr`)
	// HTML_CONTENT_MODEL_SPAN and _BLOCK, less the block elements above.
	htmlParsedTags = tagSet(`a abbr acronym b bdo big button cite del dfn em i ins label q
		rb rbc rp rt rtc ruby select small span strong sub sup tt
		details figure noscript object`)
)
