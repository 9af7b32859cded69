package ddpm

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/kogi-course/kogi/gpuruntime/ckpt"
	"github.com/kogi-course/kogi/gpuruntime/internal/fixture"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
	"github.com/kogi-course/kogi/gpuruntime/steptrain"
)

func TestSchedules(t *testing.T) {
	for _, kind := range []string{"linear", "cosine"} {
		s, err := NewSchedule(kind, 500, 2e-4, 0.04)
		if err != nil {
			t.Fatal(err)
		}
		if s.AlphaBar[0] != 1 || !(s.AlphaBar[s.T] < 1e-3) {
			t.Errorf("%s: ᾱ_0 = %g, ᾱ_T = %g", kind, s.AlphaBar[0], s.AlphaBar[s.T])
		}
		for t1 := 1; t1 <= s.T; t1++ {
			if !(s.AlphaBar[t1] < s.AlphaBar[t1-1]) || s.Beta[t1] <= 0 || s.Beta[t1] >= 1 {
				t.Fatalf("%s: t=%d: β %g, ᾱ %g after %g", kind, t1, s.Beta[t1], s.AlphaBar[t1], s.AlphaBar[t1-1])
			}
		}
		// The reverse step's mean is the posterior mean: with x̂_0 = x_0
		// exact, c0·x_0 + ct·x_t has no ε component left beyond the
		// posterior's, i.e. c0 + ct·√ᾱ_t = √ᾱ_{t−1}.
		for _, t1 := range []int{1, 2, 250, 500} {
			c0, ct, sigma := s.Posterior(t1)
			a, _ := s.Noise(t1)
			if d := c0 + ct*a - math.Sqrt(s.AlphaBar[t1-1]); math.Abs(d) > 1e-12 {
				t.Errorf("%s t=%d: posterior mean off by %g", kind, t1, d)
			}
			if (t1 == 1) != (sigma == 0) {
				t.Errorf("%s t=%d: σ = %g", kind, t1, sigma)
			}
		}
		for _, k := range []int{2, 10, 25, 501} {
			ft := s.FrameTimes(k)
			if len(ft) != k || ft[0] != s.T || ft[k-1] != 0 {
				t.Fatalf("%s FrameTimes(%d) = %v", kind, k, ft)
			}
			for i := 1; i < k; i++ {
				if ft[i] >= ft[i-1] {
					t.Fatalf("%s FrameTimes(%d) not decreasing: %v", kind, k, ft)
				}
			}
		}
	}
	for _, bad := range []struct {
		kind     string
		T        int
		b0, b1   float64
		contains string
	}{{"linear", 1, 1e-4, 0.02, "diffusion steps"}, {"linear", 100, 0.02, 1e-4, "β"}, {"quadratic", 100, 1e-4, 0.02, "unknown schedule"}} {
		if _, err := NewSchedule(bad.kind, bad.T, bad.b0, bad.b1); err == nil || !strings.Contains(err.Error(), bad.contains) {
			t.Errorf("NewSchedule(%q, %d, %g, %g): %v", bad.kind, bad.T, bad.b0, bad.b1, err)
		}
	}
}

// tinyPreset is the cpu preset shrunk to train in seconds.
func tinyPreset(steps int) Preset {
	p := Presets["cpu"]
	p.T, p.Steps, p.VAEEpochs, p.Width, p.Batch, p.VAEHidden = 50, steps, 1, 32, 64, "64"
	return p
}

func tinyTrain(t *testing.T, dir string, steps, stopAt int) (*TrainResult, error) {
	t.Helper()
	train, test := fixture.MNIST(t)
	return Train(TrainOptions{Preset: tinyPreset(steps), Seed: 3, Backend: fixture.Backend(t), Dir: dir,
		Stdout: io.Discard, Stderr: io.Discard, StopAtStep: stopAt}, train.Subset(1024), test.Subset(200))
}

func denoiserWeights(t *testing.T, ctx *context.Context) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	ctx.EnumerateVariables(func(v *context.Variable) {
		if strings.HasPrefix(v.Scope(), "/ddpm") {
			out[v.ScopeAndName()] = tensors.MustCopyFlatData[float32](v.MustValue())
		}
	})
	if len(out) == 0 {
		t.Fatal("no denoiser weights")
	}
	return out
}

