package ddpm

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/kogi-course/kogi/gpuruntime/ckpt"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
	"github.com/kogi-course/kogi/gpuruntime/steptrain"
	"github.com/kogi-course/kogi/gpuruntime/vae"
	wvae "github.com/kogi-course/kogi/wasmdemo/vae"
)

// Model is a trained preset, loaded from its checkpoints for sampling.
type Model struct {
	Preset  Preset
	Sched   *Schedule
	Ctx     *context.Context // the denoiser's weights
	Backend backends.Backend
	// The latent recipe's decoder (float32, as trained) and the latents'
	// standardisation.
	VAE       *wvae.Model
	Mean, Std []float64

	Steps          int // denoiser steps trained
	TrainSeed      int64
	TrainExamples  int     // 0 when the checkpoint does not say
	Seconds        float64 // denoiser training wall seconds
	VAESeconds     float64
	TrainBackend   string
	TrainDevice    string
	DenoiserParams int
	DecoderParams  int // latent recipe: the VAE decoder's weights and biases
	History        []steptrain.Point

	execs map[int]*context.Exec // the sampling step, by batch size
}

// presetFromContext is p with the hyperparameters stored in a denoiser
// checkpoint's context.
func presetFromContext(p Preset, ctx *context.Context) Preset {
	p.Recipe = context.GetParamOr(ctx, ParamRecipe, p.Recipe)
	p.Schedule = context.GetParamOr(ctx, ParamSchedule, p.Schedule)
	p.T = context.GetParamOr(ctx, ParamT, p.T)
	p.Beta0 = context.GetParamOr(ctx, ParamBeta0, p.Beta0)
	p.Beta1 = context.GetParamOr(ctx, ParamBeta1, p.Beta1)
	p.Width = context.GetParamOr(ctx, ParamWidth, p.Width)
	p.Depth = context.GetParamOr(ctx, ParamDepth, p.Depth)
	p.TimeFeatures = context.GetParamOr(ctx, ParamTimeFeatures, p.TimeFeatures)
	p.Batch = context.GetParamOr(ctx, ParamBatch, p.Batch)
	p.LR = context.GetParamOr(ctx, optimizers.ParamLearningRate, p.LR)
	p.LRDropAt = context.GetParamOr(ctx, ParamLRDropAt, p.LRDropAt)
	p.LRDrop = context.GetParamOr(ctx, ParamLRDrop, p.LRDrop)
	p.Steps = int(optimizers.GetGlobalStep(ctx))
	return p
}

// vaePresetFromContext is p with the VAE stage's hyperparameters from its
// checkpoint (the epochs are those of its history).
func vaePresetFromContext(p Preset, ctx *context.Context, arch vae.Arch) Preset {
	p.VAELatent = arch.Latent
	p.VAEActivation = arch.Activation
	p.VAEHidden = context.GetParamOr(ctx, vae.ParamHidden, p.VAEHidden)
	p.VAEBatch = context.GetParamOr(ctx, vae.ParamBatchSize, p.VAEBatch)
	p.VAELR = context.GetParamOr(ctx, optimizers.ParamLearningRate, p.VAELR)
	p.VAELRMin = context.GetParamOr(ctx, vae.ParamLearningRateMin, p.VAELRMin)
	if n := vae.EpochsDone(ctx); n > 0 {
		p.VAEEpochs = n
	}
	return p
}

