package workday

import (
	"errors"
	"fmt"
	"time"
)

// ErrBadDate is wrapped by every error about a date that cannot be parsed or
// does not exist (for example "2025-02-30").
var ErrBadDate = errors.New("workday: bad date")

// DateLayout is the only textual form of a Date accepted and produced by
// this package: ISO 8601 calendar date, "2006-01-02".
const DateLayout = "2006-01-02"

// Minimum and maximum years a Date can hold. Four-digit years keep the
// textual form fixed-width.
const (
	MinYear = 1
	MaxYear = 9999
)

// shanghai is the zone in which instants are turned into civil dates.
//
// It is a fixed UTC+08:00 zone rather than the tz database's Asia/Shanghai:
// mainland China has observed UTC+08:00 without daylight saving time since
// 1991, so for every year this package can hold data for the two agree, and
// a fixed zone needs no tz database on the host (a fresh container often has
// none) and no embedded copy of one. It is never modified after package
// initialisation.
var shanghai = time.FixedZone("Asia/Shanghai", 8*60*60)

// Shanghai returns the zone (fixed UTC+08:00) in which this package
// interprets instants. See DateOf.
func Shanghai() *time.Location { return shanghai }

// Date is a civil (calendar) date in China: a year, month and day with no
// time of day and no time zone. The zero Date is not a valid date; IsZero
// reports it. Dates are comparable with == and ordered by Compare.
//
// Construct one with NewDate, ParseDate or DateOf. In JSON and other text
// encodings a Date is "2006-01-02".
type Date struct {
	y int16
	m uint8
	d uint8
}

// NewDate returns the date year-month-day, or an error wrapping ErrBadDate
// if no such date exists or the year is outside MinYear..MaxYear.
func NewDate(year int, month time.Month, day int) (Date, error) {
	if year < MinYear || year > MaxYear {
		return Date{}, fmt.Errorf("%w: year %d outside %d..%d", ErrBadDate, year, MinYear, MaxYear)
	}
	if month < time.January || month > time.December {
		return Date{}, fmt.Errorf("%w: month %d outside 1..12 in %04d-%02d-%02d", ErrBadDate, int(month), year, int(month), day)
	}
	if day < 1 || day > daysIn(year, month) {
		return Date{}, fmt.Errorf("%w: day %d does not exist in %04d-%02d", ErrBadDate, day, year, int(month))
	}
	return Date{y: int16(year), m: uint8(month), d: uint8(day)}, nil
}

// MustDate is NewDate for dates known to be valid at compile time (tests,
// examples, tables). It panics on an invalid date.
func MustDate(year int, month time.Month, day int) Date {
	d, err := NewDate(year, month, day)
	if err != nil {
		panic(err)
	}
	return d
}

// ParseDate parses s in the form "2006-01-02" (exactly ten characters,
// zero-padded). Any other form, or a date that does not exist, is an error
// wrapping ErrBadDate that quotes s.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("%w: %q is not in the form YYYY-MM-DD", ErrBadDate, s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, fmt.Errorf("%w: %q is not in the form YYYY-MM-DD", ErrBadDate, s)
	}
	out, err := NewDate(y, time.Month(m), d)
	if err != nil {
		return Date{}, fmt.Errorf("parsing %q: %w", s, err)
	}
	return out, nil
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// DateOf returns the civil date of instant t in China (UTC+08:00, see
// Shanghai), whatever t's own location. 2025-09-30T17:00:00Z is 2025-10-01
// in China.
func DateOf(t time.Time) Date {
	y, m, d := t.In(shanghai).Date()
	out, err := NewDate(y, m, d)
	if err != nil {
		// Only instants outside years 1..9999 get here.
		return Date{}
	}
	return out
}

// Year returns the date's year.
func (d Date) Year() int { return int(d.y) }

// Month returns the date's month.
func (d Date) Month() time.Month { return time.Month(d.m) }

// Day returns the date's day of the month.
func (d Date) Day() int { return int(d.d) }

// IsZero reports whether d is the zero Date, which is not a valid date.
func (d Date) IsZero() bool { return d == Date{} }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	w := (dayNumber(d) + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// AddDays returns the date n calendar days after d (before d if n < 0).
// The result is the zero Date if it falls outside MinYear..MaxYear.
func (d Date) AddDays(n int) Date {
	return fromDayNumber(dayNumber(d) + int64(n))
}

// Compare returns -1 if d is before e, 0 if they are the same date, +1 if d
// is after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.y != e.y:
		return cmpInt(int(d.y), int(e.y))
	case d.m != e.m:
		return cmpInt(int(d.m), int(e.m))
	default:
		return cmpInt(int(d.d), int(e.d))
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Start returns the instant the date begins in China (00:00 UTC+08:00).
func (d Date) Start() time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, shanghai)
}

// String returns d as "2006-01-02"; the zero Date is "0000-00-00".
func (d Date) String() string {
	var b [10]byte
	put := func(i, v, w int) {
		for k := w - 1; k >= 0; k-- {
			b[i+k] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, int(d.y), 4)
	b[4] = '-'
	put(5, int(d.m), 2)
	b[7] = '-'
	put(8, int(d.d), 2)
	return string(b[:])
}

// MarshalText encodes d as "2006-01-02". The zero Date cannot be encoded.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return nil, fmt.Errorf("%w: cannot encode the zero Date", ErrBadDate)
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes "2006-01-02" (see ParseDate).
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// dayNumber returns the number of days from 1970-01-01 to d (negative before).
// Algorithm: H. Hinnant, "chrono-Compatible Low-Level Date Algorithms",
// days_from_civil.
func dayNumber(d Date) int64 {
	y := int64(d.y)
	m := int64(d.m)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + int64(d.d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// fromDayNumber is the inverse of dayNumber (Hinnant's civil_from_days).
func fromDayNumber(z int64) Date {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	if y < MinYear || y > MaxYear {
		return Date{}
	}
	return Date{y: int16(y), m: uint8(m), d: uint8(d)}
}

func daysIn(year int, m time.Month) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}
