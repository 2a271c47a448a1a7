package draw_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/registry"
)

// Commit once, use many times: read the registry file once into a compact
// pool, commit the task against it, run the draw (the pool's root is
// compared, not recomputed), verify it from the pool (everything
// recomputed in one pass) and, from a canonical-order export of the file,
// in one streaming pass.
func ExampleRunPool() {
	f, err := os.Open("../examples/data/targets.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	pool, err := registry.ReadPool(f, registry.ImportOptions{File: "targets.csv"})
	f.Close()
	if err != nil {
		fmt.Println(err)
		return
	}
	secret := "4f1c0e2a9b7d6e5f8a3b2c1d0e9f8a7b"
	commitment := sha256.Sum256([]byte(secret))
	task := draw.Task{
		ID: "2026-ZA-02", Name: "旅馆业治安管理随机抽查", Items: []string{"ZA-01"},
		Scope:      draw.Scope{Industries: []string{"H6110", "H6121", "H6129"}},
		Strata:     []string{draw.StratumCreditClass},
		Quota:      draw.QuotaRule{DefaultRatio: "0.05"},
		Sources:    []draw.Source{{Kind: draw.SourceParticipant, Participant: "监督员", Commitment: hex.EncodeToString(commitment[:])}},
		CommitTime: time.Date(2026, 4, 1, 1, 0, 0, 0, time.UTC),
	}
	m, err := draw.CommitPool(task, pool, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	rec, err := draw.RunPool(m, []draw.Evidence{{Secret: secret}}, pool, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("pool:", pool.Len(), "targets; in scope:", rec.Scope, "selected:", len(rec.Selected))
	fmt.Println("verify:", draw.VerifyPool(&rec, pool, nil))
	var canonical bytes.Buffer
	if err := registry.WriteCanonicalCSV(&canonical, pool); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("streaming verify:", draw.VerifyStream(&rec, &canonical, registry.ImportOptions{}, nil))
	// Output:
	// pool: 3000 targets; in scope: 640 selected: 33
	// verify: <nil>
	// streaming verify: <nil>
}
