package registry

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/shuangsuiji/ssj/internal/csvrow"
)

// ImportOptions configure ReadCSV, ReadXLSX and Read.
type ImportOptions struct {
	// File is the name used in error messages (RowError.File). Optional.
	File string
	// Config holds the credit class set used for validation.
	Config Config
	// Pool forces the pool; empty means detect it from the header row
	// (an id/统一社会信用代码 column means targets, cert/执法证号 inspectors).
	Pool PoolKind
	// Partial returns the rows that passed together with the RowErrors of
	// those that did not. By default import is all-or-nothing: any problem
	// returns no rows.
	Partial bool
	// Sheet is the XLSX worksheet to read; empty means the first sheet.
	Sheet string
	// Progress, when set, is called with the number of data rows parsed
	// so far and the expected total (an estimate from the file size; 0
	// when unknown), every few thousand rows and once at the end of each
	// parsing goroutine's part. Calls never overlap and the count never
	// goes down. It must return quickly. A command-line tool draws a
	// progress bar with it; the library draws nothing.
	Progress func(done, total int)
}

// progressEvery is how many rows a parsing chunk counts before it adds
// them to the shared counter that Progress reads.
const progressEvery = 4096

// Table is the result of an import: one pool's rows, in file order.
type Table struct {
	Pool       PoolKind
	Targets    []Target    // set when Pool is PoolTargets
	Inspectors []Inspector // set when Pool is PoolInspectors
	// Rows[i] is the file row number of the i-th imported unit.
	Rows []int
	// sorted is the label order computed for the duplicate check, reused
	// by Commit while it still matches the rows.
	sorted []keyed
	// hm is the header map of the file; offs[i] is the offset of unit i's
	// record in the CSV text (index mode only, see DecodeIndex).
	hm   *headerMap
	offs []int
}

// Len returns the number of units in the table.
func (t *Table) Len() int {
	if t.Pool == PoolInspectors {
		return len(t.Inspectors)
	}
	return len(t.Targets)
}

// Commit returns the commitment to the table's pool.
func (t *Table) Commit() (Commitment, error) {
	if t.Pool == PoolInspectors {
		return commitSorted(t.Inspectors, t.sorted, inspectorLabel, AppendInspectorLeaf)
	}
	return commitSorted(t.Targets, t.sorted, targetLabel, AppendTargetLeaf)
}

// Prove returns the inclusion proof of the unit with the given ID or
// certificate number in the table's committed pool.
func (t *Table) Prove(id string) (Proof, error) {
	if t.Pool == PoolInspectors {
		ls, err := buildLeafSet(t.Inspectors, t.sorted, inspectorLabel, AppendInspectorLeaf)
		if err != nil {
			return Proof{}, err
		}
		return ls.prove(PoolInspectors, id, func(i int) ([]byte, error) { return InspectorLeaf(t.Inspectors[i]) })
	}
	ls, err := buildLeafSet(t.Targets, t.sorted, targetLabel, AppendTargetLeaf)
	if err != nil {
		return Proof{}, err
	}
	return ls.prove(PoolTargets, id, func(i int) ([]byte, error) { return TargetLeaf(t.Targets[i]) })
}

// rowSource yields the rows of a sheet: the 1-based row number and the
// cells. It returns io.EOF at the end.
type rowSource interface {
	next() (int, []string, error)
}

// headerSearchRows is how many leading rows may precede the header row
// (agency sheets often start with a title row such as "某区检查对象名录").
const headerSearchRows = 10

func badHeader(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrBadHeader, fmt.Sprintf(format, a...))
}

