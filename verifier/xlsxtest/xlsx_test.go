// Package xlsxtest checks the JavaScript verifier's XLSX pool reader
// (verifier/lib/xlsx.mjs) against ssj's (registry.ReadXLSX): workbooks
// written by the Go side, and workbooks shaped like Excel's, must read to
// the same units (the same commitment root), and a malformed or
// out-of-subset workbook must be refused (exit 2) with the problem named
// (docs/draw-spec.md Appendix E §1, XLSX).
package xlsxtest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/memstore"
	"github.com/shuangsuiji/ssj/registry"
)

// needNode returns the node binary, or skips the test (fails it when
// CI=true) when node or verifier/node_modules is missing.
func needNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	missing := ""
	if err != nil {
		missing = "node is not on PATH"
	} else if _, err := os.Stat("../node_modules/@noble/curves/package.json"); err != nil {
		missing = "verifier/node_modules is missing (run: cd verifier && npm ci)"
	}
	if missing != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("JavaScript XLSX test: %s", missing)
		}
		t.Skipf("JavaScript XLSX test skipped: %s", missing)
	}
	// Open the sources so that go test's cache reruns this test when they change.
	for _, pat := range []string{"../*.mjs", "../lib/*.mjs", "*.mjs"} {
		files, err := filepath.Glob(pat)
		require.NoError(t, err)
		for _, f := range files {
			_, err := os.ReadFile(f)
			require.NoError(t, err)
		}
	}
	return node
}

// jsRead is what roots.mjs prints for one file.
type jsRead struct {
	File  string `json:"file"`
	Count int    `json:"count"`
	Root  string `json:"root"`
	Error string `json:"error"`
}

// jsRoots reads pool files (kind=path) with the JavaScript reader.
func jsRoots(t *testing.T, node string, args ...string) []jsRead {
	t.Helper()
	out, err := exec.Command(node, append([]string{"roots.mjs"}, args...)...).Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		t.Fatalf("roots.mjs: %v\n%s", err, ee.Stderr)
	}
	require.NoError(t, err)
	var rs []jsRead
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var r jsRead
		require.NoError(t, json.Unmarshal([]byte(line), &r), line)
		rs = append(rs, r)
	}
	require.Len(t, rs, len(args))
	return rs
}

// goRoot reads a pool file with registry.Read and commits to it.
func goRoot(t *testing.T, path string) (registry.Commitment, error) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	tab, err := registry.Read(f, registry.ImportOptions{File: path})
	if err != nil {
		return registry.Commitment{}, err
	}
	if tab.Pool == registry.PoolTargets {
		return registry.CommitTargets(tab.Targets)
	}
	return registry.CommitInspectors(tab.Inspectors)
}

func write(t *testing.T, path string, fn func(*bytes.Buffer) error) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, fn(&b))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	return path
}

