package plan

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/shuangsuiji/ssj/internal/golden"
)

// Rule R9: every task states scope, window (inside the year), estimated
// count and ratio; R14: a joint task names known departments; R13:
// targeted inspections carry a known reason.
func TestValidate(t *testing.T) {
	valid := func() Plan {
		j := simpleTask("J", "治安", "0.1")
		j.Participants = []string{"消防"}
		p := basePlan([]string{"治安", "消防"}, j)
		p.Targeted = []Targeted{{ID: "G", Department: "治安", Items: []string{"K-01"}, Targets: []string{"x"}, Reason: ReasonLead, Date: "2026-05-01"}}
		return p
	}
	tests := []struct {
		name   string
		mutate func(*Plan)
		path   string
		want   error
	}{
		{"valid", func(*Plan) {}, "", nil},
		{"window outside year", func(p *Plan) { p.Tasks[0].Window.To = "2027-01-10" }, "tasks[0](J).window.to", ErrBadDate},
		{"window reversed", func(p *Plan) { p.Tasks[0].Window.From = "2026-06-01" }, "tasks[0](J).window.to", ErrBadDate},
		{"no estimate", func(p *Plan) { p.Tasks[0].EstimatedCount = 0 }, "tasks[0](J).estimated_count", ErrBadValue},
		{"zero ratio", func(p *Plan) { p.Tasks[0].Ratio = dec("0") }, "tasks[0](J).ratio", ErrBadValue},
		{"ratio over 1", func(p *Plan) { p.Tasks[0].Ratio = dec("1.01") }, "tasks[0](J).ratio", ErrBadValue},
		{"no items", func(p *Plan) { p.Tasks[0].Items = nil }, "tasks[0](J).items", ErrMissingField},
		{"unknown participant", func(p *Plan) { p.Tasks[0].Participants = []string{"海关"} }, "tasks[0](J).participants[0]", ErrUnknownDepartment},
		{"launcher as participant", func(p *Plan) { p.Tasks[0].Participants = []string{"治安"} }, "tasks[0](J).participants[0]", ErrDuplicate},
		{"directed without filter", func(p *Plan) { p.Tasks[0].Scope.Mode = Directed }, "tasks[0](J).scope.mode", ErrBadScope},
		{"undirected with filter", func(p *Plan) { p.Tasks[0].Scope.Industries = []string{"H"} }, "tasks[0](J).scope.mode", ErrBadScope},
		{"duplicate ID", func(p *Plan) { p.Targeted[0].ID = "J" }, "targeted[0](J).id", ErrDuplicate},
		{"unknown reason", func(p *Plan) { p.Targeted[0].Reason = "random" }, "targeted[0](G).reason", ErrBadReason},
		{"other without note", func(p *Plan) { p.Targeted[0].Reason = ReasonOther }, "targeted[0](G).note", ErrMissingField},
		{"bad repeat kind", func(p *Plan) { p.Tasks[0].RepeatReason, p.Tasks[0].RepeatKind = "x", "always" }, "tasks[0](J).repeat_kind", ErrBadValue},
		{"repeat kind without reason", func(p *Plan) { p.Tasks[0].RepeatKind = RepeatKeyArea }, "tasks[0](J).repeat_reason", ErrMissingField},
		{"duplicate class ratio", func(p *Plan) {
			p.Tasks[0].ClassRatios = []ClassRatio{{"A", dec("0.05")}, {"A", dec("0.05")}}
		}, "tasks[0](J).class_ratios[1].class", ErrDuplicate},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := valid()
			tc.mutate(&p)
			err := p.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var fe *FieldError
			if !errors.Is(err, tc.want) || !errors.As(err, &fe) || fe.Path != tc.path {
				t.Fatalf("got %v, want %v at %s", err, tc.want, tc.path)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	s := loadSample(t)
	if len(s.plan.Tasks) != 12 || len(s.plan.DepartmentTasks("消防")) != 5 || len(s.plan.DepartmentTasks("出入境")) != 1 {
		t.Fatalf("sample plan: %d tasks", len(s.plan.Tasks))
	}
	for name, in := range map[string]string{
		"unknown field": `{"year":2026,"colour":"red"}`,
		"trailing":      `{} {}`,
		"not json":      `year: 2026`,
		"float ratio":   `{"tasks":[{"ratio":"abc"}]}`,
	} {
		if _, err := Decode(strings.NewReader(in), "p.json"); !errors.Is(err, ErrBadFile) || !strings.Contains(err.Error(), "p.json") {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err := Decode(strings.NewReader(`{"year":2026,"version":1,"effective":"2026-01-01","authority":"x","departments":["治安"],
		"tasks":[{"id":"T","name":"t","department":"交警","items":["A"],"scope":{"mode":"undirected"},"window":{"from":"2026-01-01","to":"2026-02-01"},"estimated_count":1,"ratio":0.1}]}`), "p.json")
	var fe *FieldError
	if !errors.As(err, &fe) || fe.File != "p.json" || fe.Path != "tasks[0](T).department" || !errors.Is(err, ErrUnknownDepartment) {
		t.Fatalf("got %v", err)
	}
}

func TestReadHistory(t *testing.T) {
	in := "target_id,item,date,result,task,reason\n" +
		"T1,ZA-01,2026-01-02,compliant,,\n" +
		"T2,,2026-13-01,maybe,,\n" +
		"T3,ZA-01,2026-02-03,责令整改,,\n"
	recs, err := ReadHistory(strings.NewReader(in), "h.csv")
	if len(recs) != 2 || recs[1].Result != ResultRectify {
		t.Errorf("records %+v", recs)
	}
	var rows RowErrors
	if !errors.As(err, &rows) || len(rows) != 3 {
		t.Fatalf("got %v", err)
	}
	for i, w := range []struct {
		col    string
		reason error
	}{{"item", ErrMissingField}, {"date", ErrBadDate}, {"result", ErrBadResult}} {
		if rows[i].Row != 3 || rows[i].Column != w.col || !errors.Is(rows[i], w.reason) {
			t.Errorf("error %d: %v", i, rows[i])
		}
	}
	if _, err := ReadHistory(strings.NewReader("a,b\n"), "h.csv"); !errors.Is(err, ErrBadHeader) {
		t.Errorf("bad header: %v", err)
	}
}

// adjusted returns the sample plan's second version: one task added, one
// removed, one window and ratio changed, one targeted inspection added.
func adjusted(t *testing.T, p Plan) Plan {
	n := p
	n.Version, n.Effective, n.Note = 2, "2026-06-15", "年中调整"
	n.Tasks = nil
	for _, k := range p.Tasks {
		switch k.ID {
		case "2026-ZA-03B":
			continue
		case "2026-ZA-04":
			k.Window.To = "2026-09-30"
			k.Ratio = dec("0.12")
		}
		n.Tasks = append(n.Tasks, k)
	}
	extra := simpleTask("2026-CRJ-02", "出入境", "0.05", "CRJ-01")
	extra.Name = "境外人员住宿登记专项随机抽查"
	extra.Window = Window{"2026-07-01", "2026-08-31"}
	n.Tasks = append(n.Tasks, extra)
	n.Targeted = append(slices.Clone(p.Targeted), Targeted{ID: "2026-ZX-02", Department: "消防", Items: []string{"XF-01"},
		Targets: []string{"924401038AM5Q5D834"}, Reason: ReasonEmergency, Note: "火灾事故后排查", Date: "2026-06-20"})
	return n
}

// Rule R9: the plan and its adjustments are published, as canonical JSON
// and as Chinese text.
func TestPublish_R9_PlanAndAdjustment(t *testing.T) {
	s := loadSample(t)
	v2 := adjusted(t, s.plan)
	d, err := Adjust(s.plan, v2)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Added) != 1 || len(d.Removed) != 1 || len(d.Changed) != 1 || len(d.TargetedAdded) != 1 {
		t.Fatalf("diff %+v", d)
	}
	if fs := d.Changed[0].Fields; len(fs) != 2 || fs[0].Field != "window" || fs[1].Field != "ratio" {
		t.Fatalf("changed fields %+v", fs)
	}
	pj, err := s.plan.PublishJSON()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "plan-v1.json", pj)
	dj, err := d.PublishJSON()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "diff-v1-v2.json", dj)
	var buf bytes.Buffer
	if err := s.plan.PublishText(&buf); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "plan-v1.txt", buf.Bytes())
	buf.Reset()
	if err := d.PublishText(&buf); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "diff-v1-v2.txt", buf.Bytes())
	// Shuffled task order publishes the same bytes.
	sh := s.plan
	sh.Tasks = slices.Clone(sh.Tasks)
	slices.Reverse(sh.Tasks)
	if b, _ := sh.PublishJSON(); !bytes.Equal(b, pj) {
		t.Error("publication depends on task order")
	}
}

