package workday

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/shuangsuiji/ssj/internal/jsonin"
)

// DataFormat is the value of the "format" field every calendar data file
// must carry. A file in another format is rejected rather than guessed at.
const DataFormat = "ssj-workday/1"

// ErrInvalidData is wrapped by every error about calendar data that cannot
// be decoded or breaks a rule of the format (see Load).
var ErrInvalidData = errors.New("workday: invalid calendar data")

//go:embed data/cn.json
var embeddedCN []byte

// Dataset is calendar data: the State Council's yearly holiday notices
// (国务院办公厅关于YYYY年部分节假日安排的通知) turned into days off and make-up
// working days (调休上班). It is the JSON document in data/cn.json, and the
// form in which an agency supplies next year's notice or local extra days.
type Dataset struct {
	// Format must equal DataFormat.
	Format string `json:"format"`
	// Version identifies this revision of the data, e.g. "2025.11.04".
	Version string `json:"version"`
	// Source says where the facts come from and how they were checked.
	Source string `json:"source,omitempty"`
	// Years holds one entry per notice year, in ascending order.
	Years []Year `json:"years"`
}

// Year is the data for one notice year: the notices that fix it and the
// holidays they declare. A holiday's days may begin in late December of the
// previous year (the 2019 notice put 元旦 on 2018-12-30..2019-01-01 with a
// make-up working day on Saturday 2018-12-29).
type Year struct {
	// Year is the notice year ("2026年部分节假日安排").
	Year int `json:"year"`
	// Notices lists the documents this year's data is taken from: the
	// yearly notice first, then any later adjustment (2019 劳动节, 2020
	// 春节 extension) or special decision (2015 抗战胜利70周年).
	Notices []Notice `json:"notices"`
	// Holidays lists the declared holidays in date order.
	Holidays []Holiday `json:"holidays"`
}

// Notice is the provenance of one year's data: the official document.
type Notice struct {
	// Title is the document's title, e.g. 国务院办公厅关于2026年部分节假日安排的通知.
	Title string `json:"title"`
	// Number is the document number (文号), e.g. 国办发明电〔2024〕12号;
	// empty where it is not known.
	Number string `json:"number,omitempty"`
	// Issued is the date the document bears (落款日期); for the older
	// notices where that was not checked it is the date of publication on
	// www.gov.cn, at most a day or two later.
	Issued Date `json:"issued"`
	// URL is where the document is published (www.gov.cn for the State
	// Council's notices).
	URL string `json:"url,omitempty"`
}

// Holiday is one declared holiday (e.g. 春节): the days off, From..To
// inclusive (weekend days inside the range are off anyway), and the make-up
// working days (调休上班), each a Saturday or Sunday.
type Holiday struct {
	// Name is the holiday's name as in the notice, e.g. 国庆节、中秋节.
	Name string `json:"name"`
	// From is the first day off.
	From Date `json:"from"`
	// To is the last day off (equal to From for a single day).
	To Date `json:"to"`
	// Work lists the make-up working days (调休上班) for this holiday.
	Work []Date `json:"work,omitempty"`
}

// Embedded returns the calendar data compiled into this package
// (data/cn.json): the notices for 2015 through 2026. Each call returns a
// fresh copy the caller may modify.
func Embedded() (Dataset, error) {
	ds, err := Load(bytes.NewReader(embeddedCN))
	if err != nil {
		return Dataset{}, fmt.Errorf("embedded data/cn.json: %w", err)
	}
	return ds, nil
}

// Load decodes and checks calendar data in the Dataset JSON form. Unknown
// fields, a wrong "format", a missing notice title or issue date, a
// duplicate year, a holiday ending before it starts or lasting more than
// 15 days, days outside December of the previous year through December of
// the notice year, a make-up working day that is not a Saturday or Sunday
// or lies inside a day-off range, and a date declared both off and working
// are errors wrapping ErrInvalidData that name the year, holiday, field and
// value.
func Load(r io.Reader) (Dataset, error) {
	var ds Dataset
	if err := jsonin.ReadAll(r, 0, &ds, jsonin.Options{}); err != nil {
		return Dataset{}, fmt.Errorf("%w: %w", ErrInvalidData, err)
	}
	if err := ds.Validate(); err != nil {
		return Dataset{}, err
	}
	return ds, nil
}

// Validate checks the rules listed under Load.
func (ds Dataset) Validate() error {
	if ds.Format != DataFormat {
		return fmt.Errorf("%w: field format is %q, want %q", ErrInvalidData, ds.Format, DataFormat)
	}
	if ds.Version == "" {
		return fmt.Errorf("%w: field version is empty", ErrInvalidData)
	}
	seen := map[int]bool{}
	for i, y := range ds.Years {
		if seen[y.Year] {
			return fmt.Errorf("%w: years[%d]: year %d appears twice", ErrInvalidData, i, y.Year)
		}
		seen[y.Year] = true
		if err := y.validate(); err != nil {
			return fmt.Errorf("%w: years[%d] (year %d): %w", ErrInvalidData, i, y.Year, err)
		}
	}
	// Across years: no date both off and working.
	_, _, err := ds.days()
	return err
}

