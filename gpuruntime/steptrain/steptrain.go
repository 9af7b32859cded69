// Package steptrain is gpuruntime's training loop for models trained by step
// count rather than by epoch (the diffusion denoisers, the judge classifier):
// GoMLX's train.Loop with checkpoints that resume exactly, a progress bar
// with the loss and the time left, and a loss history.
//
// Exact resumption rests on one rule: the inputs of step k are a function of
// k alone (Options.Batch), never of how many steps this process has run. A
// checkpoint holds the weights, the optimizer state (Adam's moments and the
// global step) and the run's own bookkeeping (history, seconds, the loss sums
// of the unfinished report interval) in one file pair, so a run killed after
// a checkpoint and started again ends where the uninterrupted run would have.
package steptrain

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/kogi-course/kogi/gpuruntime/ckpt"
	"github.com/kogi-course/kogi/gpuruntime/progress"
)

// Bookkeeping kept as context params, so that it is saved in the same
// checkpoint as the weights it belongs to.
const (
	paramHistory = "kogi_history"       // JSON list of Point
	paramSeconds = "kogi_train_seconds" // training wall seconds so far
	paramPartSum = "kogi_part_loss_sum" // loss sum over the unfinished report interval
	paramPartN   = "kogi_part_loss_n"
	// ParamSteps is the run's length in steps (int). Not saved in
	// checkpoints, so a finished run can be extended with a larger --steps.
	ParamSteps = "kogi_steps"
)

// ErrStopped is returned by a run stopped by Options.StopAtStep.
var ErrStopped = errors.New("stopped after the requested step")

// ErrInterrupted is returned by a run ended through Options.Stop; its last
// step is saved.
var ErrInterrupted = errors.New("interrupted: checkpoint saved, run the same command again to resume")

// Options configure one run.
type Options struct {
	// Name labels the progress bar and the report lines ("ddpm").
	Name    string
	Ctx     *context.Context // hyperparameters; the weights are created in it
	Backend backends.Backend
	// ModelFn and LossFn as for train.NewTrainer. The ModelFn may read
	// ParamSteps (the run's length) for its learning-rate schedule.
	ModelFn train.ModelFn
	LossFn  train.LossFn
	// Batch returns the inputs of step (0-based): a function of step alone.
	Batch func(step int) []*tensors.Tensor
	// Steps is the run's length; ReportEvery the steps per history point
	// (a line on Stdout, and off a terminal a progress line on Stderr).
	Steps, ReportEvery int
	// CheckpointDir holds the run's checkpoints; a run with checkpoints
	// there resumes from the latest. Checked names the params that must be
	// the same in the checkpoint and in Ctx.
	CheckpointDir string
	Checked       []string
	// Params are set in Ctx after the checkpoint is loaded, and so saved
	// with the next checkpoint: what this run ran on, data statistics.
	Params map[string]any
	// CheckpointEvery saves this often (and at every report and at the end).
	CheckpointEvery time.Duration
	Stdout, Stderr  io.Writer
	TTY             bool
	// Stop, when closed (Ctrl-C), ends the run after the current step with
	// a checkpoint: Run returns ErrInterrupted.
	Stop <-chan struct{}
	// StopAtStep, when above 0, saves a checkpoint after that step and
	// returns ErrStopped: a run killed right after a checkpoint (tests).
	StopAtStep int
	// OnReport, when set, is called at every report point with the
	// weights of that step, before its checkpoint is saved (so a run killed
	// in between calls it again for that step after resuming).
	OnReport func(step int) error
}

// Point is one report interval: the mean training loss of its steps.
type Point struct {
	Step    int     `json:"step"`
	Loss    float64 `json:"loss"`
	Seconds float64 `json:"seconds"` // training wall seconds at its end
}

// Result is a finished run.
type Result struct {
	Ctx     *context.Context
	History []Point
	Steps   int     // global steps trained
	Seconds float64 // training wall seconds over every resumed part
	// ThisRunSteps and ThisRunSeconds are those of this process alone
	// (0 when the checkpoint was already finished).
	ThisRunSteps   int
	ThisRunSeconds float64
}

