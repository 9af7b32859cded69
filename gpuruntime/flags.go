package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

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
