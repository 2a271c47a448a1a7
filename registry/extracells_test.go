package registry

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A row with more cells than the header is a row error naming the row,
// the cell and its value (issue 15: the extra cells used to be dropped).
func TestExtraCellsAreARowError(t *testing.T) {
	data, err := os.ReadFile("../examples/data/targets.csv")
	require.NoError(t, err)
	lines := strings.SplitAfter(string(data), "\n")
	lines[2] = strings.TrimRight(lines[2], "\r\n") + ",多余\n"
	_, err = Decode([]byte(strings.Join(lines, "")), ImportOptions{File: "t.csv"})
	var rows RowErrors
	require.True(t, errors.As(err, &rows), "%v", err)
	require.Len(t, rows, 1)
	assert.Equal(t, 3, rows[0].Row)
	assert.Equal(t, "多余", rows[0].Value)
	assert.True(t, errors.Is(rows[0], ErrBadValue))
	assert.Contains(t, rows[0].Error(), "header has 11 columns")
	// Blank trailing cells (an export artefact) are allowed.
	lines[2] = strings.TrimSuffix(strings.TrimRight(lines[2], "\r\n"), ",多余") + ",,\n"
	_, err = Decode([]byte(strings.Join(lines, "")), ImportOptions{File: "t.csv"})
	assert.NoError(t, err)
}
