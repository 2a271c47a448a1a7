package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shuangsuiji/ssj/internal/canon"
	"github.com/shuangsuiji/ssj/workday"
)

// ErrAnnouncement is returned (wrapped) when an announcement's input is
// incomplete.
var ErrAnnouncement = errors.New("publish: invalid announcement")

// DocKind is the kind of a published document.
type DocKind string

// Document kinds.
const (
	DocChecklist DocKind = "checklist" // 抽查事项清单公告 (R3)
	DocPlan      DocKind = "plan"      // 年度抽查计划公示 (R9)
	DocTask      DocKind = "task"      // 抽查任务公告 (R16)
	DocResults   DocKind = "results"   // 抽查结果公示 (R26)
)

// Document is a published announcement: the structured content (exactly
// the input it was made from), the readable Chinese text, and the hash of
// the content's canonical JSON so the text can be tied to the data.
type Document struct {
	Kind        DocKind      `json:"kind"`
	Title       string       `json:"title"`
	Issuer      string       `json:"issuer"`
	Date        workday.Date `json:"date"`
	Content     any          `json:"content"`
	ContentHash string       `json:"content_hash"`
	Text        string       `json:"text"`
	KeepUntil   workday.Date `json:"keep_until"`
}

func newDocument(kind DocKind, title, issuer string, date workday.Date, content any, text string) (Document, error) {
	b, err := canon.Marshal(content)
	if err != nil {
		return Document{}, fmt.Errorf("publish: %s announcement: %w", kind, err)
	}
	sum := sha256.Sum256(b)
	return Document{Kind: kind, Title: title, Issuer: issuer, Date: date, Content: content,
		ContentHash: hex.EncodeToString(sum[:]), Text: text, KeepUntil: KeepUntil(date, DefaultRetentionYears)}, nil
}

// ChangeOp is the kind of a change to a checklist or plan.
type ChangeOp string

// Change operations.
const (
	Added    ChangeOp = "added"    // 新增
	Removed  ChangeOp = "removed"  // 删除
	Modified ChangeOp = "modified" // 调整
)

func (o ChangeOp) label() string {
	switch o {
	case Added:
		return "新增"
	case Removed:
		return "删除"
	case Modified:
		return "调整"
	}
	return ""
}

// Change is one change between two versions of a checklist or a plan.
type Change struct {
	Op   ChangeOp `json:"op"`
	Code string   `json:"code"`
	Name string   `json:"name"`
	Note string   `json:"note,omitempty"`
}

// ChecklistItem is one item as announced (rule R2).
type ChecklistItem struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	TargetType string `json:"target_type"`
	// Category is "key" (重点检查事项) or "general" (一般检查事项), rule R4.
	Category   string   `json:"category"`
	Methods    []string `json:"methods"`
	Department string   `json:"department"`
	LegalBasis string   `json:"legal_basis"`
	// Ratio is the sampling ratio as a decimal string, e.g. "5%".
	Ratio     string `json:"ratio"`
	Frequency string `json:"frequency"`
}

// ChecklistNotice is the input of a checklist announcement (rule R3).
type ChecklistNotice struct {
	Issuer          string          `json:"issuer"`
	Version         string          `json:"version"`
	PreviousVersion string          `json:"previous_version,omitempty"`
	Date            workday.Date    `json:"date"`
	Items           []ChecklistItem `json:"items"`
	Changes         []Change        `json:"changes,omitempty"`
}

func categoryLabel(c string) string {
	switch c {
	case "key":
		return "重点检查事项"
	case "general":
		return "一般检查事项"
	}
	return c
}

func checkChanges(cs []Change) error {
	for i, c := range cs {
		if c.Op.label() == "" || c.Code == "" {
			return fmt.Errorf("%w: change %d: op %q, code %q", ErrAnnouncement, i, c.Op, c.Code)
		}
	}
	return nil
}

func writeChanges(b *strings.Builder, heading string, cs []Change) {
	if len(cs) == 0 {
		return
	}
	fmt.Fprintf(b, "%s\n", heading)
	for i, c := range cs {
		fmt.Fprintf(b, "%d. %s %s %s", i+1, c.Op.label(), c.Code, c.Name)
		if c.Note != "" {
			fmt.Fprintf(b, "（%s）", c.Note)
		}
		b.WriteString("\n")
	}
}

