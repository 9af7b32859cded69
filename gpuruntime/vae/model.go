// Package vae trains the course's MNIST variational autoencoder with GoMLX
// and exports it for the browser demo (package wasmdemo/vae reads the files).
//
// The model is an MLP: the encoder trunk maps a 784-pixel digit through the
// hidden widths, two dense heads give the posterior mean μ and log-variance
// log σ², and the decoder mirrors the trunk back to 784 Bernoulli logits.
// Every layer is dense.Layer (a matrix product with a cheap gradient).
package vae

import (
	"fmt"
	"math"
	"strconv"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/kogi-course/kogi/gpuruntime/dense"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
	wvae "github.com/kogi-course/kogi/wasmdemo/vae"
)

// Hyperparameter keys in the context. They are saved with every checkpoint,
// and a resumed run checks them against its flags (see checkParams).
const (
	// ParamLatent is the latent size (int).
	ParamLatent = "vae_latent"
	// ParamHidden lists the encoder trunk's widths, comma-separated ("256,128");
	// the decoder mirrors them. A string, because checkpoints keep params as JSON.
	ParamHidden = "vae_hidden"
	// ParamActivation is the hidden layers' activation: relu, elu, tanh, silu
	// or leakyrelu (slope 0.01), the ones the browser's forward pass has.
	ParamActivation = "vae_activation"
	// ParamBatchSize is the training batch size (int).
	ParamBatchSize = "batch_size"
	// ParamEpochs is the run's length in epochs (int). Not read back from a
	// checkpoint, so a finished run can be extended.
	ParamEpochs = "epochs"
	// ParamStepsPerEpoch is set by Train (batches in the training set).
	ParamStepsPerEpoch = "steps_per_epoch"
	// ParamLearningRateMin is where the cosine learning-rate decay ends, at
	// the last step (float64). The start is optimizers.ParamLearningRate.
	ParamLearningRateMin = "vae_learning_rate_min"
	// ParamSeed seeds the initial weights, the shuffling and the noise (int64).
	ParamSeed = "vae_seed"
)

// DefaultContext holds every hyperparameter's default, for the 2-D model.
func DefaultContext() *context.Context {
	ctx := context.New()
	ctx.SetParams(map[string]any{
		ParamLatent:                  2,
		ParamHidden:                  "256,128",
		ParamActivation:              "elu",
		ParamBatchSize:               128,
		ParamEpochs:                  30,
		ParamSeed:                    int64(1),
		optimizers.ParamOptimizer:    "adam",
		optimizers.ParamLearningRate: 1e-3,
		ParamLearningRateMin:         1e-4,
		optimizers.ParamAdamEpsilon:  1e-7,
		context.ParamInitialSeed:     int64(1),
	})
	return ctx
}

// Arch is the model's shape as the hyperparameters give it.
type Arch struct {
	Latent     int
	Hidden     []int
	Activation string
}

// ArchFromContext reads the architecture parameters.
func ArchFromContext(ctx *context.Context) (Arch, error) {
	a := Arch{
		Latent:     context.GetParamOr(ctx, ParamLatent, 2),
		Activation: context.GetParamOr(ctx, ParamActivation, "relu"),
	}
	hidden, err := ParseHidden(context.GetParamOr(ctx, ParamHidden, ""))
	if err != nil {
		return a, err
	}
	a.Hidden = hidden
	if a.Latent < 1 || a.Latent > 256 {
		return a, fmt.Errorf("%s: latent size %d out of range 1..256", ParamLatent, a.Latent)
	}
	if _, ok := activations[a.Activation]; !ok {
		return a, fmt.Errorf("%s: unknown activation %q (relu, elu, tanh, silu, leakyrelu)", ParamActivation, a.Activation)
	}
	return a, nil
}

// String is the architecture as the manifest writes it: 784-256-128-2.
func (a Arch) String() string {
	s := strconv.Itoa(mnist.Pixels)
	for _, h := range a.Hidden {
		s += "-" + strconv.Itoa(h)
	}
	return s + "-" + strconv.Itoa(a.Latent)
}

// ParseHidden parses ParamHidden's "256,128".
func ParseHidden(s string) ([]int, error) { return dense.ParseWidths(ParamHidden, s) }

// activations maps ParamActivation to the graph function and the browser's Act.
var activations = map[string]struct {
	fn  func(*graph.Node) *graph.Node
	act wvae.Act
}{
	"relu": {func(x *graph.Node) *graph.Node { return graph.Max(x, graph.ZerosLike(x)) }, wvae.ActReLU},
	// exp(x)−1, as GoMLX v0.26 has no gradient for Expm1; it sees only
	// x ≤ 0: Where's gradient multiplies the unused branch's gradient by zero,
	// and 0·exp(large x) would be 0·Inf = NaN.
	"elu": {func(x *graph.Node) *graph.Node {
		neg := graph.Min(x, graph.ZerosLike(x))
		return graph.Where(graph.GreaterThan(x, graph.ZerosLike(x)), x, graph.AddScalar(graph.Exp(neg), -1))
	}, wvae.ActELU},
	"tanh": {graph.Tanh, wvae.ActTanh},
	"silu": {func(x *graph.Node) *graph.Node { return graph.Mul(x, graph.Sigmoid(x)) }, wvae.ActSiLU},
	"leakyrelu": {func(x *graph.Node) *graph.Node {
		return graph.Where(graph.GreaterThan(x, graph.ZerosLike(x)), x, graph.MulScalar(x, 0.01))
	}, wvae.ActLeakyReLU},
}

