package registry

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// chineseTargets is a target sheet as an agency exports it: a title row,
// Chinese headers in their own order, an extra column, Chinese values.
var chineseTargets = "某区检查对象名录,,,,,,,,,,,\n" +
	"序号,统一社会信用代码,名称,类型,辖区,行业,信用风险分类,经营异常名录,严重违法失信,投诉数,状态,监管部门\n" +
	"1,914403001922038216,华为技术有限公司,企业,440307,I65,a,否,否,2,存续,治安；网警\n" +
	"2,91440300708461136t,深圳市腾讯计算机系统有限公司,市场主体,440305,I64,B,是,否,,注销,网警\n" +
	"3,P-2026-01,某批次烟花爆竹,产品,440103,C26,C,否,是,0,存续,治安\n"

func TestImportChineseHeaders(t *testing.T) {
	tab, err := DecodeCSV([]byte(chineseTargets), ImportOptions{File: "t.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Pool != PoolTargets || len(tab.Targets) != 3 {
		t.Fatalf("pool %s, %d targets", tab.Pool, len(tab.Targets))
	}
	if tab.Rows[0] != 3 || tab.Rows[2] != 5 {
		t.Errorf("rows %v, want [3 4 5]", tab.Rows)
	}
	a, b, c := tab.Targets[0], tab.Targets[1], tab.Targets[2]
	if a.CreditClass != "A" || a.Complaints != 2 || len(a.Departments) != 2 || a.Departments[1] != "网警" || a.Kind != KindEntity {
		t.Errorf("a = %+v", a)
	}
	if b.ID != "91440300708461136T" || !b.Abnormal || b.Status != StatusDeregistered || b.Complaints != 0 {
		t.Errorf("b = %+v", b)
	}
	if c.Kind != KindProduct || !c.SeriousViolation {
		t.Errorf("c = %+v", c)
	}
}

func TestImportBOMAndGB18030(t *testing.T) {
	plain, err := DecodeCSV([]byte(chineseTargets), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := CommitTargets(plain.Targets)
	if err != nil {
		t.Fatal(err)
	}
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(chineseTargets))
	if err != nil {
		t.Fatal(err)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(chineseTargets))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"bom":     append([]byte("\xEF\xBB\xBF"), chineseTargets...),
		"gb18030": gb,
		"gbk":     gbk,
	} {
		tab, err := DecodeCSV(data, ImportOptions{File: name})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := tab.Commit()
		if err != nil || got != want {
			t.Errorf("%s: commitment %v %v, want %v", name, got, err, want)
		}
		if tab.Targets[0].Name != "华为技术有限公司" {
			t.Errorf("%s: name %q", name, tab.Targets[0].Name)
		}
	}
}

// Every bad row is reported with row number, column, value and reason
// (issue 2); import is all-or-nothing by default.
func TestImportReportsEveryRow(t *testing.T) {
	csv := "id,name,kind,jurisdiction,industry,credit_class,abnormal,serious_violation,complaints,status,departments\n" +
		"914403001922038216,华为,entity,440307,I65,A,false,false,0,active,治安\n" + // row 2 ok
		"914403001922038217,坏码,entity,440307,I65,A,false,false,0,active,治安\n" + // row 3 check char
		"91440300708461136T,腾讯,entity,4403,I65,E,maybe,false,-3,gone,\n" + // row 4: five problems
		"914403001922038216,重复,entity,440307,I65,B,false,false,0,active,治安\n" + // row 5 duplicate
		",无名,entity,440307,,A,false,false,0,active,治安\n" // row 6 missing id, industry
	_, err := DecodeCSV([]byte(csv), ImportOptions{File: "bad.csv"})
	var es RowErrors
	if !errors.As(err, &es) {
		t.Fatalf("error %T %v", err, err)
	}
	type want struct {
		row   int
		col   string
		value string
		err   error
	}
	wants := []want{
		{3, "id", "914403001922038217", ErrBadCheckChar},
		// Within a row, problems come in column order.
		{4, "jurisdiction", "4403", ErrBadJurisdiction},
		{4, "credit_class", "E", ErrUnknownClass},
		{4, "abnormal", "maybe", ErrBadValue},
		{4, "complaints", "-3", ErrBadValue},
		{4, "status", "gone", ErrBadStatus},
		{4, "departments", "", ErrMissingField},
		{5, "id", "914403001922038216", ErrDuplicateID},
		{6, "id", "", ErrMissingField},
		{6, "industry", "", ErrMissingField},
	}
	if len(es) != len(wants) {
		t.Fatalf("got %d errors, want %d:\n%v", len(es), len(wants), err)
	}
	for i, w := range wants {
		e := es[i]
		if e.File != "bad.csv" || e.Row != w.row || e.Column != w.col || e.Value != w.value || !errors.Is(e, w.err) {
			t.Errorf("error %d = %+v (%v), want %+v", i, *e, e, w)
		}
	}
	if !strings.Contains(es[7].Error(), "first at row 2") {
		t.Errorf("duplicate does not name the first row: %v", es[7])
	}
	// Partial import keeps the good row.
	tab, err := DecodeCSV([]byte(csv), ImportOptions{Partial: true})
	if err == nil || tab == nil || len(tab.Targets) != 1 || tab.Rows[0] != 2 {
		t.Fatalf("partial: %v %+v", err, tab)
	}
}

