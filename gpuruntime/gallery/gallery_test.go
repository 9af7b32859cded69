package gallery

import (
	"bytes"
	"errors"
	"image"
	"image/gif"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/kogi-course/kogi/gpuruntime/judge"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
)

func digits(n int, seed float64) []float32 {
	out := make([]float32, n*mnist.Pixels)
	for i := range out {
		out[i] = float32(0.5 + 0.5*math.Sin(seed+float64(i)*0.37))
	}
	return out
}

func TestDrawCut(t *testing.T) {
	l := Grid(3, 2)
	if w, h := l.Size(); w != 3*30+2 || h != 2*30+2 {
		t.Fatalf("size %d×%d", w, h)
	}
	in := digits(5, 1) // one cell stays empty
	raw, w, h, err := PNG(l, in)
	if err != nil {
		t.Fatal(err)
	}
	img, err := Decode(raw)
	if err != nil || img.Bounds().Dx() != w || img.Bounds().Dy() != h {
		t.Fatalf("decode: %v %v", err, img.Bounds())
	}
	back := l.Cut(img, 0, 0, 6)
	for i, v := range back[:len(in)] {
		if math.Abs(float64(v-in[i])) > 0.5/255+1e-6 {
			t.Fatalf("pixel %d: %g back as %g", i, in[i], v)
		}
	}
	for _, v := range back[len(in):] {
		if v != 0 {
			t.Fatal("the empty cell has ink")
		}
	}
}

// The same frames give the same bytes; frames and delays are as asked.
func TestGIF(t *testing.T) {
	l := Grid(4, 4)
	frames := [][]float32{digits(16, 1), digits(16, 2), digits(16, 3)}
	a, w, h, err := GIF(l, frames, []int{100, 8, 200})
	if err != nil {
		t.Fatal(err)
	}
	b, _, _, _ := GIF(l, frames, []int{100, 8, 200})
	if !bytes.Equal(a, b) {
		t.Fatal("two encodings of the same frames differ")
	}
	g, err := gif.DecodeAll(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 3 || g.Delay[2] != 200 || g.Config.Width != w || g.Config.Height != h || g.LoopCount != 0 {
		t.Fatalf("gif: %d frames, delays %v, %d×%d", len(g.Image), g.Delay, g.Config.Width, g.Config.Height)
	}
	if _, _, _, err := GIF(l, frames, []int{1}); err == nil {
		t.Fatal("frames and delays of different lengths accepted")
	}
}

// The committed gallery (static/gallery/diffusion) checks against its
// manifest, reached the cpu preset's quality targets, and the judge agrees
// with the manifest on the digits cut out of samples.png; reverse.gif and
// strip.png end on samples.png's first digits.
func TestShippedGallery(t *testing.T) {
	const dir = "../../static/gallery/diffusion"
	if _, err := os.Stat(filepath.Join(dir, Manifest)); errors.Is(err, os.ErrNotExist) {
		t.Skip("no gallery yet (make gallery writes it)")
	}
	m, err := Check(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Preset == "cpu" {
		if m.Judge.ConfidentShare < 0.65 || m.Judge.ClassEntropy < 0.97*math.Log(10) || m.Judge.Samples != 1000 {
			t.Errorf("judge %+v: want ≥ 0.65 confident, entropy ≥ 0.97·ln 10, 1000 samples", m.Judge.Verdict)
		}
	}
	jm, err := judge.Load("../judge/judge.kjdg")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, SamplesPNG))
	img, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	grid := m.Files[SamplesPNG].Grid
	cut := grid.Cut(img, 0, 0, grid.Count())
	v := jm.Judge(cut)
	t.Logf("judge on the %d digits of samples.png: confident %.3f (manifest, %d samples: %.3f), entropy %.3f", v.Samples, v.ConfidentShare, m.Judge.Samples, m.Judge.ConfidentShare, v.ClassEntropy)
	// 64 of the 1000: a binomial share within about 3.5 standard deviations.
	sd := math.Sqrt(m.Judge.ConfidentShare * (1 - m.Judge.ConfidentShare) / float64(v.Samples))
	if math.Abs(v.ConfidentShare-m.Judge.ConfidentShare) > 3.5*sd+1.0/64 {
		t.Errorf("confident on %.3f of samples.png's digits; the manifest's 1000 samples %.3f", v.ConfidentShare, m.Judge.ConfidentShare)
	}
	// The animations end on samples.png's first 16 digits.
	first := cut[:16*mnist.Pixels]
	g, err := readGIF(filepath.Join(dir, ReverseGIF))
	if err != nil {
		t.Fatal(err)
	}
	last := m.Files[ReverseGIF].Grid.Cut(g.Image[len(g.Image)-1], 0, 0, 16)
	same(t, "reverse.gif's last frame", last, first)
	sraw, _ := os.ReadFile(filepath.Join(dir, StripPNG))
	strip, err := Decode(sraw)
	if err != nil {
		t.Fatal(err)
	}
	sf := m.Files[StripPNG]
	same(t, "strip.png's last frame", sf.Grid.Cut(strip, (sf.Frames-1)*sf.FrameWidth, 0, 16), first)
}

func readGIF(path string) (*gif.GIF, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return gif.DecodeAll(bytes.NewReader(raw))
}

func same(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s differs from samples.png at value %d", what, i)
		}
	}
}

var _ image.Image
