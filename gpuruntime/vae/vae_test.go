package vae

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/kogi-course/kogi/gpuruntime/ckpt"
	"github.com/kogi-course/kogi/gpuruntime/internal/fixture"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
	wvae "github.com/kogi-course/kogi/wasmdemo/vae"
)

// tinyCtx is a small model that trains in a second on 2 cores.
func tinyCtx(epochs int) *context.Context {
	ctx := DefaultContext()
	ctx.SetParams(map[string]any{
		ParamHidden:                  "32",
		ParamBatchSize:               64,
		ParamEpochs:                  epochs,
		optimizers.ParamLearningRate: 3e-3,
		ParamLearningRateMin:         1e-3,
	})
	return ctx
}

func tinyRun(t *testing.T, dir string, epochs, stopAt int) (*Run, error) {
	t.Helper()
	train, test := fixture.MNIST(t)
	return Train(Options{
		Name: "vae2", Ctx: tinyCtx(epochs), Backend: fixture.Backend(t), CheckpointDir: dir,
		Stdout: io.Discard, Stderr: io.Discard, stopAtStep: stopAt,
	}, train.Subset(1024), test.Subset(256))
}

func TestTrainingDecreasesLoss(t *testing.T) {
	run, err := tinyRun(t, t.TempDir(), 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	h := run.History
	if len(h) != 3 {
		t.Fatalf("%d epochs in the history, want 3", len(h))
	}
	for _, e := range h {
		t.Logf("epoch %d: train %.2f test %.2f (KL %.2f)", e.Epoch, e.TrainNegELBO(), e.TestNegELBO(), e.TestKL)
	}
	if !(h[2].TestNegELBO() < h[0].TestNegELBO()-10) || !(h[2].TrainNegELBO() < h[0].TrainNegELBO()) {
		t.Fatalf("loss did not go down: %+v", h)
	}
	if h[2].TestKL <= 0 {
		t.Fatalf("KL %.3f: the latent is unused", h[2].TestKL)
	}
}

// weights returns every variable of the run's model, by name.
func weights(t *testing.T, r *Run) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	for _, scope := range layerScopes(r.Arch) {
		for _, name := range []string{"weights", "biases"} {
			v := r.Ctx.GetVariableByScopeAndName(scope, name)
			val, err := v.Value()
			if err != nil {
				t.Fatal(err)
			}
			out[scope+"/"+name] = tensors.MustCopyFlatData[float32](val)
		}
	}
	return out
}

