package vae

import (
	"errors"
	"hash/crc32"
	"io"
	"math"
)

// The KVAE file holds a Model for the browser. Little-endian throughout:
//
//	magic    "KVAE"
//	uint16   version (1)
//	uint16   latent size
//	uint16   encoder trunk layers E
//	uint16   decoder layers D
//	E+2+D layers, in the order Enc…, Mu, LogVar, Dec…, each:
//	  uint32 in, uint32 out, uint8 activation (Act), uint8 quant (Quant), uint16 zero
//	  weights, out rows of in values:
//	    QuantF32  out·in float32
//	    QuantF16  out·in IEEE half floats
//	    QuantInt8 out float32 row scales, then out·in int8; w = scale·q
//	  biases: out float32
//	uint32   CRC-32 (IEEE) of every byte before it
//
// The checksum comes first when reading, so a damaged download is reported as
// such instead of as a strange shape.
const (
	kvaeMagic   = "KVAE"
	kmapMagic   = "KMAP"
	fileVersion = 1
	maxLayers   = 32
	maxWidth    = 1 << 14
)

// Quant is how a layer's weights are stored. Biases are always float32.
type Quant uint8

const (
	QuantF32 Quant = iota
	QuantF16
	QuantInt8
	numQuants
)

func (q Quant) String() string {
	switch q {
	case QuantF32:
		return "f32"
	case QuantF16:
		return "f16"
	case QuantInt8:
		return "int8"
	}
	return errs("Quant(", uint8(q), ")").Error()
}

// Write stores m with one Quant per layer in file order (see Model.Layers);
// nil stores every layer as int8.
func Write(w io.Writer, m *Model, q []Quant) error {
	if err := m.Validate(); err != nil {
		return err
	}
	ls := m.Layers()
	if q == nil {
		q = make([]Quant, len(ls))
		for i := range q {
			q[i] = QuantInt8
		}
	}
	if len(q) != len(ls) {
		return errs("vae: ", len(q), " quantisations for ", len(ls), " layers")
	}
	if len(m.Enc) > maxLayers || len(m.Dec) > maxLayers {
		return errs("vae: more than ", maxLayers, " layers")
	}
	b := []byte(kvaeMagic)
	b = appendU16(b, fileVersion)
	b = appendU16(b, uint16(m.Latent))
	b = appendU16(b, uint16(len(m.Enc)))
	b = appendU16(b, uint16(len(m.Dec)))
	for i, l := range ls {
		if l.In > maxWidth || l.Out > maxWidth {
			return errs("vae: layer ", l.In, "→", l.Out, " wider than ", maxWidth)
		}
		b = appendU32(b, uint32(l.In))
		b = appendU32(b, uint32(l.Out))
		b = append(b, byte(l.Act), byte(q[i]), 0, 0)
		switch q[i] {
		case QuantF32:
			b = appendF32s(b, l.W)
		case QuantF16:
			for _, v := range l.W {
				b = appendU16(b, f32ToF16(v))
			}
		case QuantInt8:
			scales, qs := quantInt8(l)
			b = appendF32s(b, scales)
			for _, v := range qs {
				b = append(b, byte(v))
			}
		default:
			return errs("vae: unknown quantisation ", uint8(q[i]))
		}
		b = appendF32s(b, l.B)
	}
	b = appendU32(b, crc32.ChecksumIEEE(b))
	_, err := w.Write(b)
	return err
}

// Quantize returns m as Read would return it after Write with q: the
// weights the browser really uses.
func Quantize(m *Model, q []Quant) (*Model, error) {
	var buf sliceWriter
	if err := Write(&buf, m, q); err != nil {
		return nil, err
	}
	return Read(buf)
}

type sliceWriter []byte

func (s *sliceWriter) Write(p []byte) (int, error) { *s = append(*s, p...); return len(p), nil }

