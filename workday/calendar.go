package workday

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/rickar/cal/v2"
)

// ErrNoData is wrapped by every error from a computation that touches a
// year for which no notice is loaded. The package never falls back to a
// Monday–Friday guess: use errors.Is(err, ErrNoData), or errors.As with
// *NoDataError to learn the year.
var ErrNoData = errors.New("workday: no calendar data")

// NoDataError reports the year that has no calendar data. It wraps ErrNoData.
type NoDataError struct {
	// Year is the first year without data that the computation touched.
	Year int
	// Loaded lists the years that do have data, ascending.
	Loaded []int
}

func (e *NoDataError) Error() string {
	have := "none"
	if n := len(e.Loaded); n > 0 {
		have = fmt.Sprintf("%d..%d", e.Loaded[0], e.Loaded[n-1])
		if n != e.Loaded[n-1]-e.Loaded[0]+1 {
			have = fmt.Sprint(e.Loaded)
		}
	}
	return fmt.Sprintf("workday: no calendar data for year %d (loaded years: %s); load the State Council notice for %d (国务院办公厅关于%d年部分节假日安排的通知) before computing working days in it",
		e.Year, have, e.Year, e.Year)
}

// Unwrap returns ErrNoData.
func (e *NoDataError) Unwrap() error { return ErrNoData }

// Calendar is the Chinese working-day calendar (工作日) for the years it has
// data for. A working day is Monday to Friday unless the notices declare it
// a day off, plus every make-up working day (调休上班) they declare on a
// Saturday or Sunday.
//
// A Calendar is immutable once built and safe for concurrent use. Build one
// with Default (the embedded notices) or New (any Dataset, e.g. the
// embedded data merged with next year's notice).
//
// Internally each declared day off is a holiday of a github.com/rickar/cal
// business calendar and the make-up working days are its workday function;
// the answers are then indexed (a cumulative count of working days per day)
// so that AddWorkdays and WorkdaysBetween take constant time.
type Calendar struct {
	version string
	years   []Year // sorted by Year
	loaded  []int  // years with data, ascending
	off     map[Date]string
	work    map[Date]string

	bc *cal.BusinessCalendar // the rickar/cal model the index was built from

	first, last int     // first and last loaded year
	base        int64   // dayNumber of first-01-01
	covered     []bool  // covered[y-first]
	gapsBefore  []int32 // gapsBefore[y-first] = uncovered years in first..y-1
	cum         []int32 // cum[i] = working days among index days [0, i)
	wdays       []int32 // index day of each working day, ascending
}

// Default returns the calendar built from the embedded data (2015–2026).
func Default() (*Calendar, error) {
	ds, err := Embedded()
	if err != nil {
		return nil, err
	}
	return New(ds)
}

// New builds a calendar from ds, which is validated first. Every year listed
// in ds counts as loaded: computations inside it are answered, computations
// touching any other year fail with a *NoDataError.
func New(ds Dataset) (*Calendar, error) {
	if err := ds.Validate(); err != nil {
		return nil, err
	}
	if len(ds.Years) == 0 {
		return nil, fmt.Errorf("%w: no years", ErrInvalidData)
	}
	off, work, err := ds.days()
	if err != nil {
		return nil, err
	}
	c := &Calendar{version: ds.Version, off: off, work: work}
	for _, y := range ds.Years {
		c.years = append(c.years, y.clone())
	}
	sort.Slice(c.years, func(i, j int) bool { return c.years[i].Year < c.years[j].Year })
	for _, y := range c.years {
		c.loaded = append(c.loaded, y.Year)
	}
	c.first, c.last = c.loaded[0], c.loaded[len(c.loaded)-1]
	c.covered = make([]bool, c.last-c.first+1)
	for _, y := range c.loaded {
		c.covered[y-c.first] = true
	}
	c.gapsBefore = make([]int32, len(c.covered)+1)
	for i, ok := range c.covered {
		c.gapsBefore[i+1] = c.gapsBefore[i]
		if !ok {
			c.gapsBefore[i+1]++
		}
	}
	c.bc = newRickar(off, work)
	c.buildIndex()
	return c, nil
}

// fixedDay is the rickar/cal HolidayFn for a holiday on one fixed date. It
// uses UTC so the result does not depend on the process's local zone.
func fixedDay(h *cal.Holiday, year int) time.Time {
	return time.Date(year, h.Month, h.Day, 0, 0, 0, 0, time.UTC)
}

