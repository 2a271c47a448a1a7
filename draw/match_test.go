package draw

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

var (
	matchFrom = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	matchTo   = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
)

func matchKey(seed byte) Key {
	var mh, r [32]byte
	for i := range mh {
		mh[i], r[i] = seed+byte(i), byte(7*i)^seed
	}
	return DeriveKey(mh, r)
}

func matchSpecBase() MatchSpec {
	return MatchSpec{TeamSize: 2, LaunchingDepartment: "SAMR", Items: []string{"I1"},
		WindowFrom: matchFrom, WindowTo: matchTo}
}

// matchIns builds a simple active inspector qualified for I1 and I2.
func matchIns(cert, dept string, leader bool) registry.Inspector {
	return registry.Inspector{Cert: cert, Department: dept, Jurisdiction: "110101",
		Qualifications: []string{"I1", "I2"}, LeaderEligible: leader, Active: true}
}

// matchRandomPool builds n random inspectors with certificate prefix pre.
func matchRandomPool(rng *rand.Rand, pre string, n int, depts, regions, targets []string) []registry.Inspector {
	out := make([]registry.Inspector, n)
	for i := range out {
		in := registry.Inspector{
			Cert:           fmt.Sprintf("%s%05d", pre, i),
			Department:     depts[rng.IntN(len(depts))],
			Jurisdiction:   regions[rng.IntN(len(regions))],
			LeaderEligible: rng.IntN(3) == 0,
			Active:         rng.IntN(20) != 0,
		}
		for _, q := range []string{"I1", "I2", "I3"} {
			if rng.IntN(8) != 0 {
				in.Qualifications = append(in.Qualifications, q)
			}
		}
		if rng.IntN(10) == 0 {
			d := time.Duration(rng.IntN(90)-30) * 24 * time.Hour
			in.Unavailable = append(in.Unavailable, registry.Period{From: matchFrom.Add(d), To: matchFrom.Add(d + 5*24*time.Hour), Reason: "leave"})
		}
		for range rng.IntN(3) {
			in.Interests = append(in.Interests, registry.Interest{TargetID: targets[rng.IntN(len(targets))], Relation: registry.RelationKin})
		}
		out[i] = in
	}
	return out
}

