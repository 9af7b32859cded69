package site

import (
	"bytes"
	"regexp"
	"strings"
)

// The corpus uses only two Liquid forms (2024ai_lect24.md line 624,
// 2025ai_lect24.md line 329): a quoted path through relative_url, and
// site.baseurl. Kogi renders those as Jekyll does and reports any other
// Liquid instead of guessing.
var (
	reLiquid      = regexp.MustCompile(`\{\{-?\s*(.*?)\s*-?\}\}|\{%-?\s*(.*?)\s*-?%\}`)
	reRelativeURL = regexp.MustCompile(`^['"]([^'"]*)['"]\s*\|\s*(relative_url|absolute_url)$`)
)

// liquid replaces the supported expressions in src. It never adds or removes
// a newline, so line numbers of later diagnostics stay right. unknown gets the
// byte offset and text of each expression it left alone.
func liquid(src []byte, baseURL, siteURL string, unknown func(off int, expr string)) []byte {
	if !bytes.Contains(src, []byte("{{")) && !bytes.Contains(src, []byte("{%")) {
		return src
	}
	var out []byte
	last := 0
	for _, m := range reLiquid.FindAllSubmatchIndex(src, -1) {
		var repl string
		ok := false
		if m[2] >= 0 {
			expr := string(src[m[2]:m[3]])
			switch {
			case expr == "site.baseurl":
				repl, ok = baseURL, true
			case expr == "site.url":
				repl, ok = siteURL, true
			default:
				if sm := reRelativeURL.FindStringSubmatch(expr); sm != nil {
					repl, ok = joinURL(baseURL, sm[1]), true
					if sm[2] == "absolute_url" {
						repl = siteURL + repl
					}
				}
			}
		}
		if !ok || strings.Contains(repl, "\n") {
			unknown(m[0], string(src[m[0]:m[1]]))
			continue
		}
		out = append(out, src[last:m[0]]...)
		out = append(out, repl...)
		last = m[1]
	}
	if out == nil {
		return src
	}
	return append(out, src[last:]...)
}

// joinURL is Jekyll's relative_url: the base URL prefixed to a site path.
func joinURL(base, p string) string {
	if base == "" {
		return p
	}
	base = "/" + strings.Trim(base, "/")
	if p == "" || p == "/" {
		return base + "/"
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return base + p
}
