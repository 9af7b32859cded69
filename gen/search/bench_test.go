package search

import "testing"

// BenchmarkFiles measures writing the index of the corpus and our
// lectures: the work a build does once all pages were added.
func BenchmarkFiles(b *testing.B) {
	ix, _ := corpusIndex(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.Files(); err != nil {
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
