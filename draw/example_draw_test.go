package draw_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/registry"
)

// A credit-class stratified draw (rule R12): commit the task before the
// randomness exists, run it once the participant reveals the secret, and
// verify it from the pool.
func Example() {
	pool := []registry.Target{}
	for i, class := range []string{"A", "A", "A", "B", "B", "B", "C", "C", "D", "D"} {
		pool = append(pool, registry.Target{ID: fmt.Sprintf("T%02d", i), Name: fmt.Sprintf("企业%02d", i),
			Kind: registry.KindEntity, Jurisdiction: "440104", Industry: "H6110", CreditClass: class,
			Status: registry.StatusActive})
	}
	secret := "4f1c0e2a9b7d6e5f8a3b2c1d0e9f8a7b"
	commitment := sha256.Sum256([]byte(secret))
	task := draw.Task{
		ID: "2026-ZA-01", Name: "旅社治安管理随机抽查", Items: []string{"ZA-01"},
		Strata: []string{draw.StratumCreditClass},
		Quota: draw.QuotaRule{Ratios: []draw.StratumRatio{
			{Stratum: "A", Ratio: "0.05"}, {Stratum: "B", Ratio: "0.1"},
			{Stratum: "C", Ratio: "0.3"}, {Stratum: "D", Ratio: "0.7"},
		}},
		Sources: []draw.Source{{Kind: draw.SourceParticipant, Participant: "监督员",
			Commitment: hex.EncodeToString(commitment[:])}},
		CommitTime: time.Date(2026, 4, 1, 1, 0, 0, 0, time.UTC),
	}
	m, err := draw.Commit(task, pool, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	rec, err := draw.Run(m, []draw.Evidence{{Secret: secret}}, pool, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range rec.Strata {
		fmt.Printf("stratum %s: scope %d, quota %d, selected %d\n", s.Stratum, s.Scope, s.Quota, s.Selected)
	}
	fmt.Println("selected:", len(rec.Selected), "verify:", draw.Verify(&rec, pool, nil))
	// Output:
	// stratum A: scope 3, quota 1, selected 1
	// stratum B: scope 3, quota 1, selected 1
	// stratum C: scope 2, quota 1, selected 1
	// stratum D: scope 2, quota 2, selected 2
	// selected: 5 verify: <nil>
}

// A fixed total of 7 over strata of 5, 4 and 3 units: shares 2, 2, 1 with
// remainders 11, 4, 9; the two units left over go to A and C.
func ExampleLargestRemainder() {
	q, _ := draw.LargestRemainder(7, []string{"A", "B", "C"}, []int64{5, 4, 3})
	fmt.Println(q)
	// Output: [3 2 2]
}

// Ratios are exact decimals: 0.07 × 100 is 7, never 7.000000000000001.
func ExampleRatioQuota() {
	r, _ := draw.ParseRatio("0.07")
	q, _ := draw.RatioQuota(r, 100, draw.RoundCeiling)
	fmt.Println(q)
	// Output: 7
}
