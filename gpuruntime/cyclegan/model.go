// Package cyclegan translates between handwritten digits (domain A, MNIST)
// and typeset ones (domain B, drawn from the Go fonts by Render) with a
// CycleGAN trained on unpaired examples: generators G: A→B and F: B→A, a
// discriminator per domain, least-squares adversarial losses, cycle and
// identity losses, Adam, and a pool of past fakes for the discriminators.
package cyclegan

import (
	"encoding/json"
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/kogi-course/kogi/gpuruntime/ddpm"
	"github.com/kogi-course/kogi/gpuruntime/dense"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
)

// Preset is one recipe.
type Preset struct {
	Name string `json:"-"`
	// Gen is "mlp" (784-H-H-784, ReLU) or "resconv" (a small residual
	// convolutional net); both add a per-pixel gain times the input to the
	// output's logits (without that skip the MLP maps every digit to one blob).
	Gen string `json:"gen"`
	// Disc is "mlp" (784-H-1, leaky ReLU) or "patch" (PatchGAN: 7×7 verdicts).
	Disc      string  `json:"disc"`
	Hidden    int     `json:"hidden"`   // MLP widths
	Channels  int     `json:"channels"` // convolution widths
	ResBlocks int     `json:"res_blocks"`
	Batch     int     `json:"batch"`
	LR        float64 `json:"lr"`
	Beta1     float64 `json:"beta1"`
	Lambda    float64 `json:"lambda"`   // cycle loss weight
	Identity  float64 `json:"identity"` // identity loss weight, as a share of Lambda
	Pool      int     `json:"pool"`     // past fakes kept for the discriminators
	// CycleNoise is the standard deviation of Gaussian noise added to a
	// generator's output inside the cycle, so the cycle cannot hide the
	// input in faint pixels of the translation.
	CycleNoise float64 `json:"cycle_noise"`
	TypesetN   int     `json:"typeset_n"` // domain B training digits rendered
	Steps      int     `json:"-"`
	FrameEvery int     `json:"-"` // steps between the training animation's frames
}

// Presets by name.
var Presets = map[string]Preset{
	"cpu": {Name: "cpu", Gen: "mlp", Disc: "mlp", Hidden: 256, Batch: 64, LR: 2e-4, Beta1: 0.5, Lambda: 10, Identity: 0.5,
		Pool: 50, CycleNoise: 0.1, TypesetN: 20000, Steps: 3600, FrameEvery: 200},
	"gpu": {Name: "gpu", Gen: "resconv", Disc: "patch", Hidden: 0, Channels: 32, ResBlocks: 4, Batch: 32, LR: 2e-4, Beta1: 0.5,
		Lambda: 10, Identity: 0.5, Pool: 50, CycleNoise: 0.05, TypesetN: 60000, Steps: 20000, FrameEvery: 1000},
}

// PresetNames lists the presets for messages.
const PresetNames = "cpu or gpu"

// Validate checks a preset's numbers.
func (p Preset) Validate() error {
	switch {
	case p.Gen != "mlp" && p.Gen != "resconv":
		return fmt.Errorf("generator %q: want mlp or resconv", p.Gen)
	case p.Disc != "mlp" && p.Disc != "patch":
		return fmt.Errorf("discriminator %q: want mlp or patch", p.Disc)
	case p.Batch < 1 || p.Steps < 1 || p.FrameEvery < 1:
		return fmt.Errorf("batch %d, steps %d, frame every %d: want ≥ 1", p.Batch, p.Steps, p.FrameEvery)
	case p.Pool < 1 || p.TypesetN < p.Batch:
		return fmt.Errorf("pool %d, %d typeset digits for batch %d", p.Pool, p.TypesetN, p.Batch)
	}
	return nil
}

// ModelText names the networks for the manifest.
func (p Preset) ModelText() string {
	g := fmt.Sprintf("MLP generators 784-%d-%d-784 (ReLU, sigmoid, input skip)", p.Hidden, p.Hidden)
	if p.Gen == "resconv" {
		g = fmt.Sprintf("residual conv generators (%d/%d channels, 28→14→28, %d residual blocks, GroupNorm, input skip)", p.Channels, 2*p.Channels, p.ResBlocks)
	}
	d := fmt.Sprintf("MLP discriminators 784-%d-1 (leaky ReLU; the cpu preset's stand-in for PatchGAN)", p.Hidden)
	if p.Disc == "patch" {
		d = fmt.Sprintf("PatchGAN discriminators (%d/%d channels, 7×7 verdicts)", p.Channels, 2*p.Channels)
	}
	return "CycleGAN: " + g + "; " + d
}

// RecipeText is the manifest's one-line recipe.
func (p Preset) RecipeText() string {
	return fmt.Sprintf("least-squares GAN + %g·cycle L1 + %g·identity L1, Adam %g (β1 %g), batch %d, pool of %d fakes, noise σ %g on G's output inside the cycle",
		p.Lambda, p.Lambda*p.Identity, p.LR, p.Beta1, p.Batch, p.Pool, p.CycleNoise)
}