// matchRef is an independent, deliberately naive re-implementation of the
// §5 rules, used to check Match. It returns the groups, or the target and
// seat name of the first seat it could not fill.
func matchRef(k Key, targets []string, home, fb []registry.Inspector, spec MatchSpec) ([]Group, string, string) {
	rk := NewRanker(k)
	held := map[string]int{}
	type cand struct {
		in   registry.Inspector
		rank Rank
		fb   bool
	}
	reason := func(in registry.Inspector, t string, regions []string) MatchReason {
		if !in.Active {
			return ExclInactive
		}
		for _, p := range in.Unavailable {
			if p.From.Before(spec.WindowTo) && spec.WindowFrom.Before(p.To) {
				return ExclUnavailable
			}
		}
		need := spec.Items
		if len(spec.ItemDepartments) > 0 { // R20: only the items of the inspector's department
			need = nil
			for _, e := range spec.ItemDepartments {
				if e.Department == in.Department {
					need = append(need, e.Item)
				}
			}
			if need == nil {
				return ExclUnqualified
			}
		}
		for _, it := range need {
			if !slices.Contains(in.Qualifications, it) {
				return ExclUnqualified
			}
		}
		if len(regions) > 0 && !slices.Contains(regions, in.Jurisdiction) {
			return ExclRegion
		}
		for _, x := range in.Interests {
			if x.TargetID == t {
				return ExclInterest
			}
		}
		for _, c := range spec.Conflicts {
			if c.Target == t && c.Cert == in.Cert {
				return ExclConflict
			}
		}
		if spec.RotationMonths > 0 {
			// cutoff: first of the month N months back, then the day clamped.
			y, m, d := spec.WindowFrom.UTC().Date()
			first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).AddDate(0, -spec.RotationMonths, 0)
			last := first.AddDate(0, 1, -1).Day()
			cut := first.AddDate(0, 0, min(d, last)-1)
			for _, h := range spec.History {
				hy, hm, hd := h.Date.UTC().Date()
				if h.Cert == in.Cert && h.Target == t && !time.Date(hy, hm, hd, 0, 0, 0, 0, time.UTC).Before(cut) {
					return ExclRotation
				}
			}
		}
		if spec.Cap > 0 && held[in.Cert] >= spec.Cap {
			return ExclCap
		}
		return ""
	}
	var groups []Group
	for _, t := range targets {
		g := Group{Target: t, Items: slices.Clone(spec.Items)}
		pools := [2][]cand{}
		var cnt [2]map[MatchReason]int
		for pi, pool := range [2][]registry.Inspector{home, fb} {
			cnt[pi] = map[MatchReason]int{}
			regions := spec.HomeRegions
			if pi == 1 {
				regions = spec.FallbackRegions
			}
			for _, in := range pool {
				if r := reason(in, t, regions); r != "" {
					cnt[pi][r]++
					continue
				}
				pools[pi] = append(pools[pi], cand{in, rk.Rank("inspector", t, in.Cert), pi == 1})
			}
		}
		type req struct {
			kind SeatKind
			dept string
			name string
		}
		reqs := []req{{SeatLeader, spec.LaunchingDepartment, "leader"}}
		for _, d := range spec.ParticipatingDepartments {
			reqs = append(reqs, req{SeatDepartment, d, "department " + d})
		}
		for len(reqs) < spec.TeamSize {
			reqs = append(reqs, req{SeatOpen, "", "member " + strconv.Itoa(len(reqs)+1)})
		}
		seated := map[string]bool{}
		usedFB := false
		for _, q := range reqs {
			var pick *cand
			for pi := range 2 {
				if pi == 1 && !spec.Fallback {
					break
				}
				if pi == 1 {
					usedFB = true
				}
				for i := range pools[pi] {
					c := &pools[pi][i]
					if seated[c.in.Cert] || q.dept != "" && c.in.Department != q.dept || q.kind == SeatLeader && !c.in.LeaderEligible {
						continue
					}
					if pick == nil || c.rank.Compare(pick.rank) < 0 || c.rank == pick.rank && c.in.Cert < pick.in.Cert {
						pick = c
					}
				}
				if pick != nil {
					break
				}
			}
			if pick == nil {
				return nil, t, q.name
			}
			seated[pick.in.Cert] = true
			held[pick.in.Cert]++
			role := RoleMember
			if q.kind == SeatLeader {
				role = RoleLeader
			}
			var items []string
			for _, e := range spec.ItemDepartments {
				if e.Department == pick.in.Department {
					items = append(items, e.Item)
				}
			}
			g.Seats = append(g.Seats, Seat{Cert: pick.in.Cert, Department: pick.in.Department, Role: role, Kind: q.kind,
				SeatDepartment: q.dept, Rank: pick.rank.String(), FromFallback: pick.fb, Items: items})
		}
		g.Eligible = len(pools[0])
		list := func(m map[MatchReason]int) []ReasonCount {
			out := []ReasonCount{}
			for _, r := range MatchReasons() {
				if m[r] > 0 {
					out = append(out, ReasonCount{r, m[r]})
				}
			}
			return out
		}
		g.Exclusions = list(cnt[0])
		if usedFB {
			g.FallbackExclusions = list(cnt[1])
		}
		groups = append(groups, g)
	}
	return groups, "", ""
}

// matchScenario is one random matching input.
type matchScenario struct {
	targets        []string
	home, fallback []registry.Inspector
	spec           MatchSpec
}