// StepsPerSecond is the training pace over the whole run.
func (r *Result) StepsPerSecond() float64 {
	if r.Seconds <= 0 {
		return 0
	}
	return float64(r.Steps) / r.Seconds
}

// stepData is Options.Batch as a train.Dataset that never ends.
type stepData struct {
	batch func(int) []*tensors.Tensor
	step  int
}

func (d *stepData) Name() string { return "steps" }
func (d *stepData) Reset()       {}
func (d *stepData) Yield() (any, []*tensors.Tensor, []*tensors.Tensor, error) {
	in := d.batch(d.step)
	d.step++
	return nil, in, nil, nil
}

// Run trains (or resumes, or finds finished) the run in opts.
func Run(opts Options) (res *Result, err error) {
	defer func() {
		// GoMLX reports graph-building mistakes by panicking.
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: %v", opts.Name, r)
		}
	}()
	if opts.Steps < 1 || opts.ReportEvery < 1 {
		return nil, fmt.Errorf("%s: %d steps, report every %d", opts.Name, opts.Steps, opts.ReportEvery)
	}
	ctx := opts.Ctx
	h, err := ckpt.Open(ctx, opts.CheckpointDir, opts.Checked, []string{ParamSteps})
	if err != nil {
		return nil, err
	}
	ctx.SetParam(ParamSteps, opts.Steps)
	for k, v := range opts.Params {
		ctx.SetParam(k, v)
	}
	res = &Result{Ctx: ctx}
	if err := json.Unmarshal([]byte(context.GetParamOr(ctx, paramHistory, "[]")), &res.History); err != nil {
		return nil, fmt.Errorf("%s: checkpoint history: %v", ckpt.Latest(opts.CheckpointDir), err)
	}
	res.Seconds = context.GetParamOr(ctx, paramSeconds, 0.0)
	partSum := context.GetParamOr(ctx, paramPartSum, 0.0)
	partN := context.GetParamOr(ctx, paramPartN, 0)
	step := int(optimizers.GetGlobalStep(ctx))
	res.Steps = step
	if step >= opts.Steps {
		return res, nil
	}
	if step > 0 {
		fmt.Fprintf(opts.Stderr, "%s: resuming from step %d of %d in %s\n", opts.Name, step, opts.Steps, opts.CheckpointDir)
	}

	trainer := train.NewTrainer(opts.Backend, ctx, opts.ModelFn, opts.LossFn, optimizers.FromContext(ctx), nil, nil)
	if step > 0 {
		trainer.SetContext(ctx.Reuse())
	}
	loop := train.NewLoop(trainer)
	bar := progress.NewSteps(opts.Stderr, opts.TTY, opts.Name, opts.Steps, opts.ReportEvery, step)
	started := time.Now()
	base := res.Seconds
	startStep := step
	lastSave := started
	save := func() error {
		lastSave = time.Now()
		res.Seconds = base + time.Since(started).Seconds()
		hist, _ := json.Marshal(res.History)
		ctx.SetParam(paramHistory, string(hist))
		ctx.SetParam(paramSeconds, res.Seconds)
		ctx.SetParam(paramPartSum, partSum)
		ctx.SetParam(paramPartN, partN)
		if err := h.Save(); err != nil {
			return fmt.Errorf("saving checkpoint in %s: %w", opts.CheckpointDir, err)
		}
		return nil
	}
	loop.OnStep("kogi-steps", 0, func(loop *train.Loop, ms []*tensors.Tensor) error {
		done := loop.LoopStep + 1
		loss := float64(tensors.ToScalar[float32](ms[0]))
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return fmt.Errorf("loss is %g at step %d", loss, done)
		}
		partSum += loss
		partN++
		bar.Step(done, fmt.Sprintf("loss %.4f", partSum/float64(partN)))
		if done%opts.ReportEvery == 0 || done == opts.Steps {
			p := Point{Step: done, Loss: partSum / float64(partN), Seconds: base + time.Since(started).Seconds()}
			res.History = append(res.History, p)
			partSum, partN = 0, 0
			bar.Unit(done, fmt.Sprintf("loss %.4f", p.Loss))
			fmt.Fprintf(opts.Stdout, "%s step %6d/%d  loss %.5f  %s\n", opts.Name, done, opts.Steps, p.Loss,
				progress.Duration(time.Duration(p.Seconds*float64(time.Second))))
			if opts.OnReport != nil {
				if err := opts.OnReport(done); err != nil {
					return err
				}
			}
			if err := save(); err != nil {
				return err
			}
		} else if opts.CheckpointEvery > 0 && time.Since(lastSave) >= opts.CheckpointEvery {
			if err := save(); err != nil {
				return err
			}
		}
		if opts.StopAtStep > 0 && done == opts.StopAtStep {
			if err := save(); err != nil {
				return err
			}
			return ErrStopped
		}
		select {
		case <-opts.Stop:
			if err := save(); err != nil {
				return err
			}
			fmt.Fprintf(opts.Stderr, "\n%s: stopped at step %d, checkpoint saved in %s\n", opts.Name, done, opts.CheckpointDir)
			return ErrInterrupted
		default:
		}
		return nil
	})
	ds := &stepData{batch: opts.Batch, step: step}
	if _, err := loop.RunSteps(ds, opts.Steps-step); err != nil {
		for _, sentinel := range []error{ErrStopped, ErrInterrupted} {
			if errors.Is(err, sentinel) {
				return nil, sentinel
			}
		}
		return nil, fmt.Errorf("%s: %w", opts.Name, err)
	}
	res.Steps = int(optimizers.GetGlobalStep(ctx))
	res.ThisRunSteps = res.Steps - startStep
	res.ThisRunSeconds = time.Since(started).Seconds()
	return res, nil
}

