package search

import "testing"

// BenchmarkWrite measures writing the index of the corpus and our
// lectures: the work a build does once all pages were added.
func BenchmarkWrite(b *testing.B) {
	s, _ := corpusIndex(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.ix.Write(func(string, []byte) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAdd measures indexing the same pages one by one, on one core:
// the work Add puts on the build's workers.
func BenchmarkAdd(b *testing.B) {
	_, docs := corpusIndex(b)
	b.ReportAllocs()
	for b.Loop() {
		ix := New()
		for _, d := range docs {
			ix.Add(d)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(docs)), "ns/page")
}

// BenchmarkPlainText measures extracting the text of the same pages from
// their article HTML, on one core: the other part of the workers' share.
func BenchmarkPlainText(b *testing.B) {
	pages := corpusHTML(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range pages {
			PlainText(p.html)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pages)), "ns/page")
}
