package checklist

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

const sampleFile = "../examples/data/checklist.csv"

func TestReadCSV_Sample(t *testing.T) {
	f, err := os.Open(sampleFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	items, err := ReadCSV(f, sampleFile, DefaultConfig())
	if err != nil {
		t.Fatalf("sample checklist: %v", err)
	}
	// The sample inspector registry's qualifications refer to these codes.
	want := []string{"ZA-01", "ZA-02", "ZA-03", "ZA-04", "CRJ-01", "WJ-01", "WJ-02", "JD-01", "JJ-01", "XF-01"}
	if len(items) != len(want) {
		t.Fatalf("%d items, want %d", len(items), len(want))
	}
	key := map[string]bool{"ZA-01": true, "ZA-03": true, "WJ-01": true, "JD-01": true, "XF-01": true}
	for i, code := range want {
		it := items[i]
		if it.Code != code {
			t.Errorf("item %d code %q, want %q", i, it.Code, code)
		}
		if (it.Category == CategoryKey) != key[code] {
			t.Errorf("%s category %s", code, it.Category)
		}
		if len(it.LegalBasis) == 0 || !strings.HasPrefix(it.LegalBasis[0], "《") {
			t.Errorf("%s legal basis %q", code, it.LegalBasis)
		}
	}
}

const header = "序号,事项编码,抽查事项,检查对象,事项类别,检查方式,检查主体,检查依据,抽查比例,抽查频次\n"

func TestReadCSV_EveryBadRowReported(t *testing.T) {
	in := header +
		"1,ZA-01,旅馆业治安管理检查,旅馆,重点,查阅资料,治安,《旅馆业治安管理办法》,不低于5%,每年1次\n" +
		"2,ZA-02,印章刻制业治安管理检查,印章刻制企业,一般,查阅资料,治安,,5%-15%,每年1次\n" + // R1
		"\n" + // blank line: skipped, but counts in line numbers
		"3,ZA-03,娱乐场所治安管理检查,娱乐场所,重要,电话询问,治安,《娱乐场所管理条例》,不低于5%,经常\n" + // three bad cells
		"4,ZA-04,废旧金属收购业治安管理检查,废旧金属收购企业,一般,实地核查,治安,《废旧金属收购业治安管理办法》,5%-30%,每年1次\n" + // R4
		"5,ZA-01,重复,旅馆,重点,实地核查,治安,《旅馆业治安管理办法》,不低于5%,每年1次\n" // duplicate code
	items, err := ReadCSV(strings.NewReader(in), "list.csv", DefaultConfig())
	if len(items) != 1 || items[0].Code != "ZA-01" {
		t.Errorf("good items = %v", items)
	}
	var errs RowErrors
	if !errors.As(err, &errs) {
		t.Fatalf("error %T %v, want RowErrors", err, err)
	}
	want := []struct {
		row    int
		column string
		value  string
		reason error
	}{
		{3, "检查依据", "", ErrNoLegalBasis},
		{5, "事项类别", "重要", ErrBadCategory},
		{5, "检查方式", "电话询问", ErrBadMethod},
		{5, "抽查频次", "经常", ErrBadFrequency},
		{6, "抽查比例", "5%-30%", ErrOverCap},
		{7, "事项编码", "ZA-01", ErrDuplicateCode},
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(want), err)
	}
	for i, w := range want {
		e := errs[i]
		if e.File != "list.csv" || e.Row != w.row || e.Column != w.column || e.Value != w.value || !errors.Is(e, w.reason) {
			t.Errorf("error %d = %+v (%v), want row %d column %q value %q reason %v", i, e, e.Err, w.row, w.column, w.value, w.reason)
		}
	}
	if !errors.Is(err, ErrNoLegalBasis) {
		t.Error("errors.Is through RowErrors failed")
	}
	if !strings.Contains(err.Error(), `list.csv:row 3: item "ZA-02": column "检查依据" value "": no legal basis (rule R1)`) {
		t.Errorf("message does not say file, row, item, column and reason:\n%v", err)
	}
}

func TestReadCSV_Encodings(t *testing.T) {
	plain := header + "1,ZA-01,旅馆业治安管理检查,旅馆,重点,查阅资料,治安,《旅馆业治安管理办法》,不低于5%,每年1次\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(plain)
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]string{
		"utf8":         plain,
		"utf8-bom":     "\ufeff" + plain,
		"gb18030":      gb,
		"title-row":    "附件1：随机抽查事项清单,,,\n" + plain,
		"english-head": "code,name,target_type,category,methods,department,legal_basis,ratio,frequency\nZA-01,旅馆业治安管理检查,旅馆,key,on_site,治安,《旅馆业治安管理办法》,>=5%,每年1次\n",
		"crlf":         strings.ReplaceAll(plain, "\n", "\r\n"),
	} {
		t.Run(name, func(t *testing.T) {
			items, err := ReadCSV(strings.NewReader(in), name, DefaultConfig())
			if err != nil || len(items) != 1 || items[0].Name != "旅馆业治安管理检查" || items[0].Department != "治安" {
				t.Fatalf("got %+v, %v", items, err)
			}
		})
	}
}

