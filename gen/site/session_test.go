package site

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSessionRebuild(t *testing.T) {
	content := copyTree(t, "testdata/site")
	out := filepath.Join(t.TempDir(), "public")
	cfg := repoCfg(content, out)
	s := NewSession(cfg)
	if _, err := s.Build(); err != nil {
		t.Fatal(err)
	}
	lect1 := filepath.Join(content, "course/lect01.md")
	lect2 := filepath.Join(content, "course/lect02.md")
	edit := func(file, old, new string) {
		t.Helper()
		b := read(t, file)
		if !strings.Contains(b, old) {
			t.Fatalf("%s lacks %q", file, old)
		}
		if err := os.WriteFile(file, []byte(strings.Replace(b, old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	same := func(step string) {
		t.Helper()
		fresh := filepath.Join(t.TempDir(), "fresh")
		if _, err := Build(cfg2(cfg, fresh)); err != nil {
			t.Fatal(err)
		}
		if d := diffTrees(t, fresh, out); d != "" {
			t.Errorf("%s: rebuilt site differs from a fresh build: %s", step, d)
		}
	}
	idx := filepath.Join(out, "course/index.html")
	before, _ := os.Stat(idx)

	// A change inside one page re-renders that page only.
	edit(lect1, "二乗誤差は", "二乗誤差 (平均をとらない) は")
	res, err := s.Rebuild([]string{lect1})
	if err != nil || res.Stats.Pages != 1 {
		t.Fatalf("page-only rebuild: %v, %d pages", err, res.Stats.Pages)
	}
	if after, _ := os.Stat(idx); !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Error("a page-only rebuild touched another page")
	}
	s.Wait() // the search index follows in the background
	same("body edit")
	// Much shorter: the page's text shrinks to fewer search pieces.
	edit(lect1, "二乗誤差 (平均をとらない) は", "は")
	if _, err := s.Rebuild([]string{lect1}); err != nil {
		t.Fatal(err)
	}
	s.Wait()
	same("shorter page")

	// A new title shows on other pages: full build.
	edit(lect2, "title: 第2回 数式のない講義", "title: 第2回 改題した講義")
	if res, err := s.Rebuild([]string{lect2}); err != nil || res.Stats.Pages < 4 {
		t.Fatalf("title change: %v, %d pages", err, res.Stats.Pages)
	}
	if !strings.Contains(read(t, filepath.Join(out, "course/lect01/index.html")), "第2回 改題した講義") {
		t.Error("the previous lecture does not show the new title of the next")
	}
	same("title edit")

	// Broken front matter: the error is reported, the site stays.
	good := read(t, filepath.Join(out, "course/lect02/index.html"))
	edit(lect2, "title: 第2回 改題した講義", "title: [broken")
	if _, err := s.Rebuild([]string{lect2}); !errors.Is(err, ErrFailed) {
		t.Fatalf("broken front matter: %v", err)
	}
	if read(t, filepath.Join(out, "course/lect02/index.html")) != good {
		t.Error("a failed rebuild changed the site")
	}
	// Fixed, and a template change: full builds again.
	edit(lect2, "title: [broken", "title: 第2回 直した講義")
	if _, err := s.Rebuild([]string{lect2, filepath.Join("..", "..", "templates", "lecture.html")}); err != nil {
		t.Fatal(err)
	}
	same("after the fix")
}
