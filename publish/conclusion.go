package publish

import (
	"errors"
	"fmt"
	"strings"
)

// Conclusion is one inspection conclusion (检查结论) of the national
// enterprise credit information publicity system (国家企业信用信息公示系统,
// GSXT) 双随机 result set, or one entity-status outcome. A result carries one
// or more (rules R21, R22).
//
// The JSON form is the code (e.g. "no_problem"); decoding also accepts the
// Chinese label (e.g. "未发现问题"), so a clerk's spreadsheet can be read.
type Conclusion string

// Inspection conclusions (GSXT).
const (
	NoProblem        Conclusion = "no_problem"          // 未发现问题
	NotDisclosed     Conclusion = "not_disclosed"       // 未按规定公示应当公示的信息
	FalseDisclosure  Conclusion = "false_disclosure"    // 公示信息隐瞒真实情况弄虚作假
	Unreachable      Conclusion = "unreachable"         // 通过登记的住所（经营场所）无法联系
	Rectified        Conclusion = "rectified"           // 发现问题已责令改正
	Uncooperative    Conclusion = "uncooperative"       // 不配合检查情节严重
	NoActivity       Conclusion = "no_activity"         // 未发现开展本次抽查涉及的经营活动
	PendingFollowUp  Conclusion = "pending_follow_up"   // 发现问题待后续处理
	EntityDeregister Conclusion = "entity_deregistered" // 注销
	EntityRevoked    Conclusion = "entity_revoked"      // 吊销
	EntityCancelled  Conclusion = "entity_cancelled"    // 撤销
	EntityMovedOut   Conclusion = "entity_moved_out"    // 迁出
	EntityClosed     Conclusion = "entity_closed"       // 已关闭停业或正在组织清算
)

var conclusionLabels = []struct {
	c      Conclusion
	label  string
	status bool
}{
	{NoProblem, "未发现问题", false},
	{NotDisclosed, "未按规定公示应当公示的信息", false},
	{FalseDisclosure, "公示信息隐瞒真实情况弄虚作假", false},
	{Unreachable, "通过登记的住所（经营场所）无法联系", false},
	{Rectified, "发现问题已责令改正", false},
	{Uncooperative, "不配合检查情节严重", false},
	{NoActivity, "未发现开展本次抽查涉及的经营活动", false},
	{PendingFollowUp, "发现问题待后续处理", false},
	{EntityDeregister, "注销", true},
	{EntityRevoked, "吊销", true},
	{EntityCancelled, "撤销", true},
	{EntityMovedOut, "迁出", true},
	{EntityClosed, "已关闭停业或正在组织清算", true},
}

// Conclusions returns every conclusion in the GSXT order, inspection
// conclusions first, then entity-status outcomes.
func Conclusions() []Conclusion {
	out := make([]Conclusion, len(conclusionLabels))
	for i, x := range conclusionLabels {
		out[i] = x.c
	}
	return out
}

// Label returns the Chinese GSXT wording of c, or "" if c is unknown.
func (c Conclusion) Label() string {
	for _, x := range conclusionLabels {
		if x.c == c {
			return x.label
		}
	}
	return ""
}

// Valid reports whether c is a known conclusion.
func (c Conclusion) Valid() bool { return c.Label() != "" }

// EntityStatus reports whether c is an entity-status outcome (注销, 吊销,
// 撤销, 迁出, 已关闭停业或正在组织清算) rather than an inspection finding.
func (c Conclusion) EntityStatus() bool {
	for _, x := range conclusionLabels {
		if x.c == c {
			return x.status
		}
	}
	return false
}

func (c Conclusion) order() int {
	for i, x := range conclusionLabels {
		if x.c == c {
			return i
		}
	}
	return len(conclusionLabels)
}

// ParseConclusion accepts a code or a Chinese label.
func ParseConclusion(s string) (Conclusion, error) {
	s = strings.TrimSpace(s)
	for _, x := range conclusionLabels {
		if string(x.c) == s || x.label == s {
			return x.c, nil
		}
	}
	return "", fmt.Errorf("%w: conclusion %q is neither a code nor a GSXT label", ErrConclusion, s)
}