func TestImportChineseColumnNamesInErrors(t *testing.T) {
	csv := "执法证号,姓名,部门,单位,辖区,执法资格,可任组长,不可用时段,利害关系,在岗\n" +
		"4401001,张伟,治安,治安大队,440104,ZA-01,是,2026-03-15/2026-03-01 年假,914403001922038216:朋友,在岗\n"
	_, err := DecodeCSV([]byte(csv), ImportOptions{})
	var es RowErrors
	if !errors.As(err, &es) || len(es) != 2 {
		t.Fatalf("error %v", err)
	}
	if es[0].Column != "不可用时段" || !errors.Is(es[0], ErrBadPeriod) || es[1].Column != "利害关系" || !errors.Is(es[1], ErrBadRelation) {
		t.Errorf("errors %v", err)
	}
}

func TestImportInspectorCells(t *testing.T) {
	csv := "cert,name,department,unit,jurisdiction,qualifications,leader_eligible,unavailable,interests,active\n" +
		"A1,甲,治安,大队,440104,ZA-01; ZA-02;,Y,2026-03-01/2026-03-14 annual leave;2026-05-01T08:00:00Z/2026-05-02T00:00:00+08:00,914403001922038216:近亲属;91440300708461136T：持股,离岗\n" +
		"A2,乙,网警,大队,440103,,,,,\n"
	tab, err := DecodeCSV([]byte(csv), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := tab.Inspectors[0], tab.Inspectors[1]
	if len(a.Qualifications) != 2 || !a.LeaderEligible || a.Active || len(a.Unavailable) != 2 || len(a.Interests) != 2 {
		t.Fatalf("a = %+v", a)
	}
	p := a.Unavailable[0]
	if !p.From.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, cst)) || !p.To.Equal(time.Date(2026, 3, 15, 0, 0, 0, 0, cst)) || p.Reason != "annual leave" {
		t.Errorf("date-only period %+v", p)
	}
	if a.Interests[0].Relation != RelationKin || a.Interests[1].Relation != RelationShareholding {
		t.Errorf("interests %+v", a.Interests)
	}
	if !b.Active || b.LeaderEligible || b.Qualifications != nil {
		t.Errorf("b = %+v", b)
	}
}

func TestImportHeaderProblems(t *testing.T) {
	cases := []struct {
		name string
		csv  string
		opt  ImportOptions
	}{
		{"no header", "a,b,c\n1,2,3\n", ImportOptions{}},
		{"missing required", "id,name\n914403001922038216,x\n", ImportOptions{}},
		{"repeated", "cert,name,姓名,department,unit,jurisdiction\n", ImportOptions{}},
		{"wrong pool", "cert,name,department,unit,jurisdiction\n", ImportOptions{Pool: PoolTargets}},
		{"empty", "", ImportOptions{}},
	}
	for _, c := range cases {
		_, err := DecodeCSV([]byte(c.csv), c.opt)
		var re *RowError
		if !errors.Is(err, ErrBadHeader) || !errors.As(err, &re) {
			t.Errorf("%s: error %v, want ErrBadHeader", c.name, err)
		}
	}
	_, err := DecodeCSV([]byte("id,name\n\"unterminated\n"), ImportOptions{})
	if !errors.Is(err, ErrBadFile) && !errors.Is(err, ErrBadHeader) {
		t.Errorf("syntax: %v", err)
	}
}

