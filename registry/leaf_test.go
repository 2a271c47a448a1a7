package registry

import (
	"bytes"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/internal/canon"
	"github.com/shuangsuiji/ssj/internal/merkle"
)

// canonTargetLeaf is the reference definition of a target's leaf: canonical
// JSON (RFC 8785) via canon.Marshal. AppendTargetLeaf must produce the same
// bytes.
func canonTargetLeaf(t Target) ([]byte, error) {
	deps := t.Departments
	if deps == nil {
		deps = []string{}
	}
	return canon.Marshal(struct {
		ID               string   `json:"id"`
		Kind             Kind     `json:"kind"`
		Jurisdiction     string   `json:"jurisdiction"`
		Industry         string   `json:"industry"`
		CreditClass      string   `json:"credit_class"`
		Abnormal         bool     `json:"abnormal"`
		SeriousViolation bool     `json:"serious_violation"`
		Complaints       int      `json:"complaints"`
		Status           Status   `json:"status"`
		Departments      []string `json:"departments"`
	}{t.ID, t.Kind, t.Jurisdiction, t.Industry, t.CreditClass, t.Abnormal,
		t.SeriousViolation, t.Complaints, t.Status, deps})
}

// canonInspectorLeaf is the reference definition of an inspector's leaf.
func canonInspectorLeaf(in Inspector) ([]byte, error) {
	type period struct {
		From   string `json:"from"`
		To     string `json:"to"`
		Reason string `json:"reason"`
	}
	ps := make([]period, len(in.Unavailable))
	for i, p := range in.Unavailable {
		ps[i] = period{p.From.UTC().Format(timeLayout), p.To.UTC().Format(timeLayout), p.Reason}
	}
	quals := in.Qualifications
	if quals == nil {
		quals = []string{}
	}
	ints := in.Interests
	if ints == nil {
		ints = []Interest{}
	}
	return canon.Marshal(struct {
		Cert           string     `json:"cert"`
		Department     string     `json:"department"`
		Unit           string     `json:"unit"`
		Jurisdiction   string     `json:"jurisdiction"`
		Qualifications []string   `json:"qualifications"`
		LeaderEligible bool       `json:"leader_eligible"`
		Unavailable    []period   `json:"unavailable"`
		Interests      []Interest `json:"interests"`
		Active         bool       `json:"active"`
	}{in.Cert, in.Department, in.Unit, in.Jurisdiction, quals, in.LeaderEligible, ps, ints, in.Active})
}

