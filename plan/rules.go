package plan

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/shuangsuiji/ssj/checklist"
	"github.com/shuangsuiji/ssj/registry"
)

// ClassBand is one row of the credit-class ratio table (rule R12): targets
// of Class are sampled at a ratio in [Min, Max].
type ClassBand struct {
	Class string
	Min   decimal.Decimal
	Max   decimal.Decimal
}

// Config holds the thresholds of the rules. They are configuration, with
// the seed documents' numbers as defaults (DefaultConfig).
type Config struct {
	// MinDepartmentCoverage is the share of its targets each department's
	// draws must cover (R8, 001 第八条: 不低于5%).
	MinDepartmentCoverage decimal.Decimal
	// MinJointShare is the share of all random tasks that must be joint
	// cross-department tasks (R8, 001 第八条: 不低于总抽查次数的10%).
	MinJointShare decimal.Decimal
	// MinJointPerDepartment is how many joint tasks each department must
	// launch or join a year (R10, 001 第十一条: 至少一次).
	MinJointPerDepartment int
	// CreditTable is the credit-class ratio table (R12). The seed gives no
	// numbers; the default is A ≤5%, B 5–20%, C 21–60%, D 61–100%.
	CreditTable []ClassBand
	// Checklist holds the general-item cap (R4).
	Checklist checklist.Config
}

// DefaultConfig returns the seed's thresholds: 5% coverage, 10% joint
// tasks, one joint task per department; the default credit table and
// general-item cap.
func DefaultConfig() Config {
	d := decimal.RequireFromString
	return Config{
		MinDepartmentCoverage: d("0.05"),
		MinJointShare:         d("0.1"),
		MinJointPerDepartment: 1,
		CreditTable: []ClassBand{
			{"A", d("0"), d("0.05")},
			{"B", d("0.05"), d("0.2")},
			{"C", d("0.21"), d("0.6")},
			{"D", d("0.61"), d("1")},
		},
		Checklist: checklist.DefaultConfig(),
	}
}

func (c Config) band(class string) (ClassBand, bool) {
	for _, b := range c.CreditTable {
		if b.Class == class {
			return b, true
		}
	}
	return ClassBand{}, false
}

// Status is the outcome of one finding.
type Status string

// Finding outcomes.
const (
	Pass          Status = "pass"
	Fail          Status = "fail"
	NotApplicable Status = "n/a" // the rule cannot be checked: missing input or nothing to count
)

// Finding is one rule checked for one subject, with the figure measured,
// the threshold it is held to and the outcome.
type Finding struct {
	Rule      string `json:"rule"`      // "R8", "R11", ...
	Check     string `json:"check"`     // short name of the check
	Subject   string `json:"subject"`   // department, task ID, item code, target/item
	Figure    string `json:"figure"`    // the measured value, exact
	Threshold string `json:"threshold"` // what the figure is held to
	Status    Status `json:"status"`
	Note      string `json:"note,omitempty"`
}

// Report is the outcome of Check: every finding, in rule order, and the
// counting conventions the figures rest on.
type Report struct {
	Year      int       `json:"year"`
	Version   int       `json:"version"`
	Authority string    `json:"authority"`
	Basis     []string  `json:"basis"`
	Findings  []Finding `json:"findings"`
}

// OK reports whether no finding failed.
func (r Report) OK() bool { return len(r.Failed()) == 0 }

// Failed returns the failed findings.
func (r Report) Failed() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Status == Fail {
			out = append(out, f)
		}
	}
	return out
}

// Input is what Check reads besides the plan. Targets is the target
// registry (R6) as of the check; History the inspections already made
// (R11); Checklist the checklist version in force (R1, R2, R4), or nil to
// skip the checks that need it (reported as n/a).
type Input struct {
	Targets   []registry.Target
	History   []Record
	Checklist *checklist.Version
}

