package vae

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// naiveDecode is the textbook loop the blocked forward pass must agree with.
func naiveForward(ls []Dense, x []float32) []float32 {
	for _, l := range ls {
		y := make([]float32, l.Out)
		for o := range l.Out {
			s := float64(l.B[o])
			for i := range l.In {
				s += float64(l.W[o*l.In+i]) * float64(x[i])
			}
			v := s
			switch l.Act {
			case ActReLU:
				v = math.Max(s, 0)
			case ActSigmoid:
				v = 1 / (1 + math.Exp(-s))
			case ActTanh:
				v = math.Tanh(s)
			case ActSiLU:
				v = s / (1 + math.Exp(-s))
			case ActELU:
				if s < 0 {
					v = math.Expm1(s)
				}
			case ActLeakyReLU:
				if s < 0 {
					v = 0.01 * s
				}
			}
			y[o] = float32(v)
		}
		x = y
	}
	return x
}

func testImage(seed int) []float32 {
	x := make([]float32, Pixels)
	for i := range x {
		x[i] = float32((i*seed)%97) / 96
	}
	return x
}

func TestForwardMatchesNaive(t *testing.T) {
	for act := ActNone; act < numActs; act++ {
		m := Random(3, int64(act), 37, 11)
		m.Enc[0].Act, m.Dec[0].Act = act, act
		r := m.NewRunner()
		x := testImage(7)
		mu, lv := make([]float32, 3), make([]float32, 3)
		r.Encode(x, mu, lv)
		wantMu := naiveForward(append(append([]Dense{}, m.Enc...), m.Mu), x)
		wantLv := naiveForward(append(append([]Dense{}, m.Enc...), m.LogVar), x)
		out := make([]float32, Pixels)
		r.Decode(mu, out)
		wantOut := naiveForward(m.Dec, mu)
		for name, pair := range map[string][2][]float32{"mu": {mu, wantMu}, "logvar": {lv, wantLv}, "decoded": {out, wantOut}} {
			for i := range pair[0] {
				if d := math.Abs(float64(pair[0][i] - pair[1][i])); d > 1e-5 {
					t.Fatalf("%v: %s[%d] = %g, naive %g", act, name, i, pair[0][i], pair[1][i])
				}
			}
		}
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	m := Random(2, 1, 50, 20)
	n := len(m.Layers())
	for _, tc := range []struct {
		q   Quant
		tol func(w, scale float32) float64
	}{
		{QuantF32, func(float32, float32) float64 { return 0 }},
		{QuantF16, func(w, _ float32) float64 { return math.Abs(float64(w))*1e-3 + 6e-8 }},
		{QuantInt8, func(_, scale float32) float64 { return float64(scale)/2 + 1e-7 }},
	} {
		qs := make([]Quant, n)
		for i := range qs {
			qs[i] = tc.q
		}
		var buf bytes.Buffer
		if err := Write(&buf, m, qs); err != nil {
			t.Fatal(err)
		}
		got, err := Read(buf.Bytes())
		if err != nil {
			t.Fatalf("%v: %v", tc.q, err)
		}
		if got.Latent != 2 || len(got.Enc) != 2 || len(got.Dec) != 3 {
			t.Fatalf("%v: shape lost: %+v", tc.q, got.Latent)
		}
		for li, l := range m.Layers() {
			g := got.Layers()[li]
			if g.Act != l.Act || g.In != l.In || g.Out != l.Out {
				t.Fatalf("%v layer %d: header lost", tc.q, li)
			}
			for o := range l.Out {
				row := l.W[o*l.In : (o+1)*l.In]
				var amax float32
				for _, v := range row {
					amax = max(amax, float32(math.Abs(float64(v))))
				}
				for i, w := range row {
					if d := math.Abs(float64(g.W[o*l.In+i] - w)); d > tc.tol(w, amax/127) {
						t.Fatalf("%v layer %d w[%d,%d] = %g, wrote %g", tc.q, li, o, i, g.W[o*l.In+i], w)
					}
				}
				if g.B[o] != l.B[o] {
					t.Fatalf("%v: bias changed", tc.q)
				}
			}
		}
	}
}

func TestF16(t *testing.T) {
	for _, tc := range []struct {
		f float32
		h uint16
	}{
		{0, 0}, {1, 0x3c00}, {-2, 0xc000}, {65504, 0x7bff}, {1e6, 0x7c00},
		{float32(math.Inf(-1)), 0xfc00}, {5.960464477539063e-08, 0x0001},
		{6.103515625e-05, 0x0400}, {0.333251953125, 0x3555}, {1e-9, 0},
		{1.00048828125, 0x3c00}, // halfway between 1 and the next half: ties to even
		{1.00146484375, 0x3c02}, // halfway, rounds up to the even neighbour
	} {
		if got := f32ToF16(tc.f); got != tc.h {
			t.Errorf("f32ToF16(%g) = %#04x, want %#04x", tc.f, got, tc.h)
		}
	}
	for h := range 0x7c00 { // every finite positive half survives a round trip
		if got := f32ToF16(f16ToF32(uint16(h))); got != uint16(h) {
			t.Fatalf("round trip of %#04x gave %#04x", h, got)
		}
	}
}

func TestReadBadFiles(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, Random(2, 3, 16), nil); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	flip := bytes.Clone(good)
	flip[len(flip)/2] ^= 0x40
	for name, tc := range map[string]struct {
		data []byte
		want string
	}{
		"empty":     {nil, "not a KVAE"},
		"html":      {[]byte("<!doctype html><title>404</title>"), "not a KVAE"},
		"truncated": {good[:len(good)/3], "truncated or corrupted"},
		"header":    {good[:10], "truncated"},
		"corrupted": {flip, "checksum mismatch"},
	} {
		_, err := Read(tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
	// A file whose checksum is right but whose shapes do not chain.
	bad := Random(2, 3, 16)
	bad.Dec[0].In = 3
	if err := Write(&buf, bad, nil); err == nil {
		t.Error("Write accepted a model whose decoder does not take the latent size")
	}
	if _, err := Read(good); err != nil {
		t.Fatalf("good file: %v", err)
	}
}

func TestMapRoundTripAndErrors(t *testing.T) {
	var buf bytes.Buffer
	x, y, l := []float32{0.5, -1, 2}, []float32{1, 0, -3.25}, []uint8{7, 0, 9}
	if err := WriteMap(&buf, x, y, l); err != nil {
		t.Fatal(err)
	}
	m, err := ReadMap(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for i := range x {
		if m.X[i] != x[i] || m.Y[i] != y[i] || m.Label[i] != l[i] {
			t.Fatalf("point %d: %v %v %v", i, m.X[i], m.Y[i], m.Label[i])
		}
	}
	if err := WriteMap(&buf, x, y[:2], l); err == nil {
		t.Error("WriteMap accepted mismatched lengths")
	}
	b := buf.Bytes()
	if _, err := ReadMap(b[:len(b)-3]); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("truncated map: %v", err)
	}
	if _, err := ReadMap([]byte("KVAE....")); err == nil || !strings.Contains(err.Error(), "not a KMAP") {
		t.Errorf("wrong magic: %v", err)
	}
}

// drawn renders a filled rectangle of ink into a w×h canvas.
func drawn(w, h, x0, y0, x1, y1 int) []float32 {
	img := make([]float32, w*h)
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			img[y*w+x] = 1
		}
	}
	return img
}

