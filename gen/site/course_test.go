package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNaturalLess(t *testing.T) {
	for _, c := range []struct {
		a, b string
		less bool
	}{
		{"2025ai_lect02.md", "2025ai_lect10.md", true},
		{"2025ai_lect10.md", "2025ai_lect02.md", false},
		{"lect2.md", "lect02.md", false}, // equal numbers: the shorter spelling first, deterministic
		{"lect02.md", "lect2.md", false},
		{"a.md", "b.md", true},
		{"2024ai_lect28.md", "2024ai_letc06.md", true},
		{"x9", "x10", true},
		{"x", "x1", true},
	} {
		if got := naturalLess(c.a, c.b); got != c.less {
			t.Errorf("naturalLess(%q, %q) = %v, want %v", c.a, c.b, got, c.less)
		}
	}
}

func TestLectureOrder(t *testing.T) {
	page := func(src string, lecture int, date string) *Page {
		return &Page{Src: "c/" + src, FrontMatter: FrontMatter{Title: src, Lecture: lecture, Date: date}}
	}
	pages := []*Page{
		page("index.md", 0, ""),
		page("z_intro.md", 0, "2021_0901"),
		page("lect10.md", 0, ""),
		page("lect2.md", 0, ""),
		page("third.md", 3, ""),
		page("first.md", 1, "2030_0101"),
		page("a_second_by_date.md", 0, "2021_0801"),
		page("odd_date.md", 0, "Oct.-29-2015閲覧"),
	}
	courses := linkCourses(pages)
	if len(courses) != 1 {
		t.Fatalf("courses = %d", len(courses))
	}
	var got []string
	for _, p := range courses[0].Lectures {
		got = append(got, p.Title)
	}
	// Numbered lectures first; then dated ones by date; an undated or
	// oddly dated page falls back to the file name.
	want := "first.md third.md a_second_by_date.md z_intro.md lect2.md lect10.md odd_date.md"
	if strings.Join(got, " ") != want {
		t.Errorf("order = %s\nwant    %s", strings.Join(got, " "), want)
	}
	first, last := courses[0].Lectures[0], courses[0].Lectures[len(got)-1]
	if first.Prev != nil || first.Next == nil || first.Next.Title != "third.md" || last.Next != nil || last.Number != len(got) {
		t.Error("prev/next links or numbers wrong")
	}
	if courses[0].Index.Title != "index.md" || courses[0].Index.Course != courses[0] {
		t.Error("course index not linked")
	}
}

func TestCourseNavigation(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Build(repoCfg("testdata/site", out)); err != nil {
		t.Fatal(err)
	}
	home := read(t, filepath.Join(out, "index.html"))
	course := read(t, filepath.Join(out, "course/index.html"))
	lect1 := read(t, filepath.Join(out, "course/lect01/index.html"))
	lect2 := read(t, filepath.Join(out, "course/lect02/index.html"))
	for _, c := range []struct{ name, page, want string }{
		{"home lists the course", home, `<a href="/course/">講義一覧</a><span class="count">全 2 回</span>`},
		{"course index lists lectures in order", course, `<span class="no">第 1 回</span><span class="t">第1回 数式のある講義</span></a><time>Oct.-29-2015閲覧</time>`},
		{"lecture 1 links to lecture 2", lect1, `rel="next" href="/course/lect02/"`},
		{"lecture 2 links back", lect2, `rel="prev" href="/course/lect01/"`},
		{"breadcrumb", lect2, `<li><a href="/course/">講義一覧</a></li><li aria-current="page">第2回 数式のない講義</li></ol>`},
		{"contents beside the text", lect1, `<nav class="toc" aria-labelledby="kogi-toc"><details><summary id="kogi-toc">目次</summary><ol><li class="toc-h1"><a href="#%e6%90%8d%e5%a4%b1%e9%96%a2%e6%95%b0">損失関数</a>`},
	} {
		if !strings.Contains(c.page, c.want) {
			t.Errorf("%s: %q not found", c.name, c.want)
		}
	}
	if strings.Contains(lect1, `rel="prev"`) || strings.Contains(lect2, `rel="next"`) {
		t.Error("first lecture has a previous one, or last a next one")
	}
	if strings.Contains(course, `rel="next"`) || strings.Contains(home, `class="breadcrumb"`) || strings.Contains(lect2, `class="toc"`) {
		t.Error("course index or home page got lecture navigation, or a page with two headings a table of contents")
	}
	if _, err := os.Stat(filepath.Join(out, "assets/kogi.js")); err != nil {
		t.Error(err)
	}
}
