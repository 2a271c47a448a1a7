package checklist

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/shopspring/decimal"
)

// Category is an item's category (事项类别). Rule R4: key items have no
// upper ratio bound, general items are capped.
type Category string

// Item categories.
const (
	CategoryKey     Category = "key"     // 重点检查事项: safety, public interest
	CategoryGeneral Category = "general" // 一般检查事项: ordinary supervision
)

// IsKnown reports whether c is one of the Category constants.
func (c Category) IsKnown() bool { return c == CategoryKey || c == CategoryGeneral }

// Chinese returns the category's published Chinese name.
func (c Category) Chinese() string {
	switch c {
	case CategoryKey:
		return "重点检查事项"
	case CategoryGeneral:
		return "一般检查事项"
	}
	return string(c)
}

// Method is an inspection method (检查方式). Rule R5 names the first three;
// provincial lists add verification by a professional body.
type Method string

// Inspection methods.
const (
	MethodDocumentReview   Method = "document_review"   // 查阅资料
	MethodOnSite           Method = "on_site"           // 实地核查
	MethodOnlineMonitoring Method = "online_monitoring" // 网络监测
	MethodProfessionalBody Method = "professional_body" // 专业机构核查
)

// IsKnown reports whether m is one of the Method constants.
func (m Method) IsKnown() bool {
	switch m {
	case MethodDocumentReview, MethodOnSite, MethodOnlineMonitoring, MethodProfessionalBody:
		return true
	}
	return false
}

// Chinese returns the method's published Chinese name.
func (m Method) Chinese() string {
	switch m {
	case MethodDocumentReview:
		return "查阅资料"
	case MethodOnSite:
		return "实地核查"
	case MethodOnlineMonitoring:
		return "网络监测"
	case MethodProfessionalBody:
		return "专业机构核查"
	}
	return string(m)
}

// Frequency is how often an item is sampled (抽查频次, rule R2). PerYear is
// the least number of rounds per year; MaxPerYear the most, 0 meaning no
// upper bound. Both 0 means "as the bureau decides" (根据监管需要确定, rule
// R8: frequency is set by the bureau). Text is the wording as published.
//
// ParseFrequency reads the bounds from the wording: "每年1次" is exactly one
// round (PerYear 1, MaxPerYear 1), "每年至少1次" at least one (MaxPerYear
// 0), "每年最多2次" at most two (PerYear 0), "每年1-2次" one to two.
type Frequency struct {
	PerYear    int    `json:"per_year"`
	MaxPerYear int    `json:"max_per_year,omitempty"`
	Text       string `json:"text"`
}

// Bounded reports whether f sets an upper bound (rule R2 over-frequency).
func (f Frequency) Bounded() bool { return f.MaxPerYear > 0 }

// AsNeeded reports whether f leaves the frequency to the bureau (no bound
// either way).
func (f Frequency) AsNeeded() bool { return f.PerYear == 0 && f.MaxPerYear == 0 }

// Bounds renders f's bounds in the published style: "每年1次", "每年至少1次",
// "每年至多2次", "每年1-2次", or "根据监管需要确定".
func (f Frequency) Bounds() string {
	n, m := strconv.Itoa(f.PerYear), strconv.Itoa(f.MaxPerYear)
	switch {
	case f.AsNeeded():
		return "根据监管需要确定"
	case !f.Bounded():
		return "每年至少" + n + "次"
	case f.PerYear == 0:
		return "每年至多" + m + "次"
	case f.PerYear == f.MaxPerYear:
		return "每年" + n + "次"
	}
	return "每年" + n + "-" + m + "次"
}

