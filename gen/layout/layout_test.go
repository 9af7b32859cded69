package layout

import (
	"bytes"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadAndExecute(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"default.html":       `<main>{{template "head" .}}{{.Body}}</main>`,
		"lecture.html":       `<article>{{template "head" .}}{{.Body}}</article>`,
		"fails.html":         `<p>{{.Missing.Field}}</p>`,
		"partials/head.html": `<h1>{{.Title}}</h1>`,
	})
	s, err := Load(dir, template.FuncMap{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Names(), ","); got != "default,fails,lecture" {
		t.Errorf("names = %s", got)
	}
	data := map[string]any{"Title": "<題>", "Body": template.HTML("<p>本文</p>")}
	for _, c := range []struct{ layout, want string }{
		{"lecture", "<article><h1>&lt;題&gt;</h1><p>本文</p></article>"},
		{"nosuch", "<main><h1>&lt;題&gt;</h1><p>本文</p></main>"}, // falls back to default
	} {
		var buf bytes.Buffer
		if err := s.Execute(&buf, c.layout, data); err != nil {
			t.Fatal(err)
		}
		if buf.String() != c.want {
			t.Errorf("%s: %q, want %q", c.layout, buf.String(), c.want)
		}
	}
	// A failing template leaves nothing half-written in the buffer.
	buf := bytes.NewBufferString("kept")
	if err := s.Execute(buf, "fails", struct{ Missing *struct{ Field string } }{}); err == nil {
		t.Error("want an error from a nil field")
	}
	if buf.String() != "kept" {
		t.Errorf("buffer after a failed execute: %q", buf.String())
	}
}

func TestLoadErrors(t *testing.T) {
	broken, nodefault, empty := t.TempDir(), t.TempDir(), t.TempDir()
	write(t, broken, map[string]string{"default.html": "ok", "page.html": "line 1\n{{if}}\n"})
	write(t, nodefault, map[string]string{"page.html": "ok"})
	for _, c := range []struct{ dir, want string }{
		{broken, "page.html: template: page:2: missing value for if"},
		{nodefault, `the "default" layout is required`},
		{empty, "no layouts"},
	} {
		_, err := Load(c.dir, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Load(%s) = %v, want %q", filepath.Base(c.dir), err, c.want)
		}
	}
}
