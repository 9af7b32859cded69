package vae

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/checkpoints"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/metrics"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/kogi-course/kogi/gpuruntime/ckpt"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
	"github.com/kogi-course/kogi/gpuruntime/progress"
)

// The run's own state, kept as context params so that it is saved in the
// same checkpoint file as the weights and the optimizer state: a checkpoint
// always pairs weights with the history that led to them.
const (
	paramHistory   = "kogi_history"       // JSON list of Epoch
	paramSeconds   = "kogi_train_seconds" // wall seconds of training so far
	paramPartRecon = "kogi_epoch_recon"   // sums over the steps of the unfinished epoch
	paramPartKL    = "kogi_epoch_kl"
	paramPartN     = "kogi_epoch_examples"
)

// checkedParams must be the same in a checkpoint and in the flags of the run
// that resumes it: changing any of them midway would silently train another
// model (or fail later on a shape).
var checkedParams = []string{ParamLatent, ParamHidden, ParamActivation, ParamBatchSize, ParamSeed,
	optimizers.ParamLearningRate, ParamLearningRateMin}

// Options configure one training run.
type Options struct {
	// Name names the model ("vae2"): its checkpoint folder and its files.
	Name string
	// Ctx holds the hyperparameters (DefaultContext plus the flags).
	Ctx     *context.Context
	Backend backends.Backend
	// CheckpointDir is the folder of this model's checkpoints; a run with
	// checkpoints there resumes from the latest.
	CheckpointDir string
	// CheckpointEvery saves within an epoch too, at most this far apart
	// (every epoch end is saved anyway). 0 saves at epoch ends only.
	CheckpointEvery time.Duration
	// Stdout gets one report line per epoch; Stderr the progress bar,
	// redrawn in place when TTY is set.
	Stdout, Stderr io.Writer
	TTY            bool

	// stopAtStep (tests only) saves a checkpoint after this global step and
	// returns errStopped: a run killed right after a periodic checkpoint.
	stopAtStep int
}

// errStopped is returned by a run stopped by Options.stopAtStep.
var errStopped = errors.New("stopped (test)")

// Epoch is one epoch's result: the mean per-digit reconstruction and KL
// terms of the negative ELBO, on the training batches (as they were trained)
// and on the test set (after the epoch, noise from TestNoise).
type Epoch struct {
	Epoch      int     `json:"epoch"`
	TrainRecon float64 `json:"train_recon"`
	TrainKL    float64 `json:"train_kl"`
	TestRecon  float64 `json:"test_recon"`
	TestKL     float64 `json:"test_kl"`
	Seconds    float64 `json:"seconds"` // training wall seconds at the end of the epoch
}

// TrainNegELBO and TestNegELBO are the two negative ELBOs, in nats.
func (e Epoch) TrainNegELBO() float64 { return e.TrainRecon + e.TrainKL }
func (e Epoch) TestNegELBO() float64  { return e.TestRecon + e.TestKL }

// Run is a trained (or resumed and finished) model.
type Run struct {
	Ctx     *context.Context
	Arch    Arch
	Backend backends.Backend
	History []Epoch
	Seconds float64 // training wall seconds, over every resumed part
	Batch   int
	eval    *context.Exec
}

