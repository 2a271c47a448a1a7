package checklist

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A row with more cells than the header is a row error (issue 15).
func TestExtraCellsAreARowError(t *testing.T) {
	data, err := os.ReadFile("../examples/data/checklist.csv")
	require.NoError(t, err)
	lines := strings.SplitAfter(string(data), "\n")
	lines[1] = strings.TrimRight(lines[1], "\r\n") + ",多余\n"
	_, err = ReadCSV(bytes.NewReader([]byte(strings.Join(lines, ""))), "c.csv", DefaultConfig())
	var rows RowErrors
	require.True(t, errors.As(err, &rows), "%v", err)
	require.Len(t, rows, 1)
	assert.Equal(t, 2, rows[0].Row)
	assert.Equal(t, "多余", rows[0].Value)
	assert.True(t, errors.Is(rows[0], ErrExtraCells))
}