func roundTripInspectors() []Inspector {
	ins := sampleInspectors()
	ins[1].Unavailable = []Period{{From: time.Date(2026, 7, 1, 1, 2, 3, 4000, time.UTC), To: time.Date(2026, 8, 1, 0, 0, 0, 0, cst)}}
	ins[2].Interests = []Interest{{TargetID: "P-1", Relation: RelationOther}, {TargetID: "914403001922038216", Relation: RelationFormerEmployer}}
	return ins
}

func roundTripTargets() []Target {
	ts := genTargets(50, 4)
	ts[0].Kind, ts[0].ID, ts[0].Name = KindProject, "PRJ \"quoted\", 1", "名称, with comma\nand newline"
	ts[1].Status, ts[1].SeriousViolation, ts[1].Departments = StatusMovedOut, true, []string{"治安", "消防"}
	return ts
}

// Export then import gives back the same registry (same commitment, names,
// and times as instants).
func TestRoundTrip(t *testing.T) {
	ts, ins := roundTripTargets(), roundTripInspectors()
	for _, format := range []string{"csv", "xlsx"} {
		var tb, ib bytes.Buffer
		var err error
		if format == "csv" {
			err = errors.Join(WriteTargetsCSV(&tb, ts), WriteInspectorsCSV(&ib, ins))
		} else {
			err = errors.Join(WriteTargetsXLSX(&tb, ts), WriteInspectorsXLSX(&ib, ins))
		}
		if err != nil {
			t.Fatal(err)
		}
		tt, err := Read(&tb, ImportOptions{File: "targets." + format})
		if err != nil {
			t.Fatalf("%s targets: %v", format, err)
		}
		it, err := Read(&ib, ImportOptions{File: "inspectors." + format})
		if err != nil {
			t.Fatalf("%s inspectors: %v", format, err)
		}
		for i := range ts {
			if !sameTarget(ts[i], tt.Targets[i]) {
				t.Errorf("%s target %d:\n got %+v\nwant %+v", format, i, tt.Targets[i], ts[i])
			}
		}
		for i := range ins {
			if !sameInspector(ins[i], it.Inspectors[i]) {
				t.Errorf("%s inspector %d:\n got %+v\nwant %+v", format, i, it.Inspectors[i], ins[i])
			}
		}
	}
}

func sameTarget(a, b Target) bool {
	la, _ := TargetLeaf(a)
	lb, _ := TargetLeaf(b)
	return bytes.Equal(la, lb) && a.Name == b.Name
}

func sameInspector(a, b Inspector) bool {
	la, _ := InspectorLeaf(a)
	lb, _ := InspectorLeaf(b)
	return bytes.Equal(la, lb) && a.Name == b.Name
}

// The CSV export is a published format: pinned by a golden file.
func TestExportGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteInspectorsCSV(&buf, roundTripInspectors()); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "inspectors.golden.csv")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("export differs from %s (run go test -update to accept):\n%s", golden, buf.Bytes())
	}
}

func TestXLSXExportDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	ts := roundTripTargets()
	if err := WriteTargetsXLSX(&a, ts); err != nil {
		t.Fatal(err)
	}
	if err := WriteTargetsXLSX(&b, ts); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two exports of the same targets differ")
	}
}

