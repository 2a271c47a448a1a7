package draw

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/internal/canon"
	"github.com/shuangsuiji/ssj/registry"
)

func upliftRule() *Uplift {
	return &Uplift{Classes: []string{"A", "B", "C", "D"}, Abnormal: "D", SeriousViolation: "D", ComplaintsAtLeast: 3}
}

// Rule R12: abnormal (经营异常名录) and serious violation raise a unit to
// their declared class, complaints at or above the threshold one class;
// the highest applicable class wins and the class is never lowered.
func TestUpliftClass(t *testing.T) {
	tests := []struct {
		name       string
		rule       Uplift
		class      string
		abnormal   bool
		serious    bool
		complaints int
		want       string
		raised     bool
	}{
		{"no flag", *upliftRule(), "A", false, false, 0, "A", false},
		{"abnormal to D", *upliftRule(), "A", true, false, 0, "D", true},
		{"serious to D", *upliftRule(), "B", false, true, 0, "D", true},
		{"already D", *upliftRule(), "D", true, true, 9, "D", false},
		{"complaints below threshold", *upliftRule(), "A", false, false, 2, "A", false},
		{"complaints at threshold: one up", *upliftRule(), "A", false, false, 3, "B", true},
		{"complaints from C", *upliftRule(), "C", false, false, 30, "D", true},
		{"complaints at the top stay", *upliftRule(), "D", false, false, 30, "D", false},
		{"highest wins", Uplift{Classes: []string{"A", "B", "C", "D"}, Abnormal: "C", ComplaintsAtLeast: 1}, "C", true, false, 1, "D", true},
		{"never lowered", Uplift{Classes: []string{"A", "B", "C", "D"}, Abnormal: "B"}, "C", true, false, 0, "C", false},
		{"abnormal rule off", Uplift{Classes: []string{"A", "B", "C", "D"}, ComplaintsAtLeast: 5}, "A", true, true, 0, "A", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := registry.Target{ID: "X", CreditClass: tc.class, Abnormal: tc.abnormal, SeriousViolation: tc.serious, Complaints: tc.complaints}
			got, raised, err := tc.rule.Class(&u)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.raised, raised)
		})
	}
	_, _, err := upliftRule().Class(&registry.Target{ID: "91330106MA2AAAAA01", CreditClass: "E"})
	require.ErrorIs(t, err, ErrInvalidTask)
	assert.Contains(t, err.Error(), `target "91330106MA2AAAAA01": credit class "E" is not one of uplift.classes`)
}