func matchRandomScenario(seed uint64) matchScenario {
	rng := rand.New(rand.NewPCG(seed, 1))
	targets := make([]string, 20+rng.IntN(40))
	for i := range targets {
		targets[i] = fmt.Sprintf("91110000%010d", rng.IntN(1e9)*10+i%10)
	}
	// make labels unique
	slices.Sort(targets)
	targets = slices.Compact(targets)
	rng.Shuffle(len(targets), func(i, j int) { targets[i], targets[j] = targets[j], targets[i] })
	depts := []string{"SAMR", "HEALTH", "ENV"}
	regions := []string{"110101", "110102", "110105"}
	spec := MatchSpec{
		TeamSize:            2 + rng.IntN(3),
		LaunchingDepartment: "SAMR",
		Items:               []string{"I1", "I2"}[:1+rng.IntN(2)],
		WindowFrom:          matchFrom, WindowTo: matchTo,
	}
	if rng.IntN(2) == 0 {
		spec.ParticipatingDepartments = []string{"HEALTH", "ENV"}[:1+rng.IntN(2)]
		spec.TeamSize = max(spec.TeamSize, 1+len(spec.ParticipatingDepartments))
	}
	if rng.IntN(2) == 0 {
		spec.HomeRegions = regions[:2]
	}
	if rng.IntN(2) == 0 {
		spec.Cap = 2 + rng.IntN(4)
	}
	home := matchRandomPool(rng, "H", 30+rng.IntN(150), depts, regions, targets)
	var fb []registry.Inspector
	if rng.IntN(2) == 0 {
		spec.Fallback = true
		spec.FallbackRegions = []string{"120101"}
		fb = matchRandomPool(rng, "F", 100, depts, []string{"120101", "130101"}, targets)
	}
	for range rng.IntN(30) {
		spec.Conflicts = append(spec.Conflicts, InspectorConflict{Target: targets[rng.IntN(len(targets))], Cert: home[rng.IntN(len(home))].Cert, Reason: "relative"})
	}
	if rng.IntN(2) == 0 {
		spec.RotationMonths = 12
		for range rng.IntN(60) {
			spec.History = append(spec.History, RotationEntry{Cert: home[rng.IntN(len(home))].Cert,
				Target: targets[rng.IntN(len(targets))], Date: matchFrom.AddDate(0, -rng.IntN(24), -rng.IntN(28))})
		}
	}
	// Rule R20: a joint task may assign each item to a department (drawn
	// from its own stream so that the scenarios above stay as they were).
	if jr := rand.New(rand.NewPCG(seed, 20)); len(spec.ParticipatingDepartments) > 0 && jr.IntN(2) == 0 {
		depts := append([]string{spec.LaunchingDepartment}, spec.ParticipatingDepartments...)
		spec.Items = []string{"I1", "I2", "I3"}[:len(depts)+jr.IntN(4-len(depts))]
		for i, it := range spec.Items {
			d := depts[min(i, len(depts)-1)]
			if i >= len(depts) {
				d = depts[jr.IntN(len(depts))]
			}
			spec.ItemDepartments = append(spec.ItemDepartments, ItemDepartment{Item: it, Department: d})
		}
	}
	return matchScenario{targets, home, fb, spec}
}

// TestMatchRankerAgreesWithRanker checks the allocation-free inspector
// ranker against the DRAW.md §3 Ranker. Rule R15.
func TestMatchRankerAgreesWithRanker(t *testing.T) {
	k := matchKey(3)
	rk, mr := NewRanker(k), newMatchRanker(suite.SSJv1, k)
	for _, tc := range []struct{ target, cert string }{
		{"91110000600037341L", "ZA0001"}, {"X", ""}, {"長い名前の対象", "证12345678901234567890123456789012345"},
	} {
		mr.setTarget(tc.target)
		if got, want := mr.rank(tc.cert), rk.Rank("inspector", tc.target, tc.cert); got != want {
			t.Errorf("rank(%q,%q) = %s, want %s", tc.target, tc.cert, got, want)
		}
	}
	mr.setTarget("91110000600037341L")
	if n := testing.AllocsPerRun(100, func() { mr.rank("ZA0001") }); n != 0 {
		t.Errorf("rank allocates %v times per call", n)
	}
}

// TestMatchProperties runs Match on random pools and checks it against the
// naive reference and the rules: R17 (size, one leader, launching
// department), R14 (every participating department), R19 (no conflict),
// the cap, R20 (per-department items in a joint task, every item covered)
// and independence from pool order.
func TestMatchProperties(t *testing.T) {
	feasible, perDept := 0, 0
	for seed := range uint64(60) {
		sc := matchRandomScenario(seed)
		k := matchKey(byte(seed))
		got, err := Match(k, sc.targets, sc.home, sc.fallback, sc.spec)
		want, badT, badSeat := matchRef(k, sc.targets, sc.home, sc.fallback, sc.spec)
		if badT != "" {
			var se *SeatError
			if !errors.As(err, &se) || se.Target != badT || se.Seat != badSeat {
				t.Fatalf("seed %d: error %v, reference cannot fill %s of %s", seed, err, badSeat, badT)
			}
			continue
		}
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		feasible++
		if len(sc.spec.ItemDepartments) > 0 {
			perDept++
		}
		if !reflect.DeepEqual(got, want) {
			for i := range got {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("seed %d: group %d\n got %+v\nwant %+v", seed, i, got[i], want[i])
				}
			}
		}
		matchCheckInvariants(t, fmt.Sprint("seed ", seed), sc, got)

		// Shuffling either pool changes nothing.
		rng := rand.New(rand.NewPCG(seed, 99))
		h, f := slices.Clone(sc.home), slices.Clone(sc.fallback)
		rng.Shuffle(len(h), func(i, j int) { h[i], h[j] = h[j], h[i] })
		rng.Shuffle(len(f), func(i, j int) { f[i], f[j] = f[j], f[i] })
		again, err := Match(k, sc.targets, h, f, sc.spec)
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("seed %d: shuffled pools changed the groups (err %v)", seed, err)
		}
	}
	if feasible < 30 {
		t.Fatalf("only %d of 60 random scenarios were feasible; the generator no longer exercises matching", feasible)
	}
	if perDept < 5 {
		t.Fatalf("only %d feasible scenarios with item_departments (R20); the generator no longer exercises them", perDept)
	}
	t.Logf("%d feasible scenarios, %d with item_departments", feasible, perDept)
}

