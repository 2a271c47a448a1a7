package workday_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/internal/golden"
	"github.com/shuangsuiji/ssj/workday"
)

// extra2027 is a HYPOTHETICAL 2027 notice used only to show loading a new
// year at run time. Its dates are invented for the test and are not the
// State Council's.
const extra2027 = `{
 "format": "ssj-workday/1",
 "version": "test-2027",
 "years": [{
  "year": 2027,
  "notices": [{"title": "TEST ONLY: hypothetical 2027 notice", "issued": "2026-11-01"}],
  "holidays": [
   {"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"},
   {"name": "春节", "from": "2027-02-05", "to": "2027-02-13", "work": ["2027-01-31", "2027-02-20"]}
  ]
 }]
}`

// The embedded data parses, covers 2015–2026, and every year names its
// notice (title, number, issue date, www.gov.cn URL). The per-year summary
// is compared with testdata/embedded.golden so that any edit to the data
// shows up in review.
func TestEmbeddedGolden(t *testing.T) {
	ds, err := workday.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if ds.Format != workday.DataFormat || ds.Version == "" {
		t.Fatalf("format %q version %q", ds.Format, ds.Version)
	}
	c, err := workday.New(ds)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "format %s version %s\n", ds.Format, ds.Version)
	for i, y := range ds.Years {
		if y.Year != 2015+i {
			t.Fatalf("years[%d] is %d, want %d", i, y.Year, 2015+i)
		}
		n := y.Notices[0]
		wantTitle := fmt.Sprintf("国务院办公厅关于%d年部分节假日安排的通知", y.Year)
		if n.Title != wantTitle || !strings.HasPrefix(n.Number, "国办发明电〔") ||
			n.Issued.Year() != y.Year-1 || !strings.Contains(n.URL, "www.gov.cn/") {
			t.Errorf("year %d: notice metadata incomplete: %+v", y.Year, n)
		}
		wd, err := c.WorkdaysInYear(y.Year)
		if err != nil {
			t.Fatal(err)
		}
		off, work := 0, 0
		for _, h := range y.Holidays {
			for x := h.From; !x.After(h.To); x = x.AddDays(1) {
				off++
			}
			work += len(h.Work)
		}
		fmt.Fprintf(&b, "%d workdays=%d holidays=%d off-span-days=%d make-up=%d\n", y.Year, wd, len(y.Holidays), off, work)
		for _, n := range y.Notices {
			fmt.Fprintf(&b, "  notice %s | %s | %s | %s\n", n.Title, n.Number, n.Issued, n.URL)
		}
	}
	golden.Check(t, "embedded.golden", []byte(b.String()))
}

// An agency adds next year's notice at run time, without a new release.
func TestMergeNextYear(t *testing.T) {
	base, err := workday.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	extra, err := workday.Load(strings.NewReader(extra2027))
	if err != nil {
		t.Fatal(err)
	}
	merged, err := base.Merge(extra)
	if err != nil {
		t.Fatal(err)
	}
	c, err := workday.New(merged)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Years(); got[len(got)-1] != 2027 || len(got) != 13 {
		t.Fatalf("years %v", got)
	}
	if c.Version() != base.Version+"+test-2027" {
		t.Errorf("version %q", c.Version())
	}
	// 2026-12-31 is a Thursday; 2027-01-01..03 off; +1 is Monday 2027-01-04.
	got, err := c.AddWorkdays(d("2026-12-31"), 1)
	if err != nil || got.String() != "2027-01-04" {
		t.Errorf("AddWorkdays(2026-12-31, 1) = %s, %v", got, err)
	}
	if w, err := c.IsWorkday(d("2027-01-31")); err != nil || !w {
		t.Errorf("make-up Sunday 2027-01-31: %v %v", w, err)
	}
	// base is unchanged.
	if len(base.Years) != 12 {
		t.Errorf("Merge modified its receiver: %d years", len(base.Years))
	}
}

// Local extra days off are merged into a year that is already loaded.
func TestMergeLocalDays(t *testing.T) {
	base, err := workday.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	local := workday.Dataset{Format: workday.DataFormat, Version: "local-1", Years: []workday.Year{{
		Year:     2025,
		Notices:  []workday.Notice{{Title: "某自治区人民政府关于民族节日放假的通知（测试）", Issued: d("2025-01-10")}},
		Holidays: []workday.Holiday{{Name: "地方节日", From: d("2025-03-03"), To: d("2025-03-03")}},
	}}}
	merged, err := base.Merge(local)
	if err != nil {
		t.Fatal(err)
	}
	c, err := workday.New(merged)
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := c.IsWorkday(d("2025-03-03")); w {
		t.Error("local day off 2025-03-03 is still a working day")
	}
	n, _ := c.Notices(2025)
	if len(n) != 2 {
		t.Errorf("notices for 2025: %d, want the national and the local one", len(n))
	}
	// A local make-up working day on a national day off is a conflict.
	local.Years[0].Holidays = []workday.Holiday{{Name: "冲突", From: d("2025-03-08"), To: d("2025-03-08"), Work: []workday.Date{d("2025-10-04")}}}
	if _, err := base.Merge(local); !errors.Is(err, workday.ErrInvalidData) || !strings.Contains(err.Error(), "2025-10-04") {
		t.Errorf("conflict: %v", err)
	}
}

