package search

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// tiny is a synthetic site for ranking tests.
var tiny = []Doc{
	{URL: "/a/", Title: "雑談", Course: "c", Text: "変分法の話と下限の話。変分と下限。"},
	{URL: "/b/", Title: "第2回", Course: "c", Text: "ここでは変分下限を導く。"},
	{URL: "/c/", Title: "変分下限 (ELBO)", Course: "c", Text: "この回では ELBO を扱う。"},
	{URL: "/d/", Title: "無関係", Course: "c", Text: "変分だけが出てくる。"},
	{URL: "/e/", Title: "第5回", Course: "c", Text: "変分下限。変分下限。変分下限。"},
	{URL: "/f/", Title: "ＧＡＮ", Course: "", Text: "敵対的生成ネットワーク GAN。識別器と生成器。猫。"},
}

func searcher(t *testing.T, docs []Doc) (*Searcher, map[string][]byte) {
	t.Helper()
	files := build(t, docs, 0)
	s, err := Open(func(name string) ([]byte, error) {
		if b, ok := files[name]; ok {
			return b, nil
		}
		return nil, fmt.Errorf("%s: not found", name)
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, files
}

func urls(rs []Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.URL)
	}
	return out
}

func TestRanking(t *testing.T) {
	s, _ := searcher(t, tiny)
	for _, tc := range []struct {
		name, q string
		want    []string
	}{
		// Title first (c), then the phrase by frequency (e three times, b
		// once), then the bigrams apart (a); d lacks 下限.
		{"title, phrase, then bigrams apart", "変分下限", []string{"/c/", "/e/", "/b/", "/a/"}},
		{"word, in title and text", "ELBO", []string{"/c/"}},
		{"word, any case and width", "ｅｌｂｏ", []string{"/c/"}},
		{"AND across terms", "変分 ELBO", []string{"/c/"}},
		{"AND with no page having both", "変分 GAN", nil},
		{"single character", "猫", []string{"/f/"}},
		{"single character in text or title", "下", []string{"/c/", "/e/", "/a/", "/b/"}},
		{"title in full width", "GAN", []string{"/f/"}},
		{"odd-length phrase", "敵対的生成", []string{"/f/"}},
		{"bigrams apart still match", "生成識別", []string{"/f/"}},
		{"nothing to search", "、。", nil},
	} {
		rs, err := s.Search(tc.q, 10)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := urls(rs); !slices.Equal(got, tc.want) {
			t.Errorf("%s: Search(%q) = %v, want %v", tc.name, tc.q, got, tc.want)
		}
	}
}

func TestSnippet(t *testing.T) {
	long := ""
	for i := range 300 {
		long += fmt.Sprintf("第%d段落。", i)
	}
	docs := append(slices.Clone(tiny), Doc{URL: "/long/", Title: "長い", Text: long + "ここで変分下限が出る。" + long})
	s, _ := searcher(t, docs)
	for _, tc := range []struct {
		name, q, url, snippet string
		marks                 []string
	}{
		{"phrase marked whole", "変分下限", "/b/", "ここでは変分下限を導く。", []string{"変分下限"}},
		{"bigrams apart marked each", "変分下限", "/a/", "変分法の話と下限の話。変分と下限。", []string{"変分", "下限", "変分", "下限"}},
		{"word marked in any case", "elbo", "/c/", "この回では ELBO を扱う。", []string{"ELBO"}},
		{"far into a long page, cut on both sides", "変分下限", "/long/",
			"…296段落。第297段落。第298段落。第299段落。ここで変分下限が出る。第0段落。第1段落。第2段落。第3段落。第4段落。第5段落。第6段落。第7段落。第8段落。第9段落。第10段落。第11段落。…",
			[]string{"変分下限"}},
	} {
		rs, err := s.Search(tc.q, 10)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(rs, func(r Result) bool { return r.URL == tc.url })
		if i < 0 {
			t.Errorf("%s: %s not found", tc.name, tc.url)
			continue
		}
		r := rs[i]
		var marks []string
		rs2 := []rune(r.Snippet)
		for _, m := range r.Marks {
			marks = append(marks, string(rs2[m[0]:m[1]]))
		}
		if r.Snippet != tc.snippet || !slices.Equal(marks, tc.marks) {
			t.Errorf("%s: snippet %q marks %q, want %q marks %q", tc.name, r.Snippet, marks, tc.snippet, tc.marks)
		}
	}
}

func TestDeterministic(t *testing.T) {
	build := func(order []int, parallel bool) map[string][]byte {
		s := newSite()
		done := make(chan struct{})
		for _, i := range order {
			if parallel {
				go func() { s.add(tiny[i]); done <- struct{}{} }()
			} else {
				s.add(tiny[i])
			}
		}
		if parallel {
			for range order {
				<-done
			}
		}
		f, err := s.write()
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	a := build([]int{0, 1, 2, 3, 4, 5}, false)
	for _, b := range []map[string][]byte{
		build([]int{5, 3, 1, 0, 2, 4}, false),
		build([]int{0, 1, 2, 3, 4, 5}, true),
		build([]int{4, 2, 0, 1, 3, 5}, true),
	} {
		if len(a) != len(b) {
			t.Fatalf("%d files, then %d", len(a), len(b))
		}
		for name, data := range a {
			if string(b[name]) != string(data) {
				t.Errorf("%s differs between builds", name)
			}
		}
	}
	for name := range a {
		if len(name) <= len(Dir) || name[:len(Dir)] != Dir {
			t.Errorf("%s is not under %s", name, Dir)
		}
	}
	if len(a) != Shards+1+len(tiny) {
		t.Errorf("%d files, want %d shards, docs.json and one text file per page", len(a), Shards)
	}
}

func TestRemove(t *testing.T) {
	long := strings.Repeat("長い本文。", Chunk/2)
	docs := append(slices.Clone(tiny), Doc{URL: "/g/", Title: "長い", Text: long})
	s := newSite()
	for _, d := range docs {
		s.add(d)
	}
	if _, err := s.write(); err != nil {
		t.Fatal(err)
	}
	// /b/ changes; /g/ shrinks from three text files to one.
	s.ix.Remove("/b/")
	s.add(Doc{URL: "/b/", Title: "改訂", Text: "書き直した"})
	s.ix.Remove("/g/")
	s.add(Doc{URL: "/g/", Title: "長い", Text: "短くなった"})
	got, err := s.write()
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range docs {
		switch d.URL {
		case "/b/":
			docs[i] = Doc{URL: "/b/", Title: "改訂", Text: "書き直した"}
		case "/g/":
			docs[i] = Doc{URL: "/g/", Title: "長い", Text: "短くなった"}
		}
	}
	if want := build(t, docs, 0); !maps.EqualFunc(got, want, bytes.Equal) {
		t.Errorf("Remove then Add differs from a fresh index: %d files, want %d", len(got), len(want))
	}
}

func TestDuplicateURL(t *testing.T) {
	ix := New()
	ix.Add(Doc{URL: "/a/", Text: "x"})
	ix.Add(Doc{URL: "/a/", Text: "y"})
	if _, err := ix.Write(func(string, []byte) error { return nil }); err == nil {
		t.Error("two pages with one URL: no error")
	}
}

func TestEmptyIndex(t *testing.T) {
	s, _ := searcher(t, nil)
	if rs, err := s.Search("変分", 10); err != nil || len(rs) != 0 {
		t.Errorf("empty index: %v, %v", rs, err)
	}
}