// Item is one inspection item (抽查事项) of the checklist, with every
// element rule R2 requires. The JSON names are the English column headers
// accepted by the importers.
type Item struct {
	// Code is the item's unique code (事项编码), e.g. "ZA-01". Inspector
	// qualifications in the inspector registry refer to it.
	Code string `json:"code"`
	// Name is the item's name (抽查事项).
	Name string `json:"name"`
	// TargetType is the kind of target inspected (检查对象), e.g. "旅馆".
	TargetType string `json:"target_type"`
	// Category is key or general (事项类别).
	Category Category `json:"category"`
	// Methods are the inspection methods (检查方式), at least one.
	Methods []Method `json:"methods"`
	// Department is the inspecting department (检查主体), e.g. "治安".
	Department string `json:"department"`
	// LegalBasis lists the laws, regulations and rules the item rests on
	// (检查依据). Rule R1: an item without one is invalid.
	LegalBasis []string `json:"legal_basis"`
	// Content is what is checked (抽查内容); optional.
	Content string `json:"content"`
	// RatioMin is the lowest sampling ratio, a fraction in [0, 1].
	RatioMin decimal.Decimal `json:"ratio_min"`
	// RatioMax is the highest sampling ratio; null means no upper bound,
	// which rule R4 requires of key items. General items without one are
	// bounded by the configured cap.
	RatioMax decimal.NullDecimal `json:"ratio_max"`
	// Frequency is the sampling frequency (抽查频次).
	Frequency Frequency `json:"frequency"`
	// Qualifications are the inspector qualifications required (检查人员
	// 资格); an inspector qualifies when his registry entry lists one of
	// them, or the item code itself when the list is empty.
	Qualifications []string `json:"qualifications"`
	// Measures are the inspection measures (抽查措施); optional.
	Measures string `json:"measures"`
	// Procedure is the supervision procedure (抽查监管程序); optional.
	Procedure string `json:"procedure"`
	// ResultHandling is how results are handled (抽查结果处理); optional.
	ResultHandling string `json:"result_handling"`
}

// Config holds the checklist rules that are configuration, not law.
type Config struct {
	// GeneralCap is the highest sampling ratio allowed for a general item
	// (rule R4). The seed documents say only that it is "strictly limited"
	// (应严格进行限制); the default 0.20 is this library's choice.
	GeneralCap decimal.Decimal
}

// DefaultConfig returns the default configuration: general items capped at 20%.
func DefaultConfig() Config {
	return Config{GeneralCap: decimal.RequireFromString("0.2")}
}

// Cap returns the effective upper ratio bound of it under c and whether
// there is one: none for a key item (R4), the smaller of its own bound and
// the configured cap for a general item.
func (c Config) Cap(it Item) (decimal.Decimal, bool) {
	if it.Category == CategoryKey {
		return decimal.Decimal{}, false
	}
	if it.RatioMax.Valid && it.RatioMax.Decimal.LessThan(c.GeneralCap) {
		return it.RatioMax.Decimal, true
	}
	return c.GeneralCap, true
}

type emitFunc func(field, value string, err error)

var one = decimal.NewFromInt(1)

