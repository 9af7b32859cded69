// Package progress draws gpuruntime's progress bar on stderr.
//
// On a terminal the bar is redrawn in place (carriage return, at most ten
// times a second) with the step count, the time per step and the time left.
// Anywhere else (a log file, CI, `make models 2>log`) a redrawn line would be
// noise, so only one line per finished unit (an epoch) is written.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// IsTerminal reports whether f is a character device (a terminal), without
// depending on a terminal package.
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Bar tracks one run of Total steps, split into units (epochs) of
// UnitSteps steps; Start may be above 0 when a run resumes.
//
// A bar made by NewSteps has no epochs: it counts the run's steps, and its
// units are report intervals (one line per interval off a terminal).
type Bar struct {
	w         io.Writer
	tty       bool
	steps     bool // NewSteps: no epochs
	label     string
	total     int // steps in the whole run
	unitSteps int
	start     int // step the bar started at (resumed runs start late)
	began     time.Time
	lastDraw  time.Time
	now       func() time.Time
}

// New returns a bar for a run of total steps in units of unitSteps, of which
// start are already done.
func New(w io.Writer, tty bool, label string, total, unitSteps, start int) *Bar {
	return &Bar{w: w, tty: tty, label: label, total: total, unitSteps: unitSteps, start: start, began: time.Now(), now: time.Now}
}

// NewSteps returns a bar for a run of total steps without epochs, of which
// start are done; off a terminal it writes a line every reportEvery steps
// (at each call of Unit).
func NewSteps(w io.Writer, tty bool, label string, total, reportEvery, start int) *Bar {
	b := New(w, tty, label, total, reportEvery, start)
	b.steps = true
	return b
}

// eta is the time left for the steps after step, at the mean pace since the
// bar started (the pace of this process: a resumed run does not count the
// time of the run before it).
func (b *Bar) eta(step int, now time.Time) (perStep, left time.Duration) {
	done := step - b.start
	if done <= 0 {
		return 0, 0
	}
	perStep = now.Sub(b.began) / time.Duration(done)
	return perStep, perStep * time.Duration(b.total-step)
}

// Step reports that step (0-based global count of finished steps) is done.
// It draws only on a terminal.
func (b *Bar) Step(step int, note string) {
	if !b.tty {
		return
	}
	now := b.now()
	if now.Sub(b.lastDraw) < 100*time.Millisecond && step < b.total {
		return
	}
	b.lastDraw = now
	const width = 24
	perStep, left := b.eta(step, now)
	if b.steps {
		fill := step * width / max(b.total, 1)
		fmt.Fprintf(b.w, "\r%s [%s%s] %d/%d %s/step ETA %s %s\x1b[K",
			b.label, strings.Repeat("=", fill), strings.Repeat(" ", width-fill), step, b.total,
			perStep.Round(time.Millisecond), Duration(left), note)
		return
	}
	unit, inUnit := step/b.unitSteps, step%b.unitSteps
	if inUnit == 0 && step > 0 {
		unit, inUnit = unit-1, b.unitSteps
	}
	fill := inUnit * width / b.unitSteps
	fmt.Fprintf(b.w, "\r%s epoch %d/%d [%s%s] %d/%d %s/step ETA %s %s\x1b[K",
		b.label, unit+1, (b.total+b.unitSteps-1)/b.unitSteps,
		strings.Repeat("=", fill), strings.Repeat(" ", width-fill), inUnit, b.unitSteps,
		perStep.Round(time.Millisecond), Duration(left), note)
}

// Unit reports a finished unit (epoch) with a summary. On a terminal it
// clears the bar; elsewhere it writes one line with the time left.
func (b *Bar) Unit(step int, summary string) {
	_, left := b.eta(step, b.now())
	unit := step / b.unitSteps
	if b.tty {
		fmt.Fprintf(b.w, "\r\x1b[K")
		return
	}
	if b.steps {
		fmt.Fprintf(b.w, "%s step %d/%d, %s, ETA %s\n", b.label, step, b.total, summary, Duration(left))
		return
	}
	fmt.Fprintf(b.w, "%s epoch %d/%d done, %s, ETA %s\n", b.label, unit, (b.total+b.unitSteps-1)/b.unitSteps, summary, Duration(left))
}

// Duration prints d as 1h02m03s, 2m03s or 3s.
func Duration(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	switch {
	case s >= 3600:
		return fmt.Sprintf("%dh%02dm%02ds", s/3600, s/60%60, s%60)
	case s >= 60:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	default:
		return fmt.Sprintf("%ds", s)
	}
}