// Train trains the model in opts.Ctx on trainSet for the Ctx's epochs,
// evaluating on testSet after each epoch. It resumes from the latest
// checkpoint in opts.CheckpointDir, and returns at once (with the history)
// when the checkpoint is already at the last epoch.
func Train(opts Options, trainSet, testSet *mnist.Set) (run *Run, err error) {
	defer func() {
		// GoMLX reports graph-building mistakes by panicking.
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: %v", opts.Name, r)
		}
	}()
	ctx := opts.Ctx
	arch, err := ArchFromContext(ctx)
	if err != nil {
		return nil, err
	}
	batch := context.GetParamOr(ctx, ParamBatchSize, 128)
	epochs := context.GetParamOr(ctx, ParamEpochs, 1)
	if batch < 1 || batch > trainSet.N() {
		return nil, fmt.Errorf("%s: batch size %d for %d training digits", ParamBatchSize, batch, trainSet.N())
	}
	if epochs < 1 {
		return nil, fmt.Errorf("%s: %d epochs", ParamEpochs, epochs)
	}
	stepsPerEpoch := trainSet.N() / batch

	ckpt, err := openCheckpoints(ctx, opts.CheckpointDir)
	if err != nil {
		return nil, err
	}
	ctx.SetParam(ParamStepsPerEpoch, stepsPerEpoch)
	ctx.SetParam(ParamEpochs, epochs)
	run = &Run{Ctx: ctx, Arch: arch, Backend: opts.Backend, Batch: batch}
	if err := json.Unmarshal([]byte(context.GetParamOr(ctx, paramHistory, "[]")), &run.History); err != nil {
		return nil, fmt.Errorf("%s: checkpoint history: %v", opts.CheckpointDir, err)
	}
	run.Seconds = context.GetParamOr(ctx, paramSeconds, 0.0)
	partRecon := context.GetParamOr(ctx, paramPartRecon, 0.0)
	partKL := context.GetParamOr(ctx, paramPartKL, 0.0)
	partN := context.GetParamOr(ctx, paramPartN, 0)

	globalStep := int(optimizers.GetGlobalStep(ctx))
	if len(run.History) > globalStep/stepsPerEpoch {
		// Never written so (history is saved with the weights); a guard for
		// a checkpoint whose steps per epoch differ (another --train-subset).
		run.History = run.History[:globalStep/stepsPerEpoch]
	}
	if globalStep >= epochs*stepsPerEpoch {
		return run, nil
	}
	if globalStep > 0 {
		fmt.Fprintf(opts.Stderr, "%s: resuming from step %d (epoch %d of %d) in %s\n",
			opts.Name, globalStep, globalStep/stepsPerEpoch+1, epochs, opts.CheckpointDir)
	}

	trainer := train.NewTrainer(opts.Backend, ctx, ModelFn, LossFn, optimizers.FromContext(ctx),
		[]metrics.Interface{
			metrics.NewBaseMetric("Reconstruction", "recon", metrics.LossMetricType, termMetric(0), nil),
			metrics.NewBaseMetric("KL", "kl", metrics.LossMetricType, termMetric(1), nil),
		}, nil)
	if globalStep > 0 {
		trainer.SetContext(ctx.Reuse())
	}
	loop := train.NewLoop(trainer)
	bar := progress.New(opts.Stderr, opts.TTY, opts.Name, epochs*stepsPerEpoch, stepsPerEpoch, globalStep)
	started := time.Now()
	baseSeconds := run.Seconds
	lastSave := started
	save := func() error {
		lastSave = time.Now()
		run.Seconds = baseSeconds + time.Since(started).Seconds()
		hist, _ := json.Marshal(run.History)
		ctx.SetParam(paramHistory, string(hist))
		ctx.SetParam(paramSeconds, run.Seconds)
		ctx.SetParam(paramPartRecon, partRecon)
		ctx.SetParam(paramPartKL, partKL)
		ctx.SetParam(paramPartN, partN)
		if err := ckpt.Save(); err != nil {
			return fmt.Errorf("saving checkpoint in %s: %w", opts.CheckpointDir, err)
		}
		return nil
	}
	loop.OnStep("kogi-progress", 0, func(loop *train.Loop, ms []*tensors.Tensor) error {
		recon := float64(tensors.ToScalar[float32](ms[len(ms)-2]))
		kl := float64(tensors.ToScalar[float32](ms[len(ms)-1]))
		partRecon += recon * float64(batch)
		partKL += kl * float64(batch)
		partN += batch
		bar.Step(loop.LoopStep+1, fmt.Sprintf("train −ELBO %.1f", partRecon/float64(partN)+partKL/float64(partN)))
		if opts.stopAtStep > 0 && loop.LoopStep+1 == opts.stopAtStep {
			if err := save(); err != nil {
				return err
			}
			return errStopped
		}
		// Timed saves count from the last save of any kind (not with
		// train.PeriodicCallback, whose clock ignores the epoch-end saves
		// and so would save again a step after one).
		if opts.CheckpointEvery > 0 && time.Since(lastSave) >= opts.CheckpointEvery && (loop.LoopStep+1)%stepsPerEpoch != 0 {
			return save()
		}
		return nil
	})

	ds := newTrainData(trainSet, batch, arch.Latent, uint64(context.GetParamOr(ctx, ParamSeed, int64(1))), globalStep)
	for epoch := globalStep / stepsPerEpoch; epoch < epochs; epoch++ {
		if _, err := loop.RunSteps(ds, (epoch+1)*stepsPerEpoch-loop.LoopStep); err != nil {
			return nil, fmt.Errorf("%s: epoch %d: %w", opts.Name, epoch+1, err)
		}
		testRecon, testKL, err := run.Evaluate(testSet)
		if err != nil {
			return nil, err
		}
		e := Epoch{Epoch: epoch + 1, TestRecon: testRecon, TestKL: testKL,
			Seconds: baseSeconds + time.Since(started).Seconds()}
		if partN > 0 {
			e.TrainRecon, e.TrainKL = partRecon/float64(partN), partKL/float64(partN)
		}
		run.History = append(run.History, e)
		partRecon, partKL, partN = 0, 0, 0
		bar.Unit((epoch+1)*stepsPerEpoch, fmt.Sprintf("test −ELBO %.2f", e.TestNegELBO()))
		fmt.Fprintf(opts.Stdout, "%s epoch %3d/%d  train −ELBO %7.2f (recon %7.2f, KL %5.2f)  test −ELBO %7.2f (recon %7.2f, KL %5.2f)  %s\n",
			opts.Name, e.Epoch, epochs, e.TrainNegELBO(), e.TrainRecon, e.TrainKL,
			e.TestNegELBO(), e.TestRecon, e.TestKL, progress.Duration(time.Duration(e.Seconds*float64(time.Second))))
		if err := save(); err != nil {
			return nil, err
		}
	}
	return run, nil
}