// check reports every problem of it through emit, naming fields by their
// JSON names.
func (c Config) check(it *Item, emit emitFunc) {
	switch {
	case strings.TrimSpace(it.Code) == "":
		emit("code", it.Code, ErrMissingField)
	case strings.IndexFunc(it.Code, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		emit("code", it.Code, ErrBadCode)
	}
	for _, f := range []struct{ name, v string }{
		{"name", it.Name}, {"target_type", it.TargetType}, {"department", it.Department},
	} {
		if strings.TrimSpace(f.v) == "" {
			emit(f.name, f.v, ErrMissingField)
		}
	}
	if !it.Category.IsKnown() {
		emit("category", string(it.Category), ErrBadCategory)
	}
	if len(it.Methods) == 0 {
		emit("methods", "", ErrMissingField)
	}
	seen := map[Method]bool{}
	for _, m := range it.Methods {
		if !m.IsKnown() {
			emit("methods", string(m), ErrBadMethod)
		} else if seen[m] {
			emit("methods", string(m), ErrDuplicateValue)
		}
		seen[m] = true
	}
	// Rule R1.
	basis := 0
	for _, b := range it.LegalBasis {
		if strings.TrimSpace(b) != "" {
			basis++
		}
	}
	if basis == 0 {
		emit("legal_basis", strings.Join(it.LegalBasis, "；"), ErrNoLegalBasis)
	}
	if it.RatioMin.IsNegative() || it.RatioMin.GreaterThan(one) {
		emit("ratio_min", it.RatioMin.String(), fmt.Errorf("%w: outside [0, 1]", ErrBadRatio))
	}
	if it.RatioMax.Valid {
		mx := it.RatioMax.Decimal
		switch {
		case mx.IsNegative() || mx.GreaterThan(one):
			emit("ratio_max", mx.String(), fmt.Errorf("%w: outside [0, 1]", ErrBadRatio))
		case mx.LessThan(it.RatioMin):
			emit("ratio_max", mx.String(), fmt.Errorf("%w: upper bound below lower bound %s", ErrBadRatio, it.RatioMin))
		case it.Category == CategoryKey: // Rule R4.
			emit("ratio_max", mx.String(), ErrKeyItemCapped)
		case it.Category == CategoryGeneral && mx.GreaterThan(c.GeneralCap): // Rule R4.
			emit("ratio_max", mx.String(), fmt.Errorf("%w: cap is %s", ErrOverCap, c.GeneralCap))
		}
	}
	if it.Category == CategoryGeneral && it.RatioMin.GreaterThan(c.GeneralCap) { // Rule R4.
		emit("ratio_min", it.RatioMin.String(), fmt.Errorf("%w: cap is %s", ErrOverCap, c.GeneralCap))
	}
	if it.Frequency.PerYear < 0 {
		emit("frequency", strconv.Itoa(it.Frequency.PerYear), ErrBadFrequency)
	}
	if mx := it.Frequency.MaxPerYear; mx < 0 || (mx > 0 && mx < it.Frequency.PerYear) {
		emit("frequency", strconv.Itoa(mx), fmt.Errorf("%w: upper bound %d below lower bound %d", ErrBadFrequency, mx, it.Frequency.PerYear))
	}
	if strings.TrimSpace(it.Frequency.Text) == "" {
		emit("frequency", "", ErrMissingField)
	}
	seenQ := map[string]bool{}
	for _, q := range it.Qualifications {
		if strings.TrimSpace(q) == "" {
			emit("qualifications", q, ErrMissingField)
		} else if seenQ[q] {
			emit("qualifications", q, ErrDuplicateValue)
		}
		seenQ[q] = true
	}
}

// ValidateItem reports every problem of one item as RowErrors (Row 0).
func (c Config) ValidateItem(it Item) error {
	var errs RowErrors
	c.check(&it, rowEmitter(&errs, "", 0, it.Code, nil))
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// ValidateItems reports every problem of a checklist's items, including
// duplicate codes, as RowErrors whose Row is the 1-based position in items.
// It returns nil when every item is valid.
func (c Config) ValidateItems(items []Item) error {
	var errs RowErrors
	first := map[string]int{}
	for i := range items {
		emit := rowEmitter(&errs, "", i+1, items[i].Code, nil)
		c.check(&items[i], emit)
		if code := items[i].Code; code != "" {
			if j, dup := first[code]; dup {
				emit("code", code, fmt.Errorf("%w: also in position %d", ErrDuplicateCode, j))
			} else {
				first[code] = i + 1
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// rowEmitter returns an emitFunc appending to errs; header maps JSON field
// names to the column headers written in the file (nil: keep JSON names).
func rowEmitter(errs *RowErrors, file string, row int, code string, header map[string]string) emitFunc {
	return func(field, value string, err error) {
		col := field
		if h, ok := header[field]; ok {
			col = h
		}
		*errs = append(*errs, &RowError{File: file, Row: row, Code: code, Column: col, Value: value, Err: err})
	}
}

// ParseCategory parses a category cell: 重点 / 重点检查事项 / key, or
// 一般 / 一般检查事项 / general.
func ParseCategory(s string) (Category, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "重点", "重点检查事项", "重点事项", "重点检查", "key":
		return CategoryKey, nil
	case "一般", "一般检查事项", "一般事项", "一般检查", "general":
		return CategoryGeneral, nil
	}
	return "", fmt.Errorf("%w: %q (want 重点 or 一般)", ErrBadCategory, s)
}

var methodNames = map[string]Method{
	"查阅资料": MethodDocumentReview, "书面检查": MethodDocumentReview, "资料审查": MethodDocumentReview,
	"document_review": MethodDocumentReview,
	"实地核查":            MethodOnSite, "现场检查": MethodOnSite, "实地检查": MethodOnSite, "on_site": MethodOnSite,
	"网络监测": MethodOnlineMonitoring, "网上监测": MethodOnlineMonitoring, "online_monitoring": MethodOnlineMonitoring,
	"专业机构核查": MethodProfessionalBody, "委托专业机构核查": MethodProfessionalBody, "professional_body": MethodProfessionalBody,
}

// splitList splits a cell on the separators agencies use in lists: 、，,
// ；; / and line breaks. Empty parts are dropped.
func splitList(s string, seps string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) })
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

const (
	listSeps  = "、，,；;/\n\r"
	basisSeps = "；;\n\r"
)

// ParseMethods parses a 检查方式 cell such as "查阅资料、实地核查". Every
// unknown method is an error.
func ParseMethods(s string) ([]Method, error) {
	var out []Method
	for _, p := range splitList(strings.ReplaceAll(s, "和", "、"), listSeps+" ") {
		m, ok := methodNames[strings.ToLower(p)]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrBadMethod, p)
		}
		out = append(out, m)
	}
	return out, nil
}

// ParseLegalBasis splits a 检查依据 cell on ；, ; and line breaks (not on 、,
// which separates article numbers inside one citation).
func ParseLegalBasis(s string) []string { return splitList(s, basisSeps) }

var ratioNorm = strings.NewReplacer("％", "%", "～", "-", "－", "-", "—", "-", "–", "-", "~", "-",
	"＞＝", ">=", "＜＝", "<=", "≥", ">=", "≤", "<=", " ", "", "　", "")

// ParseRatio parses a 抽查比例 cell into bounds. Accepted forms: "5%",
// "0.05" (a fixed ratio: both bounds), "3%-10%", "3-10%", "3%~10%"
// (range), "不低于5%" / "≥5%" / "至少5%" (lower bound only), "不超过10%" /
// "≤10%" (upper bound only, lower bound 0) and "不设上限" (no bounds).
// Percentages are converted to fractions.
func ParseRatio(s string) (lo decimal.Decimal, hi decimal.NullDecimal, err error) {
	t := ratioNorm.Replace(strings.TrimSpace(s))
	if t == "" {
		return lo, hi, fmt.Errorf("%w: empty", ErrMissingField)
	}
	if t == "不设上限" {
		return decimal.Zero, decimal.NullDecimal{}, nil
	}
	for _, p := range []string{"不低于", "不少于", "至少", ">="} {
		if rest, ok := strings.CutPrefix(t, p); ok {
			lo, err = parseFraction(rest, false)
			return lo, hi, err
		}
	}
	for _, p := range []string{"不超过", "不高于", "最高", "<="} {
		if rest, ok := strings.CutPrefix(t, p); ok {
			v, err := parseFraction(rest, false)
			return decimal.Zero, decimal.NullDecimal{Decimal: v, Valid: err == nil}, err
		}
	}
	t = strings.ReplaceAll(t, "至", "-")
	if a, b, ok := strings.Cut(t, "-"); ok && a != "" {
		pct := strings.HasSuffix(b, "%")
		if lo, err = parseFraction(a, pct); err != nil {
			return lo, hi, err
		}
		v, err := parseFraction(b, false)
		if err != nil {
			return lo, hi, err
		}
		if v.LessThan(lo) {
			return lo, hi, fmt.Errorf("%w: %q: upper bound below lower bound", ErrBadRatio, s)
		}
		return lo, decimal.NullDecimal{Decimal: v, Valid: true}, nil
	}
	v, err := parseFraction(t, false)
	return v, decimal.NullDecimal{Decimal: v, Valid: err == nil}, err
}

// parseFraction parses "5%" or "0.05" (or "5" when pct is set, for the
// first half of "3-10%") into a fraction in [0, 1].
func parseFraction(s string, pct bool) (decimal.Decimal, error) {
	num, isPct := strings.CutSuffix(s, "%")
	isPct = isPct || pct
	if num == "" || strings.ContainsAny(num, "eE+-") {
		return decimal.Decimal{}, fmt.Errorf("%w: %q", ErrBadRatio, s)
	}
	d, err := decimal.NewFromString(num)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%w: %q", ErrBadRatio, s)
	}
	if isPct {
		d = d.Shift(-2)
	}
	if d.IsNegative() || d.GreaterThan(one) {
		return decimal.Decimal{}, fmt.Errorf("%w: %q outside 0–100%%", ErrBadRatio, s)
	}
	return d, nil
}

