// Package vae is the one Go implementation of the VAE's forward pass: the
// browser runs it compiled to WebAssembly, gen runs it natively to render the
// demos' fallback images, and gpuruntime's tests check it against the GoMLX
// graph the weights were trained with. It holds no GoMLX and no syscall/js,
// so the wasm stays small.
package vae

import (
	"errors"
	"math"
	"math/rand/v2"
)

// Side and Pixels describe an MNIST image: 28×28, row-major, 0 is background
// and 1 is ink (MNIST digits are light on dark).
const (
	Side   = 28
	Pixels = Side * Side
)

// Act is a layer's activation.
type Act uint8

const (
	ActNone Act = iota
	ActReLU
	ActSigmoid
	ActTanh
	ActSiLU
	ActELU
	ActLeakyReLU // slope 0.01 below zero
	numActs
)

var actNames = [...]string{"none", "relu", "sigmoid", "tanh", "silu", "elu", "leakyrelu"}

func (a Act) String() string {
	if a < numActs {
		return actNames[a]
	}
	return errs("Act(", uint8(a), ")").Error()
}

// Dense is a fully connected layer, out = Act(W·in + B). W is stored by
// output row (W[o*In+i]) so that each output is one contiguous dot product.
type Dense struct {
	In, Out int
	W       []float32
	B       []float32
	Act     Act
}

// Model is an MLP VAE: the encoder trunk Enc maps an image to features, the
// heads Mu and LogVar map them to the posterior's mean and log-variance, and
// Dec maps a latent point back to 784 Bernoulli means.
type Model struct {
	Latent     int
	Enc        []Dense
	Mu, LogVar Dense
	Dec        []Dense
}

// Layers lists every layer in file order: Enc…, Mu, LogVar, Dec….
func (m *Model) Layers() []*Dense {
	ls := make([]*Dense, 0, len(m.Enc)+len(m.Dec)+2)
	for i := range m.Enc {
		ls = append(ls, &m.Enc[i])
	}
	ls = append(ls, &m.Mu, &m.LogVar)
	for i := range m.Dec {
		ls = append(ls, &m.Dec[i])
	}
	return ls
}

// Params is the number of weights and biases.
func (m *Model) Params() int {
	n := 0
	for _, l := range m.Layers() {
		n += len(l.W) + len(l.B)
	}
	return n
}

// Validate checks that the layers chain: 784 → Enc → heads → Latent → Dec → 784.
func (m *Model) Validate() error {
	if m.Latent < 1 {
		return errs("vae: latent size ", m.Latent)
	}
	if len(m.Enc) == 0 || len(m.Dec) == 0 {
		return errors.New("vae: model needs at least one encoder and one decoder layer")
	}
	for _, l := range m.Layers() {
		if l.In < 1 || l.Out < 1 || len(l.W) != l.In*l.Out || len(l.B) != l.Out {
			return errs("vae: layer ", l.In, "→", l.Out, " has ", len(l.W), " weights and ", len(l.B), " biases")
		}
		if l.Act >= numActs {
			return errs("vae: unknown activation ", uint8(l.Act))
		}
	}
	chain := func(what string, from int, ls []Dense) (int, error) {
		for i, l := range ls {
			if l.In != from {
				return 0, errs("vae: ", what, " layer ", i, " takes ", l.In, " inputs, previous gives ", from)
			}
			from = l.Out
		}
		return from, nil
	}
	feat, err := chain("encoder", Pixels, m.Enc)
	if err != nil {
		return err
	}
	for _, h := range []struct {
		name string
		l    Dense
	}{{"mu", m.Mu}, {"logvar", m.LogVar}} {
		if h.l.In != feat || h.l.Out != m.Latent {
			return errs("vae: ", h.name, " head is ", h.l.In, "→", h.l.Out, ", want ", feat, "→", m.Latent)
		}
	}
	out, err := chain("decoder", m.Latent, m.Dec)
	if err != nil {
		return err
	}
	if out != Pixels {
		return errs("vae: decoder gives ", out, " outputs, want ", Pixels)
	}
	return nil
}

// Runner evaluates a model with its own scratch buffers, so a forward pass
// allocates nothing. A Runner is not safe for concurrent use; make one each.
type Runner struct {
	m    *Model
	a, b []float32
}