// Load reads the model trained for preset p in dir (TrainOptions.Dir). The
// denoiser's checkpoint may be an unfinished run's.
func Load(p Preset, dir string, be backends.Backend) (m *Model, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("loading the model in %s: %v", dir, r)
		}
	}()
	ddir := filepath.Join(dir, "ddpm")
	if !ckpt.Exists(ddir) {
		return nil, fmt.Errorf("no trained model in %s: run `go run ./gpuruntime train ddpm --preset %s` first", ddir, p.Name)
	}
	var sched *Schedule
	// The checkpoint's hyperparameters win over the preset's: a model
	// trained with --timesteps or --schedule is sampled as trained.
	ctx := context.New()
	if err := ckpt.Load(ctx, ddir); err != nil {
		return nil, err
	}
	p = presetFromContext(p, ctx)
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", ckpt.Latest(ddir), err)
	}
	if sched, err = p.NoiseSchedule(); err != nil {
		return nil, err
	}
	m = &Model{Preset: p, Sched: sched, Ctx: ctx, Backend: be, execs: map[int]*context.Exec{},
		Steps:         int(optimizers.GetGlobalStep(ctx)),
		Seconds:       steptrain.TrainedSeconds(ctx),
		History:       steptrain.History(ctx),
		VAESeconds:    context.GetParamOr(ctx, paramVAESeconds, 0.0),
		TrainBackend:  context.GetParamOr(ctx, paramBackend, ""),
		TrainDevice:   context.GetParamOr(ctx, paramDevice, ""),
		TrainSeed:     context.GetParamOr(ctx, ParamSeed, int64(0)),
		TrainExamples: context.GetParamOr(ctx, paramExamples, 0),
	}
	m.DenoiserParams = CountParams(ctx, "/ddpm")
	if p.Recipe == "latent" {
		if err := json.Unmarshal([]byte(context.GetParamOr(ctx, paramLatentMean, "")), &m.Mean); err != nil {
			return nil, fmt.Errorf("%s: latent mean: %v", ckpt.Latest(ddir), err)
		}
		if err := json.Unmarshal([]byte(context.GetParamOr(ctx, paramLatentStd, "")), &m.Std); err != nil {
			return nil, fmt.Errorf("%s: latent deviation: %v", ckpt.Latest(ddir), err)
		}
		if len(m.Mean) != p.VAELatent || len(m.Std) != p.VAELatent {
			return nil, fmt.Errorf("%s: latent statistics of %d dimensions, want %d", ckpt.Latest(ddir), len(m.Mean), p.VAELatent)
		}
		vdir := filepath.Join(dir, "vae")
		if !ckpt.Exists(vdir) {
			return nil, fmt.Errorf("no trained VAE in %s: run `go run ./gpuruntime train ddpm --preset %s` first", vdir, p.Name)
		}
		vctx := vae.DefaultContext()
		if err := ckpt.Load(vctx, vdir); err != nil {
			return nil, err
		}
		arch, err := vae.ArchFromContext(vctx)
		if err != nil {
			return nil, err
		}
		if arch.Latent != len(m.Mean) {
			return nil, fmt.Errorf("the VAE in %s has %d latent dimensions, the denoiser in %s %d", vdir, arch.Latent, ddir, len(m.Mean))
		}
		m.Preset = vaePresetFromContext(m.Preset, vctx, arch)
		if m.VAE, err = (&vae.Run{Ctx: vctx, Arch: arch}).BrowserModel(); err != nil {
			return nil, err
		}
		for _, l := range m.VAE.Dec {
			m.DecoderParams += l.In*l.Out + l.Out
		}
	}
	return m, nil
}

// Params is what the sampler uses: denoiser plus decoder.
func (m *Model) Params() int { return m.DenoiserParams + m.DecoderParams }

// stepExec compiles (once per batch size) one reverse step: from x_t, t,
// the noise z and the step's coefficients [√ᾱ_t, √(1−ᾱ_t), c0, ct, σ],
// x_{t−1} = c0·x̂_0 + ct·x_t + σ·z with x̂_0 = (x_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t
// (clipped to [−1, 1] in pixel space).
func (m *Model) stepExec(batch int) (*context.Exec, error) {
	if e := m.execs[batch]; e != nil {
		return e, nil
	}
	p := m.Preset
	e, err := context.NewExec(m.Backend, m.Ctx.Reuse(), func(ctx *context.Context, in []*graph.Node) *graph.Node {
		xt, t, z, c := in[0], in[1], in[2], in[3]
		coef := func(i int) *graph.Node {
			return graph.BroadcastToShape(graph.Reshape(graph.Slice(c, graph.AxisElem(i))), xt.Shape())
		}
		eps := Eps(ctx, p, xt, t)
		x0 := graph.Div(graph.Sub(xt, graph.Mul(coef(1), eps)), coef(0))
		if p.Recipe == "pixel" {
			x0 = graph.ClipScalar(x0, -1, 1)
		}
		mean := graph.Add(graph.Mul(coef(2), x0), graph.Mul(coef(3), xt))
		return graph.Add(mean, graph.Mul(coef(4), z))
	})
	if err != nil {
		return nil, err
	}
	m.execs[batch] = e
	return e, nil
}

// SampleOptions configure Sample.
type SampleOptions struct {
	N     int    // samples
	Seed  uint64 // sample i draws x_T and every step's z from (Seed, i)
	Batch int    // samples per batch through the denoiser
	// Record lists the times t whose states x_t of the first RecordN
	// samples are kept (T is x_T, 0 the sample).
	Record  []int
	RecordN int
	// Progress, if set, is called after each reverse step of each batch.
	Progress func(done, total int)
}

// Samples are the sampler's results.
type Samples struct {
	States  []float32         // N × StateSize: x_0 of every sample
	Traj    map[int][]float32 // t → RecordN × StateSize
	Seconds float64           // wall seconds of the sampling (not the decoding)
}