// TestXLSXPoolsVerifyAsCSV runs the demo draw (targets, home inspectors,
// the cross-region fallback pool) and verifies its record with the
// JavaScript CLI twice: over the pools written as CSV and as XLSX by the
// Go side (registry.Write*XLSX, what ssj registry export --format xlsx
// writes). Both verify, with the same summary (rules R15, R16).
func TestXLSXPoolsVerifyAsCSV(t *testing.T) {
	node := needNode(t)
	ctx := context.Background()
	o, clock, err := demo.New(memstore.New())
	require.NoError(t, err)
	sum, err := demo.RunUntil(ctx, o, clock, nil, demo.StageDispatched)
	require.NoError(t, err)
	m, err := o.Manifest(ctx, sum.TaskID)
	require.NoError(t, err)
	rec, err := o.Record(ctx, sum.TaskID)
	require.NoError(t, err)
	dir := t.TempDir()
	recPath := write(t, filepath.Join(dir, "record.json"), func(b *bytes.Buffer) error {
		data, err := draw.MarshalRecord(&rec)
		b.Write(data)
		return err
	})
	targets, err := o.Targets(ctx, m.Targets)
	require.NoError(t, err)
	pools := map[string][]registry.Inspector{}
	for name, id := range map[string]string{"inspectors": m.Inspectors, "fallback": m.Fallback} {
		if id != "" {
			pools[name], err = o.Inspectors(ctx, id)
			require.NoError(t, err)
		}
	}
	require.NotEmpty(t, pools["inspectors"], "the demo matches inspectors")

	outputs := map[string]string{}
	for _, ext := range []string{"csv", "xlsx"} {
		args := []string{"../ssj-verify.mjs", recPath, "--json"}
		p := filepath.Join(dir, "targets."+ext)
		write(t, p, func(b *bytes.Buffer) error {
			if ext == "csv" {
				return registry.WriteTargetsCSV(b, targets)
			}
			return registry.WriteTargetsXLSX(b, targets)
		})
		args = append(args, "--targets", p)
		for _, name := range []string{"inspectors", "fallback"} {
			ins, ok := pools[name]
			if !ok {
				continue
			}
			p := filepath.Join(dir, name+"."+ext)
			write(t, p, func(b *bytes.Buffer) error {
				if ext == "csv" {
					return registry.WriteInspectorsCSV(b, ins)
				}
				return registry.WriteInspectorsXLSX(b, ins)
			})
			args = append(args, "--"+name, p)
		}
		cmd := exec.Command(node, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		require.NoError(t, err, "%s pools: %s%s", ext, out, stderr.String())
		outputs[ext] = strings.ReplaceAll(string(out), "."+ext, ".EXT")
		assert.Contains(t, outputs[ext], `"verified"`)
	}
	assert.Equal(t, outputs["csv"], outputs["xlsx"], "the same summary from CSV and XLSX pools")

	// A record edit is still found with XLSX pools (exit 1, not 2).
	var doc map[string]any
	data, err := os.ReadFile(recPath)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &doc))
	doc["eligible"] = json.Number("1")
	bad, err := json.Marshal(doc)
	require.NoError(t, err)
	badPath := filepath.Join(dir, "edited.json")
	require.NoError(t, os.WriteFile(badPath, bad, 0o644))
	err = exec.Command(node, "../ssj-verify.mjs", badPath, "--targets", filepath.Join(dir, "targets.xlsx"), "--inspectors", filepath.Join(dir, "inspectors.xlsx")).Run()
	var ee *exec.ExitError
	require.True(t, errors.As(err, &ee), "%v", err)
	assert.Equal(t, 1, ee.ExitCode())
}

// part is one file of a hand-made workbook.
type part struct{ name, body string }

// workbook zips parts (deflated) into an XLSX file.
func workbook(t *testing.T, path string, parts ...part) string {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		require.NoError(t, err)
		_, err = w.Write([]byte(p.body))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	return path
}

