package main

import (
	gocontext "context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"syscall"
	"time"

	"github.com/kogi-course/kogi/gpuruntime/artifact"
	"github.com/kogi-course/kogi/gpuruntime/backend"
	"github.com/kogi-course/kogi/gpuruntime/ddpm"
	"github.com/kogi-course/kogi/gpuruntime/gallery"
	"github.com/kogi-course/kogi/gpuruntime/judge"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
	"github.com/kogi-course/kogi/gpuruntime/progress"
)

// DefaultGallery is where the gallery's files go (published with the site).
const DefaultGallery = "static/gallery/diffusion"

// recordFile is the sampling record `render diffusion` reads, in the run folder.
const recordFile = "sample-record.json"

// runDir is a preset's working folder under --out.
func runDir(out, preset string) string { return filepath.Join(out, "ddpm-"+preset) }

// presetFlag checks --preset.
func presetFlag(name string) (ddpm.Preset, error) {
	p, ok := ddpm.Presets[name]
	if !ok {
		return p, usageError{fmt.Sprintf("--preset %q: use %s", name, ddpm.PresetNames)}
	}
	return p, nil
}

func trainDDPM(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train ddpm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		presetName = fs.String("preset", "cpu", "recipe: cpu (latent DDPM on a VAE's 16-D latents, trains on 2 CPU cores) or gpu (pixel U-Net, needs XLA on a GPU)")
		backendArg = fs.String("backend", "auto", "GoMLX backend: "+backend.AutoNames)
		steps      = fs.Int("steps", 0, "denoiser training steps (default: the preset's, cpu 4000, gpu 20000); a larger value extends a finished run")
		out        = fs.String("out", "bin/gpuruntime", "working folder; the run's checkpoints go to OUT/ddpm-PRESET/")
		seed       = fs.Int64("seed", 1, "seed of the initial weights, the batch order and each step's t and noise")
		schedule   = fs.String("schedule", "", "noise schedule: linear or cosine (default: the preset's, linear)")
		timesteps  = fs.Int("timesteps", 0, "diffusion steps T (default: the preset's, cpu 500, gpu 1000)")
		batch      = fs.Int("batch", 0, "denoiser batch size (default: the preset's, cpu 256, gpu 128)")
		vaeEpochs  = fs.Int("vae-epochs", 0, "latent recipe: VAE epochs (default: the preset's, 5)")
		every      = fs.Duration("checkpoint-every", 3*time.Minute, "save a checkpoint this often (and at every report line)")
		mnistDir   = fs.String("mnist", "", "folder with the four MNIST idx .gz files (default: the GoMNIST module's data/)")
		trainN     = fs.Int("train-subset", 0, "train on the first N training digits only (0: all; for quick checks)")
		testN      = fs.Int("test-subset", 0, "evaluate the VAE on the first N test digits only (0: all)")
	)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p, err := presetFlag(*presetName)
	if err != nil {
		return err
	}
	if *steps < 0 || *timesteps < 0 || *batch < 0 || *vaeEpochs < 0 || *trainN < 0 || *testN < 0 {
		return usageError{"--steps, --timesteps, --batch, --vae-epochs and the subsets must be ≥ 0"}
	}
	if *steps > 0 {
		p.Steps = *steps
	}
	if *schedule != "" {
		p.Schedule = *schedule
	}
	if *timesteps > 0 {
		p.T = *timesteps
	}
	if *batch > 0 {
		p.Batch = *batch
	}
	if *vaeEpochs > 0 {
		p.VAEEpochs = *vaeEpochs
	}
	if err := p.Validate(); err != nil {
		return usageError{err.Error()}
	}
	name, be, err := backend.Open(*backendArg, stderr)
	if err != nil {
		return err
	}
	if p.Recipe == "pixel" && name == "go" {
		return fmt.Errorf("--preset %s trains a convolutional U-Net, and the go backend cannot differentiate a convolution (simplego v0.26 has no Reverse); run it with --backend xla:cuda on a GPU (see gpuruntime/device/), or use --preset cpu", p.Name)
	}
	trainSet, testSet, err := loadMNIST(*mnistDir)
	if err != nil {
		return err
	}
	trainSet, testSet = trainSet.Subset(*trainN), testSet.Subset(*testN)
	dir := runDir(*out, p.Name)
	// Ctrl-C (or SIGTERM, or `timeout`) ends the denoiser's training after
	// the current step with a checkpoint; a second one kills at once.
	sig, stop := signal.NotifyContext(gocontext.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { <-sig.Done(); stop() }()
	fmt.Fprintf(stderr, "ddpm-%s: %s recipe, %d training digits, backend %s, checkpoints in %s\n", p.Name, p.Recipe, trainSet.N(), name, dir)
	res, err := ddpm.Train(ddpm.TrainOptions{
		Preset: p, Seed: *seed, Backend: be,
		BackendText: backend.Describe(name, be), Device: backend.Device(name, be),
		Dir: dir, CheckpointEvery: *every, Stdout: stdout, Stderr: stderr, TTY: isTerminal(stderr),
		Stop: sig.Done(),
	}, trainSet, testSet)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ddpm-%s: %d steps in %s (%.2f steps/s)", p.Name, res.Steps,
		progress.Duration(time.Duration(res.Seconds*float64(time.Second))), res.StepsPerS)
	if p.Recipe == "latent" {
		fmt.Fprintf(stdout, " after the VAE's %s", progress.Duration(time.Duration(res.VAESeconds*float64(time.Second))))
	}
	fmt.Fprintln(stdout)
	return nil
}

