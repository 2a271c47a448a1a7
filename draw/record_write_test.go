package draw

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWriteRecordIsMarshalRecord checks that WriteRecord writes
// MarshalRecord's bytes for records of every size around its chunks, on
// any number of processors, with characters encoding/json may escape.
func TestWriteRecordIsMarshalRecord(t *testing.T) {
	mk := func(n int) *Record {
		r := &Record{Format: RecordFormat, R: "ab", Scope: n, Selected: make([]Selection, n),
			Batches: []Batch{{Number: 1, Targets: []string{"x<&>\u2028"}}},
			Groups:  []Group{{Target: "9144", Items: []string{"<i>"}}}}
		for i := range r.Selected {
			r.Selected[i] = Selection{Target: fmt.Sprintf("9144%014d", i), Name: "广州<&>\"公司\"\u2028", Stratum: "A/\\B", Rank: fmt.Sprintf("%064x", i)}
		}
		return r
	}
	for _, n := range []int{0, 1, writeChunk, writeChunk + 1, 3*writeChunk + 5} {
		r := mk(n)
		want, err := MarshalRecord(r)
		require.NoError(t, err)
		for _, procs := range []int{1, 2, 8} {
			prev := runtime.GOMAXPROCS(procs)
			var got bytes.Buffer
			err := WriteRecord(&got, r)
			runtime.GOMAXPROCS(prev)
			require.NoError(t, err)
			require.True(t, bytes.Equal(want, got.Bytes()), "%d selections, GOMAXPROCS %d", n, procs)
		}
	}
	none := mk(0)
	none.Selected = nil
	want, err := MarshalRecord(none)
	require.NoError(t, err)
	var got bytes.Buffer
	require.NoError(t, WriteRecord(&got, none))
	require.Equal(t, string(want), got.String())
}
