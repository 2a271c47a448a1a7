package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Rule R19: `registry validate --targets` warns of every declared interest
// naming a target not in the target registry; the file stays valid (exit 0).
func TestRegistryValidate_R19_InterestWarnings(t *testing.T) {
	p := writeTemp(t, "inspectors.csv", "cert,name,department,unit,jurisdiction,qualifications,leader_eligible,unavailable,interests,active\n"+
		"A1,甲,治安,大队,440104,ZA-01,Y,,91440103MAT410000M:近亲属,Y\n"+
		"A2,乙,治安,大队,440104,ZA-01,Y,,914403001922038216:持股,Y\n")
	code, out, errOut := runCLI(t, "", "registry", "validate", p, "--targets", sampleTargets)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, `warning: `+p+`: row 3: column "interests" value "914403001922038216:shareholding" (id "A2"): declared interest names a target that is not in the target registry`)
	assert.NotContains(t, out, "91440103MAT410000M", "a known target gives no warning")
	assert.Contains(t, out, "2 inspectors, valid, 1 warning(s)")

	code, out, _ = runCLI(t, "", "registry", "validate", p, "--targets", sampleTargets, "--json")
	require.Equal(t, exitOK, code)
	var res struct {
		Valid    bool `json:"valid"`
		Warnings []struct {
			Row  int    `json:"row"`
			ID   string `json:"id"`
			Code string `json:"code"`
		} `json:"warnings"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res), out)
	assert.True(t, res.Valid)
	require.Len(t, res.Warnings, 1)
	assert.Equal(t, 3, res.Warnings[0].Row)
	assert.Equal(t, "A2", res.Warnings[0].ID)
	assert.Equal(t, "interest_unknown_target", res.Warnings[0].Code)

	// The sample registries agree: no warning.
	code, out, _ = runCLI(t, "", "registry", "validate", sampleInspectors, "--targets", sampleTargets)
	assert.Equal(t, exitOK, code)
	assert.NotContains(t, out, "warning")

	// --targets is a usage error elsewhere, and on a target registry.
	code, _, _ = runCLI(t, "", "registry", "commit", p, "--targets", sampleTargets)
	assert.Equal(t, exitUsage, code)
	code, _, errOut = runCLI(t, "", "registry", "validate", sampleTargets, "--targets", sampleTargets)
	assert.Equal(t, exitUsage, code)
	assert.True(t, strings.Contains(errOut, "inspector registry"), errOut)
	code, _, _ = runCLI(t, "", "registry", "validate", p, "--targets", "no-such-file.csv")
	assert.Equal(t, exitUsage, code)
}
