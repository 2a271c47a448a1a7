package draw

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/internal/canon"
)

var srcUpdate = flag.Bool("update-sources", false, "rewrite testdata/drand/randomness-vector.json")

// srcCommit is the demo commit time: before the demo beacon's round.
var srcCommit = time.Date(2026, 9, 17, 15, 0, 0, 0, time.UTC)

// srcFixture returns one source of every kind with matching evidence.
func srcFixture(t testing.TB) ([]Source, []Evidence) {
	t.Helper()
	demo := srcDemoBeacon(t)
	secret := "4f1c0d7e9a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5"
	cst := time.FixedZone("CST", 8*3600)
	sources := []Source{
		{Kind: SourceDrand, Network: "quicknet", Round: demo.Round},
		{Kind: SourceLottery, Lottery: "福彩3D", Issue: "2026252", DrawAt: time.Date(2026, 9, 18, 21, 15, 0, 0, cst)},
		{Kind: SourceParticipant, Participant: "市场监管局纪检组", Commitment: ParticipantCommitment(secret)},
		{Kind: SourceManual, Note: "会议现场抽签口令"},
	}
	evidence := []Evidence{
		demo.Evidence(),
		{Numbers: []int64{0, 5, 3}},
		{Secret: secret},
		{Value: "双随机 2026-09"},
	}
	return sources, evidence
}

// srcVector is the published test vector for DRAW.md §2.
type srcVector struct {
	CommitTime time.Time  `json:"commit_time"`
	Sources    []Source   `json:"sources"`
	Evidence   []Evidence `json:"evidence"`
	InputsHex  []string   `json:"inputs_hex"`
	R          string     `json:"r"`
	Resistant  bool       `json:"manipulation_resistant"`
}

func TestDeriveRandomnessVector(t *testing.T) {
	sources, evidence := srcFixture(t)
	got, err := DeriveRandomness(srcCommit, sources, evidence)
	if err != nil {
		t.Fatal(err)
	}
	// Each canonical input, independently of DeriveRandomness.
	wantInputs := []string{
		srcDemoBeacon(t).Randomness,
		hex.EncodeToString([]byte("0.3.5./")),
		hex.EncodeToString([]byte(evidence[2].Secret)),
		hex.EncodeToString([]byte("双随机 2026-09")),
	}
	v := srcVector{CommitTime: srcCommit, Sources: sources, Evidence: evidence, R: hex.EncodeToString(got.R[:]), Resistant: got.ManipulationResistant}
	for i, in := range got.Inputs {
		v.InputsHex = append(v.InputsHex, hex.EncodeToString(in))
		if v.InputsHex[i] != wantInputs[i] {
			t.Errorf("input %d = %s, want %s", i+1, v.InputsHex[i], wantInputs[i])
		}
	}
	// R = SHA-256(lp(s1) || ... ) recomputed by hand.
	var buf []byte
	for _, in := range got.Inputs {
		buf = appendLP(buf, in)
	}
	if hex.EncodeToString(srcSum(buf)) != v.R {
		t.Errorf("R is not SHA-256 of the length-prefixed inputs")
	}
	if got.ManipulationResistant {
		t.Error("a manual source must clear ManipulationResistant")
	}
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, '\n')
	if _, err := canon.Marshal(v); err != nil {
		t.Fatalf("vector is not canonical-JSON-safe (floats?): %v", err)
	}
	const path = "testdata/drand/randomness-vector.json"
	if *srcUpdate {
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	golden, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(golden, out) {
		t.Errorf("%s differs from the computed vector (run with -update-sources after checking):\n%s", path, out)
	}
}

