package site

import (
	"bytes"
	"regexp"
	"strconv"
)

// Lecture pages define their TeX macros in a $$ block at the top (see the
// seed page). MathJax would learn them when it typesets that block, but only
// if it comes first; giving them to MathJax's configuration as well makes a
// macro work wherever it is used.
var reNewcommand = regexp.MustCompile(`\\(?:re)?newcommand\s*\{?\\([A-Za-z]+)\}?\s*(?:\[(\d)\])?\s*\{`)

// macros extracts \newcommand definitions in the MathJax tex.macros shape:
// name → body, or name → [body, argc].
func macros(src []byte) map[string]any {
	// The regexp has no literal prefix to skip ahead with, and scanning a
	// whole page with it cost 1.4% of a build; most pages define nothing.
	if !bytes.Contains(src, []byte("newcommand")) {
		return nil
	}
	out := map[string]any{}
	for _, m := range reNewcommand.FindAllSubmatchIndex(src, -1) {
		body, ok := braced(src, m[1]-1)
		if !ok {
			continue
		}
		name := string(src[m[2]:m[3]])
		if m[4] >= 0 {
			n, _ := strconv.Atoi(string(src[m[4]:m[5]]))
			out[name] = []any{body, n}
		} else {
			out[name] = body
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// braced returns the text inside the balanced braces opening at src[open].
func braced(src []byte, open int) (string, bool) {
	depth := 0
	for i := open; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++ // skip escaped characters such as \{ and \}
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return string(src[open+1 : i]), true
			}
		}
	}
	return "", false
}
