package draw

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/registry"
)

// Rule R15: the draw is a pure function of published inputs and Verify
// re-runs it.
func TestRunAndVerify(t *testing.T) {
	pool := dtPool(2000, 1)
	rec := dtRun(t, dtTask(), pool)
	if err := Verify(&rec, pool, nil); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !rec.ManipulationResistant {
		t.Error("participant-only draw flagged as not manipulation-resistant")
	}
	// Per stratum: selected = min(quota, eligible), ascending rank overall.
	sum := 0
	for _, s := range rec.Strata {
		if s.Selected != min(s.Quota, s.Eligible) || s.Shortfall != s.Quota-s.Selected {
			t.Errorf("stratum %s: %+v", s.Stratum, s)
		}
		sum += s.Selected
	}
	if sum != len(rec.Selected) || rec.Quota-rec.Shortfall != sum {
		t.Errorf("selected %d, strata sum %d, quota %d shortfall %d", len(rec.Selected), sum, rec.Quota, rec.Shortfall)
	}
	if !slices.IsSortedFunc(rec.Selected, func(a, b Selection) int { return strings.Compare(a.Rank, b.Rank) }) {
		t.Error("selection not in ascending rank")
	}
	// Every selected rank is rank("target", label), and every eligible unit
	// of the stratum not selected ranks after the last selected one.
	mh, _ := rec.Manifest.Hash()
	rk := NewRanker(DeriveKey(mh, mustHex32(t, rec.R)))
	worst := map[string]string{}
	picked := map[string]bool{}
	for _, s := range rec.Selected {
		if got := rk.Rank("target", s.Target).String(); got != s.Rank {
			t.Fatalf("%s: rank %s, recomputed %s", s.Target, s.Rank, got)
		}
		worst[s.Stratum] = max(worst[s.Stratum], s.Rank)
		picked[s.Target] = true
	}
	for _, u := range pool {
		if u.Jurisdiction != "330106" || u.Status != registry.StatusActive || picked[u.ID] {
			continue
		}
		if w, ok := worst[u.CreditClass]; ok && rk.Rank("target", u.ID).String() < w {
			t.Fatalf("unselected %s ranks before the last selected of stratum %s", u.ID, u.CreditClass)
		}
	}
}

func mustHex32(t testing.TB, s string) [32]byte {
	t.Helper()
	b, err := decodeHex32(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Shuffling the pool changes nothing: not the manifest, not the record.
func TestShufflePoolChangesNothing(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 99))
		pool := dtPool(50+rng.IntN(3000), seed)
		task := dtTask()
		if seed%2 == 1 {
			task.Strata = []string{StratumJurisdiction, StratumCreditClass}
			task.Scope = Scope{}
			task.Quota = QuotaRule{Total: 1 + rng.IntN(200)}
		}
		want := dtRun(t, task, pool)
		wantJSON, _ := MarshalRecord(&want)
		for range 3 {
			rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
			got := dtRun(t, task, pool)
			gotJSON, _ := MarshalRecord(&got)
			if string(gotJSON) != string(wantJSON) {
				t.Fatalf("seed %d: shuffled pool gives another record", seed)
			}
			if err := Verify(&want, pool, nil); err != nil {
				t.Fatalf("seed %d: Verify on shuffled pool: %v", seed, err)
			}
		}
	}
}