func TestLoadRejects(t *testing.T) {
	good := func(mut func(m map[string]any)) string {
		var m map[string]any
		if err := json.Unmarshal([]byte(extra2027), &m); err != nil {
			t.Fatal(err)
		}
		mut(m)
		b, _ := json.Marshal(m)
		return string(b)
	}
	year := func(m map[string]any) map[string]any { return m["years"].([]any)[0].(map[string]any) }
	hol := func(m map[string]any, i int) map[string]any { return year(m)["holidays"].([]any)[i].(map[string]any) }
	for _, tc := range []struct {
		name, in, want string
	}{
		{"not JSON", "{", "truncated JSON"},
		{"trailing data", extra2027 + "{}", "trailing data"},
		{"wrong format", good(func(m map[string]any) { m["format"] = "holiday-cn" }), `format is "holiday-cn"`},
		{"no version", good(func(m map[string]any) { m["version"] = "" }), "version is empty"},
		{"unknown field", good(func(m map[string]any) { m["isOffDay"] = true }), "isOffDay"},
		{"bad date", good(func(m map[string]any) { hol(m, 0)["from"] = "2027-02-30" }), `"2027-02-30"`},
		{"no notice", good(func(m map[string]any) { year(m)["notices"] = []any{} }), "notices is empty"},
		{"notice without title", good(func(m map[string]any) {
			year(m)["notices"] = []any{map[string]any{"issued": "2026-11-01"}}
		}), "title is empty"},
		{"to before from", good(func(m map[string]any) { hol(m, 0)["to"] = "2026-12-31" }), "before from"},
		{"span too long", good(func(m map[string]any) { hol(m, 1)["to"] = "2027-03-13" }), "more than 15"},
		{"outside the year", good(func(m map[string]any) { hol(m, 0)["from"], hol(m, 0)["to"] = "2026-11-30", "2026-11-30" }), "outside 2026-12-01..2027-12-31"},
		{"make-up on a weekday", good(func(m map[string]any) { hol(m, 1)["work"] = []any{"2027-02-01"} }), "2027-02-01 is a Monday"},
		{"make-up inside its own days off", good(func(m map[string]any) { hol(m, 1)["work"] = []any{"2027-02-06"} }), "lies inside"},
		{"off and working", good(func(m map[string]any) { hol(m, 0)["work"] = []any{"2027-02-06"} }), "2027-02-06 is declared a day off"},
		{"duplicate year", good(func(m map[string]any) { m["years"] = append(m["years"].([]any), m["years"].([]any)[0]) }), "appears twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := workday.Load(strings.NewReader(tc.in))
			if !errors.Is(err, workday.ErrInvalidData) {
				t.Fatalf("error %v does not wrap ErrInvalidData", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestDateText(t *testing.T) {
	for _, s := range []string{"2025-1-01", "2025/01/01", "20250101", "2025-13-01", "2025-02-29", "0000-01-01", " 2025-01-01", "２０２５-01-01"} {
		if _, err := workday.ParseDate(s); !errors.Is(err, workday.ErrBadDate) {
			t.Errorf("ParseDate(%q) = %v, want ErrBadDate", s, err)
		}
	}
	x := d("2024-02-29")
	b, err := json.Marshal(x)
	if err != nil || string(b) != `"2024-02-29"` {
		t.Fatalf("marshal: %s %v", b, err)
	}
	var y workday.Date
	if err := json.Unmarshal(b, &y); err != nil || y != x {
		t.Fatalf("unmarshal: %v %v", y, err)
	}
	if _, err := json.Marshal(workday.Date{}); err == nil {
		t.Error("zero Date encoded")
	}
	if x.AddDays(366).String() != "2025-03-01" || x.AddDays(-365*4-1).String() != "2020-02-29" {
		t.Errorf("AddDays: %s %s", x.AddDays(366), x.AddDays(-365*4-1))
	}
	if x.Weekday().String() != "Thursday" {
		t.Errorf("weekday %v", x.Weekday())
	}
	if got := workday.DateOf(mustTime(t, "2025-09-30T17:00:00Z")); got.String() != "2025-10-01" {
		t.Errorf("DateOf = %s", got)
	}
	if !bytes.Equal([]byte(x.String()), []byte("2024-02-29")) {
		t.Error("String")
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
