package site

import (
	"html/template"
	"strings"

	"github.com/kogi-course/kogi/gen/config"
	"github.com/kogi-course/kogi/gen/markup"
)

// PageData is what a layout sees as its dot.
type PageData struct {
	Site       *config.Site
	Page       *Page
	Content    template.HTML
	HasMath    bool
	HasCode    bool           // the page has code blocks: link the syntax colours
	MathMacros map[string]any // MathJax tex.macros from the page's \newcommand lines
	Headings   []markup.Heading
	Base       string // base URL without trailing slash ("" for a root site)
}

// Title is the page title, falling back to the site title.
func (d *PageData) Title() string {
	if d.Page.Title != "" {
		return d.Page.Title
	}
	return d.Site.Title
}

var templateFuncs = template.FuncMap{
	// rel prefixes a site path with the base URL, like Jekyll's relative_url.
	"rel":  func(base, p string) string { return joinURL(base, p) },
	"join": strings.Join,
}
