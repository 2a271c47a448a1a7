package registry

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ImportOptions.Progress sees every row once, in calls that never overlap
// and never go backwards.
func TestImportProgress(t *testing.T) {
	data, err := os.ReadFile("../examples/data/targets.csv")
	require.NoError(t, err)
	var calls []int
	busy := false
	tab, err := Decode(data, ImportOptions{File: "t.csv", Progress: func(done, total int) {
		require.False(t, busy, "overlapping calls")
		busy = true
		calls = append(calls, done)
		busy = false
	}})
	require.NoError(t, err)
	require.NotEmpty(t, calls)
	assert.Equal(t, tab.Len(), calls[len(calls)-1])
	for i := 1; i < len(calls); i++ {
		assert.Greater(t, calls[i], calls[i-1])
	}
}