// importRows reads a whole table from src.
// sizeHint, when positive, is the expected number of rows.
//
// With index set (DecodeIndex over a CSV source), no units are kept: the
// table holds the labels' sorted order, each unit's row number and the
// offset of its record in the text, for Index to re-read. Partial must be
// false then.
func importRows(src rowSource, opt ImportOptions, sizeHint int, index bool) (*Table, error) {
	var errs RowErrors
	fileErr := func(row int, err error) error {
		errs = append(errs, &RowError{File: opt.File, Row: row, Err: err})
		return errs
	}
	// Find the header row.
	var header []string
	headerRow := 0
	nonBlank := 0
	for tries := 0; tries < headerSearchRows; tries++ {
		row, cells, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fileErr(row, err)
		}
		if !blank(cells) {
			nonBlank++
		}
		if p := detectPool(cells); p != "" {
			if opt.Pool != "" && p != opt.Pool {
				return nil, fileErr(row, badHeader("header is that of %s, want %s", p, opt.Pool))
			}
			opt.Pool = p
			header, headerRow = cells, row
			break
		}
	}
	if headerRow == 0 && nonBlank == 0 {
		// Both: the file is unreadable, and it has no header.
		return nil, fileErr(1, fmt.Errorf("%w (%w): empty file: want a registry, CSV or XLSX", ErrBadFile, ErrBadHeader))
	}
	if headerRow == 0 {
		return nil, fileErr(1, badHeader("no header row naming an id/统一社会信用代码 or cert/执法证号 column in the first %d rows", headerSearchRows))
	}
	hm := mapHeader(opt.Pool, header, func(col, val string, err error) {
		errs = append(errs, &RowError{File: opt.File, Row: headerRow, Column: col, Value: val, Err: err})
	})
	if len(errs) > 0 {
		return nil, errs
	}
	// Parse the data rows, in parallel chunks when the source can split.
	srcs, hints := []rowSource{src}, []int{sizeHint}
	if sp, ok := src.(splitter); ok {
		if ss, hs := sp.split(runtime.GOMAXPROCS(0)); len(ss) > 1 {
			srcs, hints = ss, hs
		}
	}
	tab := &Table{Pool: opt.Pool, hm: &hm}
	total := 0
	for _, h := range hints {
		total += h
	}
	// One allocation for all chunks: chunk c appends into its own region.
	var allT []Target
	var allI []Inspector
	switch {
	case index:
	case opt.Pool == PoolTargets:
		allT = make([]Target, total)
	default:
		allI = make([]Inspector, total)
	}
	chunks := make([]*chunk, len(srcs))
	prog := &progress{report: opt.Progress, total: total}
	var wg sync.WaitGroup
	off := 0
	for c := range srcs {
		ch := &chunk{src: srcs[c], rows: make([]int, 0, hints[c]), bad: make([]bool, 0, hints[c]), progress: prog}
		switch {
		case index:
			ch.index, ch.labels, ch.offs = true, make([]string, 0, hints[c]), make([]int, 0, hints[c])
		case allT != nil:
			ch.targets = allT[off : off : off+hints[c]]
		default:
			ch.inspectors = allI[off : off : off+hints[c]]
		}
		off += hints[c]
		chunks[c] = ch
		wg.Go(func() { ch.parse(&hm, &opt) })
	}
	wg.Wait()
	// Concatenate the chunks in order. Within the shared allocation the
	// regions only move down; a chunk that outgrew its region (a low
	// hint, e.g. XLSX) makes us start from a fresh allocation instead.
	for c, ch := range chunks {
		if !index && len(ch.rows) > hints[c] {
			need := 0
			for _, ch := range chunks {
				need += len(ch.rows)
			}
			if allT != nil {
				allT = make([]Target, need)
			} else {
				allI = make([]Inspector, need)
			}
			break
		}
	}
	n := 0
	var labels []string
	if index {
		tab.Rows = make([]int, 0, total)
		tab.offs = make([]int, 0, total)
		labels = make([]string, 0, total)
	}
	for _, ch := range chunks {
		if ch.fatal != nil {
			errs = append(errs, ch.errs...)
			errs = append(errs, ch.fatal)
			return nil, sortedErrors(errs)
		}
		switch {
		case index:
			tab.offs = append(tab.offs, ch.offs...)
			labels = append(labels, ch.labels...)
			ch.offs, ch.labels = nil, nil
		case len(ch.rows) == 0:
		case allT != nil && &allT[n] != &ch.targets[0]:
			copy(allT[n:], ch.targets)
		case allI != nil && &allI[n] != &ch.inspectors[0]:
			copy(allI[n:], ch.inspectors)
		}
		n += len(ch.rows)
		tab.Rows = append(tab.Rows, ch.rows...)
		errs = append(errs, ch.errs...)
		ch.rows = nil
	}
	bad := make([]bool, 0, n) // bad[i]: unit i has a problem
	for _, ch := range chunks {
		bad = append(bad, ch.bad...)
	}
	switch {
	case index:
	case allT != nil:
		tab.Targets = allT[:n:n]
	default:
		tab.Inspectors = allI[:n:n]
	}
	// Uniqueness of the ID column over the whole file (R6, R15).
	label := func(i int) string { return tab.Targets[i].ID }
	idCol := hm.names[tID]
	if opt.Pool == PoolInspectors {
		label = func(i int) string { return tab.Inspectors[i].Cert }
		idCol = hm.names[iCert]
	}
	if index {
		label = func(i int) string { return labels[i] }
	}
	tab.sorted = sortLabels(len(tab.Rows), label)
	for _, d := range duplicatesSorted(tab.sorted) {
		l := label(d[1])
		errs = append(errs, &RowError{File: opt.File, Row: tab.Rows[d[1]], ID: l, Column: idCol, Value: l,
			Err: fmt.Errorf("%w: first at row %d", ErrDuplicateID, tab.Rows[d[0]]), cell: hm.cellOf(idCol)})
		bad[d[1]] = true
	}
	err := sortedErrors(errs)
	if err == nil {
		return tab, nil
	}
	if !opt.Partial || index {
		return nil, err
	}
	tab.sorted = nil
	keep := 0
	for i := range tab.Rows {
		if bad[i] {
			continue
		}
		tab.Rows[keep] = tab.Rows[i]
		if opt.Pool == PoolTargets {
			tab.Targets[keep] = tab.Targets[i]
		} else {
			tab.Inspectors[keep] = tab.Inspectors[i]
		}
		keep++
	}
	tab.Rows = tab.Rows[:keep]
	if opt.Pool == PoolTargets {
		tab.Targets = tab.Targets[:keep]
	} else {
		tab.Inspectors = tab.Inspectors[:keep]
	}
	return tab, err
}

