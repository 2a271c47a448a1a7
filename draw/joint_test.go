package draw

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/checklist"
	"github.com/shuangsuiji/ssj/examples"
	"github.com/shuangsuiji/ssj/registry"
)

// jointSpec is a joint task of three departments, each owning one item
// (rule R20): 治安 launches with ZA-01, 出入境 checks CRJ-01, 消防 XF-01.
func jointSpec() MatchSpec {
	return MatchSpec{TeamSize: 4, LaunchingDepartment: "治安", ParticipatingDepartments: []string{"出入境", "消防"},
		Items: []string{"ZA-01", "CRJ-01", "XF-01"},
		ItemDepartments: []ItemDepartment{
			{Item: "ZA-01", Department: "治安"}, {Item: "CRJ-01", Department: "出入境"}, {Item: "XF-01", Department: "消防"},
		},
		WindowFrom: matchFrom, WindowTo: matchTo}
}

// jointIns is an active inspector of dept holding exactly quals.
func jointIns(cert, dept string, leader bool, quals ...string) registry.Inspector {
	return registry.Inspector{Cert: cert, Department: dept, Jurisdiction: "440104", Qualifications: quals,
		LeaderEligible: leader, Active: true}
}

// jointPool holds, per department, inspectors qualified only for their own
// department's item, plus one 交警 inspector (a department with no item of
// the task) who holds every item, and one 出入境 inspector without CRJ-01.
func jointPool() []registry.Inspector {
	var p []registry.Inspector
	for i := range 4 {
		p = append(p, jointIns(fmt.Sprintf("ZA%02d", i), "治安", i%2 == 0, "ZA-01"))
		p = append(p, jointIns(fmt.Sprintf("CR%02d", i), "出入境", false, "CRJ-01"))
		p = append(p, jointIns(fmt.Sprintf("XF%02d", i), "消防", false, "XF-01"))
	}
	p = append(p, jointIns("JJ00", "交警", true, "ZA-01", "CRJ-01", "XF-01"))
	p = append(p, jointIns("CR99", "出入境", false, "ZA-01"))
	return p
}

// Rule R20 (one visit, many items) in a joint task, with rule R17 (the
// leader from the launching department): each seat needs only its
// department's items, the leader's seat the launching department's, the
// group covers every item and records which seat covers which.
func TestJointSeatsPerDepartment(t *testing.T) {
	k, targets := matchKey(20), []string{"T1", "T2", "T3", "T4"}
	spec, pool := jointSpec(), jointPool()

	groups, err := Match(k, targets, pool, nil, spec)
	require.NoError(t, err)
	require.Len(t, groups, len(targets))
	want := map[string][]string{"治安": {"ZA-01"}, "出入境": {"CRJ-01"}, "消防": {"XF-01"}}
	for _, g := range groups {
		assert.Equal(t, spec.Items, g.Items, "R20: the group checks every item")
		require.Len(t, g.Seats, 4)
		assert.Equal(t, SeatLeader, g.Seats[0].Kind)
		assert.Equal(t, "治安", g.Seats[0].Department, "R17: the leader comes from the launching department")
		assert.Equal(t, []string{"ZA-01"}, g.Seats[0].Items, "R20: the leader's seat covers the launching department's items")
		assert.Equal(t, []string{"CRJ-01"}, g.Seats[1].Items)
		assert.Equal(t, []string{"XF-01"}, g.Seats[2].Items)
		covered := map[string]bool{}
		for _, s := range g.Seats {
			assert.NotEqual(t, "交警", s.Department, "a department without items of the task is unqualified")
			assert.NotEqual(t, "CR99", s.Cert, "an 出入境 inspector without CRJ-01 is unqualified")
			assert.Equal(t, want[s.Department], s.Items, "seat %s", s.Cert)
			for _, it := range s.Items {
				covered[it] = true
			}
		}
		assert.Len(t, covered, 3, "R20: the group covers every item")
		// 2 of 14 are unqualified: the 交警 inspector and CR99.
		assert.Contains(t, g.Exclusions, ReasonCount{ExclUnqualified, 2})
		assert.Equal(t, 12, g.Eligible)
	}
	require.NoError(t, VerifyMatching(k, targets, pool, nil, spec, groups, nil))

	// Without item_departments every seat needs every item (the rule for a
	// single-department task): only the 交警 inspector qualifies, and the
	// leader seat cannot be filled.
	all := spec
	all.ItemDepartments = nil
	_, err = Match(k, targets, pool, nil, all)
	var se *SeatError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "leader", se.Seat)
	assert.Nil(t, se.Items)
	assert.Contains(t, se.Home, ReasonCount{ExclUnqualified, 13})
}