// An agency workbook: title row, Chinese headers, numeric cells.
func TestReadXLSXAgencySheet(t *testing.T) {
	f := excelize.NewFile()
	rows := [][]any{
		{"某区执法检查人员名录"},
		{"执法证号", "姓名", "部门", "单位", "辖区", "执法资格", "可任组长", "在岗"},
		{44010001, "张伟", "治安", "治安大队", 440104, "ZA-01;ZA-03", true, "是"},
		{},
		{"4401002", "李娜", "出入境", "出入境大队", "440103", "CRJ-01", false, "否"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	tab, err := ReadXLSX(&buf, ImportOptions{File: "人员.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Pool != PoolInspectors || len(tab.Inspectors) != 2 || tab.Rows[1] != 5 {
		t.Fatalf("%+v", tab)
	}
	a, b := tab.Inspectors[0], tab.Inspectors[1]
	if a.Cert != "44010001" || a.Jurisdiction != "440104" || !a.LeaderEligible || !a.Active || b.Active || b.LeaderEligible {
		t.Errorf("a=%+v b=%+v", a, b)
	}
	// A bad row in XLSX is reported with its sheet row number.
	f2 := excelize.NewFile()
	_ = f2.SetSheetRow("Sheet1", "A1", &[]any{"cert", "name", "department", "unit", "jurisdiction"})
	_ = f2.SetSheetRow("Sheet1", "A3", &[]any{"X1", "甲", "治安", "大队", "44"})
	buf.Reset()
	if err := f2.Write(&buf); err != nil {
		t.Fatal(err)
	}
	_, err = ReadXLSX(&buf, ImportOptions{File: "b.xlsx"})
	var re *RowError
	if !errors.As(err, &re) || re.Row != 3 || re.Column != "jurisdiction" || !errors.Is(err, ErrBadJurisdiction) {
		t.Errorf("error %v", err)
	}
}

func TestReadXLSXGarbage(t *testing.T) {
	for _, data := range []string{"PK\x03\x04garbage", "", "not a zip"} {
		_, err := ReadXLSX(strings.NewReader(data), ImportOptions{})
		if !errors.Is(err, ErrBadFile) {
			t.Errorf("%q: %v", data, err)
		}
	}
}

// DecodeCSV copies: changing the input afterwards does not change the
// imported targets.
func TestDecodeCSVDoesNotAlias(t *testing.T) {
	for _, prefix := range []string{"", "\xEF\xBB\xBF"} {
		data := []byte(prefix + chineseTargets)
		tab, err := DecodeCSV(data, ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range data {
			data[i] = 'x'
		}
		if tab.Targets[0].Name != "华为技术有限公司" {
			t.Fatalf("prefix %q: imported name changed with the input: %q", prefix, tab.Targets[0].Name)
		}
	}
}

// A large unquoted CSV is parsed in parallel chunks; the result (rows,
// row numbers, every error, their order) equals the sequential parse, which
// a single quoted field forces.
func TestParallelImportMatchesSequential(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTargetsCSV(&buf, genTargets(20_000, 5)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	// Problems spread over the file, a blank line, a duplicate far apart.
	lines[100] = strings.Replace(lines[100], ",active,", ",gone,", 1)
	lines[10_000] = lines[2]
	lines[15_000] = ""
	lines[19_999] = strings.Replace(lines[19_999], ",440", ",44", 1)
	parallel := strings.Join(lines, "\n") + "\n"
	if len(parallel) < csvSplitMin {
		t.Fatalf("test input %d bytes does not reach the split threshold", len(parallel))
	}
	f := strings.SplitN(lines[1], ",", 3)
	lines[1] = f[0] + `,"` + f[1] + `",` + f[2] // same value, quoted: no split
	sequential := strings.Join(lines, "\n") + "\n"
	for _, partial := range []bool{false, true} {
		pt, perr := Decode([]byte(parallel), ImportOptions{Partial: partial})
		st, serr := Decode([]byte(sequential), ImportOptions{Partial: partial})
		if fmt.Sprint(perr) != fmt.Sprint(serr) {
			t.Fatalf("partial=%v: errors differ:\n%v\n---\n%v", partial, perr, serr)
		}
		var es RowErrors
		if !errors.As(perr, &es) || len(es) != 3 || es[0].Row != 101 || es[1].Row != 10_001 || es[2].Row != 20_000 {
			t.Fatalf("errors %v", perr)
		}
		if !partial {
			continue
		}
		if len(pt.Targets) != 20_000-1-3 || !slices.Equal(pt.Rows, st.Rows) {
			t.Fatalf("rows differ: %d %d", len(pt.Targets), len(st.Targets))
		}
		for i := range pt.Targets {
			if !sameTarget(pt.Targets[i], st.Targets[i]) {
				t.Fatalf("target %d differs", i)
			}
		}
		if pt.Rows[len(pt.Rows)-1] != 20_001 {
			t.Fatalf("last row %d", pt.Rows[len(pt.Rows)-1])
		}
	}
}