func TestReadCSV_BadHeader(t *testing.T) {
	tests := map[string]string{
		"no header":      "a,b,c\n1,2,3\n",
		"missing column": "事项编码,抽查事项,检查对象\nZA-01,x,y\n",
		"repeated":       strings.TrimSuffix(header, "\n") + ",事项名称\n",
		"empty":          "",
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(in), "h.csv", DefaultConfig())
			var re *RowError
			if !errors.Is(err, ErrBadHeader) || !errors.As(err, &re) {
				t.Fatalf("got %v, want ErrBadHeader RowError", err)
			}
		})
	}
}

func TestReadCSV_Malformed(t *testing.T) {
	_, err := ReadCSV(strings.NewReader(header+"1,\"unterminated\n"), "m.csv", DefaultConfig())
	if !errors.Is(err, ErrBadFile) {
		t.Fatalf("got %v, want ErrBadFile", err)
	}
}

// xlsxOf builds an in-memory workbook with rows on its first sheet.
func xlsxOf(t testing.TB, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for i, r := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			t.Fatal(err)
		}
		row := make([]any, len(r))
		for j, c := range r {
			row[j] = c
		}
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSX(t *testing.T) {
	hdr := strings.Split(strings.TrimSpace(header), ",")
	data := xlsxOf(t, [][]string{
		{"某区公安分局随机抽查事项清单"},
		hdr,
		{"1", "XF-01", "消防安全检查", "消防安全重点单位", "重点", "实地核查", "消防", "《中华人民共和国消防法》", "不低于5%", "每年1次"},
		{"2", "XF-02", "无依据检查", "单位", "一般", "实地核查", "消防", "", "5%", "每年1次"},
	})
	items, err := ReadXLSX(bytes.NewReader(data), "list.xlsx", DefaultConfig())
	if len(items) != 1 || items[0].Code != "XF-01" {
		t.Errorf("items = %+v", items)
	}
	var re *RowError
	if !errors.Is(err, ErrNoLegalBasis) || !errors.As(err, &re) || re.Row != 4 || re.Code != "XF-02" {
		t.Fatalf("got %v, want R1 error on row 4", err)
	}
	if _, err := ReadXLSX(strings.NewReader("not a zip"), "x.xlsx", DefaultConfig()); !errors.Is(err, ErrBadFile) {
		t.Fatalf("garbage: %v", err)
	}
}

// FuzzReadCSV checks that the CSV importer never panics, and that every
// item it accepts passes validation and every error it reports is typed.
func FuzzReadCSV(f *testing.F) {
	sample, err := os.ReadFile(sampleFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	f.Add([]byte(header + "1,A,b,c,一般,查阅资料,d,《e》,5%,每年1次\n"))
	f.Add([]byte("\xef\xbb\xbf" + header))
	f.Add([]byte("抽查事项\n\"x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := DefaultConfig()
		items, err := ReadCSV(bytes.NewReader(data), "fuzz.csv", cfg)
		if verr := cfg.ValidateItems(items); verr != nil && err == nil {
			t.Fatalf("accepted invalid items: %v", verr)
		}
		if err != nil {
			var re *RowError
			if !errors.As(err, &re) && !errors.Is(err, ErrBadFile) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
		}
	})
}

// FuzzReadXLSX checks that the XLSX importer never panics on damaged files.
func FuzzReadXLSX(f *testing.F) {
	hdr := strings.Split(strings.TrimSpace(header), ",")
	good := xlsxOf(f, [][]string{hdr, {"1", "A", "b", "c", "一般", "查阅资料", "d", "《e》", "5%", "每年1次"}})
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := DefaultConfig()
		items, err := ReadXLSX(bytes.NewReader(data), "fuzz.xlsx", cfg)
		if verr := cfg.ValidateItems(items); verr != nil && err == nil {
			t.Fatalf("accepted invalid items: %v", verr)
		}
	})
}

// Rule R4: a key item's single ratio is its minimum; a range is a cap.
func TestReadCSV_R4_KeyItemRatio(t *testing.T) {
	in := header +
		"1,ZA-01,旅馆业治安管理检查,旅馆,重点,查阅资料,治安,《旅馆业治安管理办法》,5%,每年1次\n" +
		"2,ZA-03,娱乐场所治安管理检查,娱乐场所,重点,查阅资料,治安,《娱乐场所管理条例》,5%-10%,每年1次\n"
	items, err := ReadCSV(strings.NewReader(in), "k.csv", DefaultConfig())
	if len(items) != 1 || items[0].RatioMax.Valid || !items[0].RatioMin.Equal(dec("0.05")) {
		t.Fatalf("items %+v", items)
	}
	var re *RowError
	if !errors.As(err, &re) || re.Row != 3 || re.Column != "抽查比例" || !errors.Is(err, ErrKeyItemCapped) {
		t.Fatalf("got %v", err)
	}
}
