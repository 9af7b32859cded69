package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kogi-course/kogi/wasmdemo/vae"
)

// kvae writes m as the browser receives it (int8 weights) and returns the
// file and the model Read gives back from it.
func kvae(t testing.TB, m *vae.Model) ([]byte, *vae.Model) {
	t.Helper()
	var buf bytes.Buffer
	if err := vae.Write(&buf, m, nil); err != nil {
		t.Fatal(err)
	}
	back, err := vae.Read(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), back
}

func loaded(t testing.TB) (*engine, int, int, *vae.Model, *vae.Model) {
	t.Helper()
	e := newEngine()
	f2, m2 := kvae(t, vae.Random(2, 1, 64))
	f16, m16 := kvae(t, vae.Random(16, 2, 64))
	h2, err := e.load(f2)
	if err != nil {
		t.Fatal(err)
	}
	h16, err := e.load(f16)
	if err != nil {
		t.Fatal(err)
	}
	return e, h2, h16, m2, m16
}

func alpha(b []byte, stride, x, y int) byte { return b[(y*stride+x)*4+3] }

func TestDecodePaintsTheModelOutput(t *testing.T) {
	e, h2, _, m2, _ := loaded(t)
	e.ink = [3]byte{10, 20, 30}
	img, err := e.decode(h2, 0.5, -1.25)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float32, vae.Pixels)
	m2.NewRunner().Decode([]float32{0.5, -1.25}, want)
	for i, v := range want {
		if a := img[4*i+3]; int(a) != int(v*255+0.5) {
			t.Fatalf("pixel %d: alpha %d, want %d (p=%v)", i, a, int(v*255+0.5), v)
		}
		if img[4*i] != 10 || img[4*i+1] != 20 || img[4*i+2] != 30 {
			t.Fatalf("pixel %d: colour %v, want the ink", i, img[4*i:4*i+3])
		}
	}
}

func TestGridAndStripPlaceEachDigit(t *testing.T) {
	e, h2, _, m2, _ := loaded(t)
	r := m2.NewRunner()
	one := func(x, y float32) []float32 {
		out := make([]float32, vae.Pixels)
		r.Decode([]float32{x, y}, out)
		return out
	}
	const n = 4
	g, err := e.gridImage(h2, n, -2, 2, -2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(g) != (n*28)*(n*28)*4 {
		t.Fatalf("grid has %d bytes", len(g))
	}
	// cell (col 3, row 0) is the top right: x = 1.5, y = 1.5
	d := one(1.5, 1.5)
	for _, p := range []int{0, 300, 783} {
		x, y := p%28, p/28
		if a := alpha(g, n*28, 3*28+x, y); int(a) != int(d[p]*255+0.5) {
			t.Errorf("grid top-right pixel %d: %d, want %d", p, a, int(d[p]*255+0.5))
		}
	}
	s, err := e.interp(h2, -1, 0, 1, 2, 5)
	if err != nil {
		t.Fatal(err)
	}
	last := one(1, 2)
	for _, p := range []int{0, 400, 783} {
		if a := alpha(s, 5*28, 4*28+p%28, p/28); int(a) != int(last[p]*255+0.5) {
			t.Errorf("strip's last frame pixel %d: %d, want %d", p, a, int(last[p]*255+0.5))
		}
	}
	if _, err := e.gridImage(h2, 0, -1, 1, -1, 1); err == nil {
		t.Error("grid of 0 digits accepted")
	}
	if _, err := e.interp(7, 0, 0, 1, 1, 5); err == nil {
		t.Error("unknown model handle accepted")
	}
}

func TestDrawnEncodesTheCenteredInput(t *testing.T) {
	e, h2, h16, m2, m16 := loaded(t)
	const w, h = 64, 64
	buf, err := e.canvasBuf(w, h)
	if err != nil {
		t.Fatal(err)
	}
	clear(buf)
	if ok, err := e.drawn(h2, h16, w, h); ok || err != nil {
		t.Fatalf("empty canvas: ok %v, err %v", ok, err)
	}
	gray := make([]float32, w*h)
	for y := 10; y < 50; y++ { // a vertical bar: a "1"
		for x := 28; x < 34; x++ {
			buf[(y*w+x)*4+3] = 255
			gray[y*w+x] = 1
		}
	}
	ok, err := e.drawn(h2, h16, w, h)
	if !ok || err != nil {
		t.Fatalf("drawn bar: ok %v, err %v", ok, err)
	}
	x, _ := vae.CenterMNIST(gray, w, h)
	mu, lv := make([]float32, 2), make([]float32, 2)
	m2.NewRunner().Encode(x, mu, lv)
	if got := [2]float32{getF32(e.draw[3*digitBytes:]), getF32(e.draw[3*digitBytes+4:])}; got != [2]float32{mu[0], mu[1]} {
		t.Errorf("μ %v, want %v", got, mu)
	}
	mu16, lv16, rec := make([]float32, 16), make([]float32, 16), make([]float32, vae.Pixels)
	r16 := m16.NewRunner()
	r16.Encode(x, mu16, lv16)
	r16.Decode(mu16, rec)
	for _, p := range []int{0, 406, 783} {
		if a := e.draw[digitBytes*2+4*p+3]; int(a) != int(rec[p]*255+0.5) {
			t.Errorf("16-D reconstruction pixel %d: %d, want %d", p, a, int(rec[p]*255+0.5))
		}
		if a := e.draw[4*p+3]; int(a) != int(x[p]*255+0.5) {
			t.Errorf("input pixel %d: %d, want %d", p, a, int(x[p]*255+0.5))
		}
	}
}

// The calls made every frame allocate nothing: a garbage collection in the
// middle of a drag is a dropped frame.
func TestFramePathsDoNotAllocate(t *testing.T) {
	e, h2, h16, _, _ := loaded(t)
	buf, _ := e.canvasBuf(224, 224)
	for i := 40; i < 180; i++ {
		buf[(i*224+i)*4+3] = 255
	}
	for name, f := range map[string]func(){
		"decode": func() { e.decode(h2, 0.3, 0.1) },
		"drawn":  func() { e.drawn(h2, h16, 224, 224) },
		"interp": func() { e.interp(h2, 0, 0, 1, 1, 10) },
	} {
		if n := testing.AllocsPerRun(20, f); n != 0 {
			t.Errorf("%s: %v allocations a call", name, n)
		}
	}
}

func TestBadFilesGiveReadableErrors(t *testing.T) {
	e := newEngine()
	good, _ := kvae(t, vae.Random(2, 3, 32))
	bad := bytes.Clone(good)
	bad[len(bad)/2] ^= 0x40
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"truncated": {good[:len(good)/3], "truncated"},
		"corrupted": {bad, "checksum"},
		"html":      {[]byte("<!doctype html><p>404"), "not a KVAE"},
	} {
		if _, err := e.load(c.data); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", name, err, c.want)
		}
	}
	var mb bytes.Buffer
	if err := vae.WriteMap(&mb, []float32{1, 2}, []float32{3, 4}, []uint8{5, 6}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.loadMap(mb.Bytes()[:mb.Len()-3]); err == nil {
		t.Error("truncated map accepted")
	}
	h, err := e.loadMap(mb.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := e.mapBytes(h)
	if len(b) != 18 || getF32(b[4:]) != 2 || getF32(b[8:]) != 3 || b[17] != 6 {
		t.Errorf("map bytes %v", b)
	}
}

func BenchmarkDecode(b *testing.B) {
	e, h2, _, _, _ := loaded(b)
	b.ReportAllocs()
	for b.Loop() {
		e.decode(h2, 0.3, -0.7)
	}
}
