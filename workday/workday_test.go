package workday_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/workday"
)

func mustDefault(t testing.TB) *workday.Calendar {
	t.Helper()
	c, err := workday.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func d(s string) workday.Date {
	v, err := workday.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

// Working days per calendar year on the official calendar. These are the
// published figures, not read back from the data: if the data disagrees,
// the data is wrong.
func TestWorkdaysPerYear(t *testing.T) {
	c := mustDefault(t)
	for _, tc := range []struct{ year, want int }{
		{2024, 251},
		{2025, 248}, // 春节 and 劳动节 one day longer from 2025 (国务院令第795号)
		{2026, 248},
	} {
		got, err := c.WorkdaysInYear(tc.year)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("WorkdaysInYear(%d) = %d, want %d", tc.year, got, tc.want)
		}
		// The same count through WorkdaysBetween's (a, b] rule, where the
		// previous year is loaded.
		if tc.year > 2015 {
			n, err := c.WorkdaysBetween(workday.MustDate(tc.year-1, 12, 31), workday.MustDate(tc.year, 12, 31))
			if err != nil || n != tc.want {
				t.Errorf("WorkdaysBetween(%d-12-31, %d-12-31) = %d, %v; want %d", tc.year-1, tc.year, n, err, tc.want)
			}
		}
	}
}

// Rules R26 and R28: deadlines across 春节 and 国庆, including make-up
// Saturdays and Sundays (调休上班), which count as working days.
func TestDeadlinesAcrossHolidays(t *testing.T) {
	c := mustDefault(t)
	for _, tc := range []struct {
		name  string
		start string
		dl    workday.Deadline
		want  string
	}{
		{"R26 2 wd before 春节 2025 uses make-up Sunday 01-26", "2025-01-24", workday.PublicationDue(2), "2025-01-27"},
		{"R26 2 wd across 春节 2025 (01-28..02-04 off)", "2025-01-27", workday.PublicationDue(2), "2025-02-06"},
		{"R26 1 wd into make-up Saturday 2025-02-08", "2025-02-07", workday.PublicationDue(1), "2025-02-08"},
		{"R26 2 wd before 国庆 2025 uses make-up Sunday 09-28", "2025-09-26", workday.PublicationDue(2), "2025-09-29"},
		{"R26 2 wd across 国庆中秋 2025 (10-01..10-08 off)", "2025-09-30", workday.PublicationDue(2), "2025-10-10"},
		{"R26 3 wd ends on make-up Saturday 2025-10-11", "2025-09-30", workday.PublicationDue(3), "2025-10-11"},
		{"R28 review 20 wd from 2025-09-30", "2025-09-30", workday.ReviewDue(), "2025-11-04"},
		{"R28 feedback 15 wd across 国庆 2024 with 09-29 and 10-12 worked", "2024-09-27", workday.FeedbackDue(), "2024-10-23"},
		{"R26 1 wd from 除夕 2024 (a working day) is make-up Sunday 02-18", "2024-02-09", workday.PublicationDue(1), "2024-02-18"},
		{"R26 1 wd before 春节 2026 is make-up Saturday 02-14", "2026-02-13", workday.PublicationDue(1), "2026-02-14"},
		{"R26 2 wd across 春节 2026 (02-15..02-23 off)", "2026-02-13", workday.PublicationDue(2), "2026-02-24"},
		{"R26 across the year end: 2018-12-29 worked (2019 notice)", "2018-12-28", workday.PublicationDue(1), "2018-12-29"},
		{"R26 across 元旦 2019", "2018-12-28", workday.PublicationDue(2), "2019-01-02"},
		{"R26 national practice 20 wd across 春节 2025", "2025-01-20", workday.PublicationDue(workday.NationalPublicationWorkdays), "2025-02-21"}, // 01-26 and 02-08 worked,
		{"R26 2020 春节 extension: Saturday 02-01 is no longer worked", "2020-01-23", workday.PublicationDue(1), "2020-02-03"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Due(d(tc.start), tc.dl)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tc.want {
				t.Errorf("Due(%s, %v) = %s, want %s", tc.start, tc.dl, got, tc.want)
			}
		})
	}
}

