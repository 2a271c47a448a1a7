package checklist

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/shuangsuiji/ssj/internal/csvrow"
)

// column identifies what a header cell holds, by the Item field's JSON name
// ("ratio" covers ratio_min and ratio_max; "seq" is the 序号 column, read
// and ignored).
type column string

// headerAliases maps every accepted header (lower case, spaces removed) to
// its column. Agencies publish the Chinese headers; the English ones are
// the Item JSON names.
var headerAliases = map[string]column{
	"序号": "seq", "seq": "seq", "no": "seq", "no.": "seq",
	"事项编码": "code", "事项代码": "code", "编码": "code", "code": "code",
	"抽查事项": "name", "抽查事项名称": "name", "事项名称": "name", "name": "name",
	"检查对象": "target_type", "抽查对象": "target_type", "target_type": "target_type",
	"事项类别": "category", "类别": "category", "category": "category",
	"检查方式": "methods", "抽查方式": "methods", "methods": "methods",
	"检查主体": "department", "实施主体": "department", "抽查主体": "department", "department": "department",
	"检查依据": "legal_basis", "抽查依据": "legal_basis", "legal_basis": "legal_basis",
	"抽查内容": "content", "检查内容": "content", "content": "content",
	"抽查比例": "ratio", "ratio": "ratio",
	"抽查频次": "frequency", "frequency": "frequency",
	"检查人员资格": "qualifications", "执法资格": "qualifications", "qualifications": "qualifications",
	"抽查措施": "measures", "检查措施": "measures", "measures": "measures",
	"抽查监管程序": "procedure", "监管程序": "procedure", "procedure": "procedure",
	"抽查结果处理": "result_handling", "结果处理": "result_handling", "result_handling": "result_handling",
}

var requiredColumns = []string{"code", "name", "target_type", "category", "methods", "department", "legal_basis", "ratio", "frequency"}

// RequiredColumns returns the columns an imported checklist must have, by
// English name; any accepted alias of each will do.
func RequiredColumns() []string { return slices.Clone(requiredColumns) }

// maxHeaderSearch is how many leading rows may precede the header (a title
// line such as "附件：随机抽查事项清单" is common in published files).
const maxHeaderSearch = 10

func normHeader(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}

// record is one input row with its spreadsheet row number.
type record struct {
	row   int
	cells []string
}

// ReadCSV imports a checklist from CSV in UTF-8 (with or without a byte
// order mark) or GB18030, the encoding of spreadsheets saved by Chinese
// Excel. file names the input in errors. Rows before the header row (a
// title line) and blank rows are skipped; unknown columns are ignored.
//
// A single ratio given for a key item ("5%") is read as its minimum, since
// rule R4 gives key items no upper bound; a range for a key item is an error
// (ErrKeyItemCapped).
//
// It returns the items of every good row and, when any row is bad, a
// RowErrors listing every problem (errors.As to *RowError for row, column
// and value; errors.Is for the reason).
func ReadCSV(r io.Reader, file string, cfg Config) ([]Item, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", file, ErrBadFile, err)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		dec, derr := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if derr != nil {
			return nil, fmt.Errorf("%s: %w: neither UTF-8 nor GB18030: %w", file, ErrBadFile, derr)
		}
		data = dec
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	var recs []record
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
			return nil, RowErrors{{File: file, Row: row, Err: fmt.Errorf("%w: %w", ErrBadFile, err)}}
		}
		line, _ := cr.FieldPos(0)
		recs = append(recs, record{row: line, cells: cells})
	}
	return parseRecords(recs, file, cfg)
}

// ReadXLSX imports a checklist from the first sheet of an XLSX workbook,
// with the same columns and reporting as ReadCSV.
func ReadXLSX(r io.Reader, file string, cfg Config) ([]Item, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", file, ErrBadFile, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("%s: %w: no sheet", file, ErrBadFile)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("%s: sheet %q: %w: %w", file, sheets[0], ErrBadFile, err)
	}
	recs := make([]record, len(rows))
	for i, cells := range rows {
		recs[i] = record{row: i + 1, cells: cells}
	}
	return parseRecords(recs, file, cfg)
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// findHeader returns the index of the header record: the first of the
// leading records with a cell naming the item (抽查事项 / name).
func findHeader(recs []record) int {
	for i := 0; i < len(recs) && i < maxHeaderSearch; i++ {
		for _, c := range recs[i].cells {
			if headerAliases[normHeader(c)] == "name" {
				return i
			}
		}
	}
	return -1
}

