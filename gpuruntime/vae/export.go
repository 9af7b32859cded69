package vae

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/kogi-course/kogi/gpuruntime/artifact"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
	wvae "github.com/kogi-course/kogi/wasmdemo/vae"
)

// MaxDecodeMAE is the largest mean change of a reconstructed pixel that
// quantisation may cause: one grey level of an 8-bit image.
const MaxDecodeMAE = 1.0 / 255

// layerScopes lists the context scopes of the layers in the browser file's
// order: encoder trunk, μ head, log σ² head, decoder (see Encode, DecodeLogits).
func layerScopes(a Arch) []string {
	var s []string
	for i := range a.Hidden {
		s = append(s, "/vae/encoder/"+strconv.Itoa(i))
	}
	s = append(s, "/vae/encoder/mu", "/vae/encoder/logvar")
	for i := 0; i <= len(a.Hidden); i++ {
		s = append(s, "/vae/decoder/"+strconv.Itoa(i))
	}
	return s
}

// BrowserModel copies the trained weights into the browser's Model.
// GoMLX keeps a dense layer's weights as [in, out]; the browser wants out
// rows of in values, so each matrix is transposed.
func (r *Run) BrowserModel() (*wvae.Model, error) {
	a := r.Arch
	act := BrowserAct(a.Activation)
	m := &wvae.Model{Latent: a.Latent}
	var layers []wvae.Dense
	for _, scope := range layerScopes(a) {
		wv := r.Ctx.GetVariableByScopeAndName(scope, "weights")
		bv := r.Ctx.GetVariableByScopeAndName(scope, "biases")
		if wv == nil || bv == nil {
			return nil, fmt.Errorf("no weights for layer %s in the trained context", scope)
		}
		wt, err := wv.Value()
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", scope, err)
		}
		bt, err := bv.Value()
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", scope, err)
		}
		dims := wt.Shape().Dimensions
		in, out := dims[0], dims[1]
		w := tensors.MustCopyFlatData[float32](wt)
		l := wvae.Dense{In: in, Out: out, W: make([]float32, in*out), B: tensors.MustCopyFlatData[float32](bt), Act: act}
		for i := range in {
			for o := range out {
				l.W[o*in+i] = w[i*out+o]
			}
		}
		layers = append(layers, l)
	}
	h := len(a.Hidden)
	m.Enc, m.Mu, m.LogVar, m.Dec = layers[:h], layers[h], layers[h+1], layers[h+2:]
	m.Mu.Act, m.LogVar.Act = wvae.ActNone, wvae.ActNone
	m.Dec[len(m.Dec)-1].Act = wvae.ActSigmoid
	return m, m.Validate()
}

// ZeroUnusedInputs zeroes the first encoder layer's weights from the pixels
// that no training digit inks (67 of MNIST's 784, along the border) and
// returns how many pixels that is. Those weights multiply a zero in every
// training step, so they never get a gradient and keep their random initial
// values: zeroing them gives the model that training from a zero start
// there would have given, and the zeros compress (the page's gzip budget).
// Only a test digit with ink on such a pixel sees a difference.
func ZeroUnusedInputs(m *wvae.Model, train *mnist.Set) int {
	var inked [mnist.Pixels]bool
	for i := range train.N() {
		for j, v := range train.Image(i) {
			if v > 0 {
				inked[j] = true
			}
		}
	}
	l := &m.Enc[0]
	n := 0
	for j, ink := range inked {
		if ink {
			continue
		}
		n++
		for o := range l.Out {
			l.W[o*l.In+j] = 0
		}
	}
	return n
}

// ChooseQuant picks each layer's storage: int8 everywhere if that keeps the
// decode MAE (against float32) within MaxDecodeMAE; otherwise layers move to
// float16 one at a time, each time the one whose move lowers the MAE most.
func ChooseQuant(m *wvae.Model, set *mnist.Set) ([]wvae.Quant, float64, error) {
	return chooseQuant(m, m, set)
}