// Context keys.
const (
	paramRecipe = "cyclegan_recipe" // the preset as JSON (without Steps)
	paramSeed   = "cyclegan_seed"
)

var checkedParams = []string{paramRecipe, paramSeed, optimizers.ParamLearningRate, optimizers.ParamAdamBeta1}

// Context holds the preset's hyperparameters; weights are created in it.
func (p Preset) Context(seed int64) *context.Context {
	raw, _ := json.Marshal(p)
	ctx := context.New()
	ctx.SetParams(map[string]any{
		paramRecipe:                  string(raw),
		paramSeed:                    seed,
		optimizers.ParamOptimizer:    "adam",
		optimizers.ParamLearningRate: p.LR,
		optimizers.ParamAdamBeta1:    p.Beta1,
		optimizers.ParamAdamEpsilon:  1e-7,
		context.ParamInitialSeed:     seed,
	})
	return ctx
}

func relu(x *graph.Node) *graph.Node  { return graph.Max(x, graph.ZerosLike(x)) }
func leaky(x *graph.Node) *graph.Node { return activations.LeakyReluWithAlpha(x, 0.2) }

// Generator maps x [batch, 784] (grey levels in [0, 1]) to the other
// domain, in ctx's scope ("G" or "F").
func Generator(ctx *context.Context, p Preset, x *graph.Node) *graph.Node {
	var logits *graph.Node
	switch p.Gen {
	case "mlp":
		h := relu(dense.Layer(ctx.In("0"), x, p.Hidden))
		h = relu(dense.Layer(ctx.In("1"), h, p.Hidden))
		logits = dense.Layer(ctx.In("2"), h, mnist.Pixels)
	default:
		logits = graph.Reshape(resconv(ctx, p, graph.Reshape(x, -1, 28, 28, 1)), -1, mnist.Pixels)
	}
	// VariableWithShape, not VariableWithValue: only the former takes a
	// value loaded from a checkpoint (also for the pools and loss sums).
	gain := ctx.In("skip").WithInitializer(initializers.One).VariableWithShape("gain", shapes.Make(x.DType(), mnist.Pixels)).ValueGraph(x.Graph())
	skip := graph.Mul(graph.ExpandAxes(gain, 0), graph.AddScalar(graph.MulScalar(x, 6), -3))
	return graph.Sigmoid(graph.Add(logits, skip))
}

// resconv: 7×7 conv, a strided 3×3 conv to 14×14, residual blocks, nearest
// upsampling and a 3×3 conv back to 28×28, a 7×7 conv to one channel.
func resconv(ctx *context.Context, p Preset, x *graph.Node) *graph.Node {
	c := p.Channels
	h := relu(ddpm.GroupNorm(ctx.In("in_norm"), ddpm.Conv(ctx.In("in"), x, c, 7, 1), 8))
	h = relu(ddpm.GroupNorm(ctx.In("down_norm"), ddpm.Conv(ctx.In("down"), h, 2*c, 3, 2), 8))
	for i := range p.ResBlocks {
		r := ctx.Inf("res%d", i)
		y := relu(ddpm.GroupNorm(r.In("norm0"), ddpm.Conv(r.In("conv0"), h, 2*c, 3, 1), 8))
		y = ddpm.GroupNorm(r.In("norm1"), ddpm.Conv(r.In("conv1"), y, 2*c, 3, 1), 8)
		h = graph.Add(h, y)
	}
	h = relu(ddpm.GroupNorm(ctx.In("up_norm"), ddpm.Conv(ctx.In("up"), ddpm.Upsample(h), c, 3, 1), 8))
	return ddpm.Conv(ctx.In("out"), h, 1, 7, 1)
}

// Discriminator scores x [batch, 784]: [batch, verdicts], near 1 for real
// digits of its domain and near 0 for fakes (least squares). frozen: the
// scores pass gradient to x but none to the discriminator's weights (its
// verdict inside the generators' loss).
func Discriminator(ctx *context.Context, p Preset, x *graph.Node, frozen bool) *graph.Node {
	if p.Disc == "patch" {
		d := patch(ctx, p, x)
		if frozen {
			// Same value; the weights' gradients of the two calls cancel.
			d = graph.Add(graph.Sub(d, patch(ctx.Reuse(), p, graph.StopGradient(x))), graph.StopGradient(d))
		}
		return d
	}
	layer := dense.Layer
	if frozen {
		layer = dense.Frozen
	}
	return layer(ctx.In("1"), leaky(layer(ctx.In("0"), x, p.Hidden)), 1)
}