func TestDeriveRandomnessProperties(t *testing.T) {
	sources, evidence := srcFixture(t)
	all, err := DeriveRandomness(srcCommit, sources, evidence)
	if err != nil {
		t.Fatal(err)
	}
	noManual, err := DeriveRandomness(srcCommit, sources[:3], evidence[:3])
	if err != nil {
		t.Fatal(err)
	}
	if !noManual.ManipulationResistant {
		t.Error("drand+lottery+participant must be manipulation-resistant")
	}
	if noManual.R == all.R {
		t.Error("dropping a source did not change R")
	}
	swapped, err := DeriveRandomness(srcCommit,
		[]Source{sources[1], sources[0]}, []Evidence{evidence[1], evidence[0]})
	if err != nil {
		t.Fatal(err)
	}
	first2, _ := DeriveRandomness(srcCommit, sources[:2], evidence[:2])
	if swapped.R == first2.R {
		t.Error("declared order does not enter R")
	}
	// Lottery numbers are order-free (RFC 3797 sorts them).
	ev := append([]Evidence(nil), evidence...)
	ev[1] = Evidence{Numbers: []int64{5, 3, 0}}
	reordered, err := DeriveRandomness(srcCommit, sources, ev)
	if err != nil || reordered.R != all.R {
		t.Errorf("lottery number order changed R (err %v)", err)
	}
	// lp() keeps "ab"+"c" apart from "a"+"bc".
	m := func(vals ...string) [32]byte {
		var s []Source
		var e []Evidence
		for _, v := range vals {
			s = append(s, Source{Kind: SourceManual})
			e = append(e, Evidence{Value: v})
		}
		r, err := DeriveRandomness(srcCommit, s, e)
		if err != nil {
			t.Fatal(err)
		}
		return r.R
	}
	if m("ab", "c") == m("a", "bc") {
		t.Error("length prefixes missing: ab|c equals a|bc")
	}
}

func TestDeriveRandomnessRefuses(t *testing.T) {
	sources, evidence := srcFixture(t)
	demo := srcDemoBeacon(t)
	roundAt := Quicknet.RoundTime(demo.Round)
	with := func(i int, s Source) []Source {
		out := append([]Source(nil), sources...)
		out[i] = s
		return out
	}
	withEv := func(i int, e Evidence) []Evidence {
		out := append([]Evidence(nil), evidence...)
		out[i] = e
		return out
	}
	cases := []struct {
		name   string
		commit time.Time
		s      []Source
		e      []Evidence
		target error
		msg    string
	}{
		// Rules R15/R16, DRAW.md §1: randomness must not exist at commit.
		{"beacon round before commit", roundAt.Add(time.Second), sources, evidence, ErrSourceBeforeCommit, "source 1 (drand)"},
		{"beacon round at commit", roundAt, sources, evidence, ErrSourceBeforeCommit, "round 32285086 was emitted at 2026-09-17T15:23:42Z"},
		{"lottery drawn before commit", time.Date(2026, 9, 19, 0, 0, 0, 0, time.UTC),
			with(0, Source{Kind: SourceManual}), withEv(0, Evidence{Value: "x"}), ErrSourceBeforeCommit, "福彩3D issue 2026252"},
		{"lottery drawn at commit", sources[1].DrawAt, with(0, Source{Kind: SourceManual}), withEv(0, Evidence{Value: "x"}), ErrSourceBeforeCommit, "source 2 (lottery)"},
		{"lottery without draw time", srcCommit, with(1, Source{Kind: SourceLottery, Lottery: "福彩3D", Issue: "1"}), evidence, ErrBadSource, "draw_at is missing"},
		{"lottery without issue", srcCommit, with(1, Source{Kind: SourceLottery, Lottery: "福彩3D", DrawAt: sources[1].DrawAt}), evidence, ErrBadSource, "issue is missing"},
		{"bad reveal", srcCommit, sources, withEv(2, Evidence{Secret: "guess"}), ErrBadReveal, "source 3 (participant)"},
		{"malformed commitment", srcCommit, with(2, Source{Kind: SourceParticipant, Participant: "p", Commitment: strings.ToUpper(sources[2].Commitment)}), evidence, ErrBadSource, "lower-case"},
		{"bad beacon", srcCommit, sources, withEv(0, Evidence{Randomness: demo.Randomness, Signature: srcFlipHex(t, demo.Signature, 10, 1)}), ErrBadBeacon, "source 1"},
		{"wrong network", srcCommit, with(0, Source{Kind: SourceDrand, Network: "mainnet", Round: demo.Round}), evidence, ErrBadBeacon, "unknown drand network"},
		{"round zero", srcCommit, with(0, Source{Kind: SourceDrand}), evidence, ErrBadSource, "round 0"},
		{"round above 2^53", srcCommit, with(0, Source{Kind: SourceDrand, Round: 1<<53 + 1}), evidence, ErrBadSource, "out of range"},
		{"too few evidence", srcCommit, sources, evidence[:3], ErrEvidenceMismatch, "4 sources declared but 3"},
		{"too much evidence", srcCommit, sources[:3], evidence, ErrEvidenceMismatch, "3 sources declared but 4"},
		{"evidence shifted", srcCommit, sources, []Evidence{evidence[1], evidence[0], evidence[2], evidence[3]}, ErrEvidenceMismatch, "drand source carries numbers"},
		{"unknown kind", srcCommit, with(3, Source{Kind: "dice"}), evidence, ErrBadSource, `unknown kind "dice"`},
		{"no sources", srcCommit, nil, nil, ErrBadSource, "no randomness source"},
		{"fields of another kind", srcCommit, with(3, Source{Kind: SourceManual, Round: 5, Issue: "1"}), evidence, ErrBadSource, "a manual source must not set round, issue"},
		{"lottery without numbers", srcCommit, sources, withEv(1, Evidence{}), ErrBadNumbers, "no numbers"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DeriveRandomness(c.commit, c.s, c.e)
			if !errors.Is(err, c.target) {
				t.Fatalf("err = %v, want %v", err, c.target)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("err = %v, want it to mention %q", err, c.msg)
			}
		})
	}
}