// The start day is never counted, whether it is a working day or not.
func TestStartDayRule(t *testing.T) {
	c := mustDefault(t)
	for _, tc := range []struct {
		start string
		n     int
		want  string
	}{
		{"2025-03-03", 1, "2025-03-04"},  // Monday, a working day: +1 is Tuesday
		{"2025-03-03", 0, "2025-03-03"},  // 0 is the day itself
		{"2025-10-04", 0, "2025-10-04"},  // even on a day off
		{"2025-10-04", 1, "2025-10-09"},  // Saturday inside 国庆: next working day
		{"2025-03-01", 1, "2025-03-03"},  // ordinary Saturday
		{"2025-03-04", -1, "2025-03-03"}, // backwards, start not counted
		{"2025-10-09", -1, "2025-09-30"}, // backwards across 国庆
		{"2025-10-12", -1, "2025-10-11"}, // back onto a make-up Saturday
	} {
		got, err := c.AddWorkdays(d(tc.start), tc.n)
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != tc.want {
			t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tc.start, tc.n, got, tc.want)
		}
	}
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"2025-03-03", "2025-03-03", 0},
		{"2025-03-07", "2025-03-10", 1}, // Friday to Monday: only Monday counts
		{"2025-03-10", "2025-03-07", -1},
		{"2025-09-30", "2025-10-10", 2},
		{"2025-09-27", "2025-09-28", 1}, // make-up Sunday counts
	} {
		got, err := c.WorkdaysBetween(d(tc.a), d(tc.b))
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	next, err := c.NextWorkday(d("2025-09-30"))
	if err != nil || next.String() != "2025-10-09" {
		t.Errorf("NextWorkday(2025-09-30) = %s, %v; want 2025-10-09", next, err)
	}
}

func TestIsWorkday(t *testing.T) {
	c := mustDefault(t)
	for _, tc := range []struct {
		date string
		want bool
		kind workday.DayKind
	}{
		{"2025-10-01", false, workday.KindHoliday},
		{"2025-10-11", true, workday.KindMakeUpWorkday},
		{"2025-10-12", false, workday.KindWeekend},
		{"2025-10-13", true, workday.KindWorkday},
		{"2025-01-28", false, workday.KindHoliday}, // 除夕, a day off from 2025
		{"2024-02-09", true, workday.KindWorkday},  // 除夕 2024, still a working day
		{"2025-05-02", false, workday.KindHoliday}, // the second 劳动节 day from 2025
		{"2018-12-29", true, workday.KindMakeUpWorkday},
		{"2015-09-03", false, workday.KindHoliday}, // 抗战胜利70周年
		{"2015-09-06", true, workday.KindMakeUpWorkday},
		{"2020-02-01", false, workday.KindHoliday}, // 2020 extension
	} {
		got, err := c.IsWorkday(d(tc.date))
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("IsWorkday(%s) = %v, want %v", tc.date, got, tc.want)
		}
		info, err := c.Explain(d(tc.date))
		if err != nil {
			t.Fatal(err)
		}
		if info.Kind != tc.kind || info.Workday != tc.want {
			t.Errorf("Explain(%s) = %+v, want kind %v", tc.date, info, tc.kind)
		}
	}
}

// Fail closed: a year without a notice is an error naming the year, never a
// Monday–Friday guess.
func TestYearWithoutData(t *testing.T) {
	c := mustDefault(t)
	check := func(t *testing.T, err error, year int) {
		t.Helper()
		if !errors.Is(err, workday.ErrNoData) {
			t.Fatalf("error %v does not wrap ErrNoData", err)
		}
		var nd *workday.NoDataError
		if !errors.As(err, &nd) || nd.Year != year {
			t.Fatalf("error %v: want *NoDataError for %d", err, year)
		}
		if !strings.Contains(err.Error(), "2027") && year == 2027 {
			t.Fatalf("message %q does not name 2027", err)
		}
	}
	_, err := c.IsWorkday(d("2027-01-04"))
	check(t, err, 2027)
	_, err = c.AddWorkdays(d("2026-12-30"), 5)
	check(t, err, 2027)
	_, err = c.AddWorkdays(d("2015-01-06"), -5)
	check(t, err, 2014)
	_, err = c.WorkdaysBetween(d("2014-12-31"), d("2015-01-05"))
	check(t, err, 2014)
	_, err = c.WorkdaysBetween(d("2026-12-01"), d("2027-01-05"))
	check(t, err, 2027)
	_, err = c.WorkdaysInYear(2027)
	check(t, err, 2027)
	_, err = c.Due(d("2026-12-28"), workday.ReviewDue())
	check(t, err, 2027)
	_, err = c.StatusAt(d("2027-01-10"), time.Date(2026, 12, 1, 9, 0, 0, 0, workday.Shanghai()), 3)
	check(t, err, 2027)
	_, err = c.Notices(2027)
	check(t, err, 2027)

	// A gap inside the loaded span: 2024 and 2026 without 2025.
	ds, err := workday.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	var kept []workday.Year
	for _, y := range ds.Years {
		if y.Year == 2024 || y.Year == 2026 {
			kept = append(kept, y)
		}
	}
	ds.Years = kept
	gap, err := workday.New(ds)
	if err != nil {
		t.Fatal(err)
	}
	_, err = gap.AddWorkdays(d("2024-12-30"), 100)
	check(t, err, 2025)
	_, err = gap.AddWorkdays(d("2026-01-05"), -10)
	check(t, err, 2025)
	_, err = gap.WorkdaysBetween(d("2024-06-01"), d("2026-06-01"))
	check(t, err, 2025)
	_, err = gap.IsWorkday(d("2025-06-01"))
	check(t, err, 2025)
	if got, err := gap.AddWorkdays(d("2024-12-30"), 1); err != nil || got.String() != "2024-12-31" {
		t.Errorf("inside a loaded year: %s, %v", got, err)
	}
}

