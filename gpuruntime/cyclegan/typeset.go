package cyclegan

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomedium"
	"golang.org/x/image/font/gofont/gomediumitalic"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/gomonobolditalic"
	"golang.org/x/image/font/gofont/gomonoitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/kogi-course/kogi/gpuruntime/mnist"
)

// FontNames are the Go fonts domain B's digits are set in.
var FontNames = []string{"regular", "medium", "bold", "italic", "medium italic", "bold italic",
	"mono", "mono bold", "mono italic", "mono bold italic"}

var fontTTFs = [][]byte{goregular.TTF, gomedium.TTF, gobold.TTF, goitalic.TTF, gomediumitalic.TTF, gobolditalic.TTF,
	gomono.TTF, gomonobold.TTF, gomonoitalic.TTF, gomonobolditalic.TTF}

// outline is one glyph as path segments in font units (y down), with its
// bounding box.
type outline struct {
	segs                   sfnt.Segments
	minX, minY, maxX, maxY float64
}

// glyphs[font][digit], parsed once.
var glyphs = func() [][10]outline {
	out := make([][10]outline, len(fontTTFs))
	var buf sfnt.Buffer
	for fi, ttf := range fontTTFs {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic(fmt.Errorf("go font %s: %v", FontNames[fi], err))
		}
		for d := range 10 {
			idx, err := f.GlyphIndex(&buf, rune('0'+d))
			if err != nil {
				panic(err)
			}
			segs, err := f.LoadGlyph(&buf, idx, fixed.I(100), nil)
			if err != nil {
				panic(err)
			}
			o := outline{segs: append(sfnt.Segments(nil), segs...), minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
			for _, s := range segs {
				for _, p := range s.Args[:argCount(s.Op)] {
					x, y := float64(p.X)/64, float64(p.Y)/64
					o.minX, o.maxX = math.Min(o.minX, x), math.Max(o.maxX, x)
					o.minY, o.maxY = math.Min(o.minY, y), math.Max(o.maxY, y)
				}
			}
			out[fi][d] = o
		}
	}
	return out
}()

func argCount(op sfnt.SegmentOp) int {
	switch op {
	case sfnt.SegmentOpQuadTo:
		return 2
	case sfnt.SegmentOpCubeTo:
		return 3
	}
	return 1
}

// Style is how one typeset digit is drawn.
type Style struct {
	Font     int     // index into FontNames
	Height   float64 // glyph height in pixels
	Angle    float64 // rotation, radians (positive: clockwise on screen)
	DX, DY   float64 // offset of the glyph's centre from the image centre, pixels
	Weight   float64 // stroke weight: 0 as set, up to 1 one pixel bolder
	Contrast float64 // ink of the darkest pixel, 0.85…1
}

// RandomStyle draws a style: any font, 17–20 px high, ±12°, ±2 px, weight
// 0…0.4 (the bold fonts vary the stroke more). Taller or bolder digits are
// read less well by the MNIST judge (its digits fit a 20-pixel box).
func RandomStyle(rng *rand.Rand) Style {
	return Style{
		Font: rng.IntN(len(FontNames)), Height: 17 + 3*rng.Float64(), Angle: (rng.Float64()*2 - 1) * 12 * math.Pi / 180,
		DX: rng.Float64()*4 - 2, DY: rng.Float64()*4 - 2, Weight: 0.4 * rng.Float64(), Contrast: 0.85 + 0.15*rng.Float64(),
	}
}

// Draw renders digit d in style s into a 28×28 image of grey levels in
// [0, 1], white ink on black like MNIST.
func Draw(d int, s Style) []float32 {
	o := glyphs[s.Font][d]
	cx, cy := (o.minX+o.maxX)/2, (o.minY+o.maxY)/2
	k := s.Height / (o.maxY - o.minY)
	sin, cos := math.Sincos(s.Angle)
	tr := func(p fixed.Point26_6) (float32, float32) {
		x, y := (float64(p.X)/64-cx)*k, (float64(p.Y)/64-cy)*k
		return float32(14 + s.DX + x*cos - y*sin), float32(14 + s.DY + x*sin + y*cos)
	}
	r := vector.NewRasterizer(28, 28)
	for _, seg := range o.segs {
		switch seg.Op {
		case sfnt.SegmentOpMoveTo:
			r.MoveTo(tr(seg.Args[0]))
		case sfnt.SegmentOpLineTo:
			r.LineTo(tr(seg.Args[0]))
		case sfnt.SegmentOpQuadTo:
			x1, y1 := tr(seg.Args[0])
			x2, y2 := tr(seg.Args[1])
			r.QuadTo(x1, y1, x2, y2)
		case sfnt.SegmentOpCubeTo:
			x1, y1 := tr(seg.Args[0])
			x2, y2 := tr(seg.Args[1])
			x3, y3 := tr(seg.Args[2])
			r.CubeTo(x1, y1, x2, y2, x3, y3)
		}
	}
	r.ClosePath()
	dst := image.NewAlpha(image.Rect(0, 0, 28, 28))
	r.Draw(dst, dst.Bounds(), image.Opaque, image.Point{})
	img := make([]float32, mnist.Pixels)
	for i, a := range dst.Pix {
		img[i] = float32(a) / 255
	}
	// Stroke weight: blend in the 3×3 maximum (a one-pixel dilation).
	out := make([]float32, mnist.Pixels)
	for y := range 28 {
		for x := range 28 {
			m := img[y*28+x]
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if xx, yy := x+dx, y+dy; xx >= 0 && xx < 28 && yy >= 0 && yy < 28 {
						m = max(m, img[yy*28+xx])
					}
				}
			}
			v := img[y*28+x] + float32(s.Weight)*(m-img[y*28+x])
			out[y*28+x] = v * float32(s.Contrast)
		}
	}
	return out
}

// Render draws n typeset digits: digit i's class and style come from
// (seed, i) alone, so a set is the same for a seed whatever its length.
func Render(seed uint64, n int) *mnist.Set {
	s := &mnist.Set{Images: make([]float32, 0, n*mnist.Pixels), Labels: make([]uint8, n)}
	for i := range n {
		rng := rand.New(rand.NewPCG(seed^0x7479706573657400, uint64(i)))
		d := rng.IntN(10)
		s.Labels[i] = uint8(d)
		s.Images = append(s.Images, Draw(d, RandomStyle(rng))...)
	}
	return s
}