// Counting conventions stated in every report.
var basis = []string{
	"R13: only random tasks are counted; targeted inspections are listed apart and enter no figure.",
	"pool of a task: active targets (status active) matching its scope filters and supervised by the launching or a participating department (Target.Departments).",
	"draws of a task: per credit class, ceil(pool × class ratio) (DRAW.md default rounding, base = whole scope), clamped to the pool less R11 exclusions.",
	"R8 coverage: a department's targets are the active targets whose Departments name it; the figure is the number of them the plan draws for certain: per task and class, draws less pool members outside the department; where tasks' pools share a department target only the largest counts, disjoint pools add up.",
	"R8 joint share: counted in tasks — joint random tasks / all random tasks.",
	"R2 over-frequency: per item with an upper frequency bound, the most inspections one target may get in the plan year: the random tasks for the item whose pool holds it (less R11 exclusions), plus its random inspections for the item in the history not made by those tasks; targeted inspections (R13) and past records that state a key area or special case (R11's exception, column reason) are not counted.",
	"R11: a target found compliant this year, on or before a task's window end, for any of the task's items is excluded from that task's draw unless the task declares a repeat reason; in the history, an inspection after a compliant one (same target, item, year) needs a reason or a task with one.",
	"arithmetic: exact (integers and decimals); percentages shown truncated to two places.",
}

// activeTargets returns the active targets, first of each ID, in ID order.
func activeTargets(targets []registry.Target) []registry.Target {
	var active []registry.Target
	seen := map[string]bool{}
	for _, t := range targets {
		if t.Status == registry.StatusActive && !seen[t.ID] {
			seen[t.ID] = true
			active = append(active, t)
		}
	}
	slices.SortFunc(active, func(a, b registry.Target) int { return strings.Compare(a.ID, b.ID) })
	return active
}

// stratum is one credit class of a task's pool.
type stratum struct {
	class    string
	ratio    decimal.Decimal
	members  []int // indexes into the active targets
	eligible int   // members less R11 exclusions
	quota    int
	uplifted int // members the task's uplift raised into this class (R12)
}

// pooled is a random task with its pool computed from the registry.
type pooled struct {
	task     Task
	strata   []stratum
	excluded []string // R11 exclusions, sorted
	draws    int
	// outside are the targets whose registered class the task's uplift
	// does not list (R12); the draw would refuse them.
	outside []string
}

func contains(xs []string, x string) bool { return slices.Contains(xs, x) }

// matches reports whether target t lies in task k's scope and is
// supervised by one of k's departments.
func matches(k Task, t registry.Target) bool {
	s := k.Scope
	if len(s.Jurisdictions) > 0 && !contains(s.Jurisdictions, t.Jurisdiction) {
		return false
	}
	if len(s.Industries) > 0 && !contains(s.Industries, t.Industry) {
		return false
	}
	if len(s.CreditClasses) > 0 && !contains(s.CreditClasses, t.CreditClass) {
		return false
	}
	for _, d := range k.Departments() {
		if contains(t.Departments, d) {
			return true
		}
	}
	return false
}

// compliantBy returns the IDs of the targets found compliant for item in
// the plan year, on or before date.
func compliantBy(history []Record, year int, item, date string) map[string]bool {
	out := map[string]bool{}
	for _, r := range history {
		if r.Item == item && r.Result == ResultCompliant && r.Date <= date && strings.HasPrefix(r.Date, strconv.Itoa(year)+"-") {
			out[r.TargetID] = true
		}
	}
	return out
}

func ceilCount(n int, r decimal.Decimal) int {
	return int(decimal.NewFromInt(int64(n)).Mul(r).Ceil().IntPart())
}

// pool computes task k's strata over the active targets.
func pool(k Task, year int, active []registry.Target, history []Record) pooled {
	excl := map[string]bool{}
	if k.RepeatReason == "" {
		for _, it := range k.Items {
			for id := range compliantBy(history, year, it, k.Window.To) {
				excl[id] = true
			}
		}
	}
	byClass := map[string]*stratum{}
	var classes []string
	var excluded, outside []string
	for i, t := range active {
		if !matches(k, t) {
			continue
		}
		class, raised := t.CreditClass, false
		if k.Uplift != nil { // rule R12
			// A registered class outside uplift.classes (the draw refuses
			// such a target) keeps its class here and is reported.
			c, r, err := k.Uplift.Class(&t)
			if err != nil {
				outside = append(outside, t.ID)
			} else {
				class, raised = c, r
			}
		}
		s, ok := byClass[class]
		if !ok {
			s = &stratum{class: class, ratio: k.ClassRatio(class)}
			byClass[class] = s
			classes = append(classes, class)
		}
		if raised {
			s.uplifted++
		}
		s.members = append(s.members, i)
		if excl[t.ID] {
			excluded = append(excluded, t.ID)
		} else {
			s.eligible++
		}
	}
	slices.Sort(classes)
	slices.Sort(excluded)
	p := pooled{task: k, excluded: excluded, outside: outside}
	for _, c := range classes {
		s := *byClass[c]
		s.quota = min(ceilCount(len(s.members), s.ratio), s.eligible)
		p.draws += s.quota
		p.strata = append(p.strata, s)
	}
	return p
}

