package site

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kogi-course/kogi/gen/config"
	"github.com/kogi-course/kogi/gen/internal/corpustest"
	"github.com/kogi-course/kogi/gen/testenv"
)

// repoCfg is the repository's build settings for a test or benchmark, with
// the user's minify cache as gen itself uses it.
func repoCfg(content, out string) config.Build {
	cfg := testenv.Config(content, out)
	if dir, err := os.UserCacheDir(); err == nil {
		cfg.CacheDir = filepath.Join(dir, "kogi")
	}
	return cfg
}

// sharedCorpus returns ../shared/corpus; see corpustest.Shared for when it
// skips.
func sharedCorpus(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(corpustest.Shared(tb), "corpus")
}

// benchBuild times builds of content in two ways. "rebuild" is what `make`
// does on a site that was built before: two untimed builds first, so that
// the output and the copy beside it (see tree) both exist. "cold" builds
// into a new folder every time, creating every file and folder.
func benchBuild(b *testing.B, content string, pages int) {
	// Build beside the repo, where `make` builds public/, rather than in the
	// system temp folder: file creation there was 5x slower on this machine.
	tmp, err := os.MkdirTemp("../..", ".bench-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(tmp) })
	report := func(b *testing.B) {
		b.ReportMetric(float64(pages)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(pages*b.N), "ns/page")
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
			// Maxrss is in KiB on Linux. It covers this process's whole
			// life, so `make bench` runs each site size in its own process.
			b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MiB")
		}
	}
	rebuild := func(search bool) func(b *testing.B) {
		return func(b *testing.B) {
			cfg := repoCfg(content, filepath.Join(tmp, fmt.Sprintf("public-%v", search)))
			cfg.Search = search
			for range 2 {
				if _, err := Build(cfg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Build(cfg); err != nil {
					b.Fatal(err)
				}
			}
			report(b)
		}
	}
	// "rebuild-no-search" is the generator core alone (gen build
	// --no-search): the full-text index came later and has its own cost.
	b.Run("rebuild-no-search", rebuild(false))
	b.Run("rebuild", rebuild(true))
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			b.StopTimer()
			dir := filepath.Join(tmp, fmt.Sprintf("cold%d", i))
			os.MkdirAll(dir, 0o755)
			cfg := repoCfg(content, filepath.Join(dir, "public"))
			i++
			b.StartTimer()
			if _, err := Build(cfg); err != nil {
				b.Fatal(err)
			}
			// The folders are removed after the loop, with tmp: deleting
			// a thousand files here slowed the next build's file creation
			// (ext4 with discard) by as much as the build itself.
		}
		report(b)
	})
}

// BenchmarkBuildDevCorpus builds ../shared/corpus (65 pages, 2.3 MB of
// Markdown, 14 MB of other files) with minify on, as `gen build` does.
func BenchmarkBuildDevCorpus(b *testing.B) {
	dir := sharedCorpus(b)
	c, _, err := loadContent(dir)
	if err != nil {
		b.Fatal(err)
	}
	benchBuild(b, dir, len(c.Pages))
}

// BenchmarkBuildGenerated2000 builds 2,000 pages made by cycling through the
// corpus pages, so their average size is the corpus's.
func BenchmarkBuildGenerated2000(b *testing.B) {
	dir := sharedCorpus(b)
	gen := filepath.Join(b.TempDir(), "content")
	n := generateSite(b, dir, gen, 2000)
	benchBuild(b, gen, n)
}

// generateSite writes n pages into dst, 100 to a folder, copying corpus pages
// round-robin; it returns n.
func generateSite(tb testing.TB, corpus, dst string, n int) int {
	c, _, err := loadContent(corpus)
	if err != nil {
		tb.Fatal(err)
	}
	var srcs [][]byte
	for _, p := range c.Pages {
		b, err := os.ReadFile(filepath.Join(corpus, filepath.FromSlash(p.Src)))
		if err != nil {
			tb.Fatal(err)
		}
		srcs = append(srcs, b)
	}
	total := 0
	for i := range n {
		dir := filepath.Join(dst, fmt.Sprintf("c%02d", i/100))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			tb.Fatal(err)
		}
		src := srcs[i%len(srcs)]
		total += len(src)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("p%04d.md", i)), src, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	tb.Logf("generated %d pages, %.1f MB of Markdown (%s)", n, float64(total)/1e6, strings.TrimSpace(fmt.Sprint(len(srcs), " distinct sources")))
	return n
}

// BenchmarkRebuildOnePage is the dev server's work after an author saves one
// page of ../shared/corpus: re-render it and replace its file.
func BenchmarkRebuildOnePage(b *testing.B) {
	dir := sharedCorpus(b)
	tmp, err := os.MkdirTemp("../..", ".bench-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(tmp) })
	content := filepath.Join(tmp, "content")
	if err := os.CopyFS(content, os.DirFS(dir)); err != nil {
		b.Fatal(err)
	}
	s := NewSession(repoCfg(content, filepath.Join(tmp, "public")))
	if _, err := s.Build(); err != nil {
		b.Fatal(err)
	}
	page := filepath.Join(content, "2025ai", "2025ai_lect12.md")
	orig, err := os.ReadFile(page)
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	var indexing time.Duration
	for b.Loop() {
		b.StopTimer()
		t0 := time.Now()
		s.Wait() // the previous rebuild's search index, written after the page
		indexing += time.Since(t0)
		i++
		if err := os.WriteFile(page, append(orig, fmt.Sprintf("\n編集 %d\n", i)...), 0o644); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := s.Rebuild([]string{page})
		if err != nil {
			b.Fatal(err)
		}
		if res.Stats.Pages != 1 {
			b.Fatalf("rebuilt %d pages, want 1", res.Stats.Pages)
		}
	}
	s.Wait()
	b.ReportMetric(float64(indexing.Milliseconds())/float64(b.N), "index-wait-ms/op")
}