func sampleDDPM(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sample ddpm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		presetName  = fs.String("preset", "cpu", "which trained preset: "+ddpm.PresetNames)
		backendArg  = fs.String("backend", "auto", "GoMLX backend: "+backend.AutoNames)
		out         = fs.String("out", "bin/gpuruntime", "working folder of `train ddpm` (reads OUT/ddpm-PRESET/, writes the sampling record there)")
		galleryDir  = fs.String("gallery", DefaultGallery, "where samples.png goes")
		seed        = fs.Int64("seed", 1, "sampling seed: sample i draws its noise from (seed, i)")
		samples     = fs.Int("samples", 1000, "samples drawn and judged (the first 64 make samples.png)")
		batch       = fs.Int("batch", 500, "samples per batch through the denoiser")
		judgeFile   = fs.String("judge", DefaultJudge, "the judge classifier (`train judge` writes it)")
		gifFrames   = fs.Int("gif-frames", 25, "frames of forward.gif and reverse.gif")
		stripFrames = fs.Int("strip-frames", 10, "frames of strip.png")
	)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p, err := presetFlag(*presetName)
	if err != nil {
		return err
	}
	switch {
	case *samples < gallery.Grid(8, 8).Count():
		return usageError{fmt.Sprintf("--samples %d: want at least 64 (samples.png is 8×8)", *samples)}
	case *batch < 1:
		return usageError{fmt.Sprintf("--batch %d: want at least 1", *batch)}
	case *gifFrames < 2 || *gifFrames > 100:
		return usageError{fmt.Sprintf("--gif-frames %d: want 2..100", *gifFrames)}
	case *stripFrames < 2 || *stripFrames > 50:
		return usageError{fmt.Sprintf("--strip-frames %d: want 2..50", *stripFrames)}
	}
	jm, err := judge.Load(*judgeFile)
	if err != nil {
		return err
	}
	jraw, _ := os.ReadFile(*judgeFile)
	name, be, err := backend.Open(*backendArg, stderr)
	if err != nil {
		return err
	}
	dir := runDir(*out, p.Name)
	m, err := ddpm.Load(p, dir, be)
	if err != nil {
		return err
	}
	if m.Preset.Recipe == "pixel" && name == "go" {
		fmt.Fprintf(stderr, "sample ddpm: note: the go backend runs the U-Net %d times per sample (minutes per sample on 2 cores); --backend xla:cuda is the way\n", m.Sched.T)
	}
	if m.Preset.Steps < ddpm.Presets[p.Name].Steps {
		fmt.Fprintf(stderr, "sample ddpm: note: the denoiser in %s has trained %d of the preset's %d steps\n", dir, m.Preset.Steps, ddpm.Presets[p.Name].Steps)
	}
	small := gallery.Grid(4, 4)
	times := unionDesc(m.Sched.FrameTimes(*gifFrames), m.Sched.FrameTimes(*stripFrames))
	bar := progress.NewSteps(stderr, isTerminal(stderr), "sample", 1, 1, 0)
	barTotal := 1
	began := time.Now()
	s, err := m.Sample(ddpm.SampleOptions{
		N: *samples, Seed: uint64(*seed), Batch: *batch, Record: times, RecordN: small.Count(),
		Progress: func(done, total int) {
			if done == 1 {
				bar, barTotal = progress.NewSteps(stderr, isTerminal(stderr), "sample", total, total, 0), total
			}
			bar.Step(done, "")
		},
	})
	if err != nil {
		return err
	}
	images := m.Decode(s.States)
	seconds := time.Since(began).Seconds()
	bar.Unit(barTotal, fmt.Sprintf("%d samples decoded", *samples))
	rec := &gallery.Record{
		Preset: p.Name, Seed: *seed, Samples: *samples, SampleSteps: m.Sched.T, ModelSteps: m.Preset.Steps,
		Backend: backend.Describe(name, be), Device: backend.Device(name, be),
		Seconds: seconds, ImagesPerS: float64(*samples) / seconds,
		GIFFrames: *gifFrames, StripFrames: *stripFrames, RecordN: small.Count(), Times: times,
	}
	rec.Judge = gallery.JudgeRecord{Verdict: jm.Judge(images), File: filepath.Base(*judgeFile),
		SHA256: artifact.SHA256(jraw), Architecture: jm.Arch()}
	if info, err := judge.LoadInfo(*judgeFile); err == nil {
		rec.Judge.TestAccuracy = info.TestAccuracy
	}
	for _, t := range times {
		rec.Frames = append(rec.Frames, gallery.GreyBytes(m.Decode(s.Traj[t])))
	}
	grid := gallery.Grid(8, 8)
	raw, w, h, err := gallery.PNG(grid, images[:grid.Count()*mnist.Pixels])
	if err != nil {
		return err
	}
	rec.SamplesFile, err = gallery.WriteFile(*galleryDir, gallery.SamplesPNG, raw, gallery.File{
		Width: w, Height: h, Grid: grid,
		What: fmt.Sprintf("the first 64 of the %d samples judged (seed %d), %d reverse steps each", *samples, *seed, m.Sched.T),
	})
	if err != nil {
		return err
	}
	if err := gallery.WriteJSON(filepath.Join(dir, recordFile), rec); err != nil {
		return err
	}
	v := rec.Judge
	fmt.Fprintf(stdout, "sample ddpm-%s: %d samples in %.1f s (%.1f images/s, %d steps each); judge: confident share %.3f, class entropy %.3f nats (%.3f of ln 10), histogram %v\n",
		p.Name, *samples, seconds, rec.ImagesPerS, m.Sched.T, v.ConfidentShare, v.ClassEntropy, v.ClassEntropy/lnTen, v.Histogram)
	return nil
}

