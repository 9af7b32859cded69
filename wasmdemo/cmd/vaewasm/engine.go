package main

import (
	"errors"
	"math"
	"strconv"

	"github.com/kogi-course/kogi/wasmdemo/vae"
)

// digitBytes is one 28×28 RGBA image, the unit every picture is made of.
const digitBytes = vae.Pixels * 4

// maxGrid bounds the manifold grid (n×n digits): 30 gives an 840×840 image,
// 2.8 MB, already more than a phone screen can show.
const maxGrid = 30

// engine is everything the page can ask for, without syscall/js, so the host
// tests run it natively. Its buffers are made once and reused: the calls a
// widget makes every frame (decode, draw) allocate nothing.
type engine struct {
	models  []*vae.Model
	runners []*vae.Runner
	maps    []*vae.Map

	ink [3]byte // digits are ink over a transparent page: alpha is the pixel

	z, mu, logvar []float32 // latent scratch, as wide as the widest model
	img, img2     []float32 // 784 pixels
	digit         []byte    // one RGBA digit
	grid          []byte    // manifold grid, grown on demand
	strip         []byte    // interpolation strip, grown on demand
	canvas        []byte    // a drawn canvas's RGBA, grown on demand
	gray          []float32 // its ink, one value per pixel
	draw          []byte    // input | 2-D reconstruction | 16-D reconstruction | μ (2 float32)
	raw           []byte    // float32 bytes for decodeF32/encodeF32
}

func newEngine() *engine {
	return &engine{
		ink:    [3]byte{0x1d, 0x1f, 0x23},
		img:    make([]float32, vae.Pixels),
		img2:   make([]float32, vae.Pixels),
		digit:  make([]byte, digitBytes),
		draw:   make([]byte, drawBytes),
		z:      make([]float32, 2),
		mu:     make([]float32, 2),
		logvar: make([]float32, 2),
	}
}

// drawBytes is the layout of draw's output: three RGBA digits, then μ as two
// little-endian float32 (offset 3·3136, a multiple of 4, so JavaScript reads
// it as a Float32Array over the same buffer).
const drawBytes = 3*digitBytes + 8

var errHandle = errors.New("vaewasm: no such model or map (load it first)")

// load parses a KVAE file and returns its handle.
func (e *engine) load(data []byte) (int, error) {
	m, err := vae.Read(data)
	if err != nil {
		return -1, err
	}
	if m.Latent > len(e.z) {
		e.z = make([]float32, m.Latent)
		e.mu = make([]float32, m.Latent)
		e.logvar = make([]float32, m.Latent)
	}
	e.models = append(e.models, m)
	e.runners = append(e.runners, m.NewRunner())
	return len(e.models) - 1, nil
}

// loadMap parses a KMAP file and returns its handle.
func (e *engine) loadMap(data []byte) (int, error) {
	m, err := vae.ReadMap(data)
	if err != nil {
		return -1, err
	}
	e.maps = append(e.maps, m)
	return len(e.maps) - 1, nil
}

func (e *engine) runner(h int) (*vae.Runner, error) {
	if h < 0 || h >= len(e.runners) {
		return nil, errHandle
	}
	return e.runners[h], nil
}

// mapBytes lays a map out for JavaScript: n float32 x, n float32 y, n labels.
func (e *engine) mapBytes(h int) ([]byte, error) {
	if h < 0 || h >= len(e.maps) {
		return nil, errHandle
	}
	m := e.maps[h]
	n := len(m.X)
	b := make([]byte, 0, 9*n)
	for _, v := range m.X {
		b = appendF32(b, v)
	}
	for _, v := range m.Y {
		b = appendF32(b, v)
	}
	return append(b, m.Label...), nil
}

// decode renders the digit at latent point (x, y), the rest of z zero, into
// e.digit.
func (e *engine) decode(h int, x, y float32) ([]byte, error) {
	r, err := e.runner(h)
	if err != nil {
		return nil, err
	}
	e.decodeAt(r, x, y, e.img)
	paint(e.digit, vae.Side, 0, 0, e.img, e.ink)
	return e.digit, nil
}

