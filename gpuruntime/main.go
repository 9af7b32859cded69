// Command gpuruntime trains the course's generative models with GoMLX and
// writes what the lecture pages' demos load (weights, maps, manifests).
//
//	go run ./gpuruntime train vae [flags]        # MNIST VAE → static/demos/vae/
//	go run ./gpuruntime train judge [flags]      # MNIST classifier that judges generated digits
//	go run ./gpuruntime train ddpm [flags]       # diffusion model (--preset cpu: latent, gpu: pixel U-Net)
//	go run ./gpuruntime sample ddpm [flags]      # samples.png, the judge's verdict
//	go run ./gpuruntime render diffusion [flags] # forward.gif, reverse.gif, strip.png, manifest.json
//	go run ./gpuruntime train cyclegan [flags]   # CycleGAN handwritten ↔ typeset digits
//	go run ./gpuruntime render cyclegan [flags]  # its gallery → static/gallery/cyclegan/
//
// Each command is one entry of the commands table: its words, a one-line
// summary for the usage text, and a function that parses its own flags.
// Exit status: 0 on success, 1 on failure, 2 for a usage mistake.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// command is one gpuruntime subcommand, named by one or more words
// ("train vae").
type command struct {
	words   []string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{[]string{"train", "vae"}, "train the MNIST VAE (2-D and 16-D latent) and export it for the browser", trainVAE},
	{[]string{"train", "judge"}, "train the MNIST classifier that judges generated digits", trainJudge},
	{[]string{"train", "ddpm"}, "train the diffusion model of a preset (cpu: latent DDPM, gpu: pixel U-Net)", trainDDPM},
	{[]string{"sample", "ddpm"}, "draw samples: samples.png, the sampling trajectory, the judge's verdict", sampleDDPM},
	{[]string{"check", "backend"}, "open a backend and run a matrix product and its gradient on it", checkBackend},
	{[]string{"train", "cyclegan"}, "train the CycleGAN between handwritten and typeset digits (cpu: MLPs, gpu: conv nets)", trainCycleGAN},
	{[]string{"render", "cyclegan"}, "judge the CycleGAN's translations and write its gallery (triplets, training.gif, losses.svg, manifest.json)", renderCycleGAN},
	{[]string{"render", "diffusion"}, "draw forward.gif, reverse.gif, strip.png and write the gallery's manifest.json", renderDiffusion},
}

// usageError marks a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	for _, c := range commands {
		if len(args) >= len(c.words) && equal(args[:len(c.words)], c.words) {
			err := c.run(args[len(c.words):], stdout, stderr)
			var ue usageError
			switch {
			case err == nil || errors.Is(err, errHelp):
				return 0
			case errors.As(err, &ue):
				fmt.Fprintf(stderr, "gpuruntime %s: %v\n", strings.Join(c.words, " "), err)
				return 2
			default:
				fmt.Fprintf(stderr, "gpuruntime %s: %v\n", strings.Join(c.words, " "), err)
				return 1
			}
		}
	}
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		usage(stdout)
		return 0
	}
	if len(args) == 0 {
		fmt.Fprintln(stderr, "gpuruntime: no command")
	} else {
		fmt.Fprintf(stderr, "gpuruntime: unknown command %q\n", strings.Join(args, " "))
	}
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: go run ./gpuruntime COMMAND [flags]   (COMMAND -h lists its flags)")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-22s %s\n", strings.Join(c.words, " "), c.summary)
	}
}

func equal(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}
