package draw

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/registry"
)

// dtClone deep-copies a record through its JSON form.
func dtClone(t testing.TB, r *Record) Record {
	t.Helper()
	b, err := MarshalRecord(r)
	if err != nil {
		t.Fatal(err)
	}
	c, err := DecodeRecord(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("DecodeRecord of a marshalled record: %v", err)
	}
	return c
}

// Rule R15: tampering with any selected label, rank, count, manifest field
// or source makes Verify fail and name the first difference.
func TestVerifyDetectsTampering(t *testing.T) {
	pool := dtPool(3000, 11)
	task := dtTask()
	task.Batches = 2
	base := dtRun(t, task, pool)
	if err := Verify(&base, pool, nil); err != nil {
		t.Fatal(err)
	}
	other := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		name   string
		tamper func(r *Record)
		path   string // expected VerifyError.Path
		msg    string // expected in the message
	}{
		{"selected label", func(r *Record) { r.Selected[3].Target = "91330106MA99999999" }, "selected[3].target", `record has "91330106MA99999999", recomputed "`},
		{"selected rank", func(r *Record) { r.Selected[3].Rank = other }, "selected[3].rank", "record has \"" + other},
		{"swapped order", func(r *Record) { r.Selected[0], r.Selected[1] = r.Selected[1], r.Selected[0] }, "selected[0].target", ""},
		{"dropped unit", func(r *Record) { r.Selected = r.Selected[:len(r.Selected)-1] }, "selected.length", ""},
		{"stratum count", func(r *Record) { r.Strata[1].Eligible++ }, "strata[1].eligible", ""},
		{"stratum quota", func(r *Record) { r.Strata[2].Quota-- }, "strata[2].quota", ""},
		{"exclusion count", func(r *Record) { r.Exclusions[0].Count++ }, "exclusions[0].count", ""},
		{"scope count", func(r *Record) { r.Scope-- }, "scope", "record has "},
		{"shortfall hidden", func(r *Record) { r.Shortfall = 0; r.Quota = len(r.Selected) + 1 }, "quota", ""},
		{"R", func(r *Record) { r.R = other }, "r", ""},
		{"K", func(r *Record) { r.K = other }, "k", ""},
		{"flag", func(r *Record) { r.ManipulationResistant = false }, "manipulation_resistant", "record has false, recomputed true"},
		{"batch", func(r *Record) { r.Batches[1].Targets[0] = r.Batches[0].Targets[0] }, "batches[1].targets[0]", ""},
		{"manifest ratio", func(r *Record) { r.Manifest.Quota.Ratios[0].Ratio = "0.5" }, "manifest_hash", "record has " + base.ManifestHash},
		{"manifest commit time", func(r *Record) { r.Manifest.CommitTime = r.Manifest.CommitTime.Add(-time.Hour) }, "manifest_hash", ""},
		{"manifest source", func(r *Record) { r.Manifest.Sources[0].Commitment = dtCommitment("other") }, "manifest_hash", ""},
		{"manifest hash rewritten too", func(r *Record) {
			r.Manifest.Quota.Ratios[0].Ratio = "0.5"
			r.ManifestHash, _ = r.Manifest.HashHex()
		}, "k", ""},
		{"pool commitment", func(r *Record) {
			r.Manifest.Targets.Count--
			r.ManifestHash, _ = r.Manifest.HashHex()
		}, "manifest.targets", "ErrPool"},
		{"evidence", func(r *Record) { r.Evidence[0].Secret = "guess" }, "evidence", "does not match its commitment"},
		{"source input", func(r *Record) { r.SourceInputs[0] = "00" }, "source_inputs[0]", ""},
		{"name", func(r *Record) { r.Selected[0].Name = "别的公司" }, "selected[0].name", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := dtClone(t, &base)
			tc.tamper(&r)
			err := Verify(&r, pool, nil)
			var ve *VerifyError
			if !errors.As(err, &ve) || !errors.Is(err, ErrMismatch) {
				t.Fatalf("Verify = %v, want a *VerifyError", err)
			}
			if ve.Path != tc.path {
				t.Fatalf("path %q, want %q (%v)", ve.Path, tc.path, err)
			}
			if tc.msg == "ErrPool" {
				if !errors.Is(err, ErrPoolMismatch) {
					t.Fatalf("%v does not wrap ErrPoolMismatch", err)
				}
			} else if !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("message %q lacks %q", err, tc.msg)
			}
		})
	}
}

// Tampering with the pool is detected through the commitment.
func TestVerifyDetectsPoolChange(t *testing.T) {
	pool := dtPool(500, 12)
	rec := dtRun(t, dtTask(), pool)
	for _, tc := range []struct {
		name   string
		change func(p []registry.Target) []registry.Target
	}{
		{"credit class", func(p []registry.Target) []registry.Target {
			i := idxIn(p)
			p[i].CreditClass = map[bool]string{true: "B", false: "C"}[p[i].CreditClass != "B"]
			return p
		}},
		{"status", func(p []registry.Target) []registry.Target { p[idxIn(p)].Status = registry.StatusRevoked; return p }},
		{"dropped unit", func(p []registry.Target) []registry.Target { i := idxIn(p); return slices.Delete(p, i, i+1) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.change(slices.Clone(pool))
			err := Verify(&rec, p, nil)
			if !errors.Is(err, ErrPoolMismatch) || !strings.Contains(err.Error(), "manifest.targets") {
				t.Fatalf("Verify = %v", err)
			}
		})
	}
	// A unit outside the scope may change: it is not committed.
	p := slices.Clone(pool)
	for i := range p {
		if p[i].Jurisdiction != "330106" {
			p[i].CreditClass = "A"
			break
		}
	}
	if err := Verify(&rec, p, nil); err != nil {
		t.Fatalf("change outside the scope: %v", err)
	}
}