// quantInt8 scales each output row so its largest weight maps to ±127.
func quantInt8(l *Dense) (scales []float32, qs []int8) {
	scales = make([]float32, l.Out)
	qs = make([]int8, len(l.W))
	for o := range l.Out {
		row := l.W[o*l.In : (o+1)*l.In]
		var m float32
		for _, v := range row {
			m = max(m, float32(math.Abs(float64(v))))
		}
		if m == 0 {
			continue
		}
		s := m / 127
		scales[o] = s
		for i, v := range row {
			qs[o*l.In+i] = int8(math.Round(float64(v / s)))
		}
	}
	return scales, qs
}

// Read parses a KVAE file into a Model with float32 weights.
func Read(data []byte) (*Model, error) {
	if len(data) < 4 || string(data[:4]) != kvaeMagic {
		return nil, errors.New("vae: not a KVAE weight file (bad magic)")
	}
	body, err := checkCRC(data, 16)
	if err != nil {
		return nil, err
	}
	r := reader{b: body, off: 4}
	if v := r.u16(); v != fileVersion {
		return nil, errs("vae: KVAE version ", v, ", this build reads version ", fileVersion)
	}
	m := &Model{Latent: int(r.u16())}
	ne, nd := int(r.u16()), int(r.u16())
	if ne > maxLayers || nd > maxLayers {
		return nil, errs("vae: ", ne, " encoder and ", nd, " decoder layers (at most ", maxLayers, ")")
	}
	layers := make([]Dense, ne+2+nd)
	for i := range layers {
		if layers[i], err = r.dense(); err != nil {
			return nil, errs(err, " (layer ", i, ")")
		}
	}
	if r.off != len(r.b) {
		return nil, errs("vae: ", len(r.b)-r.off, " unexpected bytes after the last layer")
	}
	m.Enc, m.Mu, m.LogVar, m.Dec = layers[:ne], layers[ne], layers[ne+1], layers[ne+2:]
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// checkCRC verifies the trailing checksum and returns the bytes before it.
func checkCRC(data []byte, minLen int) ([]byte, error) {
	if len(data) < minLen+4 {
		return nil, errs("vae: file truncated (", len(data), " bytes)")
	}
	body := data[:len(data)-4]
	want := le32(data[len(data)-4:])
	if got := crc32.ChecksumIEEE(body); got != want {
		return nil, errs("vae: checksum mismatch: the file is truncated or corrupted (", len(data), " bytes, CRC ", hex32(got), ", stored ", hex32(want), ")")
	}
	return body, nil
}

// reader decodes fields with bounds checks; a short file sets err once and
// every later read returns zero.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) need(n int) []byte {
	if r.err != nil || n < 0 || r.off+n > len(r.b) {
		if r.err == nil {
			r.err = errs("vae: file truncated at byte ", r.off, " (need ", n, " more)")
		}
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *reader) u16() uint16 {
	if p := r.need(2); p != nil {
		return le16(p)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if p := r.need(4); p != nil {
		return le32(p)
	}
	return 0
}

func (r *reader) f32s(n int) []float32 {
	p := r.need(4 * n)
	if p == nil {
		return nil
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = math.Float32frombits(le32(p[4*i:]))
	}
	return v
}

func (r *reader) dense() (Dense, error) {
	in, out := int(r.u32()), int(r.u32())
	hdr := r.need(4)
	if r.err != nil {
		return Dense{}, r.err
	}
	if in < 1 || out < 1 || in > maxWidth || out > maxWidth {
		return Dense{}, errs("vae: layer size ", in, "→", out, " out of range")
	}
	l := Dense{In: in, Out: out, Act: Act(hdr[0])}
	if l.Act >= numActs {
		return Dense{}, errs("vae: unknown activation ", hdr[0])
	}
	n := in * out
	switch Quant(hdr[1]) {
	case QuantF32:
		l.W = r.f32s(n)
	case QuantF16:
		if p := r.need(2 * n); p != nil {
			l.W = make([]float32, n)
			for i := range l.W {
				l.W[i] = f16ToF32(le16(p[2*i:]))
			}
		}
	case QuantInt8:
		scales := r.f32s(out)
		if p := r.need(n); p != nil {
			l.W = make([]float32, n)
			for i := range l.W {
				l.W[i] = scales[i/in] * float32(int8(p[i]))
			}
		}
	default:
		return Dense{}, errs("vae: unknown quantisation ", hdr[1])
	}
	l.B = r.f32s(out)
	return l, r.err
}

func appendF32s(b []byte, v []float32) []byte {
	for _, x := range v {
		b = appendU32(b, math.Float32bits(x))
	}
	return b
}

// f32ToF16 rounds to the nearest IEEE half float (ties to even); values
// beyond its range become ±Inf, tiny ones subnormal or zero.
func f32ToF16(f float32) uint16 {
	bits := math.Float32bits(f)
	sign := uint16(bits>>16) & 0x8000
	exp := int(bits>>23&0xff) - 127 + 15
	mant := bits & 0x7fffff
	switch {
	case bits&0x7fffffff > 0x7f800000: // NaN
		return sign | 0x7e00
	case exp >= 0x1f:
		return sign | 0x7c00
	case exp <= 0:
		if exp < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint(14 - exp)
		h := mant >> shift
		rem := mant & (1<<shift - 1)
		half := uint32(1) << (shift - 1)
		if rem > half || rem == half && h&1 == 1 {
			h++
		}
		return sign | uint16(h)
	}
	h := uint32(exp)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || rem == 0x1000 && h&1 == 1 {
		h++ // may carry into the exponent, which is still correct rounding
	}
	return sign | uint16(h)
}

func f16ToF32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp == 0:
		if mant == 0 {
			return math.Float32frombits(sign)
		}
		v := float32(mant) / (1 << 24)
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}

// Map is the 2-D latent position of test digits with their labels.
type Map struct {
	X, Y  []float32
	Label []uint8
}

// The KMAP file: "KMAP", uint16 version (1), uint16 zero, uint32 n, n float32
// x, n float32 y, n uint8 labels, uint32 CRC-32 of the bytes before it.

// WriteMap stores a latent map.
func WriteMap(w io.Writer, x, y []float32, label []uint8) error {
	if len(x) != len(y) || len(x) != len(label) {
		return errs("vae: map has ", len(x), " x, ", len(y), " y and ", len(label), " labels")
	}
	b := []byte(kmapMagic)
	b = appendU16(b, fileVersion)
	b = appendU16(b, 0)
	b = appendU32(b, uint32(len(x)))
	b = appendF32s(b, x)
	b = appendF32s(b, y)
	b = append(b, label...)
	b = appendU32(b, crc32.ChecksumIEEE(b))
	_, err := w.Write(b)
	return err
}

// ReadMap parses a KMAP file.
func ReadMap(data []byte) (*Map, error) {
	if len(data) < 4 || string(data[:4]) != kmapMagic {
		return nil, errors.New("vae: not a KMAP latent map file (bad magic)")
	}
	body, err := checkCRC(data, 12)
	if err != nil {
		return nil, err
	}
	r := reader{b: body, off: 4}
	if v := r.u16(); v != fileVersion {
		return nil, errs("vae: KMAP version ", v, ", this build reads version ", fileVersion)
	}
	r.u16()
	n := int(r.u32())
	if n > len(body)/9 {
		return nil, errs("vae: map claims ", n, " points in ", len(body), " bytes")
	}
	m := &Map{X: r.f32s(n), Y: r.f32s(n)}
	if p := r.need(n); p != nil {
		m.Label = append([]uint8(nil), p...)
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.off != len(body) {
		return nil, errs("vae: ", len(body)-r.off, " unexpected bytes after the map")
	}
	for i, l := range m.Label {
		if l > 9 {
			return nil, errs("vae: map point ", i, " has label ", l)
		}
	}
	return m, nil
}

// Little-endian helpers: encoding/binary would pull reflect into the wasm.
func appendU16(b []byte, v uint16) []byte { return append(b, byte(v), byte(v>>8)) }
func appendU32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}
func le16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }
func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}
