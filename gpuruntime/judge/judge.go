// Package judge is the quality judge of gpuruntime's generated digits: a
// small MNIST classifier (an MLP, ≥ 98% test accuracy), trained here with
// GoMLX and shipped as a compact file, whose forward pass is plain Go (so its
// verdict does not depend on the backend that made the samples).
//
// The verdict on a set of generated digits is two numbers: the share the
// judge classifies with confidence ≥ 0.9 (a recognisable digit), and the
// entropy of the histogram of the predicted classes (ln 10 ≈ 2.303 when all
// ten digits are equally frequent; a model that draws only a few kinds of
// digit scores low).
package judge

import (
	"fmt"
	"hash/crc32"
	"math"
	"runtime"
	"sync"

	"github.com/kogi-course/kogi/gpuruntime/mnist"
)

// Classes is the number of digit classes.
const Classes = 10

// Threshold is the confidence (largest class probability) from which a
// digit counts as recognisable.
const Threshold = 0.9

// Layer is one dense layer: Out rows of In weights, Out biases; every layer
// but the last is followed by ReLU.
type Layer struct {
	In, Out int
	W       []float32 // Out rows of In (the shipped int8 values, dequantised)
	B       []float32
}

// Model is the classifier: 784 → hidden… → 10 logits.
type Model struct{ Layers []Layer }

// Params counts weights and biases.
func (m *Model) Params() int {
	n := 0
	for _, l := range m.Layers {
		n += l.In*l.Out + l.Out
	}
	return n
}

// Arch is the model's widths: 784-256-128-10.
func (m *Model) Arch() string {
	s := fmt.Sprint(m.Layers[0].In)
	for _, l := range m.Layers {
		s += fmt.Sprintf("-%d", l.Out)
	}
	return s
}

// Probs returns the class probabilities of one 28×28 image (grey levels in
// [0,1], background 0), into out (len Classes).
func (m *Model) Probs(img []float32, out []float64) {
	h := img
	for li, l := range m.Layers {
		next := make([]float32, l.Out)
		for o := range l.Out {
			row := l.W[o*l.In : (o+1)*l.In]
			var s float32
			for i, v := range h {
				s += row[i] * v
			}
			s += l.B[o]
			if li < len(m.Layers)-1 && s < 0 {
				s = 0
			}
			next[o] = s
		}
		h = next
	}
	mx := math.Inf(-1)
	for _, v := range h {
		mx = math.Max(mx, float64(v))
	}
	var sum float64
	for i, v := range h {
		out[i] = math.Exp(float64(v) - mx)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
}

// Predictions returns, for each of the n images in flat (n×784), the
// predicted class and its probability. It runs on all CPUs; the result does
// not depend on their number.
func (m *Model) Predictions(flat []float32) (class []int, conf []float64) {
	n := len(flat) / mnist.Pixels
	class, conf = make([]int, n), make([]float64, n)
	var wg sync.WaitGroup
	workers := min(runtime.NumCPU(), max(n, 1))
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := make([]float64, m.Layers[len(m.Layers)-1].Out)
			for i := w; i < n; i += workers {
				m.Probs(flat[i*mnist.Pixels:(i+1)*mnist.Pixels], p)
				best := 0
				for c := range p {
					if p[c] > p[best] {
						best = c
					}
				}
				class[i], conf[i] = best, p[best]
			}
		}()
	}
	wg.Wait()
	return class, conf
}

// Accuracy is the share of set's digits classified as labelled.
func (m *Model) Accuracy(set *mnist.Set) float64 { return Accuracy(m, set.Images, set.Labels) }

// Accuracy is the share of the images in flat (n×784) that m classifies as
// labels says.
func Accuracy(m *Model, flat []float32, labels []uint8) float64 {
	class, _ := m.Predictions(flat)
	ok := 0
	for i, c := range class {
		if c == int(labels[i]) {
			ok++
		}
	}
	return float64(ok) / float64(len(labels))
}

// Verdict is the judge's opinion of a set of generated digits, as the
// gallery manifest records it.
type Verdict struct {
	ConfidentShare float64 `json:"confident_share"` // share with confidence ≥ Threshold
	ClassEntropy   float64 `json:"class_entropy"`   // nats, of the predicted-class histogram (max ln 10)
	Samples        int     `json:"samples"`
	Threshold      float64 `json:"threshold"`
	Histogram      []int   `json:"histogram"` // predicted class counts, 0…9
	MeanConfidence float64 `json:"mean_confidence"`
}

