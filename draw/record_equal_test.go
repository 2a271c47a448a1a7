package draw

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEqualRecordJSON checks that the chunked comparison says equal
// exactly when json.Marshal gives equal bytes, for differences in the
// head, in the selections (within and across chunks, at the ends) and for
// a nil against an empty selection list.
func TestEqualRecordJSON(t *testing.T) {
	mk := func(n int) *Record {
		r := &Record{Format: RecordFormat, R: "ab", Scope: n, Selected: make([]Selection, n),
			Batches: []Batch{{Number: 1, Targets: []string{"x<&>"}}}}
		for i := range r.Selected {
			r.Selected[i] = Selection{Target: fmt.Sprintf("9144%014d", i), Name: "广州<&>公司", Stratum: "A", Rank: fmt.Sprintf("%064x", i)}
		}
		return r
	}
	n := 2*equalChunk + 7
	same := func(a, b *Record) bool {
		ja, erra := json.Marshal(a)
		jb, errb := json.Marshal(b)
		require.NoError(t, erra)
		require.NoError(t, errb)
		return bytes.Equal(ja, jb)
	}
	a := mk(n)
	cases := map[string]func(r *Record){
		"equal":      func(r *Record) {},
		"head":       func(r *Record) { r.R = "ac" },
		"batches":    func(r *Record) { r.Batches[0].Targets[0] = "y" },
		"first":      func(r *Record) { r.Selected[0].Name += " " },
		"chunk edge": func(r *Record) { r.Selected[equalChunk].Rank = "00" },
		"last":       func(r *Record) { r.Selected[n-1].Stratum = "B" },
		"shorter":    func(r *Record) { r.Selected = r.Selected[:n-1] },
		"none":       func(r *Record) { r.Selected = nil },
		"empty":      func(r *Record) { r.Selected = []Selection{} },
	}
	for name, edit := range cases {
		b := mk(n)
		edit(b)
		require.Equal(t, same(a, b), equalRecordJSON(a, b), name)
		require.Equal(t, same(b, a), equalRecordJSON(b, a), name)
	}
	none, empty := mk(0), mk(0)
	none.Selected = nil
	require.True(t, equalRecordJSON(none, mk(0)) == same(none, mk(0)))
	require.True(t, equalRecordJSON(empty, mk(0)))
	require.True(t, equalRecordJSON(none, &Record{Format: RecordFormat, R: "ab", Batches: []Batch{{Number: 1, Targets: []string{"x<&>"}}}}))
}
