package publish

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/shuangsuiji/ssj/internal/golden"
)

func docGolden(t *testing.T, name string, doc Document) {
	t.Helper()
	golden.Check(t, name+".golden.txt", []byte(doc.Text))
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, name+".golden.json", buf.Bytes())
}

func checklistNotice() ChecklistNotice {
	return ChecklistNotice{
		Issuer: "衢州市公安局柯城分局", Version: "2026版", PreviousVersion: "2025版", Date: d("2026-01-05"),
		Items: []ChecklistItem{
			{Code: "ZA-001", Name: "旅馆业治安管理情况检查", TargetType: "旅馆业经营单位", Category: "key",
				Methods: []string{"查阅资料", "实地核查"}, Department: "治安大队",
				LegalBasis: "《旅馆业治安管理办法》第四条、第六条", Ratio: "10%", Frequency: "每年1次"},
			{Code: "ZA-007", Name: "保安服务公司监督检查", TargetType: "保安服务公司", Category: "general",
				Methods: []string{"查阅资料", "网络监测"}, Department: "治安大队",
				LegalBasis: "《保安服务管理条例》第四十二条", Ratio: "5%", Frequency: "每年1次"},
		},
		Changes: []Change{{Op: Added, Code: "ZA-007", Name: "保安服务公司监督检查"},
			{Op: Removed, Code: "ZA-004", Name: "印章业治安管理检查", Note: "职责调整"}},
	}
}

// Rule R3: the checklist and its changes are announced.
func TestAnnounceChecklistGolden(t *testing.T) {
	doc, err := AnnounceChecklist(checklistNotice())
	if err != nil {
		t.Fatal(err)
	}
	if doc.KeepUntil != d("2028-01-05") {
		t.Fatalf("keep-until %s", doc.KeepUntil)
	}
	docGolden(t, "announce_checklist", doc)
	n := checklistNotice()
	n.Changes[0].Op = "renamed"
	if _, err := AnnounceChecklist(n); !errors.Is(err, ErrAnnouncement) {
		t.Fatalf("bad change op: %v", err)
	}
	if _, err := AnnounceChecklist(ChecklistNotice{Issuer: "x"}); !errors.Is(err, ErrAnnouncement) {
		t.Fatalf("empty checklist: %v", err)
	}
}

// Rule R9: the annual plan and its adjustments are announced.
func TestAnnouncePlanGolden(t *testing.T) {
	n := PlanNotice{Issuer: "衢州市公安局柯城分局", Year: 2026, Version: "第1版", Date: d("2026-01-20"),
		Draws: []PlanDraw{
			{Name: "旅馆业治安管理抽查", Items: []string{"ZA-001"}, Scope: "柯城区全部旅馆业经营单位", Timing: "2026年第一季度",
				EstimatedCount: 12, Ratio: "10%", Departments: []string{"治安大队"}},
			{Name: "娱乐场所联合抽查", Items: []string{"ZA-003", "XF-002"}, Scope: "柯城区娱乐场所", Timing: "2026年第三季度",
				EstimatedCount: 8, Ratio: "5%", Joint: true, Departments: []string{"治安大队", "消防救援大队"}},
		}}
	doc, err := AnnouncePlan(n)
	if err != nil {
		t.Fatal(err)
	}
	docGolden(t, "announce_plan", doc)
	n.Version, n.Date = "第2版", d("2026-06-01")
	n.Draws[1].Timing = "2026年第四季度"
	n.Adjustments = []Change{{Op: Modified, Code: "娱乐场所联合抽查", Name: "时间安排", Note: "由第三季度调整为第四季度"}}
	doc, err = AnnouncePlan(n)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc.Title, "调整公告") {
		t.Fatalf("adjustment title: %s", doc.Title)
	}
	docGolden(t, "announce_plan_adjusted", doc)
}

