package host_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/storetest"
)

// The office's conformance suite, unchanged, over the SQLite store run as
// a plugin (issue 11, point 4).
func TestConformanceSQLitePlugin(t *testing.T) {
	opt := storetest.Options{}
	if raceEnabled || testing.Short() {
		opt.BigRows = 3000
	}
	storetest.Run(t, func(t *testing.T) func() (office.Store, error) {
		h := testHost(t, "sqlite", &sqlitePlugin, "-path", filepath.Join(t.TempDir(), "ssj.db"))
		return func() (office.Store, error) { return h.OpenStore(context.Background(), "sqlite", "") }
	}, opt)
}

// Bodies and lists larger than the protocol's 1 MiB message limit travel
// in chunks and batches (the plugin's gRPC refuses any message over 1 MiB,
// so a missing split would fail here).
func TestLargeValuesCrossInChunks(t *testing.T) {
	ctx := context.Background()
	st := openFault(t)
	big := func(n int, seed byte) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = seed + byte(i%251)
		}
		return b
	}
	tx, err := st.Begin(ctx, true)
	require.NoError(t, err)
	ev := office.Event{Seq: 0, Hash: "h0", Body: big(2_500_000, 1)}
	require.NoError(t, tx.AppendEvent(ctx, ev))
	var objs []office.Object
	for i, n := range []int{10, 3_000_000, 700_000, 700_000, 1_048_576, 5} {
		o := office.Object{Kind: "record", ID: fmt.Sprintf("R%d", i), Rev: 1, EventSeq: 0, EventHash: "h0", Body: big(n, byte(i))}
		objs = append(objs, o)
		require.NoError(t, tx.Put(ctx, o))
	}
	rows := []office.Row{{Key: "a", Data: big(900_000, 3)}, {Key: "b", Data: big(900_000, 4)}, {Key: "c", Data: []byte("c")}}
	require.NoError(t, tx.CreateSnapshot(ctx, office.Snapshot{ID: "S", Pool: "targets", Count: 3, EventHash: "h0"}))
	require.NoError(t, tx.PutRows(ctx, "S", rows))
	require.NoError(t, tx.Commit())

	tx, err = st.Begin(ctx, false)
	require.NoError(t, err)
	defer tx.Rollback()
	o, err := tx.Get(ctx, "record", "R1")
	require.NoError(t, err)
	require.True(t, bytes.Equal(objs[1].Body, o.Body), "3 MB body round trip")
	got, err := tx.Latest(ctx, "record", "", 100)
	require.NoError(t, err)
	require.Equal(t, objs, got)
	es, err := tx.Events(ctx, 0, 10)
	require.NoError(t, err)
	require.Equal(t, []office.Event{ev}, es)
	last, err := tx.LastEvent(ctx)
	require.NoError(t, err)
	require.Equal(t, ev, last)
	gotRows, err := tx.Rows(ctx, "S", "", 10)
	require.NoError(t, err)
	require.Equal(t, rows, gotRows)

	// A single row over the limit is refused with a clear error, before
	// anything is sent.
	wtx, err := st.Begin(ctx, true)
	require.NoError(t, err)
	defer wtx.Rollback()
	err = wtx.PutRows(ctx, "S", []office.Row{{Key: "z", Data: big(1<<20, 0)}})
	require.ErrorIs(t, err, office.ErrPrecondition)
	require.ErrorContains(t, err, `row "z"`)
}