// matchCheckInvariants checks the rule-level properties of a set of groups.
func matchCheckInvariants(t *testing.T, where string, sc matchScenario, groups []Group) {
	t.Helper()
	byCert := map[string]registry.Inspector{}
	for _, in := range append(slices.Clone(sc.home), sc.fallback...) {
		byCert[in.Cert] = in
	}
	held := map[string]int{}
	for _, g := range groups {
		if len(g.Seats) != sc.spec.TeamSize || len(g.Seats) < 2 {
			t.Fatalf("%s: target %s has %d seats, team size %d (R17)", where, g.Target, len(g.Seats), sc.spec.TeamSize)
		}
		leaders, certs, depts := 0, map[string]bool{}, map[string]bool{}
		for _, s := range g.Seats {
			in := byCert[s.Cert]
			if s.Role == RoleLeader {
				leaders++
				if in.Department != sc.spec.LaunchingDepartment || !in.LeaderEligible {
					t.Fatalf("%s: target %s leader %s from %s (R17)", where, g.Target, s.Cert, in.Department)
				}
			}
			if certs[s.Cert] {
				t.Fatalf("%s: target %s seats %s twice", where, g.Target, s.Cert)
			}
			certs[s.Cert], depts[in.Department] = true, true
			held[s.Cert]++
			for _, x := range in.Interests {
				if x.TargetID == g.Target {
					t.Fatalf("%s: %s has a declared interest in %s (R19)", where, s.Cert, g.Target)
				}
			}
			for _, c := range sc.spec.Conflicts {
				if c.Target == g.Target && c.Cert == s.Cert {
					t.Fatalf("%s: %s is listed as conflicted with %s (R19)", where, s.Cert, g.Target)
				}
			}
			if !in.Active {
				t.Fatalf("%s: inactive %s seated", where, s.Cert)
			}
		}
		if leaders != 1 || g.Seats[0].Role != RoleLeader {
			t.Fatalf("%s: target %s has %d leaders (R17)", where, g.Target, leaders)
		}
		for _, d := range sc.spec.ParticipatingDepartments {
			if !depts[d] {
				t.Fatalf("%s: target %s has no member from %s (R14)", where, g.Target, d)
			}
		}
		matchCheckCoverage(t, where, sc.spec, g, byCert)
	}
	if sc.spec.Cap > 0 {
		for c, n := range held {
			if n > sc.spec.Cap {
				t.Fatalf("%s: %s seated %d times, cap %d", where, c, n, sc.spec.Cap)
			}
		}
	}
}

// matchCheckCoverage checks rule R20 for one group: without
// item_departments every seat holds every item and records none; with
// them every seat records exactly its department's items, its inspector
// holds them, the leader seat covers the launching department's items,
// and the group as a whole covers every item.
func matchCheckCoverage(t *testing.T, where string, spec MatchSpec, g Group, byCert map[string]registry.Inspector) {
	t.Helper()
	if !slices.Equal(g.Items, spec.Items) {
		t.Fatalf("%s: target %s items %v, want %v (R20)", where, g.Target, g.Items, spec.Items)
	}
	deptItems := map[string][]string{}
	for _, e := range spec.ItemDepartments {
		deptItems[e.Department] = append(deptItems[e.Department], e.Item)
	}
	covered := map[string]bool{}
	for _, s := range g.Seats {
		in := byCert[s.Cert]
		want := spec.Items
		if len(spec.ItemDepartments) > 0 {
			want = deptItems[in.Department]
			if !slices.Equal(s.Items, want) {
				t.Fatalf("%s: target %s seat %s records items %v, want %v (R20)", where, g.Target, s.Cert, s.Items, want)
			}
			if s.Kind != SeatOpen && in.Department != s.SeatDepartment {
				t.Fatalf("%s: target %s seat for %s filled by %s of %s", where, g.Target, s.SeatDepartment, s.Cert, in.Department)
			}
		} else if s.Items != nil {
			t.Fatalf("%s: target %s seat %s records items %v without item_departments", where, g.Target, s.Cert, s.Items)
		}
		for _, it := range want {
			if !slices.Contains(in.Qualifications, it) {
				t.Fatalf("%s: target %s seat %s lacks item %s (R20)", where, g.Target, s.Cert, it)
			}
			covered[it] = true
		}
	}
	for _, it := range spec.Items {
		if !covered[it] {
			t.Fatalf("%s: target %s: no seat covers item %s (R20)", where, g.Target, it)
		}
	}
}

