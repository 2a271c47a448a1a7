package draw

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/registry"
)

// dtCommit is the commit time of the test tasks.
var dtCommit = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// dtSecret is the participant secret of the test tasks.
const dtSecret = "ssj test participant secret 2026"

func dtCommitment(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// dtSources returns a participant source and its evidence: fast, with no
// time constraint.
func dtSources() ([]Source, []Evidence) {
	return []Source{{Kind: SourceParticipant, Participant: "监督员甲", Commitment: dtCommitment(dtSecret)}},
		[]Evidence{{Secret: dtSecret}}
}

var dtClasses = []string{"A", "B", "C", "D"}

// dtPool returns n targets with deterministic pseudo-random attributes.
func dtPool(n int, seed uint64) []registry.Target {
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([]registry.Target, n)
	for i := range out {
		st := registry.StatusActive
		if rng.IntN(20) == 0 {
			st = registry.StatusDeregistered
		}
		out[i] = registry.Target{
			ID:           fmt.Sprintf("91330106MA%08X", i),
			Name:         fmt.Sprintf("测试企业%d有限公司", i),
			Kind:         registry.KindEntity,
			Jurisdiction: []string{"330106", "330105"}[rng.IntN(2)],
			Industry:     []string{"F52", "H62", "C13"}[rng.IntN(3)],
			CreditClass:  dtClasses[min(rng.IntN(10), 3)],
			Status:       st,
			Departments:  []string{"市场监管"},
		}
	}
	return out
}

// dtTask returns a credit-class stratified task (rule R12).
func dtTask() Task {
	src, _ := dtSources()
	return Task{
		ID: "T-2026-001", Name: "2026年第一批食品销售抽查", Items: []string{"SC-01"},
		Scope:  Scope{Jurisdictions: []string{"330106"}},
		Strata: []string{StratumCreditClass},
		Quota: QuotaRule{Ratios: []StratumRatio{
			{Stratum: "A", Ratio: "0.05"}, {Stratum: "B", Ratio: "0.20"},
			{Stratum: "C", Ratio: "0.60"}, {Stratum: "D", Ratio: "1"},
		}},
		Sources:    src,
		CommitTime: dtCommit,
	}
}

// dtRun commits task over pool and runs it with the participant evidence.
func dtRun(t testing.TB, task Task, pool []registry.Target) Record {
	t.Helper()
	m, err := Commit(task, pool, nil)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	_, ev := dtSources()
	rec, err := Run(m, ev, pool, nil)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rec
}

// dtDemoBeacon reads the bundled quicknet beacon.
func dtDemoBeacon(t testing.TB) DrandBeacon {
	t.Helper()
	f, err := os.Open("testdata/drand/quicknet-demo.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := DecodeDrandBeacon(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
