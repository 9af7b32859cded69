package ddpm

import (
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/kogi-course/kogi/gpuruntime/vae"
)

// Preset is one recipe with all its hyperparameters.
type Preset struct {
	Name   string // "cpu" or "gpu"
	Recipe string // "latent" or "pixel"

	Schedule     string  // "linear" or "cosine"
	T            int     // diffusion steps (also the sampling steps)
	Beta0, Beta1 float64 // linear schedule
	Width        int     // latent: the MLP's hidden width; pixel: the U-Net's base channels
	Depth        int     // latent: hidden layers of the MLP; pixel: unused
	TimeFeatures int     // sinusoidal features of t (half sines, half cosines)
	Batch        int
	LR           float64 // Adam; ×LRDrop from LRDropAt·steps on
	LRDropAt     float64
	LRDrop       float64
	Steps        int

	// The latent recipe's VAE (package vae), trained first.
	VAELatent     int
	VAEHidden     string
	VAEEpochs     int
	VAEBatch      int
	VAELR         float64
	VAELRMin      float64
	VAEActivation string
}

// Presets are the two shipped recipes.
var Presets = map[string]Preset{
	// Measured on the 2-core build machine with simplego: 4,000 steps of
	// this denoiser after 5 VAE epochs give a judge-confident share of
	// about 0.67 (see gpuruntime/README.md).
	"cpu": {
		Name: "cpu", Recipe: "latent",
		Schedule: "linear", T: 500, Beta0: 2e-4, Beta1: 0.04,
		Width: 256, Depth: 3, TimeFeatures: 32,
		Batch: 256, LR: 1e-3, LRDropAt: 0.75, LRDrop: 0.1, Steps: 4000,
		VAELatent: 16, VAEHidden: "512", VAEEpochs: 5, VAEBatch: 128, VAELR: 1e-3, VAELRMin: 1e-4, VAEActivation: "relu",
	},
	// A small U-Net on pixels (Ho et al.'s schedule); for XLA on a GPU.
	"gpu": {
		Name: "gpu", Recipe: "pixel",
		Schedule: "linear", T: 1000, Beta0: 1e-4, Beta1: 0.02,
		Width: 32, TimeFeatures: 32,
		Batch: 128, LR: 2e-4, LRDropAt: 0.75, LRDrop: 0.1, Steps: 20000,
	},
}

// PresetNames lists the presets for usage messages.
const PresetNames = "cpu, gpu"

// Hyperparameter keys in the denoiser's context; all are saved with its
// checkpoints and checked when a run resumes.
const (
	ParamRecipe       = "ddpm_recipe"
	ParamSchedule     = "ddpm_schedule"
	ParamT            = "ddpm_timesteps"
	ParamBeta0        = "ddpm_beta_start"
	ParamBeta1        = "ddpm_beta_end"
	ParamWidth        = "ddpm_width"
	ParamDepth        = "ddpm_depth"
	ParamTimeFeatures = "ddpm_time_features"
	ParamBatch        = "ddpm_batch"
	ParamSeed         = "ddpm_seed"
	ParamLRDropAt     = "ddpm_lr_drop_at"
	ParamLRDrop       = "ddpm_lr_drop"
)

var checkedParams = []string{ParamRecipe, ParamSchedule, ParamT, ParamBeta0, ParamBeta1, ParamWidth, ParamDepth,
	ParamTimeFeatures, ParamBatch, ParamSeed, ParamLRDropAt, ParamLRDrop, optimizers.ParamLearningRate}

// Context returns the denoiser's context with the preset's hyperparameters.
func (p Preset) Context(seed int64) *context.Context {
	ctx := context.New()
	ctx.SetParams(map[string]any{
		ParamRecipe: p.Recipe, ParamSchedule: p.Schedule, ParamT: p.T,
		ParamBeta0: p.Beta0, ParamBeta1: p.Beta1, ParamWidth: p.Width, ParamDepth: p.Depth,
		ParamTimeFeatures: p.TimeFeatures, ParamBatch: p.Batch, ParamSeed: seed,
		ParamLRDropAt: p.LRDropAt, ParamLRDrop: p.LRDrop,
		optimizers.ParamOptimizer:    "adam",
		optimizers.ParamLearningRate: p.LR,
		optimizers.ParamAdamEpsilon:  1e-7,
		context.ParamInitialSeed:     seed,
		"initializers_seed":          seed,
	})
	return ctx
}