// MarshalText writes the code.
func (c Conclusion) MarshalText() ([]byte, error) { return []byte(c), nil }

// UnmarshalText accepts a code or a Chinese label.
func (c *Conclusion) UnmarshalText(b []byte) error {
	v, err := ParseConclusion(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// ErrConclusion is returned (wrapped) when a result's conclusions break one
// of the conclusion rules (see CheckConclusions).
var ErrConclusion = errors.New("publish: conclusion rule broken")

// MeasureKind is a measure taken on a finding (rule R21).
type MeasureKind string

// Measures of rule R21 (001 第十九条; 000 四(四)).
const (
	OnSiteRecord       MeasureKind = "on_site_record"      // 制作现场笔录
	Evidence           MeasureKind = "evidence"            // 提取证据
	StopOrder          MeasureKind = "stop_order"          // 责令停止违法违规活动
	RectificationOrder MeasureKind = "rectification_order" // 责令整改
	CaseFiled          MeasureKind = "case_filed"          // 立案查处
	TransferAgency     MeasureKind = "transfer_agency"     // 移送其他行政机关
	TransferJudiciary  MeasureKind = "transfer_judiciary"  // 移送司法机关
)

var measureLabels = []struct {
	m     MeasureKind
	label string
}{
	{OnSiteRecord, "制作现场笔录"},
	{Evidence, "提取证据"},
	{StopOrder, "责令停止违法违规活动"},
	{RectificationOrder, "责令整改"},
	{CaseFiled, "立案查处"},
	{TransferAgency, "移送其他行政机关"},
	{TransferJudiciary, "移送司法机关"},
}

// Label returns the Chinese wording of m, or "" if m is unknown.
func (m MeasureKind) Label() string {
	for _, x := range measureLabels {
		if x.m == m {
			return x.label
		}
	}
	return ""
}

// Finding is the outcome for one checklist item at a target.
type Finding string

// Per-item findings.
const (
	Compliant     Finding = "compliant"      // 未发现问题
	ProblemFound  Finding = "problem"        // 发现问题
	NotApplicable Finding = "not_applicable" // 不涉及
)

// Label returns the Chinese wording of f, or "" if f is unknown.
func (f Finding) Label() string {
	switch f {
	case Compliant:
		return "未发现问题"
	case ProblemFound:
		return "发现问题"
	case NotApplicable:
		return "不涉及"
	}
	return ""
}

// CheckConclusions applies the conclusion rules to a result's conclusions,
// item findings, measures and follow-up (rules R21, R22):
//
//  1. at least one conclusion, each known, none repeated;
//  2. 未发现问题 (NoProblem) excludes every other conclusion;
//  3. at most one entity-status outcome;
//  4. NoProblem means no item has a problem and no enforcement measure was
//     taken (an on-site record or evidence is allowed);
//  5. 发现问题已责令改正 (Rectified) requires a rectification-order measure;
//  6. 发现问题待后续处理 (PendingFollowUp) requires at least one follow-up entry;
//  7. an item with a problem requires a conclusion other than NoProblem and
//     NoActivity alone.
func CheckConclusions(r Result) error {
	cs := r.Conclusions
	if len(cs) == 0 {
		return fmt.Errorf("%w: result %s: no conclusion", ErrConclusion, r.ID)
	}
	seen := map[Conclusion]bool{}
	statuses := 0
	for _, c := range cs {
		if !c.Valid() {
			return fmt.Errorf("%w: result %s: unknown conclusion %q", ErrConclusion, r.ID, c)
		}
		if seen[c] {
			return fmt.Errorf("%w: result %s: conclusion %s (%s) given twice", ErrConclusion, r.ID, c, c.Label())
		}
		seen[c] = true
		if c.EntityStatus() {
			statuses++
		}
	}
	if seen[NoProblem] && len(cs) > 1 {
		return fmt.Errorf("%w: result %s: 未发现问题 excludes every other conclusion, got %d", ErrConclusion, r.ID, len(cs))
	}
	if statuses > 1 {
		return fmt.Errorf("%w: result %s: %d entity-status outcomes, at most one applies", ErrConclusion, r.ID, statuses)
	}
	problems := 0
	for _, it := range r.Items {
		if it.Finding == ProblemFound {
			problems++
		}
	}
	if seen[NoProblem] {
		if problems > 0 {
			return fmt.Errorf("%w: result %s: 未发现问题 but %d item(s) have a problem", ErrConclusion, r.ID, problems)
		}
		for _, m := range r.Measures {
			if m.Kind != OnSiteRecord && m.Kind != Evidence {
				return fmt.Errorf("%w: result %s: 未发现问题 but measure %s (%s) was taken", ErrConclusion, r.ID, m.Kind, m.Kind.Label())
			}
		}
	}
	if seen[Rectified] && !r.hasMeasure(RectificationOrder) {
		return fmt.Errorf("%w: result %s: 发现问题已责令改正 needs a %s measure", ErrConclusion, r.ID, RectificationOrder)
	}
	if seen[PendingFollowUp] && len(r.FollowUp) == 0 {
		return fmt.Errorf("%w: result %s: 发现问题待后续处理 needs a follow_up entry", ErrConclusion, r.ID)
	}
	if problems > 0 && len(cs) == 1 && seen[NoActivity] {
		return fmt.Errorf("%w: result %s: 未发现开展本次抽查涉及的经营活动 alone, but %d item(s) have a problem", ErrConclusion, r.ID, problems)
	}
	return nil
}

func (r Result) hasMeasure(k MeasureKind) bool {
	for _, m := range r.Measures {
		if m.Kind == k {
			return true
		}
	}
	return false
}

// SeedOutcome is one of the three inspection opinions of the city bureau's
// regulation (000 四(五), rule R22): 未发现异常, 责令整改, 其他.
type SeedOutcome string

// The three seed outcomes.
const (
	SeedNoAnomaly     SeedOutcome = "未发现异常"
	SeedRectification SeedOutcome = "责令整改"
	SeedOther         SeedOutcome = "其他"
)

// SeedOutcomeOf maps a GSXT conclusion set onto the seed's three opinions:
//
//	{未发现问题}                                → 未发现异常
//	any set containing 发现问题已责令改正        → 责令整改
//	anything else (other findings, statuses)  → 其他
//
// The mapping is many-to-one: the GSXT set is the finer record, so results
// are entered in it and the seed opinion is derived for the bureau's report.
func SeedOutcomeOf(cs []Conclusion) SeedOutcome {
	if len(cs) == 1 && cs[0] == NoProblem {
		return SeedNoAnomaly
	}
	for _, c := range cs {
		if c == Rectified {
			return SeedRectification
		}
	}
	return SeedOther
}

// FromSeedOutcome gives the GSXT conclusions a seed opinion is entered as:
// 未发现异常 → [未发现问题]; 责令整改 → [发现问题已责令改正] (the result must
// then carry a rectification order); 其他 → nil, because "other" does not say
// which GSXT conclusion applies and the clerk must choose one.
func FromSeedOutcome(s SeedOutcome) ([]Conclusion, error) {
	switch s {
	case SeedNoAnomaly:
		return []Conclusion{NoProblem}, nil
	case SeedRectification:
		return []Conclusion{Rectified}, nil
	case SeedOther:
		return nil, nil
	}
	return nil, fmt.Errorf("%w: seed outcome %q is not 未发现异常, 责令整改 or 其他", ErrConclusion, s)
}

// ConclusionText joins the Chinese labels of cs with "；", in GSXT order.
func ConclusionText(cs []Conclusion) string {
	sorted := append([]Conclusion(nil), cs...)
	sortConclusions(sorted)
	labels := make([]string, len(sorted))
	for i, c := range sorted {
		labels[i] = c.Label()
	}
	return strings.Join(labels, "；")
}

func sortConclusions(cs []Conclusion) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].order() < cs[j-1].order(); j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}