func (e *engine) decodeAt(r *vae.Runner, x, y float32, out []float32) {
	z := e.z[:r.Model().Latent]
	clear(z)
	z[0] = x
	if len(z) > 1 {
		z[1] = y
	}
	r.Decode(z, out)
}

// grid renders the n×n manifold: the digit decoded at the centre of each
// cell of [x0,x1]×[y0,y1], the top row at y1 as in the latent plane.
func (e *engine) gridImage(h, n int, x0, x1, y0, y1 float32) ([]byte, error) {
	r, err := e.runner(h)
	if err != nil {
		return nil, err
	}
	if n < 1 || n > maxGrid {
		return nil, errors.New("vaewasm: grid size " + strconv.Itoa(n) + " (1 to " + strconv.Itoa(maxGrid) + ")")
	}
	side := n * vae.Side
	e.grid = grow(e.grid, side*side*4)
	for j := range n {
		y := y1 - (float32(j)+0.5)*(y1-y0)/float32(n)
		for i := range n {
			x := x0 + (float32(i)+0.5)*(x1-x0)/float32(n)
			e.decodeAt(r, x, y, e.img)
			paint(e.grid, side, i*vae.Side, j*vae.Side, e.img, e.ink)
		}
	}
	return e.grid, nil
}

// interp renders n digits along the segment from a to b in one strip, a
// first and b last.
func (e *engine) interp(h int, ax, ay, bx, by float32, n int) ([]byte, error) {
	r, err := e.runner(h)
	if err != nil {
		return nil, err
	}
	if n < 2 || n > 64 {
		return nil, errors.New("vaewasm: " + strconv.Itoa(n) + " interpolation frames (2 to 64)")
	}
	w := n * vae.Side
	e.strip = grow(e.strip, w*vae.Side*4)
	for k := range n {
		t := float32(k) / float32(n-1)
		e.decodeAt(r, ax+t*(bx-ax), ay+t*(by-ay), e.img)
		paint(e.strip, w, k*vae.Side, 0, e.img, e.ink)
	}
	return e.strip, nil
}

// drawn reads a drawn canvas (RGBA, ink in the alpha channel, w×h),
// preprocesses it as MNIST was (vae.CenterMNIST), encodes it with model h2
// and fills e.draw: the 28×28 input, its reconstruction from μ by h2 and, when
// h16 ≥ 0, by h16 through its own μ, then μ of h2. ok is false for an empty
// canvas. rgba is e.canvas[:w*h*4], already filled by the caller.
func (e *engine) drawn(h2, h16, w, h int) (ok bool, err error) {
	r2, err := e.runner(h2)
	if err != nil {
		return false, err
	}
	var r16 *vae.Runner
	if h16 >= 0 {
		if r16, err = e.runner(h16); err != nil {
			return false, err
		}
	}
	e.gray = growF(e.gray, w*h)
	for i := range e.gray {
		e.gray[i] = float32(e.canvas[4*i+3]) * (1.0 / 255)
	}
	x := e.img
	if !vae.CenterMNISTInto(x, e.gray, w, h) {
		return false, nil
	}
	paint(e.draw[:digitBytes], vae.Side, 0, 0, x, e.ink)

	lat := r2.Model().Latent
	r2.Encode(x, e.mu[:lat], e.logvar[:lat])
	mx, my := e.mu[0], float32(0)
	if lat > 1 {
		my = e.mu[1]
	}
	r2.Decode(e.mu[:lat], e.img2)
	paint(e.draw[digitBytes:2*digitBytes], vae.Side, 0, 0, e.img2, e.ink)

	if r16 != nil {
		lat := r16.Model().Latent
		r16.Encode(x, e.mu[:lat], e.logvar[:lat])
		r16.Decode(e.mu[:lat], e.img2)
		paint(e.draw[2*digitBytes:3*digitBytes], vae.Side, 0, 0, e.img2, e.ink)
	} else {
		clear(e.draw[2*digitBytes : 3*digitBytes])
	}
	putF32(e.draw[3*digitBytes:], mx)
	putF32(e.draw[3*digitBytes+4:], my)
	return true, nil
}