// VAEContext returns the latent recipe's VAE context (package vae's keys).
func (p Preset) VAEContext(seed int64) *context.Context {
	ctx := vae.DefaultContext()
	ctx.SetParams(map[string]any{
		vae.ParamLatent:              p.VAELatent,
		vae.ParamHidden:              p.VAEHidden,
		vae.ParamActivation:          p.VAEActivation,
		vae.ParamBatchSize:           p.VAEBatch,
		vae.ParamEpochs:              p.VAEEpochs,
		vae.ParamSeed:                seed,
		vae.ParamLearningRateMin:     p.VAELRMin,
		optimizers.ParamLearningRate: p.VAELR,
		context.ParamInitialSeed:     seed,
		"initializers_seed":          seed,
	})
	return ctx
}

// Schedule builds the preset's noise schedule.
func (p Preset) NoiseSchedule() (*Schedule, error) {
	return NewSchedule(p.Schedule, p.T, p.Beta0, p.Beta1)
}

// StateDims is the shape of one example of what is diffused.
func (p Preset) StateDims() []int {
	if p.Recipe == "latent" {
		return []int{p.VAELatent}
	}
	return []int{28, 28, 1}
}

// StateSize is the number of values in one example.
func (p Preset) StateSize() int {
	n := 1
	for _, d := range p.StateDims() {
		n *= d
	}
	return n
}

// Validate checks a preset after flags changed it.
func (p Preset) Validate() error {
	switch {
	case p.Recipe != "latent" && p.Recipe != "pixel":
		return fmt.Errorf("recipe %q: latent or pixel", p.Recipe)
	case p.Steps < 1:
		return fmt.Errorf("%d steps: want at least 1", p.Steps)
	case p.Batch < 1:
		return fmt.Errorf("batch %d: want at least 1", p.Batch)
	case p.TimeFeatures < 2 || p.TimeFeatures%2 != 0:
		return fmt.Errorf("%d time features: want an even number ≥ 2", p.TimeFeatures)
	case p.Recipe == "latent" && p.VAEEpochs < 1:
		return fmt.Errorf("%d VAE epochs: want at least 1", p.VAEEpochs)
	}
	_, err := p.NoiseSchedule()
	return err
}

// ModelName is the manifest's "model": what generates a digit.
func (p Preset) ModelName() string {
	if p.Recipe == "latent" {
		w := make([]string, p.Depth)
		for i := range w {
			w[i] = fmt.Sprint(p.Width)
		}
		return fmt.Sprintf("latent DDPM: MLP denoiser (%d + %d time features)-%s-%d, SiLU, ε-prediction; MLP VAE 784-%s-%d decoder",
			p.VAELatent, p.TimeFeatures, strings.Join(w, "-"), p.VAELatent, p.VAEHidden, p.VAELatent)
	}
	return fmt.Sprintf("pixel DDPM: U-Net on 28×28 (channels %d/%d/%d, GroupNorm, SiLU, time embedding), ε-prediction",
		p.Width, 2*p.Width, 4*p.Width)
}

// RecipeText is the manifest's "recipe": which recipe, in one line (the
// site shows it under the pictures).
func (p Preset) RecipeText() string {
	if p.Recipe == "latent" {
		return fmt.Sprintf("latent diffusion: DDPM on the %d-D latents of an MLP VAE, decoded by the VAE", p.VAELatent)
	}
	return "pixel diffusion: DDPM with a U-Net on the 28×28 pixels"
}

// RecipeDetail is the manifest's "recipe_detail": every hyperparameter.
func (p Preset) RecipeDetail(s *Schedule) string {
	if p.Recipe == "latent" {
		return fmt.Sprintf("latent diffusion: MLP VAE 784-%s-%d (%s, %d epochs, Adam %g → %g cosine, batch %d), "+
			"then DDPM on its standardised posterior means: %s, batch %d, Adam %g ×%g for the last %g of the steps; "+
			"ancestral sampling with σ² = β̃, decoded by the VAE (Bernoulli means as grey levels)",
			p.VAEHidden, p.VAELatent, p.VAEActivation, p.VAEEpochs, p.VAELR, p.VAELRMin, p.VAEBatch,
			s, p.Batch, p.LR, p.LRDrop, 1-p.LRDropAt)
	}
	return fmt.Sprintf("pixel diffusion: DDPM on grey levels scaled to [−1, 1]: %s, batch %d, Adam %g ×%g for the last %g of the steps; "+
		"ancestral sampling with σ² = β̃ and x̂₀ clipped to [−1, 1]", s, p.Batch, p.LR, p.LRDrop, 1-p.LRDropAt)
}
