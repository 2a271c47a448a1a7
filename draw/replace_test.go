package draw

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/registry"
)

var replAt = time.Date(2026, 6, 3, 10, 30, 0, 0, time.FixedZone("CST", 8*3600))

// replFixture is a joint task with enough inspectors for several
// replacements.
func replFixture() (Key, []string, []registry.Inspector, MatchSpec) {
	spec := matchSpecBase()
	spec.TeamSize = 3
	spec.ParticipatingDepartments = []string{"HEALTH"}
	var pool []registry.Inspector
	for i := range 8 {
		pool = append(pool, matchIns(fmt.Sprintf("S%02d", i), "SAMR", i%2 == 0))
		pool = append(pool, matchIns(fmt.Sprintf("H%02d", i), "HEALTH", false))
	}
	return matchKey(11), []string{"T1", "T2", "T3"}, pool, spec
}

func replReq(target, cert string, reason ReplaceReason) ReplacementRequest {
	return ReplacementRequest{Target: target, Inspector: cert, Reason: reason, Approver: "王副局长", At: replAt}
}

// TestReplaceEachReason replaces every seat kind under each R18 reason and
// checks the newcomer rules, the chain and VerifyMatching. Rule R18.
func TestReplaceEachReason(t *testing.T) {
	k, targets, pool, spec := replFixture()
	groups, err := Match(k, targets, pool, nil, spec)
	if err != nil {
		t.Fatal(err)
	}
	byCert := map[string]registry.Inspector{}
	for _, in := range pool {
		byCert[in.Cert] = in
	}
	var reps []Replacement
	cur := groups
	for i, reason := range []ReplaceReason{ReplaceChangedPost, ReplaceWorkConflict, ReplaceHealth, ReplaceRecusal} {
		t.Run(string(reason), func(t *testing.T) {
			g := cur[i%len(cur)]
			seat := i % len(g.Seats)
			leaving := g.Seats[seat]
			rep, next, err := ApplyReplacement(k, pool, nil, spec, groups, reps, replReq(g.Target, leaving.Cert, reason))
			if err != nil {
				t.Fatal(err)
			}
			nc := rep.Newcomer
			in := byCert[nc.Cert]
			if rep.Seq != len(reps)+1 || rep.SeatIndex != seat || rep.Reason != reason || rep.Leaving != leaving.Cert {
				t.Fatalf("replacement %+v", rep)
			}
			if nc.Cert == leaving.Cert || slices.ContainsFunc(g.Seats, func(s Seat) bool { return s.Cert == nc.Cert }) {
				t.Fatalf("newcomer %s was already in the group %v", nc.Cert, g.Seats)
			}
			if nc.Kind != leaving.Kind || nc.Role != leaving.Role || nc.SeatDepartment != leaving.SeatDepartment {
				t.Fatalf("newcomer seat %+v does not keep the seat %+v", nc, leaving)
			}
			switch leaving.Kind {
			case SeatLeader:
				if in.Department != "SAMR" || !in.LeaderEligible {
					t.Fatalf("leader seat went to %+v", in)
				}
			case SeatDepartment:
				if in.Department != leaving.SeatDepartment {
					t.Fatalf("department seat went to %+v", in)
				}
			}
			wantPrev, _ := GroupsHash(groups)
			if len(reps) > 0 {
				wantPrev = reps[len(reps)-1].Hash
			}
			if rep.PrevHash != wantPrev {
				t.Fatalf("prev_hash %s, want %s", rep.PrevHash, wantPrev)
			}
			if sh, _ := GroupsHash(next); rep.StateHash != sh {
				t.Fatalf("state_hash does not hash the returned groups")
			}
			reps = append(reps, rep)
			cur = next
			if err := VerifyMatching(k, targets, pool, nil, spec, groups, reps); err != nil {
				t.Fatalf("verify: %v", err)
			}
			if cg, err := CurrentGroups(groups, reps); err != nil || !reflect.DeepEqual(cg, cur) {
				t.Fatalf("CurrentGroups = %v, %v; want the groups ApplyReplacement returned", cg, err)
			}
		})
	}
}

