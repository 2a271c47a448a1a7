package main

import (
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/shuangsuiji/ssj/internal/phase/phasetrace"
)

// phaseTimes is one traced run: each phase's time in seconds, by name,
// the phases' names in the order they began, and the run's wall time.
type phaseTimes struct {
	names []string
	secs  map[string]float64
	wall  float64
}

// traced runs fn on procs processors while recording an execution
// trace, and returns the time spent in each phase that package registry
// and package draw mark.
func traced(fn func() error, procs int) phaseTimes {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	runtime.GC()
	t0 := time.Now()
	spans, err := phasetrace.Record(fn)
	wall := time.Since(t0).Seconds()
	if err != nil {
		fail(err)
	}
	pt := phaseTimes{names: phasetrace.Names(spans), secs: map[string]float64{}, wall: wall}
	for _, s := range spans {
		pt.secs[s.Name] = s.Dur.Seconds()
	}
	return pt
}

// measurePhases prints where the time of what (fn) goes, phase by phase,
// on one processor and on all: runs traced runs on each, alternated,
// medians. A phase that the
// processors share evenly takes 1/GOMAXPROCS of its 1-processor time; the
// last column is what it takes beyond that, so the column's sum is the
// time the whole falls short of an even split by.
func measurePhases(what string, fn func() error, runs int) {
	procs := runtime.GOMAXPROCS(0)
	var one, all []phaseTimes
	for range runs {
		one = append(one, traced(fn, 1))
		all = append(all, traced(fn, procs))
	}
	names := one[0].names
	for _, r := range all[0].names {
		if !slices.Contains(names, r) {
			names = append(names, r)
		}
	}
	med := func(rs []phaseTimes, f func(phaseTimes) float64) float64 {
		xs := make([]float64, len(rs))
		for i, r := range rs {
			xs[i] = f(r)
		}
		return median(xs)
	}
	fmt.Printf("phases of %s, traced (runtime/trace regions), median of %d runs each:\n", what, runs)
	fmt.Printf("  %-30s %10s %10s %7s %16s\n", "phase", "1 proc ms", fmt.Sprintf("%d procs ms", procs), "ratio", "beyond 1/"+fmt.Sprint(procs)+" ms")
	row := func(name string, f func(phaseTimes) float64) {
		a, b := med(one, f)*1000, med(all, f)*1000
		ratio := "-"
		if b > 0 {
			ratio = fmt.Sprintf("%.2fx", a/b)
		}
		fmt.Printf("  %-30s %10.1f %10.1f %7s %16.1f\n", name, a, b, ratio, b-a/float64(procs))
	}
	for _, n := range names {
		row(n, func(r phaseTimes) float64 { return r.secs[n] })
	}
	row("outside the phases", func(r phaseTimes) float64 {
		s := r.wall
		for _, n := range names {
			s -= r.secs[n]
		}
		return s
	})
	row("whole (traced)", func(r phaseTimes) float64 { return r.wall })
}