func parseRecords(recs []record, file string, cfg Config) ([]Item, error) {
	h := findHeader(recs)
	if h < 0 {
		row := 1
		if len(recs) > 0 {
			row = recs[0].row
		}
		return nil, RowErrors{{File: file, Row: row, Column: "name", Err: fmt.Errorf("%w: no header row with a 抽查事项 (name) column in the first %d rows", ErrBadHeader, maxHeaderSearch)}}
	}
	hdr := recs[h]
	idx := map[column]int{}
	written := map[string]string{} // JSON field name -> header as written
	var errs RowErrors
	for i, c := range hdr.cells {
		col, ok := headerAliases[normHeader(c)]
		if !ok {
			continue
		}
		if j, dup := idx[col]; dup {
			errs = append(errs, &RowError{File: file, Row: hdr.row, Column: c, Value: c,
				Err: fmt.Errorf("%w: column repeats %q (column %d)", ErrBadHeader, hdr.cells[j], j+1)})
			continue
		}
		idx[col] = i
		name := strings.TrimSpace(c)
		if col == "ratio" {
			written["ratio_min"], written["ratio_max"] = name, name
		} else {
			written[string(col)] = name
		}
	}
	for _, req := range requiredColumns {
		if _, ok := idx[column(req)]; !ok {
			errs = append(errs, &RowError{File: file, Row: hdr.row, Column: req, Err: fmt.Errorf("%w: required column %q missing", ErrBadHeader, req)})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	var items []Item
	firstRow := map[string]int{}
	width := csvrow.Width(hdr.cells)
	for _, rec := range recs[h+1:] {
		if blank(rec.cells) {
			continue
		}
		if x := csvrow.Extra(rec.cells, width); x >= 0 {
			errs = append(errs, &RowError{File: file, Row: rec.row, Column: fmt.Sprintf("cell %d", x+1), Value: rec.cells[x],
				Err: fmt.Errorf("%w: %d cells, but the header has %d columns", ErrExtraCells, len(rec.cells), width)})
			continue
		}
		cell := func(c column) string {
			if i, ok := idx[c]; ok && i < len(rec.cells) {
				return strings.TrimSpace(rec.cells[i])
			}
			return ""
		}
		code := cell("code")
		before := len(errs)
		failed := map[string]bool{}
		emit := rowEmitter(&errs, file, rec.row, code, written)
		parseErr := func(field, value string, err error) {
			failed[field] = true
			emit(field, value, err)
		}
		it := Item{
			Code:           code,
			Name:           cell("name"),
			TargetType:     cell("target_type"),
			Department:     cell("department"),
			LegalBasis:     ParseLegalBasis(cell("legal_basis")),
			Content:        cell("content"),
			Qualifications: splitList(cell("qualifications"), listSeps),
			Measures:       cell("measures"),
			Procedure:      cell("procedure"),
			ResultHandling: cell("result_handling"),
		}
		var err error
		if it.Category, err = ParseCategory(cell("category")); err != nil {
			parseErr("category", cell("category"), err)
		}
		if it.Methods, err = ParseMethods(cell("methods")); err != nil {
			parseErr("methods", cell("methods"), err)
		}
		if it.RatioMin, it.RatioMax, err = ParseRatio(cell("ratio")); err != nil {
			parseErr("ratio_min", cell("ratio"), err)
			failed["ratio_max"] = true
		}
		// A key item's single ratio ("5%") is its minimum: rule R4 gives key
		// items no upper bound. A range ("5%-10%") is still refused.
		if it.Category == CategoryKey && it.RatioMax.Valid && it.RatioMax.Decimal.Equal(it.RatioMin) {
			it.RatioMax = decimal.NullDecimal{}
		}
		if it.Frequency, err = ParseFrequency(cell("frequency")); err != nil {
			parseErr("frequency", cell("frequency"), err)
		}
		cfg.check(&it, func(field, value string, err error) {
			if failed[field] {
				return
			}
			if field == "ratio_min" || field == "ratio_max" {
				value = cell("ratio")
			}
			emit(field, value, err)
		})
		if code != "" {
			if r, dup := firstRow[code]; dup {
				emit("code", code, fmt.Errorf("%w: first on row %d", ErrDuplicateCode, r))
			} else {
				firstRow[code] = rec.row
			}
		}
		if len(errs) == before {
			items = append(items, it)
		}
	}
	if len(errs) > 0 {
		return items, errs
	}
	return items, nil
}
