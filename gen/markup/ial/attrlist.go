package ial

import (
	"strings"

	"github.com/yuin/goldmark/util"
)

// attr is one name="value" pair of an attribute list. The offsets point into
// the list's content (the text between "{:" and "}") so that diagnostics can
// suggest an edited copy of what the author wrote.
type attr struct {
	name, value string
	nameStart   int // offset of the name (or of "." / "#" for a class or id)
	end         int // offset just past the attribute
	valueStart  int // offset of the value, -1 for a class or id
	valueEnd    int
}

// attrList is the result of parsing one attribute list.
type attrList struct {
	attrs []attr
	// refs are bare words. kramdown reads them as references to attribute list
	// definitions ({:name: ...}), which Kogi does not support (none in the
	// corpus), so they only produce a diagnostic.
	refs []attr
	// gaps are the stretches of non-space text that no attribute matched;
	// kramdown skips them silently.
	gaps []gap
}

type gap struct{ start, end int }

func (l attrList) empty() bool { return len(l.attrs) == 0 && len(l.refs) == 0 }

// parseAttrList reads the content of "{:...}" the way kramdown 2.4.0 does in
// parse_attribute_list (lib/kramdown/parser/kramdown/extensions.rb):
//
//	ALD_TYPE_ANY = /(?:\A|\s)(?:KEY_VALUE|REF|ID_OR_CLASS_MULTI)(?=\s|\Z)/
//
// applied with String#scan. Go's regexp has neither the lookahead nor the
// backreference to the opening quote, so the scan is written out by hand.
// Consequences that the corpus relies on:
//   - {:target="_blank} has no closing quote, so nothing matches and the
//     whole list is dropped (2025ai_lect19.md renders a plain link);
//   - a value may contain its own quote when the quote is not followed by
//     space or the end: {: title="a"b"} sets title to a"b;
//   - names are ASCII words (Ruby's \w), class names are anything up to
//     space, "." or "#", ids start with an ASCII letter;
//   - "class" accumulates, every other name keeps its last value.
func parseAttrList(s string) attrList {
	var l attrList
	if t := strings.TrimSpace(s); t == "" || t == ":" {
		return l // kramdown returns early here, without a warning
	}
	covered := 0 // end of the last match: scan resumes there
	for i := 0; i < len(s); i++ {
		// (?:\A|\s): the alternatives start at 0, or just after a space.
		var start int
		switch {
		case i == 0 && !isSpace(s[0]):
			start = 0
		case isSpace(s[i]):
			start = i + 1
		default:
			continue
		}
		if i < covered {
			continue
		}
		end, ok := l.matchAt(s, start)
		if !ok {
			continue
		}
		l.addGap(s, covered, i)
		covered = end
		i = end - 1 // the loop's i++ lands on the space that must follow
	}
	l.addGap(s, covered, len(s))
	return l
}

// matchAt tries kramdown's three alternatives, in kramdown's order, at start.
func (l *attrList) matchAt(s string, start int) (int, bool) {
	n := wordLen(s, start)
	if n > 0 && start+n+1 < len(s) && s[start+n] == '=' && (s[start+n+1] == '"' || s[start+n+1] == '\'') {
		q := s[start+n+1]
		vs := start + n + 2
		if end, ok := matchQuoted(s, vs, q); ok {
			l.attrs = append(l.attrs, attr{
				name:      s[start : start+n],
				value:     unescapeValue(s[vs:end-1], q),
				nameStart: start, end: end, valueStart: vs, valueEnd: end - 1,
			})
			return end, true
		}
	}
	if n > 0 && followedBySpace(s, start+n) {
		l.refs = append(l.refs, attr{name: s[start : start+n], nameStart: start, end: start + n, valueStart: -1})
		return start + n, true
	}
	// ((?:#id|.class)+): every token ends where the next can't go on, so the
	// greedy reading is the only one that can satisfy the lookahead.
	var found []attr
	p := start
	for p < len(s) {
		switch {
		case s[p] == '#' && p+1 < len(s) && isASCIILetter(s[p+1]):
			e := p + 2
			for e < len(s) && (isWord(s[e]) || s[e] == ':' || s[e] == '-') {
				e++
			}
			found = append(found, attr{name: "id", value: s[p+1 : e], nameStart: p, end: e, valueStart: -1})
			p = e
			continue
		case s[p] == '.' && p+1 < len(s) && !isSpace(s[p+1]) && s[p+1] != '.' && s[p+1] != '#':
			e := p + 1
			for e < len(s) && !isSpace(s[e]) && s[e] != '.' && s[e] != '#' {
				e++
			}
			found = append(found, attr{name: "class", value: s[p+1 : e], nameStart: p, end: e, valueStart: -1})
			p = e
			continue
		}
		break
	}
	if len(found) > 0 && followedBySpace(s, p) {
		l.attrs = append(l.attrs, found...)
		return p, true
	}
	return 0, false
}

