package draw

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/registry"
)

// poolVector is a published record with the pools it was drawn from.
type poolVector struct {
	name    string
	record  []byte // the published bytes
	task    Task
	targets []registry.Target
	pools   *InspectorPools
	anchor  string // the published anchor, when the vector has one
}

// poolVectors are every published record: the main vector (05), vector 07
// (inspectors, a fallback pool consulted with nobody excluded, a lock and a
// replacement, an anchor), the joint task (rule R20 seats per department,
// a replacement) and the uplift task (rule R12).
func poolVectors(t *testing.T) []poolVector {
	t.Helper()
	read := func(p string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		require.NoError(t, err)
		return b
	}
	decodeTask := func(p string) Task {
		task, err := DecodeTask(bytes.NewReader(read(p)))
		require.NoError(t, err, p)
		return task
	}
	task05, _ := vecTask(t)
	var v07 struct {
		Task json.RawMessage `json:"task"`
	}
	require.NoError(t, json.Unmarshal(read("vectors/07-inspectors.json"), &v07))
	task07, err := DecodeTask(bytes.NewReader(v07.Task))
	require.NoError(t, err)
	var anc struct {
		Anchor Anchor `json:"anchor"`
	}
	require.NoError(t, json.Unmarshal(read("vectors/07-anchor.json"), &anc))
	jt, ji := vecJointPools()
	return []poolVector{
		{name: "05", record: read("vectors/05-record.json"), task: task05, targets: vecPool()},
		{name: "07", record: read("vectors/07-record.json"), task: task07, targets: vecPool(), pools: vecInspectorPools(), anchor: anc.Anchor.Hash},
		{name: "joint", record: read("joint/record.json"), task: decodeTask("joint/task.json"), targets: jt, pools: &InspectorPools{Home: ji}},
		{name: "uplift", record: read("uplift/record.json"), task: decodeTask("uplift/task.json"), targets: vecUpliftPool()},
	}
}

// verifyBlockPool is VerifyStreamWith over a pool already in memory, in
// one block: the vectors' IDs are not valid 统一社会信用代码, so they cannot
// go through a CSV file and the importer's checks.
func verifyBlockPool(rec *Record, p *registry.Pool, pools *InspectorPools, opt VerifyOptions) error {
	m, err := verifyHead(rec)
	if err != nil {
		return err
	}
	return verifyBlocks(rec, m, func(fn func(*registry.Pool) error) error { return fn(p) }, pools, opt)
}

// RunPool reproduces every published record byte for byte (the lock and
// the replacements, which are not recomputed, taken from the record), on
// 1, 2 and 8 processors and from shuffled input; CommitPool gives the
// published manifest.
func TestPoolReproducesEveryVector(t *testing.T) {
	for _, v := range poolVectors(t) {
		t.Run(v.name, func(t *testing.T) {
			rec, err := DecodeRecord(bytes.NewReader(v.record))
			require.NoError(t, err)
			want, err := Run(rec.Manifest, rec.Evidence, v.targets, v.pools)
			require.NoError(t, err)
			wantBytes, err := MarshalRecord(&want)
			require.NoError(t, err)
			manifest, err := MarshalManifest(&rec.Manifest)
			require.NoError(t, err)
			shuffled := slices.Clone(v.targets)
			rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			for _, procs := range []int{1, 2, 8} {
				prev := runtime.GOMAXPROCS(procs)
				p, err := registry.NewPool(shuffled)
				require.NoError(t, err)
				m, err := CommitPool(v.task, p, v.pools)
				require.NoError(t, err)
				mb, err := MarshalManifest(&m)
				require.NoError(t, err)
				assert.Equal(t, string(manifest), string(mb), "CommitPool, GOMAXPROCS %d", procs)
				got, err := RunPool(rec.Manifest, rec.Evidence, p, v.pools)
				require.NoError(t, err)
				gotBytes, err := MarshalRecord(&got)
				require.NoError(t, err)
				assert.Equal(t, string(wantBytes), string(gotBytes), "RunPool, GOMAXPROCS %d", procs)
				got.Lock, got.Replacements = rec.Lock, rec.Replacements
				full, err := MarshalRecord(&got)
				require.NoError(t, err)
				assert.Equal(t, string(v.record), string(full), "published record, GOMAXPROCS %d", procs)
				runtime.GOMAXPROCS(prev)
			}
		})
	}
}