// AnnounceChecklist produces the checklist announcement, listing the items
// and, for a new version, the changes from the previous one (rule R3).
func AnnounceChecklist(n ChecklistNotice) (Document, error) {
	if n.Issuer == "" || n.Version == "" || n.Date.IsZero() || len(n.Items) == 0 {
		return Document{}, fmt.Errorf("%w: checklist: issuer, version, date and at least one item are required", ErrAnnouncement)
	}
	if err := checkChanges(n.Changes); err != nil {
		return Document{}, fmt.Errorf("checklist %s: %w", n.Version, err)
	}
	title := fmt.Sprintf("%s“双随机、一公开”随机抽查事项清单（%s）", n.Issuer, n.Version)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", title)
	fmt.Fprintf(&b, "根据法律、法规、规章规定，现将本单位随机抽查事项清单（%s）予以公布。", n.Version)
	if n.PreviousVersion != "" {
		fmt.Fprintf(&b, "本清单自公布之日起替代%s。", n.PreviousVersion)
	}
	b.WriteString("\n\n")
	for i, it := range n.Items {
		fmt.Fprintf(&b, "%d. %s %s\n", i+1, it.Code, it.Name)
		fmt.Fprintf(&b, "   检查对象：%s；事项类别：%s；检查方式：%s\n", it.TargetType, categoryLabel(it.Category), strings.Join(it.Methods, "、"))
		fmt.Fprintf(&b, "   检查主体：%s；抽查比例：%s；抽查频次：%s\n", it.Department, it.Ratio, it.Frequency)
		fmt.Fprintf(&b, "   检查依据：%s\n", it.LegalBasis)
	}
	if len(n.Changes) > 0 {
		b.WriteString("\n")
		writeChanges(&b, fmt.Sprintf("与%s相比的调整情况：", n.PreviousVersion), n.Changes)
	}
	fmt.Fprintf(&b, "\n%s\n%s\n", n.Issuer, n.Date)
	return newDocument(DocChecklist, title, n.Issuer, n.Date, n, b.String())
}

// PlanDraw is one planned draw of an annual plan (rule R9).
type PlanDraw struct {
	Name  string   `json:"name"`
	Items []string `json:"items"`
	Scope string   `json:"scope"`
	// Timing is the planned period, e.g. "2026年第二季度".
	Timing         string   `json:"timing"`
	EstimatedCount int      `json:"estimated_count"`
	Ratio          string   `json:"ratio"`
	Joint          bool     `json:"joint,omitempty"`
	Departments    []string `json:"departments"`
}

// PlanNotice is the input of an annual plan announcement or adjustment.
type PlanNotice struct {
	Issuer      string       `json:"issuer"`
	Year        int          `json:"year"`
	Version     string       `json:"version"`
	Date        workday.Date `json:"date"`
	Draws       []PlanDraw   `json:"draws"`
	Adjustments []Change     `json:"adjustments,omitempty"`
}

// AnnouncePlan produces the annual plan announcement (rule R9); with
// Adjustments it is the announcement of an adjusted plan.
func AnnouncePlan(n PlanNotice) (Document, error) {
	if n.Issuer == "" || n.Year == 0 || n.Date.IsZero() || len(n.Draws) == 0 {
		return Document{}, fmt.Errorf("%w: plan: issuer, year, date and at least one draw are required", ErrAnnouncement)
	}
	if err := checkChanges(n.Adjustments); err != nil {
		return Document{}, fmt.Errorf("plan %d: %w", n.Year, err)
	}
	kind := "公示"
	if len(n.Adjustments) > 0 {
		kind = "调整公告"
	}
	title := fmt.Sprintf("%s%d年度“双随机、一公开”抽查计划%s", n.Issuer, n.Year, kind)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", title)
	fmt.Fprintf(&b, "现将%d年度随机抽查计划（%s）向社会公开，共%d项抽查。\n\n", n.Year, n.Version, len(n.Draws))
	joint := 0
	for i, dr := range n.Draws {
		kindLabel := "本部门抽查"
		if dr.Joint {
			kindLabel = "跨部门联合抽查"
			joint++
		}
		fmt.Fprintf(&b, "%d. %s（%s）\n", i+1, dr.Name, kindLabel)
		fmt.Fprintf(&b, "   抽查事项：%s\n", strings.Join(dr.Items, "、"))
		fmt.Fprintf(&b, "   抽查范围：%s；时间安排：%s；预估数量：%d户；抽查比例：%s\n", dr.Scope, dr.Timing, dr.EstimatedCount, dr.Ratio)
		fmt.Fprintf(&b, "   实施部门：%s\n", strings.Join(dr.Departments, "、"))
	}
	fmt.Fprintf(&b, "\n其中跨部门联合抽查%d项。\n", joint)
	if len(n.Adjustments) > 0 {
		b.WriteString("\n")
		writeChanges(&b, "本次调整情况：", n.Adjustments)
	}
	fmt.Fprintf(&b, "\n%s\n%s\n", n.Issuer, n.Date)
	return newDocument(DocPlan, title, n.Issuer, n.Date, n, b.String())
}

// TaskTarget is one locked target in a task announcement.
type TaskTarget struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Unit string `json:"unit"`
}