// Exclusion reasons are counted per stratum and in total, and R11
// compliance history excludes only for this year's task items.
func TestExclusionsCounted(t *testing.T) {
	pool := []registry.Target{
		{ID: "X1", Kind: "entity", Jurisdiction: "330106", CreditClass: "A", Status: registry.StatusActive},
		{ID: "X2", Kind: "entity", Jurisdiction: "330106", CreditClass: "A", Status: registry.StatusRevoked},
		{ID: "X3", Kind: "entity", Jurisdiction: "330106", CreditClass: "A", Status: registry.StatusActive},
		{ID: "X4", Kind: "entity", Jurisdiction: "330106", CreditClass: "B", Status: registry.StatusActive},
		{ID: "X5", Kind: "entity", Jurisdiction: "330106", CreditClass: "B", Status: registry.StatusActive},
		{ID: "X6", Kind: "entity", Jurisdiction: "330106", CreditClass: "B", Status: registry.StatusActive},
	}
	task := dtTask()
	task.Quota = QuotaRule{DefaultRatio: "1"}
	task.Exclusions = []Exclusion{{Target: "X3", Reason: "已列入专项整治"}}
	task.Compliant = []ComplianceRecord{
		{Target: "X4", Item: "SC-01", Date: "2026-01-10"}, // this year, task item: excluded (R11)
		{Target: "X5", Item: "SC-01", Date: "2025-12-31"}, // last year: eligible
		{Target: "X6", Item: "OTHER", Date: "2026-01-10"}, // other item: eligible
	}
	rec := dtRun(t, task, pool)
	want := []ExclusionCount{{ExcludeNotActive, 1}, {ExcludeListed, 1}, {ExcludeCompliant, 1}}
	if !slices.Equal(rec.Exclusions, want) {
		t.Errorf("exclusions %v, want %v", rec.Exclusions, want)
	}
	if rec.Scope != 6 || rec.Eligible != 3 || len(rec.Selected) != 3 {
		t.Errorf("scope %d eligible %d selected %d", rec.Scope, rec.Eligible, len(rec.Selected))
	}
	// Base "scope": stratum A has quota 3 but only 1 eligible: shortfall 2,
	// reported, never hidden.
	if a := rec.Strata[0]; a.Stratum != "A" || a.Quota != 3 || a.Selected != 1 || a.Shortfall != 2 {
		t.Errorf("stratum A: %+v", a)
	}
	// Key area exemption keeps X4 eligible.
	task.ComplianceExempt = ExemptKeyArea
	rec = dtRun(t, task, pool)
	if rec.Eligible != 4 {
		t.Errorf("with key_area exemption: eligible %d, want 4", rec.Eligible)
	}
	// An exclusion outside the scope is refused at commit.
	task.Exclusions = []Exclusion{{Target: "NOPE", Reason: "x"}}
	if _, err := Commit(task, pool, nil); !errors.Is(err, ErrInvalidTask) || !strings.Contains(err.Error(), `"NOPE"`) {
		t.Errorf("exclusion outside scope: %v", err)
	}
}

// Labels with control characters, surrounding space or duplicates are
// refused (DRAW.md "Encoding").
func TestBadLabelsRefused(t *testing.T) {
	for _, id := range []string{" X1", "X1 ", "X\x001", "X\n1", ""} {
		pool := dtPool(10, 3)
		pool[4].ID = id
		pool[4].Jurisdiction = "330106"
		if _, err := Commit(dtTask(), pool, nil); !errors.Is(err, ErrLabel) {
			t.Errorf("label %q: %v", id, err)
		}
	}
	pool := dtPool(10, 3)
	pool[5] = pool[2]
	pool[5].Jurisdiction, pool[2].Jurisdiction = "330106", "330106"
	if _, err := Commit(dtTask(), pool, nil); !errors.Is(err, registry.ErrDuplicateID) {
		t.Errorf("duplicate: %v", err)
	}
}

