package draw

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/registry"
)

// poolTasks are tasks covering the draw's branches: 定向 and 不定向 scope,
// one and two stratum keys, exclusions, compliance history (rule R11),
// eligible base, a fixed total, batches.
func poolTasks(pool []registry.Target) map[string]Task {
	out := map[string]Task{}
	out["directed"] = dtTask()
	t := dtTask()
	t.Scope = Scope{}
	t.Quota = QuotaRule{DefaultRatio: "0.05"}
	out["whole registry"] = t
	t = dtTask()
	t.Scope = Scope{Industries: []string{"F52", "H62"}}
	t.Strata = []string{StratumJurisdiction, StratumCreditClass}
	t.Quota = QuotaRule{DefaultRatio: "0.1", Base: BaseEligible, Rounding: RoundHalfUp}
	t.Batches = 3
	var ex []Exclusion
	var co []ComplianceRecord
	for i := range pool {
		u := pool[i]
		if u.Industry == "C13" {
			continue
		}
		switch i % 97 {
		case 1:
			ex = append(ex, Exclusion{Target: u.ID, Reason: "立案调查"})
		case 2, 3:
			co = append(co, ComplianceRecord{Target: u.ID, Item: "SC-01", Date: "2026-02-01"})
		case 4:
			co = append(co, ComplianceRecord{Target: u.ID, Item: "SC-01", Date: "2025-02-01"})
		}
	}
	co = append(co, ComplianceRecord{Target: ex[0].Target, Item: "SC-01", Date: "2026-02-01"}, ComplianceRecord{Target: "not in the pool", Item: "SC-01", Date: "2026-02-01"})
	t.Exclusions, t.Compliant = ex, co
	out["exclusions and history"] = t
	t = dtTask()
	t.Scope = Scope{}
	t.Strata = []string{StratumIndustry}
	t.Quota = QuotaRule{Total: 37}
	out["total"] = t
	// Rule R12: the uplifted class stratifies (with dtRisk's flags).
	t = dtTask()
	t.Strata = []string{StratumJurisdiction, StratumCreditClass}
	t.Scope = Scope{}
	t.Quota = QuotaRule{DefaultRatio: "0.08"}
	t.Uplift = &Uplift{Classes: []string{"A", "B", "C", "D"}, Abnormal: "D", SeriousViolation: "C", ComplaintsAtLeast: 3}
	out["uplift"] = t
	return out
}

// dtRisk flags some units of pool as upliftPool does (rule R12 inputs), in
// place, and returns it.
func dtRisk(pool []registry.Target) []registry.Target {
	for i := range pool {
		switch i % 13 {
		case 1:
			pool[i].Abnormal = true
		case 2:
			pool[i].SeriousViolation = true
		case 3, 4:
			pool[i].Complaints = 3 + i%5
		case 5:
			pool[i].Complaints = 2
		}
	}
	return pool
}

// RunPool and VerifyPool give the records and verdicts of Run and Verify,
// byte for byte, on any number of processors and for any input order.
func TestRunPoolEqualsRun(t *testing.T) {
	pool := dtRisk(dtPool(12_000, 31)) // two Merkle chunks (merkle.ChunkSize)
	shuffled := slices.Clone(pool)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	checkPoolEqualsRun(t, pool, shuffled)
}

// checkPoolEqualsRun checks, for every task of poolTasks(pool), that
// CommitPool, RunPool and VerifyPool over a pool read from input (pool's
// targets in some order) give Commit's manifest, Run's record byte for
// byte and Verify's verdict, at GOMAXPROCS 1, 2 and 8.
func checkPoolEqualsRun(t *testing.T, pool, input []registry.Target) {
	t.Helper()
	_, ev := dtSources()
	for name, task := range poolTasks(pool) {
		t.Run(name, func(t *testing.T) {
			m, err := Commit(task, pool, nil)
			require.NoError(t, err)
			want, err := Run(m, ev, pool, nil)
			require.NoError(t, err)
			wantBytes, err := MarshalRecord(&want)
			require.NoError(t, err)
			for _, procs := range []int{1, 2, 8} {
				prev := runtime.GOMAXPROCS(procs)
				p, err := registry.NewPool(input)
				require.NoError(t, err)
				mp, err := CommitPool(task, p, nil)
				require.NoError(t, err)
				require.Equal(t, m, mp, "GOMAXPROCS %d", procs)
				got, err := RunPool(m, ev, p, nil)
				require.NoError(t, err)
				gotBytes, err := MarshalRecord(&got)
				require.NoError(t, err)
				assert.Equal(t, string(wantBytes), string(gotBytes), "GOMAXPROCS %d", procs)
				assert.NoError(t, VerifyPool(&want, p, nil), "GOMAXPROCS %d", procs)
				runtime.GOMAXPROCS(prev)
			}
		})
	}
}

// The published vector record is reproduced and verified from a pool.
func TestVectorsFromPool(t *testing.T) {
	files := vecFiles(t)
	rec, err := DecodeRecord(bytes.NewReader(files["05-record.json"]))
	require.NoError(t, err)
	p, err := registry.NewPool(vecPool())
	require.NoError(t, err)
	task, _ := vecTask(t)
	m, err := CommitPool(task, p, nil)
	require.NoError(t, err)
	mb, err := MarshalManifest(&m)
	require.NoError(t, err)
	assert.Equal(t, string(files["02-manifest.json"]), string(mb))
	require.NoError(t, VerifyPool(&rec, p, nil))
	got, err := RunPool(rec.Manifest, rec.Evidence, p, nil)
	require.NoError(t, err)
	b, err := MarshalRecord(&got)
	require.NoError(t, err)
	assert.Equal(t, string(files["05-record.json"]), string(b))
}

