package draw_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/registry"
)

// A front end shows how far a draw over a large pool has come: RunWith
// calls Progress after each pass over the pool (here 10 rows, three
// passes), then with the total.
func ExampleRunWith() {
	var pool []registry.Target
	for i := range 10 {
		pool = append(pool, registry.Target{ID: fmt.Sprintf("T%02d", i), Name: fmt.Sprintf("企业%02d", i),
			Kind: registry.KindEntity, Jurisdiction: "440104", Industry: "H6110", CreditClass: "A",
			Status: registry.StatusActive})
	}
	secret := "4f1c0e2a9b7d6e5f8a3b2c1d0e9f8a7b"
	commitment := sha256.Sum256([]byte(secret))
	task := draw.Task{
		ID: "2026-ZA-01", Name: "旅社治安管理随机抽查", Items: []string{"ZA-01"},
		Quota:      draw.QuotaRule{DefaultRatio: "0.2"},
		Sources:    []draw.Source{{Kind: draw.SourceParticipant, Participant: "监督员", Commitment: hex.EncodeToString(commitment[:])}},
		CommitTime: time.Date(2026, 4, 1, 1, 0, 0, 0, time.UTC),
	}
	m, err := draw.Commit(task, pool, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	show := func(done, total int64) { fmt.Printf("%d/%d rows\n", done, total) }
	rec, err := draw.RunWith(m, []draw.Evidence{{Secret: secret}}, pool, nil, draw.Options{Progress: show})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("selected:", len(rec.Selected))
	// Output:
	// 0/30 rows
	// 10/30 rows
	// 20/30 rows
	// 30/30 rows
	// selected: 2
}
