// Package phasetrace records an execution trace of a function and sums
// the time spent in each runtime/trace region, such as the phases that
// package phase marks: what the tests check that the phases are marked,
// and what bench/draw -phases prints for 1 and 2 processors.
package phasetrace

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime/trace"
	"time"

	xtrace "golang.org/x/exp/trace"
)

// Span is the time spent in the regions of one name.
type Span struct {
	Name  string
	Dur   time.Duration // the regions' durations, summed
	Count int           // how many regions of that name ended
}

// ErrTracing is returned by Record when an execution trace is already
// being recorded (only one can be at a time).
var ErrTracing = errors.New("phasetrace: an execution trace is already being recorded")

// Record runs f while recording an execution trace and returns the time
// spent in each region that began and ended during f, summed by name, in
// the order each name first began, with f's error. Regions nested in
// others are counted in both.
func Record(f func() error) ([]Span, error) {
	if trace.IsEnabled() {
		return nil, ErrTracing
	}
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		return nil, fmt.Errorf("phasetrace: %w", err)
	}
	ferr := func() error {
		defer trace.Stop() // also when f panics
		return f()
	}()
	spans, err := Spans(&buf)
	if err != nil {
		return nil, err
	}
	return spans, ferr
}

// Names returns the spans' names, in order.
func Names(spans []Span) []string {
	names := make([]string, len(spans))
	for i, s := range spans {
		names[i] = s.Name
	}
	return names
}

// Spans reads an execution trace (the output of runtime/trace.Start) and
// returns the time spent in its regions, summed by name, in the order
// each name first began. A region that began before the trace or did not
// end within it is not counted.
func Spans(r io.Reader) ([]Span, error) {
	rd, err := xtrace.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("phasetrace: reading the trace: %w", err)
	}
	type open struct {
		g    xtrace.GoID
		name string
	}
	began := map[open][]xtrace.Time{} // per goroutine and name: a stack of begin times
	at := map[string]int{}            // name -> index in spans
	var spans []Span
	for {
		ev, err := rd.ReadEvent()
		if err == io.EOF {
			return spans, nil
		}
		if err != nil {
			return nil, fmt.Errorf("phasetrace: reading the trace: %w", err)
		}
		switch ev.Kind() {
		case xtrace.EventRegionBegin:
			k := open{ev.Goroutine(), ev.Region().Type}
			began[k] = append(began[k], ev.Time())
			if _, ok := at[k.name]; !ok {
				at[k.name] = len(spans)
				spans = append(spans, Span{Name: k.name})
			}
		case xtrace.EventRegionEnd:
			k := open{ev.Goroutine(), ev.Region().Type}
			st := began[k]
			if len(st) == 0 {
				continue // began before the trace
			}
			t0 := st[len(st)-1]
			began[k] = st[:len(st)-1]
			s := &spans[at[k.name]]
			s.Dur += ev.Time().Sub(t0)
			s.Count++
		}
	}
}
