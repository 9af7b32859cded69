package search

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/kogi-course/kogi/gen/testenv"
)

// The browser tests run static/assets/search.js in headless Chromium over
// an index served on 127.0.0.1 under a base path, and check that it finds
// what the Go twin in lookup.go finds, byte for byte, and that it behaves:
// keyboard, Esc, Enter, untrusted text, a 360 px screen.

const testBase = "/sub"

// testPage is the page the form sits on: the partial the layouts include,
// rendered with the base path, plus the script and its CSS.
const testPage = `<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{.Base}}/assets/search.css">
<script defer src="{{.Base}}/assets/search.js"></script>
<title>search</title></head>
<body style="margin:0;font-family:sans-serif">
<header style="display:flex;justify-content:space-between;align-items:center;padding:.5rem">
<a href="{{.Base}}/">Kogi</a>{{template "search" .}}</header>
<main><p>本文</p></main>
</body></html>`

// serveSite writes the index, the script, the stylesheet, a page with the
// form and a stub page for every indexed URL into a folder, and serves it
// under testBase on 127.0.0.1.
func serveSite(t *testing.T, files map[string][]byte, docs []Doc) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, b []byte) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, b := range files {
		write(name, b)
	}
	for _, f := range []string{"search.js", "search.css"} {
		b, err := os.ReadFile(filepath.Join("../../static/assets", f))
		if err != nil {
			t.Fatal(err)
		}
		write("assets/"+f, b)
	}
	partial, err := os.ReadFile("../../templates/partials/search.html")
	if err != nil {
		t.Fatal(err)
	}
	tmpl := template.Must(template.New("search").Parse(string(partial)))
	template.Must(tmpl.New("page").Parse(testPage))
	var page strings.Builder
	if err := tmpl.ExecuteTemplate(&page, "page", struct{ Base string }{testBase}); err != nil {
		t.Fatal(err)
	}
	write("index.html", []byte(page.String()))
	for _, d := range docs {
		if d.URL != "/" {
			write(strings.TrimPrefix(d.URL, "/")+"index.html", []byte("<!DOCTYPE html><title>stub</title>"))
		}
	}
	return testenv.Serve(t, http.StripPrefix(testBase, http.FileServer(http.Dir(dir)))) + testBase + "/"
}

// tab opens a headless Chromium tab that can reach only 127.0.0.1 and
// records every problem the page meets: exceptions, console errors, failed
// or refused requests.
func tab(t *testing.T) (context.Context, func() string) {
	t.Helper()
	ctx, cancelT := chromedp.NewContext(testenv.Allocator(t))
	ctx, cancelD := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelD(); cancelT() })
	var mu sync.Mutex
	var problems []string
	chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			msg := e.ExceptionDetails.Text
			if x := e.ExceptionDetails.Exception; x != nil {
				msg += " " + x.Description
			}
			problems = append(problems, "exception: "+msg)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				problems = append(problems, "console error")
			}
		case *network.EventLoadingFailed:
			problems = append(problems, "request failed: "+e.ErrorText)
		case *network.EventResponseReceived:
			if e.Response.Status >= 400 {
				problems = append(problems, "HTTP "+e.Response.URL)
			}
		}
	})
	return ctx, func() string {
		mu.Lock()
		defer mu.Unlock()
		return strings.Join(problems, "; ")
	}
}

// shown is a result as the page shows it.
type shown struct {
	Href    string   `json:"href"`
	Title   string   `json:"title"`
	Course  string   `json:"course"`
	Snippet string   `json:"snippet"`
	Marks   []string `json:"marks"`
}

// waitResults waits for the panel to show the results of the current query
// and reads them.
const waitResults = `new Promise((done) => {
  const poll = () => {
    const p = document.querySelector('.search-panel');
    const s = document.querySelector('.search-status');
    if (!p || p.hidden || !s.textContent) return setTimeout(poll, 20);
    done([...document.querySelectorAll('.search-results a')].map((a) => ({
      href: a.getAttribute('href'),
      title: a.querySelector('.search-title').textContent,
      course: (a.querySelector('.search-course') || {}).textContent || '',
      snippet: a.querySelector('.search-snippet').textContent,
      marks: [...a.querySelectorAll('mark')].map((m) => m.textContent),
    })));
  };
  poll();
})`

// expected is what the Go twin finds, as the page would show it.
func expected(t *testing.T, s *Searcher, q string) []shown {
	t.Helper()
	rs, err := s.Search(q, 10)
	if err != nil {
		t.Fatal(err)
	}
	out := []shown{}
	for _, r := range rs {
		sn := []rune(r.Snippet)
		marks := []string{}
		for _, m := range r.Marks {
			marks = append(marks, string(sn[m[0]:m[1]]))
		}
		out = append(out, shown{testBase + r.URL, r.Title, r.Course, r.Snippet, marks})
	}
	return out
}

func equalShown(a, b []shown) bool {
	return slices.EqualFunc(a, b, func(x, y shown) bool {
		return x.Href == y.Href && x.Title == y.Title && x.Course == y.Course && x.Snippet == y.Snippet && slices.Equal(x.Marks, y.Marks)
	})
}