// decodeF32 decodes the latent point given as little-endian float32 bytes
// into 784 float32: the exact numbers, for the parity test against the
// native package.
func (e *engine) decodeF32(h int, zb []byte) ([]byte, error) {
	r, err := e.runner(h)
	if err != nil {
		return nil, err
	}
	lat := r.Model().Latent
	if len(zb) != 4*lat {
		return nil, errors.New("vaewasm: latent point has " + strconv.Itoa(len(zb)) + " bytes, want " + strconv.Itoa(4*lat))
	}
	z := e.z[:lat]
	for i := range z {
		z[i] = getF32(zb[4*i:])
	}
	r.Decode(z, e.img)
	e.raw = e.raw[:0]
	for _, v := range e.img {
		e.raw = appendF32(e.raw, v)
	}
	return e.raw, nil
}

// encodeF32 encodes a 784-float32 image (little-endian bytes) and returns μ
// then log σ², as float32 bytes.
func (e *engine) encodeF32(h int, xb []byte) ([]byte, error) {
	r, err := e.runner(h)
	if err != nil {
		return nil, err
	}
	if len(xb) != 4*vae.Pixels {
		return nil, errors.New("vaewasm: image has " + strconv.Itoa(len(xb)) + " bytes, want " + strconv.Itoa(4*vae.Pixels))
	}
	for i := range e.img {
		e.img[i] = getF32(xb[4*i:])
	}
	lat := r.Model().Latent
	r.Encode(e.img, e.mu[:lat], e.logvar[:lat])
	e.raw = e.raw[:0]
	for _, v := range e.mu[:lat] {
		e.raw = appendF32(e.raw, v)
	}
	for _, v := range e.logvar[:lat] {
		e.raw = appendF32(e.raw, v)
	}
	return e.raw, nil
}

// paint writes a 28×28 image into the RGBA image dst (stride pixels wide)
// with its top-left corner at (x0, y0): the ink colour, with the pixel's
// value as alpha, so the page's own background shows through in either
// theme.
func paint(dst []byte, stride, x0, y0 int, img []float32, ink [3]byte) {
	for y := range vae.Side {
		row := dst[((y0+y)*stride+x0)*4 : ((y0+y)*stride+x0+vae.Side)*4]
		src := img[y*vae.Side : (y+1)*vae.Side]
		for x, v := range src {
			a := v * 255
			if !(a > 0) { // NaN too
				a = 0
			} else if a > 255 {
				a = 255
			}
			p := row[4*x : 4*x+4 : 4*x+4]
			p[0], p[1], p[2], p[3] = ink[0], ink[1], ink[2], byte(a+0.5)
		}
	}
}

func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

func growF(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

func appendF32(b []byte, v float32) []byte {
	u := math.Float32bits(v)
	return append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
}

func putF32(b []byte, v float32) {
	u := math.Float32bits(v)
	_ = b[3]
	b[0], b[1], b[2], b[3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
}

func getF32(b []byte) float32 {
	_ = b[3]
	return math.Float32frombits(uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24)
}

// canvasBuf returns the buffer a drawn canvas of w×h pixels is copied into.
func (e *engine) canvasBuf(w, h int) ([]byte, error) {
	if w < 8 || h < 8 || w > 2048 || h > 2048 {
		return nil, errors.New("vaewasm: canvas " + strconv.Itoa(w) + "×" + strconv.Itoa(h) + " (8 to 2048 pixels a side)")
	}
	e.canvas = grow(e.canvas, w*h*4)
	return e.canvas, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