// TestMatchInfeasibleSeat checks that a seat nobody can take is a
// *SeatError naming the target, the seat and the counts, never a smaller
// group. Rule R17.
func TestMatchInfeasibleSeat(t *testing.T) {
	inactive := matchIns("C9", "SAMR", true)
	inactive.Active = false
	unq := matchIns("C8", "SAMR", true)
	unq.Qualifications = []string{"I2"}
	base := []registry.Inspector{matchIns("C1", "SAMR", false), matchIns("C2", "HEALTH", true), inactive, unq}
	tests := []struct {
		name    string
		mod     func(*MatchSpec)
		pool    []registry.Inspector
		seat    string
		home    []ReasonCount
		wantMsg string
	}{
		{"no leader", nil, base, "leader",
			[]ReasonCount{{ExclInactive, 1}, {ExclUnqualified, 1}, {ExclDepartment, 1}, {ExclNotLeader, 1}},
			`target "T1": seat leader cannot be filled: home pool 4 inspectors (inactive 1, unqualified 1, department 1, not_leader 1)`},
		{"no department member", func(s *MatchSpec) { s.ParticipatingDepartments = []string{"ENV"} },
			append(slices.Clone(base), matchIns("C3", "SAMR", true)), "department ENV",
			[]ReasonCount{{ExclInactive, 1}, {ExclUnqualified, 1}, {ExclSeated, 1}, {ExclDepartment, 2}}, "seat department ENV"},
		{"too few members", func(s *MatchSpec) { s.TeamSize = 4 },
			append(slices.Clone(base), matchIns("C3", "SAMR", true)), "member 4",
			[]ReasonCount{{ExclInactive, 1}, {ExclUnqualified, 1}, {ExclSeated, 3}}, "seat member 4"},
		{"conflict empties the pool", func(s *MatchSpec) {
			s.Conflicts = []InspectorConflict{{Target: "T1", Cert: "C3", Reason: "kin"}}
		}, append(slices.Clone(base), matchIns("C3", "SAMR", true)), "leader",
			[]ReasonCount{{ExclInactive, 1}, {ExclUnqualified, 1}, {ExclConflict, 1}, {ExclDepartment, 1}, {ExclNotLeader, 1}}, "conflict 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := matchSpecBase()
			if tc.mod != nil {
				tc.mod(&spec)
			}
			g, err := Match(matchKey(1), []string{"T1"}, tc.pool, nil, spec)
			if g != nil {
				t.Fatalf("got groups %v with an unfillable seat", g)
			}
			var se *SeatError
			if !errors.As(err, &se) || !errors.Is(err, ErrSeatUnfilled) {
				t.Fatalf("err = %v, want *SeatError", err)
			}
			if se.Target != "T1" || se.Seat != tc.seat || se.HomePool != len(tc.pool) || !reflect.DeepEqual(se.Home, tc.home) {
				t.Fatalf("got %+v, want seat %q home %v", se, tc.seat, tc.home)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("message %q does not contain %q", err, tc.wantMsg)
			}
		})
	}
}

