package registry

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestProveVerifyAllIndexes(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 8, 9, 100} {
		ts := genTargets(n, uint64(n))
		c, err := CommitTargets(ts)
		if err != nil {
			t.Fatal(err)
		}
		for k, tg := range sortedTargets(ts) {
			p, err := ProveTarget(ts, tg.ID)
			if err != nil {
				t.Fatal(err)
			}
			if p.Index != k || p.Size != n {
				t.Fatalf("n=%d: index %d size %d, want %d %d", n, p.Index, p.Size, k, n)
			}
			if err := VerifyProofAgainst(p, c); err != nil {
				t.Fatalf("n=%d id %s: %v", n, tg.ID, err)
			}
		}
	}
}

func TestProofInspectorJSONRoundTrip(t *testing.T) {
	ins := sampleInspectors()
	p, err := ProveInspector(ins, ins[1].Cert)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	var q Proof
	if err := json.Unmarshal(data, &q); err != nil {
		t.Fatal(err)
	}
	if err := VerifyProof(q); err != nil {
		t.Fatalf("indented proof does not verify: %v\n%s", err, data)
	}
	// Hash-only proof: the leaf may be withheld.
	q.Leaf = nil
	if err := VerifyProof(q); err != nil {
		t.Fatal(err)
	}
}

func TestProofTampered(t *testing.T) {
	ts := genTargets(20, 3)
	id := sortedTargets(ts)[5].ID
	good, err := ProveTarget(ts, id)
	if err != nil {
		t.Fatal(err)
	}
	other := sortedTargets(ts)[6].ID
	cases := []struct {
		name string
		f    func(*Proof)
	}{
		{"leaf field", func(p *Proof) {
			p.Leaf = json.RawMessage(strings.Replace(string(p.Leaf), `"abnormal":false`, `"abnormal":true`, 1))
		}},
		{"leaf hash only changed", func(p *Proof) { p.Leaf = nil; p.LeafHash = strings.Repeat("0", 64) }},
		{"index", func(p *Proof) { p.Index++ }},
		{"size beyond index range", func(p *Proof) { p.Size = p.Index }},
		{"root", func(p *Proof) { p.Root = strings.Repeat("a", 64) }},
		{"path", func(p *Proof) { p.Path[0] = strings.Repeat("b", 64) }},
		{"short path", func(p *Proof) { p.Path = p.Path[1:] }},
		{"id", func(p *Proof) { p.ID = other }},
		{"pool", func(p *Proof) { p.Pool = PoolInspectors }},
		{"no leaf", func(p *Proof) { p.Leaf, p.LeafHash = nil, "" }},
		{"upper hex", func(p *Proof) { p.Root = strings.ToUpper(p.Root) }},
		{"bad json leaf", func(p *Proof) { p.Leaf = json.RawMessage(`[1,2`) }},
	}
	for _, c := range cases {
		p := good
		p.Path = append([]string(nil), good.Path...)
		c.f(&p)
		if err := VerifyProof(p); !errors.Is(err, ErrProofFailed) {
			t.Errorf("%s: error %v, want ErrProofFailed", c.name, err)
		}
	}
	// A proof's size is authenticated by the published commitment, not by
	// the path (sizes 20 and 21 share the path shape of index 5).
	grown := good
	grown.Size++
	if err := VerifyProofAgainst(grown, good.Commitment()); !errors.Is(err, ErrProofFailed) {
		t.Errorf("size changed: %v", err)
	}
	if _, err := ProveTarget(ts, "nope"); !errors.Is(err, ErrUnknownID) {
		t.Errorf("absent ID: %v", err)
	}
	if err := VerifyProofAgainst(good, Commitment{Count: 20, Root: strings.Repeat("0", 64)}); !errors.Is(err, ErrProofFailed) {
		t.Errorf("wrong commitment accepted: %v", err)
	}
}

func TestCommitDuplicate(t *testing.T) {
	ts := genTargets(10, 1)
	ts[3].ID = ts[7].ID
	if _, err := CommitTargets(ts); !errors.Is(err, ErrDuplicateID) {
		t.Fatalf("error %v", err)
	}
}

// Input order does not matter (leaves are sorted by label).
func TestCommitOrderIndependent(t *testing.T) {
	a := genTargets(6000, 9) // above the parallel threshold
	b := sortedTargets(a)
	ca, err := CommitTargets(a)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := CommitTargets(b)
	if err != nil {
		t.Fatal(err)
	}
	if ca != cb {
		t.Fatalf("%v != %v", ca, cb)
	}
}
