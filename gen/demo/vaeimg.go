package demo

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"

	"github.com/kogi-course/kogi/wasmdemo/vae"
)

// Palette is the label colours of the latent map (Tableau 10: tells the ten
// classes apart for most kinds of colour blindness); demos.js uses the same.
var Palette = [10]color.RGBA{
	{0x4e, 0x79, 0xa7, 255}, {0xf2, 0x8e, 0x2b, 255}, {0xe1, 0x57, 0x59, 255}, {0x76, 0xb7, 0xb2, 255},
	{0x59, 0xa1, 0x4f, 255}, {0xed, 0xc9, 0x48, 255}, {0xb0, 0x7a, 0xa1, 255}, {0xff, 0x9d, 0xa7, 255},
	{0x9c, 0x75, 0x5f, 255}, {0xba, 0xb0, 0xac, 255},
}

type vaeData struct {
	r   *vae.Runner
	m   *vae.Map
	lim float32        // the plane shown is [-lim, lim]²
	ctr [10][2]float32 // mean position of each label
}

func loadVAE(read ReadFunc, model string) (*vaeData, error) {
	raw, err := read(model)
	if err != nil {
		return nil, err
	}
	m, err := vae.Read(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", model, err)
	}
	raw, err = read(LatentMap)
	if err != nil {
		return nil, err
	}
	mp, err := vae.ReadMap(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", LatentMap, err)
	}
	d := &vaeData{r: m.NewRunner(), m: mp, lim: PlaneLimit(mp)}
	var n [10]int
	for i, l := range mp.Label {
		d.ctr[l][0] += mp.X[i]
		d.ctr[l][1] += mp.Y[i]
		n[l]++
	}
	for l := range d.ctr {
		if n[l] > 0 {
			d.ctr[l][0] /= float32(n[l])
			d.ctr[l][1] /= float32(n[l])
		}
	}
	return d, nil
}

// PlaneLimit is the half-width of the latent square shown: wide enough for
// 99 % of the map's points, at least the prior's ±3.
func PlaneLimit(m *vae.Map) float32 {
	var vs []float64
	for i := range m.X {
		vs = append(vs, math.Max(math.Abs(float64(m.X[i])), math.Abs(float64(m.Y[i]))))
	}
	if len(vs) == 0 {
		return 3
	}
	slices.Sort(vs)
	return float32(math.Max(3, math.Ceil(vs[len(vs)*99/100]*2)/2))
}

// digit decodes z and draws it at (x, y) as dark ink on white, size×size
// pixels (area-averaged from 28×28), tinted with ink.
func (d *vaeData) digit(img *image.RGBA, x, y, size int, z []float32, ink color.RGBA) {
	var out [vae.Pixels]float32
	d.r.Decode(z, out[:])
	drawDigit(img, x, y, size, out[:], ink)
}

func drawDigit(img *image.RGBA, x0, y0, size int, pix []float32, ink color.RGBA) {
	s := float64(vae.Side) / float64(size)
	for ty := range size {
		for tx := range size {
			// Average the source pixels under this target pixel.
			var sum, area float64
			for sy := int(float64(ty) * s); float64(sy) < float64(ty+1)*s && sy < vae.Side; sy++ {
				cy := math.Min(float64(ty+1)*s, float64(sy+1)) - math.Max(float64(ty)*s, float64(sy))
				for sx := int(float64(tx) * s); float64(sx) < float64(tx+1)*s && sx < vae.Side; sx++ {
					cx := math.Min(float64(tx+1)*s, float64(sx+1)) - math.Max(float64(tx)*s, float64(sx))
					sum += cx * cy * float64(pix[sy*vae.Side+sx])
					area += cx * cy
				}
			}
			v := sum / area
			blend(img, x0+tx, y0+ty, ink, v)
		}
	}
}

// blend mixes ink over the pixel's colour by alpha a.
func blend(img *image.RGBA, x, y int, ink color.RGBA, a float64) {
	if !image.Pt(x, y).In(img.Rect) {
		return
	}
	i := img.PixOffset(x, y)
	p := img.Pix[i : i+4]
	for c, v := range [3]uint8{ink.R, ink.G, ink.B} {
		p[c] = uint8(math.Round(float64(p[c])*(1-a) + float64(v)*a))
	}
	p[3] = 255
}

func white(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	return img
}

var black = color.RGBA{0x11, 0x11, 0x11, 255}

// latentFallback: the map of test digits (left) beside the decoded 20×20
// manifold of the same square (right).
func latentFallback(read ReadFunc) (image.Image, error) {
	d, err := loadVAE(read, Model2)
	if err != nil {
		return nil, err
	}
	const side, cells = 360, 20
	img := white(2*side, side)
	lim := d.lim
	toPx := func(v float32) float64 { return (float64(v) + float64(lim)) / (2 * float64(lim)) * side }
	for i := range d.m.X {
		cx, cy := toPx(d.m.X[i]), side-toPx(d.m.Y[i])
		dot(img, cx, cy, 2.2, Palette[d.m.Label[i]])
	}
	// The legend is in the map itself: each label's mean position decoded,
	// drawn in its colour, so no font is needed.
	for l, c := range d.ctr {
		x, y := int(toPx(c[0]))-10, int(side-toPx(c[1]))-10
		d.digit(img, x, y, 20, c[:], darker(Palette[l]))
	}
	cell := side / cells
	for gy := range cells {
		for gx := range cells {
			z := []float32{
				-lim + (float32(gx)+0.5)*2*lim/cells,
				lim - (float32(gy)+0.5)*2*lim/cells,
			}
			d.digit(img, side+gx*cell, gy*cell, cell, z, black)
		}
	}
	return img, nil
}

func darker(c color.RGBA) color.RGBA {
	return color.RGBA{c.R * 3 / 5, c.G * 3 / 5, c.B * 3 / 5, 255}
}

// dot draws an anti-aliased filled circle.
func dot(img *image.RGBA, cx, cy, r float64, c color.RGBA) {
	for y := int(cy - r - 1); y <= int(cy+r+1); y++ {
		for x := int(cx - r - 1); x <= int(cx+r+1); x++ {
			dist := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			if a := math.Min(1, math.Max(0, r+0.5-dist)); a > 0 {
				blend(img, x, y, c, a*0.8)
			}
		}
	}
}

// drawFallback: what each label's average position decodes to.
func drawFallback(read ReadFunc) (image.Image, error) {
	d, err := loadVAE(read, Model2)
	if err != nil {
		return nil, err
	}
	img := white(560, 56)
	for l, c := range d.ctr {
		d.digit(img, l*56, 0, 56, c[:], black)
	}
	return img, nil
}

// interpFallback: three straight paths between label centres.
func interpFallback(read ReadFunc) (image.Image, error) {
	d, err := loadVAE(read, Model2)
	if err != nil {
		return nil, err
	}
	img := white(560, 168)
	for row, pair := range [3][2]int{{0, 6}, {1, 7}, {4, 9}} {
		a, b := d.ctr[pair[0]], d.ctr[pair[1]]
		for i := range 10 {
			t := float32(i) / 9
			z := []float32{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
			d.digit(img, i*56, row*56, 56, z, black)
		}
	}
	return img, nil
}
