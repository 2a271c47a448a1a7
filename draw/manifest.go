package draw

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/shuangsuiji/ssj/internal/canon"
	"github.com/shuangsuiji/ssj/registry"

	"github.com/shuangsuiji/ssj/internal/jsonin"
)

// ErrPoolMismatch is returned (wrapped) when the pool given to Run or
// Verify does not match the commitment in the manifest.
var ErrPoolMismatch = errors.New("draw: pool does not match the manifest's commitment")

// ErrNotCanonical is returned (wrapped) by DecodeManifest and DecodeRecord
// when a document decodes but does not re-encode to the same canonical
// JSON (an explicit empty list where the format omits it, a field with its
// zero value written out, a time not in UTC...). Such a document would hash
// differently in another implementation, so it is refused.
var ErrNotCanonical = errors.New("draw: document is not in canonical form")

// Manifest is everything that shapes a draw, fixed and published before
// the randomness exists (DRAW.md §1). Its hash, H of its RFC 8785
// canonical JSON (H the hash of its crypto suite: SHA-256 for ssj-v1, SM3
// for ssj-v1-sm), keys every rank of the draw. It holds no floats: ratios
// are decimal strings. Build it with Commit.
type Manifest struct {
	// Algorithm is "ssj-v1".
	Algorithm string `json:"algorithm"`
	// Suite is the crypto suite (CryptoSuite): empty, the member absent,
	// for ssj-v1 (SHA-256, HMAC-SHA256), "ssj-v1-sm" for the national
	// suite (SM3, HMAC-SM3).
	Suite string `json:"suite,omitempty"`
	// Task identifies the task (rule R14).
	Task TaskInfo `json:"task"`
	// Directed is true for a 定向 draw (Scope has a filter), false for a
	// 不定向 draw over the whole registry.
	Directed bool `json:"directed"`
	// Scope selects the units of the target pool the task covers.
	Scope Scope `json:"scope"`
	// Targets is the commitment to every unit in scope (eligible or not).
	Targets registry.Commitment `json:"targets"`
	// Strata are the stratum keys, in order.
	Strata []string `json:"strata,omitempty"`
	// Quota is the quota rule, with Rounding and Base filled in.
	Quota QuotaRule `json:"quota"`
	// Uplift is the declared class uplift (rule R12), or nil.
	Uplift *Uplift `json:"uplift,omitempty"`
	// Exclusions are the units excluded by hand, sorted by target.
	Exclusions []Exclusion `json:"exclusions,omitempty"`
	// Compliant is the rule R11 history, sorted by target, item, date.
	Compliant []ComplianceRecord `json:"compliant,omitempty"`
	// ComplianceExempt is "key_area" or "special_case", or empty.
	ComplianceExempt string `json:"compliance_exempt,omitempty"`
	// Sources are the declared randomness sources, in order.
	Sources []Source `json:"sources"`
	// CommitTime is when the manifest was fixed, in UTC.
	CommitTime time.Time `json:"commit_time"`
	// Batches is the number of inspection batches, or 0.
	Batches int `json:"batches,omitempty"`
	// Inspectors is present when the task matches inspectors.
	Inspectors *InspectorManifest `json:"inspectors,omitempty"`
}

// TaskInfo identifies a task in its manifest.
type TaskInfo struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Items []string `json:"items"`
}

// InspectorManifest is the inspector part of a manifest: the matching
// rules and the commitments to the inspector pools.
type InspectorManifest struct {
	Spec MatchSpec `json:"spec"`
	// Pool is the commitment to the home inspector pool.
	Pool registry.Commitment `json:"pool"`
	// Fallback is the commitment to the declared cross-region fallback
	// pool (rule R7), present only when Spec.Fallback is true.
	Fallback *registry.Commitment `json:"fallback,omitempty"`
}

// InspectorPools are the inspector pools of a draw with matching.
type InspectorPools struct {
	Home     []registry.Inspector
	Fallback []registry.Inspector
}