// newRickar models the data as a rickar/cal business calendar: one holiday
// per declared day off (valid in that year only), and a workday function
// that is Monday–Friday plus the declared make-up working days.
func newRickar(off, work map[Date]string) *cal.BusinessCalendar {
	bc := cal.NewBusinessCalendar()
	bc.Name = "CN"
	bc.Description = "China, State Council holiday notices"
	bc.Cacheable = true
	dates := make([]Date, 0, len(off))
	for d := range off {
		dates = append(dates, d)
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i].Before(dates[j]) })
	for _, d := range dates {
		bc.AddHoliday(&cal.Holiday{
			Name:      off[d],
			Type:      cal.ObservancePublic,
			StartYear: d.Year(),
			EndYear:   d.Year(),
			Month:     d.Month(),
			Day:       d.Day(),
			Func:      fixedDay,
		})
	}
	makeUp := make(map[Date]bool, len(work))
	for d := range work {
		makeUp[d] = true
	}
	bc.WorkdayFunc = func(t time.Time) bool {
		y, m, dd := t.Date()
		switch t.Weekday() {
		case time.Saturday, time.Sunday:
			return makeUp[Date{y: int16(y), m: uint8(m), d: uint8(dd)}]
		}
		return true
	}
	return bc
}

// rickarTime is the instant handed to rickar/cal for date d: noon UTC, so no
// zone or DST shift can move it to another day.
func rickarTime(d Date) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, time.UTC)
}

func rickarDate(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y: int16(y), m: uint8(m), d: uint8(d)}
}

// buildIndex asks the rickar/cal model about every day of the loaded span
// once and stores the cumulative count. Days in unloaded years inside the
// span count as not working; the gap check in each query rejects them.
func (c *Calendar) buildIndex() {
	start := MustDate(c.first, time.January, 1)
	end := MustDate(c.last, time.December, 31)
	c.base = dayNumber(start)
	n := int(dayNumber(end) - c.base + 1)
	c.cum = make([]int32, n+1)
	c.wdays = make([]int32, 0, n*3/4)
	for i := 0; i < n; i++ {
		d := fromDayNumber(c.base + int64(i))
		w := c.covered[d.Year()-c.first] && c.bc.IsWorkday(rickarTime(d))
		c.cum[i+1] = c.cum[i]
		if w {
			c.cum[i+1]++
			c.wdays = append(c.wdays, int32(i))
		}
	}
}

// Version returns the data version the calendar was built from.
func (c *Calendar) Version() string { return c.version }

// Years returns the loaded years, ascending.
func (c *Calendar) Years() []int { return append([]int(nil), c.loaded...) }

// Notices returns the documents year's data comes from, or a *NoDataError.
func (c *Calendar) Notices(year int) ([]Notice, error) {
	for _, y := range c.years {
		if y.Year == year {
			return append([]Notice(nil), y.Notices...), nil
		}
	}
	return nil, c.noData(year)
}

func (c *Calendar) noData(year int) error {
	return &NoDataError{Year: year, Loaded: c.Years()}
}

// has reports whether year is loaded.
func (c *Calendar) has(year int) bool {
	return year >= c.first && year <= c.last && c.covered[year-c.first]
}

// index returns d's position in the index, or a *NoDataError.
func (c *Calendar) index(d Date) (int, error) {
	if d.IsZero() {
		return 0, fmt.Errorf("%w: the zero Date", ErrBadDate)
	}
	if !c.has(d.Year()) {
		return 0, c.noData(d.Year())
	}
	return int(dayNumber(d) - c.base), nil
}

// span checks that every year from a's to b's (a <= b) is loaded, and
// names the first one that is not, counted from a in the given direction.
func (c *Calendar) span(a, b Date, forward bool) error {
	ya, yb := a.Year(), b.Year()
	if c.gapsBefore[yb-c.first+1]-c.gapsBefore[ya-c.first] == 0 {
		return nil
	}
	if forward {
		for y := ya; y <= yb; y++ {
			if !c.has(y) {
				return c.noData(y)
			}
		}
	}
	for y := yb; y >= ya; y-- {
		if !c.has(y) {
			return c.noData(y)
		}
	}
	return nil
}

// IsWorkday reports whether d is a working day (工作日). It fails with a
// *NoDataError if d's year is not loaded.
func (c *Calendar) IsWorkday(d Date) (bool, error) {
	i, err := c.index(d)
	if err != nil {
		return false, err
	}
	return c.cum[i+1] != c.cum[i], nil
}

