package markup

import (
	"bytes"
	"regexp"
)

// SplitFrontMatter finds Jekyll-style front matter: the file starts with a
// line of three dashes and a later line of three dashes (or dots) closes it;
// both may have trailing blanks. It returns the YAML text (nil when the
// closing line follows the opening one), the offset where the body starts
// and whether front matter was found. Like Jekyll, an unclosed block is not
// front matter at all. (A plain line scan: the regexp it replaced cost 1% of
// a build, run twice on every page.)
func SplitFrontMatter(src []byte) (yamlText []byte, bodyOffset int, ok bool) {
	start, ok := fenceLine(src, 0, "---")
	if !ok {
		return nil, 0, false
	}
	for p := start; p < len(src); {
		end, ok := fenceLine(src, p, "---")
		if !ok {
			end, ok = fenceLine(src, p, "...")
		}
		if ok {
			if p > start {
				yamlText = src[start:p]
			}
			return yamlText, end, true
		}
		nl := bytes.IndexByte(src[p:], '\n')
		if nl < 0 {
			break
		}
		p += nl + 1
	}
	return nil, 0, false
}

// fenceLine reports whether the line at p is fence followed by blanks only,
// and where the next line starts: after \n or \r\n, or at the end of src.
func fenceLine(src []byte, p int, fence string) (int, bool) {
	if !bytes.HasPrefix(src[p:], []byte(fence)) {
		return 0, false
	}
	p += len(fence)
	for p < len(src) && (src[p] == ' ' || src[p] == '\t') {
		p++
	}
	switch {
	case p == len(src):
		return p, true
	case src[p] == '\n':
		return p + 1, true
	case src[p] == '\r' && p+1 < len(src) && src[p+1] == '\n':
		return p + 2, true
	}
	return 0, false
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
