// Package phase marks the phases of ssj's large passes (reading a pool,
// sorting its labels, ranking) as runtime/trace regions, so that an
// execution trace (runtime/trace, go tool trace, or bench/draw -phases)
// shows how long each took on the goroutine that drives it. When no trace
// is being recorded, marking a phase costs a check of a flag and changes
// nothing.
package phase

import (
	"context"
	"runtime/trace"
)

// Phases is the phase under way on one goroutine: at most one region is
// open at a time. The zero value has none open. A Phases must be used on
// the goroutine that started it (runtime/trace regions end where they
// begin).
type Phases struct{ r *trace.Region }

// Next ends the open phase, if any, and starts the phase named name.
func (p *Phases) Next(name string) {
	p.End()
	p.r = trace.StartRegion(context.Background(), name)
}

// End ends the open phase, if any; deferred, it closes the last phase on
// every return.
func (p *Phases) End() {
	if p.r != nil {
		p.r.End()
		p.r = nil
	}
}
