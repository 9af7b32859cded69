package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/kogi-course/kogi/gpuruntime/backend"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
	"github.com/kogi-course/kogi/gpuruntime/progress"
	"github.com/kogi-course/kogi/gpuruntime/vae"
)

// vaeRecipe is the shipped recipe for a latent size: what the flags default
// to, so `train vae --latent 16` trains the model the page ships.
type vaeRecipe struct {
	hidden string
	epochs int
}

var vaeRecipes = map[int]vaeRecipe{
	2:  {hidden: "256,128", epochs: 30},
	16: {hidden: "80", epochs: 30},
}

var defaultRecipe = vaeRecipe{hidden: "256,128", epochs: 30}

func trainVAE(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train vae", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		latent     = fs.Int("latent", 2, "latent size (the page ships 2 and 16)")
		hidden     = fs.String("hidden", "", "encoder widths, comma-separated; the decoder mirrors them (default: the shipped recipe: 256,128 for --latent 2, 80 for 16)")
		activation = fs.String("activation", "relu", "hidden activation: relu, elu, tanh, silu, leakyrelu")
		epochs     = fs.Int("epochs", 0, "epochs to train (default: the shipped recipe: 30 for both)")
		batch      = fs.Int("batch", 128, "batch size")
		lr         = fs.Float64("lr", 1e-3, "Adam learning rate at the start")
		lrMin      = fs.Float64("lr-min", 1e-4, "learning rate at the last step (cosine decay)")
		seed       = fs.Int64("seed", 1, "seed of the initial weights, the shuffling and the noise")
		backendArg = fs.String("backend", "go", "GoMLX backend: "+backend.Names)
		out        = fs.String("out", "bin/gpuruntime", "working folder; checkpoints go to OUT/checkpoints/vae<latent>/")
		mnistDir   = fs.String("mnist", "", "folder with the four MNIST idx .gz files (default: the data/ folder of Go module "+mnist.Module+")")
		exportDir  = fs.String("export", "static/demos/vae", "where the browser files and manifest.json go (empty: no export)")
		parity     = fs.String("parity", "wasmdemo/vae/testdata/parity.json", "parity reference for wasmdemo/vae's tests (empty: none)")
		every      = fs.Duration("checkpoint-every", 3*time.Minute, "also save a checkpoint within an epoch this often (0: at epoch ends only)")
		trainN     = fs.Int("train-subset", 0, "train on the first N training digits only (0: all 60,000; for quick checks)")
		testN      = fs.Int("test-subset", 0, "evaluate on the first N test digits only (0: all 10,000; for quick checks)")
		mapCount   = fs.Int("map-count", 2000, "test digits in the 2-D latent map")
	)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	recipe, ok := vaeRecipes[*latent]
	if !ok {
		recipe = defaultRecipe
	}
	if *hidden == "" {
		*hidden = recipe.hidden
	}
	if *epochs == 0 {
		*epochs = recipe.epochs
	}
	if *latent < 1 || *latent > 256 {
		return usageError{fmt.Sprintf("--latent %d: want 1..256", *latent)}
	}
	if err := checkTraining(*epochs, *batch, *lr, *lrMin, *trainN, *testN); err != nil {
		return err
	}
	if _, err := vae.ParseHidden(*hidden); err != nil {
		return usageError{err.Error()}
	}

	ctx := vae.DefaultContext()
	ctx.SetParams(map[string]any{
		vae.ParamLatent:              *latent,
		vae.ParamHidden:              *hidden,
		vae.ParamActivation:          *activation,
		vae.ParamBatchSize:           *batch,
		vae.ParamEpochs:              *epochs,
		vae.ParamSeed:                *seed,
		vae.ParamLearningRateMin:     *lrMin,
		optimizers.ParamLearningRate: *lr,
	})
	ctx.SetParam("initializers_seed", *seed)
	if _, err := vae.ArchFromContext(ctx); err != nil {
		return usageError{err.Error()}
	}

	be, err := backend.New(*backendArg)
	if err != nil {
		return err
	}
	trainSet, testSet, err := loadMNIST(*mnistDir)
	if err != nil {
		return err
	}
	trainSet, testSet = trainSet.Subset(*trainN), testSet.Subset(*testN)

	name := fmt.Sprintf("vae%d", *latent)
	from := *mnistDir
	if from == "" {
		from = mnist.Module
	}
	fmt.Fprintf(stderr, "%s: %d training and %d test digits from %s, backend %s\n", name, trainSet.N(), testSet.N(), from, *backendArg)
	run, err := vae.Train(vae.Options{
		Name: name, Ctx: ctx, Backend: be,
		CheckpointDir:   filepath.Join(*out, "checkpoints", name),
		CheckpointEvery: *every,
		Stdout:          stdout, Stderr: stderr, TTY: isTerminal(stderr),
	}, trainSet, testSet)
	if err != nil {
		return err
	}
	if *exportDir == "" {
		return nil
	}
	e, err := vae.Export(run, trainSet, testSet, vae.ExportOptions{
		Name: name, Dir: *exportDir, Parity: *parity, MapCount: *mapCount,
		GitCommit: gitCommit(),
		Backend:   fmt.Sprintf("%s, %d CPU cores", backend.Describe(*backendArg, be), runtime.NumCPU()),
		Optimizer: fmt.Sprintf("Adam, learning rate %g → %g (cosine over the run), batch %d", *lr, *lrMin, *batch),
		Data:      fmt.Sprintf("MNIST from Go module %s (idx files in its data/ folder), %d train / %d test digits, grey levels /255", mnist.Module, trainSet.N(), testSet.N()),
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stdout, "%s: shipped weights %s (%s) test −ELBO %.2f nats (recon %.2f, KL %.2f), float32 %.2f; decode MAE %.5f; %d bytes, %d gzipped; trained %s\n",
		name, e.File, strings.Join(e.Quant, ","), e.TestNegELBO, e.TestRecon, e.TestKL, e.TestNegELBOF32,
		e.DecodeMAE, e.Bytes, e.GzipBytes, progress.Duration(time.Duration(e.Seconds*float64(time.Second))))
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && progress.IsTerminal(f)
}

// gitCommit is the commit the export was made from, for the manifest:
// KOGI_GIT_COMMIT when set (the device machine runs a copy of the tree
// without .git; gpuruntime/device/build.sh records the commit), else HEAD.
func gitCommit() string {
	if c := os.Getenv("KOGI_GIT_COMMIT"); c != "" {
		return c
	}
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}
