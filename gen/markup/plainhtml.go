package markup

import "bytes"

// scanPlainHTML does what tokenizeRefs does, without golang.org/x/net/html,
// for the HTML lectures mostly hold: text, comments, end tags, and start tags
// whose attribute values need no decoding. A corpus build has ~1,300 raw
// HTML pieces with an href or src, and a tokenizer for each (with its 4 KB
// buffer) was a tenth of all Markdown conversion.
//
// It follows html.Tokenizer's rules for those tokens exactly, and gives up,
// returning false, on anything else: a character reference or a CR in an
// attribute value, NUL, raw-text elements such as <script> (whose contents
// are not tags), doctypes and processing instructions, odd tag or attribute
// names, and unfinished tags. The caller then discards what it was given and
// asks the tokenizer. FuzzPlainHTML holds the two to the same answers.
func scanPlainHTML(b []byte, ref func(pos int, url []byte, image bool), img func(pos int)) bool {
	if bytes.IndexByte(b, '\r') >= 0 || bytes.IndexByte(b, 0) >= 0 {
		return false // the tokenizer rewrites these
	}
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return true
		}
		pos := i + j
		i = pos + 1
		if i == len(b) {
			return true // a final "<" is text
		}
		switch c := b[i]; {
		case isASCIILetter(c):
			end, ok := scanStartTag(b, pos, ref, img)
			if !ok {
				return false
			}
			i = end
		case c == '/':
			// An end tag: only "</name>", maybe with spaces before the ">".
			k := i + 1
			if k == len(b) || !isASCIILetter(b[k]) {
				return false
			}
			for k < len(b) && isTagNameByte(b[k]) {
				k++
			}
			for k < len(b) && isHTMLSpace(b[k]) {
				k++
			}
			if k == len(b) || b[k] != '>' {
				return false
			}
			i = k + 1
		case c == '!':
			if !bytes.HasPrefix(b[i:], []byte("!--")) {
				return false // doctype or bogus comment
			}
			body := b[i+3:]
			if bytes.HasPrefix(body, []byte(">")) || bytes.HasPrefix(body, []byte("->")) {
				return false // "<!-->" and "<!--->" close at once
			}
			// A comment ends at the first "-->" (or "--!>": give up on
			// that), or runs to the end, hiding everything.
			e := bytes.Index(body, []byte("-->"))
			if e < 0 {
				return !bytes.Contains(body, []byte("--!"))
			}
			if bytes.Contains(body[:e+3], []byte("--!")) {
				return false
			}
			i += 3 + e + 3
		case c == '?':
			return false
		}
		// Anything else after "<" is text; the tokenizer reads on from c.
	}
}

// scanStartTag reads the start tag at b[pos] ("<" and a letter) and returns
// the position after its ">".
func scanStartTag(b []byte, pos int, ref func(pos int, url []byte, image bool), img func(pos int)) (int, bool) {
	k := pos + 1
	for k < len(b) && isTagNameByte(b[k]) {
		k++
	}
	if k == len(b) || !isHTMLSpace(b[k]) && b[k] != '/' && b[k] != '>' {
		return 0, false
	}
	var buf [16]byte
	tag := asciiLower(buf[:0], b[pos+1:k])
	switch string(tag) {
	case "iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "textarea", "title", "xmp":
		return 0, false // raw text follows
	}
	hasAlt, seenHref, seenSrc := false, false, false
	for {
		for k < len(b) && isHTMLSpace(b[k]) {
			k++
		}
		if k == len(b) {
			return 0, false
		}
		switch b[k] {
		case '>':
			if string(tag) == "img" && !hasAlt {
				img(pos)
			}
			return k + 1, true
		case '/':
			if k+1 < len(b) && b[k+1] == '>' {
				k++
				continue
			}
			return 0, false
		}
		// An attribute name runs to a space, "=", ">" or "/".
		start := k
		for k < len(b) && !isHTMLSpace(b[k]) && b[k] != '=' && b[k] != '>' && b[k] != '/' {
			if c := b[k]; c == '"' || c == '\'' || c == '<' {
				return 0, false
			}
			k++
		}
		if k == start {
			return 0, false // a name that starts with "="
		}
		key := b[start:k]
		var val []byte
		j := k
		for j < len(b) && isHTMLSpace(b[j]) {
			j++
		}
		if j < len(b) && b[j] == '=' {
			j++
			for j < len(b) && isHTMLSpace(b[j]) {
				j++
			}
			if j == len(b) {
				return 0, false
			}
			switch q := b[j]; q {
			case '"', '\'':
				e := bytes.IndexByte(b[j+1:], q)
				if e < 0 {
					return 0, false
				}
				val, k = b[j+1:j+1+e], j+1+e+1
			case '>':
				return 0, false
			default:
				s := j
				for j < len(b) && !isHTMLSpace(b[j]) && b[j] != '>' {
					if c := b[j]; c == '"' || c == '\'' || c == '<' || c == '=' || c == '`' {
						return 0, false
					}
					j++
				}
				val, k = b[s:j], j
			}
			if bytes.IndexByte(val, '&') >= 0 {
				return 0, false // the tokenizer decodes character references
			}
		}
		// The tokenizer keeps only the first of repeated attributes, and
		// lowercases names (ASCII only).
		switch {
		case asciiIs(key, "href") && !seenHref:
			seenHref = true
			ref(pos, val, false)
		case asciiIs(key, "src") && !seenSrc:
			seenSrc = true
			ref(pos, val, true) // never script or iframe: those gave up above
		case asciiIs(key, "alt"):
			hasAlt = true
		}
	}
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isTagNameByte(c byte) bool {
	return isASCIILetter(c) || '0' <= c && c <= '9' || c == '-' || c == ':'
}

// isHTMLSpace is the tokenizer's white space, less CR (which it rewrites).
func isHTMLSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\f' }

func asciiLower(dst, s []byte) []byte {
	for _, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// asciiIs reports whether s is lower in ASCII letter case (not Unicode: the
// tokenizer would not fold "ſrc" to "src").
func asciiIs(s []byte, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