// VerifyPoolWith and the streaming verification give VerifyWith's verdict,
// path and message on every published record, as published and tampered
// with, with and without the chain anchor.
func TestPoolVerifyVerdictsOnVectors(t *testing.T) {
	other := strings.Repeat("ab", 32)
	type tamper struct {
		name string
		edit func(r *Record)     // on the decoded record
		text func([]byte) []byte // on the published bytes, when edit is nil
	}
	tampers := []tamper{
		{name: "as published"},
		{name: "rank", edit: func(r *Record) { r.Selected[0].Rank = other }},
		{name: "stratum selected", edit: func(r *Record) { r.Strata[len(r.Strata)-1].Selected++ }},
		{name: "uplifted raised", edit: func(r *Record) { r.Strata[len(r.Strata)-1].Uplifted++ }},
		{name: "uplifted dropped", edit: func(r *Record) {
			for i := range r.Strata {
				r.Strata[i].Uplifted = 0
			}
		}},
		{name: "evidence", edit: func(r *Record) { r.Evidence[0].Signature = other }},
		{name: "selected name", edit: func(r *Record) { r.Selected[len(r.Selected)-1].Name = "别的公司" }},
		{name: "fallback_exclusions omitted", text: func(b []byte) []byte {
			return bytes.ReplaceAll(b, []byte(",\n      \"fallback_exclusions\": []"), nil)
		}},
		{name: "group seat", edit: func(r *Record) {
			if len(r.Groups) > 0 {
				r.Groups[0].Seats[0].Cert = r.Groups[0].Seats[len(r.Groups[0].Seats)-1].Cert
			}
		}},
		{name: "lock by, hash recomputed", edit: func(r *Record) {
			if r.Lock != nil {
				r.Lock.By = "别人"
				r.Lock.Hash, _ = LockHash(r.Lock)
			}
		}},
		{name: "lock at", edit: func(r *Record) {
			if r.Lock != nil {
				r.Lock.At = r.Lock.At.Add(time.Second)
			}
		}},
		{name: "replacement reason", edit: func(r *Record) {
			if len(r.Replacements) > 0 {
				r.Replacements[0].Reason = ReplaceWorkConflict + "x"
			}
		}},
		{name: "replacement dropped", edit: func(r *Record) { r.Replacements = nil }},
		{name: "pool commitment", edit: func(r *Record) {
			r.Manifest.Targets.Count--
			r.ManifestHash, _ = r.Manifest.HashHex()
		}},
	}
	for _, v := range poolVectors(t) {
		p, err := registry.NewPool(v.targets)
		require.NoError(t, err)
		opts := map[string]VerifyOptions{"no options": {}, "wrong anchor": {Anchor: other}}
		if v.anchor != "" {
			opts["anchor"] = VerifyOptions{Anchor: v.anchor}
		}
		for _, tm := range tampers {
			for oname, opt := range opts {
				t.Run(v.name+"/"+tm.name+"/"+oname, func(t *testing.T) {
					t.Parallel()
					b := v.record
					if tm.text != nil {
						b = tm.text(bytes.Clone(b))
					}
					rec, err := DecodeRecord(bytes.NewReader(b))
					require.NoError(t, err)
					if tm.edit != nil {
						tm.edit(&rec)
					}
					want := VerifyWith(&rec, v.targets, v.pools, opt)
					got := VerifyPoolWith(&rec, p, v.pools, opt)
					streamed := verifyBlockPool(&rec, p, v.pools, opt)
					if want == nil {
						assert.NoError(t, got)
						assert.NoError(t, streamed)
						return
					}
					var ve *VerifyError
					require.ErrorAs(t, want, &ve)
					require.Error(t, got)
					require.Error(t, streamed)
					assert.Equal(t, want.Error(), got.Error(), "VerifyPoolWith")
					assert.Equal(t, want.Error(), streamed.Error(), "streaming")
				})
			}
		}
	}
}

// With a keyring, the pool and streaming paths check the lock signature as
// VerifyWith does: a signed lock verifies, an edited one does not, and an
// unsigned lock fails when a signature is required.
func TestPoolVerifySignatures(t *testing.T) {
	signed, pools := lockFixture(t, 1, testSigner{})
	unsigned, _ := lockFixture(t, 1, nil)
	p, err := registry.NewPool(vecPool())
	require.NoError(t, err)
	opt := VerifyOptions{Signatures: testKeys{}, RequireSignature: true}
	for name, c := range map[string]struct {
		rec  Record
		edit func(r *Record)
		opt  VerifyOptions
	}{
		"signed":                    {rec: signed, opt: opt},
		"signed, anchor":            {rec: signed, opt: VerifyOptions{Signatures: testKeys{}, RequireSignature: true, Anchor: anchorHash(t, &signed)}},
		"unsigned, required":        {rec: unsigned, opt: opt},
		"unsigned, not required":    {rec: unsigned, opt: VerifyOptions{Signatures: testKeys{}}},
		"by edited, hash rewritten": {rec: signed, opt: opt, edit: func(r *Record) { r.Lock.By = "分管负责人乙"; r.Lock.Hash, _ = LockHash(r.Lock) }},
		"signature edited": {rec: signed, opt: opt, edit: func(r *Record) {
			r.Lock.Signature.Value = "AAAA" + r.Lock.Signature.Value[4:]
			r.Lock.Hash, _ = LockHash(r.Lock)
		}},
	} {
		t.Run(name, func(t *testing.T) {
			r := dtClone(t, &c.rec)
			if c.edit != nil {
				c.edit(&r)
			}
			want := VerifyWith(&r, vecPool(), pools, c.opt)
			got := VerifyPoolWith(&r, p, pools, c.opt)
			streamed := verifyBlockPool(&r, p, pools, c.opt)
			if want == nil {
				assert.NoError(t, got)
				assert.NoError(t, streamed)
				return
			}
			require.Error(t, got)
			require.Error(t, streamed)
			assert.Equal(t, want.Error(), got.Error())
			assert.Equal(t, want.Error(), streamed.Error())
		})
	}
	// The signed record is not accepted on a weaker check either way.
	require.NoError(t, VerifyPool(&signed, p, pools))
}
