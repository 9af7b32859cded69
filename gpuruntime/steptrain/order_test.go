package steptrain

import (
	"slices"
	"testing"
)

func TestOrder(t *testing.T) {
	walked := &Order{N: 10, Batch: 3, Seed: 7}
	if walked.PerEpoch() != 3 {
		t.Fatalf("PerEpoch = %d, want 3 (the 10th example is left out)", walked.PerEpoch())
	}
	var epochs [][]int
	for step := range 9 {
		got := slices.Clone(walked.At(step))
		// A run resumed at this step (a fresh Order) takes the same examples.
		fresh := &Order{N: 10, Batch: 3, Seed: 7}
		if want := fresh.At(step); !slices.Equal(got, want) {
			t.Errorf("step %d: walked %v, resumed %v", step, got, want)
		}
		if step%3 == 0 {
			epochs = append(epochs, nil)
		}
		epochs[len(epochs)-1] = append(epochs[len(epochs)-1], got...)
	}
	for e, ids := range epochs {
		sorted := slices.Sorted(slices.Values(ids))
		if len(slices.Compact(sorted)) != 9 {
			t.Errorf("epoch %d repeats an example: %v", e, ids)
		}
	}
	if slices.Equal(epochs[0], epochs[1]) {
		t.Errorf("epochs 0 and 1 in the same order: %v", epochs[0])
	}
	other := &Order{N: 10, Batch: 3, Seed: 8}
	if slices.Equal(other.At(0), (&Order{N: 10, Batch: 3, Seed: 7}).At(0)) && slices.Equal(other.At(1), (&Order{N: 10, Batch: 3, Seed: 7}).At(1)) {
		t.Error("another seed gives the same order")
	}
}
