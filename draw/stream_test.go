package draw

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/registry"
)

// canonicalCSV writes targets as a canonical-order pool file.
func canonicalCSV(t *testing.T, ts []registry.Target) []byte {
	t.Helper()
	p, err := registry.NewPool(ts)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, registry.WriteCanonicalCSV(&buf, p))
	return buf.Bytes()
}

// dtPoolValid is dtPool with valid 统一社会信用代码, so that the pool survives
// a CSV round trip through the importer's checks.
func dtPoolValid(n int, seed uint64) []registry.Target {
	ts := dtPool(n, seed)
	for i := range ts {
		body := "91" + ts[i].Jurisdiction + strings.Repeat("0", 9-len(ts[i].ID[10:])) + ts[i].ID[10:]
		body = body[:17]
		c, err := registry.USCCCheckChar(body)
		if err != nil {
			panic(err)
		}
		ts[i].ID = body + string(c)
	}
	return ts
}

// VerifyStream gives Verify's verdict on valid records and on every
// tampering, for every task shape; a file not in canonical order is
// refused with registry.ErrNotCanonical.
func TestVerifyStreamEqualsVerify(t *testing.T) {
	pool := dtRisk(dtPoolValid(2000, 41))
	_, ev := dtSources()
	csv := canonicalCSV(t, pool)
	for name, task := range poolTasks(pool) {
		t.Run(name, func(t *testing.T) {
			m, err := Commit(task, pool, nil)
			require.NoError(t, err)
			rec, err := Run(m, ev, pool, nil)
			require.NoError(t, err)
			require.NoError(t, VerifyStream(&rec, bytes.NewReader(csv), registry.ImportOptions{}, nil))
			for tname, tamper := range map[string]func(r *Record){
				"rank":     func(r *Record) { r.Selected[len(r.Selected)/2].Rank = strings.Repeat("0", 64) },
				"dropped":  func(r *Record) { r.Selected = r.Selected[:len(r.Selected)-1] },
				"added":    func(r *Record) { r.Selected = append(r.Selected, r.Selected[0]) },
				"stratum":  func(r *Record) { r.Strata[0].Selected++ },
				"scope":    func(r *Record) { r.Scope++ },
				"evidence": func(r *Record) { r.Evidence[0].Secret = "guess" },
				"pool": func(r *Record) {
					r.Manifest.Targets.Count++
					r.ManifestHash, _ = r.Manifest.HashHex()
				},
				"hash":     func(r *Record) { r.ManifestHash = strings.Repeat("1", 64) },
				"name":     func(r *Record) { r.Selected[0].Name = "x" },
				"k":        func(r *Record) { r.K = strings.Repeat("2", 64) },
				"format":   func(r *Record) { r.Format = "other" },
				"uplifted": func(r *Record) { r.Strata[0].Uplifted++ },
			} {
				r := dtClone(t, &rec)
				tamper(&r)
				want := Verify(&r, pool, nil)
				got := VerifyStream(&r, bytes.NewReader(csv), registry.ImportOptions{}, nil)
				require.Error(t, want, tname)
				require.Error(t, got, tname)
				assert.Equal(t, want.Error(), got.Error(), tname)
			}
		})
	}
}