// splitter is a rowSource that can hand out the rest of its input as
// independent consecutive sources, with an upper bound on the rows of each.
// It returns nil when the input cannot be split safely.
type splitter interface {
	split(parts int) ([]rowSource, []int)
}

// chunk is the result of parsing one consecutive part of the data rows.
type chunk struct {
	src        rowSource
	targets    []Target
	inspectors []Inspector
	rows       []int
	bad        []bool
	errs       RowErrors
	fatal      *RowError // an unreadable row: parsing stopped there
	// index mode (DecodeIndex over CSV): no units are kept, only each
	// unit's label and the offset of its record in the text.
	index    bool
	labels   []string
	offs     []int
	progress *progress // rows parsed by every chunk, for Progress
	pending  int64     // rows parsed here and not yet counted in progress
}

// count adds one parsed row; flush adds the pending ones to the total.
func (ch *chunk) count() {
	if ch.pending++; ch.pending == progressEvery {
		ch.flush()
	}
}

func (ch *chunk) flush() {
	ch.progress.add(ch.pending)
	ch.pending = 0
}

// progress counts the rows every chunk has parsed and reports them to
// ImportOptions.Progress: serialized, never going backwards.
type progress struct {
	parsed atomic.Int64
	report func(done, total int)
	total  int
	mu     sync.Mutex
	last   int64
}

