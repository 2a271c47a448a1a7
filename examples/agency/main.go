// Command agency is an agency system embedding ssj: a draw from an in-memory pool (go run ./examples/agency).
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/registry"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(w io.Writer) error {
	var pool []registry.Target // the agency's registry (检查对象名录库) of products, from its own database
	for i := range 200 {
		pool = append(pool, registry.Target{ID: fmt.Sprintf("CP-%04d", i), Name: fmt.Sprintf("示例产品%03d", i), Kind: registry.KindProduct,
			Jurisdiction: "440104", Industry: "C1441", CreditClass: "ABCD"[i%4 : i%4+1], Status: registry.StatusActive})
	}
	secret, h := "监督员现场抽取的口令", sha256.Sum256([]byte("监督员现场抽取的口令")) // a participant's commit/reveal secret
	task := draw.Task{ID: "2026-CP-01", Name: "产品质量随机抽查", Items: []string{"CP-01"}, Strata: []string{"credit_class"},
		Scope: draw.Scope{Jurisdictions: []string{"440104"}}, Quota: draw.QuotaRule{DefaultRatio: "0.25"},
		Sources:    []draw.Source{{Kind: draw.SourceParticipant, Participant: "监督员", Commitment: hex.EncodeToString(h[:])}},
		CommitTime: time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))}
	m, err := draw.Commit(task, pool, nil) // publish m (draw.MarshalManifest) before the secret is revealed
	if err != nil {
		return err
	}
	rec, err := draw.Run(m, []draw.Evidence{{Secret: secret}}, pool, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "task %s: %d of %d drawn, manifest_hash %s\n", task.ID, len(rec.Selected), rec.Scope, rec.ManifestHash)
	for _, s := range rec.Selected {
		fmt.Fprintf(w, "  %s %s (class %s)\n", s.Target, s.Name, s.Stratum)
	}
	return nil
}