// EpochsDone is the number of epochs in the history of a context loaded
// from a checkpoint of Train.
func EpochsDone(ctx *context.Context) int {
	var h []Epoch
	if json.Unmarshal([]byte(context.GetParamOr(ctx, paramHistory, "[]")), &h) != nil {
		return 0
	}
	return len(h)
}

// termMetric reports the batch mean of one loss term (0: reconstruction, 1: KL).
func termMetric(i int) metrics.BaseMetricGraph {
	return func(_ *context.Context, _, predictions []*graph.Node) *graph.Node {
		return graph.ReduceAllMean(predictions[i])
	}
}

// openCheckpoints attaches the checkpoint folder to ctx, loading the latest
// checkpoint's weights, optimizer state and params into it, and checks that
// the checkpoint was trained with the same hyperparameters as asked now.
func openCheckpoints(ctx *context.Context, dir string) (*checkpoints.Handler, error) {
	return ckpt.Open(ctx, dir, checkedParams, []string{ParamEpochs, ParamStepsPerEpoch})
}

// evalBatch is the test evaluation's batch: 10,000 test digits in 20 batches.
const evalBatch = 500

// Evaluate returns the mean per-digit reconstruction and KL terms over set,
// with the noise of TestNoise, computed by the GoMLX graph.
func (r *Run) Evaluate(set *mnist.Set) (recon, kl float64, err error) {
	if r.eval == nil {
		arch := r.Arch
		r.eval, err = context.NewExec(r.Backend, r.Ctx.Reuse(), func(ctx *context.Context, x, eps *graph.Node) (*graph.Node, *graph.Node) {
			return LossTerms(ctx, arch, x, eps)
		})
		if err != nil {
			return 0, 0, err
		}
	}
	eps := TestNoise(set.N(), r.Arch.Latent)
	var sumR, sumK float64
	for start := 0; start < set.N(); start += evalBatch {
		n := min(evalBatch, set.N()-start)
		x := tensors.FromFlatDataAndDimensions(set.Images[start*mnist.Pixels:(start+n)*mnist.Pixels], n, mnist.Pixels)
		e := tensors.FromFlatDataAndDimensions(eps[start*r.Arch.Latent:(start+n)*r.Arch.Latent], n, r.Arch.Latent)
		out, err := r.eval.Exec(x, e)
		x.MustFinalizeAll()
		e.MustFinalizeAll()
		if err != nil {
			return 0, 0, fmt.Errorf("evaluating: %w", err)
		}
		for i, sum := range []*float64{&sumR, &sumK} {
			for _, v := range tensors.MustCopyFlatData[float32](out[i]) {
				*sum += float64(v)
			}
			out[i].MustFinalizeAll()
		}
	}
	return sumR / float64(set.N()), sumK / float64(set.N()), nil
}
