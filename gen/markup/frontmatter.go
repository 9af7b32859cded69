package markup

import (
	"bytes"
	"regexp"
)

// SplitFrontMatter finds Jekyll-style front matter: the file starts with a
// line of three dashes and a later line of three dashes (or dots) closes it.
// It returns the YAML text, the number of the YAML's first line (1-based) and
// whether front matter was found. Like Jekyll, an unclosed block is not front
// matter at all.
var reFrontMatter = regexp.MustCompile(`\A---[ \t]*\r?\n((?s:.*?)\r?\n)??(?:---|\.\.\.)[ \t]*(?:\r?\n|\z)`)

func SplitFrontMatter(src []byte) (yamlText []byte, bodyOffset int, ok bool) {
	m := reFrontMatter.FindSubmatchIndex(src)
	if m == nil {
		return nil, 0, false
	}
	if m[2] >= 0 {
		yamlText = src[m[2]:m[3]]
	}
	return yamlText, m[1], true
}

// reMappingLine is a YAML "key:" line, the shape every real front matter has.
var reMappingLine = regexp.MustCompile(`(?m)^["']?[^\s#"'][^:\n]*["']?:(?:[ \t]|$)`)

// hasFrontMatter decides which parser a file gets. Jekyll rejects front
// matter that is not a mapping (a lone "Foo" between two --- lines) as an
// error; the site reports that, and the Markdown parser treats the dashes
// as Markdown, as CommonMark example 96 expects.
func hasFrontMatter(src []byte) bool {
	y, _, ok := SplitFrontMatter(src)
	if !ok {
		return false
	}
	return len(bytes.TrimSpace(y)) == 0 || reMappingLine.Match(y)
}