var (
	freqRe = regexp.MustCompile(`^(每年|全年|年度|一年|每半年|半年|每季度|每季|每月)(至少|不少于|不低于|最多|至多|不超过|不多于|不高于)?` +
		`([0-9]+|[一二两三四五六七八九十])(?:(?:-|~|～|－|至)([0-9]+|[一二两三四五六七八九十]))?次$`)
	freqPer  = regexp.MustCompile(`^([0-9]+|[一二两三四五六七八九十])次/(年|半年|季度|季|月)$`)
	asNeeded = regexp.MustCompile(`^(根据|按照|视).*(需要|需求|情况|确定|安排)|^按需|^不定期`)
)

var cnDigits = map[string]int{"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

func periodsPerYear(p string) int {
	switch p {
	case "每半年", "半年":
		return 2
	case "每季度", "每季", "季度", "季":
		return 4
	case "每月", "月":
		return 12
	}
	return 1
}

func count(s string) int {
	if n, ok := cnDigits[s]; ok {
		return n
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > 1000 {
		return -1
	}
	return n
}

// ParseFrequency parses a 抽查频次 cell (rule R2): "每年1次", "1次/年",
// "每半年1次", "每季度1次", "每月1次" (exactly that many rounds a year: both
// bounds), "每年至少一次" / "每年不少于1次" (lower bound only), "每年最多2次"
// / "每年不超过2次" (upper bound only), "每年1-2次" (both), or wording leaving
// it to the bureau ("根据监管需要确定", "按需", "不定期"), which yields no
// bound. Counts are per period and multiplied out to a year.
func ParseFrequency(s string) (Frequency, error) {
	t := strings.Join(strings.Fields(s), "")
	if t == "" {
		return Frequency{}, fmt.Errorf("%w: empty", ErrMissingField)
	}
	if m := freqRe.FindStringSubmatch(t); m != nil {
		per := periodsPerYear(m[1])
		n := count(m[3])
		hi := n
		if m[4] != "" {
			hi = count(m[4])
		}
		if n > 0 && hi >= n && (m[4] == "" || m[2] == "") {
			f := Frequency{PerYear: n * per, MaxPerYear: hi * per, Text: t}
			switch m[2] {
			case "至少", "不少于", "不低于":
				f.MaxPerYear = 0
			case "最多", "至多", "不超过", "不多于", "不高于":
				f.PerYear = 0
			}
			return f, nil
		}
	}
	if m := freqPer.FindStringSubmatch(t); m != nil {
		if n := count(m[1]); n > 0 {
			return Frequency{PerYear: n * periodsPerYear(m[2]), MaxPerYear: n * periodsPerYear(m[2]), Text: t}, nil
		}
	}
	if asNeeded.MatchString(t) {
		return Frequency{Text: t}, nil
	}
	return Frequency{}, fmt.Errorf("%w: %q", ErrBadFrequency, s)
}

// RatioText renders an item's bounds the way agencies publish them:
// "不低于5%", "3%-10%", "10%", "不超过10%".
func RatioText(lo decimal.Decimal, hi decimal.NullDecimal) string {
	pct := func(d decimal.Decimal) string { return d.Shift(2).String() + "%" }
	switch {
	case !hi.Valid && lo.IsZero():
		return "不设上限"
	case !hi.Valid:
		return "不低于" + pct(lo)
	case hi.Decimal.Equal(lo):
		return pct(lo)
	case lo.IsZero():
		return "不超过" + pct(hi.Decimal)
	}
	return pct(lo) + "-" + pct(hi.Decimal)
}