// TaskNotice is the input of the task announcement published when the
// drawn list is locked and dispatched (rule R16).
type TaskNotice struct {
	Issuer       string       `json:"issuer"`
	TaskNo       string       `json:"task_no"`
	TaskName     string       `json:"task_name"`
	TaskType     string       `json:"task_type"`
	Launching    string       `json:"launching"`
	Participants []string     `json:"participants,omitempty"`
	Items        []string     `json:"items"`
	Scope        string       `json:"scope"`
	From         workday.Date `json:"from"`
	To           workday.Date `json:"to"`
	LockedAt     time.Time    `json:"locked_at"`
	Targets      []TaskTarget `json:"targets"`
	Proof        DrawProof    `json:"proof"`
}

// AnnounceTask produces the task announcement (rule R16) with the locked
// target list and the draw's proof fields, so anyone can re-run the draw.
func AnnounceTask(n TaskNotice) (Document, error) {
	if n.Issuer == "" || n.TaskNo == "" || n.From.IsZero() || n.To.IsZero() || n.LockedAt.IsZero() || len(n.Targets) == 0 {
		return Document{}, fmt.Errorf("%w: task %q: issuer, task_no, from, to, locked_at and targets are required", ErrAnnouncement, n.TaskNo)
	}
	if n.To.Before(n.From) {
		return Document{}, fmt.Errorf("%w: task %s: window %s..%s ends before it starts", ErrAnnouncement, n.TaskNo, n.From, n.To)
	}
	title := fmt.Sprintf("关于开展“%s”双随机抽查的公告（%s）", n.TaskName, n.TaskNo)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", title)
	fmt.Fprintf(&b, "%s定于%s至%s开展“%s”（%s）。", n.Issuer, n.From, n.To, n.TaskName, n.TaskType)
	fmt.Fprintf(&b, "发起部门：%s", n.Launching)
	if len(n.Participants) > 0 {
		fmt.Fprintf(&b, "；参与部门：%s", strings.Join(n.Participants, "、"))
	}
	b.WriteString("。\n")
	fmt.Fprintf(&b, "抽查事项：%s。抽查范围：%s。\n", strings.Join(n.Items, "、"), n.Scope)
	fmt.Fprintf(&b, "检查对象名单于%s（北京时间）确认锁定，共%d户：\n", n.LockedAt.In(workday.Shanghai()).Format("2006-01-02 15:04"), len(n.Targets))
	for i, t := range n.Targets {
		fmt.Fprintf(&b, "%d. %s %s（执行单位：%s）\n", i+1, t.ID, t.Name, t.Unit)
	}
	fmt.Fprintf(&b, "\n抽取算法：%s\n抽取清单哈希：%s\n抽取记录哈希：%s\n", n.Proof.Algorithm, n.Proof.ManifestHash, n.Proof.RecordHash)
	b.WriteString("任何人可依据上述信息复核抽取结果。\n")
	fmt.Fprintf(&b, "\n%s\n%s\n", n.Issuer, workday.DateOf(n.LockedAt))
	return newDocument(DocTask, title, n.Issuer, workday.DateOf(n.LockedAt), n, b.String())
}

// ResultsNotice is the input of a results announcement: the public records
// (already masked) of one task.
type ResultsNotice struct {
	Issuer  string         `json:"issuer"`
	Date    workday.Date   `json:"date"`
	TaskNo  string         `json:"task_no"`
	Records []PublicRecord `json:"records"`
}

// AnnounceResults produces the results announcement (rule R26).
func AnnounceResults(n ResultsNotice) (Document, error) {
	if n.Issuer == "" || n.TaskNo == "" || n.Date.IsZero() || len(n.Records) == 0 {
		return Document{}, fmt.Errorf("%w: results: issuer, task_no, date and records are required", ErrAnnouncement)
	}
	taskName := n.Records[0].TaskName
	title := fmt.Sprintf("“%s”（%s）抽查结果公示", taskName, n.TaskNo)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", title)
	fmt.Fprintf(&b, "现将%s“%s”抽查结果公示如下，共%d户：\n", n.Records[0].Agency, taskName, len(n.Records))
	for i, r := range n.Records {
		if r.TaskNo != n.TaskNo {
			return Document{}, fmt.Errorf("%w: results of %s: record %d (%s) belongs to task %s", ErrAnnouncement, n.TaskNo, i, r.ResultID, r.TaskNo)
		}
		fmt.Fprintf(&b, "%d. %s %s：%s（检查完成日期%s", i+1, r.CreditCode, r.TargetName, r.Result, r.CompletionDate)
		if r.Version > 1 {
			fmt.Fprintf(&b, "；第%d版，更正原因：%s", r.Version, r.CorrectionReason)
		}
		b.WriteString("）")
		if r.Remark != "" {
			fmt.Fprintf(&b, " 备注：%s", r.Remark)
		}
		b.WriteString("\n")
	}
	b.WriteString("\n被检查对象对检查结果有异议的，可向任务执行单位提出，任务执行单位自收到申请材料之日起20个工作日内复核，并自作出复核结果后15个工作日内反馈。\n")
	fmt.Fprintf(&b, "\n%s\n%s\n", n.Issuer, n.Date)
	return newDocument(DocResults, title, n.Issuer, n.Date, n, b.String())
}
