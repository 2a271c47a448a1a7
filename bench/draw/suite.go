package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"runtime"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

// measureSuite (-suite sm) measures, interleaved in one run over the same
// committed pool, the whole-registry draw of taskJSON under ssj-v1 and
// under the national suite ssj-v1-sm (issue 16): RunPool and VerifyPool
// on all processors, and for each suite its floors, single-core loops of
// one HMAC per label over the rank message (the HMAC floor) and of the
// leaf hash plus that HMAC (the leaf+HMAC floor), with the suite's hash
// (SHA-256 / SM3, a reused state). It prints medians and the ratios: the
// national draw against the same draw under ssj-v1 and against its own
// floors (goal: ≤ 2×).
func measureSuite(p *registry.Pool, runs int, name string) {
	cs, err := suite.Lookup(map[string]string{"sm": string(suite.V1SM)}[name])
	if err != nil || cs.ID() == suite.V1 {
		fail(fmt.Errorf("-suite %q: want sm", name))
	}
	h := sha256.Sum256([]byte(secret))
	ev := []draw.Evidence{{Secret: secret}}
	type side struct {
		cs             suite.Suite
		m              draw.Manifest
		k              draw.Key
		rec            draw.Record
		newHash        func() hash.Hash
		tH, tL, tR, tV []float64
		cH, cL, cR, cV []float64 // process CPU seconds
	}
	sides := []*side{{cs: suite.SSJv1, newHash: sha256.New}, {cs: cs, newHash: sm3.New}}
	for _, s := range sides {
		tj := fmt.Sprintf(taskJSON, hex.EncodeToString(h[:]))
		if s.cs.ID() != suite.V1 {
			tj = strings.Replace(tj, `"id": "BENCH-1"`, `"id": "BENCH-1", "suite": "`+string(s.cs.ID())+`"`, 1)
		}
		task, err := draw.DecodeTask(strings.NewReader(tj))
		if err != nil {
			fail(err)
		}
		if s.m, err = draw.CommitPool(task, p, nil); err != nil {
			fail(err)
		}
		if s.m.Suite != map[bool]string{true: "", false: string(s.cs.ID())}[s.cs.ID() == suite.V1] {
			fail(fmt.Errorf("manifest suite %q for %s", s.m.Suite, s.cs.ID()))
		}
		mh, err := s.m.Hash()
		if err != nil {
			fail(err)
		}
		rnd, err := draw.DeriveRandomnessWith(s.cs, s.m.CommitTime, s.m.Sources, ev)
		if err != nil {
			fail(err)
		}
		s.k = draw.DeriveKeyWith(s.cs, mh, rnd.R)
	}
	var sink byte
	for range runs {
		for _, s := range sides {
			runtime.GC()
			t0, c0 := time.Now(), cpuSeconds()
			mac := hmac.New(s.newHash, s.k[:])
			out := make([]byte, 0, 32)
			var msg, leaf []byte
			for i := range p.Len() {
				msg = rankMessage(msg[:0], p.Label(i))
				mac.Reset()
				mac.Write(msg)
				out = mac.Sum(out[:0])
				sink ^= out[0]
			}
			s.tH, s.cH = append(s.tH, time.Since(t0).Seconds()), append(s.cH, cpuSeconds()-c0)

			t0, c0 = time.Now(), cpuSeconds()
			lh := s.newHash()
			lout := make([]byte, 0, 32)
			for i := range p.Len() {
				leaf = p.AppendLeaf(append(leaf[:0], 0), i)
				lh.Reset()
				lh.Write(leaf)
				lout = lh.Sum(lout[:0])
				sink ^= lout[0]
				msg = rankMessage(msg[:0], p.Label(i))
				mac.Reset()
				mac.Write(msg)
				out = mac.Sum(out[:0])
				sink ^= out[0]
			}
			s.tL, s.cL = append(s.tL, time.Since(t0).Seconds()), append(s.cL, cpuSeconds()-c0)

			runtime.GC()
			t0, c0 = time.Now(), cpuSeconds()
			rec, err := draw.RunPool(s.m, ev, p, nil)
			s.tR, s.cR = append(s.tR, time.Since(t0).Seconds()), append(s.cR, cpuSeconds()-c0)
			if err != nil {
				fail(err)
			}
			s.rec = rec
			runtime.GC()
			t0, c0 = time.Now(), cpuSeconds()
			if err := draw.VerifyPool(&s.rec, p, nil); err != nil {
				fail(err)
			}
			s.tV, s.cV = append(s.tV, time.Since(t0).Seconds()), append(s.cV, cpuSeconds()-c0)
		}
	}
	_ = sink
	v1, sm := sides[0], sides[1]
	if v1.rec.R == sm.rec.R || len(v1.rec.Selected) != len(sm.rec.Selected) {
		fail(fmt.Errorf("the two suites' draws should differ in R and agree in counts"))
	}
	med := median
	fmt.Printf("\n== crypto suites: %d targets, %s against ssj-v1 (medians of %d; floors single-core, draws on %d processors) ==\n",
		p.Len(), sm.cs.ID(), runs, runtime.GOMAXPROCS(0))
	fmt.Printf("%-34s %12s %12s %8s   %s\n", "wall time", "ssj-v1", string(sm.cs.ID()), "sm/v1", "process CPU: ssj-v1, sm, sm/v1")
	row := func(label string, a, b, ca, cb []float64) {
		fmt.Printf("%-34s %10.3f s %10.3f s %7.2fx   %.3f s %.3f s %.2fx\n", label, med(a), med(b), med(b)/med(a), med(ca), med(cb), med(cb)/med(ca))
	}
	row("HMAC floor (1 core)", v1.tH, sm.tH, v1.cH, sm.cH)
	row("leaf hash + HMAC floor (1 core)", v1.tL, sm.tL, v1.cL, sm.cL)
	row("RunPool (committed pool)", v1.tR, sm.tR, v1.cR, sm.cR)
	row("VerifyPool (pool in memory)", v1.tV, sm.tV, v1.cV, sm.cV)
	for _, s := range sides {
		fmt.Printf("%s: RunPool %.2fx its HMAC floor (CPU %.2fx); VerifyPool %.2fx its leaf+HMAC floor (CPU %.2fx)\n", s.cs.ID(),
			med(s.tR)/med(s.tH), med(s.cR)/med(s.cH), med(s.tV)/med(s.tL), med(s.cV)/med(s.cL))
	}
}
