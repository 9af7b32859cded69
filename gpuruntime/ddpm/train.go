package ddpm

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"

	"github.com/kogi-course/kogi/gpuruntime/mnist"
	"github.com/kogi-course/kogi/gpuruntime/steptrain"
	"github.com/kogi-course/kogi/gpuruntime/vae"
)

// Run bookkeeping saved in the denoiser's checkpoints (see TrainOptions).
const (
	paramLatentMean = "kogi_latent_mean" // JSON list: the latents' mean per dimension
	paramLatentStd  = "kogi_latent_std"  // JSON list: their standard deviation
	paramVAESeconds = "kogi_vae_seconds" // training wall seconds of the VAE stage
	paramBackend    = "kogi_backend"     // what the last training part ran on
	paramDevice     = "kogi_device"
	paramExamples   = "kogi_train_examples" // training digits
)

// TrainOptions configure a training run of a preset.
type TrainOptions struct {
	Preset  Preset
	Seed    int64 // initial weights, batch order, t and ε of every step
	Backend backends.Backend
	// BackendText and Device describe the backend for the manifest.
	BackendText, Device string
	// Dir is the run's folder: Dir/vae and Dir/ddpm hold the checkpoints.
	Dir             string
	CheckpointEvery time.Duration
	Stdout, Stderr  io.Writer
	TTY             bool
	// Stop, when closed, ends the denoiser's training after the current
	// step with a checkpoint (steptrain.ErrInterrupted).
	Stop <-chan struct{}
	// StopAtStep stops the denoiser's training after that step, with a
	// checkpoint, and returns steptrain.ErrStopped (tests).
	StopAtStep int
}

// TrainResult is a finished run.
type TrainResult struct {
	Steps      int
	Seconds    float64 // denoiser training wall seconds
	VAESeconds float64 // the VAE stage's (latent recipe)
	StepsPerS  float64 // denoiser steps per second over the run
	History    []steptrain.Point
	Ctx        *context.Context
}

// Train trains the preset's model: for the latent recipe, the VAE first
// (resuming from its own checkpoints), then the denoiser.
func Train(o TrainOptions, trainSet, testSet *mnist.Set) (*TrainResult, error) {
	p := o.Preset
	if err := p.Validate(); err != nil {
		return nil, err
	}
	sched, err := p.NoiseSchedule()
	if err != nil {
		return nil, err
	}
	params := map[string]any{paramBackend: o.BackendText, paramDevice: o.Device, paramExamples: trainSet.N()}
	var data []float32
	var vaeSeconds float64
	if p.Recipe == "latent" {
		vrun, err := vae.Train(vae.Options{
			Name: fmt.Sprintf("vae%d", p.VAELatent), Ctx: p.VAEContext(o.Seed), Backend: o.Backend,
			CheckpointDir: filepath.Join(o.Dir, "vae"), CheckpointEvery: o.CheckpointEvery,
			Stdout: o.Stdout, Stderr: o.Stderr, TTY: o.TTY,
		}, trainSet, testSet)
		if err != nil {
			return nil, err
		}
		vaeSeconds = vrun.Seconds
		mu, err := encodeMeans(vrun, trainSet)
		if err != nil {
			return nil, err
		}
		mean, std := standardise(mu, p.VAELatent)
		data = mu
		mj, _ := json.Marshal(mean)
		sj, _ := json.Marshal(std)
		params[paramLatentMean], params[paramLatentStd] = string(mj), string(sj)
		params[paramVAESeconds] = vaeSeconds
	} else {
		data = make([]float32, len(trainSet.Images))
		for i, v := range trainSet.Images {
			data[i] = 2*v - 1
		}
	}
	ctx := p.Context(o.Seed)
	ds := &trainData{x: data, d: p.StateSize(), dims: p.StateDims(), batch: p.Batch, sched: sched, seed: uint64(o.Seed)}
	n := len(data) / ds.d
	if p.Batch > n {
		return nil, fmt.Errorf("batch %d for %d training examples", p.Batch, n)
	}
	ds.order = steptrain.Order{N: n, Batch: p.Batch, Seed: uint64(o.Seed)}
	res, err := steptrain.Run(steptrain.Options{
		Name: "ddpm-" + p.Name, Ctx: ctx, Backend: o.Backend, ModelFn: modelFn(p), LossFn: lossFn,
		Batch: ds.at, Steps: p.Steps, ReportEvery: reportEvery(p.Steps),
		CheckpointDir: filepath.Join(o.Dir, "ddpm"), Checked: checkedParams, Params: params,
		CheckpointEvery: o.CheckpointEvery, Stdout: o.Stdout, Stderr: o.Stderr, TTY: o.TTY, StopAtStep: o.StopAtStep, Stop: o.Stop,
	})
	if err != nil {
		return nil, err
	}
	return &TrainResult{Steps: res.Steps, Seconds: res.Seconds, VAESeconds: vaeSeconds,
		StepsPerS: res.StepsPerSecond(), History: res.History, Ctx: ctx}, nil
}

// reportEvery gives about 20 report lines (and checkpoints) per run.
func reportEvery(steps int) int {
	for _, r := range []int{10, 20, 50, 100, 200, 250, 500, 1000} {
		if steps/r <= 25 {
			return r
		}
	}
	return 2000
}

