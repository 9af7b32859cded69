package progress

import (
	"strings"
	"testing"
	"time"
)

// fakeClock advances by one second at every reading.
func fakeClock() func() time.Time {
	t := time.Unix(0, 0)
	return func() time.Time { t = t.Add(time.Second); return t }
}

// Not a terminal: nothing per step, one line per epoch with the time left.
func TestBarNotTerminal(t *testing.T) {
	var sb strings.Builder
	b := New(&sb, false, "vae2", 30, 10, 0)
	b.now = fakeClock()
	b.began = time.Unix(0, 0)
	for s := 1; s <= 10; s++ {
		b.Step(s, "")
	}
	b.Unit(10, "test 160.2")
	got := sb.String()
	if strings.Count(got, "\n") != 1 || strings.Contains(got, "\r") {
		t.Fatalf("want one plain line, got %q", got)
	}
	if !strings.HasPrefix(got, "vae2 epoch 1/3 done, test 160.2, ETA ") {
		t.Fatalf("line = %q", got)
	}
}

// A terminal: the bar redraws in place and shows step count and ETA.
func TestBarTerminal(t *testing.T) {
	var sb strings.Builder
	b := New(&sb, true, "vae2", 20, 10, 10) // resumed at step 10
	b.now = fakeClock()
	b.began = time.Unix(0, 0)
	b.Step(15, "")
	got := sb.String()
	if !strings.HasPrefix(got, "\rvae2 epoch 2/2 [") || !strings.Contains(got, " 5/10 ") || !strings.Contains(got, "ETA ") {
		t.Fatalf("bar = %q", got)
	}
	// 5 steps took 1 s of the fake clock: 200 ms a step, 5 steps left = 1 s.
	if !strings.Contains(got, "200ms/step ETA 1s") {
		t.Fatalf("pace and ETA wrong in %q", got)
	}
}

// Steps mode: no epochs, the whole run's step count, one line per report.
func TestBarSteps(t *testing.T) {
	var sb strings.Builder
	b := NewSteps(&sb, true, "ddpm", 400, 100, 100) // resumed at step 100
	b.now = fakeClock()
	b.began = time.Unix(0, 0)
	b.Step(300, "loss 0.412")
	got := sb.String()
	if !strings.HasPrefix(got, "\rddpm [") || !strings.Contains(got, "] 300/400 5ms/step ETA 1s loss 0.412") || strings.Contains(got, "epoch") {
		t.Fatalf("bar = %q", got)
	}
	sb.Reset()
	b.tty = false
	b.Unit(400, "loss 0.398")
	if got := sb.String(); !strings.HasPrefix(got, "ddpm step 400/400, loss 0.398, ETA 0s\n") {
		t.Fatalf("line = %q", got)
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		3 * time.Second:                           "3s",
		2*time.Minute + 3*time.Second:             "2m03s",
		time.Hour + 2*time.Minute + 3*time.Second: "1h02m03s",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}