// Hash returns manifest_hash = H(RFC 8785 canonical JSON of m), H the hash
// of the manifest's crypto suite (SHA-256 for ssj-v1, SM3 for ssj-v1-sm).
func (m *Manifest) Hash() ([32]byte, error) {
	s, err := m.CryptoSuite()
	if err != nil {
		return [32]byte{}, err
	}
	b, err := canon.Marshal(m)
	if err != nil {
		return [32]byte{}, fmt.Errorf("draw: manifest hash: %w", err)
	}
	return s.Sum(b), nil
}

// Commit validates task and fixes its manifest (DRAW.md §1): it selects
// the units of targets in the task's scope, commits to them
// (registry.CommitTargets: every unit in scope, eligible or not), commits to
// the inspector pools when the task matches inspectors (pools may be nil
// otherwise), checks every source against the commit time and every
// exclusion against the scope, and fills in the defaults (rounding
// "ceiling", base "scope"). The order of targets does not matter.
func Commit(task Task, targets []registry.Target, pools *InspectorPools) (Manifest, error) {
	return commit(task, targets, pools, nil)
}

// commit is Commit; p counts its passes (progress.go).
func commit(task Task, targets []registry.Target, pools *InspectorPools, p *meter) (Manifest, error) {
	m, err := newManifest(task)
	if err != nil {
		return Manifest{}, err
	}
	scope := m.scopeUnits(targets)
	p.pass()
	c, err := registry.CommitTargetsWith(m.mustSuite(), scope)
	if err != nil {
		return Manifest{}, fmt.Errorf("draw: commit: target pool: %w", err)
	}
	p.pass()
	m.Targets = c
	if err := m.checkExclusionsInScope(scope); err != nil {
		return Manifest{}, err
	}
	if err := m.commitInspectors(pools); err != nil {
		return Manifest{}, err
	}
	// The quota table must cover every stratum that occurs in scope.
	if _, err := m.prepare(); err != nil {
		return Manifest{}, err
	}
	if _, err := tallyScope(&m, scope); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

// CheckTask makes every check of Commit that does not need the pools: the
// task's fields, quotas, exclusions (without the scope), match spec and
// sources against the commit time. An application (the office, at task
// launch) calls it to refuse a task that Commit would refuse anyway,
// before anything is stored. Errors are those of Commit.
func CheckTask(task Task) error {
	_, err := newManifest(task)
	return err
}

// newManifest is the part of Commit that does not look at the pools: the
// manifest of task with its defaults, validated.
func newManifest(task Task) (Manifest, error) {
	cs, err := lookupSuite("suite", task.Suite)
	if err != nil {
		return Manifest{}, err
	}
	m := Manifest{
		Algorithm:        Algorithm,
		Suite:            manifestSuite(cs),
		Task:             TaskInfo{ID: task.ID, Name: task.Name, Items: slices.Clone(task.Items)},
		Directed:         task.Scope.Directed(),
		Scope:            task.Scope,
		Strata:           slices.Clone(task.Strata),
		Quota:            task.Quota,
		Exclusions:       slices.Clone(task.Exclusions),
		Compliant:        slices.Clone(task.Compliant),
		ComplianceExempt: task.ComplianceExempt,
		Sources:          slices.Clone(task.Sources),
		CommitTime:       task.CommitTime.UTC(),
		Batches:          task.Batches,
	}
	if task.Uplift != nil {
		u := *task.Uplift
		u.Classes = slices.Clone(u.Classes)
		m.Uplift = &u
	}
	if m.Quota.Rounding == "" {
		m.Quota.Rounding = RoundCeiling
	}
	if m.Quota.Base == "" {
		m.Quota.Base = BaseScope
	}
	for i := range m.Sources {
		if !m.Sources[i].DrawAt.IsZero() {
			m.Sources[i].DrawAt = m.Sources[i].DrawAt.UTC()
		}
	}
	slices.SortFunc(m.Exclusions, func(a, b Exclusion) int { return cmpStrings(a.Target, b.Target) })
	slices.SortFunc(m.Compliant, func(a, b ComplianceRecord) int {
		return cmpStrings(a.Target+"\x00"+a.Item+"\x00"+a.Date, b.Target+"\x00"+b.Item+"\x00"+b.Date)
	})
	if task.Inspectors != nil {
		spec := *task.Inspectors
		if len(spec.Items) == 0 {
			spec.Items = slices.Clone(task.Items) // rule R20: one visit, all items
		}
		// Rule R20 in a joint task: item_departments in items order (an
		// item not in items sorts last, for Validate to name).
		spec.ItemDepartments = slices.Clone(spec.ItemDepartments)
		slices.SortStableFunc(spec.ItemDepartments, func(a, b ItemDepartment) int {
			ia, ib := slices.Index(spec.Items, a.Item), slices.Index(spec.Items, b.Item)
			if ia < 0 {
				ia = len(spec.Items)
			}
			if ib < 0 {
				ib = len(spec.Items)
			}
			return ia - ib
		})
		spec.WindowFrom, spec.WindowTo = spec.WindowFrom.UTC(), spec.WindowTo.UTC()
		m.Inspectors = &InspectorManifest{Spec: spec}
	}
	if err := m.Validate(); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

// commitInspectors sets the inspector pool commitments of a manifest that
// matches inspectors.
func (m *Manifest) commitInspectors(pools *InspectorPools) error {
	if m.Inspectors == nil {
		return nil
	}
	var err error
	if pools == nil {
		return fmt.Errorf("%w: the task matches inspectors but no inspector pool was given", ErrInvalidTask)
	}
	cs := m.mustSuite()
	if m.Inspectors.Pool, err = registry.CommitInspectorsWith(cs, pools.Home); err != nil {
		return fmt.Errorf("draw: commit: inspector pool: %w", err)
	}
	if m.Inspectors.Spec.Fallback {
		fc, err := registry.CommitInspectorsWith(cs, pools.Fallback)
		if err != nil {
			return fmt.Errorf("draw: commit: fallback inspector pool: %w", err)
		}
		m.Inspectors.Fallback = &fc
	} else if len(pools.Fallback) > 0 {
		return fmt.Errorf("%w: a fallback inspector pool was given but inspectors.fallback is not declared", ErrInvalidTask)
	}
	return nil
}

func cmpStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// scopeUnits returns the units of targets in m's scope. A 不定向 scope
// returns targets itself, without copying.
func (m *Manifest) scopeUnits(targets []registry.Target) []registry.Target {
	if !m.Directed {
		return targets
	}
	var out []registry.Target
	for i := range targets {
		if m.Scope.Contains(&targets[i]) {
			out = append(out, targets[i])
		}
	}
	return out
}

func (m *Manifest) checkExclusionsInScope(scope []registry.Target) error {
	if len(m.Exclusions) == 0 {
		return nil
	}
	in := make(map[string]bool, len(m.Exclusions))
	for _, e := range m.Exclusions {
		in[e.Target] = false
	}
	for i := range scope {
		if _, ok := in[scope[i].ID]; ok {
			in[scope[i].ID] = true
		}
	}
	for _, e := range m.Exclusions {
		if !in[e.Target] {
			return fmt.Errorf("%w: exclusions: target %q is not in the task's scope", ErrInvalidTask, e.Target)
		}
	}
	return nil
}

// Validate checks a manifest on its own (without the pools): algorithm,
// labels, stratum keys, the quota rule, exclusions, compliance history,
// sources against the commit time, batches and the matching rules.
func (m *Manifest) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidTask}, a...)...)
	}
	if m.Algorithm != Algorithm {
		return bad("algorithm %q (want %q)", m.Algorithm, Algorithm)
	}
	if _, err := m.CryptoSuite(); err != nil {
		return err
	}
	if err := CheckLabel("task.id", m.Task.ID); err != nil {
		return err
	}
	if err := CheckLabel("task.name", m.Task.Name); err != nil {
		return err
	}
	if err := checkSet("task.items", m.Task.Items, true); err != nil {
		return err
	}
	if m.Directed != m.Scope.Directed() {
		return bad("directed is %v but the scope has %s", m.Directed, map[bool]string{true: "filters", false: "no filter"}[m.Scope.Directed()])
	}
	for _, f := range []struct {
		name string
		vals []string
	}{
		{"scope.jurisdictions", m.Scope.Jurisdictions},
		{"scope.industries", m.Scope.Industries},
		{"scope.credit_classes", m.Scope.CreditClasses},
		{"scope.departments", m.Scope.Departments},
	} {
		if err := checkSet(f.name, f.vals, false); err != nil {
			return err
		}
	}
	kinds := make([]string, len(m.Scope.Kinds))
	for i, k := range m.Scope.Kinds {
		kinds[i] = string(k)
	}
	if err := checkSet("scope.kinds", kinds, false); err != nil {
		return err
	}
	for i, k := range m.Strata {
		switch k {
		case StratumCreditClass, StratumJurisdiction, StratumIndustry, StratumKind:
		default:
			return bad("strata[%d]: unknown stratum key %q (want credit_class, jurisdiction, industry or kind)", i, k)
		}
		if slices.Contains(m.Strata[:i], k) {
			return bad("strata[%d]: stratum key %q repeated", i, k)
		}
	}
	if err := m.Quota.validate(); err != nil {
		return err
	}
	if m.Uplift != nil {
		if err := m.Uplift.Validate(); err != nil {
			return err
		}
		if !slices.Contains(m.Strata, StratumCreditClass) {
			return bad("uplift needs %q among the strata: it changes only the credit class a unit is stratified under (rule R12)", StratumCreditClass)
		}
	}
	for i, e := range m.Exclusions {
		if err := CheckLabel(fmt.Sprintf("exclusions[%d].target", i), e.Target); err != nil {
			return err
		}
		if err := CheckLabel(fmt.Sprintf("exclusions[%d].reason", i), e.Reason); err != nil {
			return err
		}
		if i > 0 && m.Exclusions[i-1].Target >= e.Target {
			return bad("exclusions[%d]: target %q is repeated or out of order (exclusions are sorted by target)", i, e.Target)
		}
	}
	for i, c := range m.Compliant {
		if err := CheckLabel(fmt.Sprintf("compliant[%d].target", i), c.Target); err != nil {
			return err
		}
		if err := CheckLabel(fmt.Sprintf("compliant[%d].item", i), c.Item); err != nil {
			return err
		}
		if _, err := time.Parse(time.DateOnly, c.Date); err != nil {
			return bad("compliant[%d].date %q is not a date YYYY-MM-DD", i, c.Date)
		}
		if i > 0 {
			p := m.Compliant[i-1]
			if cmpStrings(p.Target+"\x00"+p.Item+"\x00"+p.Date, c.Target+"\x00"+c.Item+"\x00"+c.Date) >= 0 {
				return bad("compliant[%d]: record for target %q is repeated or out of order", i, c.Target)
			}
		}
	}
	switch m.ComplianceExempt {
	case "", ExemptKeyArea, ExemptSpecialCase:
	default:
		return bad("compliance_exempt %q (want key_area, special_case or nothing)", m.ComplianceExempt)
	}
	if m.CommitTime.IsZero() {
		return bad("commit_time is missing")
	}
	if m.CommitTime.Location() != time.UTC {
		return bad("commit_time %s is not in UTC", m.CommitTime.Format(time.RFC3339))
	}
	if len(m.Sources) == 0 {
		return bad("no randomness source declared")
	}
	for i, s := range m.Sources {
		if err := s.Validate(m.CommitTime); err != nil {
			return fmt.Errorf("draw: sources[%d] (%s): %w", i, s.Kind, err)
		}
	}
	if m.Batches < 0 {
		return bad("batches %d is negative", m.Batches)
	}
	if m.Inspectors != nil {
		if err := ValidateMatchSpec(m.Inspectors.Spec); err != nil {
			return fmt.Errorf("draw: inspectors.spec: %w", err)
		}
		if !slices.Equal(m.Inspectors.Spec.Items, m.Task.Items) {
			return bad("inspectors.spec.items %q differ from task.items %q (rule R20: a group checks all items in one visit)", m.Inspectors.Spec.Items, m.Task.Items)
		}
		if (m.Inspectors.Fallback != nil) != m.Inspectors.Spec.Fallback && m.Inspectors.Pool.Root != "" {
			return bad("inspectors.fallback commitment present=%v but spec.fallback=%v", m.Inspectors.Fallback != nil, m.Inspectors.Spec.Fallback)
		}
	}
	return nil
}

