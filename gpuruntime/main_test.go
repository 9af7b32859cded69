package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(args ...string) (code int, stdout, stderr string) {
	var o, e strings.Builder
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "no command"},
		{"unknown command", []string{"train", "gan"}, `unknown command "train gan"`},
		{"unknown flag", []string{"train", "vae", "--latnet", "2"}, "flag provided but not defined: -latnet"},
		{"bad number", []string{"train", "vae", "--epochs", "ten"}, `invalid value "ten" for flag -epochs`},
		{"zero epochs", []string{"train", "vae", "--epochs", "-1"}, "--epochs -1"},
		{"latent", []string{"train", "vae", "--latent", "0"}, "--latent 0"},
		{"hidden", []string{"train", "vae", "--hidden", "256,,128"}, "bad hidden widths"},
		{"activation", []string{"train", "vae", "--activation", "gelu"}, `unknown activation "gelu"`},
		{"learning rates", []string{"train", "vae", "--lr", "1e-4", "--lr-min", "1e-3"}, "lr-min"},
		{"extra argument", []string{"train", "vae", "now"}, `unexpected argument "now"`},
		{"cyclegan preset", []string{"train", "cyclegan", "--preset", "tpu"}, `--preset "tpu"`},
		{"cyclegan steps", []string{"train", "cyclegan", "--steps", "-5"}, "--steps"},
		{"cyclegan flag", []string{"train", "cyclegan", "--lambda", "3"}, "flag provided but not defined: -lambda"},
		{"cyclegan render test", []string{"render", "cyclegan", "--test", "3"}, "--test"},
		{"cyclegan render preset", []string{"render", "cyclegan", "--preset", "big"}, `--preset "big"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCmd(tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q: want 2 and %q", code, stderr, tc.want)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	if code, stdout, _ := runCmd("help"); code != 0 || !strings.Contains(stdout, "train vae") {
		t.Fatalf("help: exit %d, %q", code, stdout)
	}
	if code, _, stderr := runCmd("train", "vae", "-h"); code != 0 || !strings.Contains(stderr, "-checkpoint-every") {
		t.Fatalf("train vae -h: exit %d, %q", code, stderr)
	}
}

// Failures that are not usage mistakes exit 1 with a message that says what
// is missing.
func TestRunErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "mnist")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no mnist", []string{"train", "vae", "--mnist", missing, "--export", ""}, missing},
		{"no gpu", []string{"train", "vae", "--backend", "xla:cuda"}, `backend "xla:cuda" unavailable`},
		{"unknown backend", []string{"train", "vae", "--backend", "tpu"}, `unknown backend "tpu"`},
		{"cyclegan gpu on go", []string{"train", "cyclegan", "--preset", "gpu", "--backend", "go"}, "cannot differentiate a convolution"},
		{"cyclegan not trained", []string{"render", "cyclegan", "--backend", "go", "--out", missing}, "no checkpoint in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCmd(tc.args...)
			if code != 1 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q: want 1 and %q", code, stderr, tc.want)
			}
		})
	}
}

// The whole command on a few real digits: trains, checkpoints, exports.
func TestTrainVAECommand(t *testing.T) {
	dir := t.TempDir()
	args := []string{"train", "vae", "--hidden", "16", "--epochs", "1", "--batch", "64",
		"--train-subset", "512", "--test-subset", "128", "--map-count", "50",
		"--out", dir, "--export", filepath.Join(dir, "export"), "--parity", filepath.Join(dir, "parity.json")}
	code, stdout, stderr := runCmd(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "vae2 epoch   1/1  train −ELBO") || !strings.Contains(stdout, "vae2: shipped weights vae2.kvae") {
		t.Fatalf("stdout %q", stdout)
	}
	// Not a terminal: one progress line per epoch on stderr.
	if n := strings.Count(stderr, "vae2 epoch 1/1 done"); n != 1 {
		t.Fatalf("stderr has %d epoch lines: %q", n, stderr)
	}
}