// chooseQuant measures the MAE of the quantised m against ref, the float32
// weights as trained (m may differ from ref by ZeroUnusedInputs).
func chooseQuant(ref, m *wvae.Model, set *mnist.Set) ([]wvae.Quant, float64, error) {
	q := make([]wvae.Quant, len(m.Layers()))
	for i := range q {
		q[i] = wvae.QuantInt8
	}
	mae := func(q []wvae.Quant) (float64, error) {
		mq, err := wvae.Quantize(m, q)
		if err != nil {
			return 0, err
		}
		return DecodeMAE(ref, mq, set), nil
	}
	cur, err := mae(q)
	if err != nil {
		return nil, 0, err
	}
	for cur > MaxDecodeMAE {
		best, bestMAE := -1, cur
		for i := range q {
			if q[i] != wvae.QuantInt8 {
				continue
			}
			q[i] = wvae.QuantF16
			v, err := mae(q)
			q[i] = wvae.QuantInt8
			if err != nil {
				return nil, 0, err
			}
			if v < bestMAE {
				best, bestMAE = i, v
			}
		}
		if best < 0 {
			return nil, 0, fmt.Errorf("decode MAE %.5f stays above %.5f with float16 weights", cur, MaxDecodeMAE)
		}
		q[best], cur = wvae.QuantF16, bestMAE
	}
	return q, cur, nil
}

// ExportOptions says where the browser files go and what the manifest
// records about the run.
type ExportOptions struct {
	Name      string // "vae2": the file is Name.kvae, the manifest key Name
	Dir       string // static/demos/vae
	Parity    string // the parity reference JSON for wasmdemo/vae's tests
	MapCount  int    // 2-D models: how many test digits map2.kmap places
	GitCommit string
	Backend   string // description for the manifest
	Optimizer string
	Data      string
}

// Entry is a model's record in manifest.json.
type Entry struct {
	File           string   `json:"file"`
	Latent         int      `json:"latent"`
	Architecture   string   `json:"architecture"`
	Activation     string   `json:"activation"`
	Params         int      `json:"params"`
	Epochs         int      `json:"epochs"`
	Batch          int      `json:"batch"`
	Optimizer      string   `json:"optimizer"`
	TestNegELBO    float64  `json:"test_neg_elbo"`
	TestNegELBOF32 float64  `json:"test_neg_elbo_f32"`
	TestRecon      float64  `json:"test_recon"`
	TestKL         float64  `json:"test_kl"`
	Eval           string   `json:"eval"`
	Seconds        float64  `json:"seconds"`
	Backend        string   `json:"backend"`
	Quant          []string `json:"quant"`
	DecodeMAE      float64  `json:"decode_mae_vs_f32"`
	ZeroedInputs   int      `json:"zeroed_inputs"` // pixels never inked in training, their first-layer weights set to 0
	Bytes          int      `json:"bytes"`
	GzipBytes      int      `json:"gzip_bytes"`
	SHA256         string   `json:"sha256"`
	History        []Epoch  `json:"history"`
}