func TestAdjust_Refusals(t *testing.T) {
	s := loadSample(t)
	same := s.plan
	same.Version, same.Effective = 2, "2026-06-01"
	if _, err := Adjust(s.plan, same); !errors.Is(err, ErrNoChange) {
		t.Errorf("unchanged: %v", err)
	}
	v2 := adjusted(t, s.plan)
	v2.Version = 3
	if _, err := Adjust(s.plan, v2); !errors.Is(err, ErrVersionOrder) {
		t.Errorf("skipped version: %v", err)
	}
	v2 = adjusted(t, s.plan)
	v2.Effective = "2026-01-01"
	if _, err := Adjust(s.plan, v2); !errors.Is(err, ErrVersionOrder) {
		t.Errorf("earlier effective: %v", err)
	}
}

func TestReport_Text(t *testing.T) {
	s := loadSample(t)
	r := mustCheck(t, s.plan, s.input(), DefaultConfig())
	var buf bytes.Buffer
	if err := r.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "report.txt", buf.Bytes())
}

// FuzzDecode checks that the plan decoder never panics and that every plan
// it accepts is valid and can be checked and published.
func FuzzDecode(f *testing.F) {
	data, err := os.ReadFile(samplePlan)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"year":2026,"tasks":[{"ratio":"1e400"}]}`))
	f.Add([]byte(`{"targeted":[{"reason":"lead"}]}`))
	// Rule R12: a task with an uplift.
	f.Add(bytes.Replace(data, []byte(`"repeat_reason": ""`), []byte(`"repeat_reason": "", "uplift": {"classes": ["A","B","C","D"], "abnormal": "D", "complaints_at_least": 3}`), 1))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Decode(bytes.NewReader(data), "fuzz.json")
		if err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted invalid plan: %v", err)
		}
		if _, err := Check(p, Input{Targets: targets("Z", 10, "B", "440104", p.Departments...)}, DefaultConfig()); err != nil {
			t.Fatalf("Check of a decoded plan: %v", err)
		}
		if _, err := p.PublishJSON(); err != nil {
			t.Fatalf("publish: %v", err)
		}
	})
}

// FuzzReadHistory checks that the history reader never panics and reports
// typed errors.
func FuzzReadHistory(f *testing.F) {
	data, err := os.ReadFile(sampleHistory)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("target_id,item,date,result\n\"x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := ReadHistory(bytes.NewReader(data), "fuzz.csv")
		for _, r := range recs {
			if r.TargetID == "" || r.Item == "" || r.Result == "" {
				t.Fatalf("accepted incomplete record %+v", r)
			}
		}
		if err != nil {
			var re *RowError
			if !errors.As(err, &re) && !errors.Is(err, ErrBadFile) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
		}
	})
}

func TestParseCreditTable_R12(t *testing.T) {
	got, err := ParseCreditTable("A:0-0.05, B:0.05-0.2,C:0.21-0.6,D:0.61-1")
	if err != nil {
		t.Fatal(err)
	}
	def := DefaultConfig().CreditTable
	if len(got) != len(def) {
		t.Fatalf("got %v", got)
	}
	for i := range def {
		if got[i].Class != def[i].Class || !got[i].Min.Equal(def[i].Min) || !got[i].Max.Equal(def[i].Max) {
			t.Errorf("band %d = %+v, want %+v", i, got[i], def[i])
		}
	}
	for _, bad := range []string{"A", "A:0.1", "A:0.2-0.1", "A:0-2", "A:0-0.1,A:0-0.1", ":0-1", "A:-1-0", "A:1e-2-1"} {
		if _, err := ParseCreditTable(bad); !errors.Is(err, ErrBadConfig) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// FuzzParseCreditTable checks that every table the parser accepts is one
// Check accepts.
func FuzzParseCreditTable(f *testing.F) {
	f.Add("A:0-0.05,B:0.05-0.2,C:0.21-0.6,D:0.61-1")
	f.Add("A:0-1")
	f.Fuzz(func(t *testing.T, s string) {
		tab, err := ParseCreditTable(s)
		if err != nil {
			return
		}
		cfg := DefaultConfig()
		cfg.CreditTable = tab
		if err := cfg.validate(); err != nil {
			t.Fatalf("accepted %q but Check refuses it: %v", s, err)
		}
	})
}
