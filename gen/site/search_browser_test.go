package site

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestSearchInBrowser searches a site made of ../shared/corpus and our own
// course, in a fresh page per query as a reader arriving from elsewhere
// would: the first result must contain the term, opening it must work, and
// everything the query downloads from the index must stay within 300 KB.
func TestSearchInBrowser(t *testing.T) {
	corpus := sharedCorpus(t)
	content := filepath.Join(t.TempDir(), "content")
	if err := os.CopyFS(content, os.DirFS(corpus)); err != nil {
		t.Fatal(err)
	}
	// Our course folder; the corpus already has /assets/colab_icon.svg.
	if err := os.CopyFS(filepath.Join(content, "gm"), os.DirFS("../../content/gm")); err != nil {
		t.Fatal(err)
	}
	base, actx := browse(t, content)
	for _, q := range []string{"変分下限", "敵対的生成", "ELBO"} {
		ctx := tab(t, actx, 1280, 800)
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/gm/"),
			chromedp.WaitReady("#site-search-q"),
			chromedp.Evaluate[chromedp.Void](`performance.clearResourceTimings()`),
			chromedp.SendKeys("#site-search-q", q),
			chromedp.WaitVisible(".search-results li a"),
		)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		bytes, err := strconv.Atoi(evalString(t, ctx, `String(performance.getEntriesByType('resource')
			.filter(r => r.name.includes('/assets/search/'))
			.reduce((n, r) => n + r.encodedBodySize, 0))`))
		if err != nil {
			t.Fatal(err)
		}
		first := evalString(t, ctx, `document.querySelector('.search-results li a').getAttribute('href')`)
		t.Logf("%s: first result %s, %d bytes of index fetched", q, first, bytes)
		if bytes == 0 || bytes > 300*1024 {
			t.Errorf("%s: %d bytes fetched, budget 300 KB", q, bytes)
		}
		// Open it with the keyboard and check the page has the term.
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter), chromedp.Sleep(300*time.Millisecond), chromedp.WaitReady("main")); err != nil {
			t.Fatal(err)
		}
		if path := evalString(t, ctx, `location.pathname`); !strings.HasPrefix(first, path) && !strings.HasSuffix(first, path) {
			t.Errorf("%s: Enter opened %s, want %s", q, path, first)
		}
		text := evalString(t, ctx, `document.querySelector('main').innerText`)
		if !strings.Contains(strings.ToLower(text), strings.ToLower(q)) {
			t.Errorf("%s: the first result %s does not contain the term", q, first)
		}
	}
}