// A run killed after a checkpoint in the middle of epoch 2 and started again
// ends exactly where the run that was never interrupted ends: same weights
// (so same optimizer state and data order) and same history.
func TestResumeFromCheckpoint(t *testing.T) {
	whole, err := tinyRun(t, t.TempDir(), 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := tinyRun(t, dir, 2, 16+5); !errors.Is(err, errStopped) {
		t.Fatalf("interrupted run: %v", err)
	}
	resumed, err := tinyRun(t, dir, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := optimizers.GetGlobalStep(resumed.Ctx); got != 32 {
		t.Fatalf("resumed run ends at step %d, want 32", got)
	}
	if len(resumed.History) != 2 {
		t.Fatalf("resumed history has %d epochs", len(resumed.History))
	}
	for i := range whole.History {
		a, b := whole.History[i], resumed.History[i]
		for _, d := range []float64{a.TrainRecon - b.TrainRecon, a.TrainKL - b.TrainKL, a.TestRecon - b.TestRecon, a.TestKL - b.TestKL} {
			if math.Abs(d) > 1e-4 {
				t.Fatalf("epoch %d differs: uninterrupted %+v, resumed %+v", i+1, a, b)
			}
		}
	}
	wa, wb := weights(t, whole), weights(t, resumed)
	for k, va := range wa {
		for i := range va {
			if math.Abs(float64(va[i]-wb[k][i])) > 1e-5 {
				t.Fatalf("%s[%d]: uninterrupted %g, resumed %g", k, i, va[i], wb[k][i])
			}
		}
	}
	// A finished run run again trains nothing and keeps its history.
	again, err := tinyRun(t, dir, 2, 0)
	if err != nil || len(again.History) != 2 || again.History[1] != resumed.History[1] {
		t.Fatalf("re-run of a finished run: %v, %+v", err, again)
	}
}

func TestResumeWithOtherHyperparameters(t *testing.T) {
	dir := t.TempDir()
	if _, err := tinyRun(t, dir, 1, 0); err != nil {
		t.Fatal(err)
	}
	train, test := fixture.MNIST(t)
	ctx := tinyCtx(2)
	ctx.SetParam(ParamHidden, "48")
	_, err := Train(Options{Name: "vae2", Ctx: ctx, Backend: fixture.Backend(t), CheckpointDir: dir,
		Stdout: io.Discard, Stderr: io.Discard}, train.Subset(1024), test.Subset(256))
	if err == nil || !strings.Contains(err.Error(), ParamHidden+"=32") || !strings.Contains(err.Error(), dir) {
		t.Fatalf("error %v: want one naming the checkpoint's %s=32 and %s", err, ParamHidden, dir)
	}
}

func TestCorruptCheckpoint(t *testing.T) {
	for _, which := range []string{".json", ".bin"} {
		t.Run(which, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := tinyRun(t, dir, 1, 0); err != nil {
				t.Fatal(err)
			}
			json := ckpt.Latest(dir)
			path := strings.TrimSuffix(json, ".json") + which
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b[:len(b)/2], 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = tinyRun(t, dir, 2, 0)
			if err == nil || !strings.Contains(err.Error(), "corrupt checkpoint "+json) {
				t.Fatalf("error %v: want one naming %s", err, json)
			}
		})
	}
}

// Export writes files the browser package reads back, and the parity
// reference (GoMLX on the shipped weights) agrees with the browser's forward
// pass on them to 1e-5, as wasmdemo/vae's own test will check.
func TestExportRoundTrip(t *testing.T) {
	run, err := tinyRun(t, t.TempDir(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, test := fixture.MNIST(t)
	test = test.Subset(256)
	out := t.TempDir()
	parity := filepath.Join(out, "testdata", "parity.json")
	e, err := Export(run, nil, test, ExportOptions{Name: "vae2", Dir: out, Parity: parity, MapCount: 100, GitCommit: "c0ffee"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(out, "vae2.kvae"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := wvae.Read(raw)
	if err != nil {
		t.Fatal(err)
	}
	if m.Latent != 2 || len(m.Enc) != 1 || m.Enc[0].Out != 32 || m.Params() != e.Params || len(raw) != e.Bytes {
		t.Fatalf("read back a %d-D model with %d params (%d bytes); manifest says %+v", m.Latent, m.Params(), len(raw), e)
	}
	if e.DecodeMAE > MaxDecodeMAE || e.DecodeMAE <= 0 {
		t.Errorf("decode MAE %g", e.DecodeMAE)
	}
	// The shipped weights are the float32 ones within int8 rounding.
	f32, err := run.BrowserModel()
	if err != nil {
		t.Fatal(err)
	}
	for li, l := range m.Layers() {
		fl := f32.Layers()[li]
		for o := range l.Out {
			var scale float64
			for i := range l.In {
				scale = max(scale, math.Abs(float64(fl.W[o*l.In+i]))/127)
			}
			for i := range l.In {
				if d := math.Abs(float64(l.W[o*l.In+i] - fl.W[o*l.In+i])); d > scale/2*1.0001+1e-7 {
					t.Fatalf("layer %d weight [%d,%d] moved %g by quantisation (row step %g)", li, o, i, d, scale)
				}
			}
		}
	}
	// Manifest and map.
	var man Manifest
	if b, err := os.ReadFile(filepath.Join(out, "manifest.json")); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	if man.GitCommit != "c0ffee" || man.Models["vae2"].SHA256 != sha(raw) || man.Map == nil || man.Map.Count != 100 {
		t.Fatalf("manifest %+v", man)
	}
	if r, k := NegELBO(m, test); math.Abs(r+k-man.Models["vae2"].TestNegELBO) > 1e-9 {
		t.Fatalf("manifest −ELBO %g, recomputed %g", man.Models["vae2"].TestNegELBO, r+k)
	}
	if f := man.Models["vae2"].TestNegELBOF32; math.Abs(f-e.TestNegELBO) > 2 {
		t.Fatalf("float32 −ELBO %g far from the shipped %g", f, e.TestNegELBO)
	}
	mb, err := os.ReadFile(filepath.Join(out, "map2.kmap"))
	if err != nil {
		t.Fatal(err)
	}
	mp, err := wvae.ReadMap(mb)
	if err != nil || len(mp.X) != 100 || mp.Label[0] != test.Labels[0] {
		t.Fatalf("map: %v %+v", err, mp)
	}
	// Parity: the browser's pass on the shipped file vs GoMLX's graph.
	var cases map[string]ParityCase
	if b, err := os.ReadFile(parity); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	c := cases["vae2"]
	if len(c.X) != parityCount || len(c.Z) != parityCount {
		t.Fatalf("parity case has %d images and %d points", len(c.X), len(c.Z))
	}
	r := m.NewRunner()
	mu, lv, dec := make([]float32, 2), make([]float32, 2), make([]float32, mnist.Pixels)
	for i := range c.X {
		r.Encode(c.X[i], mu, lv)
		near(t, "mu", mu, c.Mu[i])
		near(t, "logvar", lv, c.LogVar[i])
		r.Decode(c.Z[i], dec)
		near(t, "decoded", dec, c.Decoded[i])
	}
	// A second model keeps the first one's records.
	if _, err := Export(run, nil, test, ExportOptions{Name: "vae2b", Dir: out, Parity: parity}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if !bytes.Contains(b, []byte(`"vae2"`)) || !bytes.Contains(b, []byte(`"vae2b"`)) {
		t.Fatalf("manifest lost a model: %s", b)
	}
}

func near(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > 1e-5 {
			t.Fatalf("%s[%d] = %.7g, GoMLX %.7g", what, i, got[i], want[i])
		}
	}
}

// The shipped 2-D model (static/demos/vae/vae2.kvae) reaches the target on
// the full test set with the browser's own forward pass, and the manifest
// reports what the file really gives.
func TestShippedModel(t *testing.T) {
	const dir = "../../static/demos/vae"
	raw, err := os.ReadFile(filepath.Join(dir, "vae2.kvae"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("no shipped model yet (make models writes it)")
	}
	if err != nil {
		t.Fatal(err)
	}
	var man Manifest
	if b, err := os.ReadFile(filepath.Join(dir, "manifest.json")); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	m, err := wvae.Read(raw)
	if err != nil {
		t.Fatal(err)
	}
	_, test := fixture.MNIST(t)
	recon, kl := NegELBO(m, test)
	neg := recon + kl
	want := man.Models["vae2"].TestNegELBO
	t.Logf("shipped vae2: test −ELBO %.3f nats (recon %.3f, KL %.3f), manifest %.3f", neg, recon, kl, want)
	if neg > 155 {
		t.Errorf("test −ELBO %.2f > 155", neg)
	}
	if math.Abs(neg-want) > 0.5 {
		t.Errorf("test −ELBO %.2f, manifest says %.2f", neg, want)
	}
	if man.Models["vae2"].SHA256 != sha(raw) {
		t.Errorf("manifest sha256 is not vae2.kvae's")
	}
}