// TrainedSeconds is the training wall time recorded in ctx (loaded from a
// checkpoint of a run of this package).
func TrainedSeconds(ctx *context.Context) float64 { return context.GetParamOr(ctx, paramSeconds, 0.0) }

// History is the loss history recorded in ctx (loaded from a checkpoint
// of a run of this package).
func History(ctx *context.Context) []Point {
	var h []Point
	_ = json.Unmarshal([]byte(context.GetParamOr(ctx, paramHistory, "[]")), &h)
	return h
}

// SetLearningRate sets this step's learning rate to
// optimizers.ParamLearningRate, multiplied by drop from step dropAt·steps
// on (steps = ParamSteps): "Adam 1e-3, ×0.1 for the last quarter" is
// SetLearningRate(ctx, g, 0.75, 0.1). Call it from a ModelFn in training.
func SetLearningRate(ctx *context.Context, g *graph.Graph, dropAt, drop float64) {
	lr0 := context.GetParamOr(ctx, optimizers.ParamLearningRate, 1e-3)
	total := context.GetParamOr(ctx, ParamSteps, 1)
	step := graph.ConvertDType(optimizers.GetGlobalStepVar(ctx).ValueGraph(g), dtypes.Float32)
	late := graph.GreaterOrEqual(step, graph.Scalar(g, dtypes.Float32, math.Floor(dropAt*float64(total))))
	lr := graph.Where(late, graph.Scalar(g, dtypes.Float32, lr0*drop), graph.Scalar(g, dtypes.Float32, lr0))
	optimizers.LearningRateVarWithValue(ctx, dtypes.Float32, lr0).SetValueGraph(lr)
}

// Cosine sets this step's learning rate along half a cosine from
// optimizers.ParamLearningRate at step 0 to lrMin at the last step.
func Cosine(ctx *context.Context, g *graph.Graph, lrMin float64) {
	lr0 := context.GetParamOr(ctx, optimizers.ParamLearningRate, 1e-3)
	total := context.GetParamOr(ctx, ParamSteps, 1)
	step := graph.ConvertDType(optimizers.GetGlobalStepVar(ctx).ValueGraph(g), dtypes.Float32)
	frac := graph.MinScalar(graph.DivScalar(step, float64(max(total, 1))), 1)
	cos := graph.Cos(graph.MulScalar(frac, math.Pi))
	lr := graph.AddScalar(graph.MulScalar(graph.OnePlus(cos), (lr0-lrMin)/2), lrMin)
	optimizers.LearningRateVarWithValue(ctx, dtypes.Float32, lr0).SetValueGraph(lr)
}