// A tampered pool file fails through the commitment, as in memory.
func TestVerifyStreamTamperedFile(t *testing.T) {
	pool := dtPoolValid(3000, 42)
	rec := dtRun(t, dtTask(), pool)
	csv := canonicalCSV(t, pool)
	lines := strings.SplitAfter(string(csv), "\n")
	for name, edit := range map[string]func(ls []string) []string{
		"class changed": func(ls []string) []string {
			for i := 1; i < len(ls); i++ {
				if strings.Contains(ls[i], ",330106,") && strings.Contains(ls[i], ",A,") {
					ls[i] = strings.Replace(ls[i], ",A,", ",B,", 1)
					break
				}
			}
			return ls
		},
		"row dropped": func(ls []string) []string {
			for i := 100; i < len(ls); i++ {
				if strings.Contains(ls[i], ",330106,") {
					return slices.Delete(ls, i, i+1)
				}
			}
			return ls
		},
		"name changed": func(ls []string) []string {
			for i := 1; i < len(ls); i++ {
				ls[i] = strings.Replace(ls[i], "测试企业", "别的企业", 1)
			}
			return ls
		},
	} {
		t.Run(name, func(t *testing.T) {
			text := strings.Join(edit(slices.Clone(lines)), "")
			ts, err := registry.DecodeCSV([]byte(text), registry.ImportOptions{})
			require.NoError(t, err)
			want := Verify(&rec, ts.Targets, nil)
			got := VerifyStream(&rec, strings.NewReader(text), registry.ImportOptions{}, nil)
			require.Error(t, want)
			require.Error(t, got)
			assert.Equal(t, want.Error(), got.Error())
		})
	}
	// Rows out of order: not canonical, the caller falls back.
	swapped := slices.Clone(lines)
	swapped[5], swapped[6] = swapped[6], swapped[5]
	err := VerifyStream(&rec, strings.NewReader(strings.Join(swapped, "")), registry.ImportOptions{}, nil)
	require.ErrorIs(t, err, registry.ErrNotCanonical)
	var ve *VerifyError
	assert.False(t, errors.As(err, &ve))
}

// VerifyStreamWith checks the lock signature and the chain anchor as
// VerifyWith does, on a canonical pool file: a locked, signed record with
// one replacement verifies with its anchor and the keyring; an edited lock,
// an earlier anchor or a missing required signature give VerifyWith's
// verdict.
func TestVerifyStreamWithOptions(t *testing.T) {
	pool := dtPoolValid(400, 43)
	pools := &InspectorPools{Home: dtInspectors(120)}
	m, err := Commit(dtMatchTask(), pool, pools)
	require.NoError(t, err)
	_, ev := dtSources()
	rec, err := Run(m, ev, pool, pools)
	require.NoError(t, err)
	unsigned, _, err := Lock(dtClone(t, &rec), m.CommitTime.Add(time.Hour), "分管负责人甲")
	require.NoError(t, err)
	locked, _, err := LockSigned(rec, m.CommitTime.Add(time.Hour), "分管负责人甲", testSigner{})
	require.NoError(t, err)
	lockAnchor := anchorHash(t, &locked)
	g := locked.Groups[0]
	replaced, err := AddReplacement(dtClone(t, &locked), pools, ReplacementRequest{Target: g.Target, Inspector: g.Seats[1].Cert,
		Reason: ReplaceHealth, Approver: "分管负责人甲", At: m.CommitTime.Add(30 * time.Hour)})
	require.NoError(t, err)
	csv := canonicalCSV(t, pool)
	keys := VerifyOptions{Signatures: testKeys{}, RequireSignature: true}
	for name, c := range map[string]struct {
		rec  Record
		opt  VerifyOptions
		edit func(r *Record)
		ok   bool
	}{
		"signed, anchor":       {rec: replaced, opt: VerifyOptions{Signatures: testKeys{}, RequireSignature: true, Anchor: anchorHash(t, &replaced)}, ok: true},
		"earlier anchor":       {rec: replaced, opt: VerifyOptions{Anchor: lockAnchor}},
		"replacement dropped":  {rec: replaced, opt: VerifyOptions{Anchor: anchorHash(t, &replaced)}, edit: func(r *Record) { r.Replacements = nil }},
		"unsigned, required":   {rec: unsigned, opt: keys},
		"unsigned, no options": {rec: unsigned, ok: true},
		"by edited": {rec: replaced, opt: keys, edit: func(r *Record) {
			r.Lock.By = "分管负责人乙"
			r.Lock.Hash, _ = LockHash(r.Lock)
		}},
	} {
		t.Run(name, func(t *testing.T) {
			r := dtClone(t, &c.rec)
			if c.edit != nil {
				c.edit(&r)
			}
			want := VerifyWith(&r, pool, pools, c.opt)
			got := VerifyStreamWith(&r, bytes.NewReader(csv), registry.ImportOptions{}, pools, c.opt)
			if c.ok {
				require.NoError(t, want)
				require.NoError(t, got)
				return
			}
			require.Error(t, want)
			require.Error(t, got)
			assert.Equal(t, want.Error(), got.Error())
		})
	}
}