// TestMatchFallback checks the cross-region pool (rule R7): used only for
// the seat the home pool cannot fill, marked per seat.
func TestMatchFallback(t *testing.T) {
	spec := matchSpecBase()
	spec.TeamSize = 3
	spec.ParticipatingDepartments = []string{"HEALTH"}
	spec.HomeRegions = []string{"110101"}
	spec.Fallback = true
	spec.FallbackRegions = []string{"120101"}
	home := []registry.Inspector{matchIns("H1", "SAMR", true), matchIns("H2", "SAMR", false), matchIns("H3", "SAMR", false)}
	fbIns := func(cert, dept, region string) registry.Inspector {
		in := matchIns(cert, dept, true)
		in.Jurisdiction = region
		return in
	}
	fallback := []registry.Inspector{fbIns("F1", "HEALTH", "120101"), fbIns("F2", "SAMR", "120101"), fbIns("F3", "HEALTH", "130101")}
	groups, err := Match(matchKey(2), []string{"T1", "T2"}, home, fallback, spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		for _, s := range g.Seats {
			if s.FromFallback != (s.Kind == SeatDepartment) {
				t.Fatalf("target %s seat %+v: fallback used for the wrong seat", g.Target, s)
			}
			if s.Kind == SeatDepartment && s.Cert != "F1" {
				t.Fatalf("department seat went to %s, want F1 (F3 is outside the fallback regions)", s.Cert)
			}
		}
		if want := []ReasonCount{{ExclRegion, 1}}; !reflect.DeepEqual(g.FallbackExclusions, want) {
			t.Fatalf("fallback exclusions %v, want %v", g.FallbackExclusions, want)
		}
	}
	// Home pool sufficient: the fallback pool is not consulted.
	spec.ParticipatingDepartments, spec.TeamSize = nil, 2
	groups, err = Match(matchKey(2), []string{"T1"}, home, fallback, spec)
	if err != nil {
		t.Fatal(err)
	}
	if groups[0].FallbackExclusions != nil || groups[0].Seats[1].FromFallback {
		t.Fatalf("fallback consulted although the home pool fills every seat: %+v", groups[0])
	}
	// A fallback pool the spec does not declare is refused.
	spec.Fallback, spec.FallbackRegions = false, nil
	if _, err := Match(matchKey(2), []string{"T1"}, home, fallback, spec); !errors.Is(err, ErrInvalidMatch) {
		t.Fatalf("undeclared fallback pool: err = %v", err)
	}
}

// TestMatchInvalidInput covers refused specs, targets and pools.
func TestMatchInvalidInput(t *testing.T) {
	pool := []registry.Inspector{matchIns("C1", "SAMR", true), matchIns("C2", "SAMR", false)}
	tests := []struct {
		name    string
		mod     func(*MatchSpec)
		targets []string
		pool    []registry.Inspector
		want    string
	}{
		{"team of one", func(s *MatchSpec) { s.TeamSize = 1 }, nil, nil, "team_size 1"},
		{"no launching department", func(s *MatchSpec) { s.LaunchingDepartment = "" }, nil, nil, "launching_department is empty"},
		{"team too small for joint task", func(s *MatchSpec) { s.ParticipatingDepartments = []string{"A", "B"} }, nil, nil, "no seat for every participating"},
		{"participating repeats launching", func(s *MatchSpec) { s.TeamSize = 3; s.ParticipatingDepartments = []string{"SAMR"} }, nil, nil, "repeats"},
		{"no items", func(s *MatchSpec) { s.Items = nil }, nil, nil, "items is empty"},
		{"duplicate item", func(s *MatchSpec) { s.Items = []string{"I1", "I1"} }, nil, nil, `items[1] "I1" is a duplicate`},
		{"empty window", func(s *MatchSpec) { s.WindowTo = s.WindowFrom }, nil, nil, "execution window"},
		{"negative cap", func(s *MatchSpec) { s.Cap = -1 }, nil, nil, "cap -1"},
		{"fallback regions without pool", func(s *MatchSpec) { s.FallbackRegions = []string{"1"} }, nil, nil, "fallback_regions given"},
		{"history without date", func(s *MatchSpec) {
			s.RotationMonths = 6
			s.History = []RotationEntry{{Cert: "C1", Target: "T1"}}
		}, nil, nil, "history[0].date"},
		{"duplicate target", nil, []string{"T1", "T1"}, nil, `targets[1] "T1" is a duplicate`},
		{"target with space", nil, []string{" T1"}, nil, "leading or trailing space"},
		{"duplicate cert", nil, nil, append(slices.Clone(pool), matchIns("C1", "SAMR", true)), `"C1" appears twice`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := matchSpecBase()
			if tc.mod != nil {
				tc.mod(&spec)
			}
			targets := tc.targets
			if targets == nil {
				targets = []string{"T1"}
			}
			p := tc.pool
			if p == nil {
				p = pool
			}
			_, err := Match(matchKey(1), targets, p, nil, spec)
			if !errors.Is(err, ErrInvalidMatch) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrInvalidMatch containing %q", err, tc.want)
			}
		})
	}
}

