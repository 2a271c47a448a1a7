package plan

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Rule R9: a task whose scope holds no active target of the registry (a
// header-only registry, say) cannot be drawn; the check used to PASS it.
func TestR9EmptyPoolFails(t *testing.T) {
	f, err := os.Open("../examples/data/plan.json")
	require.NoError(t, err)
	defer f.Close()
	p, err := Decode(f, "plan.json")
	require.NoError(t, err)
	rep, err := Check(p, Input{}, DefaultConfig())
	require.NoError(t, err)
	assert.False(t, rep.OK())
	n := 0
	for _, fd := range rep.Findings {
		if fd.Rule == "R9" {
			n++
			assert.Equal(t, Fail, fd.Status, fd.Subject)
			assert.Contains(t, fd.Note, "nothing can be drawn")
		}
	}
	assert.Equal(t, len(p.Tasks), n)
}

// The year check says what it wants: 1900 has four digits.
func TestYearMessage(t *testing.T) {
	data, err := os.ReadFile("../examples/data/plan.json")
	require.NoError(t, err)
	s := strings.Replace(string(data), `"year": 2026`, `"year": 1900`, 1)
	require.NotEqual(t, string(data), s)
	_, err = Decode(strings.NewReader(s), "plan.json")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `year: value "1900"`)
	assert.Contains(t, err.Error(), "want a plan year from 2000 to 9999")
}
