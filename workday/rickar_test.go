package workday

import (
	"math/rand/v2"
	"testing"
	"time"
)

// The index must give exactly the answers of the rickar/cal model it was
// built from: every day of 2015–2026 and several counts, forwards and
// backwards, compared with rickar/cal's own IsWorkday and WorkdaysFrom.
func TestIndexAgreesWithRickar(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	first := MustDate(2015, time.January, 1)
	last := MustDate(2026, time.December, 31)
	checked := 0
	for d := first; !d.After(last); d = d.AddDays(1) {
		got, err := c.IsWorkday(d)
		if err != nil {
			t.Fatal(err)
		}
		if want := c.bc.IsWorkday(rickarTime(d)); got != want {
			t.Fatalf("IsWorkday(%s) = %v, rickar/cal says %v", d, got, want)
		}
		for _, n := range []int{1, 2, 15, 20, -1, -20} {
			want := rickarDate(c.bc.WorkdaysFrom(rickarTime(d), n))
			if want.Year() < 2015 || want.Year() > 2026 {
				continue // rickar/cal would guess Monday–Friday there; we refuse
			}
			got, err := c.AddWorkdays(d, n)
			if err != nil {
				t.Fatalf("AddWorkdays(%s, %d): %v", d, n, err)
			}
			if got != want {
				t.Fatalf("AddWorkdays(%s, %d) = %s, rickar/cal WorkdaysFrom says %s", d, n, got, want)
			}
			checked++
		}
	}
	if checked < 6*4383-100 {
		t.Fatalf("only %d comparisons made", checked)
	}
}

// benchDates returns n pseudo-random dates in 2015-01-01..2026-11-30 (so
// that +20 working days stays inside the loaded data), from a fixed seed.
func benchDates(n int) []Date {
	r := rand.New(rand.NewPCG(2026, 5))
	base := dayNumber(MustDate(2015, time.January, 1))
	span := dayNumber(MustDate(2026, time.November, 30)) - base + 1
	out := make([]Date, n)
	for i := range out {
		out[i] = fromDayNumber(base + r.Int64N(span))
	}
	return out
}

// Both sides answer the same 1M-date table identically; checked on a
// sample here, in full by TestIndexAgreesWithRickar.
func TestBenchDatesAgree(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range benchDates(2000) {
		got, err := c.AddWorkdays(d, 20)
		if err != nil {
			t.Fatal(err)
		}
		if want := rickarDate(c.bc.WorkdaysFrom(rickarTime(d), 20)); got != want {
			t.Fatalf("AddWorkdays(%s, 20) = %s, rickar/cal says %s", d, got, want)
		}
	}
}

var sinkDate Date
var sinkTime time.Time

// BenchmarkAddWorkdays20 compares AddWorkdays(date, 20) on the index with
// rickar/cal's WorkdaysFrom on the same calendar model, over the same
// pseudo-random dates. Run 1M calls each with
//
//	go test ./workday -run '^$' -bench AddWorkdays20 -benchtime 1000000x -count 5
func BenchmarkAddWorkdays20(b *testing.B) {
	c, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	dates := benchDates(1 << 16)
	times := make([]time.Time, len(dates))
	for i, d := range dates {
		times[i] = rickarTime(d)
	}
	b.Run("index", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			d, err := c.AddWorkdays(dates[i&(len(dates)-1)], 20)
			if err != nil {
				b.Fatal(err)
			}
			sinkDate = d
		}
	})
	b.Run("rickar", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sinkTime = c.bc.WorkdaysFrom(times[i&(len(times)-1)], 20)
		}
	})
}
