package cyclegan

import (
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/kogi-course/kogi/gpuruntime/ckpt"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
)

func tiny(steps int) Preset {
	return Preset{Name: "tiny", Gen: "mlp", Disc: "mlp", Hidden: 16, Batch: 8, LR: 2e-4, Beta1: 0.5, Lambda: 10, Identity: 0.5,
		Pool: 4, CycleNoise: 0.1, TypesetN: 64, Steps: steps, FrameEvery: 2}
}

func tinyTrain(t *testing.T, dir string, steps, stopAt int) (*TrainResult, error) {
	t.Helper()
	f := testData(t)
	return Train(TrainOptions{Preset: tiny(steps), Seed: 3, Backend: f.be, BackendText: "go", Device: "cpu", Dir: dir,
		Stdout: io.Discard, Stderr: io.Discard, StopAtStep: stopAt}, f.train, f.test)
}

func weights(t *testing.T, ctx *context.Context) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	ctx.EnumerateVariables(func(v *context.Variable) {
		val, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		if val.DType().Size() == 4 && v.Shape().Size() > 0 && !strings.HasPrefix(v.Scope(), "/metrics") {
			if x, ok := tensors.CopyFlatData[float32](val); ok == nil {
				out[v.ScopeAndName()] = x
			}
		}
	})
	return out
}

// A run stopped after a checkpoint and started again ends where the
// uninterrupted run ends: same weights, same pools, same record.
func TestResume(t *testing.T) {
	whole, stopped := t.TempDir(), t.TempDir()
	want, err := tinyTrain(t, whole, 6, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tinyTrain(t, stopped, 6, 3); !errors.Is(err, ErrStopped) {
		t.Fatalf("stopped run: %v", err)
	}
	got, err := tinyTrain(t, stopped, 6, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got.Steps != 6 || len(got.Record.Frames) != 4 {
		t.Fatalf("%d steps, %d frames; want 6 and 4 (steps 0, 2, 4, 6)", got.Steps, len(got.Record.Frames))
	}
	ww, gw := weights(t, want.Ctx), weights(t, got.Ctx)
	if len(ww) < 10 || len(ww) != len(gw) {
		t.Fatalf("%d and %d variables", len(ww), len(gw))
	}
	for k, w := range ww {
		for i := range w {
			if d := w[i] - gw[k][i]; d > 1e-5 || d < -1e-5 {
				t.Fatalf("%s[%d]: %g resumed, %g whole", k, i, gw[k][i], w[i])
			}
		}
	}
	for i, f := range want.Record.Frames {
		g := got.Record.Frames[i]
		if f.Step != g.Step || maxDiff(f.GA, g.GA) > 1 || maxDiff(f.FB, g.FB) > 1 {
			t.Fatalf("frame %d differs after resuming", i)
		}
	}
}

func maxDiff(a, b []byte) int {
	m := 0
	for i := range a {
		m = max(m, int(a[i])-int(b[i]), int(b[i])-int(a[i]))
	}
	return m
}

// A damaged checkpoint (either file of the pair) stops training and
// loading with an error that names it.
func TestCorruptCheckpoint(t *testing.T) {
	base := t.TempDir()
	for _, kind := range []string{".json", ".bin"} {
		dir := filepath.Join(base, kind[1:])
		if _, err := tinyTrain(t, dir, 2, 0); err != nil {
			t.Fatal(err)
		}
		latest, err := ckpt.Damage(CheckpointDir(dir), kind)
		if err != nil {
			t.Fatal(err)
		}
		want := "corrupt checkpoint " + latest
		if _, err = tinyTrain(t, dir, 4, 0); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: train: %v, want %q", kind, err, want)
		}
		if _, _, _, err = Load(dir); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: load: %v, want %q", kind, err, want)
		}
	}
}

// The gpu preset's networks cannot be trained on simplego, but their
// forward passes run there.
func TestConvForward(t *testing.T) {
	f := testData(t)
	p := Presets["gpu"]
	ctx := p.Context(1)
	exec, err := context.NewExec(f.be, ctx, func(ctx *context.Context, x *graph.Node) (*graph.Node, *graph.Node) {
		y := Generator(ctx.In("G"), p, x)
		return y, Discriminator(ctx.In("DB"), p, y, true)
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(tensors.FromFlatDataAndDimensions(f.test.Images[:2*mnist.Pixels], 2, mnist.Pixels))
	if err != nil {
		t.Fatal(err)
	}
	if d := out[0].Shape().Dimensions; !slices.Equal(d, []int{2, mnist.Pixels}) {
		t.Fatalf("generator output %v", d)
	}
	if d := out[1].Shape().Dimensions; !slices.Equal(d, []int{2, 49}) {
		t.Fatalf("PatchGAN output %v", d)
	}
}
