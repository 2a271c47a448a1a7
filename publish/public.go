package publish

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/shuangsuiji/ssj/workday"
)

// PublicRecord is the public view of one published result version (公示).
// It is a superset of the GSXT 双随机 result fields (plan no./name, task
// no./name, type, inspecting agency, completion date, result, remark,
// 统一社会信用代码) plus the draw's proof fields and the version history
// marker. Inspectors are masked unless ViewOptions.Unmasked.
type PublicRecord struct {
	ResultID       string       `json:"result_id"`
	PlanNo         string       `json:"plan_no"`
	PlanName       string       `json:"plan_name"`
	TaskNo         string       `json:"task_no"`
	TaskName       string       `json:"task_name"`
	TaskType       string       `json:"task_type"`
	Agency         string       `json:"agency"`
	CreditCode     string       `json:"credit_code"`
	TargetName     string       `json:"target_name"`
	CompletionDate workday.Date `json:"completion_date"`
	// Result is the conclusions' Chinese labels joined with "；".
	Result      string       `json:"result"`
	Conclusions []Conclusion `json:"conclusions"`
	Measures    []string     `json:"measures,omitempty"`
	Remark      string       `json:"remark,omitempty"`
	Inspectors  []Inspector  `json:"inspectors"`
	Version     int          `json:"version"`
	PublishedOn workday.Date `json:"published_on"`
	// CorrectionReason and CorrectedBy are set on versions after the first.
	CorrectionReason string       `json:"correction_reason,omitempty"`
	CorrectedBy      string       `json:"corrected_by,omitempty"`
	Algorithm        string       `json:"algorithm"`
	ManifestHash     string       `json:"manifest_hash"`
	RecordHash       string       `json:"record_hash"`
	KeepUntil        workday.Date `json:"keep_until"`
}

// ViewOptions controls the public view.
type ViewOptions struct {
	// Unmasked shows inspectors' names and certificate numbers in full.
	// Leave false for anything published.
	Unmasked bool
}

