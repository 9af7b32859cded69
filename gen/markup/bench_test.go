package markup

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/kogi-course/kogi/gen/config"
)

// BenchmarkConvert renders our own lecture pages (content/gm) through the
// whole Markdown pipeline, without layout, minify or disk.
func BenchmarkConvert(b *testing.B) {
	files, _ := filepath.Glob("../../content/gm/*.md")
	if len(files) == 0 {
		b.Fatal("no pages in content/gm")
	}
	var srcs [][]byte
	size := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, src)
		size += len(src)
	}
	conv := New(config.Default.Markup)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range srcs {
			if _, err := conv.Convert(src, io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	}
	pages := float64(len(srcs) * b.N)
	b.ReportMetric(pages/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/pages, "ns/page")
}
