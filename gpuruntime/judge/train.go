package judge

import (
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/kogi-course/kogi/gpuruntime/dense"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
	"github.com/kogi-course/kogi/gpuruntime/steptrain"
)

// Hyperparameter keys in the context (saved with every checkpoint; a
// resumed run must ask for the same values).
const (
	ParamHidden = "judge_hidden" // hidden widths, "256,128"
	ParamBatch  = "judge_batch"  // batch size
	ParamSeed   = "judge_seed"   // initial weights, shuffling, shifts
	ParamShift  = "judge_shift"  // training digits move by up to this many pixels each way (0: none)
	ParamLRMin  = "judge_lr_min" // learning rate at the last step (cosine from optimizers.ParamLearningRate)
	// ParamClasses is the number of classes (default Classes); the labels
	// of the training set are 0…ParamClasses-1.
	ParamClasses = "judge_classes"
)

// DefaultContext holds the shipped judge's recipe.
func DefaultContext() *context.Context {
	ctx := context.New()
	ctx.SetParams(map[string]any{
		ParamHidden:                  "256,128",
		ParamBatch:                   128,
		ParamSeed:                    int64(1),
		ParamShift:                   1,
		ParamLRMin:                   1e-5,
		optimizers.ParamOptimizer:    "adam",
		optimizers.ParamLearningRate: 1e-3,
		optimizers.ParamAdamEpsilon:  1e-7,
		context.ParamInitialSeed:     int64(1),
	})
	return ctx
}

var checked = []string{ParamHidden, ParamBatch, ParamSeed, ParamShift, ParamLRMin, ParamClasses, optimizers.ParamLearningRate}

// ParseHidden parses ParamHidden's "256,128".
func ParseHidden(s string) ([]int, error) { return dense.ParseWidths(ParamHidden, s) }

// logits is the classifier graph: dense layers (dense.Layer) with ReLU
// between them, under /judge/0, /judge/1, …
func logits(ctx *context.Context, hidden []int, x *graph.Node) *graph.Node {
	classes := context.GetParamOr(ctx, ParamClasses, Classes)
	ctx = ctx.In("judge")
	h := x
	for i, w := range hidden {
		h = dense.Layer(ctx.Inf("%d", i), h, w)
		h = graph.Max(h, graph.ZerosLike(h))
	}
	return dense.Layer(ctx.Inf("%d", len(hidden)), h, classes)
}

// modelFn: inputs are the images [batch, 784] and one-hot labels
// [batch, 10]; the prediction is each digit's cross entropy.
func modelFn(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
	hidden, err := ParseHidden(context.GetParamOr(ctx, ParamHidden, "256,128"))
	if err != nil {
		panic(err)
	}
	g := inputs[0].Graph()
	if ctx.IsTraining(g) {
		steptrain.Cosine(ctx, g, context.GetParamOr(ctx, ParamLRMin, 1e-5))
	}
	l := logits(ctx, hidden, inputs[0])
	xent := graph.Neg(graph.ReduceSum(graph.Mul(inputs[1], graph.LogSoftmax(l)), -1))
	return []*graph.Node{xent}
}

func lossFn(_, predictions []*graph.Node) *graph.Node { return graph.ReduceAllMean(predictions[0]) }

// batches is the training stream: step k takes the digits order gives it,
// each moved by a random shift drawn from (seed, k).
type batches struct {
	set     *mnist.Set
	batch   int
	shift   int
	classes int
	seed    uint64
	order   steptrain.Order
}

func (b *batches) at(step int) []*tensors.Tensor {
	x := make([]float32, b.batch*mnist.Pixels)
	onehot := make([]float32, b.batch*b.classes)
	rng := rand.New(rand.NewPCG(b.seed^0x7368696674, uint64(step)))
	for i, idx := range b.order.At(step) {
		dx, dy := 0, 0
		if b.shift > 0 {
			dx, dy = rng.IntN(2*b.shift+1)-b.shift, rng.IntN(2*b.shift+1)-b.shift
		}
		Shift(x[i*mnist.Pixels:(i+1)*mnist.Pixels], b.set.Image(idx), dx, dy)
		onehot[i*b.classes+int(b.set.Labels[idx])] = 1
	}
	return []*tensors.Tensor{
		tensors.FromFlatDataAndDimensions(x, b.batch, mnist.Pixels),
		tensors.FromFlatDataAndDimensions(onehot, b.batch, b.classes),
	}
}