func TestStatusAt(t *testing.T) {
	c := mustDefault(t)
	due := d("2025-10-10") // 2 working days after 2025-09-30
	at := func(s string, hour int) time.Time {
		v := d(s)
		return time.Date(v.Year(), v.Month(), v.Day(), hour, 0, 0, 0, workday.Shanghai())
	}
	for _, tc := range []struct {
		now   time.Time
		state workday.State
		k     int
		text  string
	}{
		{at("2025-09-26", 10), workday.NotYetDue, 5, "not yet due: 2025-10-10, 5 working days left"},
		{at("2025-09-30", 10), workday.DueSoon, 2, "due in 2 working days (2025-10-10)"},
		{at("2025-10-05", 10), workday.DueSoon, 2, "due in 2 working days (2025-10-10)"},
		{at("2025-10-09", 23), workday.DueSoon, 1, "due in 1 working day (2025-10-10)"},
		{at("2025-10-10", 23), workday.DueSoon, 0, "due today (2025-10-10)"},
		{at("2025-10-11", 0), workday.Overdue, 1, "overdue by 1 working day (due 2025-10-10)"}, // make-up Saturday
		{at("2025-10-12", 9), workday.Overdue, 1, "overdue by 1 working day (due 2025-10-10)"},
		{at("2025-10-14", 9), workday.Overdue, 3, "overdue by 3 working days (due 2025-10-10)"},
		// 2025-10-10T16:30Z is 2025-10-11 00:30 in China: already overdue.
		{time.Date(2025, 10, 10, 16, 30, 0, 0, time.UTC), workday.Overdue, 1, "overdue by 1 working day (due 2025-10-10)"},
	} {
		st, err := c.StatusAt(due, tc.now, 3)
		if err != nil {
			t.Fatal(err)
		}
		if st.State != tc.state || st.Workdays != tc.k || st.String() != tc.text {
			t.Errorf("StatusAt(%s, %s) = %v %d %q; want %v %d %q", due, tc.now, st.State, st.Workdays, st, tc.state, tc.k, tc.text)
		}
	}
	if _, err := c.StatusAt(due, at("2025-10-01", 0), -1); !errors.Is(err, workday.ErrBadDeadline) {
		t.Errorf("negative warning window: %v", err)
	}
	if _, err := c.Due(due, workday.Deadline{Name: "x", Workdays: -1}); !errors.Is(err, workday.ErrBadDeadline) {
		t.Errorf("negative deadline: %v", err)
	}
}

func TestDeadlineValues(t *testing.T) {
	for _, tc := range []struct {
		dl   workday.Deadline
		want int
	}{
		{workday.PublicationDue(workday.SeedBureauPublicationWorkdays), 2},
		{workday.PublicationDue(workday.NationalPublicationWorkdays), 20},
		{workday.ReviewDue(), 20},
		{workday.FeedbackDue(), 15},
	} {
		if tc.dl.Workdays != tc.want || tc.dl.Name == "" {
			t.Errorf("%+v: want %d working days and a name", tc.dl, tc.want)
		}
	}
}