// MaskName keeps the first and last character of a name and stars the rest:
// 张小三 → 张*三, 李四 → 李*, 欧阳明月 → 欧**月.
func MaskName(s string) string {
	r := []rune(s)
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

// MaskCert keeps the first third (at most 4) and the last quarter (at most 2)
// characters of a certificate number: 33080012345 → 330******45.
func MaskCert(s string) string {
	r := []rune(s)
	n := len(r)
	if n <= 2 {
		return strings.Repeat("*", n)
	}
	front, back := min(4, n/3), min(2, n/4)
	return string(r[:front]) + strings.Repeat("*", n-front-back) + string(r[n-back:])
}

// PublicOf renders one version of an entry.
func PublicOf(v Version, opts ViewOptions) PublicRecord {
	r := v.Result
	cs := append([]Conclusion(nil), r.Conclusions...)
	sortConclusions(cs)
	p := PublicRecord{
		ResultID: r.ID, PlanNo: r.PlanNo, PlanName: r.PlanName, TaskNo: r.TaskNo, TaskName: r.TaskName,
		TaskType: r.TaskType, Agency: r.Agency, CreditCode: r.TargetID, TargetName: r.TargetName,
		CompletionDate: r.CompletionDate, Result: ConclusionText(cs), Conclusions: cs, Remark: r.Remark,
		Version: v.N, PublishedOn: v.PublishedOn,
		Algorithm: r.Proof.Algorithm, ManifestHash: r.Proof.ManifestHash, RecordHash: r.Proof.RecordHash,
		KeepUntil: v.KeepUntil,
	}
	for _, m := range r.Measures {
		p.Measures = append(p.Measures, m.Kind.Label())
	}
	for _, in := range r.Inspectors {
		if !opts.Unmasked {
			in.Name, in.Cert = MaskName(in.Name), MaskCert(in.Cert)
		}
		p.Inspectors = append(p.Inspectors, in)
	}
	if v.Correction != nil {
		p.CorrectionReason = v.Correction.Reason
		p.CorrectedBy = MaskName(v.Correction.Signer)
		if opts.Unmasked {
			p.CorrectedBy = v.Correction.Signer
		}
	}
	return p
}

// PublicView returns the current version of every published result, in ID
// order. Entered and withheld results never appear (rule R26).
func (b *Book) PublicView(opts ViewOptions) []PublicRecord {
	var out []PublicRecord
	for _, e := range b.Entries {
		if e.State == StatePublished {
			out = append(out, PublicOf(e.Versions[len(e.Versions)-1], opts))
		}
	}
	return out
}

// PublicHistory returns every published version of a result, oldest first
// (rule R27: the change itself is kept).
func (b *Book) PublicHistory(id string, opts ViewOptions) ([]PublicRecord, error) {
	e, err := b.Entry(id)
	if err != nil {
		return nil, err
	}
	if e.State != StatePublished {
		return nil, fmt.Errorf("result %s is %s: %w", id, e.State, ErrNotPublished)
	}
	out := make([]PublicRecord, len(e.Versions))
	for i, v := range e.Versions {
		out[i] = PublicOf(v, opts)
	}
	return out, nil
}

// ExportColumns are the column headings of the CSV and XLSX exports: the
// GSXT 双随机 result columns first, then ssj's additions.
var ExportColumns = []string{
	"抽查计划编号", "抽查计划名称", "抽查任务编号", "抽查任务名称", "抽查类型", "检查实施机关",
	"统一社会信用代码", "企业名称", "抽查完成日期", "抽查结果", "备注",
	"版本", "公示日期", "更正原因", "抽取算法", "抽取清单哈希", "抽取记录哈希",
}

func exportRow(p PublicRecord) []string {
	return []string{
		p.PlanNo, p.PlanName, p.TaskNo, p.TaskName, p.TaskType, p.Agency,
		p.CreditCode, p.TargetName, p.CompletionDate.String(), p.Result, p.Remark,
		strconv.Itoa(p.Version), p.PublishedOn.String(), p.CorrectionReason,
		p.Algorithm, p.ManifestHash, p.RecordHash,
	}
}

// WriteCSV writes records as UTF-8 CSV with a byte-order mark (so that
// spreadsheet programs detect the encoding) and the ExportColumns header.
func WriteCSV(w io.Writer, recs []PublicRecord) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("publish: writing CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(ExportColumns); err != nil {
		return fmt.Errorf("publish: writing CSV header: %w", err)
	}
	for i, p := range recs {
		if err := cw.Write(exportRow(p)); err != nil {
			return fmt.Errorf("publish: writing CSV row %d (%s): %w", i+1, p.ResultID, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("publish: writing CSV: %w", err)
	}
	return nil
}

// XLSXSheet is the worksheet name of the XLSX export.
const XLSXSheet = "抽查结果"

// WriteXLSX writes records as an Excel workbook with one sheet (XLSXSheet),
// the ExportColumns header and one row per record, every cell as text.
func WriteXLSX(w io.Writer, recs []PublicRecord) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", XLSXSheet); err != nil {
		return fmt.Errorf("publish: XLSX sheet: %w", err)
	}
	put := func(row int, vals []string) error {
		for c, v := range vals {
			cell, err := excelize.CoordinatesToCellName(c+1, row)
			if err != nil {
				return err
			}
			if err := f.SetCellStr(XLSXSheet, cell, v); err != nil {
				return err
			}
		}
		return nil
	}
	if err := put(1, ExportColumns); err != nil {
		return fmt.Errorf("publish: XLSX header: %w", err)
	}
	for i, p := range recs {
		if err := put(i+2, exportRow(p)); err != nil {
			return fmt.Errorf("publish: XLSX row %d (%s): %w", i+1, p.ResultID, err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("publish: writing XLSX: %w", err)
	}
	return nil
}