// Rule R12: an uplift rule is refused when it cannot be applied as
// declared.
func TestUpliftValidate(t *testing.T) {
	tests := []struct {
		name string
		rule Uplift
		want string
	}{
		{"no classes", Uplift{Abnormal: "D"}, "uplift.classes is empty"},
		{"repeated class", Uplift{Classes: []string{"A", "A"}, ComplaintsAtLeast: 1}, `"A" repeated`},
		{"slash", Uplift{Classes: []string{"A/B"}, ComplaintsAtLeast: 1}, `contains "/"`},
		{"unknown abnormal class", Uplift{Classes: []string{"A", "B"}, Abnormal: "D"}, `abnormal "D" is not one of classes`},
		{"unknown serious class", Uplift{Classes: []string{"A", "B"}, SeriousViolation: "X"}, `serious_violation "X" is not one of classes`},
		{"negative threshold", Uplift{Classes: []string{"A"}, ComplaintsAtLeast: -1}, "negative"},
		{"no rule", Uplift{Classes: []string{"A", "B"}}, "declares no rule"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.rule.Validate()
			require.ErrorIs(t, err, ErrInvalidTask)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	require.NoError(t, upliftRule().Validate())

	// Without credit_class among the strata the uplift could not act.
	task := dtTask()
	task.Strata = []string{StratumJurisdiction}
	task.Quota = QuotaRule{DefaultRatio: "0.1"}
	task.Uplift = upliftRule()
	_, err := Commit(task, dtPool(50, 3), nil)
	require.ErrorIs(t, err, ErrInvalidTask)
	assert.Contains(t, err.Error(), `uplift needs "credit_class" among the strata`)
}

// upliftPool is dtPool with some units flagged (rule R12 inputs).
func upliftPool() []registry.Target {
	pool := dtPool(400, 12)
	for i := range pool {
		switch i % 13 {
		case 1:
			pool[i].Abnormal = true
		case 2:
			pool[i].SeriousViolation = true
		case 3, 4:
			pool[i].Complaints = 3 + i%5
		case 5:
			pool[i].Complaints = 2
		}
	}
	return pool
}

// Rule R12 in the draw: the manifest records the uplift, the strata and
// the selected units use the uplifted class, each stratum counts the units
// raised into it, and Verify recomputes it all; the flags are in the
// committed leaf, so changing one breaks the pool commitment.
func TestUpliftDraw(t *testing.T) {
	pool := upliftPool()
	task := dtTask()
	task.Uplift = upliftRule()
	rec := dtRun(t, task, pool)
	require.NotNil(t, rec.Manifest.Uplift)
	require.NoError(t, Verify(&rec, pool, nil))

	// Expected per-class counts, computed here from the rule's text.
	scope, raisedInto := map[string]int{}, map[string]int{}
	class := map[string]string{}
	for _, u := range pool {
		if !task.Scope.Contains(&u) {
			continue
		}
		c := u.CreditClass
		idx := map[string]int{"A": 0, "B": 1, "C": 2, "D": 3}[c]
		up := idx
		if u.Complaints >= 3 {
			up = min(idx+1, 3)
		}
		if u.Abnormal || u.SeriousViolation {
			up = 3
		}
		c = dtClasses[up]
		class[u.ID] = c
		scope[c]++
		if up != idx {
			raisedInto[c]++
		}
	}
	require.NotZero(t, raisedInto["D"], "the pool must exercise the uplift")
	for _, s := range rec.Strata {
		assert.Equal(t, scope[s.Stratum], s.Scope, "stratum %s scope", s.Stratum)
		assert.Equal(t, raisedInto[s.Stratum], s.Uplifted, "stratum %s uplifted", s.Stratum)
	}
	for _, s := range rec.Selected {
		assert.Equal(t, class[s.Target], s.Stratum, "selected %s", s.Target)
	}

	// The same task without the uplift stratifies by the registered class.
	plain := dtRun(t, dtTask(), pool)
	for _, s := range plain.Strata {
		assert.Zero(t, s.Uplifted)
	}
	assert.NotEqual(t, plain.Strata, rec.Strata)

	// A flag changed in the pool no longer matches the committed root.
	bad := append([]registry.Target(nil), pool...)
	for i := range bad {
		if bad[i].Abnormal && task.Scope.Contains(&bad[i]) {
			bad[i].Abnormal = false
			break
		}
	}
	var ve *VerifyError
	require.ErrorAs(t, Verify(&rec, bad, nil), &ve)
	assert.Equal(t, "manifest.targets", ve.Path)

	// A changed rule changes the manifest hash.
	edited := rec
	m := rec.Manifest
	u := *m.Uplift
	u.ComplaintsAtLeast = 4
	m.Uplift = &u
	edited.Manifest = m
	require.ErrorAs(t, Verify(&edited, pool, nil), &ve)
	assert.Equal(t, "manifest_hash", ve.Path)

	// A forged uplifted count is found.
	forged := rec
	forged.Strata = append([]StratumResult(nil), rec.Strata...)
	forged.Strata[0].Uplifted++
	require.ErrorAs(t, Verify(&forged, pool, nil), &ve)
	assert.Equal(t, "strata[0].uplifted", ve.Path)
}

// Absent an uplift rule nothing changes: the manifest and the record have
// no uplift members at all (the published vectors stay byte-identical).
func TestUpliftAbsentLeavesNoTrace(t *testing.T) {
	rec := dtRun(t, dtTask(), upliftPool())
	b, err := canon.Marshal(&rec)
	require.NoError(t, err)
	assert.False(t, bytes.Contains(b, []byte(`"uplift`)), "record mentions uplift: %s", b)
}

// A unit whose registered class is not among the declared classes is
// refused at commit, naming the unit (rule R12).
func TestUpliftUnknownClassRefused(t *testing.T) {
	pool := dtPool(30, 4)
	task := dtTask()
	task.Uplift = &Uplift{Classes: []string{"A", "B", "C"}, Abnormal: "C"}
	_, err := Commit(task, pool, nil)
	require.ErrorIs(t, err, ErrInvalidTask)
	assert.Contains(t, err.Error(), `credit class "D" is not one of uplift.classes`)
}

// An uplift declared in a task (rule R12): on the abnormal-operations list
// or with a serious violation → class D; three complaints or more → one
// class up.
func ExampleUplift_Class() {
	u := Uplift{Classes: []string{"A", "B", "C", "D"}, Abnormal: "D", SeriousViolation: "D", ComplaintsAtLeast: 3}
	for _, t := range []registry.Target{
		{ID: "91440101MA0000001A", CreditClass: "A"},
		{ID: "91440101MA0000002B", CreditClass: "A", Abnormal: true},
		{ID: "91440101MA0000003C", CreditClass: "B", Complaints: 4},
		{ID: "91440101MA0000004D", CreditClass: "C", SeriousViolation: true},
	} {
		c, raised, err := u.Class(&t)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(t.ID, t.CreditClass, "→", c, raised)
	}
	// Output:
	// 91440101MA0000001A A → A false
	// 91440101MA0000002B A → D true
	// 91440101MA0000003C B → C true
	// 91440101MA0000004D C → D true
}
