package plan

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/shuangsuiji/ssj/internal/csvrow"
)

// Result is the conclusion of an inspection (rule R22).
type Result string

// Inspection results.
const (
	ResultCompliant Result = "compliant" // 未发现异常: the item was found compliant
	ResultRectify   Result = "rectify"   // 责令整改: rectification ordered
	ResultOther     Result = "other"     // 其他
)

// ParseResult reads a result cell: compliant / 未发现异常 / 合格,
// rectify / 责令整改, other / 其他.
func ParseResult(s string) (Result, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "compliant", "未发现异常", "合格", "检查合格":
		return ResultCompliant, nil
	case "rectify", "责令整改", "下发责令整改通知书":
		return ResultRectify, nil
	case "other", "其他":
		return ResultOther, nil
	}
	return "", fmt.Errorf("%w: %q", ErrBadResult, s)
}

// Record is one past inspection (rule R11's input): which item was
// inspected at which target on which day, with what result. Task names the
// plan task or targeted inspection it belonged to, when known; Reason is
// the key area or special case that justified inspecting again (R11's
// exception), when there was one.
type Record struct {
	TargetID string `json:"target_id"`
	Item     string `json:"item"`
	Date     string `json:"date"` // YYYY-MM-DD
	Result   Result `json:"result"`
	Task     string `json:"task"`
	Reason   string `json:"reason"`
}

var historyAliases = map[string]string{
	"target_id": "target_id", "target": "target_id", "检查对象编码": "target_id", "统一社会信用代码": "target_id", "对象编码": "target_id",
	"item": "item", "事项编码": "item", "抽查事项编码": "item",
	"date": "date", "检查日期": "date", "日期": "date",
	"result": "result", "检查结果": "result",
	"task": "task", "任务编号": "task", "任务": "task",
	"reason": "reason", "理由": "reason", "特殊情形": "reason",
}

var historyRequired = []string{"target_id", "item", "date", "result"}

// ReadHistory reads past inspections from CSV (UTF-8 with or without a
// byte order mark, or GB18030) with the columns target_id, item, date,
// result and optionally task and reason (Chinese headers 检查对象编码 /
// 统一社会信用代码, 事项编码, 检查日期, 检查结果, 任务编号, 理由 also
// accepted). Every bad row is reported as a RowErrors; the records of the
// good rows are returned with it.
func ReadHistory(r io.Reader, file string) ([]Record, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", file, ErrBadFile, err)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil, fmt.Errorf("%s: %w: history must be CSV; this is an XLSX (ZIP) file: save it as \"CSV UTF-8\"", file, ErrBadFile)
	}
	if !utf8.Valid(data) {
		if data, err = simplifiedchinese.GB18030.NewDecoder().Bytes(data); err != nil {
			return nil, fmt.Errorf("%s: %w: neither UTF-8 nor GB18030: %w", file, ErrBadFile, err)
		}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	hdr, err := cr.Read()
	if err == io.EOF {
		return nil, RowErrors{{File: file, Row: 1, Err: fmt.Errorf("%w: empty file: want the inspection history, CSV", ErrBadFile)}}
	}
	if err != nil {
		return nil, RowErrors{{File: file, Row: 1, Err: fmt.Errorf("%w: CSV syntax: %w", ErrBadFile, err)}}
	}
	idx := map[string]int{}
	names := map[string]string{}
	var errs RowErrors
	for i, h := range hdr {
		col, ok := historyAliases[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))]
		if !ok {
			continue
		}
		if _, dup := idx[col]; dup {
			errs = append(errs, &RowError{File: file, Row: 1, Column: h, Value: h, Err: fmt.Errorf("%w: repeated column", ErrBadHeader)})
			continue
		}
		idx[col], names[col] = i, strings.TrimSpace(h)
	}
	for _, c := range historyRequired {
		if _, ok := idx[c]; !ok {
			errs = append(errs, &RowError{File: file, Row: 1, Column: c, Err: fmt.Errorf("%w: required column %q missing", ErrBadHeader, c)})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	width := csvrow.Width(hdr)
	var out []Record
	for {
		cells, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			row := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				row = pe.StartLine
			}
			return out, append(errs, &RowError{File: file, Row: row, Err: fmt.Errorf("%w: %w", ErrBadFile, err)})
		}
		row, _ := cr.FieldPos(0)
		cell := func(c string) string {
			if i, ok := idx[c]; ok && i < len(cells) {
				return strings.TrimSpace(cells[i])
			}
			return ""
		}
		if blankRow(cells) {
			continue
		}
		before := len(errs)
		bad := func(c, v string, err error) {
			errs = append(errs, &RowError{File: file, Row: row, Column: names[c], Value: v, Err: err})
		}
		if x := csvrow.Extra(cells, width); x >= 0 {
			errs = append(errs, &RowError{File: file, Row: row, Column: fmt.Sprintf("cell %d", x+1), Value: cells[x],
				Err: fmt.Errorf("%w: %d cells, but the header has %d columns", ErrBadValue, len(cells), width)})
		}
		rec := Record{TargetID: cell("target_id"), Item: cell("item"), Date: cell("date"), Task: cell("task"), Reason: cell("reason")}
		if rec.TargetID == "" {
			bad("target_id", "", ErrMissingField)
		}
		if rec.Item == "" {
			bad("item", "", ErrMissingField)
		}
		if _, err := parseDate(rec.Date); err != nil {
			bad("date", rec.Date, fmt.Errorf("%w: want YYYY-MM-DD", ErrBadDate))
		}
		if rec.Result, err = ParseResult(cell("result")); err != nil {
			bad("result", cell("result"), err)
		}
		if len(errs) == before {
			out = append(out, rec)
		}
	}
	if len(errs) > 0 {
		return out, errs
	}
	return out, nil
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