// pct renders a fraction as a percentage truncated to two places.
func pct(d decimal.Decimal) string {
	return d.Shift(2).Truncate(2).String() + "%"
}

func share(num, den int) string {
	if den == 0 {
		return fmt.Sprintf("%d/%d", num, den)
	}
	return fmt.Sprintf("%d/%d = %s", num, den, pct(decimal.NewFromInt(int64(num)).DivRound(decimal.NewFromInt(int64(den)), 8)))
}

// atLeast reports whether num/den ≥ threshold, exactly.
func atLeast(num, den int, threshold decimal.Decimal) bool {
	return decimal.NewFromInt(int64(num)).GreaterThanOrEqual(threshold.Mul(decimal.NewFromInt(int64(den))))
}

// ErrBadConfig is returned (wrapped) by Check for a configuration it cannot
// apply: a threshold out of range or a credit table with a reversed or
// repeated class.
var ErrBadConfig = errors.New("bad rule configuration")

func (c Config) validate() error {
	if c.MinDepartmentCoverage.IsNegative() || c.MinDepartmentCoverage.GreaterThan(one) {
		return fmt.Errorf("%w: MinDepartmentCoverage %s", ErrBadConfig, c.MinDepartmentCoverage)
	}
	if c.MinJointShare.IsNegative() || c.MinJointShare.GreaterThan(one) {
		return fmt.Errorf("%w: MinJointShare %s", ErrBadConfig, c.MinJointShare)
	}
	seen := map[string]bool{}
	for _, b := range c.CreditTable {
		if seen[b.Class] || b.Min.GreaterThan(b.Max) || b.Min.IsNegative() || b.Max.GreaterThan(one) {
			return fmt.Errorf("%w: credit table class %q [%s, %s]", ErrBadConfig, b.Class, b.Min, b.Max)
		}
		seen[b.Class] = true
	}
	return nil
}

// Check validates p and checks it against rules R1, R2 (lower and upper
// frequency bounds), R4, R8, R9, R10,
// R11, R12 and R13, returning one finding per rule and subject. It returns
// an error only when p or cfg is malformed; broken rules are findings
// (Report.OK is false), not errors.
func Check(p Plan, in Input, cfg Config) (Report, error) {
	if err := p.Validate(); err != nil {
		return Report{}, err
	}
	if err := cfg.validate(); err != nil {
		return Report{}, err
	}
	rep := Report{Year: p.Year, Version: p.Version, Authority: p.Authority, Basis: slices.Clone(basis)}
	add := func(f Finding) { rep.Findings = append(rep.Findings, f) }

	active := activeTargets(in.Targets)
	// Rule R13: only random tasks enter the pools; Targeted never does.
	pools := make([]pooled, len(p.Tasks))
	for i, k := range p.Tasks {
		pools[i] = pool(k, p.Year, active, in.History)
	}

	checkItems(p, in.Checklist, cfg, add, func() {
		checkOverFrequency(p, in.Checklist, active, pools, in.History, add)
	})
	checkCoverage(p, active, pools, cfg, add)
	checkJointShare(p, cfg, add)
	checkPlanned(p, pools, add)
	checkJointPerDepartment(p, cfg, add)
	checkRepeats(p, pools, in.History, add)
	checkCreditTable(pools, len(in.Targets) > 0, cfg, add)
	checkTargeted(p, add)
	return rep, nil
}