const (
	contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`
	pkgRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	// The first sheet in the workbook's order is sheet2.xml ("名录"), not
	// the first relationship.
	workbookXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名录" sheetId="2" r:id="rId2"/><sheet name="说明" sheetId="1" r:id="rId1"/></sheets></workbook>`
	workbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`
	// Cell formats: 0 default, 1 bold (General), 2 Text (@), 3 a date format.
	stylesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/></font><font><b/><sz val="11"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`
	otherSheet = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>not the registry</t></is></c></row></sheetData></worksheet>`
)

// shared strings: 0 a title, 1-11 the header (Chinese), then values. Item
// 12 is rich text with a phonetic run (ignored); 13 holds an entity, a
// character reference and an _xHHHH_ escape; 14 a CDATA section.
const sharedXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="16" uniqueCount="16">
<si><t>某区检查对象名录（2026年9月）</t></si>
<si><t xml:space="preserve"> 统一社会信用代码 </t></si><si><t>名称</t></si><si><t>辖区</t></si><si><t>行业</t></si><si><t>信用风险分类</t></si>
<si><t>经营异常名录</t></si><si><t>投诉数</t></si><si><t>状态</t></si><si><t>监管部门</t></si><si><t>序号</t></si><si><t>类型</t></si>
<si><r><rPr><b/></rPr><t>旅馆</t></r><r><t>业</t></r><rPh sb="0" eb="2"><t>リョカン</t></rPh></si>
<si><t>娱乐&amp;场所&#x2F;歌舞厅_x0041__x005F_x0042_</t></si>
<si><t><![CDATA[治安；消防 ]]></t></si>
<si><t>是</t></si>
</sst>`

// sheetXML is a target registry shaped like an agency's Excel file: a
// title row, a blank row, a bold header with a 序号 column, cells with and
// without references, number cells (jurisdiction, complaints), Text-format
// cells, inline strings, a missing row and a blank row between units.
func sheetXML(extraRows string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1:K9"/><sheetData>
<row r="1"><c r="A1" t="s" s="1"><v>0</v></c></row>
<row r="3" spans="1:11"><c r="A3" t="s" s="1"><v>10</v></c><c r="B3" t="s" s="1"><v>1</v></c><c r="C3" t="s" s="1"><v>2</v></c><c r="D3" t="s" s="1"><v>11</v></c><c r="E3" t="s" s="1"><v>3</v></c><c r="F3" t="s" s="1"><v>4</v></c><c r="G3" t="s" s="1"><v>5</v></c><c r="H3" t="s" s="1"><v>6</v></c><c r="I3" t="s" s="1"><v>7</v></c><c r="J3" t="s" s="1"><v>8</v></c><c r="K3" t="s" s="1"><v>9</v></c></row>
<row r="4"><c r="A4"><v>1</v></c><c r="B4" t="inlineStr"><is><t>91440103MA59ABCD1X</t></is></c><c r="C4" t="inlineStr"><is><t>东山宾馆</t></is></c><c r="E4"><v>440103</v></c><c r="F4" t="s"><v>12</v></c><c r="G4" t="inlineStr" s="2"><is><t>b</t></is></c><c r="I4"><v>2</v></c><c r="J4" t="inlineStr"><is><t>存续</t></is></c><c r="K4" t="s"><v>14</v></c></row>
<row r="5"><c><v>2</v></c><c t="inlineStr"><is><t>9144010331234567XA</t></is></c><c t="inlineStr"><is><t>流花&amp;歌舞厅</t></is></c><c t="inlineStr"><is><t>企业</t></is></c><c t="inlineStr" s="2"><is><t>440104</t></is></c><c t="s"><v>13</v></c><c t="str"><f>"C"</f><v>C</v></c><c t="s"><v>15</v></c><c s="2"><v>3.0</v></c><c t="inlineStr"><is><t xml:space="preserve">  在业 </t></is></c><c t="inlineStr"><is><r><t>网</t></r><r><t>警</t></r></is></c></row>
<row r="7"><c r="B7" t="inlineStr"><is><t> </t></is></c><c r="E7" t="inlineStr"><is><t></t></is></c></row>
<row r="8"><c r="A8" t="n"><v>3</v></c><c r="B8" t="inlineStr"><is><t>91440105MA5CX0YW2L</t></is></c><c r="C8" t="inlineStr"><is><t>海珠印章</t></is></c><c r="E8"><v>440105</v></c><c r="F8" t="inlineStr"><is><t>印章刻制</t></is></c><c r="G8" t="inlineStr"><is><t>A</t></is></c><c r="H8" t="b"><v>0</v></c><c r="I8"><v>0</v></c><c r="J8" t="inlineStr"><is><t>存续</t></is></c><c r="K8" t="inlineStr"><is><t>治安</t></is></c></row>
` + extraRows + `</sheetData><mergeCells count="1"><mergeCell ref="A1:K1"/></mergeCells></worksheet>`
}

// uscc returns a valid 统一社会信用代码 with the body given.
func uscc(t *testing.T, body string) string {
	t.Helper()
	c, err := registry.USCCCheckChar(body)
	require.NoError(t, err)
	return body + string(c)
}

// excelLike writes a hand-made workbook with the sheet rows given.
func excelLike(t *testing.T, path, sheet string) string {
	return workbook(t, path,
		part{"[Content_Types].xml", contentTypes}, part{"_rels/.rels", pkgRels},
		part{"xl/workbook.xml", workbookXML}, part{"xl/_rels/workbook.xml.rels", workbookRels},
		part{"xl/styles.xml", stylesXML}, part{"xl/sharedStrings.xml", sharedXML},
		part{"xl/worksheets/sheet1.xml", otherSheet}, part{"xl/worksheets/sheet2.xml", sheet})
}

// fixIDs puts valid check characters into the sheet's sample IDs.
func fixIDs(t *testing.T, s string) string {
	for _, id := range []string{"91440103MA59ABCD1X", "9144010331234567XA", "91440105MA5CX0YW2L"} {
		s = strings.ReplaceAll(s, id, uscc(t, id[:17]))
	}
	return s
}

// TestXLSXExcelLikeWorkbooks reads hand-made workbooks with the features
// Excel writes (rich text, phonetic runs, entities, _xHHHH_ escapes, CDATA,
// styles, number cells, missing and blank rows, cells without references,
// the first sheet not the first part) with both readers: the same units,
// hence the same commitment root. Workbooks the JavaScript reader refuses
// (outside Appendix E's XLSX subset, or malformed) are refused with the
// file and the problem named, and never read to other units.
func TestXLSXExcelLikeWorkbooks(t *testing.T) {
	node := needNode(t)
	dir := t.TempDir()
	ok := excelLike(t, filepath.Join(dir, "excel-like.xlsx"), fixIDs(t, sheetXML("")))
	want, err := goRoot(t, ok)
	require.NoError(t, err)
	require.Equal(t, 3, want.Count)

	// A header pushed below row 10 by blank rows: both refuse (blank rows
	// count among the ten in an XLSX sheet).
	low := strings.Replace(fixIDs(t, sheetXML("")), `<row r="3" `, `<row r="2"><c r="A2" t="inlineStr"><is><t> </t></is></c></row><row r="11" `, 1)
	low = strings.NewReplacer(`r="4"`, `r="12"`, `r="5"`, `r="13"`, `r="7"`, `r="15"`, `r="8"`, `r="16"`).Replace(low)
	low = regexpCells(low)
	lowPath := excelLike(t, filepath.Join(dir, "header-row-11.xlsx"), low)
	_, err = goRoot(t, lowPath)
	require.Error(t, err, "ssj refuses a header below row 10")

	// Out of the subset: a number shown in a date format, a date cell, an
	// error cell, a number with 16 significant digits.
	extra := func(cells string) string { return fixIDs(t, sheetXML(`<row r="9">`+cells+`</row>`)) }
	row9 := func(idCell string) string {
		return `<c r="A9"><v>4</v></c>` + idCell + `<c r="C9" t="inlineStr"><is><t>某</t></is></c><c r="E9" t="inlineStr"><is><t>440103</t></is></c><c r="F9" t="inlineStr"><is><t>旅馆业</t></is></c><c r="G9" t="inlineStr"><is><t>A</t></is></c><c r="J9" t="inlineStr"><is><t>存续</t></is></c><c r="K9" t="inlineStr"><is><t>治安</t></is></c>`
	}
	dateFmt := excelLike(t, filepath.Join(dir, "date-format.xlsx"), extra(row9(`<c r="B9" t="inlineStr"><is><t>`+uscc(t, "91440103MA59ABCE1")+`</t></is></c><c r="I9" s="3"><v>45000</v></c>`)))
	dateCell := excelLike(t, filepath.Join(dir, "date-cell.xlsx"), extra(row9(`<c r="B9" t="inlineStr"><is><t>`+uscc(t, "91440103MA59ABCE1")+`</t></is></c><c r="I9" t="d"><v>2026-09-01</v></c>`)))
	errCell := excelLike(t, filepath.Join(dir, "error-cell.xlsx"), extra(row9(`<c r="B9" t="e"><v>#N/A</v></c>`)))
	bigNum := excelLike(t, filepath.Join(dir, "16-digits.xlsx"), extra(row9(`<c r="B9" t="inlineStr"><is><t>`+uscc(t, "91440103MA59ABCE1")+`</t></is></c><c r="I9"><v>1234567890123456</v></c>`)))

	// Malformed: truncated, a damaged deflate stream, no worksheet part.
	good, err := os.ReadFile(ok)
	require.NoError(t, err)
	trunc := filepath.Join(dir, "truncated.xlsx")
	require.NoError(t, os.WriteFile(trunc, good[:len(good)/2], 0o644))
	damaged := filepath.Join(dir, "damaged.xlsx")
	d := bytes.Clone(good)
	i := bytes.Index(d, []byte("xl/worksheets/sheet2.xml")) + len("xl/worksheets/sheet2.xml") + 40
	for j := i; j < i+16; j++ {
		d[j] ^= 0x5a
	}
	require.NoError(t, os.WriteFile(damaged, d, 0o644))
	noSheet := workbook(t, filepath.Join(dir, "no-sheet.xlsx"), part{"_rels/.rels", pkgRels}, part{"xl/workbook.xml", workbookXML}, part{"xl/_rels/workbook.xml.rels", workbookRels})

	rs := jsRoots(t, node, "targets="+ok, "targets="+lowPath, "targets="+dateFmt, "targets="+dateCell, "targets="+errCell, "targets="+bigNum,
		"targets="+trunc, "targets="+damaged, "targets="+noSheet)
	assert.Empty(t, rs[0].Error)
	assert.Equal(t, want.Count, rs[0].Count)
	assert.Equal(t, want.Root, rs[0].Root, "the JavaScript reader reads the Excel-like workbook as ssj does")
	assert.Contains(t, rs[1].Error, "no header row")
	for i, w := range []string{"I9: a number cell shown in number format 14", `I9: cell type "d"`, `B9: cell type "e"`, "I9: number cell not supported (Excel shows it in exponent form",
		"ZIP: no end of central directory", "ZIP: xl/worksheets/sheet2.xml", "no part xl/worksheets/sheet2.xml"} {
		r := rs[2+i]
		assert.Contains(t, r.Error, w, r.File)
		assert.Contains(t, r.Error, r.File, "the message names the file")
		assert.Zero(t, r.Count)
	}
	// ssj reads the out-of-subset cells (a formatted value): the JavaScript
	// verifier refuses rather than guess; the malformed files ssj refuses too.
	for _, p := range []string{trunc, damaged, noSheet} {
		_, err := goRoot(t, p)
		assert.Error(t, err, p)
	}

	// The CLI: exit 2, the problem on stderr.
	cmd := exec.Command(node, "../ssj-verify.mjs", "../test/testdata/demo-record.json", "--targets", damaged)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	require.True(t, errors.As(err, &ee), "%v", err)
	assert.Equal(t, 2, ee.ExitCode())
	assert.Contains(t, stderr.String(), "damaged.xlsx")
	assert.Contains(t, stderr.String(), "XLSX: ZIP")
}

// regexpCells renumbers the cell references of rows 12, 13, 15 and 16 of
// the lowered sheet (their r attributes were renamed with the rows).
func regexpCells(s string) string {
	for _, rn := range [][2]string{{"3", "11"}, {"4", "12"}, {"5", "13"}, {"7", "15"}, {"8", "16"}} {
		for _, col := range "ABCDEFGHIJK" {
			s = strings.ReplaceAll(s, `r="`+string(col)+rn[0]+`"`, `r="`+string(col)+rn[1]+`"`)
		}
	}
	return s
}

// TestXLSXNumberCells renders number cells (no style) with excelize, as
// ssj reads them, and with the JavaScript reader: wherever the JavaScript
// subset does not refuse a value, both read the same text (Appendix E §1:
// the shortest round-trip decimal without exponent; excelize's 15-digit
// exponent form is outside the subset).
func TestXLSXNumberCells(t *testing.T) {
	node := needNode(t)
	vals := []string{"0", "-0", "1", "3.0", "440103", "0.1", "1e-7", "1E-7", "2.5e3", "-12.75", "+5", "007", ".5", "5.",
		"123456789012345", "1234567890123456", "1234567890123456789", "1000000000000000000000", "1e21", "100000000000000000000",
		"0.000000000000001", "0.00000000000000123", "12345.678901234567", "9007199254740993", "-999999999999999", "-9999999999999999",
		"1.7976931348623157e308", "5e-324", "4.35", "0.30000000000000004", "1e400", "0x1p3", "Inf", "NaN", " 5", "1_000", "abc", "２"}
	// A seeded spread of doubles and integers.
	x := uint64(88172645463325252)
	for range 300 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		switch x % 3 {
		case 0:
			vals = append(vals, strconv.FormatFloat(math.Float64frombits(x&^(0x7ff<<52)|uint64(1000+x%60)<<52), 'g', -1, 64))
		case 1:
			vals = append(vals, strconv.FormatInt(int64(x>>(x%60)), 10))
		default:
			vals = append(vals, strconv.FormatFloat(float64(x%100000)/float64(1+x%1000), 'f', int(x%8), 64))
		}
	}
	var rows strings.Builder
	for i, v := range vals {
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d"><v>%s</v></c></row>`, i+1, i+1, v)
	}
	dir := t.TempDir()
	path := workbook(t, filepath.Join(dir, "numbers.xlsx"), part{"[Content_Types].xml", contentTypes}, part{"_rels/.rels", pkgRels},
		part{"xl/workbook.xml", strings.Replace(workbookXML, `<sheet name="说明" sheetId="1" r:id="rId1"/>`, "", 1)},
		part{"xl/_rels/workbook.xml.rels", workbookRels},
		part{"xl/worksheets/sheet2.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows.String() + `</sheetData></worksheet>`})
	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer f.Close()
	got, err := f.GetRows("名录")
	require.NoError(t, err)
	require.Len(t, got, len(vals))

	in := filepath.Join(dir, "vals.json")
	b, err := json.Marshal(vals)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(in, b, 0o644))
	out, err := exec.Command(node, "numbers.mjs", in).Output()
	require.NoError(t, err)
	var js []*string
	require.NoError(t, json.Unmarshal(out, &js))
	require.Len(t, js, len(vals))
	read := 0
	for i, v := range vals {
		if js[i] == nil {
			continue
		}
		read++
		want := ""
		if len(got[i]) > 0 {
			want = got[i][0]
		}
		assert.Equal(t, want, *js[i], "cell text %q", v)
	}
	t.Logf("%d of %d number cells inside the JavaScript subset, all read as excelize reads them", read, len(vals))
	assert.Greater(t, read, len(vals)/2)
}