func (y Year) validate() error {
	if y.Year < MinYear+1 || y.Year > MaxYear {
		return fmt.Errorf("field year %d outside %d..%d", y.Year, MinYear+1, MaxYear)
	}
	if len(y.Notices) == 0 {
		return errors.New("field notices is empty: every year names the document it comes from")
	}
	for j, n := range y.Notices {
		if n.Title == "" {
			return fmt.Errorf("notices[%d]: field title is empty", j)
		}
		if n.Issued.IsZero() {
			return fmt.Errorf("notices[%d] %q: field issued is missing", j, n.Title)
		}
	}
	lo := MustDate(y.Year-1, time.December, 1)
	hi := MustDate(y.Year, time.December, 31)
	for j, h := range y.Holidays {
		where := fmt.Sprintf("holidays[%d] %q", j, h.Name)
		if h.Name == "" {
			return fmt.Errorf("%s: field name is empty", where)
		}
		if h.From.IsZero() || h.To.IsZero() {
			return fmt.Errorf("%s: fields from and to are required", where)
		}
		if h.To.Before(h.From) {
			return fmt.Errorf("%s: to %s is before from %s", where, h.To, h.From)
		}
		if span := dayNumber(h.To) - dayNumber(h.From) + 1; span > 15 {
			return fmt.Errorf("%s: %s..%s is %d days, more than 15", where, h.From, h.To, span)
		}
		if h.From.Before(lo) || h.To.After(hi) {
			return fmt.Errorf("%s: %s..%s is outside %s..%s", where, h.From, h.To, lo, hi)
		}
		for k, w := range h.Work {
			if w.IsZero() {
				return fmt.Errorf("%s: work[%d] is missing", where, k)
			}
			if wd := w.Weekday(); wd != time.Saturday && wd != time.Sunday {
				return fmt.Errorf("%s: work[%d] %s is a %s; a make-up working day (调休上班) is a Saturday or Sunday", where, k, w, wd)
			}
			if w.Before(lo) || w.After(hi) {
				return fmt.Errorf("%s: work[%d] %s is outside %s..%s", where, k, w, lo, hi)
			}
			if !w.Before(h.From) && !w.After(h.To) {
				return fmt.Errorf("%s: work[%d] %s lies inside the days off %s..%s", where, k, w, h.From, h.To)
			}
		}
	}
	return nil
}

// days returns every declared day off and make-up working day with the name
// of its holiday, and an error if a date is declared both ways.
func (ds Dataset) days() (off, work map[Date]string, err error) {
	off = map[Date]string{}
	work = map[Date]string{}
	for _, y := range ds.Years {
		for _, h := range y.Holidays {
			for d := h.From; !d.After(h.To); d = d.AddDays(1) {
				off[d] = h.Name
			}
			for _, w := range h.Work {
				work[w] = h.Name
			}
		}
	}
	// Check in a fixed order so the error names the same date every time.
	dates := make([]Date, 0, len(work))
	for d := range work {
		dates = append(dates, d)
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i].Before(dates[j]) })
	for _, d := range dates {
		if name, ok := off[d]; ok {
			return nil, nil, fmt.Errorf("%w: %s is declared a day off (%s) and a make-up working day (%s)", ErrInvalidData, d, name, work[d])
		}
	}
	return off, work, nil
}

// Merge returns ds with extra added: years missing from ds are added, and a
// year present in both gets extra's notices and holidays appended (local
// extra days). The result is validated; ds and extra are not modified. The
// result's Version joins both versions with "+" so a report can say which
// data it used.
func (ds Dataset) Merge(extra Dataset) (Dataset, error) {
	if err := extra.Validate(); err != nil {
		return Dataset{}, fmt.Errorf("extra data: %w", err)
	}
	out := Dataset{
		Format:  ds.Format,
		Version: ds.Version + "+" + extra.Version,
		Source:  ds.Source,
	}
	idx := map[int]int{}
	for _, y := range ds.Years {
		idx[y.Year] = len(out.Years)
		out.Years = append(out.Years, y.clone())
	}
	for _, y := range extra.Years {
		if i, ok := idx[y.Year]; ok {
			out.Years[i].Notices = append(out.Years[i].Notices, y.Notices...)
			out.Years[i].Holidays = append(out.Years[i].Holidays, y.clone().Holidays...)
			continue
		}
		idx[y.Year] = len(out.Years)
		out.Years = append(out.Years, y.clone())
	}
	sort.SliceStable(out.Years, func(i, j int) bool { return out.Years[i].Year < out.Years[j].Year })
	if err := out.Validate(); err != nil {
		return Dataset{}, fmt.Errorf("merged data: %w", err)
	}
	return out, nil
}

func (y Year) clone() Year {
	c := Year{Year: y.Year, Notices: append([]Notice(nil), y.Notices...)}
	for _, h := range y.Holidays {
		h.Work = append([]Date(nil), h.Work...)
		c.Holidays = append(c.Holidays, h)
	}
	return c
}
