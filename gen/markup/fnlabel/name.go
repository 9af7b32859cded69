package fnlabel

import (
	"strconv"
	"strings"
	"unicode"
)

// isKramdownName reports whether kramdown 2.4.0 reads label as a footnote
// name: ALD_ID_NAME, /\w[\w-]*/, in kramdown/parser/kramdown/extensions.rb.
// Ruby's \w is [a-zA-Z0-9_], so "注1" is not a name: kramdown leaves
// [^注1] as text. Such names go into ids and links unchanged.
func isKramdownName(label string) bool {
	if label == "" || label[0] == '-' {
		return false
	}
	for i := 0; i < len(label); i++ {
		c := label[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// anchorNames returns the names for the notes with these labels, in order,
// each with prefix in front. kramdown never sees a label outside its name
// syntax, so for those there is nothing to copy: Kogi keeps letters and
// digits of any script, as its heading IDs do (固有顔-eigenfaces), turns
// every other run of characters into "-" and numbers repeats -1, -2, … A
// kramdown name is always kept as it is, so that its #fn:name anchor never
// moves; only a made-up name gives way.
func anchorNames(labels []string, prefix string) []string {
	used := map[string]bool{}
	for _, l := range labels {
		if isKramdownName(l) {
			used[l] = true
		}
	}
	names := make([]string, len(labels))
	for i, l := range labels {
		if isKramdownName(l) {
			names[i] = prefix + l
			continue
		}
		base := strings.Trim(replaceUnsafe(l), "-")
		if base == "" {
			base = "note"
		}
		name := base
		for k := 1; used[name]; k++ {
			name = base + "-" + strconv.Itoa(k)
		}
		used[name] = true
		names[i] = prefix + name
	}
	return names
}

// replaceUnsafe keeps letters, marks and digits of any script, "_" and "-",
// and turns each run of other characters (spaces, punctuation, quotes, "#",
// "%", ":") into a single "-". The result needs no escaping in an id or in a
// fragment, and cannot contain the ":" that separates fnref:name:n.
func replaceUnsafe(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r == '_' || unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
			continue
		}
		if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return b.String()
}
