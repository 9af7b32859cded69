package vae

import "math"

// inkFloor is the ink level below which a drawn pixel counts as paper when
// finding the digit's bounding box; anti-aliased stroke edges stay in.
const inkFloor = 0.02

// CenterMNIST turns a drawing (ink in [0,1], w×h, row-major) into an input
// the model has seen: MNIST's digits were scaled, keeping their aspect ratio,
// to fit a 20×20 box with anti-aliasing, then placed in the 28×28 field so
// that their centre of mass sits at its centre. ok is false when nothing is
// drawn.
func CenterMNIST(img []float32, w, h int) (out []float32, ok bool) {
	out = make([]float32, Pixels)
	return out, CenterMNISTInto(out, img, w, h)
}

// CenterMNISTInto is CenterMNIST writing into out (784 values), for callers
// that run it every frame.
func CenterMNISTInto(out, img []float32, w, h int) bool {
	clear(out[:Pixels])
	x0, y0, x1, y1 := w, h, -1, -1
	for y := range h {
		row := img[y*w : (y+1)*w]
		for x, v := range row {
			if v > inkFloor {
				x0, x1 = min(x0, x), max(x1, x)
				y0, y1 = min(y0, y), max(y1, y)
			}
		}
	}
	if x1 < 0 {
		return false
	}
	bw, bh := x1-x0+1, y1-y0+1
	scale := 20 / float64(max(bw, bh))
	// The scaled box, at most 20×20, resampled by area so thin strokes on a
	// large canvas turn grey rather than vanishing between samples.
	sw := max(1, int(math.Round(float64(bw)*scale)))
	sh := max(1, int(math.Round(float64(bh)*scale)))
	var box [20 * 20]float32
	sx, sy := float64(bw)/float64(sw), float64(bh)/float64(sh)
	for ty := range sh {
		fy0, fy1 := float64(ty)*sy, float64(ty+1)*sy
		for tx := range sw {
			fx0, fx1 := float64(tx)*sx, float64(tx+1)*sx
			var sum float64
			for y := int(fy0); y < int(math.Ceil(fy1)) && y < bh; y++ {
				cy := math.Min(fy1, float64(y+1)) - math.Max(fy0, float64(y))
				row := img[(y0+y)*w+x0:]
				for x := int(fx0); x < int(math.Ceil(fx1)) && x < bw; x++ {
					cx := math.Min(fx1, float64(x+1)) - math.Max(fx0, float64(x))
					sum += cx * cy * float64(row[x])
				}
			}
			box[ty*20+tx] = float32(math.Min(1, sum/(sx*sy)))
		}
	}
	// Centre of mass of the box, then the whole-pixel shift that puts it at
	// the field's centre (MNIST shifted by whole pixels too).
	var mass, mx, my float64
	for y := range sh {
		for x := range sw {
			v := float64(box[y*20+x])
			mass += v
			mx += v * (float64(x) + 0.5)
			my += v * (float64(y) + 0.5)
		}
	}
	if mass == 0 {
		return false
	}
	dx := int(math.Round(Side/2 - mx/mass))
	dy := int(math.Round(Side/2 - my/mass))
	for y := range sh {
		for x := range sw {
			tx, ty := x+dx, y+dy
			if tx >= 0 && tx < Side && ty >= 0 && ty < Side {
				out[ty*Side+tx] = box[y*20+x]
			}
		}
	}
	return true
}