// matchQuoted finds the end (just past the closing quote) of a value that
// starts at p, following kramdown's lazy ((?:\\\}|\\\2|[^\}\2])*?)\2(?=\s|\Z).
// The only choice the regexp engine has is at a backslash before the quote:
// it first reads the pair as an escape; if that never leads to a match, it
// backtracks and lets the quote close the value. The last such quote that is
// followed by space or the end is the one backtracking finds first.
func matchQuoted(s string, p int, q byte) (int, bool) {
	fallback := -1
	for p < len(s) {
		c := s[p]
		switch {
		case c == q && followedBySpace(s, p+1):
			return p + 1, true
		case c == '\\' && p+1 < len(s) && s[p+1] == '}':
			p += 2
		case c == '\\' && p+1 < len(s) && s[p+1] == q:
			if followedBySpace(s, p+2) {
				fallback = p + 2
			}
			p += 2
		case c == '}' || c == 0x02:
			// [^\}\2]: inside a Ruby character class \2 is the byte 0x02.
			return fallback, fallback >= 0
		default:
			p++
		}
	}
	return fallback, fallback >= 0
}

// unescapeValue is kramdown's val.gsub(/\\(\}|#{sep})/, "\\1"), followed by
// resolving character references. kramdown writes values back with
// escape_html(:attribute), which leaves existing references alone, so "&amp;"
// in the source is "&" in the DOM; storing the resolved value and escaping it
// on output (as goldmark's RenderAttributes does) gives the same DOM.
func unescapeValue(v string, q byte) string {
	if strings.IndexByte(v, '\\') >= 0 {
		var b strings.Builder
		for i := 0; i < len(v); i++ {
			if v[i] == '\\' && i+1 < len(v) && (v[i+1] == '}' || v[i+1] == q) {
				i++
			}
			b.WriteByte(v[i])
		}
		v = b.String()
	}
	if strings.IndexByte(v, '&') >= 0 {
		v = string(util.ResolveNumericReferences(util.ResolveEntityNames([]byte(v))))
	}
	return v
}

func (l *attrList) addGap(s string, from, to int) {
	for from < to && isSpace(s[from]) {
		from++
	}
	for to > from && isSpace(s[to-1]) {
		to--
	}
	if from < to {
		l.gaps = append(l.gaps, gap{from, to})
	}
}

// wordLen is the length of kramdown's ALD_ID_NAME (/\w[\w-]*/) at p.
func wordLen(s string, p int) int {
	if p >= len(s) || !isWord(s[p]) {
		return 0
	}
	e := p + 1
	for e < len(s) && (isWord(s[e]) || s[e] == '-') {
		e++
	}
	return e - p
}

// followedBySpace is the lookahead (?=\s|\Z).
func followedBySpace(s string, p int) bool { return p >= len(s) || isSpace(s[p]) }

// isSpace is Ruby's \s, which is ASCII only.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// isWord is Ruby's \w, which is ASCII only: {: 名前="x"} sets nothing.
func isWord(c byte) bool { return isASCIILetter(c) || c >= '0' && c <= '9' || c == '_' }

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// spanEnd returns the length of a span IAL "{:...}" at the start of line, or
// 0 when there is none. kramdown's IAL_SPAN_START is /\{:((?:\\\}|[^\}])+)\}/:
// an escaped brace stays inside, the first other "}" ends the list. Unlike
// kramdown, the list must close on the same line: goldmark hands inline
// parsers one line at a time, and the corpus has no list that spans lines.
func spanEnd(line []byte) int {
	if len(line) < 3 || line[0] != '{' || line[1] != ':' {
		return 0
	}
	last := 0 // end of the last "\}", where backtracking would close the list
	for i := 2; i < len(line); i++ {
		switch line[i] {
		case '\n':
			return last
		case '\\':
			if i+1 < len(line) && line[i+1] == '}' {
				i++
				last = i + 1
			}
		case '}':
			if i == 2 {
				return 0 // "{:}" has no content: kramdown needs at least one character
			}
			return i + 1
		}
	}
	return last
}

// isExtension reports whether line starts a kramdown extension tag rather than
// an IAL: EXT_SPAN_START is {::name ...} or {:/name}. Checked before IALs, as
// kramdown's parse_span_extensions does.
func isExtension(line []byte) bool {
	if len(line) < 3 || line[0] != '{' || line[1] != ':' {
		return false
	}
	switch line[2] {
	case ':':
		return len(line) > 3 && isWord(line[3])
	case '/':
		return true
	}
	return false
}
