package registry

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// This file parses and formats the cells of the CSV and XLSX formats. The
// formats are documented on ReadCSV.

// chinaTime is UTC+8 (China Standard Time; China has no daylight saving).
// Date-only cells are read in it and exported times are written in it.
var chinaTime = time.FixedZone("CST", 8*60*60)

// listSeps are the list separators accepted in a multi-valued cell: ASCII
// ';' and the full-width '；' Chinese input methods produce.
const listSeps = ";；"

// splitList splits a multi-valued cell at ';' or '；', trims the elements
// and drops empty ones.
func splitList(s string) []string {
	return splitListInto(nil, s)
}

// splitListInto is splitList appending to dst[:0], so that a caller
// re-reading many rows reuses one backing array. A nil dst gives what
// splitList gives (nil for a blank cell, a fresh slice otherwise).
func splitListInto(dst []string, s string) []string {
	out := dst[:0]
	if strings.TrimSpace(s) == "" {
		return out
	}
	if out == nil {
		out = make([]string, 0, 1+strings.Count(s, ";")+strings.Count(s, "；"))
	}
	for s != "" {
		i := strings.IndexAny(s, listSeps)
		var e string
		if i < 0 {
			e, s = s, ""
		} else {
			e = s[:i]
			if s[i] == ';' {
				s = s[i+1:]
			} else {
				s = s[i+len("；"):]
			}
		}
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

func joinList(xs []string) string { return strings.Join(xs, ";") }

// parseBool reads a boolean cell: true/false, yes/no, y/n, 1/0 (any case),
// 是/否, 有/无, √/×.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "yes", "y", "1", "是", "有", "√":
		return true, true
	case "false", "no", "n", "0", "否", "无", "×":
		return false, true
	}
	return false, false
}

// kindNames maps the accepted spellings of a target kind.
var kindNames = map[string]Kind{
	"entity": KindEntity, "市场主体": KindEntity, "企业": KindEntity, "单位": KindEntity,
	"individual": KindIndividual, "个体工商户": KindIndividual, "个体": KindIndividual,
	"product": KindProduct, "产品": KindProduct,
	"project": KindProject, "项目": KindProject,
	"behaviour": KindBehaviour, "behavior": KindBehaviour, "行为": KindBehaviour,
}

// parseKind returns the Kind for a cell; an unknown spelling is returned as
// is so that validation reports it with ErrBadKind. Empty means entity.
func parseKind(s string) Kind {
	if s == "" {
		return KindEntity
	}
	if k, ok := kindNames[strings.ToLower(s)]; ok {
		return k
	}
	return Kind(s)
}

// statusNames maps the accepted spellings of a status, including the
// registration states used by SAMR's enterprise credit publicity system.
var statusNames = map[string]Status{
	"active": StatusActive, "存续": StatusActive, "在业": StatusActive, "开业": StatusActive, "正常": StatusActive,
	"deregistered": StatusDeregistered, "注销": StatusDeregistered, "已注销": StatusDeregistered,
	"revoked": StatusRevoked, "吊销": StatusRevoked, "已吊销": StatusRevoked, "吊销未注销": StatusRevoked,
	"moved_out": StatusMovedOut, "迁出": StatusMovedOut, "已迁出": StatusMovedOut,
	"closed": StatusClosed, "关闭": StatusClosed, "停业": StatusClosed, "歇业": StatusClosed, "关闭停业": StatusClosed,
}

func parseStatus(s string) Status {
	if st, ok := statusNames[strings.ToLower(s)]; ok {
		return st
	}
	return Status(s)
}

var relationNames = map[string]Relation{
	"kin": RelationKin, "近亲属": RelationKin, "亲属": RelationKin,
	"former_employer": RelationFormerEmployer, "曾任职": RelationFormerEmployer, "原单位": RelationFormerEmployer, "前雇主": RelationFormerEmployer,
	"shareholding": RelationShareholding, "持股": RelationShareholding, "股东": RelationShareholding,
	"other": RelationOther, "其他": RelationOther,
}

func parseRelation(s string) Relation {
	if r, ok := relationNames[strings.ToLower(s)]; ok {
		return r
	}
	return Relation(s)
}

// parseInterest reads "TARGETID:relation" (the colon may be full-width).
func parseInterest(s string) (Interest, error) {
	i := strings.LastIndexAny(s, ":：")
	if i < 0 {
		return Interest{}, fmt.Errorf("%w: interest %q is not TARGETID:relation", ErrBadValue, s)
	}
	rel := s[i+1:]
	if s[i] != ':' {
		rel = s[i+len("："):]
	}
	return Interest{TargetID: strings.TrimSpace(s[:i]), Relation: parseRelation(strings.TrimSpace(rel))}, nil
}

func formatInterest(it Interest) string { return it.TargetID + ":" + string(it.Relation) }

// parseTime reads an RFC 3339 instant, or a date 2006-01-02 meaning
// midnight China time that day; endOfDay moves a date-only value to the
// following midnight, so that a date range is inclusive of its last day.
func parseTime(s string, endOfDay bool) (time.Time, error) {
	if len(s) == len(time.DateOnly) {
		d, err := time.ParseInLocation(time.DateOnly, s, chinaTime)
		if err != nil {
			return time.Time{}, err
		}
		if endOfDay {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// parsePeriod reads "FROM/TO reason" (reason optional, after the first
// space).
func parsePeriod(s string) (Period, error) {
	span, reason, _ := strings.Cut(s, " ")
	from, to, ok := strings.Cut(span, "/")
	if !ok {
		return Period{}, fmt.Errorf("%w: period %q is not FROM/TO [reason]", ErrBadValue, s)
	}
	f, err := parseTime(from, false)
	if err != nil {
		return Period{}, fmt.Errorf("%w: period %q: from: %v", ErrBadValue, s, err)
	}
	t, err := parseTime(to, true)
	if err != nil {
		return Period{}, fmt.Errorf("%w: period %q: to: %v", ErrBadValue, s, err)
	}
	return Period{From: f, To: t, Reason: strings.TrimSpace(reason)}, nil
}

// formatPeriod writes "FROM/TO reason" with RFC 3339 times in China time.
func formatPeriod(p Period) string {
	s := p.From.In(chinaTime).Format(time.RFC3339Nano) + "/" + p.To.In(chinaTime).Format(time.RFC3339Nano)
	if p.Reason != "" {
		s += " " + p.Reason
	}
	return s
}

// parseCount reads a non-negative integer cell; empty is 0. A trailing
// ".0" (as spreadsheets sometimes render integers) is accepted.
func parseCount(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	s = strings.TrimSuffix(s, ".0")
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || int64(n) > maxSafeInt {
		return 0, fmt.Errorf("%w: want a non-negative integer", ErrBadValue)
	}
	return n, nil
}
