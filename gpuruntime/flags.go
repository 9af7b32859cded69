package main

import (
	gocontext "context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gomlx/gomlx/backends"

	"github.com/kogi-course/kogi/gpuruntime/backend"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
)

// errHelp ends a command that printed its flags for -h (exit status 0).
var errHelp = flag.ErrHelp

// parseFlags parses a command's flags; mistakes and stray arguments are
// usage errors, -h is errHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return errHelp
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// loadMNIST loads both splits from dir, or from the GoMNIST module's data/
// folder when dir is empty.
func loadMNIST(dir string) (train, test *mnist.Set, err error) {
	if dir == "" {
		if dir, err = mnist.Dir(); err != nil {
			return nil, nil, err
		}
	}
	return mnist.Load(dir)
}

// readJSON reads a JSON file into v.
func readJSON(path string, v any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// openRun opens the backend named by --backend and loads MNIST from
// --mnist: what a training command does after parsing its flags.
func openRun(backendArg, mnistDir string, stderr io.Writer) (name string, be backends.Backend, train, test *mnist.Set, err error) {
	if name, be, err = backend.Open(backendArg, stderr); err != nil {
		return "", nil, nil, nil, err
	}
	train, test, err = loadMNIST(mnistDir)
	return name, be, train, test, err
}

// runFlags are the flags every training command has.
type runFlags struct {
	backend, out, mnist *string
	seed                *int64
	every               *time.Duration
}

// addRunFlags defines --backend, --out, --seed (of what), --checkpoint-every
// and --mnist; the run goes to OUT/folder.
func addRunFlags(fs *flag.FlagSet, folder, seedOf string) runFlags {
	return runFlags{
		backend: fs.String("backend", "auto", "GoMLX backend: "+backend.AutoNames),
		out:     fs.String("out", "bin/gpuruntime", "working folder; the run goes to OUT/"+folder+"/"),
		seed:    fs.Int64("seed", 1, "seed of "+seedOf),
		every:   fs.Duration("checkpoint-every", 3*time.Minute, "save a checkpoint this often (and at every report line)"),
		mnist:   fs.String("mnist", "", "folder with the four MNIST idx .gz files (default: the GoMNIST module's data/)"),
	}
}

// interrupts returns a channel closed by the first Ctrl-C (or SIGTERM, or
// `timeout`): a training run saves a checkpoint and stops; a second one
// kills at once. Call release when the run is over.
func interrupts() (stop <-chan struct{}, release func()) {
	sig, cancel := signal.NotifyContext(gocontext.Background(), os.Interrupt, syscall.SIGTERM)
	go func() { <-sig.Done(); cancel() }()
	return sig.Done(), cancel
}

// checkTraining validates the flags an epoch-based training command shares.
func checkTraining(epochs, batch int, lr, lrMin float64, trainN, testN int) error {
	switch {
	case epochs < 1:
		return usageError{fmt.Sprintf("--epochs %d: want at least 1", epochs)}
	case batch < 1:
		return usageError{fmt.Sprintf("--batch %d: want at least 1", batch)}
	case lr <= 0 || lrMin < 0 || lrMin > lr:
		return usageError{fmt.Sprintf("--lr %g --lr-min %g: want 0 ≤ lr-min ≤ lr, lr > 0", lr, lrMin)}
	case trainN < 0 || testN < 0:
		return usageError{"--train-subset and --test-subset must be ≥ 0"}
	}
	return nil
}
