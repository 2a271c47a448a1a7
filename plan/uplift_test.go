package plan_test

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/plan"
	"github.com/shuangsuiji/ssj/registry"
)

// upliftTargets are 100 class-A targets of 治安: 10 abnormal, 5 with a
// serious violation, 20 with 3 or more complaints, 5 with 2.
func upliftTargets() []registry.Target {
	out := make([]registry.Target, 100)
	for i := range out {
		out[i] = registry.Target{ID: fmt.Sprintf("U-%04d", i), Name: "U", Kind: registry.KindProduct, Jurisdiction: "440104",
			Industry: "X", CreditClass: "A", Status: registry.StatusActive, Departments: []string{"治安"}}
		switch {
		case i < 10:
			out[i].Abnormal = true
		case i < 15:
			out[i].SeriousViolation = true
		case i < 35:
			out[i].Complaints = 3 + i%4
		case i < 40:
			out[i].Complaints = 2
		}
	}
	return out
}

func upliftPlan(u *plan.Uplift) plan.Plan {
	k := plan.Task{ID: "T", Name: "T", Department: "治安", Items: []string{"K-01"}, Scope: plan.Scope{Mode: plan.Undirected},
		Window: plan.Window{From: "2026-03-01", To: "2026-05-31"}, EstimatedCount: 1, Ratio: decimal.RequireFromString("0.05"),
		ClassRatios: []plan.ClassRatio{{Class: "A", Ratio: decimal.RequireFromString("0.05")}, {Class: "B", Ratio: decimal.RequireFromString("0.1")},
			{Class: "C", Ratio: decimal.RequireFromString("0.3")}, {Class: "D", Ratio: decimal.RequireFromString("0.7")}},
		Uplift: u}
	return plan.Plan{Year: 2026, Authority: "测试分局", Version: 1, Effective: "2026-01-15", Departments: []string{"治安"}, Tasks: []plan.Task{k}}
}

func r12(t *testing.T, rep plan.Report) plan.Finding {
	t.Helper()
	for _, f := range rep.Findings {
		if f.Rule == "R12" && f.Subject == "T" {
			return f
		}
	}
	t.Fatal("no R12 finding for T")
	return plan.Finding{}
}

// Rule R12: plan check counts the declared uplift, lists only the classes
// present in the pool after it, and DrawInput hands the rule and the
// uplifted strata to the draw.
func TestPlan_R12_Uplift(t *testing.T) {
	ts := upliftTargets()
	u := &plan.Uplift{Classes: []string{"A", "B", "C", "D"}, Abnormal: "D", SeriousViolation: "D", ComplaintsAtLeast: 3}

	without, err := plan.Check(upliftPlan(nil), plan.Input{Targets: ts}, plan.DefaultConfig())
	require.NoError(t, err)
	assert.Equal(t, "A 5%", r12(t, without).Figure, "only class A is in the pool")

	with, err := plan.Check(upliftPlan(u), plan.Input{Targets: ts}, plan.DefaultConfig())
	require.NoError(t, err)
	f := r12(t, with)
	assert.Equal(t, plan.Pass, f.Status)
	assert.Equal(t, "A 5%, B 10%, D 70%; uplift raised 35 target(s) (B +20, D +15)", f.Figure)

	in, err := upliftPlan(u).DrawInput("T", ts, nil)
	require.NoError(t, err)
	require.NotNil(t, in.Uplift)
	assert.Equal(t, *u, *in.Uplift)
	require.Len(t, in.Strata, 3)
	for i, want := range []plan.Stratum{{Class: "A", Pool: 65, Eligible: 65, Quota: 4}, {Class: "B", Pool: 20, Eligible: 20, Quota: 2, Uplifted: 20},
		{Class: "D", Pool: 15, Eligible: 15, Quota: 11, Uplifted: 15}} {
		got := in.Strata[i]
		got.Ratio = want.Ratio
		assert.Equal(t, want, got)
	}

	// A target whose class the rule does not list fails R12, named.
	ts[50].CreditClass = "E"
	bad, err := plan.Check(upliftPlan(u), plan.Input{Targets: ts}, plan.DefaultConfig())
	require.NoError(t, err)
	f = r12(t, bad)
	assert.Equal(t, plan.Fail, f.Status)
	assert.Contains(t, f.Note, "1 target(s) in scope have a credit class outside uplift.classes, e.g. U-0050")
}

// Rule R12: a malformed uplift is a plan error naming the field.
func TestPlan_R12_UpliftValidation(t *testing.T) {
	for _, tc := range []struct {
		u    plan.Uplift
		want string
	}{
		{plan.Uplift{Abnormal: "D"}, "uplift.classes"},
		{plan.Uplift{Classes: []string{"A", "B"}, Abnormal: "D"}, "uplift.abnormal"},
		{plan.Uplift{Classes: []string{"A", "B"}, SeriousViolation: "X"}, "uplift.serious_violation"},
		{plan.Uplift{Classes: []string{"A"}, ComplaintsAtLeast: -2}, "uplift.complaints_at_least"},
		{plan.Uplift{Classes: []string{"A", "B"}}, "declares no rule"},
	} {
		err := upliftPlan(&tc.u).Validate()
		require.Error(t, err, tc.want)
		assert.Contains(t, err.Error(), tc.want)
	}
}

// The plan's estimate and the draw apply the same uplift (rule R12): the
// plan's Uplift is the draw's type, so they cannot disagree on a target's
// class; a registered class outside uplift.classes is refused by the draw
// (the plan reports such targets, see the estimate tests).
func TestUpliftIsTheDrawRule(t *testing.T) {
	var pu plan.Uplift = draw.Uplift{Classes: []string{"A", "B", "C", "D"}, ComplaintsAtLeast: 2}
	c, raised, err := pu.Class(&registry.Target{ID: "X", CreditClass: "B", Complaints: 2})
	require.NoError(t, err)
	assert.Equal(t, "C", c)
	assert.True(t, raised)
	_, _, err = pu.Class(&registry.Target{ID: "X", CreditClass: "E"})
	assert.ErrorIs(t, err, draw.ErrInvalidTask)
}
