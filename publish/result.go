package publish

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shuangsuiji/ssj/evidence"
	"github.com/shuangsuiji/ssj/internal/jsonin"
	"github.com/shuangsuiji/ssj/workday"
)

// ErrResult is returned (wrapped) when a result is incomplete or malformed.
var ErrResult = errors.New("publish: invalid result")

// Inspector is an inspector named on a result. Public output masks Name and
// Cert unless the caller asks otherwise (see MaskName, MaskCert).
type Inspector struct {
	Name   string `json:"name"`
	Cert   string `json:"cert"`
	Leader bool   `json:"leader,omitempty"`
}

// ItemResult is the finding for one checklist item at the target.
type ItemResult struct {
	ItemID   string  `json:"item_id"`
	ItemName string  `json:"item_name"`
	Finding  Finding `json:"finding"`
	Note     string  `json:"note,omitempty"`
}

// Measure is one measure taken on a finding (rule R21), with the number of
// the document that records it (笔录, 通知书, 决定书, 移送书).
type Measure struct {
	Kind     MeasureKind   `json:"kind"`
	Document string        `json:"document,omitempty"`
	Date     *workday.Date `json:"date,omitempty"`
	Note     string        `json:"note,omitempty"`
	// To names the receiving agency for a transfer.
	To string `json:"to,omitempty"`
}

// FollowUp is one step of follow-up handling (后续处置, rule R29).
type FollowUp struct {
	Date   workday.Date `json:"date"`
	Action string       `json:"action"`
	Note   string       `json:"note,omitempty"`
}

// Withholding records that the law forbids publishing a result (依法不予公开,
// rule R26). The result is recorded but never appears in a public view.
type Withholding struct {
	// LegalBasis cites the provision (e.g. 《政府信息公开条例》第十四条).
	LegalBasis string `json:"legal_basis"`
	Reason     string `json:"reason"`
}

// DrawProof carries the verifiable-draw fields shown with a public result
// (DRAW.md): the algorithm ID, the manifest hash and the draw record hash,
// all as published by package draw.
type DrawProof struct {
	Algorithm    string `json:"algorithm"`
	ManifestHash string `json:"manifest_hash"`
	RecordHash   string `json:"record_hash"`
}

// Result is the inspection result for one target in one task (rules R21,
// R22). Its fields are a superset of the GSXT 双随机 result columns.
type Result struct {
	// ID identifies the result; by convention TASKNO/TARGETID.
	ID       string `json:"id"`
	PlanNo   string `json:"plan_no"`
	PlanName string `json:"plan_name"`
	TaskNo   string `json:"task_no"`
	TaskName string `json:"task_name"`
	// TaskType is the GSXT 抽查类型, e.g. 定向抽查 or 不定向抽查.
	TaskType string `json:"task_type"`
	// Agency is the inspecting agency (检查实施机关).
	Agency     string `json:"agency"`
	Department string `json:"department"`
	// Unit is the executing unit (任务执行单位); its principal head signs
	// corrections (rule R27).
	Unit       string      `json:"unit"`
	TargetID   string      `json:"target_id"` // 统一社会信用代码 for an entity
	TargetName string      `json:"target_name"`
	Inspectors []Inspector `json:"inspectors"`
	// TaskEnd is the last day of the task's execution window; the
	// publication deadline counts from it (rule R26).
	TaskEnd        workday.Date `json:"task_end"`
	CompletionDate workday.Date `json:"completion_date"` // 检查完成日期
	Conclusions    []Conclusion `json:"conclusions"`
	Items          []ItemResult `json:"items,omitempty"`
	Measures       []Measure    `json:"measures,omitempty"`
	FollowUp       []FollowUp   `json:"follow_up,omitempty"`
	Remark         string       `json:"remark,omitempty"`
	Withheld       *Withholding `json:"withheld,omitempty"`
	Proof          DrawProof    `json:"proof"`
	// Evidence lists the whole-process record of the inspection (rule
	// R24): documents and the audio/video of key steps, each by its
	// SHA-256 digest and size; the files themselves are stored elsewhere
	// and checked with evidence.Attachment.Verify. Never shown in a public
	// view. Absent when empty.
	Evidence []evidence.Attachment `json:"evidence,omitempty"`
}