// Encode maps images x [batch, 784] to the posterior's μ and log σ², each
// [batch, latent]. Variables live under /vae/encoder.
func Encode(ctx *context.Context, a Arch, x *graph.Node) (mu, logvar *graph.Node) {
	ctx = ctx.In("vae").In("encoder")
	act := activations[a.Activation].fn
	h := x
	for i, width := range a.Hidden {
		h = act(dense.Layer(ctx.Inf("%d", i), h, width))
	}
	mu = dense.Layer(ctx.In("mu"), h, a.Latent)
	logvar = dense.Layer(ctx.In("logvar"), h, a.Latent)
	return mu, logvar
}

// DecodeLogits maps latent points z [batch, latent] to Bernoulli logits
// [batch, 784]. Variables live under /vae/decoder.
func DecodeLogits(ctx *context.Context, a Arch, z *graph.Node) *graph.Node {
	ctx = ctx.In("vae").In("decoder")
	act := activations[a.Activation].fn
	h := z
	for i := range a.Hidden {
		h = act(dense.Layer(ctx.Inf("%d", i), h, a.Hidden[len(a.Hidden)-1-i]))
	}
	return dense.Layer(ctx.Inf("%d", len(a.Hidden)), h, mnist.Pixels)
}

// LossTerms returns the two parts of the negative ELBO per example, each
// [batch]: the reconstruction term −log p(x|z) for one reparameterised
// sample z = μ + σ·eps, and KL(q(z|x) ‖ N(0, I)) in closed form.
//
// The likelihood is Bernoulli on the grey levels in [0,1]: the binary cross
// entropy against the grey value, which from logits l is softplus(l) − x·l
// (equal to −x·log σ(l) − (1−x)·log(1−σ(l)), without the log of 0).
func LossTerms(ctx *context.Context, a Arch, x, eps *graph.Node) (recon, kl *graph.Node) {
	mu, logvar := Encode(ctx, a, x)
	z := graph.Add(mu, graph.Mul(graph.Exp(graph.MulScalar(logvar, 0.5)), eps))
	logits := DecodeLogits(ctx, a, z)
	recon = graph.ReduceSum(graph.Sub(graph.Softplus(logits), graph.Mul(x, logits)), 1)
	// KL = −½ Σ (1 + log σ² − μ² − σ²)
	kl = graph.MulScalar(graph.ReduceSum(
		graph.Sub(graph.Sub(graph.OnePlus(logvar), graph.Square(mu)), graph.Exp(logvar)), 1), -0.5)
	return recon, kl
}

// ModelFn is the train.ModelFn: inputs are the images [batch, 784] and the
// noise eps [batch, latent] (drawn by the dataset, so a resumed run and the
// test evaluation see the same noise); predictions are the two loss terms.
// In training it also sets the learning rate of this step.
func ModelFn(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
	a, err := ArchFromContext(ctx)
	if err != nil {
		panic(err)
	}
	if ctx.IsTraining(inputs[0].Graph()) {
		setLearningRate(ctx, inputs[0].Graph())
	}
	recon, kl := LossTerms(ctx, a, inputs[0], inputs[1])
	return []*graph.Node{recon, kl}
}

// setLearningRate decays the learning rate along half a cosine, from
// optimizers.ParamLearningRate at step 0 to ParamLearningRateMin at the last
// step of the run (epochs × steps per epoch), and leaves it there.
// cosineschedule is not used: with NumCycles it reads the loop's last step,
// which is the end of the current Loop.RunSteps call (one epoch here), not of
// the run.
func setLearningRate(ctx *context.Context, g *graph.Graph) {
	lr0 := context.GetParamOr(ctx, optimizers.ParamLearningRate, 1e-3)
	lrMin := context.GetParamOr(ctx, ParamLearningRateMin, lr0)
	total := context.GetParamOr(ctx, ParamEpochs, 1) * context.GetParamOr(ctx, ParamStepsPerEpoch, 1)
	step := graph.ConvertDType(optimizers.GetGlobalStepVar(ctx).ValueGraph(g), dtypeF32)
	frac := graph.MinScalar(graph.DivScalar(step, float64(max(total, 1))), 1)
	cos := graph.Cos(graph.MulScalar(frac, math.Pi))
	lr := graph.AddScalar(graph.MulScalar(graph.OnePlus(cos), (lr0-lrMin)/2), lrMin)
	optimizers.LearningRateVarWithValue(ctx, dtypeF32, lr0).SetValueGraph(lr)
}

// LossFn is the train.LossFn: the mean negative ELBO of the batch.
func LossFn(_ []*graph.Node, predictions []*graph.Node) *graph.Node {
	return graph.ReduceAllMean(graph.Add(predictions[0], predictions[1]))
}

const dtypeF32 = dtypes.Float32

// BrowserAct is the browser's Act for an activation name.
func BrowserAct(name string) wvae.Act { return activations[name].act }