// TestMatchRotation checks the rotation rule's calendar-month cutoff and
// that the other conflict sources are counted under their own reasons.
// Rule R19.
func TestMatchRotation(t *testing.T) {
	tests := []struct {
		from   time.Time
		months int
		want   string
	}{
		{time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC), 12, "2025-06-15"},
		{time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), 1, "2026-02-28"},
		{time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), 1, "2024-02-29"},
		{time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC), 13, "2024-12-10"},
		{time.Date(2026, 6, 1, 1, 0, 0, 0, time.FixedZone("CST", 8*3600)), 1, "2026-04-30"},
	}
	for _, tc := range tests {
		y, m, d := rotationCutoff(tc.from, tc.months)
		if got := fmt.Sprintf("%04d-%02d-%02d", y, m, d); got != tc.want {
			t.Errorf("cutoff(%s, %d) = %s, want %s", tc.from, tc.months, got, tc.want)
		}
	}
	spec := matchSpecBase()
	spec.TeamSize = 2
	spec.RotationMonths = 12
	spec.History = []RotationEntry{
		{Cert: "C1", Target: "T1", Date: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)},  // on the cutoff: excluded
		{Cert: "C2", Target: "T1", Date: time.Date(2025, 5, 31, 0, 0, 0, 0, time.UTC)}, // before it: allowed
	}
	spec.Conflicts = []InspectorConflict{{Target: "T1", Cert: "C3", Reason: "former colleague"}}
	c4 := matchIns("C4", "SAMR", true)
	c4.Interests = []registry.Interest{{TargetID: "T1", Relation: registry.RelationShareholding}}
	pool := []registry.Inspector{matchIns("C1", "SAMR", true), matchIns("C2", "SAMR", true),
		matchIns("C3", "SAMR", true), c4, matchIns("C5", "SAMR", false)}
	g, err := Match(matchKey(4), []string{"T1"}, pool, nil, spec)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{g[0].Seats[0].Cert, g[0].Seats[1].Cert}
	slices.Sort(got)
	if !reflect.DeepEqual(got, []string{"C2", "C5"}) {
		t.Fatalf("seated %v, want C2 and C5", got)
	}
	want := []ReasonCount{{ExclInterest, 1}, {ExclConflict, 1}, {ExclRotation, 1}}
	if !reflect.DeepEqual(g[0].Exclusions, want) || g[0].Eligible != 2 {
		t.Fatalf("exclusions %v eligible %d, want %v and 2", g[0].Exclusions, g[0].Eligible, want)
	}
}

// TestMatchCap checks that the cap counts seats in target order.
func TestMatchCap(t *testing.T) {
	spec := matchSpecBase()
	spec.Cap = 1
	pool := []registry.Inspector{matchIns("C1", "SAMR", true), matchIns("C2", "SAMR", true),
		matchIns("C3", "SAMR", true), matchIns("C4", "SAMR", true)}
	g, err := Match(matchKey(5), []string{"T1", "T2"}, pool, nil, spec)
	if err != nil {
		t.Fatal(err)
	}
	if want := []ReasonCount{{ExclCap, 2}}; !reflect.DeepEqual(g[1].Exclusions, want) {
		t.Fatalf("second target exclusions %v, want %v", g[1].Exclusions, want)
	}
	_, err = Match(matchKey(5), []string{"T1", "T2", "T3"}, pool, nil, spec)
	var se *SeatError
	if !errors.As(err, &se) || se.Target != "T3" || se.Seat != "leader" {
		t.Fatalf("third target with cap 1 and 4 inspectors: err = %v", err)
	}
}

// TestMatchParallelEqualsSerial checks that more targets than one parallel
// batch give the same groups as matching each prefix (the batch boundary
// must not matter).
func TestMatchParallelEqualsSerial(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	targets := make([]string, 3*matchBatch+5)
	for i := range targets {
		targets[i] = "T" + strconv.Itoa(i)
	}
	pool := matchRandomPool(rng, "C", 300, []string{"SAMR"}, []string{"110101"}, targets)
	spec := matchSpecBase()
	spec.Cap = 8
	k := matchKey(9)
	all, err := Match(k, targets, pool, nil, spec)
	if err != nil {
		t.Fatal(err)
	}
	want, badT, _ := matchRef(k, targets, pool, nil, spec)
	if badT != "" || !reflect.DeepEqual(all, want) {
		t.Fatalf("batched matching differs from the reference (bad target %q)", badT)
	}
}