// Validate checks required fields, the inspector group (at least two, one
// leader, rule R17), dates, the evidence attachments (rule R24) and the
// conclusion rules (CheckConclusions).
func (r Result) Validate() error {
	req := []struct{ name, v string }{
		{"id", r.ID}, {"task_no", r.TaskNo}, {"task_name", r.TaskName}, {"agency", r.Agency},
		{"unit", r.Unit}, {"target_id", r.TargetID}, {"target_name", r.TargetName},
	}
	for _, f := range req {
		if strings.TrimSpace(f.v) == "" {
			return fmt.Errorf("%w: result %q: field %s is empty", ErrResult, r.ID, f.name)
		}
	}
	if r.TaskEnd.IsZero() || r.CompletionDate.IsZero() {
		return fmt.Errorf("%w: result %s: task_end and completion_date are required", ErrResult, r.ID)
	}
	if r.CompletionDate.After(r.TaskEnd) {
		return fmt.Errorf("%w: result %s: completion_date %s is after task_end %s", ErrResult, r.ID, r.CompletionDate, r.TaskEnd)
	}
	if len(r.Inspectors) < 2 {
		return fmt.Errorf("%w: result %s: %d inspector(s), rule R17 needs at least 2", ErrResult, r.ID, len(r.Inspectors))
	}
	leaders := 0
	for i, in := range r.Inspectors {
		if strings.TrimSpace(in.Name) == "" || strings.TrimSpace(in.Cert) == "" {
			return fmt.Errorf("%w: result %s: inspector %d: name and cert are required", ErrResult, r.ID, i)
		}
		if in.Leader {
			leaders++
		}
	}
	if leaders != 1 {
		return fmt.Errorf("%w: result %s: %d group leaders, rule R17 needs exactly 1", ErrResult, r.ID, leaders)
	}
	for i, it := range r.Items {
		if it.ItemID == "" || it.Finding.Label() == "" {
			return fmt.Errorf("%w: result %s: item %d: item_id %q, finding %q", ErrResult, r.ID, i, it.ItemID, it.Finding)
		}
	}
	for i, m := range r.Measures {
		if m.Kind.Label() == "" {
			return fmt.Errorf("%w: result %s: measure %d: unknown kind %q", ErrResult, r.ID, i, m.Kind)
		}
		if (m.Kind == TransferAgency || m.Kind == TransferJudiciary) && m.To == "" {
			return fmt.Errorf("%w: result %s: measure %d (%s): field to names the receiving agency and is empty", ErrResult, r.ID, i, m.Kind)
		}
	}
	for i, f := range r.FollowUp {
		if f.Date.IsZero() || strings.TrimSpace(f.Action) == "" {
			return fmt.Errorf("%w: result %s: follow_up %d: date and action are required", ErrResult, r.ID, i)
		}
	}
	if r.Withheld != nil && (strings.TrimSpace(r.Withheld.LegalBasis) == "" || strings.TrimSpace(r.Withheld.Reason) == "") {
		return fmt.Errorf("%w: result %s: withheld needs legal_basis and reason", ErrResult, r.ID)
	}
	if err := evidence.ValidateList(r.Evidence); err != nil { // Rule R24.
		return fmt.Errorf("%w: result %s: %w", ErrResult, r.ID, err)
	}
	return CheckConclusions(r)
}

// MaxResultsBytes bounds the input DecodeResults reads.
const MaxResultsBytes = 64 << 20

// DecodeResults reads a JSON array of results (or a single result object)
// strictly: unknown fields are refused, every result is validated, IDs must
// be unique. Errors name the result's position and ID.
func DecodeResults(r io.Reader) ([]Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxResultsBytes+1))
	if err != nil {
		return nil, fmt.Errorf("publish: reading results: %w", err)
	}
	if len(data) > MaxResultsBytes {
		return nil, fmt.Errorf("%w: input larger than %d bytes", ErrResult, MaxResultsBytes)
	}
	data = bytes.TrimSpace(jsonin.TrimBOM(data))
	var out []Result
	if len(data) > 0 && data[0] == '{' {
		// One object: decoded as itself, so that a cut-off file reads as
		// truncated and paths name its own fields.
		var one Result
		if err := strictUnmarshal(data, &one); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrResult, err)
		}
		out = []Result{one}
	} else if err := strictUnmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrResult, err)
	}
	seen := map[string]int{}
	for i, res := range out {
		if err := res.Validate(); err != nil {
			return nil, fmt.Errorf("result #%d (%s): %w", i, res.ID, err)
		}
		if j, dup := seen[res.ID]; dup {
			return nil, fmt.Errorf("%w: result #%d: id %q repeats result #%d", ErrResult, i, res.ID, j)
		}
		seen[res.ID] = i
	}
	return out, nil
}

// strictUnmarshal decodes one JSON value (internal/jsonin): a UTF-8 BOM is
// accepted; unknown fields, duplicate keys, a top-level null and trailing
// data are refused, naming the JSON path and value.
func strictUnmarshal(data []byte, v any) error {
	return jsonin.Decode(data, v, jsonin.Options{})
}

// DefaultRetentionYears is the minimum retention of rule R23 (000 四(六)).
const DefaultRetentionYears = 2

// KeepUntil returns the keep-until date of a record made on d and kept for
// years years (rule R23): the same day years later, or the last day of
// February when d is 29 February.
func KeepUntil(d workday.Date, years int) workday.Date {
	if years < DefaultRetentionYears {
		years = DefaultRetentionYears
	}
	out, err := workday.NewDate(d.Year()+years, d.Month(), d.Day())
	if err != nil {
		out, _ = workday.NewDate(d.Year()+years, d.Month(), d.Day()-1)
	}
	return out
}

func dayOf(t time.Time) workday.Date { return workday.DateOf(t) }