// TestReplaceRefused checks that requests R18 does not allow are refused.
func TestReplaceRefused(t *testing.T) {
	k, targets, pool, spec := replFixture()
	groups, err := Match(k, targets, pool, nil, spec)
	if err != nil {
		t.Fatal(err)
	}
	seated := groups[0].Seats[1].Cert
	tests := []struct {
		name string
		mod  func(*ReplacementRequest)
		want string
	}{
		{"missing approver", func(r *ReplacementRequest) { r.Approver = "" }, "approver is required"},
		{"blank approver", func(r *ReplacementRequest) { r.Approver = "  " }, "approver is required"},
		{"missing time", func(r *ReplacementRequest) { r.At = time.Time{} }, "approval time is required"},
		{"other reason", func(r *ReplacementRequest) { r.Reason = "vacation" }, `reason "vacation"`},
		{"unknown target", func(r *ReplacementRequest) { r.Target = "T9" }, `target "T9" has no group`},
		{"not seated", func(r *ReplacementRequest) { r.Inspector = "ZZ" }, `inspector "ZZ" holds no seat at target "T1"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := replReq("T1", seated, ReplaceHealth)
			tc.mod(&req)
			_, _, err := ApplyReplacement(k, pool, nil, spec, groups, nil, req)
			if !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrInvalidRequest containing %q", err, tc.want)
			}
		})
	}
}

// TestReplaceRecusalExcludes: an inspector who discovers an interest after
// assignment leaves with reason recusal and never comes back to that
// target, even when later replacements exhaust the others. Rules R18, R19.
func TestReplaceRecusalExcludes(t *testing.T) {
	spec := matchSpecBase()
	pool := []registry.Inspector{matchIns("C1", "SAMR", true), matchIns("C2", "SAMR", true),
		matchIns("C3", "SAMR", false), matchIns("C4", "SAMR", false)}
	k := matchKey(21)
	groups, err := Match(k, []string{"T1"}, pool, nil, spec)
	if err != nil {
		t.Fatal(err)
	}
	member := groups[0].Seats[1].Cert
	req := replReq("T1", member, ReplaceRecusal)
	req.Note = "spouse is the target's legal representative"
	r1, cur, err := ApplyReplacement(k, pool, nil, spec, groups, nil, req)
	if err != nil {
		t.Fatal(err)
	}
	// Replace the newcomer: the only one left is the leader-eligible
	// inspector not leading; the recused member must not return.
	r2, cur, err := ApplyReplacement(k, pool, nil, spec, groups, []Replacement{r1}, replReq("T1", cur[0].Seats[1].Cert, ReplaceHealth))
	if err != nil {
		t.Fatal(err)
	}
	if r2.Newcomer.Cert == member || r2.Newcomer.Cert == r1.Newcomer.Cert {
		t.Fatalf("a departed inspector came back: %s", r2.Newcomer.Cert)
	}
	// Nobody is left for a third replacement of the member seat.
	_, _, err = ApplyReplacement(k, pool, nil, spec, groups, []Replacement{r1, r2}, replReq("T1", cur[0].Seats[1].Cert, ReplaceWorkConflict))
	var se *SeatError
	if !errors.As(err, &se) || se.Seat != "member 2" || !reflect.DeepEqual(se.Home, []ReasonCount{{ExclDeparted, 3}, {ExclSeated, 1}}) {
		t.Fatalf("err = %v, want member 2 unfillable with departed 3, seated 1", err)
	}
}

// TestReplaceProperties applies random replacement sequences to random
// matchings: a newcomer is never someone who left that target, never
// conflicted, never already in the group; caps hold; the chain verifies.
func TestReplaceProperties(t *testing.T) {
	done := 0
	for seed := range uint64(30) {
		sc := matchRandomScenario(seed)
		k := matchKey(byte(seed))
		groups, err := Match(k, sc.targets, sc.home, sc.fallback, sc.spec)
		if err != nil {
			continue
		}
		rng := rand.New(rand.NewPCG(seed, 5))
		reasons := []ReplaceReason{ReplaceChangedPost, ReplaceWorkConflict, ReplaceHealth, ReplaceRecusal}
		left := map[string]map[string]bool{}
		var reps []Replacement
		cur := groups
		for range 15 {
			g := cur[rng.IntN(len(cur))]
			s := g.Seats[rng.IntN(len(g.Seats))]
			rep, next, err := ApplyReplacement(k, sc.home, sc.fallback, sc.spec, groups, reps, replReq(g.Target, s.Cert, reasons[rng.IntN(4)]))
			var se *SeatError
			if errors.As(err, &se) {
				continue // nobody left for that seat: refused, state unchanged
			}
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			if left[g.Target] == nil {
				left[g.Target] = map[string]bool{}
			}
			left[g.Target][s.Cert] = true
			if left[g.Target][rep.Newcomer.Cert] {
				t.Fatalf("seed %d: %s came back to %s", seed, rep.Newcomer.Cert, g.Target)
			}
			reps, cur = append(reps, rep), next
			matchCheckInvariants(t, fmt.Sprint("seed ", seed, " after replacement ", rep.Seq), sc, cur)
		}
		if err := VerifyMatching(k, sc.targets, sc.home, sc.fallback, sc.spec, groups, reps); err != nil {
			t.Fatalf("seed %d: verify: %v", seed, err)
		}
		if len(reps) > 0 {
			done++
		}
	}
	if done < 15 {
		t.Fatalf("only %d scenarios had replacements", done)
	}
}

// TestVerifyMatchingTamper changes one published value at a time and
// checks that VerifyMatching names exactly that place.
func TestVerifyMatchingTamper(t *testing.T) {
	k, targets, pool, spec := replFixture()
	groups, err := Match(k, targets, pool, nil, spec)
	if err != nil {
		t.Fatal(err)
	}
	var reps []Replacement
	for _, rq := range []ReplacementRequest{replReq("T1", groups[0].Seats[0].Cert, ReplaceHealth), replReq("T2", groups[1].Seats[2].Cert, ReplaceChangedPost)} {
		r, _, err := ApplyReplacement(k, pool, nil, spec, groups, reps, rq)
		if err != nil {
			t.Fatal(err)
		}
		reps = append(reps, r)
	}
	if err := VerifyMatching(k, targets, pool, nil, spec, groups, reps); err != nil {
		t.Fatalf("untouched record: %v", err)
	}
	other := groups[2].Seats[1].Cert
	tests := []struct {
		name string
		mod  func(g []Group, r []Replacement) []Group
		path string
	}{
		{"seat cert", func(g []Group, r []Replacement) []Group { g[1].Seats[1].Cert = other; return g }, "groups[1].seats[1].cert"},
		{"role", func(g []Group, r []Replacement) []Group {
			g[0].Seats[0].Role, g[0].Seats[1].Role = RoleMember, RoleLeader
			return g
		}, "groups[0].seats[0].role"},
		{"rank", func(g []Group, r []Replacement) []Group { g[2].Seats[2].Rank = strings.Repeat("0", 64); return g }, "groups[2].seats[2].rank"},
		{"from fallback", func(g []Group, r []Replacement) []Group { g[2].Seats[0].FromFallback = true; return g }, "groups[2].seats[0].from_fallback"},
		{"group order", func(g []Group, r []Replacement) []Group { g[0], g[1] = g[1], g[0]; return g }, "groups[0].target"},
		{"dropped seat", func(g []Group, r []Replacement) []Group { g[1].Seats = g[1].Seats[:2]; return g }, "groups[1].seats (count)"},
		{"dropped group", func(g []Group, r []Replacement) []Group { return g[:2] }, "groups (count)"},
		{"exclusion count", func(g []Group, r []Replacement) []Group {
			g[0].Exclusions = append(g[0].Exclusions, ReasonCount{ExclCap, 1})
			return g
		}, "groups[0].exclusions (count)"},
		{"eligible", func(g []Group, r []Replacement) []Group { g[0].Eligible++; return g }, "groups[0].eligible"},
		{"newcomer", func(g []Group, r []Replacement) []Group { r[0].Newcomer.Cert = other; return g }, "replacements[0].newcomer.cert"},
		{"newcomer rank", func(g []Group, r []Replacement) []Group { r[1].Newcomer.Rank = strings.Repeat("f", 64); return g }, "replacements[1].newcomer.rank"},
		{"approver", func(g []Group, r []Replacement) []Group { r[0].Approver = "someone else"; return g }, "replacements[0].hash"},
		{"reason", func(g []Group, r []Replacement) []Group { r[1].Reason = ReplaceRecusal; return g }, "replacements[1].hash"},
		{"time", func(g []Group, r []Replacement) []Group { r[1].At = r[1].At.Add(time.Second); return g }, "replacements[1].hash"},
		{"prev hash", func(g []Group, r []Replacement) []Group { r[1].PrevHash = r[0].PrevHash; return g }, "replacements[1].prev_hash"},
		{"state hash", func(g []Group, r []Replacement) []Group { r[0].StateHash = r[1].StateHash; return g }, "replacements[0].state_hash"},
		{"seq", func(g []Group, r []Replacement) []Group { r[1].Seq = 5; return g }, "replacements[1].seq"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := replCloneGroups(groups)
			r := slices.Clone(reps)
			g = tc.mod(g, r)
			err := VerifyMatching(k, targets, pool, nil, spec, g, r)
			var d *MatchDiffError
			if !errors.As(err, &d) || d.Path != tc.path {
				t.Fatalf("err = %v, want a difference at %s", err, tc.path)
			}
			if d.Want == d.Got {
				t.Fatalf("difference reports equal values: %v", d)
			}
		})
	}
	// A leaving inspector who did not hold the seat is reported too.
	r := slices.Clone(reps)
	r[1].Leaving = other
	if err := VerifyMatching(k, targets, pool, nil, spec, groups, r); !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), "replacements[1]") {
		t.Fatalf("forged leaving inspector: err = %v", err)
	}
	// CurrentGroups checks the chain without the pools.
	r = slices.Clone(reps)
	r[0].Newcomer.Cert = other
	var d *MatchDiffError
	if _, err := CurrentGroups(groups, r); !errors.As(err, &d) || d.Path != "replacements[0].state_hash" {
		t.Fatalf("CurrentGroups on a forged newcomer: err = %v", err)
	}
}

func replCloneGroups(gs []Group) []Group {
	out := slices.Clone(gs)
	for i := range out {
		out[i].Seats = slices.Clone(out[i].Seats)
		out[i].Items = slices.Clone(out[i].Items)
		out[i].Exclusions = slices.Clone(out[i].Exclusions)
	}
	return out
}

// TestDecodeReplacementRequest covers the JSON request decoder.
func TestDecodeReplacementRequest(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ok", `{"target":"T1","inspector":"C1","reason":"health","approver":"王副局长","at":"2026-06-03T10:30:00+08:00"}`, ""},
		{"unknown field", `{"target":"T1","inspector":"C1","reason":"health","approver":"A","at":"2026-06-03T10:30:00Z","x":1}`, "unknown field"},
		{"no time", `{"target":"T1","inspector":"C1","reason":"health","approver":"A"}`, "approval time is required"},
		{"no approver", `{"target":"T1","inspector":"C1","reason":"recusal","at":"2026-06-03T10:30:00Z"}`, "approver is required"},
		{"trailing", `{"target":"T1","inspector":"C1","reason":"health","approver":"A","at":"2026-06-03T10:30:00Z"} {}`, "trailing data"},
		{"bad time", `{"target":"T1","inspector":"C1","reason":"health","approver":"A","at":"June 3"}`, "decode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := DecodeReplacementRequest(strings.NewReader(tc.in))
			if tc.want == "" {
				if err != nil || req.Reason != ReplaceHealth || !req.At.Equal(replAt) {
					t.Fatalf("got %+v, %v", req, err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrInvalidRequest containing %q", err, tc.want)
			}
		})
	}
}

// FuzzDecodeReplacementRequest: the decoder never panics, and whatever it
// accepts is a valid request that survives a JSON round trip.
func FuzzDecodeReplacementRequest(f *testing.F) {
	f.Add([]byte(`{"target":"T1","inspector":"C1","reason":"health","approver":"王副局长","at":"2026-06-03T10:30:00+08:00"}`))
	f.Add([]byte(`{"target":"T1","inspector":"C1","reason":"recusal","approver":"A","at":"2026-06-03T10:30:00Z","note":"kin"}`))
	f.Add([]byte(`{"target":" T1"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := DecodeReplacementRequest(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrInvalidRequest) {
				t.Fatalf("error %v does not wrap ErrInvalidRequest", err)
			}
			return
		}
		if err := req.Validate(); err != nil {
			t.Fatalf("accepted an invalid request: %v", err)
		}
	})
}