// ExampleMatch matches a two-person group, led by the launching department,
// to each of two drawn targets.
func ExampleMatch() {
	var manifestHash, r [32]byte // in a real draw: the manifest hash and the randomness R
	k := DeriveKey(manifestHash, r)
	pool := []registry.Inspector{
		{Cert: "ZA0001", Department: "SAMR", Qualifications: []string{"food"}, LeaderEligible: true, Active: true},
		{Cert: "ZA0002", Department: "SAMR", Qualifications: []string{"food"}, LeaderEligible: true, Active: true},
		{Cert: "ZA0003", Department: "SAMR", Qualifications: []string{"food"}, Active: true},
		{Cert: "ZA0004", Department: "SAMR", Qualifications: []string{"food"}, Active: false},
	}
	spec := MatchSpec{TeamSize: 2, LaunchingDepartment: "SAMR", Items: []string{"food"},
		WindowFrom: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), WindowTo: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)}
	groups, err := Match(k, []string{"91110000600037341L", "91110108MA01ABCD2X", "92110105MA00EFGH3Y"}, pool, nil, spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range groups {
		fmt.Print(g.Target)
		for _, s := range g.Seats {
			fmt.Printf(" %s:%s", s.Role, s.Cert)
		}
		fmt.Println(" excluded:", g.Exclusions)
	}
	// Output:
	// 91110000600037341L leader:ZA0002 member:ZA0003 excluded: [{inactive 1}]
	// 91110108MA01ABCD2X leader:ZA0002 member:ZA0003 excluded: [{inactive 1}]
	// 92110105MA00EFGH3Y leader:ZA0001 member:ZA0002 excluded: [{inactive 1}]
}

var matchUpdate = flag.Bool("match-update", false, "rewrite draw/testdata/match golden files")

// TestMatchGolden pins the published JSON of a small matching and one
// replacement (the test vector of docs/draw-spec.md, Appendix C).
//
// The same inputs under the national suite ssj-v1-sm (HMAC-SM3 K and
// ranks, SM3 group digests and hashes) give vector-sm.json.
func TestMatchGolden(t *testing.T) {
	t.Run("ssj-v1", func(t *testing.T) { matchGolden(t, suite.SSJv1, "vector.json") })
	t.Run("ssj-v1-sm", func(t *testing.T) { matchGolden(t, suite.SSJv1SM, "vector-sm.json") })
}

func matchGolden(t *testing.T, cs suite.Suite, name string) {
	var mh, r [32]byte
	for i := range mh {
		mh[i], r[i] = byte(i), byte(0xa0+i)
	}
	k := DeriveKeyWith(cs, mh, r)
	in := func(cert, dept, region string, leader bool) registry.Inspector {
		x := matchIns(cert, dept, leader)
		x.Jurisdiction = region
		return x
	}
	home := []registry.Inspector{
		in("ZA0001", "SAMR", "110101", true), in("ZA0002", "SAMR", "110101", true),
		in("ZA0003", "SAMR", "110101", false), in("ZA0004", "HEALTH", "110101", false),
		in("ZA0005", "HEALTH", "110101", false), in("ZA0006", "SAMR", "110102", true),
	}
	home[2].Interests = []registry.Interest{{TargetID: "91110000600037341L", Relation: registry.RelationKin}}
	fallback := []registry.Inspector{in("ZB0001", "HEALTH", "120101", false), in("ZB0002", "SAMR", "120101", true)}
	spec := MatchSpec{TeamSize: 3, LaunchingDepartment: "SAMR", ParticipatingDepartments: []string{"HEALTH"},
		Items: []string{"I1", "I2"}, WindowFrom: matchFrom, WindowTo: matchTo, HomeRegions: []string{"110101"},
		Fallback: true, FallbackRegions: []string{"120101"}, Cap: 2,
		Conflicts: []InspectorConflict{{Target: "91110108MA01ABCD2X", Cert: "ZA0001", Reason: "former employer"}}}
	targets := []string{"91110000600037341L", "91110108MA01ABCD2X", "92110105MA00EFGH3Y"}
	groups, err := MatchWith(cs, k, targets, home, fallback, spec)
	if err != nil {
		t.Fatal(err)
	}
	rep, _, err := ApplyReplacementWith(cs, k, home, fallback, spec, groups, nil,
		ReplacementRequest{Target: targets[0], Inspector: groups[0].Seats[0].Cert, Reason: ReplaceHealth, Approver: "王副局长", At: replAt})
	if err != nil {
		t.Fatal(err)
	}
	initial, _ := GroupsHashWith(cs, groups)
	got, err := json.MarshalIndent(struct {
		Key          string        `json:"key"`
		Groups       []Group       `json:"groups"`
		GroupsHash   string        `json:"groups_hash"`
		Replacements []Replacement `json:"replacements"`
	}{hex.EncodeToString(k[:]), groups, initial, []Replacement{rep}}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "match", name)
	if *matchUpdate {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./draw -run TestMatchGolden -match-update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the computed vector:\n%s", path, got)
	}
}