func TestTargetLeafMatchesCanon(t *testing.T) {
	cases := []Target{
		{},
		{ID: "914403001922038216", Name: "华为技术有限公司", Kind: KindEntity, Jurisdiction: "440307", Industry: "I65",
			CreditClass: "A", Complaints: 3, Status: StatusActive, Departments: []string{"治安", "网警"}},
		{ID: "x\"\\\b\f\n\r\t\x00\x1f\x7f</>&\u2028\u2029", Kind: "k\xff\xfe", Industry: "\xed\xa0\x80", // invalid UTF-8 and a surrogate
			CreditClass: "😀", Abnormal: true, SeriousViolation: true, Complaints: -7, Status: "s", Departments: []string{}},
		{ID: "e", Departments: []string{"", "\u0000", "中"}},
	}
	if strconv.IntSize == 64 {
		// The ±2^53 boundary of canonical JSON integers is reachable only
		// where int has 64 bits; the values are built at run time so that
		// the file still compiles for 32-bit targets.
		safe := int64(1) << 53
		cases = append(cases,
			Target{ID: "a", Complaints: int(safe)}, Target{ID: "b", Complaints: int(-safe)},
			Target{ID: "c", Complaints: int(safe + 1)}, Target{ID: "d", Complaints: int(-safe - 1)})
	}
	for i, c := range cases {
		want, werr := canonTargetLeaf(c)
		got, gerr := TargetLeaf(c)
		if (werr != nil) != (gerr != nil) {
			t.Fatalf("case %d: canon error %v, appender error %v", i, werr, gerr)
		}
		if werr != nil {
			if !errors.Is(gerr, canon.ErrFloat) {
				t.Errorf("case %d: error %v does not wrap canon.ErrFloat", i, gerr)
			}
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func TestInspectorLeafMatchesCanon(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	cases := []Inspector{
		{},
		{Cert: "44010312345", Name: "张三", Department: "治安", Unit: "越秀分局治安大队", Jurisdiction: "440104",
			Qualifications: []string{"ZA-01", "ZA-02"}, LeaderEligible: true, Active: true,
			Unavailable: []Period{{From: time.Date(2026, 3, 1, 0, 0, 0, 0, cst), To: time.Date(2026, 3, 15, 0, 0, 0, 500, cst), Reason: "年假"}},
			Interests:   []Interest{{TargetID: "914403001922038216", Relation: RelationKin}, {TargetID: "q\"", Relation: "r\n"}}},
		{Cert: "\xff", Unit: "\t", Unavailable: []Period{{}, {From: time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(12000, 1, 1, 0, 0, 0, 0, cst)}}},
	}
	for i, c := range cases {
		want, err := canonInspectorLeaf(c)
		if err != nil {
			t.Fatalf("case %d: canon: %v", i, err)
		}
		got, err := InspectorLeaf(c)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// TestLeafGolden pins the leaf bytes of a target: they are a published
// format (DRAW.md §1), so any change is a breaking change.
func TestLeafGolden(t *testing.T) {
	got, err := TargetLeaf(Target{ID: "914403001922038216", Name: "not in leaf", Kind: KindEntity, Jurisdiction: "440103",
		Industry: "旅馆业", CreditClass: "A", Status: StatusActive, Departments: []string{"治安"}})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"abnormal":false,"complaints":0,"credit_class":"A","departments":["治安"],"id":"914403001922038216","industry":"旅馆业","jurisdiction":"440103","kind":"entity","serious_violation":false,"status":"active"}`
	if string(got) != want {
		t.Errorf("leaf\n got %s\nwant %s", got, want)
	}
}

func FuzzTargetLeaf(f *testing.F) {
	f.Add("914403001922038216", "entity", "440103", "旅馆业", "A", true, false, int64(3), "active", "治安", "网警")
	f.Add("\xff\"\\\n", "\u2028", "<>&", "\x00", "", false, true, int64(-1), "", "", "\xed\xa0\x80")
	f.Add("a", "b", "c", "d", "e", false, false, int64(1<<53+1), "f", "g", "h")
	f.Fuzz(func(t *testing.T, id, kind, jur, ind, class string, ab, sv bool, comp int64, st, d1, d2 string) {
		tg := Target{ID: id, Kind: Kind(kind), Jurisdiction: jur, Industry: ind, CreditClass: class, Abnormal: ab,
			SeriousViolation: sv, Complaints: int(comp), Status: Status(st), Departments: []string{d1, d2}}
		want, werr := canonTargetLeaf(tg)
		got, gerr := TargetLeaf(tg)
		if (werr != nil) != (gerr != nil) {
			t.Fatalf("canon error %v, appender error %v", werr, gerr)
		}
		if werr == nil && !bytes.Equal(got, want) {
			t.Fatalf("\n got %q\nwant %q", got, want)
		}
	})
}

func FuzzInspectorLeaf(f *testing.F) {
	f.Add("44010312345", "治安", "大队", "440104", "ZA-01", true, int64(1772294400), int64(1773504000), 0, "年假", "9144", "kin", true)
	f.Add("\xff", "\x01", "\"", "", "\\", false, int64(-62135596800), int64(253402300800), 999999999, "\u2029", "", "", false)
	f.Fuzz(func(t *testing.T, cert, dep, unit, jur, q string, leader bool, from, to int64, nsec int, reason, tid, rel string, active bool) {
		in := Inspector{Cert: cert, Department: dep, Unit: unit, Jurisdiction: jur, Qualifications: []string{q},
			LeaderEligible: leader, Active: active,
			Unavailable: []Period{{From: time.Unix(from, int64(nsec)), To: time.Unix(to, 0).In(time.FixedZone("X", 3600)), Reason: reason}},
			Interests:   []Interest{{TargetID: tid, Relation: Relation(rel)}}}
		want, werr := canonInspectorLeaf(in)
		got, gerr := InspectorLeaf(in)
		if (werr != nil) != (gerr != nil) {
			t.Fatalf("canon error %v, appender error %v", werr, gerr)
		}
		if werr == nil && !bytes.Equal(got, want) {
			t.Fatalf("\n got %q\nwant %q", got, want)
		}
	})
}

// TestCommitLeafHash checks the parallel commit path against the reference
// construction: merkle.LeafHash over canon.Marshal leaves, sorted by ID.
func TestCommitMatchesReference(t *testing.T) {
	ts := genTargets(5000, 1)
	got, err := CommitTargets(ts)
	if err != nil {
		t.Fatal(err)
	}
	sorted := sortedTargets(ts)
	leaves := make([][]byte, len(sorted))
	for i, tg := range sorted {
		if leaves[i], err = canonTargetLeaf(tg); err != nil {
			t.Fatal(err)
		}
	}
	r := merkle.Root(leaves)
	if got.Count != len(ts) || got.Root != hexOf(r) {
		t.Fatalf("commit %+v, reference root %x", got, r)
	}
}

// The commit path hashes leaves as SHA-256(0x00 || leaf) itself; check it
// against the RFC 6962 empty-leaf vector and merkle.LeafHash.
func TestLeafHashRFC6962(t *testing.T) {
	ts := []Target{{ID: "a"}}
	ls, err := buildLeafSet(ts, nil, targetLabel, func(dst []byte, _ *Target) ([]byte, error) { return dst, nil })
	if err != nil {
		t.Fatal(err)
	}
	// RFC 6962 test vectors: the hash of the empty leaf.
	if got := hexOf(ls.hashes[0]); got != "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d" {
		t.Fatalf("empty leaf hash %s", got)
	}
	leaf, _ := TargetLeaf(validTarget())
	ls, err = buildLeafSet([]Target{validTarget()}, nil, targetLabel, AppendTargetLeaf)
	if err != nil || ls.hashes[0] != merkle.LeafHash(leaf) {
		t.Fatalf("leaf hash differs from merkle.LeafHash: %v", err)
	}
}

func TestParallelRoot(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 5, 1 << 16, 1<<16 + 1, 100_000, 1 << 17} {
		hs := make([]merkle.Hash, n)
		for i := range hs {
			hs[i][0], hs[i][1], hs[i][2] = byte(i), byte(i>>8), byte(i>>16)
		}
		want := merkle.RootFromLeafHashes(hs)
		if parallelRootInPlace(hs) != want {
			t.Fatalf("n=%d: parallel root differs", n)
		}
	}
}