func idxIn(p []registry.Target) int {
	for i := range p {
		if p[i].Jurisdiction == "330106" {
			return i
		}
	}
	return -1
}

// Rule R16: a locked record yields the announcement and cannot change
// except by replacements; locking twice is refused.
func TestLock(t *testing.T) {
	pool := dtPool(400, 13)
	rec := dtRun(t, dtTask(), pool)
	at := dtCommit.Add(48 * time.Hour)
	locked, ann, err := Lock(rec, at, "科长张三")
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(&locked, pool, nil); err != nil {
		t.Fatalf("Verify locked: %v", err)
	}
	if ann.Count != len(rec.Selected) || ann.Targets[0].ID != rec.Selected[0].Target || ann.Targets[0].Name == "" ||
		ann.ManifestHash != rec.ManifestHash || ann.RecordHash != locked.Lock.RecordHash || ann.TaskID != "T-2026-001" || !ann.Directed {
		t.Errorf("announcement %+v", ann)
	}
	if _, _, err := Lock(locked, at, "科长张三"); !errors.Is(err, ErrLocked) {
		t.Errorf("second lock: %v", err)
	}
	if _, _, err := Lock(rec, dtCommit.Add(-time.Second), "x"); !errors.Is(err, ErrInvalidTask) {
		t.Errorf("lock before commit: %v", err)
	}
	r := dtClone(t, &locked)
	r.Lock.RecordHash = strings.Repeat("0", 64)
	if err := Verify(&r, pool, nil); err == nil || !strings.Contains(err.Error(), "lock.record_hash") {
		t.Errorf("tampered lock hash: %v", err)
	}
}

func TestDecodeRecordRefusesNonCanonical(t *testing.T) {
	rec := dtRun(t, dtTask(), dtPool(100, 1))
	b, _ := MarshalRecord(&rec)
	for _, tc := range []struct{ name, from, to string }{
		{"float", `"scope": `, `"scope": 1.5, "x": `},
		{"unknown field", `"format"`, `"extra": 1, "format"`},
		{"explicit empty list", `"sources": [`, `"exclusions": [], "sources": [`},
		{"non-UTC time", `"commit_time": "2026-03-02T01:00:00Z"`, `"commit_time": "2026-03-02T09:00:00+08:00"`},
	} {
		s := strings.Replace(string(b), tc.from, tc.to, 1)
		if s == string(b) {
			t.Fatalf("%s: pattern %q not found", tc.name, tc.from)
		}
		if _, err := DecodeRecord(strings.NewReader(s)); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	tgt, err := NewTargeted("91330106MA00000001", TargetedComplaint, "12315-2026-0001", []string{"SC-01"}, "市场监管", dtCommit, "李四")
	if err != nil || tgt.Type != TargetedType {
		t.Fatalf("NewTargeted: %v", err)
	}
	if _, err := NewTargeted("X", "random", "b", []string{"i"}, "d", dtCommit, "p"); !errors.Is(err, ErrInvalidTargeted) {
		t.Errorf("targeted with a non-R13 reason: %v", err)
	}
}

func FuzzDecodeRecord(f *testing.F) {
	rec := dtRun(f, dtTask(), dtPool(30, 1))
	b, _ := MarshalRecord(&rec)
	f.Add(b)
	f.Add([]byte(`{"format":"ssj-v1.1-record"}`))
	f.Add([]byte(`not json`))
	fuzzAddFiles(f, "testdata/joint/record.json", "testdata/uplift/record.json") // R20 seat items, R12 uplift
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := DecodeRecord(bytes.NewReader(data))
		if err != nil {
			return
		}
		// A decoded record re-encodes to the same canonical form.
		out, err := MarshalRecord(&r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := DecodeRecord(bytes.NewReader(out)); err != nil {
			t.Fatalf("re-decode: %v", err)
		}
	})
}

func FuzzDecodeManifest(f *testing.F) {
	m, err := Commit(dtTask(), dtPool(30, 1), nil)
	if err != nil {
		f.Fatal(err)
	}
	b, _ := MarshalManifest(&m)
	f.Add(b)
	f.Add([]byte(`{"algorithm":"ssj-v1"}`))
	fuzzAddFiles(f, "testdata/joint/manifest.json", "testdata/uplift/manifest.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeManifest(bytes.NewReader(data))
		if err != nil {
			return
		}
		out, err := MarshalManifest(&m)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := DecodeManifest(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		h1, _ := m.Hash()
		h2, _ := m2.Hash()
		if h1 != h2 {
			t.Fatal("hash changed after a round trip")
		}
	})
}

// fuzzAddFiles adds the named files as seeds.
func fuzzAddFiles(f *testing.F, names ...string) {
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzDecodeTask(f *testing.F) {
	f.Add([]byte(`{"id":"T","name":"n","items":["i"],"scope":{},"quota":{"default_ratio":"0.1","rounding":"","base":""},"sources":[],"commit_time":"2026-01-01T00:00:00Z"}`))
	fuzzAddFiles(f, "testdata/joint/task.json", "testdata/uplift/task.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		task, err := DecodeTask(bytes.NewReader(data))
		if err != nil {
			return
		}
		_, _ = Commit(task, dtPool(5, 1), nil) // must not panic
	})
}