func (p *progress) add(n int64) {
	done := p.parsed.Add(n)
	if p.report == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if done > p.last {
		p.last = done
		p.report(int(done), p.total)
	}
}

// parse reads, parses and checks every row of the chunk's source.
func (ch *chunk) parse(hm *headerMap, opt *ImportOptions) {
	defer ch.flush()
	// In index mode the units are parsed into one scratch value each and
	// only their labels and record offsets are kept.
	cs, _ := ch.src.(*csvSource)
	var scratchT Target
	var scratchI Inspector
	for {
		off := 0
		if cs != nil {
			off = cs.p.pos
		}
		row, cells, err := ch.src.next()
		if err == io.EOF {
			return
		}
		if err != nil {
			ch.fatal = &RowError{File: opt.File, Row: row, Err: err}
			return
		}
		if blank(cells) {
			continue
		}
		ch.count()
		n := len(ch.errs)
		var id string
		emit := func(col, val string, err error) {
			ch.errs = append(ch.errs, &RowError{File: opt.File, Row: row, ID: id, Column: col, Value: val, Err: err, cell: hm.cellOf(col)})
		}
		if x := csvrow.Extra(cells, hm.width); x >= 0 {
			ch.errs = append(ch.errs, &RowError{File: opt.File, Row: row, Column: fmt.Sprintf("cell %d", x+1), Value: cells[x],
				Err: fmt.Errorf("%w: %d cells, but the header has %d columns", ErrBadValue, len(cells), hm.width), cell: x})
		}
		switch {
		case ch.index && opt.Pool == PoolTargets:
			parseTargetRowInto(hm, cells, hm.emitter(targetCols, emit), &scratchT)
			id = scratchT.ID
			opt.Config.checkTarget(&scratchT, hm.emitter(targetCols, emit))
			ch.labels = append(ch.labels, id)
			ch.offs = append(ch.offs, off)
		case ch.index:
			parseInspectorRowInto(hm, cells, hm.emitter(inspectorCols, emit), &scratchI)
			id = scratchI.Cert
			opt.Config.checkInspector(&scratchI, hm.emitter(inspectorCols, emit))
			ch.labels = append(ch.labels, id)
			ch.offs = append(ch.offs, off)
		case opt.Pool == PoolTargets:
			t := parseTargetRow(hm, cells, hm.emitter(targetCols, emit))
			id = t.ID
			opt.Config.checkTarget(&t, hm.emitter(targetCols, emit))
			ch.targets = append(ch.targets, t)
		default:
			in := parseInspectorRow(hm, cells, hm.emitter(inspectorCols, emit))
			id = in.Cert
			opt.Config.checkInspector(&in, hm.emitter(inspectorCols, emit))
			ch.inspectors = append(ch.inspectors, in)
		}
		for _, e := range ch.errs[n:] {
			e.ID = id
		}
		ch.rows = append(ch.rows, row)
		ch.bad = append(ch.bad, len(ch.errs) > n)
	}
}

// emitter translates the English field names used by the checks into the
// header text of the file.
func (hm *headerMap) emitter(cs []column, emit emitFunc) emitFunc {
	return func(col, val string, err error) {
		for i, c := range cs {
			if c.name == col {
				col = hm.names[i]
				break
			}
		}
		emit(col, val, err)
	}
}