// Rule R15 / DRAW.md §1: a source whose value existed before the commit
// time is refused.
func TestSourceBeforeCommitRefused(t *testing.T) {
	b := dtDemoBeacon(t)
	ch, _ := DrandChainByName("quicknet")
	at := ch.RoundTime(b.Round)
	task := dtTask()
	task.Sources = []Source{{Kind: SourceDrand, Network: "quicknet", Round: b.Round}}
	task.CommitTime = at.Add(time.Second)
	pool := dtPool(100, 1)
	if _, err := Commit(task, pool, nil); !errors.Is(err, ErrSourceBeforeCommit) {
		t.Fatalf("commit after the round: %v", err)
	}
	task.CommitTime = at.Add(-time.Hour)
	m, err := Commit(task, pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := Run(m, []Evidence{b.Evidence()}, pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(&rec, pool, nil); err != nil {
		t.Fatal(err)
	}
	// A manifest edited to a later commit time is refused by Run too.
	m.CommitTime = at
	if _, err := Run(m, []Evidence{b.Evidence()}, pool, nil); !errors.Is(err, ErrSourceBeforeCommit) {
		t.Fatalf("run with commit time at the round: %v", err)
	}
}

// A manual source is accepted but the record says so.
func TestManualSourceFlagged(t *testing.T) {
	task := dtTask()
	task.Sources = []Source{{Kind: SourceManual, Note: "会议现场抽签"}}
	pool := dtPool(100, 1)
	m, err := Commit(task, pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := Run(m, []Evidence{{Value: "3 7 1"}}, pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rec.ManipulationResistant {
		t.Error("manual source not flagged")
	}
}

func TestBatches(t *testing.T) {
	task := dtTask()
	task.Batches = 3
	rec := dtRun(t, task, dtPool(500, 2))
	n := len(rec.Selected)
	if len(rec.Batches) != 3 {
		t.Fatalf("batches %d", len(rec.Batches))
	}
	var all []string
	for i, b := range rec.Batches {
		if b.Number != i+1 || len(b.Targets) < n/3 || len(b.Targets) > n/3+1 {
			t.Errorf("batch %d: number %d, %d targets of %d", i, b.Number, len(b.Targets), n)
		}
		all = append(all, b.Targets...)
	}
	for i, s := range rec.Selected {
		if all[i] != s.Target {
			t.Fatalf("batches do not follow the selection order at %d", i)
		}
	}
}

// The parallel split (one chunk per processor above 65536 units) does not
// change the record.
func TestParallelSplitChangesNothing(t *testing.T) {
	pool := dtPool(150000, 77)
	task := dtTask()
	task.Scope = Scope{}
	task.Strata = []string{StratumJurisdiction, StratumCreditClass}
	task.Quota = QuotaRule{DefaultRatio: "0.03", Ratios: []StratumRatio{{Stratum: "330105/D", Ratio: "0.5"}}}
	prev := runtime.GOMAXPROCS(1)
	one := dtRun(t, task, pool)
	runtime.GOMAXPROCS(max(prev, 3))
	many := dtRun(t, task, pool)
	runtime.GOMAXPROCS(prev)
	a, _ := MarshalRecord(&one)
	b, _ := MarshalRecord(&many)
	if string(a) != string(b) {
		t.Fatal("the record depends on the number of processors")
	}
	// A bad label deep in the pool is reported the same way.
	pool[140000].ID = "BAD\tID"
	runtime.GOMAXPROCS(max(prev, 3))
	_, err := Commit(task, pool, nil)
	runtime.GOMAXPROCS(prev)
	if !errors.Is(err, ErrLabel) {
		t.Fatalf("bad label: %v", err)
	}
}

// When two 8-byte rank prefixes are equal (astronomically rare), the heap
// falls back to the full rank, then to the label: force it by zeroing every
// prefix and check the heap still keeps the k smallest full ranks.
func TestHeapFullRankFallback(t *testing.T) {
	pool := dtPool(500, 5)
	k := Key{7}
	ctx := &selCtx{scope: pool, rk: NewRanker(k)}
	h := selHeap{k: 25}
	for i := range pool {
		h.offer(ctx, selCand{key: 0, i: int32(i)})
	}
	got := slices.Clone(h.items)
	slices.SortFunc(got, ctx.cmp)
	rk := NewRanker(k)
	idx := make([]int, len(pool))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return rk.RankTarget(pool[a].ID).Compare(rk.RankTarget(pool[b].ID)) })
	for j, c := range got {
		if int(c.i) != idx[j] {
			t.Fatalf("position %d: unit %d, want %d", j, c.i, idx[j])
		}
	}
	// Equal full ranks (the same label twice) fall back to label bytes and
	// compare equal only for the same unit.
	if ctx.cmp(selCand{0, 3}, selCand{0, 3}) != 0 {
		t.Fatal("a unit does not compare equal to itself")
	}
}
