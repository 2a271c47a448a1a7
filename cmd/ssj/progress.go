package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progressMin is the amount of work (rows) below which no bar is drawn.
const progressMin = 100_000

// isTerminal reports whether w is a terminal; tests replace it.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress returns the callback to hand to a library call that reports
// progress (registry.ImportOptions.Progress), and the function to call
// when the work is over. The callback is nil, and nothing is drawn, when
// stderr is not a terminal, with --quiet, and for less than progressMin
// rows: pipes and logs stay clean.
func progress(e *env, what string) (report func(done, total int), finish func()) {
	finish = func() {}
	if e.quiet || !isTerminal(e.stderr) {
		return nil, finish
	}
	var bar *progressbar.ProgressBar
	report = func(done, total int) {
		if bar == nil {
			if max(done, total) < progressMin {
				return
			}
			if total < done {
				total = -1 // unknown: a spinner with a count
			}
			bar = progressbar.NewOptions(total,
				progressbar.OptionSetWriter(e.stderr),
				progressbar.OptionSetDescription(what),
				progressbar.OptionSetItsString("rows"),
				progressbar.OptionShowCount(),
				progressbar.OptionShowIts(),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish(),
				progressbar.OptionSetWidth(30),
			)
		}
		if bar.GetMax() >= 0 && done > bar.GetMax() {
			bar.ChangeMax(done)
		}
		_ = bar.Set(done)
	}
	finish = func() {
		if bar != nil {
			_ = bar.Finish()
			bar = nil
		}
	}
	return report, finish
}

// busy shows a spinner with the elapsed time on stderr while work that
// reports no progress of its own runs (committing, drawing, verifying n
// rows), under the same conditions as progress; the returned function
// stops it. Library calls stay free of any progress plumbing.
func busy(e *env, what string, n int) (stop func()) {
	if e.quiet || n < progressMin || !isTerminal(e.stderr) {
		return func() {}
	}
	bar := progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(e.stderr),
		progressbar.OptionSetDescription(fmt.Sprintf("%s (%d rows)", what, n)),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionSetRenderBlankState(true), // shown at once, not at the first tick
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				_ = bar.Add(1)
			}
		}
	}()
	return func() {
		close(quit)
		<-done
		_ = bar.Finish()
	}
}