const lnTen = 2.302585092994046

// unionDesc merges two descending time lists into one, descending.
func unionDesc(a, b []int) []int {
	u := slices.Clone(a)
	for _, t := range b {
		if !slices.Contains(u, t) {
			u = append(u, t)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(u)))
	return u
}

func renderDiffusion(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("render diffusion", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		presetName = fs.String("preset", "cpu", "which trained preset: "+ddpm.PresetNames)
		out        = fs.String("out", "bin/gpuruntime", "working folder of `train ddpm` and `sample ddpm`")
		galleryDir = fs.String("gallery", DefaultGallery, "the gallery folder (samples.png from `sample ddpm` is there)")
		mnistDir   = fs.String("mnist", "", "folder with the four MNIST idx .gz files (default: the GoMNIST module's data/)")
	)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p, err := presetFlag(*presetName)
	if err != nil {
		return err
	}
	dir := runDir(*out, p.Name)
	var rec gallery.Record
	if err := readJSON(filepath.Join(dir, recordFile), &rec); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("no sampling record in %s: run `go run ./gpuruntime sample ddpm --preset %s` first", dir, p.Name)
		}
		return err
	}
	if raw, err := os.ReadFile(filepath.Join(*galleryDir, gallery.SamplesPNG)); err != nil {
		return fmt.Errorf("%w (run sample ddpm first)", err)
	} else if artifact.SHA256(raw) != rec.SamplesFile.SHA256 {
		return fmt.Errorf("%s is not the one the last `sample ddpm` in %s wrote: run sample ddpm again", filepath.Join(*galleryDir, gallery.SamplesPNG), dir)
	}
	m, err := ddpm.Load(p, dir, nil) // rendering decodes in plain Go: no backend
	if err != nil {
		return err
	}
	if m.Preset.Steps != rec.ModelSteps || m.Sched.T != rec.SampleSteps {
		return fmt.Errorf("the model in %s has trained %d steps since `sample ddpm` sampled it at %d: run sample ddpm again", dir, m.Preset.Steps, rec.ModelSteps)
	}
	_, testSet, err := loadMNIST(*mnistDir)
	if err != nil {
		return err
	}
	small := gallery.Grid(4, 4)
	n := small.Count()
	files := map[string]gallery.File{gallery.SamplesPNG: rec.SamplesFile}

	// forward.gif: the first n test digits, noised along the schedule with
	// one fixed noise per digit.
	fwdTimes := m.Sched.FrameTimes(rec.GIFFrames)
	slices.Reverse(fwdTimes)
	x0 := m.Encode(testSet.Images[:n*mnist.Pixels])
	rng := rand.New(rand.NewPCG(uint64(rec.Seed), 1<<40))
	eps := make([]float32, len(x0))
	for i := range eps {
		eps[i] = float32(rng.NormFloat64())
	}
	var frames [][]float32
	for _, t := range fwdTimes {
		frames = append(frames, m.Decode(m.Forward(x0, eps, t)))
	}
	what := "the first 16 MNIST test digits, noised: x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε with one ε per digit, frames at even steps of √ᾱ_t"
	if p.Recipe == "latent" || m.Preset.Recipe == "latent" {
		what = "the first 16 MNIST test digits, noised in latent space (x_0 = their standardised VAE means, x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε, one ε per digit) and decoded; frames at even steps of √ᾱ_t"
	}
	if files[gallery.ForwardGIF], err = writeGIF(*galleryDir, gallery.ForwardGIF, small, frames, fwdTimes, 100, 100, what); err != nil {
		return err
	}

	// reverse.gif and strip.png: the first n samples' trajectory.
	revTimes := m.Sched.FrameTimes(rec.GIFFrames)
	frames = frames[:0]
	for _, t := range revTimes {
		f, err := rec.FrameImages(t)
		if err != nil {
			return err
		}
		frames = append(frames, f)
	}
	what = "the first 16 samples of samples.png along their reverse process, from x_T (noise) to x_0; frames at even steps of √ᾱ_t"
	if m.Preset.Recipe == "latent" {
		what = "the first 16 samples of samples.png along their reverse process in latent space, each state decoded by the VAE, from x_T (noise) to x_0; frames at even steps of √ᾱ_t"
	}
	if files[gallery.ReverseGIF], err = writeGIF(*galleryDir, gallery.ReverseGIF, small, frames, revTimes, 60, 200, what); err != nil {
		return err
	}
	stripTimes := m.Sched.FrameTimes(rec.StripFrames)
	frames = frames[:0]
	for _, t := range stripTimes {
		f, err := rec.FrameImages(t)
		if err != nil {
			return err
		}
		frames = append(frames, f)
	}
	raw, w, h, err := gallery.Strip(small, frames)
	if err != nil {
		return err
	}
	fw, fh := small.Size()
	if files[gallery.StripPNG], err = gallery.WriteFile(*galleryDir, gallery.StripPNG, raw, gallery.File{
		Width: w, Height: h, Frames: len(frames), FrameWidth: fw, FrameHeight: fh, T: stripTimes, Grid: small,
		What: "frames of reverse.gif's process side by side (frame k is x at t[k]), for a scrubber",
	}); err != nil {
		return err
	}

	mp := m.Preset
	man := gallery.ManifestData{
		Run: gallery.Run{Model: mp.ModelName(), Recipe: mp.RecipeText(), Params: m.Params(), Preset: p.Name,
			Steps: mp.Steps, Seconds: m.Seconds + m.VAESeconds, Backend: m.TrainBackend, Device: m.TrainDevice},
		RecipeDetail: mp.RecipeDetail(m.Sched),
		ImagesPerS:   rec.ImagesPerS, SampleSteps: rec.SampleSteps, Seed: rec.Seed, GitCommit: gitCommit(),
		Judge: rec.Judge, Files: files,
		Data:          fmt.Sprintf("MNIST from Go module %s: the training split, grey levels /255", mnist.Module),
		TrainSeed:     m.TrainSeed,
		Schedule:      m.Sched.String(),
		ParamsDetail:  map[string]int{"denoiser": m.DenoiserParams},
		SecondsDetail: map[string]float64{"denoiser": m.Seconds},
		SampleBackend: rec.Backend, SampleDevice: rec.Device, SampleSeconds: rec.Seconds,
	}
	if m.TrainExamples > 0 {
		man.Data = fmt.Sprintf("MNIST from Go module %s: %d training digits, grey levels /255", mnist.Module, m.TrainExamples)
	}
	if m.Seconds > 0 {
		man.StepsPerS = float64(mp.Steps) / m.Seconds
	}
	if mp.Recipe == "latent" {
		man.ParamsDetail["vae_decoder"] = m.DecoderParams
		man.SecondsDetail["vae"] = m.VAESeconds
	}
	man.LossHistory = m.History
	if err := gallery.WriteJSON(filepath.Join(*galleryDir, gallery.Manifest), man); err != nil {
		return err
	}
	if _, err := gallery.Check(*galleryDir); err != nil {
		return fmt.Errorf("the gallery just written does not check: %w", err)
	}
	for _, name := range []string{gallery.SamplesPNG, gallery.ForwardGIF, gallery.ReverseGIF, gallery.StripPNG} {
		f := files[name]
		fmt.Fprintf(stdout, "%-13s %4d×%-4d %8d bytes", name, f.Width, f.Height, f.Bytes)
		if f.Frames > 0 {
			fmt.Fprintf(stdout, ", %d frames", f.Frames)
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintf(stdout, "render diffusion: %s written\n", filepath.Join(*galleryDir, gallery.Manifest))
	return nil
}

// writeGIF draws frames as a GIF: first shown for first/100 s, last for
// last/100 s, the others for 0.08 s.
func writeGIF(dir, name string, l gallery.Layout, frames [][]float32, times []int, first, last int, what string) (gallery.File, error) {
	delays := make([]int, len(frames))
	for i := range delays {
		delays[i] = 8
	}
	delays[0], delays[len(delays)-1] = first, last
	raw, w, h, err := gallery.GIF(l, frames, delays)
	if err != nil {
		return gallery.File{}, err
	}
	if len(raw) > gallery.MaxGIFBytes {
		return gallery.File{}, fmt.Errorf("%s would be %d bytes, more than %d: use fewer --gif-frames", name, len(raw), gallery.MaxGIFBytes)
	}
	return gallery.WriteFile(dir, name, raw, gallery.File{Width: w, Height: h, Frames: len(frames), T: times, Grid: l, DelaysCS: delays, What: what})
}