// modelFn: inputs x_0 [batch, state…], ε (same shape), t [batch] (float),
// √ᾱ_t and √(1−ᾱ_t) [batch]; prediction: each example's mean squared error
// of the predicted noise, ‖ε̂(√ᾱ_t·x_0 + √(1−ᾱ_t)·ε, t) − ε‖²/size.
func modelFn(p Preset) train.ModelFn {
	return func(ctx *context.Context, _ any, in []*graph.Node) []*graph.Node {
		g := in[0].Graph()
		if ctx.IsTraining(g) {
			steptrain.SetLearningRate(ctx, g, p.LRDropAt, p.LRDrop)
		}
		x0, eps, t, a, s := in[0], in[1], in[2], in[3], in[4]
		xt := graph.Add(perExample(a, x0), perExample(s, eps))
		d := graph.Sub(Eps(ctx, p, xt, t), eps)
		axes := make([]int, x0.Rank()-1)
		for i := range axes {
			axes[i] = i + 1
		}
		return []*graph.Node{graph.ReduceMean(graph.Square(d), axes...)}
	}
}

func lossFn(_, predictions []*graph.Node) *graph.Node { return graph.ReduceAllMean(predictions[0]) }

// perExample multiplies each example of x [batch, …] by its entry of v [batch].
func perExample(v, x *graph.Node) *graph.Node {
	dims := make([]int, x.Rank())
	for i := range dims {
		dims[i] = 1
	}
	dims[0] = x.Shape().Dimensions[0]
	return graph.Mul(graph.BroadcastToDims(graph.Reshape(v, dims...), x.Shape().Dimensions...), x)
}

// trainData is the training stream: step k takes the examples order gives
// it and draws each one's t (uniform in 1…T) and ε from (seed, k). So the
// stream depends only on the step, and a resumed run sees what the
// uninterrupted run saw.
type trainData struct {
	x     []float32 // examples of d values
	d     int
	dims  []int
	batch int
	sched *Schedule
	seed  uint64
	order steptrain.Order
}

func (b *trainData) at(step int) []*tensors.Tensor {
	rng := rand.New(rand.NewPCG(b.seed^0x64647061, uint64(step)))
	x0 := make([]float32, b.batch*b.d)
	eps := make([]float32, b.batch*b.d)
	ts, as, ss := make([]float32, b.batch), make([]float32, b.batch), make([]float32, b.batch)
	for i, idx := range b.order.At(step) {
		copy(x0[i*b.d:(i+1)*b.d], b.x[idx*b.d:(idx+1)*b.d])
		t := 1 + rng.IntN(b.sched.T)
		a, s := b.sched.Noise(t)
		ts[i], as[i], ss[i] = float32(t), float32(a), float32(s)
		for j := range b.d {
			eps[i*b.d+j] = float32(rng.NormFloat64())
		}
	}
	dims := append([]int{b.batch}, b.dims...)
	return []*tensors.Tensor{
		tensors.FromFlatDataAndDimensions(x0, dims...),
		tensors.FromFlatDataAndDimensions(eps, dims...),
		tensors.FromFlatDataAndDimensions(ts, b.batch),
		tensors.FromFlatDataAndDimensions(as, b.batch),
		tensors.FromFlatDataAndDimensions(ss, b.batch),
	}
}

// encodeMeans returns the VAE's posterior means μ of every digit of set
// (n × latent), computed by the GoMLX graph on the run's backend.
func encodeMeans(run *vae.Run, set *mnist.Set) (mu []float32, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("encoding the training digits: %v", r)
		}
	}()
	arch := run.Arch
	// Both heads are outputs: simplego v0.26 fails at run time on a graph
	// with a dead branch (the unused log σ² head).
	exec, err := context.NewExec(run.Backend, run.Ctx.Reuse(), func(ctx *context.Context, x *graph.Node) (*graph.Node, *graph.Node) {
		return vae.Encode(ctx, arch, x)
	})
	if err != nil {
		return nil, err
	}
	const chunk = 1000
	mu = make([]float32, 0, set.N()*arch.Latent)
	for start := 0; start < set.N(); start += chunk {
		n := min(chunk, set.N()-start)
		x := tensors.FromFlatDataAndDimensions(set.Images[start*mnist.Pixels:(start+n)*mnist.Pixels], n, mnist.Pixels)
		out, err := exec.Exec(x)
		x.MustFinalizeAll()
		if err != nil {
			return nil, fmt.Errorf("encoding the training digits: %w", err)
		}
		mu = append(mu, tensors.MustCopyFlatData[float32](out[0])...)
		out[0].MustFinalizeAll()
		out[1].MustFinalizeAll()
	}
	return mu, nil
}

// standardise shifts and scales each of the d columns of x (in place) to
// mean 0 and standard deviation 1, and returns the mean and deviation.
func standardise(x []float32, d int) (mean, std []float64) {
	n := len(x) / d
	mean, std = make([]float64, d), make([]float64, d)
	for i := range n {
		for j := range d {
			mean[j] += float64(x[i*d+j])
		}
	}
	for j := range d {
		mean[j] /= float64(n)
	}
	for i := range n {
		for j := range d {
			v := float64(x[i*d+j]) - mean[j]
			std[j] += v * v
		}
	}
	for j := range d {
		std[j] = math.Sqrt(std[j]/float64(n)) + 1e-8
	}
	for i := range n {
		for j := range d {
			x[i*d+j] = float32((float64(x[i*d+j]) - mean[j]) / std[j])
		}
	}
	return mean, std
}

// CountParams counts the trainable values under scope (e.g. "/ddpm").
func CountParams(ctx *context.Context, scope string) int {
	n := 0
	ctx.EnumerateVariables(func(v *context.Variable) {
		if strings.HasPrefix(v.Scope(), scope) && v.Trainable {
			n += v.Shape().Size()
		}
	})
	return n
}