// checkItems: R1 (items on the checklist), R2 (frequency, lower bound; the
// upper bound is checkOverFrequency) and
// R4 (cap of general items, none for key items).
// overFrequency runs between the R2 rows and the R4 rows, so findings stay
// in rule order.
func checkItems(p Plan, cl *checklist.Version, cfg Config, add func(Finding), overFrequency func()) {
	if cl == nil {
		add(Finding{Rule: "R1", Check: "items on the checklist", Subject: "all tasks", Figure: "no checklist given",
			Threshold: "every item on the checklist in force", Status: NotApplicable, Note: "pass a checklist to check R1, R2 and R4"})
		return
	}
	for _, k := range p.Tasks {
		var missing []string
		for _, code := range k.Items {
			if _, ok := cl.Item(code); !ok {
				missing = append(missing, code)
			}
		}
		f := Finding{Rule: "R1", Check: "items on the checklist", Subject: k.ID,
			Figure:    fmt.Sprintf("%d/%d items on checklist v%d", len(k.Items)-len(missing), len(k.Items), cl.Number),
			Threshold: "all", Status: Pass}
		if len(missing) > 0 {
			f.Status, f.Note = Fail, "not on the checklist: "+strings.Join(missing, ", ")
		}
		add(f)
	}
	// R2 frequency: items planned fewer times than the checklist's frequency.
	planned := map[string]int{}
	var codes []string
	for _, k := range p.Tasks {
		for _, c := range k.Items {
			if planned[c] == 0 {
				codes = append(codes, c)
			}
			planned[c]++
		}
	}
	slices.Sort(codes)
	for _, c := range codes {
		it, ok := cl.Item(c)
		if !ok {
			continue
		}
		f := Finding{Rule: "R2", Check: "frequency", Subject: c, Figure: fmt.Sprintf("%d task(s)", planned[c]), Status: Pass}
		if it.Frequency.PerYear == 0 {
			f.Threshold = it.Frequency.Text + " (set by the bureau)"
		} else {
			f.Threshold = fmt.Sprintf("≥ %d (%s)", it.Frequency.PerYear, it.Frequency.Text)
			if planned[c] < it.Frequency.PerYear {
				f.Status = Fail
			}
		}
		add(f)
	}
	overFrequency()
	for _, k := range p.Tasks {
		for _, c := range k.Items {
			it, ok := cl.Item(c)
			if !ok {
				continue
			}
			// R4 (cap) and R2 (the item's lower bound) in one row per task and item.
			f := Finding{Rule: "R4", Check: "ratio within item bounds", Subject: k.ID + " " + c, Figure: pct(k.Ratio), Status: Pass}
			capv, capped := cfg.Checklist.Cap(it)
			if capped {
				f.Threshold = pct(it.RatioMin) + "–" + pct(capv) + " (general item 一般, capped)"
			} else {
				f.Threshold = "≥ " + pct(it.RatioMin) + ", no cap (key item 重点)"
			}
			switch {
			case k.Ratio.LessThan(it.RatioMin):
				f.Rule, f.Status, f.Note = "R2", Fail, "below the item's lower bound "+pct(it.RatioMin)
			case capped && k.Ratio.GreaterThan(capv):
				f.Status, f.Note = Fail, "general item above its cap "+pct(capv)
			}
			add(f)
		}
	}
}

