// Package gallery draws the diffusion gallery's pictures (grids of digits
// as grey PNG and GIF) and writes its manifest.json, which the site
// generator reads.
//
// Every picture is a function of its pixels alone: the encoders are Go's
// image/png and image/gif with fixed settings, so the same samples give
// byte-identical files.
package gallery

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"math"

	"github.com/kogi-course/kogi/gpuruntime/mnist"
)

// Layout is a grid of 28×28 digits: Cols × Rows cells, Gap pixels of
// background between cells and around the grid.
type Layout struct {
	Cols int `json:"cols"`
	Rows int `json:"rows"`
	Cell int `json:"cell"`
	Gap  int `json:"gap"`
}

// Grid returns a Cols × Rows layout of 28-pixel digits with a 2-pixel gap.
func Grid(cols, rows int) Layout { return Layout{Cols: cols, Rows: rows, Cell: 28, Gap: 2} }

// Size is the picture's width and height.
func (l Layout) Size() (w, h int) {
	return l.Cols*(l.Cell+l.Gap) + l.Gap, l.Rows*(l.Cell+l.Gap) + l.Gap
}

// Count is the number of cells.
func (l Layout) Count() int { return l.Cols * l.Rows }

// Origin is the top-left pixel of cell i (row by row).
func (l Layout) Origin(i int) (x, y int) {
	return l.Gap + (i%l.Cols)*(l.Cell+l.Gap), l.Gap + (i/l.Cols)*(l.Cell+l.Gap)
}

// Grey turns a grey level in [0, 1] (the digits' ink) into 0…255.
func Grey(v float32) uint8 {
	return uint8(math.Round(255 * math.Max(0, math.Min(1, float64(v)))))
}

// Draw paints the first l.Count() images of flat (n × 784, grey levels in
// [0, 1]) into dst at (x0, y0); cells without an image stay background (0).
func (l Layout) Draw(dst *image.Gray, x0, y0 int, flat []float32) {
	for i := range min(l.Count(), len(flat)/mnist.Pixels) {
		ox, oy := l.Origin(i)
		img := flat[i*mnist.Pixels : (i+1)*mnist.Pixels]
		for y := range 28 {
			for x := range 28 {
				dst.Pix[(y0+oy+y)*dst.Stride+x0+ox+x] = Grey(img[y*28+x])
			}
		}
	}
}

// Cut reads the cells of a picture drawn by Draw back as grey levels in
// [0, 1] (n × 784), at most n cells.
func (l Layout) Cut(src image.Image, x0, y0, n int) []float32 {
	n = min(n, l.Count())
	out := make([]float32, n*mnist.Pixels)
	for i := range n {
		ox, oy := l.Origin(i)
		for y := range 28 {
			for x := range 28 {
				g := color.GrayModel.Convert(src.At(x0+ox+x, y0+oy+y)).(color.Gray)
				out[i*mnist.Pixels+y*28+x] = float32(g.Y) / 255
			}
		}
	}
	return out
}

// PNG draws one grid as a grey PNG.
func PNG(l Layout, flat []float32) ([]byte, int, int, error) {
	w, h := l.Size()
	img := image.NewGray(image.Rect(0, 0, w, h))
	l.Draw(img, 0, 0, flat)
	return encodePNG(img)
}

// Strip draws frames (each n × 784) side by side, each in layout l: the
// frame strip a scrubber shows one window of at a time.
func Strip(l Layout, frames [][]float32) ([]byte, int, int, error) {
	fw, fh := l.Size()
	img := image.NewGray(image.Rect(0, 0, fw*len(frames), fh))
	for k, f := range frames {
		l.Draw(img, k*fw, 0, f)
	}
	return encodePNG(img)
}

func encodePNG(img *image.Gray) ([]byte, int, int, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, 0, 0, err
	}
	return buf.Bytes(), img.Rect.Dx(), img.Rect.Dy(), nil
}

// greys is the GIF palette: 256 grey levels, index = level.
var greys = func() color.Palette {
	p := make(color.Palette, 256)
	for i := range p {
		p[i] = color.Gray{Y: uint8(i)}
	}
	return p
}()

// GIF draws an animation: frame k is frames[k] in layout l, shown for
// delays[k] hundredths of a second; it loops for ever.
func GIF(l Layout, frames [][]float32, delays []int) ([]byte, int, int, error) {
	if len(frames) != len(delays) || len(frames) == 0 {
		return nil, 0, 0, fmt.Errorf("gif: %d frames, %d delays", len(frames), len(delays))
	}
	w, h := l.Size()
	anim := &gif.GIF{LoopCount: 0, Config: image.Config{ColorModel: greys, Width: w, Height: h}}
	for k, f := range frames {
		g := image.NewGray(image.Rect(0, 0, w, h))
		l.Draw(g, 0, 0, f)
		p := image.NewPaletted(g.Rect, greys)
		copy(p.Pix, g.Pix) // palette index = grey level
		anim.Image = append(anim.Image, p)
		anim.Delay = append(anim.Delay, delays[k])
		anim.Disposal = append(anim.Disposal, gif.DisposalNone)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, anim); err != nil {
		return nil, 0, 0, err
	}
	return buf.Bytes(), w, h, nil
}