// Rule R17 and R20: a department seat nobody of that department can take
// is a seat error naming the department and the items it needs.
func TestJointSeatErrorNamesItems(t *testing.T) {
	var pool []registry.Inspector
	for _, in := range jointPool() {
		if in.Department != "消防" {
			pool = append(pool, in)
		}
	}
	pool = append(pool, jointIns("XF50", "消防", false, "ZA-01")) // lacks XF-01
	_, err := Match(matchKey(21), []string{"T1"}, pool, nil, jointSpec())
	var se *SeatError
	require.ErrorAs(t, err, &se)
	assert.ErrorIs(t, err, ErrSeatUnfilled)
	assert.Equal(t, "department 消防", se.Seat)
	assert.Equal(t, []string{"XF-01"}, se.Items)
	assert.Contains(t, err.Error(), `seat department 消防 (items XF-01) cannot be filled`)
	assert.Contains(t, se.Home, ReasonCount{ExclUnqualified, 3}) // 交警, CR99, XF50
}

// Rule R18 with R20: a replacement for a department seat needs an
// inspector of that department holding that department's items; a
// replaced open seat takes the newcomer's department's items.
func TestJointReplacement(t *testing.T) {
	k, targets := matchKey(22), []string{"T1", "T2"}
	spec, pool := jointSpec(), jointPool()
	groups, err := Match(k, targets, pool, nil, spec)
	require.NoError(t, err)

	var reps []Replacement
	cur := groups
	for seat := range 4 {
		leaving := cur[0].Seats[seat]
		rep, next, err := ApplyReplacement(k, pool, nil, spec, groups, reps, replReq("T1", leaving.Cert, ReplaceWorkConflict))
		require.NoError(t, err, "seat %d", seat)
		nc := rep.Newcomer
		assert.Equal(t, leaving.Kind, nc.Kind)
		if leaving.Kind != SeatOpen {
			assert.Equal(t, leaving.SeatDepartment, nc.Department, "R18: same department for a department seat")
			assert.Equal(t, leaving.Items, nc.Items, "R20: the department's items")
		}
		assert.NotEqual(t, "CR99", nc.Cert)
		assert.NotEqual(t, "JJ00", nc.Cert)
		reps, cur = append(reps, rep), next
	}
	require.NoError(t, VerifyMatching(k, targets, pool, nil, spec, groups, reps))

	// 出入境 has CR00–CR03; once three have left T1's group (plus the one
	// seated in it now), nobody with CRJ-01 is left for the seat.
	for range 3 {
		s := cur[0].Seats[1]
		rep, next, err := ApplyReplacement(k, pool, nil, spec, groups, reps, replReq("T1", s.Cert, ReplaceHealth))
		if err != nil {
			var se *SeatError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, "department 出入境", se.Seat)
			assert.Equal(t, []string{"CRJ-01"}, se.Items)
			return
		}
		reps, cur = append(reps, rep), next
	}
	t.Fatal("the 出入境 seat never ran out of qualified inspectors")
}

// Rule R20: VerifyMatching compares the items each seat covers.
func TestJointVerifySeatItems(t *testing.T) {
	k, targets := matchKey(23), []string{"T1"}
	spec, pool := jointSpec(), jointPool()
	groups, err := Match(k, targets, pool, nil, spec)
	require.NoError(t, err)
	bad := replCloneGroups(groups)
	bad[0].Seats[1].Items = []string{"ZA-01"}
	var d *MatchDiffError
	require.ErrorAs(t, VerifyMatching(k, targets, pool, nil, spec, bad, nil), &d)
	assert.Equal(t, "groups[0].seats[1].items[0]", d.Path)
	bad = replCloneGroups(groups)
	bad[0].Seats[3].Items = nil
	require.ErrorAs(t, VerifyMatching(k, targets, pool, nil, spec, bad, nil), &d)
	assert.Equal(t, "groups[0].seats[3].items (count)", d.Path)
}

