package markup

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/kogi-course/kogi/gen/config"
)

// htmlFinds lists what a scanner reports, in order.
func htmlFinds(scan func([]byte, func(int, []byte, bool), func(int)) bool, b []byte) ([]string, bool) {
	var out []string
	ok := scan(b, func(pos int, url []byte, image bool) {
		out = append(out, fmt.Sprintf("%d ref %q image=%v", pos, url, image))
	}, func(pos int) { out = append(out, fmt.Sprintf("%d img without alt", pos)) })
	return out, ok
}

func tokenizerFinds(b []byte) []string {
	out, _ := htmlFinds(func(b []byte, ref func(int, []byte, bool), img func(int)) bool {
		tokenizeRefs(b, ref, img)
		return true
	}, b)
	return out
}

// checkPlainHTML fails if scanPlainHTML answers for b and differs from the
// tokenizer; it reports whether it answered.
func checkPlainHTML(t *testing.T, b []byte) bool {
	t.Helper()
	got, ok := htmlFinds(scanPlainHTML, b)
	if want := tokenizerFinds(b); ok && !reflect.DeepEqual(got, want) {
		t.Errorf("%q:\n got %q\nwant %q", b, got, want)
	}
	return ok
}

var plainHTMLSeeds = []string{
	`<img src="a.png" alt="x">`, `<IMG SRC='a.png'>`, `<img src=a.png/>`, `<img alt src="x" src="y">`,
	"<a\nhref = \"/p/\"\ttitle='t'>x</a>", `<a href="x"/>`, `<a href="?a=1&amp;b=2">`, "<a href=\"x\r\">",
	"<!-- <img src=\"hidden\"> --> <img src=\"v\">", "<!-- never closed <a href=x>", "<!--> <a href=x>",
	"<!--- <a href=x> -->", "<!-- a --!> <a href=x>", `<script src="s.js"></script><img src=i>`,
	`<iframe src="https://example.com/"></iframe>`, "a < b <a href=x> c <", "</a><a HREF=x><video src=v>",
	"<p>\n<img\nsrc=\"a\"\nalt=\"\">\n</p>\n", `<a href=x y=">">`, `<img src="ſrc" ſrc="x">`, "<img/src=x>",
	"<a href='x'b=1>", "<img src=\"x\" /><br/></ br>", "<!DOCTYPE html><a href=x>", "<?php ?><a href=x>",
}

func TestPlainHTML(t *testing.T) {
	for _, s := range plainHTMLSeeds {
		checkPlainHTML(t, []byte(s))
	}
}

// The raw HTML of every page we have: the fast path must agree with the
// tokenizer wherever it answers, and answer for most of it.
func TestPlainHTMLPages(t *testing.T) {
	pages, _ := filepath.Glob("../../content/*/*.md")
	corpus, _ := filepath.Glob("../../../shared/corpus/*/*.md")
	pages = append(pages, corpus...)
	md := New(config.Default.Markup).plain
	answered, all := 0, 0
	for _, p := range pages {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		doc := md.Parser().Parse(text.NewReader(src))
		ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			var segs []text.Segment
			switch n := n.(type) {
			case *ast.HTMLBlock:
				segs = n.Lines().Sliced(0, n.Lines().Len())
				if n.HasClosure() {
					segs = append(segs, n.ClosureLine)
				}
			case *ast.RawHTML:
				segs = n.Segments.Sliced(0, n.Segments.Len())
			}
			if entering && len(segs) > 0 {
				all++
				if checkPlainHTML(t, joinSegments(src, segs)) {
					answered++
				}
			}
			return ast.WalkContinue, nil
		})
	}
	t.Logf("the fast path answered for %d of %d raw HTML pieces", answered, all)
	if all > 100 && answered < all/2 {
		t.Errorf("the fast path answered for only %d of %d raw HTML pieces", answered, all)
	}
}

func FuzzPlainHTML(f *testing.F) {
	for _, s := range plainHTMLSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkPlainHTML(t, b) })
}