// checkSet checks that vals are valid, distinct labels; nonEmpty requires
// at least one.
func checkSet(field string, vals []string, nonEmpty bool) error {
	if nonEmpty && len(vals) == 0 {
		return fmt.Errorf("%w: %s is empty", ErrInvalidTask, field)
	}
	for i, v := range vals {
		if err := CheckLabel(fmt.Sprintf("%s[%d]", field, i), v); err != nil {
			return err
		}
		if slices.Contains(vals[:i], v) {
			return fmt.Errorf("%w: %s[%d]: %q repeated", ErrInvalidTask, field, i, v)
		}
	}
	return nil
}

func (q *QuotaRule) validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: quota."+format, append([]any{ErrInvalidTask}, a...)...)
	}
	switch q.Rounding {
	case RoundCeiling, RoundFloor, RoundHalfUp:
	default:
		return bad("rounding %q (want ceiling, floor or half_up)", q.Rounding)
	}
	switch q.Base {
	case BaseScope, BaseEligible:
	default:
		return bad("base %q (want scope or eligible)", q.Base)
	}
	if q.Min < 0 || q.Max < 0 || q.Total < 0 {
		return bad("min %d, max %d and total %d must not be negative", q.Min, q.Max, q.Total)
	}
	if q.Max > 0 && q.Min > q.Max {
		return bad("min %d is above max %d", q.Min, q.Max)
	}
	if q.Total > 0 {
		if len(q.Ratios) > 0 || q.DefaultRatio != "" || q.Min > 0 || q.Max > 0 {
			return bad("total %d excludes ratios, default_ratio, min and max", q.Total)
		}
		return nil
	}
	if len(q.Ratios) == 0 && q.DefaultRatio == "" {
		return bad("neither ratios, default_ratio nor total is given")
	}
	if q.DefaultRatio != "" {
		if _, err := ParseRatio(q.DefaultRatio); err != nil {
			return fmt.Errorf("quota.default_ratio: %w", err)
		}
	}
	for i, r := range q.Ratios {
		if _, err := ParseRatio(r.Ratio); err != nil {
			return fmt.Errorf("quota.ratios[%d] (stratum %q): %w", i, r.Stratum, err)
		}
		for _, p := range q.Ratios[:i] {
			if p.Stratum == r.Stratum {
				return bad("ratios[%d]: stratum %q repeated", i, r.Stratum)
			}
		}
	}
	return nil
}

