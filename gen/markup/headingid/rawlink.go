package headingid

import "bytes"

// link follows parse_link for [text](url), [text](<url>), [text](url
// "title") and images. Reference links are left as text, which is what
// kramdown does when the reference is undefined; for [text] and [text][]
// that gives the same ID as a defined one, for [text][ref] it keeps "ref".
func (p *spanParser) link(out *spanOut, i int) int {
	s := p.src
	img := s[i] == '!'
	start := i + 1
	if img {
		start++
	}
	switch {
	case start >= len(s) || s[start] == '^':
		// not LINK_START: !?\[(?=[^^])
		out.text(s[i : i+1])
		return i + 1
	case !img && out.in.link:
		out.text(s[i:start]) // no links inside links or images
		return start
	}
	sub := out.child()
	sub.in.link = true
	count := 1
	stop := func(j int, sub *spanOut) int {
		switch {
		case s[j] == ']':
			count--
		case s[j] == '[' || s[j] == '!' && j+1 < len(s) && s[j+1] == '[':
			count++
		default:
			return 0
		}
		if count-sub.imgs == 0 {
			return 1
		}
		return 0
	}
	j, n := p.spans(sub, start, stop)
	if n == 0 {
		out.text(s[i:start])
		return start
	}
	end, ok := linkDestination(s, j+1)
	if !ok {
		out.text(s[i:start])
		return start
	}
	if img {
		out.imgs++
		out.element(nil) // add_link clears an image's children
	} else {
		out.element(sub.buf)
	}
	return end
}

// linkDestination matches the "(…)" part of an inline link at i and
// returns the position after it.
func linkDestination(s []byte, i int) (int, bool) {
	if i >= len(s) || s[i] != '(' {
		return 0, false
	}
	j := i
	if bytes.HasPrefix(s[i:], []byte("(<")) {
		k := bytes.IndexByte(s[i+2:], '>')
		if k < 0 {
			return 0, false
		}
		j = i + 2 + k + 1
		if j < len(s) && s[j] == ')' {
			return j + 1, true
		}
	} else {
		// Balanced parentheses, or up to white space before a quote,
		// where a title starts (LINK_PAREN_STOP_RE).
		depth := 0
	scan:
		for ; j < len(s); j++ {
			switch {
			case s[j] == '(':
				depth++
			case s[j] == ')':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			case isSpace(s[j]) && j+1 < len(s) && (s[j+1] == '"' || s[j+1] == '\''):
				j++
				break scan
			}
		}
	}
	// LINK_INLINE_TITLE_RE: \s*?(["'])(.+?)\1\s*?\)
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	if j >= len(s) || s[j] != '"' && s[j] != '\'' {
		return 0, false
	}
	q := s[j]
	for k := j + 2; k < len(s); k++ {
		if s[k] != q {
			continue
		}
		m := k + 1
		for m < len(s) && isSpace(s[m]) {
			m++
		}
		if m < len(s) && s[m] == ')' {
			return m + 1, true
		}
	}
	return 0, false
}

// autolink follows parse_autolink: <http…:…>, <ftp…:…>, <mailto:…> and
// bare e-mail addresses keep their text.
func (p *spanParser) autolink(out *spanOut, i int) (int, bool) {
	s := p.src
	k := bytes.IndexByte(s[i:], '>')
	if k < 0 {
		return 0, false
	}
	inner := s[i+1 : i+k]
	for _, scheme := range []string{"mailto:", "http:", "https:", "ftp:", "ftps:"} {
		if len(inner) > len(scheme) && string(inner[:len(scheme)]) == scheme {
			out.element(bytes.TrimPrefix(inner, []byte("mailto:")))
			return i + k + 1, true
		}
	}
	if isEmail(inner) {
		out.element(inner)
		return i + k + 1, true
	}
	return 0, false
}

// isEmail matches the address part of AUTOLINK_START,
// [[[:alnum:]]-_.]+?@[[[:alnum:]]-_.]+?, which needs no dot in the domain.
func isEmail(b []byte) bool {
	local, domain, ok := bytes.Cut(b, []byte("@"))
	if !ok || len(local) == 0 || len(domain) == 0 {
		return false
	}
	for _, r := range string(b) {
		if r != '@' && r != '-' && r != '_' && r != '.' && !isAlnum(r) {
			return false
		}
	}
	return bytes.IndexByte(domain, '@') < 0
}

// footnote drops a footnote marker [^name]. It assumes the footnote is
// defined, as it is in any page that renders it; kramdown would print an
// undefined one as text.
func (p *spanParser) footnote(out *spanOut, i int) (int, bool) {
	s := p.src
	j := i + 2
	if j >= len(s) || s[i+1] != '^' || !isASCIIWord(s[j]) {
		return 0, false
	}
	for j < len(s) && (isASCIIWord(s[j]) || s[j] == '-') {
		j++
	}
	if j >= len(s) || s[j] != ']' {
		return 0, false
	}
	out.element(nil)
	return j + 1, true
}