// Rule R16: the task announcement at lock, with the draw's proof fields.
func TestAnnounceTaskGolden(t *testing.T) {
	r := sample()
	n := TaskNotice{Issuer: "衢州市公安局柯城分局", TaskNo: r.TaskNo, TaskName: r.TaskName, TaskType: r.TaskType,
		Launching: "治安大队", Items: []string{"ZA-001 旅馆业治安管理情况检查"}, Scope: "柯城区旅馆业经营单位",
		From: d("2026-03-02"), To: d("2026-03-31"), LockedAt: time.Date(2026, 2, 27, 2, 30, 0, 0, time.UTC),
		Targets: []TaskTarget{{ID: "91330802MA2B3C4D5E", Name: "衢州市柯城区某某宾馆有限公司", Unit: "荷花派出所"},
			{ID: "92330802MA2XYZ123K", Name: "柯城区某某旅社", Unit: "荷花派出所"}},
		Proof: r.Proof}
	doc, err := AnnounceTask(n)
	if err != nil {
		t.Fatal(err)
	}
	docGolden(t, "announce_task", doc)
	n.To = d("2026-03-01")
	if _, err := AnnounceTask(n); !errors.Is(err, ErrAnnouncement) {
		t.Fatalf("window backwards: %v", err)
	}
}

// Rule R26: the results announcement.
func TestAnnounceResultsGolden(t *testing.T) {
	b, ring, s := publishedBook(t)
	cal := calendar(t)
	p := problem()
	b.Enter(p, cal, at, "录入员")
	b.Publish(p.ID, d("2026-03-20"))
	c, _ := b.NewCorrection(corrected(), "检查完成日期录入错误", "self", "王所长", at)
	sc, _ := Sign(c, s)
	if _, err := b.Correct(sc, ring, d("2026-03-23")); err != nil {
		t.Fatal(err)
	}
	doc, err := AnnounceResults(ResultsNotice{Issuer: "衢州市公安局柯城分局", Date: d("2026-03-23"), TaskNo: "SJ-2026-001",
		Records: b.PublicView(ViewOptions{})})
	if err != nil {
		t.Fatal(err)
	}
	docGolden(t, "announce_results", doc)
}

// Rule R25: summary per task and department, JSON and Markdown.
func TestSummaryGolden(t *testing.T) {
	cal := calendar(t)
	b, ring, s := publishedBook(t)
	p := problem()
	b.Enter(p, cal, at, "录入员")
	b.Publish(p.ID, d("2026-04-03")) // task ends 03-31, seed due 04-02: late
	late := sample()
	late.ID, late.TargetID, late.TargetName = "SJ-2026-001/91330802MA2LATE01X", "91330802MA2LATE01X", "某某酒店"
	late.Department = "派出所"
	late.TaskEnd = d("2026-03-13")
	late.CompletionDate = d("2026-03-12")
	b.Enter(late, cal, at, "录入员") // due 03-17: overdue on 04-03
	w := sample()
	w.ID, w.TargetID, w.TargetName = "SJ-2026-001/91330802MA2SECRET1", "91330802MA2SECRET1", "某涉密单位"
	w.Withheld = &Withholding{LegalBasis: "《中华人民共和国政府信息公开条例》第十四条", Reason: "涉及国家秘密"}
	b.Enter(w, cal, at, "录入员")
	c, _ := b.NewCorrection(corrected(), "检查完成日期录入错误", "self", "王所长", at)
	sc, _ := Sign(c, s)
	if _, err := b.Correct(sc, ring, d("2026-03-23")); err != nil {
		t.Fatal(err)
	}
	sum, err := b.Summarize(cal, d("2026-04-03"), SummaryInput{
		Drawn:            []DrawnCount{{TaskNo: "SJ-2026-001", Department: "治安大队", N: 3}, {TaskNo: "SJ-2026-001", Department: "派出所", N: 2}},
		ObjectionResults: []string{sample().ID}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Total.Drawn != 5 || sum.Total.Inspected != 4 || sum.Total.Overdue != 1 || sum.Total.PublishedLate != 1 ||
		sum.Total.Withheld != 1 || sum.Total.Corrections != 1 || sum.Total.Objections != 1 {
		t.Fatalf("totals: %+v", sum.Total)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(sum)
	golden.Check(t, "summary.golden.json", buf.Bytes())
	golden.Check(t, "summary.golden.md", []byte(sum.Markdown()))
}

func TestXLSXExport(t *testing.T) {
	b, _, _ := publishedBook(t)
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, b.PublicView(ViewOptions{})); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(XLSXSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][6] != "统一社会信用代码" || rows[1][6] != "91330802MA2B3C4D5E" || rows[1][9] != "未发现问题" {
		t.Fatalf("rows: %q", rows)
	}
}