// VerifyPool reports every tampering exactly as Verify does: same path,
// same message.
func TestVerifyPoolDetectsTampering(t *testing.T) {
	pool := dtPool(3000, 11)
	task := dtTask()
	task.Batches = 2
	base := dtRun(t, task, pool)
	p, err := registry.NewPool(pool)
	require.NoError(t, err)
	other := strings.Repeat("ab", 32)
	for name, tamper := range map[string]func(r *Record){
		"format":          func(r *Record) { r.Format = "x" },
		"selected label":  func(r *Record) { r.Selected[3].Target = "91330106MA99999999" },
		"selected rank":   func(r *Record) { r.Selected[3].Rank = other },
		"dropped unit":    func(r *Record) { r.Selected = r.Selected[:len(r.Selected)-1] },
		"stratum count":   func(r *Record) { r.Strata[1].Eligible++ },
		"exclusion count": func(r *Record) { r.Exclusions[0].Count++ },
		"scope count":     func(r *Record) { r.Scope-- },
		"K":               func(r *Record) { r.K = other },
		"batch":           func(r *Record) { r.Batches[1].Targets[0] = r.Batches[0].Targets[0] },
		"manifest ratio":  func(r *Record) { r.Manifest.Quota.Ratios[0].Ratio = "0.5" },
		"manifest hash rewritten too": func(r *Record) {
			r.Manifest.Quota.Ratios[0].Ratio = "0.5"
			r.ManifestHash, _ = r.Manifest.HashHex()
		},
		"pool commitment": func(r *Record) {
			r.Manifest.Targets.Count--
			r.ManifestHash, _ = r.Manifest.HashHex()
		},
		"pool commitment and evidence": func(r *Record) {
			r.Manifest.Targets.Root = other
			r.ManifestHash, _ = r.Manifest.HashHex()
			r.Evidence[0].Secret = "guess"
		},
		"evidence": func(r *Record) { r.Evidence[0].Secret = "guess" },
		"name":     func(r *Record) { r.Selected[0].Name = "别的公司" },
		"lock": func(r *Record) {
			r.Lock = &LockInfo{At: dtCommit.Add(time.Hour), By: "科长", RecordHash: other}
		},
	} {
		t.Run(name, func(t *testing.T) {
			r := dtClone(t, &base)
			tamper(&r)
			want := Verify(&r, pool, nil)
			require.Error(t, want)
			got := VerifyPool(&r, p, nil)
			require.Error(t, got)
			var wv, gv *VerifyError
			require.ErrorAs(t, want, &wv)
			require.ErrorAs(t, got, &gv)
			assert.Equal(t, wv.Path, gv.Path)
			assert.Equal(t, want.Error(), got.Error())
		})
	}
}

// A changed pool fails VerifyPool and RunPool through the commitment.
func TestVerifyPoolDetectsPoolChange(t *testing.T) {
	pool := dtPool(500, 12)
	rec := dtRun(t, dtTask(), pool)
	for name, change := range map[string]func(p []registry.Target) []registry.Target{
		"credit class": func(p []registry.Target) []registry.Target {
			i := idxIn(p)
			p[i].CreditClass = map[bool]string{true: "B", false: "C"}[p[i].CreditClass != "B"]
			return p
		},
		"status":       func(p []registry.Target) []registry.Target { p[idxIn(p)].Status = registry.StatusRevoked; return p },
		"dropped unit": func(p []registry.Target) []registry.Target { i := idxIn(p); return slices.Delete(p, i, i+1) },
		"name":         func(p []registry.Target) []registry.Target { p[idxIn(p)].Name = "x"; return p },
	} {
		t.Run(name, func(t *testing.T) {
			changed := change(slices.Clone(pool))
			p, err := registry.NewPool(changed)
			require.NoError(t, err)
			want := Verify(&rec, changed, nil)
			got := VerifyPool(&rec, p, nil)
			if want == nil {
				require.NoError(t, got)
				return
			}
			require.Error(t, got)
			assert.Equal(t, want.Error(), got.Error())
			if errors.Is(want, ErrPoolMismatch) {
				_, err = RunPool(rec.Manifest, rec.Evidence, p, nil)
				assert.True(t, errors.Is(err, ErrPoolMismatch), "RunPool: %v", err)
			}
		})
	}
}

func TestRunPoolWithInspectors(t *testing.T) {
	pool := dtPool(200, 21)
	pools := &InspectorPools{Home: dtInspectors(120)}
	m, err := Commit(dtMatchTask(), pool, pools)
	require.NoError(t, err)
	_, ev := dtSources()
	want, err := Run(m, ev, pool, pools)
	require.NoError(t, err)
	p, err := registry.NewPool(pool)
	require.NoError(t, err)
	mp, err := CommitPool(dtMatchTask(), p, pools)
	require.NoError(t, err)
	require.Equal(t, m, mp)
	got, err := RunPool(m, ev, p, pools)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	require.NoError(t, VerifyPool(&want, p, pools))
	other := &InspectorPools{Home: dtInspectors(121)}
	assert.Equal(t, Verify(&want, pool, other).Error(), VerifyPool(&want, p, other).Error())
	assert.Equal(t, Verify(&want, pool, nil).Error(), VerifyPool(&want, p, nil).Error())
}
