package cyclegan

import (
	"os"
	"slices"
	"testing"

	"github.com/kogi-course/kogi/gpuruntime/gallery"
	"github.com/kogi-course/kogi/gpuruntime/judge"
)

// TestTypeset: the renderer is deterministic for a seed (and digit i does
// not depend on the set's length), and the shipped 10-class MNIST judge reads
// its digits.
func TestTypeset(t *testing.T) {
	a, b := Render(7, 400), Render(7, 50)
	if !slices.Equal(a.Images[:len(b.Images)], b.Images) || !slices.Equal(a.Labels[:50], b.Labels) {
		t.Fatal("Render(7, …) differs between lengths")
	}
	if c := Render(8, 50); slices.Equal(c.Images, b.Images) {
		t.Fatal("seeds 7 and 8 render the same digits")
	}
	m, err := judge.Load("../judge/judge.kjdg")
	if err != nil {
		t.Fatal(err)
	}
	acc := m.Accuracy(a)
	t.Logf("MNIST judge on 400 typeset digits: %.3f", acc)
	if acc < 0.85 {
		t.Errorf("MNIST judge reads %.3f of the typeset digits, want ≥ 0.85", acc)
	}
	if dir := os.Getenv("KOGI_TYPESET_PNG"); dir != "" {
		raw, _, _, _ := gallery.PNG(gallery.Grid(20, 10), a.Images)
		os.WriteFile(dir, raw, 0o644)
	}
}