// NewRunner returns a Runner for m, which must be valid.
func (m *Model) NewRunner() *Runner {
	w := 0
	for _, l := range m.Layers() {
		w = max(w, l.In, l.Out)
	}
	return &Runner{m: m, a: make([]float32, w), b: make([]float32, w)}
}

// Model returns the model r runs.
func (r *Runner) Model() *Model { return r.m }

// Encode writes the posterior mean and log-variance of image x (784 values).
func (r *Runner) Encode(x, mu, logvar []float32) {
	h := r.stack(r.m.Enc, x)
	// h aliases one scratch buffer; the heads write into caller slices.
	r.m.Mu.apply(h, mu[:r.m.Latent])
	r.m.LogVar.apply(h, logvar[:r.m.Latent])
}

// Decode writes the 784 Bernoulli means for latent point z.
func (r *Runner) Decode(z, out []float32) {
	dec := r.m.Dec
	h := r.stack(dec[:len(dec)-1], z[:r.m.Latent])
	dec[len(dec)-1].apply(h, out[:Pixels])
}

// stack runs ls on in, alternating between the two scratch buffers, and
// returns the last layer's output (in itself when ls is empty).
func (r *Runner) stack(ls []Dense, in []float32) []float32 {
	cur := in
	for i := range ls {
		buf := r.a
		if i%2 == 1 {
			buf = r.b
		}
		out := buf[:ls[i].Out]
		ls[i].apply(cur, out)
		cur = out
	}
	return cur
}

// apply computes out = Act(W·in + B).
func (l *Dense) apply(in, out []float32) {
	in = in[:l.In]
	for o := range out[:l.Out] {
		out[o] = l.B[o] + dot(l.W[o*l.In:(o+1)*l.In], in)
	}
	activate(l.Act, out[:l.Out])
}

// dot keeps four partial sums: independent chains let the CPU (and the wasm
// engine's JIT) overlap the multiply-adds.
func dot(w, x []float32) float32 {
	x = x[:len(w)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(w); i += 4 {
		s0 += w[i] * x[i]
		s1 += w[i+1] * x[i+1]
		s2 += w[i+2] * x[i+2]
		s3 += w[i+3] * x[i+3]
	}
	for ; i < len(w); i++ {
		s0 += w[i] * x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func activate(a Act, v []float32) {
	switch a {
	case ActReLU:
		for i, x := range v {
			v[i] = max(x, 0)
		}
	case ActSigmoid:
		for i, x := range v {
			v[i] = sigmoid(x)
		}
	case ActTanh:
		for i, x := range v {
			v[i] = float32(math.Tanh(float64(x)))
		}
	case ActSiLU:
		for i, x := range v {
			v[i] = x * sigmoid(x)
		}
	case ActELU:
		for i, x := range v {
			if x < 0 {
				v[i] = float32(math.Expm1(float64(x)))
			}
		}
	case ActLeakyReLU:
		for i, x := range v {
			if x < 0 {
				v[i] = 0.01 * x
			}
		}
	}
}

func sigmoid(x float32) float32 {
	return float32(1 / (1 + math.Exp(-float64(x))))
}

// Random returns a valid model with small random weights: hidden gives the
// encoder trunk's widths, and the decoder mirrors it. For tests and for
// developing the widgets before a trained model exists.
func Random(latent int, seed int64, hidden ...int) *Model {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6b6f6769))
	layer := func(in, out int, act Act) Dense {
		l := Dense{In: in, Out: out, W: make([]float32, in*out), B: make([]float32, out), Act: act}
		scale := math.Sqrt(2 / float64(in))
		for i := range l.W {
			l.W[i] = float32(rng.NormFloat64() * scale)
		}
		for i := range l.B {
			l.B[i] = float32(rng.NormFloat64() * 0.1)
		}
		return l
	}
	m := &Model{Latent: latent}
	in := Pixels
	for _, h := range hidden {
		m.Enc = append(m.Enc, layer(in, h, ActReLU))
		in = h
	}
	m.Mu = layer(in, latent, ActNone)
	m.LogVar = layer(in, latent, ActNone)
	in = latent
	for i := len(hidden) - 1; i >= 0; i-- {
		m.Dec = append(m.Dec, layer(in, hidden[i], ActReLU))
		in = hidden[i]
	}
	m.Dec = append(m.Dec, layer(in, Pixels, ActSigmoid))
	return m
}