// Judge classifies the n images of flat (n×784, grey levels in [0,1]).
func (m *Model) Judge(flat []float32) Verdict {
	class, conf := m.Predictions(flat)
	v := Verdict{Samples: len(class), Threshold: Threshold, Histogram: make([]int, Classes)}
	confident := 0
	for i, c := range class {
		v.Histogram[c]++
		v.MeanConfidence += conf[i]
		if conf[i] >= Threshold {
			confident++
		}
	}
	if v.Samples == 0 {
		return v
	}
	n := float64(v.Samples)
	v.ConfidentShare = float64(confident) / n
	v.MeanConfidence /= n
	for _, k := range v.Histogram {
		if k > 0 {
			p := float64(k) / n
			v.ClassEntropy -= p * math.Log(p)
		}
	}
	return v
}

// File format (little-endian): "KJDG", uint16 version 1, uint16 layer count;
// per layer uint32 in, uint32 out, out float32 row scales, out×in int8
// weights (row o is scale[o]·q), out float32 biases; then a CRC-32 (IEEE) of
// everything before it.
const magic = "KJDG"

// Marshal quantises m's weights to int8 (one scale per row: the row's
// largest magnitude / 127) and returns the file.
func Marshal(m *Model) []byte {
	b := []byte(magic)
	b = le16(b, 1)
	b = le16(b, uint16(len(m.Layers)))
	for _, l := range m.Layers {
		b = le32(b, uint32(l.In))
		b = le32(b, uint32(l.Out))
		scales := make([]float32, l.Out)
		for o := range l.Out {
			var mx float32
			for _, w := range l.W[o*l.In : (o+1)*l.In] {
				mx = max(mx, float32(math.Abs(float64(w))))
			}
			scales[o] = mx / 127
			b = le32(b, math.Float32bits(scales[o]))
		}
		for o := range l.Out {
			for _, w := range l.W[o*l.In : (o+1)*l.In] {
				q := 0.0
				if scales[o] > 0 {
					q = math.Round(float64(w / scales[o]))
				}
				b = append(b, byte(int8(max(-127, min(127, q)))))
			}
		}
		for _, v := range l.B {
			b = le32(b, math.Float32bits(v))
		}
	}
	return le32(b, crc32.ChecksumIEEE(b))
}

// Unmarshal reads a judge file; a truncated or damaged file is an error.
func Unmarshal(data []byte) (*Model, error) {
	if len(data) < 12 || string(data[:4]) != magic {
		return nil, fmt.Errorf("not a judge file (no %q header)", magic)
	}
	body := data[:len(data)-4]
	if got, want := crc32.ChecksumIEEE(body), u32(data[len(data)-4:]); got != want {
		return nil, fmt.Errorf("judge file damaged or truncated (CRC-32 %08x, stored %08x)", got, want)
	}
	if v := u16(body[4:]); v != 1 {
		return nil, fmt.Errorf("judge file version %d, want 1", v)
	}
	nl := int(u16(body[6:]))
	p := body[8:]
	m := &Model{}
	prevOut := mnist.Pixels
	for li := range nl {
		if len(p) < 8 {
			return nil, fmt.Errorf("judge file: layer %d truncated", li)
		}
		in, out := int(u32(p)), int(u32(p[4:]))
		p = p[8:]
		if in != prevOut || out < 1 || out > 4096 || len(p) < out*4+in*out+out*4 {
			return nil, fmt.Errorf("judge file: layer %d is %d→%d after %d outputs, or truncated", li, in, out, prevOut)
		}
		l := Layer{In: in, Out: out, W: make([]float32, in*out), B: make([]float32, out)}
		scales := make([]float32, out)
		for o := range out {
			scales[o] = math.Float32frombits(u32(p[o*4:]))
		}
		p = p[out*4:]
		for i := range l.W {
			l.W[i] = float32(int8(p[i])) * scales[i/in]
		}
		p = p[in*out:]
		for o := range out {
			l.B[o] = math.Float32frombits(u32(p[o*4:]))
		}
		p = p[out*4:]
		m.Layers = append(m.Layers, l)
		prevOut = out
	}
	if len(p) != 0 || prevOut != Classes || nl == 0 {
		return nil, fmt.Errorf("judge file: %d trailing bytes, %d outputs (want %d)", len(p), prevOut, Classes)
	}
	return m, nil
}

func le16(b []byte, v uint16) []byte { return append(b, byte(v), byte(v>>8)) }
func le32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}
func u16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }
func u32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}