func TestCenterMNIST(t *testing.T) {
	if _, ok := CenterMNIST(make([]float32, 280*280), 280, 280); ok {
		t.Error("an empty canvas counted as a digit")
	}
	// A tall bar drawn off-centre on a large canvas: 20 px tall in the
	// field, aspect kept, centre of mass at (14, 14).
	out, ok := CenterMNIST(drawn(280, 200, 10, 20, 50, 180), 280, 200)
	if !ok {
		t.Fatal("no digit found")
	}
	var mass, mx, my float64
	rows, cols := map[int]bool{}, map[int]bool{}
	for y := range Side {
		for x := range Side {
			v := float64(out[y*Side+x])
			if v < 0 || v > 1 {
				t.Fatalf("pixel (%d,%d) = %g outside [0,1]", x, y, v)
			}
			if v > 0 {
				rows[y], cols[x] = true, true
			}
			mass += v
			mx += v * (float64(x) + 0.5)
			my += v * (float64(y) + 0.5)
		}
	}
	if len(rows) != 20 || len(cols) != 5 {
		t.Errorf("ink spans %d rows and %d columns, want 20 and 5 (40×160 scaled to fit 20×20)", len(rows), len(cols))
	}
	if cx, cy := mx/mass, my/mass; math.Abs(cx-14) > 0.5 || math.Abs(cy-14) > 0.5 {
		t.Errorf("centre of mass (%.2f, %.2f), want (14, 14)", cx, cy)
	}
	// One-pixel strokes on a 10× canvas turn grey rather than vanishing
	// between samples: an L of two 200-px lines becomes two 20-px lines of
	// about 0.1 ink.
	img := drawn(280, 280, 40, 40, 41, 240)
	copy(img[239*280+40:239*280+240], drawn(200, 1, 0, 0, 200, 1))
	thin, ok := CenterMNIST(img, 280, 280)
	if !ok {
		t.Fatal("thin strokes lost")
	}
	var ink, peak float32
	for _, v := range thin {
		ink += v
		peak = max(peak, v)
	}
	if ink < 3 || ink > 5 || peak > 0.25 {
		t.Errorf("thin strokes carry %g ink, peak %g; want about 40×0.1", ink, peak)
	}
}

func BenchmarkDecode(b *testing.B) {
	m := Random(2, 1, 256, 128)
	r := m.NewRunner()
	z, out := []float32{0.3, -1.2}, make([]float32, Pixels)
	for b.Loop() {
		r.Decode(z, out)
	}
}
