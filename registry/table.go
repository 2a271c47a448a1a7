package registry

import (
	"strings"

	"github.com/shuangsuiji/ssj/internal/csvrow"
)

// PoolKind names one of the two registries (两库).
type PoolKind string

// The two pools.
const (
	PoolTargets    PoolKind = "targets"    // 检查对象名录库
	PoolInspectors PoolKind = "inspectors" // 执法检查人员名录库
)

// column describes one column of a pool's table format.
type column struct {
	name     string   // English header, also the field name in errors
	aliases  []string // Chinese and other accepted headers
	required bool     // the header must be present
}

// TargetColumns are the English headers of the target table, in export
// order.
func TargetColumns() []string { return columnNames(targetCols) }

// InspectorColumns are the English headers of the inspector table, in
// export order.
func InspectorColumns() []string { return columnNames(inspectorCols) }

func columnNames(cs []column) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.name
	}
	return out
}

// Column indexes into targetCols / inspectorCols.
const (
	tID = iota
	tName
	tKind
	tJurisdiction
	tIndustry
	tCreditClass
	tAbnormal
	tSerious
	tComplaints
	tStatus
	tDepartments
	tCount
)

var targetCols = []column{
	tID:           {colID, []string{"统一社会信用代码", "社会信用代码", "信用代码", "对象编号", "编号"}, true},
	tName:         {colName, []string{"名称", "对象名称", "企业名称", "主体名称", "单位名称"}, true},
	tKind:         {colKind, []string{"类型", "对象类型", "主体类型"}, false},
	tJurisdiction: {colJurisdiction, []string{"辖区", "辖区代码", "行政区划代码", "行政区划"}, true},
	tIndustry:     {colIndustry, []string{"行业", "行业类别", "行业代码"}, true},
	tCreditClass:  {colCreditClass, []string{"信用风险分类", "信用风险等级", "信用等级", "风险分类"}, true},
	tAbnormal:     {colAbnormal, []string{"经营异常名录", "经营异常", "列入经营异常名录"}, false},
	tSerious:      {colSeriousViolation, []string{"严重违法失信", "严重违法失信名单", "严重违法"}, false},
	tComplaints:   {colComplaints, []string{"投诉数", "投诉举报数", "投诉次数"}, false},
	tStatus:       {colStatus, []string{"状态", "登记状态", "经营状态"}, true},
	tDepartments:  {colDepartments, []string{"监管部门", "主管部门", "监管单位"}, true},
}

const (
	iCert = iota
	iName
	iDepartment
	iUnit
	iJurisdiction
	iQualifications
	iLeader
	iUnavailable
	iInterests
	iActive
	iCount
)

var inspectorCols = []column{
	iCert:           {colCert, []string{"执法证号", "执法证件号", "执法证编号", "证件号"}, true},
	iName:           {colName, []string{"姓名", "名称"}, true},
	iDepartment:     {colDepartment, []string{"部门", "所属部门", "警种"}, true},
	iUnit:           {colUnit, []string{"单位", "所属单位", "工作单位"}, true},
	iJurisdiction:   {colJurisdiction, []string{"辖区", "辖区代码", "行政区划代码"}, true},
	iQualifications: {colQualifications, []string{"执法资格", "检查资格", "业务领域", "资格"}, false},
	iLeader:         {colLeaderEligible, []string{"可任组长", "组长资格", "可担任组长"}, false},
	iUnavailable:    {colUnavailable, []string{"不可用时段", "不可用期间", "请假时段"}, false},
	iInterests:      {colInterests, []string{"利害关系", "利害关系申报"}, false},
	iActive:         {colActive, []string{"在岗", "是否在岗", "状态"}, false},
}

// normHeader normalises a header cell: trims space and a stray BOM, lower
// cases ASCII, and maps spaces and hyphens to underscores.
func normHeader(s string) string {
	s = strings.TrimSpace(strings.TrimPrefix(s, "\uFEFF"))
	s = strings.ToLower(s)
	return strings.NewReplacer(" ", "_", "-", "_").Replace(s)
}

// matchColumn returns the index in cs of the column named h, or -1.
func matchColumn(cs []column, h string) int {
	h = normHeader(h)
	for i, c := range cs {
		if h == c.name {
			return i
		}
		for _, a := range c.aliases {
			if h == a {
				return i
			}
		}
	}
	return -1
}

// headerMap maps a header row onto a pool's columns: pos[col] is the cell
// index of the column, or -1 when absent; names[col] is the header text as
// written (the English name when absent).
type headerMap struct {
	pool  PoolKind
	pos   []int
	names []string
	width int // columns the header declares (csvrow.Width)
}

// detectPool decides from a header row which pool a table holds: the one
// whose ID column (id/统一社会信用代码... or cert/执法证号...) appears.
func detectPool(cells []string) PoolKind {
	for _, c := range cells {
		if matchColumn(targetCols[tID:tID+1], c) == 0 {
			return PoolTargets
		}
		if matchColumn(inspectorCols[iCert:iCert+1], c) == 0 {
			return PoolInspectors
		}
	}
	return ""
}

// mapHeader builds the headerMap of a header row for the given pool and
// returns the header problems (repeated or missing required columns).
func mapHeader(pool PoolKind, cells []string, emit emitFunc) headerMap {
	cs := targetCols
	if pool == PoolInspectors {
		cs = inspectorCols
	}
	hm := headerMap{pool: pool, pos: make([]int, len(cs)), names: make([]string, len(cs)), width: csvrow.Width(cells)}
	for i := range hm.pos {
		hm.pos[i] = -1
		hm.names[i] = cs[i].name
	}
	for j, cell := range cells {
		i := matchColumn(cs, cell)
		if i < 0 {
			continue // extra columns (序号, 备注, ...) are ignored
		}
		if hm.pos[i] >= 0 {
			emit(strings.TrimSpace(cell), cell, badHeader("column repeats column %d (%s)", hm.pos[i]+1, cs[i].name))
			continue
		}
		hm.pos[i] = j
		hm.names[i] = strings.TrimSpace(strings.TrimPrefix(cell, "\uFEFF"))
	}
	for i, c := range cs {
		if c.required && hm.pos[i] < 0 {
			emit(c.name, "", badHeader("required column %s (%s) is absent", c.name, strings.Join(c.aliases[:1], "")))
		}
	}
	return hm
}

// cell returns the trimmed value of column col in a row, "" when the column
// is absent or the row is short.
func (hm *headerMap) cell(row []string, col int) string {
	p := hm.pos[col]
	if p < 0 || p >= len(row) {
		return ""
	}
	return trim(row[p])
}