// MapEntry is the latent map's record in manifest.json.
type MapEntry struct {
	File   string `json:"file"`
	Model  string `json:"model"`
	Count  int    `json:"count"`
	What   string `json:"what"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Manifest is manifest.json: what was trained, how, and how well.
type Manifest struct {
	Data      string           `json:"data"`
	GitCommit string           `json:"git_commit"`
	Models    map[string]Entry `json:"models"`
	Map       *MapEntry        `json:"map,omitempty"`
}

// Export writes Name.kvae (and, for a 2-D model, map2.kmap) into o.Dir,
// records the model in manifest.json (keeping the other models' records) and
// writes the model's case of the parity reference.
func Export(run *Run, train, test *mnist.Set, o ExportOptions) (*Entry, error) {
	m, err := run.BrowserModel()
	if err != nil {
		return nil, err
	}
	f32 := m
	zeroed := 0
	if train != nil {
		m = clone(m)
		zeroed = ZeroUnusedInputs(m, train)
	}
	q, mae, err := chooseQuant(f32, m, test)
	if err != nil {
		return nil, err
	}
	var file bytes.Buffer
	if err := wvae.Write(&file, m, q); err != nil {
		return nil, err
	}
	shipped, err := wvae.Read(file.Bytes())
	if err != nil {
		return nil, fmt.Errorf("reading back %s.kvae: %w", o.Name, err)
	}
	recon, kl := NegELBO(shipped, test)
	f32Recon, f32KL, err := run.Evaluate(test)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, err
	}
	name := o.Name + ".kvae"
	if err := writeAtomic(filepath.Join(o.Dir, name), file.Bytes()); err != nil {
		return nil, err
	}
	e := &Entry{
		File: name, Latent: run.Arch.Latent, Architecture: run.Arch.String(), Activation: run.Arch.Activation,
		Params: m.Params(), Epochs: len(run.History), Batch: run.Batch, Optimizer: o.Optimizer,
		TestNegELBO: recon + kl, TestNegELBOF32: f32Recon + f32KL, TestRecon: recon, TestKL: kl,
		Eval:    fmt.Sprintf("mean over the 10,000 test digits of a single-sample estimate (eps from seed %d), Bernoulli likelihood on grey levels", EvalSeed),
		Seconds: run.Seconds, Backend: o.Backend, DecodeMAE: mae, ZeroedInputs: zeroed,
		Bytes: file.Len(), GzipBytes: gzipSize(file.Bytes()), SHA256: sha(file.Bytes()), History: run.History,
	}
	for _, v := range q {
		e.Quant = append(e.Quant, v.String())
	}

	man := &Manifest{Models: map[string]Entry{}}
	manPath := filepath.Join(o.Dir, "manifest.json")
	if raw, err := os.ReadFile(manPath); err == nil {
		if err := json.Unmarshal(raw, man); err != nil {
			return nil, fmt.Errorf("%s: %w", manPath, err)
		}
		if man.Models == nil {
			man.Models = map[string]Entry{}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	man.Data, man.GitCommit = o.Data, o.GitCommit
	man.Models[o.Name] = *e
	if run.Arch.Latent == 2 && o.MapCount > 0 {
		if man.Map, err = writeMap(shipped, test, o); err != nil {
			return nil, err
		}
	}
	raw, _ := json.MarshalIndent(man, "", "  ")
	if err := writeAtomic(manPath, append(raw, '\n')); err != nil {
		return nil, err
	}
	if o.Parity != "" {
		if err := writeParity(run.Backend, shipped, run.Arch, test, o.Name, o.Parity); err != nil {
			return nil, fmt.Errorf("parity reference: %w", err)
		}
	}
	return e, nil
}

// writeMap writes map2.kmap: μ of the first o.MapCount test digits under the
// shipped weights, with their labels.
func writeMap(shipped *wvae.Model, test *mnist.Set, o ExportOptions) (*MapEntry, error) {
	n := min(o.MapCount, test.N())
	xs, ys := make([]float32, n), make([]float32, n)
	r := shipped.NewRunner()
	mu, lv := make([]float32, 2), make([]float32, 2)
	for i := range n {
		r.Encode(test.Image(i), mu, lv)
		xs[i], ys[i] = mu[0], mu[1]
	}
	var buf bytes.Buffer
	if err := wvae.WriteMap(&buf, xs, ys, test.Labels[:n]); err != nil {
		return nil, err
	}
	const name = "map2.kmap"
	if err := writeAtomic(filepath.Join(o.Dir, name), buf.Bytes()); err != nil {
		return nil, err
	}
	return &MapEntry{File: name, Model: o.Name, Count: n,
		What:  fmt.Sprintf("posterior mean μ of the first %d MNIST test digits under the shipped %s weights, with their labels", n, o.Name),
		Bytes: buf.Len(), SHA256: sha(buf.Bytes())}, nil
}

// ParityCase is one model's reference for wasmdemo/vae's parity test:
// μ and log σ² of test images and decodings of latent points, computed by
// the GoMLX graph on the shipped (dequantised) weights.
type ParityCase struct {
	X       [][]float32 `json:"x"`
	Mu      [][]float32 `json:"mu"`
	LogVar  [][]float32 `json:"logvar"`
	Z       [][]float32 `json:"z"`
	Decoded [][]float32 `json:"decoded"`
}

const parityCount = 8

// writeParity computes name's ParityCase and stores it in the JSON file at
// path, keeping the other models' cases.
func writeParity(backend backends.Backend, shipped *wvae.Model, a Arch, test *mnist.Set, name, path string) error {
	c, err := parityCase(backend, shipped, a, test)
	if err != nil {
		return err
	}
	cases := map[string]*ParityCase{}
	if raw, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(raw, &cases); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	cases[name] = c
	raw, _ := json.Marshal(cases)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return writeAtomic(path, append(raw, '\n'))
}

// parityCase loads the shipped weights back into a fresh GoMLX context (as
// [in, out] matrices, under the training scopes) and runs the training
// graph's Encode and DecodeLogits on them.
func parityCase(backend backends.Backend, shipped *wvae.Model, a Arch, test *mnist.Set) (c *ParityCase, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	ctx := context.New()
	for i, scope := range layerScopes(a) {
		l := shipped.Layers()[i]
		w := make([]float32, l.In*l.Out)
		for o := range l.Out {
			for j := range l.In {
				w[j*l.Out+o] = l.W[o*l.In+j]
			}
		}
		sc := ctx.InAbsPath(scope)
		sc.VariableWithValue("weights", tensors.FromFlatDataAndDimensions(w, l.In, l.Out))
		sc.VariableWithValue("biases", tensors.FromFlatDataAndDimensions(append([]float32(nil), l.B...), l.Out))
	}
	c = &ParityCase{}
	x := make([]float32, 0, parityCount*mnist.Pixels)
	for i := range parityCount {
		c.X = append(c.X, append([]float32(nil), test.Image(i)...))
		x = append(x, test.Image(i)...)
	}
	rng := rand.New(rand.NewPCG(7, uint64(a.Latent)))
	z := make([]float32, parityCount*a.Latent)
	for i := range z {
		z[i] = float32(rng.NormFloat64() * 1.5)
	}
	enc, err := context.ExecOnceN(backend, ctx.Reuse(), func(ctx *context.Context, x *graph.Node) []*graph.Node {
		mu, lv := Encode(ctx, a, x)
		return []*graph.Node{mu, lv}
	}, tensors.FromFlatDataAndDimensions(x, parityCount, mnist.Pixels))
	if err != nil {
		return nil, err
	}
	dec, err := context.ExecOnce(backend, ctx.Reuse(), func(ctx *context.Context, z *graph.Node) *graph.Node {
		return graph.Sigmoid(DecodeLogits(ctx, a, z))
	}, tensors.FromFlatDataAndDimensions(z, parityCount, a.Latent))
	if err != nil {
		return nil, err
	}
	c.Mu = rows(tensors.MustCopyFlatData[float32](enc[0]), a.Latent)
	c.LogVar = rows(tensors.MustCopyFlatData[float32](enc[1]), a.Latent)
	c.Z = rows(z, a.Latent)
	c.Decoded = rows(tensors.MustCopyFlatData[float32](dec), mnist.Pixels)
	return c, nil
}

// clone deep-copies a browser model.
func clone(m *wvae.Model) *wvae.Model {
	c := *m
	cp := func(ls []wvae.Dense) []wvae.Dense {
		out := make([]wvae.Dense, len(ls))
		for i, l := range ls {
			l.W, l.B = append([]float32(nil), l.W...), append([]float32(nil), l.B...)
			out[i] = l
		}
		return out
	}
	c.Enc, c.Dec = cp(m.Enc), cp(m.Dec)
	heads := cp([]wvae.Dense{m.Mu, m.LogVar})
	c.Mu, c.LogVar = heads[0], heads[1]
	return &c
}

func rows(flat []float32, n int) [][]float32 {
	var out [][]float32
	for i := 0; i+n <= len(flat); i += n {
		out = append(out, flat[i:i+n])
	}
	return out
}

func sha(b []byte) string { return artifact.SHA256(b) }

func gzipSize(b []byte) int { return artifact.GzipSize(b) }

func writeAtomic(path string, data []byte) error { return artifact.WriteAtomic(path, data) }
