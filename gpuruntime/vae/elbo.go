package vae

import (
	"math"
	"runtime"
	"sync"

	"github.com/kogi-course/kogi/gpuruntime/mnist"
	wvae "github.com/kogi-course/kogi/wasmdemo/vae"
)

// The functions here evaluate a model with the browser's own forward pass
// (wasmdemo/vae's Runner), so the numbers are those of the weights the page
// really uses. The work is split into fixed chunks summed in order, so the
// results do not depend on the number of CPUs.

const evalChunk = 500

// forChunks runs fn on [start, end) chunks of n items on all CPUs, each
// chunk with its own Runner from m, and returns the per-chunk results.
func forChunks[T any](n int, models []*wvae.Model, fn func(rs []*wvae.Runner, start, end int) T) []T {
	chunks := (n + evalChunk - 1) / evalChunk
	out := make([]T, chunks)
	next := make(chan int, chunks)
	for c := range chunks {
		next <- c
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.NumCPU(), chunks) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs := make([]*wvae.Runner, len(models))
			for i, m := range models {
				rs[i] = m.NewRunner()
			}
			for c := range next {
				out[c] = fn(rs, c*evalChunk, min((c+1)*evalChunk, n))
			}
		}()
	}
	wg.Wait()
	return out
}

// NegELBO returns the mean per-digit reconstruction and KL terms of m's
// negative ELBO over set, one sample per digit with the noise of TestNoise:
// the same estimate as Run.Evaluate, through the browser's forward pass.
//
// The Runner gives Bernoulli means p, not logits, so the cross entropy is
// computed from p. A float32 sigmoid rounds to exactly 1 for logits above
// about 16.6; 1−p is kept at or above 2⁻²⁵ there, so such a pixel costs at
// most (1−x)·17.3 nats instead of (1−x)·logit. Rounding to 0 happens only
// below logit −103, beyond anything a trained decoder gives.
func NegELBO(m *wvae.Model, set *mnist.Set) (recon, kl float64) {
	L := m.Latent
	eps := TestNoise(set.N(), L)
	sums := forChunks(set.N(), []*wvae.Model{m}, func(rs []*wvae.Runner, start, end int) [2]float64 {
		mu, lv, z := make([]float32, L), make([]float32, L), make([]float32, L)
		p := make([]float32, mnist.Pixels)
		var r, k float64
		for i := start; i < end; i++ {
			x := set.Image(i)
			rs[0].Encode(x, mu, lv)
			for j := range L {
				m, v := float64(mu[j]), float64(lv[j])
				k += -0.5 * (1 + v - m*m - math.Exp(v))
				z[j] = float32(m + math.Exp(0.5*v)*float64(eps[i*L+j]))
			}
			rs[0].Decode(z, p)
			for j, xj := range x {
				pj := max(float64(p[j]), 1e-38)
				qj := max(1-float64(p[j]), 0x1p-25)
				r -= float64(xj)*math.Log(pj) + (1-float64(xj))*math.Log(qj)
			}
		}
		return [2]float64{r, k}
	})
	for _, s := range sums {
		recon += s[0]
		kl += s[1]
	}
	n := float64(set.N())
	return recon / n, kl / n
}

// DecodeMAE is the mean absolute difference, in [0,1] grey units, between
// the reconstructions (decode of the posterior mean) of every digit of set
// under model a and under model b: how far quantised weights move the
// pictures the demo shows.
func DecodeMAE(a, b *wvae.Model, set *mnist.Set) float64 {
	sums := forChunks(set.N(), []*wvae.Model{a, b}, func(rs []*wvae.Runner, start, end int) float64 {
		L := a.Latent
		mu, lv := make([]float32, L), make([]float32, L)
		pa, pb := make([]float32, mnist.Pixels), make([]float32, mnist.Pixels)
		var s float64
		for i := start; i < end; i++ {
			rs[0].Encode(set.Image(i), mu, lv)
			rs[0].Decode(mu, pa)
			rs[1].Encode(set.Image(i), mu, lv)
			rs[1].Decode(mu, pb)
			for j := range pa {
				s += math.Abs(float64(pa[j] - pb[j]))
			}
		}
		return s
	})
	var total float64
	for _, s := range sums {
		total += s
	}
	return total / float64(set.N()*mnist.Pixels)
}
