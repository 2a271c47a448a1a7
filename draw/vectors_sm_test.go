package draw

import (
	"bytes"
	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

// The national-suite vectors (docs/draw-spec.md §12, Appendix H.2):
// draw/testdata/vectors-sm/ holds every file of draw/testdata/vectors/
// that depends on a hash, for the same task declaring "suite":
// "ssj-v1-sm". Written by `go test ./draw -run 'TestVectors|TestMatchGolden'
// -update -match-update`, otherwise compared byte for byte.
func TestVectorsSM(t *testing.T) {
	files := vecFilesSuite(t, suite.SSJv1SM)
	vecCompare(t, vecDirSM, files)

	// Same file names as the ssj-v1 vectors, less the hash-free quota file.
	v1 := vecFiles(t)
	var want, got []string
	for n := range v1 {
		if n != "06-quota.json" {
			want = append(want, n)
		}
	}
	for n := range files {
		got = append(got, n)
	}
	slices.Sort(want)
	slices.Sort(got)
	require.Equal(t, want, got)
	// Every hash-bearing file differs from its ssj-v1 counterpart.
	for _, n := range got {
		assert.NotEqual(t, string(v1[n]), string(files[n]), "%s is the same under both suites", n)
	}

	// Independently of the package: SM3 of the canonical manifest, the
	// leaves, R, K = HMAC-SM3 and a rank, straight from gmsm.
	mh := sm3.Sum(files["02-manifest.canonical.json"])
	require.Equal(t, hex.EncodeToString(mh[:])+"\n", string(files["02-manifest-hash.txt"]))
	require.Contains(t, string(files["02-manifest.canonical.json"]), `,"suite":"ssj-v1-sm",`)
	var pool struct {
		Leaves []struct {
			ID       string `json:"id"`
			Leaf     string `json:"leaf"`
			LeafHash string `json:"leaf_hash"`
		} `json:"leaves_in_scope"`
	}
	require.NoError(t, json.Unmarshal(files["01-pool.json"], &pool))
	require.NotEmpty(t, pool.Leaves)
	for _, l := range pool.Leaves {
		h := sm3.Sum(append([]byte{0}, l.Leaf...))
		require.Equal(t, hex.EncodeToString(h[:]), l.LeafHash, l.ID)
	}
	var rnd struct {
		Concat string `json:"lp_concatenation_hex"`
		R      string `json:"r"`
	}
	require.NoError(t, json.Unmarshal(files["03-randomness.json"], &rnd))
	cat, err := hex.DecodeString(rnd.Concat)
	require.NoError(t, err)
	r := sm3.Sum(cat)
	require.Equal(t, hex.EncodeToString(r[:]), rnd.R)
	var kr struct {
		K     string `json:"k"`
		Ranks []struct {
			Message string `json:"message_hex"`
			Rank    string `json:"rank"`
		} `json:"target_ranks"`
	}
	require.NoError(t, json.Unmarshal(files["04-key-ranks.json"], &kr))
	mac := hmac.New(sm3.New, mh[:])
	mac.Write(r[:])
	k := mac.Sum(nil)
	require.Equal(t, hex.EncodeToString(k), kr.K)
	for _, x := range kr.Ranks {
		msg, err := hex.DecodeString(x.Message)
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(msg, []byte("\x00\x00\x00\x06ssj-v1\x00\x00\x00\x06target")), "the rank domain string stays ssj-v1")
		mac := hmac.New(sm3.New, k)
		mac.Write(msg)
		require.Equal(t, hex.EncodeToString(mac.Sum(nil)), x.Rank)
	}

	// The records verify, 07 with its anchor; the anchor is SM3 of its
	// published bytes.
	rec, err := DecodeRecord(bytes.NewReader(files["05-record.json"]))
	require.NoError(t, err)
	require.Equal(t, "ssj-v1-sm", rec.Manifest.Suite)
	require.NoError(t, Verify(&rec, vecPool(), nil))
	rec7, err := DecodeRecord(bytes.NewReader(files["07-record.json"]))
	require.NoError(t, err)
	var anc struct {
		Anchor       Anchor `json:"anchor"`
		AnchorHashed string `json:"anchor_hashed_bytes"`
		LockHashed   string `json:"lock_hashed_bytes"`
		LockHash     string `json:"lock_hash"`
	}
	require.NoError(t, json.Unmarshal(files["07-anchor.json"], &anc))
	a := sm3.Sum([]byte(anc.AnchorHashed))
	require.Equal(t, hex.EncodeToString(a[:]), anc.Anchor.Hash)
	l := sm3.Sum([]byte(anc.LockHashed))
	require.Equal(t, hex.EncodeToString(l[:]), anc.LockHash)
	require.NoError(t, VerifyWith(&rec7, vecPool(), vecInspectorPools(), VerifyOptions{Anchor: anc.Anchor.Hash}))
	require.NoError(t, VerifyPoolWith(&rec7, vecCompactPool(t), vecInspectorPools(), VerifyOptions{Anchor: anc.Anchor.Hash}))

	// A record cannot change suite: the ssj-v1-sm record read as ssj-v1
	// (member removed) or the ssj-v1 record relabelled does not verify.
	for _, c := range []struct{ name, from, to string }{
		{"sm as v1", string(files["05-record.json"]), ""},
		{"v1 as sm", string(v1["05-record.json"]), "ssj-v1-sm"},
	} {
		doc := c.from
		if c.to == "" {
			doc = strings.Replace(doc, "\n    \"suite\": \"ssj-v1-sm\",", "", 1)
		} else {
			doc = strings.Replace(doc, "\"algorithm\": \"ssj-v1\",", "\"algorithm\": \"ssj-v1\",\n    \"suite\": \""+c.to+"\",", 1)
		}
		require.NotEqual(t, c.from, doc, c.name)
		rec, err := DecodeRecord(strings.NewReader(doc))
		require.NoError(t, err, c.name)
		err = Verify(&rec, vecPool(), nil)
		var ve *VerifyError
		require.ErrorAs(t, err, &ve, c.name)
		assert.Equal(t, "manifest_hash", ve.Path, c.name)
	}
}

