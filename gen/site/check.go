package site

import (
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/kogi-course/kogi/gen/markup"
)

// checkRef returns a message when a local reference of page p resolves to no
// file of the output; "" when it resolves or is not local.
//
// Relative references resolve from the page's pretty URL, as a browser does:
// ../assets/x.png in 2024ai/a.md is /2024ai/assets/x.png, because the page is
// served at /2024ai/a/. Jekyll sites break exactly there without a word.
func (b *builder) checkRef(p *Page, r markup.Ref) string {
	target, ok := b.resolve(p, r.URL)
	if !ok || b.exists(target) {
		return ""
	}
	what := "broken link"
	if r.Image {
		what = "missing file"
	}
	if !strings.HasPrefix(r.URL, "/") {
		msg := fmt.Sprintf("%s %q (resolves to %s from %s)", what, r.URL, target, p.URL)
		// The usual cause: the author meant the path relative to the
		// Markdown file, as on a file system, not to the pretty URL.
		if fix, ok := b.sourceRelative(p, r.URL); ok {
			msg += fmt.Sprintf("; relative to the page's own folder it exists: write %q", fix)
		}
		return msg
	}
	return fmt.Sprintf("%s %q", what, r.URL)
}

// sourceRelative resolves ref from the folder of the page's source file and,
// if that exists, returns the reference that works from the pretty URL.
func (b *builder) sourceRelative(p *Page, ref string) (string, bool) {
	u, err := url.Parse(ref)
	if err != nil || u.Path == "" {
		return "", false
	}
	dir := "/" + path.Dir(p.Src)
	target := path.Clean(path.Join(dir, u.Path))
	if !b.exists(target) {
		return "", false
	}
	fix := "../" + strings.TrimPrefix(u.Path, "./")
	if !strings.HasPrefix(u.Path, "/") && !b.exists(path.Clean(path.Join(p.URL, fix))) {
		return "", false
	}
	if u.RawQuery != "" {
		fix += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		fix += "#" + u.Fragment
	}
	return fix, true
}

// resolve turns a reference into a site path, or reports it is not local.
func (b *builder) resolve(p *Page, ref string) (string, bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "//") || strings.Contains(ref, "{{") {
		return "", false
	}
	u, err := url.Parse(ref)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" {
		return "", false
	}
	target := u.Path
	if !strings.HasPrefix(target, "/") {
		target = path.Join(p.URL, target)
	} else if base := strings.Trim(b.c.Site.BaseURL, "/"); base != "" {
		target = strings.TrimPrefix(target, "/"+base)
	}
	return path.Clean("/" + target), true
}

// exists accepts a file, a folder with index.html (how pretty URLs are
// served) and, like GitHub Pages, a path whose .html file exists.
func (b *builder) exists(target string) bool {
	t := strings.TrimPrefix(target, "/")
	if t == "" {
		return b.outputs["index.html"]
	}
	return b.outputs[t] || b.outputs[t+"/index.html"] || b.outputs[t+".html"]
}
