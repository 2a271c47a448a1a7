package registry

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// xlsxUnzipLimit bounds the unzipped size of an XLSX workbook read by
// ReadXLSX. Setting the XML limit equal to it keeps excelize from spilling
// worksheets into temporary files: this package does no file I/O.
const xlsxUnzipLimit = 1 << 30

// xlsxSource reads rows of one worksheet; the row number is the sheet's.
type xlsxSource struct {
	rows *excelize.Rows
	row  int
}

func (s *xlsxSource) next() (int, []string, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return s.row + 1, nil, fmt.Errorf("%w: XLSX: %v", ErrBadFile, err)
		}
		return 0, nil, io.EOF
	}
	s.row++
	cells, err := s.rows.Columns()
	if err != nil {
		return s.row, nil, fmt.Errorf("%w: XLSX: %v", ErrBadFile, err)
	}
	return s.row, cells, nil
}

// ReadXLSX imports one pool from the first worksheet (or
// ImportOptions.Sheet) of an Excel workbook. Headers and cells are those
// documented on DecodeCSV; cells are read as Excel displays them, so enter
// jurisdictions and IDs as text (a number cell 440103 also reads back as
// "440103"). Every problem is reported as in DecodeCSV.
func ReadXLSX(r io.Reader, opt ImportOptions) (tab *Table, err error) {
	bad := func(e error) error {
		return RowErrors{{File: opt.File, Err: fmt.Errorf("%w: XLSX: %v", ErrBadFile, e)}}
	}
	// excelize is a large parser of outside input; a panic inside it on a
	// malformed workbook must surface as a typed error, not crash the caller.
	defer func() {
		if p := recover(); p != nil {
			tab, err = nil, bad(fmt.Errorf("malformed workbook: %v", p))
		}
	}()
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: xlsxUnzipLimit, UnzipXMLSizeLimit: xlsxUnzipLimit})
	if err != nil {
		return nil, bad(err)
	}
	defer f.Close()
	sheet := opt.Sheet
	if sheet == "" {
		list := f.GetSheetList()
		if len(list) == 0 {
			return nil, bad(fmt.Errorf("workbook has no worksheet"))
		}
		sheet = list[0]
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, bad(fmt.Errorf("sheet %q: %v", sheet, err))
	}
	defer rows.Close()
	return importRows(&xlsxSource{rows: rows}, opt, 0, false)
}

// xlsxDocTime is the fixed creation time written into exported workbooks,
// so that the same registry always exports to the same bytes.
const xlsxDocTime = "2000-01-01T00:00:00Z"

// writeXLSX writes one worksheet named sheet with a header row and rows.
func writeXLSX(w io.Writer, sheet string, header []string, n int, row func(int) []string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("registry: xlsx export: %w", err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{Created: xlsxDocTime, Modified: xlsxDocTime, Creator: "ssj"}); err != nil {
		return fmt.Errorf("registry: xlsx export: %w", err)
	}
	put := func(r int, cells []string) error {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
		}
		cell, err := excelize.CoordinatesToCellName(1, r)
		if err != nil {
			return err
		}
		return f.SetSheetRow(sheet, cell, &vals)
	}
	if err := put(1, header); err != nil {
		return fmt.Errorf("registry: xlsx export: %w", err)
	}
	for i := range n {
		if err := put(i+2, row(i)); err != nil {
			return fmt.Errorf("registry: xlsx export row %d: %w", i+2, err)
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("registry: xlsx export: %w", err)
	}
	return nil
}

// WriteTargetsXLSX writes targets as a workbook with one sheet "targets",
// English headers (TargetColumns) and text cells, which ReadXLSX reads back
// to the same targets.
func WriteTargetsXLSX(w io.Writer, ts []Target) error {
	return writeXLSX(w, string(PoolTargets), TargetColumns(), len(ts), func(i int) []string { return targetRecord(&ts[i]) })
}

// WriteInspectorsXLSX writes inspectors as a workbook with one sheet
// "inspectors", English headers (InspectorColumns) and text cells, which
// ReadXLSX reads back to the same inspectors.
func WriteInspectorsXLSX(w io.Writer, ins []Inspector) error {
	return writeXLSX(w, string(PoolInspectors), InspectorColumns(), len(ins), func(i int) []string { return inspectorRecord(&ins[i]) })
}