// checkOverFrequency: R2, no target is inspected for an item more often in
// the plan year than the item's declared frequency allows (its upper bound,
// Frequency.MaxPerYear). One finding per bounded item on the plan; items
// without an upper bound ("每年至少1次", "根据监管需要确定") are not listed.
// The figure is the worst target: how many inspections it may get, from
// which tasks and past records (see the basis statement).
func checkOverFrequency(p Plan, cl *checklist.Version, active []registry.Target, pools []pooled, history []Record, add func(Finding)) {
	if cl == nil {
		return
	}
	index := make(map[string]int, len(active))
	for i, t := range active {
		index[t.ID] = i
	}
	planTask := map[string]bool{}
	for _, k := range p.Tasks {
		planTask[k.ID] = true
	}
	targeted := map[string]bool{}
	for _, g := range p.Targeted {
		targeted[g.ID] = true
	}
	prefix := strconv.Itoa(p.Year) + "-"
	var codes []string
	seen := map[string]bool{}
	for _, k := range p.Tasks {
		for _, c := range k.Items {
			if !seen[c] {
				seen[c] = true
				codes = append(codes, c)
			}
		}
	}
	slices.Sort(codes)
	count := make([]int32, len(active)) // per active target, reset per item
	for _, c := range codes {
		it, ok := cl.Item(c)
		if !ok || !it.Frequency.Bounded() {
			continue
		}
		limit := it.Frequency.MaxPerYear
		clear(count)
		// What may inspect active target m for item c: each task for c
		// whose pool holds m (less R11 exclusions), then each counted past
		// record of m not made by one of the plan's tasks.
		inPool := func(pl pooled, m int) bool {
			if _, excl := slices.BinarySearch(pl.excluded, active[m].ID); excl {
				return false
			}
			for _, s := range pl.strata {
				if _, ok := slices.BinarySearch(s.members, m); ok {
					return true
				}
			}
			return false
		}
		var forItem []pooled
		for _, pl := range pools {
			if !contains(pl.task.Items, c) {
				continue
			}
			forItem = append(forItem, pl)
			for _, s := range pl.strata {
				for _, m := range s.members {
					count[m]++
				}
			}
			for _, id := range pl.excluded {
				if m, ok := index[id]; ok {
					count[m]--
				}
			}
		}
		counted := func(r Record) bool {
			return r.Item == c && strings.HasPrefix(r.Date, prefix) && !targeted[r.Task] && r.Reason == ""
		}
		for _, r := range history {
			if !counted(r) {
				continue
			}
			m, ok := index[r.TargetID]
			if !ok {
				continue
			}
			if r.Task != "" && planTask[r.Task] {
				// A plan task's own inspection is counted once, with the
				// task, whether or not the pool still holds the target.
				if k := slices.IndexFunc(forItem, func(pl pooled) bool { return pl.task.ID == r.Task }); k >= 0 && inPool(forItem[k], m) {
					continue
				}
			}
			count[m]++
		}
		worst, over := -1, 0
		for m, n := range count { // in ID order, so the first worst target is the smallest ID
			if int(n) > limit {
				over++
			}
			if n > 0 && (worst < 0 || n > count[worst]) {
				worst = m
			}
		}
		f := Finding{Rule: "R2", Check: "over-frequency", Subject: c, Status: Pass,
			Threshold: fmt.Sprintf("≤ %d per target (%s)", limit, it.Frequency.Text)}
		if worst < 0 {
			f.Figure = "no target in any task's pool"
		} else {
			f.Figure = fmt.Sprintf("at most %d per target", count[worst])
		}
		if over > 0 {
			// Name what may inspect the worst target.
			var sources []string
			for _, pl := range forItem {
				if inPool(pl, worst) {
					sources = append(sources, pl.task.ID)
				}
			}
			for _, r := range history {
				if !counted(r) || r.TargetID != active[worst].ID {
					continue
				}
				if r.Task != "" && planTask[r.Task] {
					if k := slices.IndexFunc(forItem, func(pl pooled) bool { return pl.task.ID == r.Task }); k >= 0 && inPool(forItem[k], worst) {
						continue // listed with its task above
					}
				}
				src := r.Date
				if r.Task != "" {
					src += " " + r.Task
				}
				sources = append(sources, src)
			}
			f.Status = Fail
			f.Note = fmt.Sprintf("%d target(s) may be inspected more often, e.g. %s by %s", over, active[worst].ID, strings.Join(sources, ", "))
		}
		add(f)
	}
}

// unionFind over (task, class) nodes.
type unionFind []int

func (u unionFind) find(x int) int {
	for u[x] != x {
		u[x] = u[u[x]]
		x = u[x]
	}
	return x
}

func (u unionFind) union(a, b int) { u[u.find(a)] = u.find(b) }

