package cyclegan

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kogi-course/kogi/gpuruntime/gallery"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
)

// firstOfClass picks the first digit of each class 0…9 of labels from
// each of the flats (n × 784 each): 10 × 784 per flat.
func firstOfClass(labels []uint8, flats ...[]float32) [][]float32 {
	idx := make([]int, 10)
	for c := range idx {
		idx[c] = slices.Index(labels, uint8(c))
	}
	out := make([][]float32, len(flats))
	for k, f := range flats {
		for _, i := range idx {
			if i < 0 {
				out[k] = append(out[k], make([]float32, mnist.Pixels)...)
				continue
			}
			out[k] = append(out[k], f[i*mnist.Pixels:(i+1)*mnist.Pixels]...)
		}
	}
	return out
}

func writePictures(dir string, man *Manifest, rec *Record, testA, testB *mnist.Set, tr *Translations) error {
	// triplets.png: a column per digit class; rows A, G(A), F(G(A)), B, F(B), G(F(B)).
	ra := firstOfClass(testA.Labels, testA.Images, tr.GA, tr.FGA)
	rb := firstOfClass(testB.Labels, testB.Images, tr.FB, tr.GFB)
	tl := gallery.Grid(10, 6)
	raw, w, h, err := gallery.PNG(tl, slices.Concat(ra[0], ra[1], ra[2], rb[0], rb[1], rb[2]))
	if err != nil {
		return err
	}
	f, err := gallery.WriteFile(dir, TripletsPNG, raw, gallery.File{Width: w, Height: h, Grid: tl,
		What: "columns: digit classes 0–9; rows: A (handwritten test digit) → G(A) → F(G(A)), B (typeset test digit) → F(B) → G(F(B))"})
	if err != nil {
		return err
	}
	man.Files[TripletsPNG] = File{File: f}

	// The training frames: rows A, G(A), B, F(B) of the fixed digits.
	fl := gallery.Grid(10, 4)
	fixedA, fixedB := FromGrey(rec.FixedA), FromGrey(rec.FixedB)
	var frames [][]float32
	var steps, delays []int
	for k, fr := range rec.Frames {
		frames = append(frames, slices.Concat(fixedA, FromGrey(fr.GA), fixedB, FromGrey(fr.FB)))
		steps = append(steps, fr.Step)
		d := 40
		if k == len(rec.Frames)-1 {
			d = 200
		}
		delays = append(delays, d)
	}
	what := "rows: fixed handwritten digits A, G(A), fixed typeset digits B, F(B); one frame per checkpoint of the training"
	raw, w, h, err = gallery.GIF(fl, frames, delays)
	if err != nil {
		return err
	}
	if len(raw) > gallery.MaxGIFBytes {
		return fmt.Errorf("%s: %d bytes, more than %d", TrainingGIF, len(raw), gallery.MaxGIFBytes)
	}
	if f, err = gallery.WriteFile(dir, TrainingGIF, raw, gallery.File{Width: w, Height: h, Frames: len(frames), Grid: fl, DelaysCS: delays, What: what}); err != nil {
		return err
	}
	man.Files[TrainingGIF] = File{File: f, Steps: steps}
	raw, w, h, err = gallery.Strip(fl, frames)
	if err != nil {
		return err
	}
	fw, fh := fl.Size()
	if f, err = gallery.WriteFile(dir, StripPNG, raw, gallery.File{Width: w, Height: h, Frames: len(frames), FrameWidth: fw, FrameHeight: fh, Grid: fl, What: what}); err != nil {
		return err
	}
	man.Files[StripPNG] = File{File: f, Steps: steps}

	svg, w, h := lossesSVG(man.LossHistory)
	if f, err = gallery.WriteFile(dir, LossesSVG, svg, gallery.File{Width: w, Height: h,
		What: "mean losses between frames: generator adversarial (G and F), cycle L1 (both ways), identity L1 (both ways), discriminators D_A and D_B"}); err != nil {
		return err
	}
	man.Files[LossesSVG] = File{File: f}
	return nil
}

// lossesSVG plots the loss history: one line per component except the total.
func lossesSVG(hist []LossPoint) ([]byte, int, int) {
	const W, H, left, right, top, bottom = 480, 270, 48, 150, 14, 34
	pw, ph := float64(W-left-right), float64(H-top-bottom)
	colors := []string{"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"}
	maxStep, maxY := 1, 0.0
	for _, pt := range hist {
		maxStep = max(maxStep, pt.Step)
		for i := range colors {
			if i < len(pt.Losses) {
				maxY = max(maxY, pt.Losses[i])
			}
		}
	}
	maxY = niceCeil(maxY)
	x := func(s int) float64 { return float64(left) + pw*float64(s)/float64(maxStep) }
	y := func(v float64) float64 { return float64(top) + ph*(1-v/maxY) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n", W, H, W, H)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/>`+"\n", W, H)
	for k := 0; k <= 4; k++ {
		v := maxY * float64(k) / 4
		fmt.Fprintf(&b, `<line x1="%d" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n",
			left, float64(left)+pw, y(v), y(v), left-4, y(v)+4, trimFloat(v))
		s := maxStep * k / 4
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%d</text>`+"\n", x(s), H-bottom+14, s)
	}
	fmt.Fprintf(&b, `<path d="M%d %d V%d H%.1f" fill="none" stroke="#333"/>`+"\n", left, top, H-bottom, float64(left)+pw)
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">training step</text>`+"\n", float64(left)+pw/2, H-4)
	labels := []string{"generator adversarial", "cycle L1", "identity L1", "discriminator A", "discriminator B"}
	for i, c := range colors {
		var pts []string
		for _, pt := range hist {
			if i < len(pt.Losses) {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(pt.Step), y(pt.Losses[i])))
			}
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>`+"\n", c, strings.Join(pts, " "))
		ly := top + 10 + 16*i
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="2"/><text x="%d" y="%d">%s</text>`+"\n",
			W-right+10, W-right+28, ly, ly, c, W-right+32, ly+4, labels[i])
	}
	b.WriteString("</svg>\n")
	return []byte(b.String()), W, H
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func trimFloat(v float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}
