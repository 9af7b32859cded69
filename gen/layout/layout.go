// Package layout loads the html/template layouts of templates/ and executes
// them. A layout is templates/<name>.html; every file under
// templates/partials/ is available to all layouts as {{template "name" .}}
// where name is the file name without extension.
package layout

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

// Fallback is the layout used for pages whose layout does not exist.
const Fallback = "default"

// Set is a loaded set of layouts, safe for concurrent Execute.
type Set struct {
	layouts map[string]*template.Template
}

// Load parses every layout under dir. Errors keep html/template's own
// "template: name:line:" text and gain the file path.
func Load(dir string, funcs template.FuncMap) (*Set, error) {
	fsys := os.DirFS(dir)
	partials, err := fs.Glob(fsys, "partials/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, "*.html")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no layouts (*.html) found", dir)
	}
	base := template.New("").Funcs(funcs)
	for _, p := range partials {
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(path.Base(p), ".html")
		if _, err := base.New(name).Parse(string(b)); err != nil {
			return nil, fmt.Errorf("%s: %w", path.Join(dir, p), err)
		}
	}
	s := &Set{layouts: map[string]*template.Template{}}
	var errs []error
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(n, ".html")
		if _, err := t.New(name).Parse(string(b)); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path.Join(dir, n), err))
			continue
		}
		s.layouts[name] = t.Lookup(name)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if _, ok := s.layouts[Fallback]; !ok {
		return nil, fmt.Errorf("%s: the %q layout is required", dir, Fallback)
	}
	return s, nil
}

// Has reports whether a layout of that name exists.
func (s *Set) Has(name string) bool {
	_, ok := s.layouts[name]
	return ok
}

// Names lists the layouts, sorted.
func (s *Set) Names() []string {
	var ns []string
	for n := range s.layouts {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// Execute appends data rendered with the named layout (the fallback if
// unknown) to buf. On error buf is cut back, so no half page is ever kept.
func (s *Set) Execute(buf *bytes.Buffer, name string, data any) error {
	t, ok := s.layouts[name]
	if !ok {
		t = s.layouts[Fallback]
	}
	n := buf.Len()
	if err := t.Execute(buf, data); err != nil {
		buf.Truncate(n)
		return err
	}
	return nil
}
