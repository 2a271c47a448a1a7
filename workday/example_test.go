package workday_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shuangsuiji/ssj/workday"
)

// Rule R26: results are published within N working days after the task
// ends. Across 国庆 2025 the make-up Saturday 10-11 counts.
func ExampleCalendar_Due() {
	cal, err := workday.Default()
	if err != nil {
		panic(err)
	}
	end := workday.MustDate(2025, time.September, 30)
	for _, dl := range []workday.Deadline{
		workday.PublicationDue(workday.SeedBureauPublicationWorkdays),
		workday.PublicationDue(3),
		workday.ReviewDue(),
	} {
		due, err := cal.Due(end, dl)
		if err != nil {
			panic(err)
		}
		fmt.Println(dl.Workdays, "working days after", end, "->", due, due.Weekday())
	}
	// Output:
	// 2 working days after 2025-09-30 -> 2025-10-10 Friday
	// 3 working days after 2025-09-30 -> 2025-10-11 Saturday
	// 20 working days after 2025-09-30 -> 2025-11-04 Tuesday
}

func ExampleCalendar_IsWorkday() {
	cal, err := workday.Default()
	if err != nil {
		panic(err)
	}
	for _, s := range []string{"2026-02-14", "2026-02-16", "2026-02-24"} {
		d, _ := workday.ParseDate(s)
		w, err := cal.IsWorkday(d)
		if err != nil {
			panic(err)
		}
		info, _ := cal.Explain(d)
		fmt.Println(d, d.Weekday(), w, info.Kind, info.Holiday)
	}
	// Output:
	// 2026-02-14 Saturday true make-up workday 春节
	// 2026-02-16 Monday false holiday 春节
	// 2026-02-24 Tuesday true workday
}

// The start day is not counted; WorkdaysBetween counts (a, b].
func ExampleCalendar_WorkdaysBetween() {
	cal, err := workday.Default()
	if err != nil {
		panic(err)
	}
	a := workday.MustDate(2025, time.September, 30)
	b := workday.MustDate(2025, time.October, 10)
	n, _ := cal.WorkdaysBetween(a, b)
	back, _ := cal.AddWorkdays(a, n)
	year, _ := cal.WorkdaysInYear(2025)
	fmt.Println(n, back, year)
	// Output: 2 2025-10-10 248
}

// Fail closed: 2027's notice is not in the embedded data.
func ExampleNoDataError() {
	cal, err := workday.Default()
	if err != nil {
		panic(err)
	}
	_, err = cal.AddWorkdays(workday.MustDate(2026, time.December, 28), 20)
	var nd *workday.NoDataError
	fmt.Println(errors.Is(err, workday.ErrNoData), errors.As(err, &nd), nd.Year)
	// Output: true true 2027
}

// An agency loads next year's notice at run time. (The 2027 dates here are
// invented for the example.)
func ExampleDataset_Merge() {
	base, err := workday.Embedded()
	if err != nil {
		panic(err)
	}
	extra, err := workday.Load(strings.NewReader(`{"format":"ssj-workday/1","version":"local-2027",
	  "years":[{"year":2027,"notices":[{"title":"EXAMPLE ONLY","issued":"2026-11-01"}],
	  "holidays":[{"name":"元旦","from":"2027-01-01","to":"2027-01-03"}]}]}`))
	if err != nil {
		panic(err)
	}
	merged, err := base.Merge(extra)
	if err != nil {
		panic(err)
	}
	cal, err := workday.New(merged)
	if err != nil {
		panic(err)
	}
	due, err := cal.AddWorkdays(workday.MustDate(2026, time.December, 31), 1)
	fmt.Println(due, err, cal.Version())
	// Output: 2027-01-04 <nil> 2025.11.04-2+local-2027
}

// Status at an instant, for an overdue warning (超期预警).
func ExampleCalendar_StatusAt() {
	cal, err := workday.Default()
	if err != nil {
		panic(err)
	}
	due := workday.MustDate(2025, time.October, 10)
	for _, day := range []int{26, 30} {
		now := time.Date(2025, time.September, day, 9, 0, 0, 0, workday.Shanghai())
		st, _ := cal.StatusAt(due, now, 3)
		fmt.Println(st)
	}
	st, _ := cal.StatusAt(due, time.Date(2025, time.October, 14, 9, 0, 0, 0, workday.Shanghai()), 3)
	fmt.Println(st)
	// Output:
	// not yet due: 2025-10-10, 5 working days left
	// due in 2 working days (2025-10-10)
	// overdue by 3 working days (due 2025-10-10)
}
