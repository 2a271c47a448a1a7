package registry

import (
	"errors"
	"testing"
	"time"
)

func validTarget() Target {
	return Target{ID: "914403001922038216", Name: "华为技术有限公司", Kind: KindEntity, Jurisdiction: "440307",
		Industry: "I65", CreditClass: "A", Status: StatusActive, Departments: []string{"治安"}}
}

func TestValidateTarget(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Target)
		cfg    Config
		col    string
		want   error
	}{
		{"valid", func(*Target) {}, Config{}, "", nil},
		{"check char", func(t *Target) { t.ID = "914403001922038217" }, Config{}, colID, ErrBadCheckChar},
		{"product local ID", func(t *Target) { t.Kind = KindProduct; t.ID = "P-2026-001" }, Config{}, "", nil},
		{"individual needs USCC", func(t *Target) { t.Kind = KindIndividual; t.ID = "GT-1" }, Config{}, colID, ErrBadUSCC},
		{"label space", func(t *Target) { t.Kind = KindProject; t.ID = " P1" }, Config{}, colID, ErrBadLabel},
		{"label control", func(t *Target) { t.Kind = KindProject; t.ID = "P\n1" }, Config{}, colID, ErrBadLabel},
		{"missing id", func(t *Target) { t.ID = "" }, Config{}, colID, ErrMissingField},
		{"missing name", func(t *Target) { t.Name = " " }, Config{}, colName, ErrMissingField},
		{"bad kind", func(t *Target) { t.Kind = "company" }, Config{}, colKind, ErrBadKind},
		{"bad status", func(t *Target) { t.Status = "gone" }, Config{}, colStatus, ErrBadStatus},
		{"jurisdiction 5 digits", func(t *Target) { t.Jurisdiction = "44030" }, Config{}, colJurisdiction, ErrBadJurisdiction},
		{"jurisdiction letters", func(t *Target) { t.Jurisdiction = "44030X" }, Config{}, colJurisdiction, ErrBadJurisdiction},
		{"class E default set", func(t *Target) { t.CreditClass = "E" }, Config{}, colCreditClass, ErrUnknownClass},
		{"class E Shandong", func(t *Target) { t.CreditClass = "E" }, Config{Classes: []string{"A", "B", "C", "D", "E"}}, "", nil},
		{"class D not in custom", func(t *Target) { t.CreditClass = "D" }, Config{Classes: []string{"A", "B", "C"}}, colCreditClass, ErrUnknownClass},
		{"negative complaints", func(t *Target) { t.Complaints = -1 }, Config{}, colComplaints, ErrBadValue},
		{"no department", func(t *Target) { t.Departments = nil }, Config{}, colDepartments, ErrMissingField},
		{"repeated department", func(t *Target) { t.Departments = []string{"治安", "治安"} }, Config{}, colDepartments, ErrDuplicateValue},
		{"department with separator", func(t *Target) { t.Departments = []string{"治安;网警"} }, Config{}, colDepartments, ErrBadValue},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tg := validTarget()
			c.mutate(&tg)
			err := c.cfg.ValidateTarget(tg)
			if c.want == nil {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			var re *RowError
			if !errors.As(err, &re) || re.Column != c.col {
				t.Fatalf("RowError %+v, want column %q", re, c.col)
			}
		})
	}
}

func TestValidateInspector(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Inspector)
		col    string
		want   error
	}{
		{"valid", func(*Inspector) {}, "", nil},
		{"missing cert", func(in *Inspector) { in.Cert = "" }, colCert, ErrMissingField},
		{"missing unit", func(in *Inspector) { in.Unit = "" }, colUnit, ErrMissingField},
		{"jurisdiction", func(in *Inspector) { in.Jurisdiction = "4401" }, colJurisdiction, ErrBadJurisdiction},
		{"reversed period", func(in *Inspector) {
			in.Unavailable[0].From, in.Unavailable[0].To = in.Unavailable[0].To, in.Unavailable[0].From
		},
			colUnavailable, ErrBadPeriod},
		{"empty period", func(in *Inspector) { in.Unavailable[0].To = in.Unavailable[0].From }, colUnavailable, ErrBadPeriod},
		{"zero period", func(in *Inspector) { in.Unavailable[0] = Period{Reason: "x"} }, colUnavailable, ErrBadPeriod},
		{"relation", func(in *Inspector) { in.Interests[0].Relation = "friend" }, colInterests, ErrBadRelation},
		{"interest repeated", func(in *Inspector) { in.Interests = append(in.Interests, in.Interests[0]) }, colInterests, ErrDuplicateValue},
		{"interest no target", func(in *Inspector) { in.Interests[0].TargetID = "" }, colInterests, ErrMissingField},
		{"qualification repeated", func(in *Inspector) { in.Qualifications = []string{"ZA-01", "ZA-01"} }, colQualifications, ErrDuplicateValue},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := sampleInspectors()[0]
			c.mutate(&in)
			err := Config{}.ValidateInspector(in)
			if c.want == nil {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var re *RowError
			if !errors.Is(err, c.want) || !errors.As(err, &re) || re.Column != c.col {
				t.Fatalf("error %v, want %v in column %q", err, c.want, c.col)
			}
		})
	}
}

// Every problem of every element is reported, not only the first (issue 2).
func TestValidateTargetsReportsAll(t *testing.T) {
	ts := []Target{validTarget(), validTarget(), validTarget(), validTarget()}
	ts[1].ID = "914403001922038217"
	ts[1].CreditClass = "Z"
	ts[3].Jurisdiction = ""
	err := Config{}.ValidateTargets(ts)
	var es RowErrors
	if !errors.As(err, &es) {
		t.Fatalf("error %T %v, want RowErrors", err, err)
	}
	// Row 2: check character and class; row 3: duplicate of row 1;
	// row 4: missing jurisdiction and duplicate of row 1.
	want := []struct {
		row int
		err error
	}{{2, ErrBadCheckChar}, {2, ErrUnknownClass}, {3, ErrDuplicateID}, {4, ErrMissingField}, {4, ErrDuplicateID}}
	if len(es) != len(want) {
		t.Fatalf("got %d errors, want %d: %v", len(es), len(want), err)
	}
	for i, w := range want {
		if es[i].Row != w.row || !errors.Is(es[i], w.err) {
			t.Errorf("error %d = %v, want row %d %v", i, es[i], w.row, w.err)
		}
	}
}

func TestValidateInspectorsDuplicateCert(t *testing.T) {
	ins := sampleInspectors()
	ins[2].Cert = ins[0].Cert
	err := Config{}.ValidateInspectors(ins)
	var re *RowError
	if !errors.Is(err, ErrDuplicateID) || !errors.As(err, &re) || re.Row != 3 {
		t.Fatalf("error %v, want duplicate at row 3", err)
	}
}

func TestPeriodOverlaps(t *testing.T) {
	p := Period{From: time.Date(2026, 3, 1, 0, 0, 0, 0, cst), To: time.Date(2026, 3, 15, 0, 0, 0, 0, cst)}
	if !p.Overlaps(time.Date(2026, 3, 14, 0, 0, 0, 0, cst), time.Date(2026, 4, 1, 0, 0, 0, 0, cst)) {
		t.Error("overlap missed")
	}
	if p.Overlaps(p.To, p.To.Add(time.Hour)) {
		t.Error("half-open end treated as overlapping")
	}
}
