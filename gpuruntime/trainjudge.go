package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/kogi-course/kogi/gpuruntime/backend"
	"github.com/kogi-course/kogi/gpuruntime/judge"
	"github.com/kogi-course/kogi/gpuruntime/progress"
)

// DefaultJudge is where the shipped judge lives (committed: the tests and
// `sample ddpm` read it; it is not part of the site).
const DefaultJudge = "gpuruntime/judge/judge.kjdg"

func trainJudge(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train judge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		hidden     = fs.String("hidden", "256,128", "hidden widths, comma-separated")
		epochs     = fs.Int("epochs", 12, "epochs to train")
		batch      = fs.Int("batch", 128, "batch size")
		lr         = fs.Float64("lr", 1e-3, "Adam learning rate at the start (cosine decay to --lr-min)")
		lrMin      = fs.Float64("lr-min", 1e-5, "learning rate at the last step")
		shift      = fs.Int("shift", 1, "move training digits by up to this many pixels each way (0: no augmentation)")
		seed       = fs.Int64("seed", 1, "seed of the initial weights, the shuffling and the shifts")
		backendArg = fs.String("backend", "auto", "GoMLX backend: "+backend.AutoNames)
		out        = fs.String("out", "bin/gpuruntime", "working folder; checkpoints go to OUT/checkpoints/judge/")
		mnistDir   = fs.String("mnist", "", "folder with the four MNIST idx .gz files (default: the GoMNIST module's data/)")
		export     = fs.String("export", DefaultJudge, "the judge file to write (its record goes beside it as .json)")
		every      = fs.Duration("checkpoint-every", 3*time.Minute, "also save a checkpoint this often")
		trainN     = fs.Int("train-subset", 0, "train on the first N training digits only (0: all)")
		testN      = fs.Int("test-subset", 0, "test on the first N test digits only (0: all)")
	)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkTraining(*epochs, *batch, *lr, *lrMin, *trainN, *testN); err != nil {
		return err
	}
	if *shift < 0 || *shift > 4 {
		return usageError{fmt.Sprintf("--shift %d: want 0..4", *shift)}
	}
	if _, err := judge.ParseHidden(*hidden); err != nil {
		return usageError{err.Error()}
	}
	ctx := judge.DefaultContext()
	ctx.SetParams(map[string]any{
		judge.ParamHidden: *hidden, judge.ParamBatch: *batch, judge.ParamSeed: *seed,
		judge.ParamShift: *shift, judge.ParamLRMin: *lrMin, optimizers.ParamLearningRate: *lr,
	})
	ctx.SetParam("initializers_seed", *seed)
	name, be, trainSet, testSet, err := openRun(*backendArg, *mnistDir, stderr)
	if err != nil {
		return err
	}
	trainSet, testSet = trainSet.Subset(*trainN), testSet.Subset(*testN)
	m, res, err := judge.Train(judge.TrainOptions{
		Ctx: ctx, Backend: be, Epochs: *epochs,
		CheckpointDir: filepath.Join(*out, "checkpoints", "judge"), CheckpointEvery: *every,
		Stdout: stdout, Stderr: stderr, TTY: isTerminal(stderr),
	}, trainSet)
	if err != nil {
		return err
	}
	info, err := judge.Export(m, testSet, *export, judge.Info{
		Epochs: *epochs,
		Recipe: fmt.Sprintf("MLP, ReLU, Adam %g → %g (cosine), batch %d, digits shifted by up to %d px, seed %d; %d training digits",
			*lr, *lrMin, *batch, *shift, *seed, trainSet.N()),
		Seconds: res.Seconds, Backend: backend.Describe(name, be), Device: backend.Device(name, be),
		GitCommit: gitCommit(),
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stdout, "judge %s: test accuracy %.4f shipped (int8), %.4f float32; confident on %.4f of the test digits; %d bytes; trained %s\n",
		info.Architecture, info.TestAccuracy, info.TestAccF32, info.TestConfident, info.Bytes,
		progress.Duration(time.Duration(info.Seconds*float64(time.Second))))
	return nil
}
