// Package corpustest gives tests access to the shared compatibility corpus:
// the kramdown pages in ../shared/corpus beside the repository root, and the
// HTML Jekyll built from them in ../shared/corpus-jekyll. It is for _test.go
// files only; no other code may import it (corpustest_test.go checks).
package corpustest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Locate returns ../shared beside the repository root (the folder holding
// go.mod), relative to the working directory, which for a test is its
// package's folder; relative, so that paths in test messages do not depend
// on where the checkout lives. The error says why the corpus is unusable and
// where it was looked for.
func Locate() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root := wd
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(root) == root {
			return "", fmt.Errorf("no go.mod in %s or above it", wd)
		}
		root = filepath.Dir(root)
	}
	shared := filepath.Join(filepath.Dir(root), "shared")
	for _, sub := range []string{"corpus", "corpus-jekyll"} {
		if _, err := os.Stat(filepath.Join(shared, sub)); err != nil {
			return "", fmt.Errorf("the shared corpus is absent: %v (it is looked for in ../shared beside the repository root, %s)", err, root)
		}
	}
	return filepath.Rel(wd, shared)
}

// Shared returns the path of ../shared. The corpus is not part of the
// repository, so without it the test is skipped and `go test ./...` passes
// anywhere, except where the environment sets CI: there a missing corpus
// fails the test, rather than turn the compatibility checks off unseen.
func Shared(tb testing.TB) string {
	tb.Helper()
	shared, err := Locate()
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("CI is set, so the corpus tests must not skip: %v", err)
		}
		tb.Skipf("skipping: %v", err)
	}
	return shared
}

// Page is one corpus page that Jekyll rendered.
type Page struct {
	Rel        string // under corpus/, slash-separated: "2025ai/2025ai_lect12.md"
	URL        string // its pretty permalink: "/2025ai/2025ai_lect12/", "/2025ai/" for index.md
	Source     []byte // the whole file
	Body       []byte // Source after the front matter: what kramdown converted
	BodyOffset int    // where Body starts in Source
	Jekyll     string // path of Jekyll's index.html for the page
}

// Pages returns the Markdown pages of corpus/2024ai and corpus/2025ai that
// Jekyll renders, sorted by Rel: those with front matter, whose names do not
// start with "_". Jekyll copies a file without front matter as it is
// (2025ai/2024advanced-chemistryprize.md is one), so there is no HTML to
// compare it with. A rendered page whose Jekyll file is missing is an error.
func Pages(tb testing.TB) []Page {
	tb.Helper()
	shared := Shared(tb)
	var pages []Page
	for _, sec := range []string{"2024ai", "2025ai"} {
		files, err := filepath.Glob(filepath.Join(shared, "corpus", sec, "*.md"))
		if err != nil {
			tb.Fatal(err)
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				tb.Fatal(err)
			}
			name := strings.TrimSuffix(filepath.Base(f), ".md")
			n := BodyStart(src)
			if n < 0 || strings.HasPrefix(name, "_") {
				continue
			}
			url := "/" + sec + "/" + name + "/"
			if name == "index" {
				url = "/" + sec + "/"
			}
			jekyll := filepath.Join(shared, "corpus-jekyll", filepath.FromSlash(url), "index.html")
			if _, err := os.Stat(jekyll); err != nil {
				tb.Errorf("%s: no Jekyll output: %v", f, err)
				continue
			}
			pages = append(pages, Page{Rel: sec + "/" + name + ".md", URL: url,
				Source: src, Body: src[n:], BodyOffset: n, Jekyll: jekyll})
		}
	}
	if len(pages) == 0 {
		tb.Fatal("no corpus pages found")
	}
	return pages
}

// frontMatter is a first line "---" up to the next line "---", trailing
// blanks allowed: the shape of every front matter in the corpus.
var frontMatter = regexp.MustCompile(`\A---[ \t\r]*\n(?:.*\n)*?---[ \t\r]*(?:\n|\z)`)

// BodyStart returns where the Markdown starts in src, after the front
// matter, or -1 when src has none.
func BodyStart(src []byte) int {
	if m := frontMatter.Find(src); m != nil {
		return len(m)
	}
	return -1
}

// JekyllHome parses the Jekyll page file and returns its <div class="home">:
// the article body, without the layout around it.
func JekyllHome(tb testing.TB, file string) *html.Node {
	tb.Helper()
	f, err := os.Open(file)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	doc, err := html.Parse(f)
	if err != nil {
		tb.Fatalf("%s: %v", file, err)
	}
	home := Find(doc, func(n *html.Node) bool { return n.Data == "div" && HasClass(n, "home") })
	if home == nil {
		tb.Fatalf("%s: no <div class=\"home\">", file)
	}
	return home
}

// Find returns the first node, in document order, at or under n that
// satisfies ok, or nil.
func Find(n *html.Node, ok func(*html.Node) bool) *html.Node {
	if ok(n) {
		return n
	}
	for d := range n.Descendants() {
		if ok(d) {
			return d
		}
	}
	return nil
}

// Attr returns the value of n's attribute key, or "".
func Attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// HasClass reports whether n is an element with class among its classes.
func HasClass(n *html.Node, class string) bool {
	return n.Type == html.ElementNode && slices.Contains(strings.Fields(Attr(n, "class")), class)
}

// Text returns the text of n and all its descendants, as textContent does.
func Text(n *html.Node) string {
	var b strings.Builder
	if n.Type == html.TextNode {
		b.WriteString(n.Data)
	}
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}