func TestSourceJSON(t *testing.T) {
	sources, evidence := srcFixture(t)
	b, err := json.Marshal(sources)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(b, []byte(`"draw_at"`)) != 1 {
		t.Errorf("draw_at must appear only on the lottery source: %s", b)
	}
	back, err := DecodeSources(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	r1, err1 := DeriveRandomness(srcCommit, sources, evidence)
	r2, err2 := DeriveRandomness(srcCommit, back, evidence)
	if err1 != nil || err2 != nil || r1.R != r2.R {
		t.Errorf("JSON round trip changed the draw: %v %v", err1, err2)
	}
	for _, c := range []struct{ in, msg string }{
		{`[{"kind":"drand","round":1.5}]`, "round"},
		{`[{"kind":"drand","rnd":5}]`, "unknown field"},
		{`[{"kind":"manual"}] []`, "trailing"},
		{`{"kind":"manual"}`, "want a JSON array, got an object"}, // the JSON path and value (issue 15)
	} {
		if _, err := DecodeSources(strings.NewReader(c.in)); !errors.Is(err, ErrBadSource) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("DecodeSources(%s): err = %v, want ErrBadSource mentioning %q", c.in, err, c.msg)
		}
	}
	if _, err := DecodeEvidence(strings.NewReader(`[{"numbers":[1,2.5]}]`)); !errors.Is(err, ErrBadSource) {
		t.Errorf("float lottery number accepted: %v", err)
	}
}

func TestParticipantCommitment(t *testing.T) {
	// SHA-256("abc"), FIPS 180-2 appendix B.1.
	if got := ParticipantCommitment("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("ParticipantCommitment(abc) = %s", got)
	}
}

