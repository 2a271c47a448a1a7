package workday_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/workday"
)

// naive is an independent day-by-day reference built straight from the
// Dataset (no index, no rickar/cal): Monday–Friday, minus declared days
// off, plus declared make-up working days.
type naive struct {
	off, work map[workday.Date]bool
	lo, hi    int
}

func newNaive(ds workday.Dataset) naive {
	n := naive{off: map[workday.Date]bool{}, work: map[workday.Date]bool{}, lo: 1 << 30}
	for _, y := range ds.Years {
		n.lo = min(n.lo, y.Year)
		n.hi = max(n.hi, y.Year)
		for _, h := range y.Holidays {
			for x := h.From; !x.After(h.To); x = x.AddDays(1) {
				n.off[x] = true
			}
			for _, w := range h.Work {
				n.work[w] = true
			}
		}
	}
	return n
}

func (n naive) isWorkday(x workday.Date) bool {
	if n.off[x] {
		return false
	}
	if n.work[x] {
		return true
	}
	wd := x.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// add steps one day at a time; ok is false if it leaves the loaded years.
func (n naive) add(x workday.Date, k int) (workday.Date, bool) {
	step := 1
	if k < 0 {
		step, k = -1, -k
	}
	for k > 0 {
		x = x.AddDays(step)
		if x.Year() < n.lo || x.Year() > n.hi {
			return workday.Date{}, false
		}
		if n.isWorkday(x) {
			k--
		}
	}
	return x, true
}

func (n naive) between(a, b workday.Date) int {
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	c := 0
	for x := a.AddDays(1); !x.After(b); x = x.AddDays(1) {
		if n.isWorkday(x) {
			c++
		}
	}
	return sign * c
}

// FuzzAddWorkdaysAgainstNaive checks AddWorkdays, WorkdaysBetween and
// IsWorkday against the naive reference for arbitrary start days and
// counts, including counts that run out of the loaded years (which must be
// ErrNoData, never a guess).
func FuzzAddWorkdaysAgainstNaive(f *testing.F) {
	ds, err := workday.Embedded()
	if err != nil {
		f.Fatal(err)
	}
	c, err := workday.New(ds)
	if err != nil {
		f.Fatal(err)
	}
	ref := newNaive(ds)
	base := workday.MustDate(2015, time.January, 1)
	const span = 4383 // days in 2015..2026
	f.Add(uint16(0), int16(20))
	f.Add(uint16(3700), int16(-20))
	f.Add(uint16(span-1), int16(1))
	f.Add(uint16(4000), int16(400))
	f.Add(uint16(10), int16(-3000))
	f.Fuzz(func(t *testing.T, off uint16, k int16) {
		start := base.AddDays(int(off) % span)
		n := int(k) % 800
		got, err := c.AddWorkdays(start, n)
		want, ok := ref.add(start, n)
		if !ok {
			if !errors.Is(err, workday.ErrNoData) {
				t.Fatalf("AddWorkdays(%s, %d) = %s, %v; want ErrNoData", start, n, got, err)
			}
			return
		}
		if err != nil || got != want {
			t.Fatalf("AddWorkdays(%s, %d) = %s, %v; naive says %s", start, n, got, err, want)
		}
		if w, _ := c.IsWorkday(start); w != ref.isWorkday(start) {
			t.Fatalf("IsWorkday(%s) = %v, naive says %v", start, w, !w)
		}
		between, err := c.WorkdaysBetween(start, got)
		if err != nil || between != ref.between(start, got) {
			t.Fatalf("WorkdaysBetween(%s, %s) = %d, %v; naive says %d", start, got, between, err, ref.between(start, got))
		}
		// Forward, WorkdaysBetween inverts AddWorkdays exactly ((a, b] rule).
		if n > 0 && between != n {
			t.Fatalf("WorkdaysBetween(%s, AddWorkdays(%s, %d)=%s) = %d, want %d", start, start, n, got, between, n)
		}
	})
}

// FuzzLoad feeds arbitrary bytes to Load, the decoder for outside calendar
// files: it must never panic, must wrap ErrInvalidData on failure, and
// anything it accepts must build a calendar and survive a JSON round trip.
func FuzzLoad(f *testing.F) {
	emb, err := workday.Embedded()
	if err != nil {
		f.Fatal(err)
	}
	full, err := json.Marshal(emb)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(full)
	f.Add([]byte(extra2027))
	f.Add([]byte(`{"format":"ssj-workday/1","version":"x","years":[]}`))
	f.Add([]byte(`{"format":"ssj-workday/1","version":"x","years":[{"year":2030,"notices":[{"title":"t","issued":"2029-11-01"}],"holidays":[{"name":"a","from":"2030-01-01","to":"2030-01-01","work":["2029-12-29"]}]}]}`))
	f.Add([]byte(`{"format":"ssj-workday/1"`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ds, err := workday.Load(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, workday.ErrInvalidData) && !errors.Is(err, workday.ErrBadDate) {
				t.Fatalf("error %v wraps neither ErrInvalidData nor ErrBadDate", err)
			}
			return
		}
		if len(ds.Years) > 0 {
			if _, err := workday.New(ds); err != nil {
				t.Fatalf("Load accepted data New rejects: %v", err)
			}
		}
		again, err := json.Marshal(ds)
		if err != nil {
			t.Fatal(err)
		}
		ds2, err := workday.Load(bytes.NewReader(again))
		if err != nil {
			t.Fatalf("round trip: %v", err)
		}
		if again2, _ := json.Marshal(ds2); !bytes.Equal(again, again2) {
			t.Fatalf("round trip changed the data:\n%s\n%s", again, again2)
		}
	})
}