// compare runs each query from the URL (?q=) and compares the page with
// the Go twin.
func compare(t *testing.T, ctx context.Context, site string, s *Searcher, queries ...string) {
	t.Helper()
	for _, q := range queries {
		if err := chromedp.Do(ctx, chromedp.Navigate(site+"?q="+url.QueryEscape(q))); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]shown](waitResults, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if want := expected(t, s, q); !equalShown(got, want) {
			t.Errorf("%s: the page shows\n%v\nthe Go twin finds\n%v", q, got, want)
		}
	}
}

func TestBrowserMatchesGo(t *testing.T) {
	testenv.Chromium(t)
	docs := append(slices.Clone(tiny), Doc{URL: "/x/", Title: `<img src=x onerror="window.pwned=1">`, Course: "<b>c</b>",
		Text: `危険な <script>window.pwned=1</script> テキスト &amp; <b>ELBO</b>`})
	s, files := searcher(t, docs)
	site := serveSite(t, files, docs)
	ctx, problems := tab(t)
	compare(t, ctx, site, s, "変分下限", "ＥＬＢＯ", "変分 ELBO", "下", "生成識別", "ｶﾞｳｽ", "存在しない語",
		`危険 <img src=x onerror="window.pwned=1">`)

	// Index data and the query are shown as text, never parsed as HTML.
	injected, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`window.pwned === 1 || !!document.querySelector('.search-panel img, .search-panel script, .search-panel b')`))
	if err != nil {
		t.Fatal(err)
	}
	if injected {
		t.Error("HTML from the index or the query was parsed")
	}
	if p := problems(); p != "" {
		t.Errorf("problems in the page: %s", p)
	}
}

func TestBrowserKeyboard(t *testing.T) {
	testenv.Chromium(t)
	_, files := searcher(t, tiny)
	site := serveSite(t, files, tiny)
	ctx, problems := tab(t)
	active := func() string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`document.activeElement.getAttribute('href') || document.activeElement.id`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	hidden := func() bool {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('.search-panel').hidden`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740), chromedp.Navigate(site),
		chromedp.WaitReady(chromedp.CSS(".search-panel")), chromedp.Focus(chromedp.CSS("#site-search-q")),
		chromedp.SendKeys(chromedp.CSS("#site-search-q"), "変分下限"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]shown](waitResults, chromedp.EvalAwaitPromise))
	if err != nil || len(got) != 4 {
		t.Fatalf("typed query: %v results, %v", len(got), err)
	}

	// Nothing sticks out of a 360 px screen.
	over, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
	  const r = document.querySelector('.search-panel').getBoundingClientRect();
	  const w = document.documentElement.clientWidth;
	  return r.left < 0 || r.right > w || document.documentElement.scrollWidth > w ? 'panel ' + r.left + '..' + r.right + ' in ' + w : '';
	})()`))
	if err != nil || over != "" {
		t.Errorf("at 360 px: %s %v", over, err)
	}

	steps := []struct {
		key, want string
	}{
		{kb.ArrowDown, testBase + "/c/"},
		{kb.ArrowDown, testBase + "/e/"},
		{kb.ArrowUp, testBase + "/c/"},
		{kb.ArrowUp, "site-search-q"},
	}
	for _, st := range steps {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(st.key)); err != nil {
			t.Fatal(err)
		}
		if a := active(); a != st.want {
			t.Errorf("after %q focus is on %q, want %q", st.key, a, st.want)
		}
	}
	// Esc closes, from a result or from the input, and focus is on the
	// input; ArrowDown opens again.
	for _, from := range []struct{ name, keys string }{{"a result", kb.ArrowDown + kb.Escape}, {"the input", kb.Escape}} {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(from.keys)); err != nil {
			t.Fatal(err)
		}
		if !hidden() || active() != "site-search-q" {
			t.Errorf("Esc from %s: the panel is still open or focus left the input", from.name)
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
			t.Fatal(err)
		}
		if hidden() || active() != testBase+"/c/" {
			t.Errorf("ArrowDown after Esc: panel hidden or focus on %q", active())
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowUp)); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	// Enter goes to the first result.
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	// The page changes under the evaluation, which may then fail: retry.
	var path string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if path, err = chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`)); err == nil && path == testBase+"/c/" {
			break
		}
	}
	if path != testBase+"/c/" {
		t.Errorf("Enter: at %q, want %s/c/ (%v)", path, testBase, err)
	}
	if p := problems(); p != "" {
		t.Errorf("problems in the page: %s", p)
	}
}

// TestBrowserCorpus runs the acceptance queries in the browser over the
// corpus index and checks the page shows what the Go twin, which
// TestCorpusQueries measures, finds.
func TestBrowserCorpus(t *testing.T) {
	testenv.Chromium(t)
	ix, docs := corpusIndex(t)
	files, err := ix.write()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(func(name string) ([]byte, error) { return files[name], nil })
	if err != nil {
		t.Fatal(err)
	}
	site := serveSite(t, files, docs)
	ctx, problems := tab(t)
	compare(t, ctx, site, s, "変分下限", "敵対的生成", "ELBO", "深層学習", "CNN 畳み込み", "脳")
	if p := problems(); p != "" {
		t.Errorf("problems in the page: %s", p)
	}
}