func FuzzDecodeSourcesEvidence(f *testing.F) {
	f.Add(`[{"kind":"manual"}]`, `[{"value":"x"}]`)
	f.Add(`[{"kind":"lottery","lottery":"福彩3D","issue":"1","draw_at":"2030-01-01T00:00:00Z"}]`, `[{"numbers":[3,1,2]}]`)
	f.Add(`[{"kind":"participant","participant":"p","commitment":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}]`, `[{"secret":"abc"}]`)
	f.Add(`[{"kind":"drand","round":32285086}]`, `[{"randomness":"13bfa6a42a5a93d0f642e8d4548c2a94ea71b39585f65fd2842e0484d58d5554","signature":"a64d99fd7fa3e48912be7209c7b69c72c88fc5224be2516949b6f29f3a4b7e3fa069dd58b2bbb4bf2c34ae61ef631a44"}]`)
	f.Fuzz(func(t *testing.T, srcJSON, evJSON string) {
		s, err := DecodeSources(strings.NewReader(srcJSON))
		if err != nil {
			if !errors.Is(err, ErrBadSource) {
				t.Fatalf("DecodeSources error without ErrBadSource: %v", err)
			}
			return
		}
		e, err := DecodeEvidence(strings.NewReader(evJSON))
		if err != nil {
			if !errors.Is(err, ErrBadSource) {
				t.Fatalf("DecodeEvidence error without ErrBadSource: %v", err)
			}
			return
		}
		r, err := DeriveRandomness(srcCommit, s, e)
		if err != nil {
			for _, k := range []error{ErrBadSource, ErrSourceBeforeCommit, ErrBadReveal, ErrBadBeacon, ErrEvidenceMismatch, ErrBadNumbers} {
				if errors.Is(err, k) {
					return
				}
			}
			t.Fatalf("error wraps no sentinel: %v", err)
		}
		if len(r.Inputs) != len(s) {
			t.Fatalf("%d inputs for %d sources", len(r.Inputs), len(s))
		}
		// Accepted sources must survive a JSON round trip unchanged.
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := DecodeSources(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("re-decoding %s: %v", b, err)
		}
		r2, err := DeriveRandomness(srcCommit, s2, e)
		if err != nil || r2.R != r.R {
			t.Fatalf("round trip changed R or failed: %v", err)
		}
	})
}

func ExampleDeriveRandomness() {
	commit := time.Date(2026, 9, 17, 15, 0, 0, 0, time.UTC)
	// The observer publishes SHA-256 of a secret before the commit and
	// reveals the secret after it. 32 random bytes in hex is a good secret.
	secret := "9d1c8e0f5b7a4e2d8c3f6a1b0e9d7c5a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c"
	sources := []Source{
		// drand quicknet round 32285086 is emitted at 2026-09-17T15:23:42Z.
		{Kind: SourceDrand, Network: "quicknet", Round: 32285086},
		{Kind: SourceParticipant, Participant: "observer", Commitment: ParticipantCommitment(secret)},
	}
	evidence := []Evidence{
		{
			Randomness: "13bfa6a42a5a93d0f642e8d4548c2a94ea71b39585f65fd2842e0484d58d5554",
			Signature:  "a64d99fd7fa3e48912be7209c7b69c72c88fc5224be2516949b6f29f3a4b7e3fa069dd58b2bbb4bf2c34ae61ef631a44",
		},
		{Secret: secret},
	}
	r, err := DeriveRandomness(commit, sources, evidence)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("R = %x\nmanipulation-resistant: %v\n", r.R, r.ManipulationResistant)

	// The same beacon is refused for a draw committed after it was emitted.
	_, err = DeriveRandomness(commit.Add(time.Hour), sources, evidence)
	fmt.Println(errors.Is(err, ErrSourceBeforeCommit))
	// Output:
	// R = b7db117e8b0ad8fdd99841abbd8005e461f07a43561d7c7f13ec17e2490863cf
	// manipulation-resistant: true
	// true
}

// BenchmarkDeriveRandomness covers one source of each kind, the drand
// pairing check dominating.
func BenchmarkDeriveRandomness(b *testing.B) {
	sources, evidence := srcFixture(b)
	for b.Loop() {
		if _, err := DeriveRandomness(srcCommit, sources, evidence); err != nil {
			b.Fatal(err)
		}
	}
}
