package plan

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 15: extra cells are a row error; an XLSX file is named for what it
// is instead of "a column is missing".
func TestHistoryShape(t *testing.T) {
	_, err := ReadHistory(strings.NewReader("target_id,item,date,result\nX1,ZA-01,2026-02-03,compliant,surplus\n"), "h.csv")
	var rows RowErrors
	require.True(t, errors.As(err, &rows), "%v", err)
	require.Len(t, rows, 1)
	assert.Equal(t, 2, rows[0].Row)
	assert.Equal(t, "surplus", rows[0].Value)

	_, err = ReadHistory(strings.NewReader("PK\x03\x04\x14\x00\x06\x00rest of a zip"), "h.xlsx")
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrBadFile))
	assert.Contains(t, err.Error(), "h.xlsx: ")
	assert.Contains(t, err.Error(), "history must be CSV")
}