// patch is the PatchGAN: 4×4 convolutions of stride 2 to 14×14 and 7×7,
// then a 3×3 convolution to one verdict per 7×7 cell.
func patch(ctx *context.Context, p Preset, x *graph.Node) *graph.Node {
	c := p.Channels
	h := leaky(ddpm.Conv(ctx.In("c0"), graph.Reshape(x, -1, 28, 28, 1), c, 4, 2))
	h = leaky(ddpm.GroupNorm(ctx.In("n1"), ddpm.Conv(ctx.In("c1"), h, 2*c, 4, 2), 8))
	return graph.Reshape(ddpm.Conv(ctx.In("c2"), h, 1, 3, 1), -1, 49)
}

// Loss components, in the order of the sums variable.
var LossNames = []string{"generator_adversarial", "cycle", "identity", "discriminator_a", "discriminator_b", "total"}

// modelFn: inputs a, b [batch, 784]; noise for the cycle of a and of b;
// for the pool of fake A (D_A's) and of fake B (D_B's): use [batch, 1]
// (1: this example's fake is swapped for a past one), sel [batch, pool]
// (which one, one-hot) and put [pool, batch] (the pool slots this step's
// fakes replace). Prediction: the total loss.
func modelFn(p Preset) train.ModelFn {
	return func(ctx *context.Context, _ any, in []*graph.Node) []*graph.Node {
		ctx = ctx.Checked(false)
		g := in[0].Graph()
		a, b, na, nb := in[0], in[1], in[2], in[3]
		gc, fc := ctx.In("G"), ctx.In("F")
		ga := Generator(gc, p, a) // fake B
		fb := Generator(fc, p, b) // fake A
		cycA := Generator(fc, p, graph.Add(ga, na))
		cycB := Generator(gc, p, graph.Add(fb, nb))
		idA, idB := Generator(fc, p, a), Generator(gc, p, b)
		lsq := func(d *graph.Node, target float64) *graph.Node {
			return graph.ReduceAllMean(graph.Square(graph.AddScalar(d, -target)))
		}
		l1 := func(x, y *graph.Node) *graph.Node { return graph.ReduceAllMean(graph.Abs(graph.Sub(x, y))) }
		da, db := ctx.In("DA"), ctx.In("DB")
		adv := graph.Add(lsq(Discriminator(db, p, ga, true), 1), lsq(Discriminator(da, p, fb, true), 1))
		cyc := graph.Add(l1(cycA, a), l1(cycB, b))
		idt := graph.Add(l1(idA, a), l1(idB, b))
		fakeA := pooled(ctx.In("pool_a"), p, graph.StopGradient(fb), in[4], in[5], in[6])
		fakeB := pooled(ctx.In("pool_b"), p, graph.StopGradient(ga), in[7], in[8], in[9])
		dA := graph.MulScalar(graph.Add(lsq(Discriminator(da, p, a, false), 1), lsq(Discriminator(da, p, fakeA, false), 0)), 0.5)
		dB := graph.MulScalar(graph.Add(lsq(Discriminator(db, p, b, false), 1), lsq(Discriminator(db, p, fakeB, false), 0)), 0.5)
		total := graph.Add(graph.Add(adv, graph.MulScalar(cyc, p.Lambda)), graph.MulScalar(idt, p.Lambda*p.Identity))
		total = graph.Add(total, graph.Add(dA, dB))
		if ctx.IsTraining(g) {
			sums := lossSums(ctx, g)
			parts := graph.Stack([]*graph.Node{adv, cyc, idt, dA, dB, total}, 0)
			sums.SetValueGraph(graph.Add(sums.ValueGraph(g), graph.StopGradient(parts)))
		}
		return []*graph.Node{total}
	}
}

// lossSums is the running sum of each loss component over all steps
// (non-trainable, saved with the checkpoints).
func lossSums(ctx *context.Context, g *graph.Graph) *context.Variable {
	return ctx.InAbsPath("/losses").Checked(false).WithInitializer(initializers.Zero).
		VariableWithShape("sums", shapes.Make(dtypes.Float32, len(LossNames))).SetTrainable(false)
}

// pooled returns the fakes the discriminator sees: each example's fake, or
// (use = 1) a past fake from the pool, which the new one replaces there.
func pooled(ctx *context.Context, p Preset, fake, use, sel, put *graph.Node) *graph.Node {
	g := fake.Graph()
	v := ctx.WithInitializer(initializers.Zero).VariableWithShape("fakes", shapes.Make(fake.DType(), p.Pool, mnist.Pixels)).SetTrainable(false)
	pool := v.ValueGraph(g)
	old := graph.Dot(sel, pool)
	out := graph.Add(graph.Mul(use, old), graph.Mul(graph.OneMinus(use), fake))
	if ctx.IsTraining(g) {
		kept := graph.OneMinus(graph.ReduceAndKeep(put, graph.ReduceSum, 1))
		v.SetValueGraph(graph.Add(graph.Mul(pool, kept), graph.Dot(put, fake)))
	}
	return out
}

func lossFn(_, predictions []*graph.Node) *graph.Node { return predictions[0] }