// A run stopped after a checkpoint in the middle and started again ends
// where the run that was never stopped ends: same weights, same losses.
func TestResume(t *testing.T) {
	whole, err := tinyTrain(t, t.TempDir(), 30, 0)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := tinyTrain(t, dir, 30, 17); !errors.Is(err, steptrain.ErrStopped) {
		t.Fatalf("stopped run: %v", err)
	}
	resumed, err := tinyTrain(t, dir, 30, 0)
	if err != nil {
		t.Fatal(err)
	}
	if resumed.Steps != 30 || len(resumed.History) != len(whole.History) {
		t.Fatalf("resumed run: %d steps, %d history points; uninterrupted %d", resumed.Steps, len(resumed.History), len(whole.History))
	}
	for i := range whole.History {
		if d := whole.History[i].Loss - resumed.History[i].Loss; math.Abs(d) > 1e-5 {
			t.Fatalf("loss at step %d: uninterrupted %g, resumed %g", whole.History[i].Step, whole.History[i].Loss, resumed.History[i].Loss)
		}
	}
	wa, wb := denoiserWeights(t, whole.Ctx), denoiserWeights(t, resumed.Ctx)
	for k, va := range wa {
		for i := range va {
			if d := math.Abs(float64(va[i] - wb[k][i])); d > 1e-5 {
				t.Fatalf("%s[%d]: uninterrupted %g, resumed %g", k, i, va[i], wb[k][i])
			}
		}
	}
	// The loaded model samples, and the same seed gives the same samples.
	m, err := Load(Presets["cpu"], dir, fixture.Backend(t))
	if err != nil {
		t.Fatal(err)
	}
	if m.Sched.T != 50 || m.Preset.Steps != 30 || m.Preset.Width != 32 || m.Preset.VAEHidden != "64" || m.Preset.VAEEpochs != 1 {
		t.Fatalf("loaded preset %+v", m.Preset)
	}
	var first []float32
	for range 2 {
		s, err := m.Sample(SampleOptions{N: 10, Seed: 5, Batch: 4, Record: []int{50, 10, 0}, RecordN: 6})
		if err != nil {
			t.Fatal(err)
		}
		if len(s.States) != 10*16 || len(s.Traj[10]) != 6*16 || len(s.Traj[50]) != 6*16 {
			t.Fatalf("sample sizes %d, %d", len(s.States), len(s.Traj[10]))
		}
		for i := range 6 * 16 {
			if s.Traj[0][i] != s.States[i] {
				t.Fatalf("trajectory at t=0 is not the sample")
			}
		}
		img := m.Decode(s.States)
		if len(img) != 10*mnist.Pixels {
			t.Fatalf("%d decoded values", len(img))
		}
		if first == nil {
			first = img
		} else {
			for i := range img {
				if img[i] != first[i] {
					t.Fatalf("same seed, different samples at %d", i)
				}
			}
		}
	}
}

func TestCorruptCheckpoint(t *testing.T) {
	for _, which := range []string{".json", ".bin"} {
		t.Run(which, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := tinyTrain(t, dir, 10, 0); err != nil {
				t.Fatal(err)
			}
			latest := ckpt.Latest(filepath.Join(dir, "ddpm"))
			path := strings.TrimSuffix(latest, ".json") + which
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b[:len(b)/2], 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = tinyTrain(t, dir, 20, 0)
			if err == nil || !strings.Contains(err.Error(), "corrupt checkpoint "+latest) {
				t.Fatalf("train: %v, want corrupt checkpoint %s", err, latest)
			}
			_, err = Load(Presets["cpu"], dir, fixture.Backend(t))
			if err == nil || !strings.Contains(err.Error(), "corrupt checkpoint "+latest) {
				t.Fatalf("load: %v, want corrupt checkpoint %s", err, latest)
			}
		})
	}
}

// The gpu preset's U-Net cannot be trained on simplego, but its forward
// pass runs there: shapes, size, and a prediction that depends on t.
func TestUNetForward(t *testing.T) {
	p := Presets["gpu"]
	ctx := p.Context(1)
	x := make([]float32, 2*28*28)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)))
	}
	out, err := context.ExecOnce(fixture.Backend(t), ctx, func(ctx *context.Context, xt, ts *graph.Node) *graph.Node {
		return Eps(ctx, p, xt, ts)
	}, tensors.FromFlatDataAndDimensions(append(x[:784:784], x[:784]...), 2, 28, 28, 1), tensors.FromFlatDataAndDimensions([]float32{1, 900}, 2))
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Shape().Dimensions; len(got) != 4 || got[0] != 2 || got[1] != 28 || got[3] != 1 {
		t.Fatalf("output %v", got)
	}
	v := tensors.MustCopyFlatData[float32](out)
	same := true
	for i := range 784 {
		if math.IsNaN(float64(v[i])) {
			t.Fatal("NaN")
		}
		same = same && v[i] == v[784+i]
	}
	if same {
		t.Fatal("the same image at t=1 and t=900 gives the same prediction")
	}
	n := CountParams(ctx, "/ddpm")
	t.Logf("U-Net: %d parameters", n)
	if n < 500_000 || n > 5_000_000 {
		t.Fatalf("U-Net has %d parameters", n)
	}
}
