// Package ddpm trains denoising diffusion models (Ho et al. 2020,
// ε-prediction) on MNIST and samples from them, for the course's diffusion
// gallery. Two recipes:
//
//   - latent (the cpu preset): an MLP VAE maps digits to 16-D latents
//     (package vae), and a DDPM with an MLP denoiser is trained on the
//     standardised latents; samples are decoded by the VAE. This is what
//     trains in minutes on 2 CPU cores with the pure-Go backend.
//   - pixel (the gpu preset): a DDPM with a small U-Net on the 28×28 pixels,
//     with native (XLA) convolutions. simplego cannot train it: the gradient
//     of a convolution needs Reverse, which it does not implement.
//
// Every dense layer is dense.Layer / dense.LayerSum (the matrix product with
// the cheap gradient).
package ddpm

import (
	"fmt"
	"math"
)

// Schedule is a noise schedule of T steps: β_t, α_t = 1 − β_t and
// ᾱ_t = α_1⋯α_t for t = 1…T, with ᾱ_0 = 1 at index 0.
type Schedule struct {
	Kind     string // "linear" or "cosine"
	T        int
	Beta     []float64
	AlphaBar []float64
}

// NewSchedule builds a schedule: "linear" spaces β evenly from beta0 to
// beta1 (Ho et al.); "cosine" takes ᾱ_t = f(t)/f(0) with
// f(t) = cos²((t/T + s)/(1 + s)·π/2), s = 0.008, β capped at 0.999
// (Nichol & Dhariwal), ignoring beta0 and beta1.
func NewSchedule(kind string, T int, beta0, beta1 float64) (*Schedule, error) {
	if T < 2 || T > 10000 {
		return nil, fmt.Errorf("%d diffusion steps: want 2..10000", T)
	}
	s := &Schedule{Kind: kind, T: T, Beta: make([]float64, T+1), AlphaBar: make([]float64, T+1)}
	s.AlphaBar[0] = 1
	switch kind {
	case "linear":
		if !(beta0 > 0 && beta0 <= beta1 && beta1 < 1) {
			return nil, fmt.Errorf("linear schedule β %g…%g: want 0 < β₀ ≤ β₁ < 1", beta0, beta1)
		}
		for t := 1; t <= T; t++ {
			s.Beta[t] = beta0 + (beta1-beta0)*float64(t-1)/float64(T-1)
			s.AlphaBar[t] = s.AlphaBar[t-1] * (1 - s.Beta[t])
		}
	case "cosine":
		const off = 0.008
		f := func(t int) float64 {
			c := math.Cos((float64(t)/float64(T) + off) / (1 + off) * math.Pi / 2)
			return c * c
		}
		for t := 1; t <= T; t++ {
			s.Beta[t] = min(1-f(t)/f(t-1), 0.999)
			s.AlphaBar[t] = s.AlphaBar[t-1] * (1 - s.Beta[t])
		}
	default:
		return nil, fmt.Errorf("unknown schedule %q: linear or cosine", kind)
	}
	return s, nil
}

// String describes the schedule for manifests.
func (s *Schedule) String() string {
	if s.Kind == "linear" {
		return fmt.Sprintf("linear β %g…%g, T = %d", s.Beta[1], s.Beta[s.T], s.T)
	}
	return fmt.Sprintf("cosine (Nichol & Dhariwal), T = %d", s.T)
}

// Noise coefficients of step t: x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε.
func (s *Schedule) Noise(t int) (signal, noise float64) {
	return math.Sqrt(s.AlphaBar[t]), math.Sqrt(1 - s.AlphaBar[t])
}

// Posterior returns the coefficients of one reverse step from t to t−1:
// x_{t−1} = c0·x̂_0 + ct·x_t + σ·z with the mean of q(x_{t−1} | x_t, x̂_0)
// and σ² = β̃_t = β_t(1−ᾱ_{t−1})/(1−ᾱ_t) (0 at t = 1).
func (s *Schedule) Posterior(t int) (c0, ct, sigma float64) {
	ab, abPrev, beta := s.AlphaBar[t], s.AlphaBar[t-1], s.Beta[t]
	c0 = beta * math.Sqrt(abPrev) / (1 - ab)
	ct = (1 - abPrev) * math.Sqrt(1-beta) / (1 - ab)
	if t > 1 {
		sigma = math.Sqrt(beta * (1 - abPrev) / (1 - ab))
	}
	return c0, ct, sigma
}

// FrameTimes returns k times from T down to 0 at even steps of √ᾱ_t, the
// share of the signal left in x_t: a linear schedule destroys most of the
// signal early, so frames evenly spaced in t would spend most of an
// animation on noise. Equal times (possible when k is near T) are spread
// out so that the k times are distinct.
func (s *Schedule) FrameTimes(k int) []int {
	k = max(2, min(k, s.T+1))
	times := make([]int, k)
	for i := range k {
		target := float64(i) / float64(k-1) // √ᾱ wanted, 0 at i = 0 … 1 at i = k−1
		best := 0
		for t := 0; t <= s.T; t++ {
			if math.Abs(math.Sqrt(s.AlphaBar[t])-target) < math.Abs(math.Sqrt(s.AlphaBar[best])-target) {
				best = t
			}
		}
		times[i] = best
	}
	times[0], times[k-1] = s.T, 0
	for i := 1; i < k; i++ { // strictly decreasing, keeping room for the rest
		times[i] = min(times[i], times[i-1]-1)
	}
	times[k-1] = 0
	for i := k - 2; i >= 0; i-- {
		times[i] = max(times[i], times[i+1]+1)
	}
	return times
}
