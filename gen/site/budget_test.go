package site

import (
	"fmt"
	"github.com/kogi-course/kogi/gen/testenv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPageBudget is the page-weight budget of issue 3: a lecture of our
// content with the CSS and JS it links (MathJax and demos excluded) must stay
// within 60 KB gzipped. Sizes are deterministic, so this is a test, not a
// benchmark; it logs the numbers.
func TestPageBudget(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Build(repoCfg("../../content", out)); err != nil {
		t.Fatal(err)
	}
	reAsset := regexp.MustCompile(`(?:href|src)="(/assets/[^"]+\.(?:css|js))"`)
	pages, _ := filepath.Glob(filepath.Join(out, "gm", "lect*", "index.html"))
	if len(pages) < 3 {
		t.Fatalf("lectures found: %v", pages)
	}
	for _, p := range pages {
		html, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		total := testenv.GzipSize(html)
		parts := []string{"html " + kib(total)}
		for _, m := range reAsset.FindAllSubmatch(html, -1) {
			asset := string(m[1])
			if strings.HasPrefix(asset, "/assets/mathjax/") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(asset)))
			if err != nil {
				t.Fatalf("%s links %s: %v", p, asset, err)
			}
			n := testenv.GzipSize(b)
			total += n
			parts = append(parts, filepath.Base(asset)+" "+kib(n))
		}
		rel, _ := filepath.Rel(out, p)
		t.Logf("%s: %s KB gzip (%s)", rel, kib(total), strings.Join(parts, ", "))
		if total > 60*1024 {
			t.Errorf("%s: %d bytes gzip, over the 60 KB budget", rel, total)
		}
	}
}

func kib(n int) string { return fmt.Sprintf("%.1f", float64(n)/1024) }