// Coverage is the guaranteed number of a department's targets drawn by
// the plan's random tasks (see the R8 basis statement in Report.Basis).
func coverage(dept string, active []registry.Target, pools []pooled) (covered, total int) {
	inDept := make([]bool, len(active))
	for i, t := range active {
		if contains(t.Departments, dept) {
			inDept[i] = true
			total++
		}
	}
	type node struct{ guaranteed int }
	var nodes []node
	first := map[int]int{} // target index -> first node holding it
	var uf unionFind
	for _, pl := range pools {
		if !contains(pl.task.Departments(), dept) {
			continue
		}
		excl := map[string]bool{}
		for _, id := range pl.excluded {
			excl[id] = true
		}
		for _, s := range pl.strata {
			outside := 0
			n := len(nodes)
			nodes = append(nodes, node{})
			uf = append(uf, n)
			for _, m := range s.members {
				if excl[active[m].ID] {
					continue
				}
				if !inDept[m] {
					outside++
					continue
				}
				if f, ok := first[m]; ok {
					uf.union(n, f)
				} else {
					first[m] = n
				}
			}
			nodes[n].guaranteed = max(0, s.quota-outside)
		}
	}
	best := map[int]int{}
	for i, nd := range nodes {
		r := uf.find(i)
		best[r] = max(best[r], nd.guaranteed)
	}
	for i := range nodes { // sum in node order, not map order
		if uf.find(i) == i {
			covered += best[i]
		}
	}
	return covered, total
}

// checkCoverage: R8, each department's draws cover at least the configured
// share of its targets.
func checkCoverage(p Plan, active []registry.Target, pools []pooled, cfg Config, add func(Finding)) {
	for _, d := range p.Departments {
		covered, total := coverage(d, active, pools)
		f := Finding{Rule: "R8", Check: "department coverage", Subject: d, Figure: share(covered, total),
			Threshold: "≥ " + pct(cfg.MinDepartmentCoverage) + " of its targets", Status: Pass}
		switch {
		case total == 0:
			f.Status, f.Note = NotApplicable, "the registry holds no active target of this department"
		case !atLeast(covered, total, cfg.MinDepartmentCoverage):
			f.Status = Fail
		}
		add(f)
	}
}

// checkJointShare: R8, joint tasks are at least the configured share of
// all random tasks (counting unit: tasks).
func checkJointShare(p Plan, cfg Config, add func(Finding)) {
	joint := 0
	for _, k := range p.Tasks {
		if k.Joint() {
			joint++
		}
	}
	f := Finding{Rule: "R8", Check: "joint share", Subject: "all departments", Figure: share(joint, len(p.Tasks)) + " tasks",
		Threshold: "≥ " + pct(cfg.MinJointShare) + " of random tasks", Status: Pass}
	switch {
	case len(p.Tasks) == 0:
		f.Status, f.Note = NotApplicable, "the plan holds no random task"
	case !atLeast(joint, len(p.Tasks), cfg.MinJointShare):
		f.Status = Fail
	}
	add(f)
}

// checkPlanned: R9, each task states scope, window, estimated count and
// ratio (enforced by Validate); the figure compares the estimate with the
// draws the registry gives.
func checkPlanned(p Plan, pools []pooled, add func(Finding)) {
	for _, pl := range pools {
		k := pl.task
		pool := 0
		for _, s := range pl.strata {
			pool += len(s.members)
		}
		f := Finding{Rule: "R9", Check: "task stated", Subject: k.ID,
			Figure:    fmt.Sprintf("pool %d, draws %d, estimate %d, %s–%s", pool, pl.draws, k.EstimatedCount, k.Window.From, k.Window.To),
			Threshold: "scope, window, estimate and ratio stated", Status: Pass}
		switch {
		case pool == 0:
			// Nothing can be drawn: an empty registry, or a scope that
			// matches no active target, cannot carry the task (issue 15).
			f.Status = Fail
			f.Note = fmt.Sprintf("no active target of the registry is in the task's scope: nothing can be drawn (estimate %d)", k.EstimatedCount)
		case k.EstimatedCount != pl.draws:
			f.Note = fmt.Sprintf("estimate %d differs from the %d draws the registry now gives", k.EstimatedCount, pl.draws)
		}
		add(f)
	}
}