// AddWorkdays returns the n-th working day after d; the start day d is not
// counted, whether or not it is a working day. AddWorkdays(d, 1) is the
// first working day after d. For n < 0 it counts backwards: the |n|-th
// working day before d. For n == 0 it returns d unchanged (after checking
// that d's year is loaded).
//
// If the count runs into a year that is not loaded the result is a
// *NoDataError naming that year.
func (c *Calendar) AddWorkdays(d Date, n int) (Date, error) {
	i, err := c.index(d)
	if err != nil {
		return Date{}, err
	}
	if n == 0 {
		return d, nil
	}
	var k int // position of the answer in wdays
	if n > 0 {
		k = int(c.cum[i+1]) + n - 1
		if k >= len(c.wdays) || k < 0 {
			return Date{}, c.noData(c.last + 1)
		}
	} else {
		k = int(c.cum[i]) + n
		if k < 0 {
			return Date{}, c.noData(c.first - 1)
		}
	}
	r := fromDayNumber(c.base + int64(c.wdays[k]))
	if n > 0 {
		err = c.span(d, r, true)
	} else {
		err = c.span(r, d, false)
	}
	if err != nil {
		return Date{}, err
	}
	return r, nil
}

// NextWorkday returns the first working day strictly after d; it is
// AddWorkdays(d, 1).
func (c *Calendar) NextWorkday(d Date) (Date, error) { return c.AddWorkdays(d, 1) }

// WorkdaysBetween returns the number of working days in the half-open
// interval (a, b]: a is not counted, b is. If b is before a the result is
// minus the count in (b, a]; if a == b it is 0.
//
// It is the inverse of AddWorkdays: when b is a working day after a,
// AddWorkdays(a, WorkdaysBetween(a, b)) == b. The number of working days in
// year Y is WorkdaysBetween(Y-1-12-31, Y-12-31) (see WorkdaysInYear).
//
// Every year from a's to b's must be loaded, else a *NoDataError.
func (c *Calendar) WorkdaysBetween(a, b Date) (int, error) {
	if b.Before(a) {
		n, err := c.WorkdaysBetween(b, a)
		return -n, err
	}
	i, err := c.index(a)
	if err != nil {
		return 0, err
	}
	j, err := c.index(b)
	if err != nil {
		return 0, err
	}
	if err := c.span(a, b, true); err != nil {
		return 0, err
	}
	return int(c.cum[j+1] - c.cum[i+1]), nil
}

// WorkdaysInYear returns the number of working days in calendar year y
// (2024: 251, 2025: 248, 2026: 248), or a *NoDataError.
func (c *Calendar) WorkdaysInYear(y int) (int, error) {
	if !c.has(y) {
		return 0, c.noData(y)
	}
	i := int(dayNumber(MustDate(y, time.January, 1)) - c.base)
	j := int(dayNumber(MustDate(y, time.December, 31)) - c.base)
	return int(c.cum[j+1] - c.cum[i]), nil
}

// DayKind classifies a date on the calendar.
type DayKind int

// The kinds of day. Their String forms are stable and used in JSON output.
const (
	// KindWorkday is an ordinary Monday–Friday working day.
	KindWorkday DayKind = iota + 1
	// KindWeekend is a Saturday or Sunday with no declaration.
	KindWeekend
	// KindHoliday is a day off declared by a notice (放假).
	KindHoliday
	// KindMakeUpWorkday is a Saturday or Sunday declared a working day (调休上班).
	KindMakeUpWorkday
)

// String returns "workday", "weekend", "holiday" or "make-up workday".
func (k DayKind) String() string {
	switch k {
	case KindWorkday:
		return "workday"
	case KindWeekend:
		return "weekend"
	case KindHoliday:
		return "holiday"
	case KindMakeUpWorkday:
		return "make-up workday"
	}
	return fmt.Sprintf("DayKind(%d)", int(k))
}

// DayInfo explains one date: whether it is a working day and why.
type DayInfo struct {
	Date    Date    `json:"date"`
	Workday bool    `json:"workday"`
	Kind    DayKind `json:"-"`
	// KindName is Kind.String(), for JSON.
	KindName string `json:"kind"`
	// Holiday is the name of the declared holiday the day belongs to
	// (for KindHoliday and KindMakeUpWorkday), else empty.
	Holiday string `json:"holiday,omitempty"`
}

// Explain returns what the calendar says about d, or a *NoDataError.
func (c *Calendar) Explain(d Date) (DayInfo, error) {
	w, err := c.IsWorkday(d)
	if err != nil {
		return DayInfo{}, err
	}
	info := DayInfo{Date: d, Workday: w}
	switch {
	case c.off[d] != "":
		info.Kind, info.Holiday = KindHoliday, c.off[d]
	case c.work[d] != "":
		info.Kind, info.Holiday = KindMakeUpWorkday, c.work[d]
	case d.Weekday() == time.Saturday || d.Weekday() == time.Sunday:
		info.Kind = KindWeekend
	default:
		info.Kind = KindWorkday
	}
	info.KindName = info.Kind.String()
	return info, nil
}