// cellOf returns the cell index of the column whose header text is name,
// or a large number for absent columns (they sort last).
func (hm *headerMap) cellOf(name string) int {
	for i, n := range hm.names {
		if n == name && hm.pos[i] >= 0 {
			return hm.pos[i]
		}
	}
	return 1 << 30
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parseTargetRow parses one row of a target table.
func parseTargetRow(hm *headerMap, cells []string, emit emitFunc) Target {
	var t Target
	parseTargetRowInto(hm, cells, emit, &t)
	return t
}

// parseTargetRowInto parses one row into *t, overwriting every field; the
// departments reuse t.Departments' backing array (nil gives a fresh one).
func parseTargetRowInto(hm *headerMap, cells []string, emit emitFunc, t *Target) {
	*t = Target{
		ID:           hm.cell(cells, tID),
		Name:         hm.cell(cells, tName),
		Kind:         parseKind(hm.cell(cells, tKind)),
		Jurisdiction: hm.cell(cells, tJurisdiction),
		Industry:     hm.cell(cells, tIndustry),
		CreditClass:  strings.ToUpper(hm.cell(cells, tCreditClass)),
		Status:       parseStatus(hm.cell(cells, tStatus)),
		Departments:  splitListInto(t.Departments, hm.cell(cells, tDepartments)),
	}
	if t.Kind.NeedsUSCC() {
		t.ID = strings.ToUpper(t.ID)
	}
	t.Abnormal = parseFlag(hm, cells, tAbnormal, colAbnormal, emit)
	t.SeriousViolation = parseFlag(hm, cells, tSerious, colSeriousViolation, emit)
	if s := hm.cell(cells, tComplaints); s != "" {
		n, err := parseCount(s)
		if err != nil {
			emit(colComplaints, s, err)
		}
		t.Complaints = n
	}
}

// parseFlag reads an optional boolean cell; empty is false.
func parseFlag(hm *headerMap, cells []string, col int, name string, emit emitFunc) bool {
	s := hm.cell(cells, col)
	if s == "" {
		return false
	}
	b, ok := parseBool(s)
	if !ok {
		emit(name, s, fmt.Errorf("%w: want true/false or 是/否", ErrBadValue))
	}
	return b
}

// activeNames are the spellings of the inspector's on-duty state besides
// the booleans.
var activeNames = map[string]bool{
	"active": true, "在岗": true, "在职": true, "正常": true,
	"inactive": false, "离岗": false, "离职": false, "调离": false, "停职": false, "注销": false, "退休": false,
}

// parseInspectorRow parses one row of an inspector table.
func parseInspectorRow(hm *headerMap, cells []string, emit emitFunc) Inspector {
	var in Inspector
	parseInspectorRowInto(hm, cells, emit, &in)
	return in
}

// parseInspectorRowInto parses one row into *in, overwriting every field;
// the lists reuse in's backing arrays (nil gives fresh ones).
func parseInspectorRowInto(hm *headerMap, cells []string, emit emitFunc, in *Inspector) {
	*in = Inspector{
		Cert:           hm.cell(cells, iCert),
		Name:           hm.cell(cells, iName),
		Department:     hm.cell(cells, iDepartment),
		Unit:           hm.cell(cells, iUnit),
		Jurisdiction:   hm.cell(cells, iJurisdiction),
		Qualifications: splitListInto(in.Qualifications, hm.cell(cells, iQualifications)),
		Unavailable:    in.Unavailable[:0],
		Interests:      in.Interests[:0],
		Active:         true,
	}
	in.LeaderEligible = parseFlag(hm, cells, iLeader, colLeaderEligible, emit)
	if s := hm.cell(cells, iActive); s != "" {
		b, ok := parseBool(s)
		if !ok {
			b, ok = activeNames[strings.ToLower(s)]
		}
		if !ok {
			emit(colActive, s, fmt.Errorf("%w: want true/false, 是/否 or 在岗/离岗", ErrBadValue))
		}
		in.Active = b
	}
	for _, s := range splitList(hm.cell(cells, iUnavailable)) {
		p, err := parsePeriod(s)
		if err != nil {
			emit(colUnavailable, s, err)
			continue
		}
		if !p.From.Before(p.To) {
			// Reported here, with the text as typed, and left out.
			emit(colUnavailable, s, fmt.Errorf("%w: from must be before to", ErrBadPeriod))
			continue
		}
		in.Unavailable = append(in.Unavailable, p)
	}
	for _, s := range splitList(hm.cell(cells, iInterests)) {
		it, err := parseInterest(s)
		if err != nil {
			emit(colInterests, s, err)
			continue
		}
		in.Interests = append(in.Interests, it)
	}
}

// utf8BOM is the byte-order mark Excel writes at the start of "CSV UTF-8".
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// DecodeText returns data as UTF-8: a leading UTF-8 BOM is removed; data
// that is valid UTF-8 is returned as is; anything else is decoded as
// GB18030 (a superset of GBK and GB2312, which Excel on Chinese Windows
// writes for "CSV (逗号分隔)"). Decoding fails only on bytes that are not
// GB18030 either.
func DecodeText(data []byte) ([]byte, error) {
	text, _, err := decodeText(data)
	return text, err
}

// decodeText is DecodeText; fresh reports whether text is a new buffer
// rather than (a part of) data.
func decodeText(data []byte) (text []byte, fresh bool, err error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if utf8.Valid(data) {
		return data, false, nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return nil, false, fmt.Errorf("%w: neither UTF-8 nor GB18030: %v", ErrBadFile, err)
	}
	return out, true, nil
}

// csvSource reads rows with strCSV; the row number is the line on which
// the record starts.
type csvSource struct {
	p *strCSV
}

// csvSplitMin is the smallest remaining input worth parsing in parallel.
const csvSplitMin = 1 << 20

// split cuts the unread input into parts at line boundaries. It refuses
// input with a '"' anywhere, since a quoted field may hold a line break.
func (s *csvSource) split(parts int) ([]rowSource, []int) {
	p := s.p
	rest := p.s[p.pos:]
	if parts < 2 || len(rest) < csvSplitMin || strings.IndexByte(rest, '"') >= 0 {
		return nil, nil
	}
	var srcs []rowSource
	var hints []int
	start, line := p.pos, p.line
	for k := 1; k <= parts; k++ {
		end := len(p.s)
		if k < parts {
			cut := p.pos + len(rest)*k/parts
			i := strings.IndexByte(p.s[cut:], '\n')
			if i < 0 {
				continue
			}
			end = cut + i + 1
		}
		if end <= start {
			continue
		}
		nl := strings.Count(p.s[start:end], "\n")
		hint := nl // a part ending in '\n' holds at most nl records
		if end == len(p.s) && !strings.HasSuffix(p.s, "\n") {
			hint++
		}
		srcs = append(srcs, &csvSource{p: &strCSV{s: p.s[:end], pos: start, line: line}})
		hints = append(hints, hint)
		start, line = end, line+nl
	}
	p.pos = len(p.s) // the parts now own the rest
	return srcs, hints
}

func (s *csvSource) next() (int, []string, error) {
	line, rec, done, err := s.p.next()
	if done {
		return 0, nil, io.EOF
	}
	if err != nil {
		return line, nil, fmt.Errorf("%w: CSV syntax: %v", ErrBadFile, err)
	}
	return line, rec, nil
}

// ReadCSV imports one pool from CSV. It reads r to the end; see DecodeCSV
// for the format.
func ReadCSV(r io.Reader, opt ImportOptions) (*Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("registry: reading %s: %w", opt.File, err)
	}
	return DecodeCSV(data, opt)
}

