package pgstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/pgstore"
)

// PutRows encodes the binary COPY itself: what comes back is byte for byte
// what went in, for keys in any script, empty and binary data, a large
// value, and two snapshots in one transaction (their own sid each).
func TestPutRowsBinaryCopyRoundTrip(t *testing.T) {
	st, _ := open(t, pgstore.Options{})
	tx := begin(t, st, true)
	require.NoError(t, tx.AppendEvent(ctx, ev(0)))
	for _, id := range []string{"s1", "s2"} {
		require.NoError(t, tx.CreateSnapshot(ctx, office.Snapshot{ID: id, Pool: "targets", At: time.Unix(1, 0), EventHash: ev(0).Hash}))
	}
	binaryData := []byte{0, 1, 2, 0xff, 0xfe, '\\', '\n', '\r', 0}
	large := []byte(strings.Repeat("市场主体", 200_000)) // 2.4 MB in one value
	s1 := []office.Row{
		{Key: "91440101MA00000001", Data: []byte(`{"name":"广州市示例贸易有限公司"}`)},
		{Key: "a\tb", Data: binaryData},
		{Key: "empty", Data: []byte{}},
		{Key: "large", Data: large},
		{Key: "nil", Data: nil},
		{Key: strings.Repeat("键", 300), Data: []byte("x")},
		{Key: "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", Data: []byte("y")},
	}
	require.NoError(t, tx.PutRows(ctx, "s1", s1[:3]))
	require.NoError(t, tx.PutRows(ctx, "s1", s1[3:]))
	require.NoError(t, tx.PutRows(ctx, "s2", []office.Row{{Key: "91440101MA00000001", Data: []byte("other snapshot")}}))
	require.NoError(t, tx.Commit())

	rtx := begin(t, st, false)
	got, err := rtx.Rows(ctx, "s1", "", -1)
	require.NoError(t, err)
	want := map[string][]byte{}
	for _, r := range s1 {
		d := r.Data
		if d == nil {
			d = []byte{}
		}
		want[r.Key] = d
	}
	require.Equal(t, len(s1), len(got))
	for i, r := range got {
		if i > 0 {
			assert.Less(t, got[i-1].Key, r.Key, "byte order")
		}
		assert.True(t, string(want[r.Key]) == string(r.Data), "key %q: %d bytes back, %d put", r.Key, len(r.Data), len(want[r.Key]))
	}
	got, err = rtx.Rows(ctx, "s2", "", -1)
	require.NoError(t, err)
	assert.Equal(t, []office.Row{{Key: "91440101MA00000001", Data: []byte("other snapshot")}}, got)
}