// checkJointPerDepartment: R10, each department launches or joins at least
// the configured number of joint tasks.
func checkJointPerDepartment(p Plan, cfg Config, add func(Finding)) {
	for _, d := range p.Departments {
		var launched, joined []string
		for _, k := range p.Tasks {
			if !k.Joint() {
				continue
			}
			if k.Department == d {
				launched = append(launched, k.ID)
			} else if contains(k.Participants, d) {
				joined = append(joined, k.ID)
			}
		}
		n := len(launched) + len(joined)
		f := Finding{Rule: "R10", Check: "joint tasks per department", Subject: d,
			Figure:    fmt.Sprintf("%d (launches %d, joins %d)", n, len(launched), len(joined)),
			Threshold: fmt.Sprintf("≥ %d", cfg.MinJointPerDepartment), Status: Pass}
		if n < cfg.MinJointPerDepartment {
			f.Status = Fail
		}
		add(f)
	}
}

// checkRepeats: R11, per task the exclusions applied, and in the history
// every repeat inspection of a compliant item without a reason.
func checkRepeats(p Plan, pools []pooled, history []Record, add func(Finding)) {
	for _, pl := range pools {
		k := pl.task
		f := Finding{Rule: "R11", Check: "no repeat of compliant items", Subject: k.ID, Status: Pass,
			Threshold: "compliant targets excluded, or a special case"}
		if k.RepeatReason != "" {
			f.Figure = "exclusions waived"
			f.Note = "special case: " + k.RepeatReason
		} else {
			f.Figure = fmt.Sprintf("%d target(s) excluded", len(pl.excluded))
		}
		add(f)
	}
	// The history itself: an inspection after a compliant one is a repeat.
	excused := map[string]string{}
	for _, k := range p.Tasks {
		if k.RepeatReason != "" {
			excused[k.ID] = k.RepeatReason
		}
	}
	for _, g := range p.Targeted {
		excused[g.ID] = "targeted inspection (R13): " + string(g.Reason)
	}
	type key struct{ target, item string }
	var recs []Record
	prefix := strconv.Itoa(p.Year) + "-"
	for _, r := range history {
		if strings.HasPrefix(r.Date, prefix) {
			recs = append(recs, r)
		}
	}
	slices.SortStableFunc(recs, func(a, b Record) int { return strings.Compare(a.Date, b.Date) })
	compliantOn := map[key]string{}
	repeats := 0
	for _, r := range recs {
		k := key{r.TargetID, r.Item}
		if first, ok := compliantOn[k]; ok {
			repeats++
			f := Finding{Rule: "R11", Check: "repeat inspection in history", Subject: r.TargetID + " " + r.Item + " " + r.Date,
				Figure: "compliant on " + first + ", inspected again " + r.Date, Threshold: "none without a key area or special case", Status: Fail}
			switch {
			case r.Reason != "":
				f.Status, f.Note = Pass, "special case: "+r.Reason
			case excused[r.Task] != "":
				f.Status, f.Note = Pass, "task "+r.Task+": "+excused[r.Task]
			}
			add(f)
		} else if r.Result == ResultCompliant {
			compliantOn[k] = r.Date
		}
	}
	add(Finding{Rule: "R11", Check: "repeat inspection in history", Subject: "history " + strconv.Itoa(p.Year),
		Figure: fmt.Sprintf("%d record(s), %d repeat(s), listed above", len(recs), repeats), Threshold: "repeats only with a reason", Status: Pass})
}

