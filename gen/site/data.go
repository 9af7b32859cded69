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
	HasDemo    bool           // the page embeds a demo: load its script and styles
	HasGallery bool           // the page shows a gallery: load its scrubber
	MathMacros map[string]any // MathJax tex.macros from the page's \newcommand lines
	Headings   []markup.Heading
	Base       string    // base URL without trailing slash ("" for a root site)
	Courses    []*Course // every course of the site, for the home page
}

// TOC lists the headings (levels 1 to 3) of a lecture, or nothing for pages
// that are not lectures or have too few headings to need one.
func (d *PageData) TOC() []markup.Heading {
	if d.Page.Course == nil || d.IsCourseIndex() {
		return nil
	}
	var hs []markup.Heading
	for _, h := range d.Headings {
		if h.ID != "" && h.Level <= 3 {
			hs = append(hs, h)
		}
	}
	if len(hs) < 3 {
		return nil
	}
	return hs
}

// IsCourseIndex reports whether the page is a course's index.
func (d *PageData) IsCourseIndex() bool {
	return d.Page.Course != nil && d.Page.Course.Index == d.Page
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

// hasLang reports whether a page has a block with that info string.
func hasLang(ds []markup.Demo, lang string) bool {
	for _, d := range ds {
		if d.Lang == lang {
			return true
		}
	}
	return false
}
