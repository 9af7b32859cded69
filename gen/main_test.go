package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// site writes a small content folder and returns its path.
func makeSite(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "content")
	for name, text := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func gen(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	// Run from the repo root's point of view: templates/ and static/ live there.
	full := append(args[:1:1], append([]string{"--templates", "../templates", "--static", "../static"}, args[1:]...)...)
	code = run(full, &o, &e)
	return code, o.String(), e.String()
}

func TestCLI(t *testing.T) {
	good := makeSite(t, map[string]string{"index.md": "---\ntitle: ホーム\n---\n# ようこそ\n"})
	warn := makeSite(t, map[string]string{"index.md": "---\ntitle: t\n---\n![x](/missing.png)\n"})
	bad := makeSite(t, map[string]string{"a.md": "---\ntitle: [\n---\n", "b.md": "---\nlecture: x\n---\n"})
	out := filepath.Join(t.TempDir(), "public")

	for _, c := range []struct {
		name       string
		args       []string
		code       int
		out, err   string
		notInOut   string
		outputFile string
	}{
		{name: "no command", args: []string{}, code: 2, err: "usage: gen"},
		{name: "unknown command", args: []string{"serve-me"}, code: 2, err: `unknown command "serve-me"`},
		{name: "stray argument", args: []string{"check", "--content", good, "extra"}, code: 2, err: `unexpected argument "extra"`},
		{name: "build", args: []string{"build", "--content", good, "--out", out}, code: 0, out: "built 1 pages", outputFile: "index.html"},
		{name: "check", args: []string{"check", "--content", good}, code: 0, out: "checked 1 pages in"},
		{name: "warning passes", args: []string{"check", "--content", warn}, code: 0, err: `index.md:4:1: warning: missing file "/missing.png"`},
		{name: "strict fails on a warning", args: []string{"check", "--strict", "--content", warn}, code: 1, err: "0 errors, 1 warnings (--strict)"},
		{name: "quiet hides warnings", args: []string{"check", "-q", "--content", warn}, code: 0, notInOut: "warning: "},
		{name: "errors are all reported", args: []string{"build", "--content", bad, "--out", out}, code: 1, err: "a.md:2: front matter"},
		{name: "errors are all reported (2)", args: []string{"build", "--content", bad, "--out", out}, code: 1, err: "b.md:2: front matter: lecture must be a whole number"},
		{name: "failed build keeps the site", args: []string{"build", "--content", bad, "--out", out}, code: 1, err: "left unchanged", outputFile: "index.html"},
		{name: "serve with a bad address", args: []string{"serve", "--content", good, "--addr", "not an address"}, code: 2, err: "gen serve"},
		{name: "missing content folder", args: []string{"build", "--content", filepath.Join(good, "nope"), "--out", out}, code: 1, err: "no such file"},
	} {
		if len(c.args) == 0 {
			var o, e bytes.Buffer
			if got := run(nil, &o, &e); got != c.code || !strings.Contains(e.String(), c.err) {
				t.Errorf("%s: code %d, stderr %q", c.name, got, e.String())
			}
			continue
		}
		code, stdout, stderr := gen(c.args...)
		if code != c.code {
			t.Errorf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", c.name, code, c.code, stdout, stderr)
		}
		if c.out != "" && !strings.Contains(stdout, c.out) {
			t.Errorf("%s: stdout %q lacks %q", c.name, stdout, c.out)
		}
		if c.err != "" && !strings.Contains(stderr, c.err) {
			t.Errorf("%s: stderr %q lacks %q", c.name, stderr, c.err)
		}
		if c.notInOut != "" && strings.Contains(stdout+stderr, c.notInOut) {
			t.Errorf("%s: output has %q:\n%s%s", c.name, c.notInOut, stdout, stderr)
		}
		if c.outputFile != "" {
			if _, err := os.Stat(filepath.Join(out, c.outputFile)); err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
		}
	}
}
