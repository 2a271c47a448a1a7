package registry

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Rule R19: an interest (利害关系) naming a target the target registry does
// not hold cannot trigger recusal; it is reported as a warning, not an
// error, with the file row and certificate number.
func TestInterestWarnings_R19_UnknownTarget(t *testing.T) {
	csv := "cert,name,department,unit,jurisdiction,qualifications,leader_eligible,unavailable,interests,active\n" +
		"A1,甲,治安,大队,440104,ZA-01,Y,,914403001922038216:近亲属;91440300708461136T:持股,Y\n" +
		"A2,乙,网警,大队,440103,,,,,\n" +
		"A3,丙,网警,大队,440103,,,,P-404:其他,\n"
	tab, err := DecodeCSV([]byte(csv), ImportOptions{File: "inspectors.csv"})
	require.NoError(t, err, "interests naming unknown targets keep the registry valid")
	targets := []Target{{ID: "914403001922038216"}, {ID: "P-1"}}

	ws := tab.InterestWarnings("inspectors.csv", targets)
	require.Len(t, ws, 2)
	assert.Equal(t, Warning{File: "inspectors.csv", Row: 2, ID: "A1", Column: "interests", Value: "91440300708461136T:shareholding",
		Code: "interest_unknown_target", Reason: ErrInterestUnknownTarget.Error(), Err: ErrInterestUnknownTarget}, ws[0])
	assert.Equal(t, 4, ws[1].Row)
	assert.Equal(t, "A3", ws[1].ID)
	assert.Equal(t, "P-404:other", ws[1].Value)
	assert.True(t, errors.Is(ws[1], ErrInterestUnknownTarget))
	assert.Equal(t, `inspectors.csv: row 4: column "interests" value "P-404:other" (id "A3"): `+ErrInterestUnknownTarget.Error(), ws[1].Error())

	// The slice form numbers inspectors by position.
	ws = InterestWarnings(tab.Inspectors, targets)
	require.Len(t, ws, 2)
	assert.Equal(t, []int{1, 3}, []int{ws[0].Row, ws[1].Row})
	assert.Empty(t, ws[0].File)

	// Every interest known: no warning; a target table has none.
	targets = append(targets, Target{ID: "91440300708461136T"}, Target{ID: "P-404"})
	assert.Empty(t, tab.InterestWarnings("inspectors.csv", targets))
	assert.Nil(t, (&Table{Pool: PoolTargets, Targets: targets}).InterestWarnings("t.csv", targets))
}