// DecodeCSV imports one pool from CSV bytes.
//
// Encoding: UTF-8 with or without BOM, or GB18030/GBK (see DecodeText).
// Fields are separated by commas and quoted as in RFC 4180. Up to ten rows
// (a title, blank rows) may precede the header row.
//
// Headers: English (TargetColumns, InspectorColumns) or Chinese, in any
// order; unknown columns are ignored. Target headers: id 统一社会信用代码,
// name 名称, kind 类型, jurisdiction 辖区, industry 行业, credit_class
// 信用风险分类, abnormal 经营异常名录, serious_violation 严重违法失信,
// complaints 投诉数, status 状态, departments 监管部门. Inspector headers: cert
// 执法证号, name 姓名, department 部门, unit 单位, jurisdiction 辖区,
// qualifications 执法资格, leader_eligible 可任组长, unavailable 不可用时段,
// interests 利害关系, active 在岗. Columns kind, abnormal,
// serious_violation, complaints, qualifications, leader_eligible,
// unavailable, interests and active may be absent.
//
// Cells (surrounding space is trimmed):
//   - kind: entity, individual, product, project, behaviour, or 市场主体/企业,
//     个体工商户, 产品, 项目, 行为; empty means entity. Entities and individual
//     businesses are identified by their 统一社会信用代码 (upper-cased on
//     import and checked with ValidateUSCC).
//   - status: active, deregistered, revoked, moved_out, closed, or
//     存续/在业/开业, 注销, 吊销, 迁出, 关闭/停业/歇业.
//   - booleans: true/false, yes/no, y/n, 1/0, 是/否, 有/无; empty is false.
//     active also accepts 在岗/在职 and 离岗/离职/调离/停职/退休; empty is true.
//   - complaints: a non-negative integer; empty is 0.
//   - credit_class: one letter of the configured class set (upper-cased).
//   - lists (departments, qualifications, unavailable, interests): items
//     separated by ';' or '；'; empty items are dropped.
//   - unavailable item: FROM/TO followed by an optional space and reason,
//     e.g. "2026-03-01T00:00:00+08:00/2026-03-15T00:00:00+08:00 annual leave";
//     FROM and TO are RFC 3339 instants, the period is [FROM, TO). A bare
//     date such as 2026-03-01/2026-03-14 is read in China time (UTC+8) and
//     includes both days.
//   - interests item: TARGETID:relation, relation one of kin, former_employer,
//     shareholding, other, or 近亲属/亲属, 曾任职/原单位, 持股/股东, 其他;
//     e.g. "91440103MA59XXXX1X:kin".
//
// Every problem of every row is reported in a RowErrors value; by default
// no rows are returned then (see ImportOptions.Partial).
//
// The imported strings share one copy of the file's text.
func DecodeCSV(data []byte, opt ImportOptions) (*Table, error) {
	return decodeCSV(data, opt, false)
}

