package site

import (
	"bytes"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
)

// syntaxCSSPath is where the code colours go; the head partial links it on
// pages with code only.
const syntaxCSSPath = "assets/syntax.css"

// syntaxCSS renders chroma's class rules for a light and a dark style, so
// code follows the reader's colour scheme like the rest of the page.
func syntaxCSS() ([]byte, error) {
	f := chromahtml.New(chromahtml.WithClasses(true))
	var buf bytes.Buffer
	if err := f.WriteCSS(&buf, styles.Get("github")); err != nil {
		return nil, err
	}
	buf.WriteString("@media (prefers-color-scheme: dark) {\n")
	if err := f.WriteCSS(&buf, styles.Get("github-dark")); err != nil {
		return nil, err
	}
	buf.WriteString("}\n")
	return buf.Bytes(), nil
}