// Sample runs ancestral sampling (all T steps) for o.N samples.
func (m *Model) Sample(o SampleOptions) (s *Samples, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("sampling: %v", r)
		}
	}()
	p, sch := m.Preset, m.Sched
	d := p.StateSize()
	record := map[int]bool{}
	for _, t := range o.Record {
		record[t] = true
	}
	s = &Samples{States: make([]float32, o.N*d), Traj: map[int][]float32{}}
	for t := range record {
		s.Traj[t] = make([]float32, min(o.RecordN, o.N)*d)
	}
	began := time.Now()
	batch := max(1, min(o.Batch, o.N))
	totalSteps := ((o.N + batch - 1) / batch) * sch.T
	done := 0
	for start := 0; start < o.N; start += batch {
		n := min(batch, o.N-start)
		exec, err := m.stepExec(n)
		if err != nil {
			return nil, err
		}
		rngs := make([]*rand.Rand, n)
		x := make([]float32, n*d)
		for i := range n {
			rngs[i] = rand.New(rand.NewPCG(o.Seed, uint64(start+i)))
			for j := range d {
				x[i*d+j] = float32(rngs[i].NormFloat64())
			}
		}
		keep := func(t int, x []float32) {
			if tr, ok := s.Traj[t]; ok && start < o.RecordN {
				k := min(o.RecordN-start, n)
				copy(tr[start*d:(start+k)*d], x[:k*d])
			}
		}
		keep(sch.T, x)
		dims := append([]int{n}, p.StateDims()...)
		xt := tensors.FromFlatDataAndDimensions(x, dims...)
		z := make([]float32, n*d)
		ts := make([]float32, n)
		for t := sch.T; t >= 1; t-- {
			a, b := sch.Noise(t)
			c0, ct, sigma := sch.Posterior(t)
			for i := range n {
				ts[i] = float32(t)
				if sigma > 0 {
					for j := range d {
						z[i*d+j] = float32(rngs[i].NormFloat64())
					}
				}
			}
			if sigma == 0 {
				clear(z)
			}
			coef := []float32{float32(a), float32(b), float32(c0), float32(ct), float32(sigma)}
			tt, zt, ct5 := tensors.FromFlatDataAndDimensions(ts, n), tensors.FromFlatDataAndDimensions(z, dims...),
				tensors.FromFlatDataAndDimensions(coef, 5)
			out, err := exec.Exec(xt, tt, zt, ct5)
			xt.MustFinalizeAll()
			tt.MustFinalizeAll()
			zt.MustFinalizeAll()
			ct5.MustFinalizeAll()
			if err != nil {
				return nil, fmt.Errorf("sampling step t=%d: %w", t, err)
			}
			xt = out[0]
			if record[t-1] && start < o.RecordN {
				keep(t-1, tensors.MustCopyFlatData[float32](xt))
			}
			done++
			if o.Progress != nil {
				o.Progress(done, totalSteps)
			}
		}
		copy(s.States[start*d:(start+n)*d], tensors.MustCopyFlatData[float32](xt))
		xt.MustFinalizeAll()
	}
	s.Seconds = time.Since(began).Seconds()
	return s, nil
}

// Decode turns n states (n × StateSize) into n grey images (n × 784, in
// [0, 1]): the VAE decoder's Bernoulli means of the unstandardised latents,
// or the pixels mapped from [−1, 1]. Runs on all CPUs; the result does not
// depend on their number.
func (m *Model) Decode(states []float32) []float32 {
	d := m.Preset.StateSize()
	n := len(states) / d
	out := make([]float32, n*mnist.Pixels)
	if m.Preset.Recipe == "pixel" {
		for i, v := range states {
			out[i] = float32(math.Max(0, math.Min(1, (float64(v)+1)/2)))
		}
		return out
	}
	parallel(n, func(r *wvae.Runner, i int, z []float32) {
		for j := range d {
			z[j] = float32(float64(states[i*d+j])*m.Std[j] + m.Mean[j])
		}
		r.Decode(z, out[i*mnist.Pixels:(i+1)*mnist.Pixels])
	}, m.VAE, d)
	return out
}

// Encode maps n images (n × 784) to states: the VAE's standardised
// posterior means, or the pixels mapped to [−1, 1].
func (m *Model) Encode(images []float32) []float32 {
	d := m.Preset.StateSize()
	n := len(images) / mnist.Pixels
	out := make([]float32, n*d)
	if m.Preset.Recipe == "pixel" {
		for i, v := range images {
			out[i] = 2*v - 1
		}
		return out
	}
	parallel(n, func(r *wvae.Runner, i int, mu []float32) {
		lv := make([]float32, d)
		r.Encode(images[i*mnist.Pixels:(i+1)*mnist.Pixels], mu, lv)
		for j := range d {
			out[i*d+j] = float32((float64(mu[j]) - m.Mean[j]) / m.Std[j])
		}
	}, m.VAE, d)
	return out
}

// Forward returns x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·eps for states x0 and noise eps.
func (m *Model) Forward(x0, eps []float32, t int) []float32 {
	a, b := m.Sched.Noise(t)
	out := make([]float32, len(x0))
	for i := range x0 {
		out[i] = float32(a*float64(x0[i]) + b*float64(eps[i]))
	}
	return out
}

// parallel calls fn for items 0…n−1 on all CPUs, each worker with its own
// Runner of vm (nil for none) and scratch slice of d values.
func parallel(n int, fn func(r *wvae.Runner, i int, scratch []float32), vm *wvae.Model, d int) {
	workers := min(runtime.NumCPU(), max(n, 1))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var r *wvae.Runner
			if vm != nil {
				r = vm.NewRunner()
			}
			scratch := make([]float32, d)
			for i := w; i < n; i += workers {
				fn(r, i, scratch)
			}
		}()
	}
	wg.Wait()
}