// decodeCSV is DecodeCSV; owned means the caller hands data over for good,
// so the fields may point into it without a copy.
func decodeCSV(data []byte, opt ImportOptions, owned bool) (*Table, error) {
	text, fresh, err := decodeText(data)
	if err != nil {
		return nil, RowErrors{{File: opt.File, Err: err}}
	}
	// One string for the whole file: every field is a substring of it.
	var str string
	if owned || fresh {
		// text is data handed over by the caller, or a GB18030 decoding
		// nothing else references: share it instead of copying.
		str = unsafe.String(unsafe.SliceData(text), len(text))
	} else {
		str = string(text)
	}
	src := &csvSource{p: &strCSV{s: str}}
	// Pre-size the result from the line count (exact for files without
	// quoted line breaks), sparing the copies of a growing slice.
	return importRows(src, opt, bytes.Count(text, []byte{'\n'}), false)
}

// Read imports one pool from CSV or XLSX, telling them apart by content
// (an XLSX file is a ZIP archive starting with "PK\x03\x04").
func Read(r io.Reader, opt ImportOptions) (*Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("registry: reading %s: %w", opt.File, err)
	}
	return Decode(data, opt)
}

// Decode imports one pool from the bytes of a CSV or XLSX file, like Read.
// It takes ownership of data: the imported strings may point into it, so
// the caller must not modify data afterwards. This spares a copy of a
// large file; use DecodeCSV to keep data free.
func Decode(data []byte, opt ImportOptions) (*Table, error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return ReadXLSX(bytes.NewReader(data), opt)
	}
	return decodeCSV(data, opt, true)
}