// Rule R20: item_departments must name one department of the task per
// item, in items order, and give every department of the task an item.
func TestJointSpecValidation(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*MatchSpec)
		want string
	}{
		{"missing item", func(s *MatchSpec) { s.ItemDepartments = s.ItemDepartments[:2] }, "2 entries for 3 items"},
		{"out of order", func(s *MatchSpec) {
			s.ItemDepartments[0], s.ItemDepartments[1] = s.ItemDepartments[1], s.ItemDepartments[0]
		}, `item_departments[0].item "CRJ-01": want "ZA-01"`},
		{"foreign department", func(s *MatchSpec) { s.ItemDepartments[2].Department = "交警" }, `department "交警", which is neither`},
		{"department without item", func(s *MatchSpec) { s.ItemDepartments[2].Department = "治安" }, `department "消防" owns no item`},
		{"blank department", func(s *MatchSpec) { s.ItemDepartments[1].Department = " 出入境" }, "leading or trailing space"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := jointSpec()
			s.ItemDepartments = slices.Clone(s.ItemDepartments)
			tc.mod(&s)
			err := ValidateMatchSpec(s)
			require.ErrorIs(t, err, ErrInvalidMatch)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	require.NoError(t, ValidateMatchSpec(jointSpec()))
}

// Commit puts item_departments in items order, so the manifest (and its
// hash) does not depend on the order the task lists them in.
func TestJointCommitOrdersItemDepartments(t *testing.T) {
	task := dtTask()
	spec := jointSpec()
	task.Items = spec.Items
	slices.Reverse(spec.ItemDepartments)
	task.Inspectors = &spec
	pool := dtPool(50, 1)
	m, err := Commit(task, pool, &InspectorPools{Home: jointPool()})
	require.NoError(t, err)
	assert.Equal(t, jointSpec().ItemDepartments, m.Inspectors.Spec.ItemDepartments)
}

// The sample joint task of the bundled district (examples/data,
// task-joint.json: plan task 2026-LH-01, 治安 + 出入境 + 消防) commits, draws,
// matches a group per target with one seat per department, and verifies.
// Rules R14, R17, R20.
func TestJointExampleTask(t *testing.T) {
	read := func(name string) []byte {
		b, err := examples.Data.ReadFile("data/" + name)
		require.NoError(t, err)
		return b
	}
	tt, err := registry.Decode(read("targets.csv"), registry.ImportOptions{File: "targets.csv", Pool: registry.PoolTargets})
	require.NoError(t, err)
	it, err := registry.Decode(read("inspectors.csv"), registry.ImportOptions{File: "inspectors.csv", Pool: registry.PoolInspectors})
	require.NoError(t, err)
	task, err := DecodeTask(bytes.NewReader(read("task-joint.json")))
	require.NoError(t, err)
	ev, err := DecodeEvidence(bytes.NewReader(read("randomness.json")))
	require.NoError(t, err)

	// The item → department mapping is the checklist's inspecting
	// department (检查主体) of each item.
	items, err := checklist.ReadCSV(bytes.NewReader(read("checklist.csv")), "checklist.csv", checklist.DefaultConfig())
	require.NoError(t, err)
	require.Len(t, task.Inspectors.ItemDepartments, 3)
	for _, e := range task.Inspectors.ItemDepartments {
		i := slices.IndexFunc(items, func(it checklist.Item) bool { return it.Code == e.Item })
		require.GreaterOrEqual(t, i, 0, "item %s is not on the checklist", e.Item)
		assert.Equal(t, items[i].Department, e.Department, "item %s", e.Item)
	}

	pools := &InspectorPools{Home: it.Inspectors}
	m, err := Commit(task, tt.Targets, pools)
	require.NoError(t, err)
	rec, err := Run(m, ev, tt.Targets, pools)
	require.NoError(t, err)
	require.NotEmpty(t, rec.Groups)
	require.Len(t, rec.Groups, len(rec.Selected))
	for _, g := range rec.Groups {
		var depts, items []string
		for _, s := range g.Seats {
			depts = append(depts, s.Department)
			items = append(items, s.Items...)
		}
		assert.Equal(t, []string{"治安", "出入境", "消防"}, depts, g.Target)
		assert.Equal(t, []string{"ZA-01", "CRJ-01", "XF-01"}, items, g.Target)
	}
	require.NoError(t, Verify(&rec, tt.Targets, pools))

	// The same task without item_departments asks every seat for all
	// three items, which no sample inspector holds.
	task.Inspectors.ItemDepartments = nil
	m, err = Commit(task, tt.Targets, pools)
	require.NoError(t, err)
	_, err = Run(m, ev, tt.Targets, pools)
	var se *SeatError
	require.True(t, errors.As(err, &se), "%v", err)
	assert.True(t, strings.HasPrefix(se.Seat, "leader"))
}
