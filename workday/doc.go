// Package workday is the Chinese working-day calendar (工作日) and the
// statutory deadlines of 双随机、一公开 computed on it (rules R26 and R28).
//
// # Working days
//
// A working day is Monday to Friday, except the days off the State Council
// declares each year in 国务院办公厅关于YYYY年部分节假日安排的通知, plus the
// Saturdays and Sundays the same notice declares make-up working days
// (调休上班). Because of 调休, "N working days" cannot be computed from the
// weekday alone: a deadline may fall on a Sunday, and a Monday may be off.
//
// The notices for 2015 through 2026 are compiled in (data/cn.json, format
// DataFormat, see Embedded). Every year carries the notice's title, number
// (where known), issue date and URL, so an auditor can check the data
// against the source. Note the 2025 change: from 2025 on 春节 and 劳动节
// each have one more statutory day off (除夕 and 5月2日, 国务院令第795号),
// so 2025 and 2026 have 248 working days where earlier years have 249–251.
//
// # Fail closed
//
// The package never guesses. Any computation that touches a year without a
// loaded notice — IsWorkday, AddWorkdays, WorkdaysBetween, deadlines and
// statuses — returns an error wrapping ErrNoData (a *NoDataError names the
// year). When next year's notice is published (usually in November), load
// it at run time without a new release:
//
//	base, _ := workday.Embedded()
//	extra, err := workday.Load(f) // a file in the same JSON form
//	merged, err := base.Merge(extra)
//	cal, err := workday.New(merged)
//
// The same Merge adds local extra days off (for example a regional holiday)
// to a year that is already loaded. A notice may put days in late December
// of the previous year (2019's 元旦 began on 2018-12-30); those days are
// known only once that notice is loaded.
//
// # Dates and instants
//
// Date is a civil date with no time zone. DateOf turns an instant into the
// date in China; the package uses a fixed UTC+08:00 zone (China has had no
// daylight saving time since 1991), so no tz database is needed on the host.
//
// # Counting rule
//
// The start day is never counted: AddWorkdays(d, n) is the n-th working day
// after d, and WorkdaysBetween(a, b) counts working days in (a, b]. A task
// ending on Friday 2025-09-26 with results due within 2 working days must
// publish by Monday 2025-09-29 (Sunday 2025-09-28 is 调休上班 and counts).
//
// # Deadlines
//
// Deadlines are values (Deadline): PublicationDue(n) for results (R26; the
// seed bureau uses 2, national practice 20), ReviewDue for objections (R28,
// 20 working days from receipt), FeedbackDue for telling the entity the
// outcome (R28, 15 working days from the review decision). Calendar.Due
// gives the due date and Calendar.StatusAt says, at an instant, whether it
// is not yet due, due soon (超期预警, k working days left) or overdue by k
// working days.
//
// # Implementation
//
// The calendar is modelled on github.com/rickar/cal/v2 (each declared day
// off is a holiday, make-up days come through its workday function), and
// its answers are indexed once as a cumulative count of working days, so
// AddWorkdays and WorkdaysBetween take constant time. No rickar/cal type
// appears in this package's API.
package workday