// vecCompactPool is vecPool as a committed compact pool.
func vecCompactPool(t *testing.T) *registry.Pool {
	p, err := registry.NewPool(vecPool())
	require.NoError(t, err)
	return p
}

// TestSuiteRefused: an unknown suite is refused with a *SuiteError naming
// the member and the value, in a task, a manifest and a record; "ssj-v1"
// is accepted in a task (the manifest then omits the member) but refused
// written out in a manifest (not canonical).
func TestSuiteRefused(t *testing.T) {
	task, ev := vecTask(t)
	task.Suite = "ssj-v2"
	_, err := Commit(task, vecPool(), nil)
	var se *SuiteError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "suite", se.Field)
	assert.Equal(t, "ssj-v2", se.Value)
	assert.ErrorIs(t, err, ErrInvalidTask)
	assert.ErrorIs(t, err, suite.ErrUnknown)
	assert.Contains(t, err.Error(), `suite "ssj-v2"`)

	tj, err := json.Marshal(task)
	require.NoError(t, err)
	dt, err := DecodeTask(bytes.NewReader(tj))
	require.NoError(t, err, "DecodeTask reads the member; CheckTask and Commit validate it")
	require.Equal(t, "ssj-v2", dt.Suite)
	require.ErrorAs(t, CheckTask(dt), &se)

	task.Suite = "ssj-v1"
	m1, err := Commit(task, vecPool(), nil)
	require.NoError(t, err)
	task.Suite = ""
	m0, err := Commit(task, vecPool(), nil)
	require.NoError(t, err)
	require.Equal(t, m0, m1, "a task's explicit ssj-v1 is the absent member")
	require.Empty(t, m1.Suite)

	rec, err := Run(m0, ev, vecPool(), nil)
	require.NoError(t, err)
	for _, v := range []string{"ssj-v2", "ssj-v1", "SSJ-V1-SM"} {
		m := m0
		m.Suite = v
		require.ErrorAs(t, m.Validate(), &se, v)
		assert.Equal(t, v, se.Value)
		_, err := Run(m, ev, vecPool(), nil)
		require.ErrorAs(t, err, &se, v)
		doc, err := MarshalRecord(&rec)
		require.NoError(t, err)
		doc = bytes.Replace(doc, []byte("\"algorithm\": \"ssj-v1\","), []byte("\"algorithm\": \"ssj-v1\",\n    \"suite\": \""+v+"\","), 1)
		_, err = DecodeRecord(bytes.NewReader(doc))
		var ve *VerifyError
		require.ErrorAs(t, err, &ve, v)
		require.ErrorAs(t, err, &se, v)
		assert.False(t, errors.Is(err, ErrUnreadable), "a record with an unknown suite is a document that does not verify")
	}
}

