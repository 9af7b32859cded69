package search

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kogi-course/kogi/gen/config"
	"github.com/kogi-course/kogi/gen/internal/corpustest"
	"github.com/kogi-course/kogi/gen/markup"
)

// page is one Markdown page to index in the corpus test.
type page struct {
	url, course string
	src         []byte
}

// rendered is a page as the build renders it.
type rendered struct {
	url, course, title string
	html               []byte
}

// corpusHTML renders every page of ../shared/corpus (2024ai, 2025ai) and of
// our content/gm, in parallel as the build does.
func corpusHTML(t testing.TB) []rendered {
	t.Helper()
	var pages []page
	for _, p := range corpustest.Pages(t) {
		pages = append(pages, page{p.URL, path.Dir(p.Rel), p.Source})
	}
	gm, err := filepath.Glob("../../content/gm/*.md")
	if err != nil || len(gm) == 0 {
		t.Fatalf("no content/gm pages: %v", err)
	}
	for _, f := range gm {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		url := "/gm/" + strings.TrimSuffix(filepath.Base(f), ".md") + "/"
		if filepath.Base(f) == "index.md" {
			url = "/gm/"
		}
		pages = append(pages, page{url, "gm", src})
	}

	conv := markup.New(config.Default.Markup)
	out := make([]rendered, len(pages))
	var wg sync.WaitGroup
	for i, p := range pages {
		wg.Go(func() {
			var buf bytes.Buffer
			res, err := conv.Convert(p.src, &buf)
			if err != nil {
				t.Errorf("%s: %v", p.url, err)
				return
			}
			title, _ := res.Meta["title"].(string)
			out[i] = rendered{p.url, p.course, title, buf.Bytes()}
		})
	}
	wg.Wait()
	return out
}

// corpusIndex indexes the pages of corpusHTML, in parallel as the build
// does. It returns the index with the text files Add returned, and the
// pages added, with their text.
func corpusIndex(t testing.TB) (*site, []Doc) {
	t.Helper()
	pages := corpusHTML(t)
	docs := make([]Doc, len(pages))
	for i, p := range pages {
		docs[i] = Doc{URL: p.url, Title: p.title, Course: p.course, Text: PlainText(p.html)}
	}
	// A course is named by the title of its index page.
	courses := map[string]string{}
	for _, d := range docs {
		if strings.Count(d.URL, "/") == 2 {
			courses[strings.Trim(d.URL, "/")] = d.Title
		}
	}
	s := newSite()
	var wg sync.WaitGroup
	for i := range docs {
		docs[i].Course = courses[docs[i].Course]
		wg.Go(func() { s.add(docs[i]) })
	}
	wg.Wait()
	return s, docs
}

// TestCorpusQueries indexes the corpus and our lectures, runs the three
// queries of the acceptance through the Go twin of search.js, and measures
// what each downloads: docs.json, the shards and the snippet texts of the
// results shown, uncompressed.
func TestCorpusQueries(t *testing.T) {
	ix, docs := corpusIndex(t)
	texts := map[string]string{}
	for _, d := range docs {
		texts[d.URL] = Normalize(d.Text)
	}
	files, err := ix.write()
	if err != nil {
		t.Fatal(err)
	}
	total, texts0, shardMax := 0, 0, 0
	for name, b := range files {
		total += len(b)
		switch {
		case strings.HasPrefix(name, Dir+"t/"):
			texts0 += len(b)
		case strings.HasPrefix(name, Dir+"s/"):
			shardMax = max(shardMax, len(b))
		}
	}
	t.Logf("%d pages; %d files, %d bytes in all (texts %d, shards %d, largest shard %d, docs.json %d)",
		ix.ix.Len(), len(files), total, texts0, total-texts0-len(files[Dir+"docs.json"]), shardMax, len(files[Dir+"docs.json"]))

	// The most any query can transfer: docs.json, the MaxTokens largest
	// shards and the ten largest text files.
	var shardSizes, textSizes []int
	for name, b := range files {
		if strings.HasPrefix(name, Dir+"s/") {
			shardSizes = append(shardSizes, len(b))
		} else if strings.HasPrefix(name, Dir+"t/") {
			textSizes = append(textSizes, len(b))
		}
	}
	slices.Sort(shardSizes)
	slices.Sort(textSizes)
	worst := len(files[Dir+"docs.json"])
	for _, n := range shardSizes[len(shardSizes)-MaxTokens:] {
		worst += n
	}
	for _, n := range textSizes[len(textSizes)-10:] {
		worst += n
	}
	t.Logf("worst case for any query: %d bytes", worst)
	if worst > 300_000 {
		t.Errorf("a query of %d tokens could transfer %d bytes, over 300 KB", MaxTokens, worst)
	}

	for _, q := range []string{"変分下限", "敵対的生成", "ELBO"} {
		fetched := map[string]int{}
		s, err := Open(func(name string) ([]byte, error) {
			b, ok := files[name]
			if !ok {
				return nil, fmt.Errorf("%s: not found", name)
			}
			fetched[name] = len(b)
			return b, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		rs, err := s.Search(q, 10)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		bytes := 0
		for _, n := range fetched {
			bytes += n
		}
		t.Logf("%s: %d results, %d files, %d bytes transferred", q, len(rs), len(fetched), bytes)
		for i, r := range rs {
			t.Logf("  %d. %s %s | %s", i+1, r.URL, r.Title, r.Snippet)
		}
		if bytes > 300_000 {
			t.Errorf("%s: a query transfers %d bytes, over 300 KB", q, bytes)
		}
		if len(rs) == 0 {
			t.Errorf("%s: no results", q)
			continue
		}
		first := rs[0]
		if !strings.Contains(strings.ToLower(texts[first.URL]), strings.ToLower(q)) {
			t.Errorf("%s: first result %s does not contain the term", q, first.URL)
		}
		if len(first.Marks) == 0 {
			t.Errorf("%s: first result's snippet has nothing marked: %q", q, first.Snippet)
		}
		// Every page whose text has the term is found.
		for url, text := range texts {
			if strings.Contains(text, q) && !slices.ContainsFunc(rs, func(r Result) bool { return r.URL == url }) && len(rs) < 10 {
				t.Errorf("%s: %s contains the term but was not found", q, url)
			}
		}
	}
}
