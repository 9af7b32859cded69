package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/kogi-course/kogi/gpuruntime/backend"
	"github.com/kogi-course/kogi/gpuruntime/cyclegan"
	"github.com/kogi-course/kogi/gpuruntime/progress"
)

// DefaultCycleGANGallery is where `render cyclegan` writes.
const DefaultCycleGANGallery = "static/gallery/cyclegan"

func cycleganPreset(name string) (cyclegan.Preset, error) {
	p, ok := cyclegan.Presets[name]
	if !ok {
		return p, usageError{fmt.Sprintf("--preset %q: use %s", name, cyclegan.PresetNames)}
	}
	return p, nil
}

func cycleganDir(out, preset string) string { return filepath.Join(out, "cyclegan-"+preset) }

func trainCycleGAN(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train cyclegan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	presetName := fs.String("preset", "cpu", "recipe: cpu (MLP generators and discriminators, 2 CPU cores) or gpu (residual conv generators, PatchGAN; XLA on a GPU)")
	rf := addRunFlags(fs, "cyclegan-PRESET", "the weights, the typeset digits, the batch order, the noise and the pool")
	steps := fs.Int("steps", 0, "training steps (default: the preset's, cpu 3600, gpu 20000); a larger value extends a finished run")
	frameEvery := fs.Int("frame-every", 0, "steps between the training animation's frames (default: the preset's, cpu 200)")
	trainN := fs.Int("train-subset", 0, "train on the first N handwritten digits only (0: all)")
	typesetN := fs.Int("typeset", 0, "typeset training digits rendered (default: the preset's)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p, err := cycleganPreset(*presetName)
	if err != nil {
		return err
	}
	for _, o := range []struct {
		flag string
		v    int
		dst  *int
	}{{"--steps", *steps, &p.Steps}, {"--frame-every", *frameEvery, &p.FrameEvery}, {"--typeset", *typesetN, &p.TypesetN}, {"--train-subset", *trainN, new(int)}} {
		switch {
		case o.v < 0:
			return usageError{fmt.Sprintf("%s %d: want ≥ 0", o.flag, o.v)}
		case o.v > 0:
			*o.dst = o.v // 0 keeps the preset's
		}
	}
	if err := p.Validate(); err != nil {
		return usageError{err.Error()}
	}
	name, be, trainSet, testSet, err := openRun(*rf.backend, *rf.mnist, stderr)
	if err != nil {
		return err
	}
	if p.Gen == "resconv" && name == "go" {
		return fmt.Errorf("--preset %s trains convolutional networks, and the go backend cannot differentiate a convolution (simplego v0.26 has no Reverse); run it with --backend xla:cuda on a GPU, or use --preset cpu", p.Name)
	}
	trainSet = trainSet.Subset(*trainN)
	dir := cycleganDir(*rf.out, p.Name)
	stopCh, release := interrupts()
	defer release()
	fmt.Fprintf(stderr, "cyclegan-%s: %s; %d handwritten and %d typeset digits, backend %s, run folder %s\n",
		p.Name, p.ModelText(), trainSet.N(), p.TypesetN, name, dir)
	res, err := cyclegan.Train(cyclegan.TrainOptions{
		Preset: p, Seed: *rf.seed, Backend: be, BackendText: backend.Describe(name, be), Device: backend.Device(name, be),
		Dir: dir, CheckpointEvery: *rf.every, Stdout: stdout, Stderr: stderr, TTY: isTerminal(stderr), Stop: stopCh,
	}, trainSet, testSet)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "cyclegan-%s: %d steps in %s (%.3f steps/s)\n", p.Name, res.Steps,
		progress.Duration(time.Duration(res.Seconds*float64(time.Second))), res.StepsPerS)
	return nil
}

func renderCycleGAN(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("render cyclegan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	presetName := fs.String("preset", "cpu", "which trained preset: "+cyclegan.PresetNames)
	backendArg := fs.String("backend", "auto", "GoMLX backend: "+backend.AutoNames)
	out := fs.String("out", "bin/gpuruntime", "working folder of `train cyclegan` (reads OUT/cyclegan-PRESET/)")
	galleryDir := fs.String("gallery", DefaultCycleGANGallery, "where the gallery's files go")
	mnistDir := fs.String("mnist", "", "folder with the four MNIST idx .gz files (default: the GoMNIST module's data/)")
	testN := fs.Int("test", 2000, "test digits per domain translated and judged")
	judgeN := fs.Int("judge-train", 10000, "digits per domain the two 11-class judges train on")
	judgeEp := fs.Int("judge-epochs", 3, "the 11-class judges' epochs")
	judgeFile := fs.String("judge", DefaultJudge, "the plain MNIST judge, to check it reads the typeset digits (empty: skip)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p, err := cycleganPreset(*presetName)
	if err != nil {
		return err
	}
	if *testN < 10 || *judgeN < 10 || *judgeEp < 1 {
		return usageError{"--test and --judge-train want at least 10 digits, --judge-epochs at least 1"}
	}
	name, be, trainSet, testSet, err := openRun(*backendArg, *mnistDir, stderr)
	if err != nil {
		return err
	}
	man, err := cyclegan.WriteGallery(cyclegan.GalleryOptions{
		Dir: cycleganDir(*out, p.Name), Gallery: *galleryDir, Backend: be, TestN: *testN, JudgeTrain: *judgeN,
		JudgeEpoch: *judgeEp, PlainJudge: *judgeFile, GitCommit: gitCommit(), Stdout: stdout, Stderr: stderr,
	}, trainSet, testSet)
	if err != nil {
		return err
	}
	cp := man.ContentPreservation
	fmt.Fprintf(stdout, "cyclegan-%s (%d steps, rendered on %s): A→B %.3f (pass-through %.3f), B→A %.3f (pass-through %.3f); cycle L1 %.4f, L1(G(A), A) %.4f; judges %.3f / %.3f; plain judge on typeset %.3f; target +%.2f met: %v\n",
		man.Preset, man.Steps, name, cp.AToB, cp.PassthroughAToB, cp.BToA, cp.PassthroughBToA, man.CycleL1, man.L1GAA,
		man.JudgeA.TestAccuracy, man.JudgeB.TestAccuracy, man.PlainJudgeOnTypeset, man.Target, man.TargetMet)
	fmt.Fprintf(stdout, "wrote %s\n", *galleryDir)
	return nil
}