// TestSuitePoolPathsAgree: under ssj-v1-sm the slice paths (Commit, Run,
// Verify), the compact-pool paths (CommitPool, RunPool, VerifyPoolWith)
// and the streaming verifier give the same manifest and record, as they
// do under ssj-v1, for a pool large enough to be hashed in parallel
// chunks.
func TestSuitePoolPathsAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("9k-unit pool")
	}
	var ts []registry.Target
	for i := range 9000 { // more than one ParallelRoot chunk (8192)
		ts = append(ts, registry.Target{ID: "9133010" + strings.Repeat("0", 4) + hex.EncodeToString([]byte{byte(i >> 16), byte(i >> 8), byte(i)}) + "X",
			Name: "单位", Kind: registry.KindEntity, Jurisdiction: "330106", Industry: "F5221",
			CreditClass: []string{"A", "B", "C"}[i%3], Status: registry.StatusActive, Departments: []string{"市场监管"}})
	}
	p, err := registry.NewPool(ts)
	require.NoError(t, err)
	src, ev := dtSources()
	roots := map[suite.ID]string{}
	for _, cs := range []suite.Suite{suite.SSJv1, suite.SSJv1SM} {
		task := Task{ID: "SUITE-POOL", Name: "suite pool", Items: []string{"I1"}, Strata: []string{StratumCreditClass},
			Quota: QuotaRule{DefaultRatio: "0.01"}, Sources: src, CommitTime: dtCommit, Suite: string(cs.ID())}
		m, err := Commit(task, ts, nil)
		require.NoError(t, err)
		mp, err := CommitPool(task, p, nil)
		require.NoError(t, err)
		require.Equal(t, m, mp, cs.ID())
		c, err := registry.CommitTargetsWith(cs, ts)
		require.NoError(t, err)
		require.Equal(t, c, m.Targets)
		roots[cs.ID()] = m.Targets.Root
		rec, err := Run(m, ev, ts, nil)
		require.NoError(t, err)
		rp, err := RunPool(m, ev, p, nil)
		require.NoError(t, err)
		require.Equal(t, rec, rp, cs.ID())
		require.NoError(t, Verify(&rec, ts, nil))
		require.NoError(t, VerifyPoolWith(&rec, p, nil, VerifyOptions{}))
	}
	require.NotEqual(t, roots[suite.V1], roots[suite.V1SM])
}

// TestSuiteStream: the streaming verifier of canonical-order files follows
// the manifest's suite (SM3 compact range and leaves, HMAC-SM3 ranks) and
// catches a tampered rank under it, for a directed and an undirected task.
func TestSuiteStream(t *testing.T) {
	pool := dtRisk(dtPoolValid(3000, 7))
	_, ev := dtSources()
	csv := canonicalCSV(t, pool)
	for name, task := range poolTasks(pool) {
		t.Run(name, func(t *testing.T) {
			task.Suite = string(suite.V1SM)
			m, err := Commit(task, pool, nil)
			require.NoError(t, err)
			rec, err := Run(m, ev, pool, nil)
			require.NoError(t, err)
			require.NoError(t, VerifyStreamWith(&rec, bytes.NewReader(csv), registry.ImportOptions{}, nil, VerifyOptions{}))
			if len(rec.Selected) == 0 {
				return
			}
			bad := rec
			bad.Selected = slices.Clone(rec.Selected)
			bad.Selected[0].Rank = strings.Repeat("0", 64)
			var ve *VerifyError
			require.ErrorAs(t, VerifyStreamWith(&bad, bytes.NewReader(csv), registry.ImportOptions{}, nil, VerifyOptions{}), &ve)
			require.Equal(t, "selected[0].rank", ve.Path)
		})
	}
}
