package steptrain

import "math/rand/v2"

// Order is which examples each training step takes: step k takes batch
// k%PerEpoch of epoch k/PerEpoch, in an order shuffled from (Seed, epoch).
// It depends on k alone, so a run resumed at step k sees what the run that
// was never stopped saw. The last N%Batch examples of each shuffled epoch
// are left out. The zero value plus N, Batch and Seed is ready to use.
type Order struct {
	N, Batch int
	Seed     uint64
	perm     []int
	epoch    int // that perm is the order of; perm is nil before the first At
}

// PerEpoch is the number of steps in an epoch.
func (o *Order) PerEpoch() int { return o.N / o.Batch }

// At returns the indices of the examples of step; they are valid until the
// next call.
func (o *Order) At(step int) []int {
	per := o.PerEpoch()
	epoch, k := step/per, step%per
	if o.perm == nil || epoch != o.epoch {
		o.perm = rand.New(rand.NewPCG(o.Seed, uint64(epoch))).Perm(o.N)
		o.epoch = epoch
	}
	return o.perm[k*o.Batch : (k+1)*o.Batch]
}