// checkCreditTable: R12, each task's ratio per credit class lies in the
// class's band. With a registry, the classes checked are those present in
// the task's pool (after the task's uplift, which the figure counts);
// without one, the scope's credit classes or, unrestricted, every class of
// the table.
func checkCreditTable(pools []pooled, haveTargets bool, cfg Config, add func(Finding)) {
	if len(cfg.CreditTable) == 0 {
		add(Finding{Rule: "R12", Check: "credit-class ratios", Subject: "all tasks", Figure: "no credit table configured",
			Threshold: "-", Status: NotApplicable})
		return
	}
	var bands []string
	for _, b := range cfg.CreditTable {
		bands = append(bands, fmt.Sprintf("%s %s–%s", b.Class, pct(b.Min), pct(b.Max)))
	}
	threshold := strings.Join(bands, ", ")
	for _, pl := range pools {
		k := pl.task
		var classes []string
		switch {
		case haveTargets:
			for _, s := range pl.strata {
				classes = append(classes, s.class)
			}
		case len(k.Scope.CreditClasses) > 0:
			classes = k.Scope.CreditClasses
		default:
			for _, b := range cfg.CreditTable {
				classes = append(classes, b.Class)
			}
		}
		var figs, bad []string
		for _, c := range classes {
			r := k.ClassRatio(c)
			figs = append(figs, c+" "+pct(r))
			b, ok := cfg.band(c)
			switch {
			case !ok:
				bad = append(bad, c+" not in the credit table")
			case r.LessThan(b.Min) || r.GreaterThan(b.Max):
				bad = append(bad, fmt.Sprintf("%s %s outside %s–%s", c, pct(r), pct(b.Min), pct(b.Max)))
			}
		}
		for _, cr := range k.ClassRatios {
			if _, ok := cfg.band(cr.Class); !ok && !contains(classes, cr.Class) {
				bad = append(bad, cr.Class+" not in the credit table")
			}
		}
		fig := strings.Join(figs, ", ")
		if haveTargets && len(classes) == 0 {
			fig = "no active target in scope"
		}
		if k.Uplift != nil {
			raised := 0
			var into []string
			for _, s := range pl.strata {
				if s.uplifted > 0 {
					raised += s.uplifted
					into = append(into, fmt.Sprintf("%s +%d", s.class, s.uplifted))
				}
			}
			fig += fmt.Sprintf("; uplift raised %d target(s)", raised)
			if len(into) > 0 {
				fig += " (" + strings.Join(into, ", ") + ")"
			}
			if n := len(pl.outside); n > 0 {
				bad = append(bad, fmt.Sprintf("%d target(s) in scope have a credit class outside uplift.classes, e.g. %s (the draw refuses them)", n, pl.outside[0]))
			}
		}
		f := Finding{Rule: "R12", Check: "credit-class ratios", Subject: k.ID, Figure: fig,
			Threshold: threshold, Status: Pass}
		switch {
		case len(bad) > 0:
			f.Status, f.Note = Fail, strings.Join(bad, "; ")
		case haveTargets && len(classes) == 0:
			f.Status = NotApplicable
		}
		add(f)
	}
}

// checkTargeted: R13, targeted inspections are recorded apart and counted
// in no random-draw figure.
func checkTargeted(p Plan, add func(Finding)) {
	targets := 0
	for _, g := range p.Targeted {
		targets += len(g.Targets)
	}
	add(Finding{Rule: "R13", Check: "targeted inspections apart", Subject: "all departments",
		Figure:    fmt.Sprintf("%d targeted inspection(s), %d target(s), 0 counted", len(p.Targeted), targets),
		Threshold: "0 counted as random draws", Status: Pass})
}

// ParseCreditTable parses a credit-class ratio table (rule R12) written as
// "A:0-0.05,B:0.05-0.2,C:0.21-0.6,D:0.61-1": classes in order, each with
// its lower and upper ratio as decimal fractions. An empty string is an
// empty table (R12 not checked).
func ParseCreditTable(s string) ([]ClassBand, error) {
	var out []ClassBand
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		class, rng, ok := strings.Cut(strings.TrimSpace(part), ":")
		lo, hi, ok2 := strings.Cut(rng, "-")
		if !ok || !ok2 || class == "" {
			return nil, fmt.Errorf("%w: credit table entry %q, want CLASS:MIN-MAX", ErrBadConfig, part)
		}
		dlo, err1 := decimal.NewFromString(lo)
		dhi, err2 := decimal.NewFromString(hi)
		if err1 != nil || err2 != nil || dlo.IsNegative() || dhi.GreaterThan(one) || dlo.GreaterThan(dhi) || seen[class] ||
			strings.ContainsAny(lo+hi, "eE") {
			return nil, fmt.Errorf("%w: credit table entry %q: want 0 ≤ MIN ≤ MAX ≤ 1, each class once", ErrBadConfig, part)
		}
		seen[class] = true
		out = append(out, ClassBand{Class: class, Min: dlo, Max: dhi})
	}
	return out, nil
}