// Shift writes src (28×28) moved by dx columns and dy rows into dst, with
// zeros where nothing moves in.
func Shift(dst, src []float32, dx, dy int) {
	for y := range 28 {
		for x := range 28 {
			sx, sy := x-dx, y-dy
			v := float32(0)
			if sx >= 0 && sx < 28 && sy >= 0 && sy < 28 {
				v = src[sy*28+sx]
			}
			dst[y*28+x] = v
		}
	}
}

// TrainOptions configure Train.
type TrainOptions struct {
	Ctx             *context.Context // DefaultContext plus flags
	Backend         backends.Backend
	Epochs          int
	CheckpointDir   string
	CheckpointEvery time.Duration
	Stdout, Stderr  io.Writer
	TTY             bool
	StopAtStep      int
}

// Train trains the classifier (resuming from CheckpointDir) and returns it
// in float32, with the run.
func Train(o TrainOptions, train *mnist.Set) (*Model, *steptrain.Result, error) {
	ctx := o.Ctx
	hidden, err := ParseHidden(context.GetParamOr(ctx, ParamHidden, ""))
	if err != nil {
		return nil, nil, err
	}
	batch := context.GetParamOr(ctx, ParamBatch, 128)
	if batch < 1 || batch > train.N() {
		return nil, nil, fmt.Errorf("%s: batch %d for %d digits", ParamBatch, batch, train.N())
	}
	seed := uint64(context.GetParamOr(ctx, ParamSeed, int64(1)))
	data := &batches{set: train, batch: batch, shift: context.GetParamOr(ctx, ParamShift, 0), classes: context.GetParamOr(ctx, ParamClasses, Classes),
		seed: seed, order: steptrain.Order{N: train.N(), Batch: batch, Seed: seed}}
	perEpoch := data.order.PerEpoch()
	res, err := steptrain.Run(steptrain.Options{
		Name: "judge", Ctx: ctx, Backend: o.Backend, ModelFn: modelFn, LossFn: lossFn,
		Batch: data.at, Steps: o.Epochs * perEpoch, ReportEvery: perEpoch,
		CheckpointDir: o.CheckpointDir, Checked: checked, CheckpointEvery: o.CheckpointEvery,
		Stdout: o.Stdout, Stderr: o.Stderr, TTY: o.TTY, StopAtStep: o.StopAtStep,
	})
	if err != nil {
		return nil, nil, err
	}
	m, err := fromContext(ctx, hidden)
	return m, res, err
}

// fromContext copies the trained weights out of ctx (GoMLX keeps [in, out];
// the Model wants out rows of in).
func fromContext(ctx *context.Context, hidden []int) (*Model, error) {
	m := &Model{}
	for i := range len(hidden) + 1 {
		scope := fmt.Sprintf("/judge/%d", i)
		wv := ctx.GetVariableByScopeAndName(scope, "weights")
		bv := ctx.GetVariableByScopeAndName(scope, "biases")
		if wv == nil || bv == nil {
			return nil, fmt.Errorf("no weights for layer %s", scope)
		}
		wt, err := wv.Value()
		if err != nil {
			return nil, err
		}
		bt, err := bv.Value()
		if err != nil {
			return nil, err
		}
		in, out := wt.Shape().Dimensions[0], wt.Shape().Dimensions[1]
		w := tensors.MustCopyFlatData[float32](wt)
		l := Layer{In: in, Out: out, W: make([]float32, in*out), B: tensors.MustCopyFlatData[float32](bt)}
		for r := range in {
			for c := range out {
				l.W[c*in+r] = w[r*out+c]
			}
		}
		m.Layers = append(m.Layers, l)
	}
	return m, nil
}