// DecodeManifest reads a manifest from JSON strictly (unknown fields,
// floats and trailing data are refused), validates it, and refuses a
// document that is not in canonical form (ErrNotCanonical): its canonical
// JSON must equal the canonical JSON of the decoded manifest, so that
// SHA-256 of the published document's canonical form is the manifest hash.
func DecodeManifest(r io.Reader) (Manifest, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Manifest{}, fmt.Errorf("manifest: %w", err)
	}
	data = jsonin.TrimBOM(data)
	var m Manifest
	if err := decodeStrict(bytes.NewReader(data), &m); err != nil {
		return Manifest{}, fmt.Errorf("manifest: %w", err)
	}
	if err := sameCanonical(data, &m); err != nil {
		return Manifest{}, fmt.Errorf("manifest: %w", err)
	}
	if err := m.Validate(); err != nil {
		return Manifest{}, fmt.Errorf("manifest: %w", err)
	}
	return m, nil
}

// sameCanonical checks that data and v have the same canonical JSON. When
// data is exactly the indented JSON the CLI writes for v (MarshalRecord,
// MarshalManifest: the common case), both denote the same value and so
// have the same canonical form; only data is canonicalised then, for its
// errors (a number beyond 2^53...), instead of both.
func sameCanonical(data []byte, v any) error {
	return sameCanonicalWith(data, v, func() ([]byte, error) { return canon.Transform(data) })
}

// MarshalManifest returns the manifest as indented JSON, the form the CLI
// publishes; its canonical form hashes to the manifest hash.
func MarshalManifest(m *Manifest) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("draw: manifest: %w", err)
	}
	return buf.Bytes(), nil
}

// HashHex returns the manifest hash as lower-case hex.
func (m *Manifest) HashHex() (string, error) {
	h, err := m.Hash()
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h[:]), nil
}
