package office_test

import (
	"bytes"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/internal/merkle"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/memstore"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
	"github.com/shuangsuiji/ssj/workday"
)

// Under the national suite the import's parallel pass (several
// merkle.ChunkSize chunks) hashes in the SM3 tree: the snapshot root is the
// registry's ssj-v1-sm commitment and the digest the SM3 RFC 6962 root over
// the stored rows, from an index as from values.
func TestImportIndexUnderTheNationalSuite(t *testing.T) {
	at := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	ts := manyTargets(t, 2*merkle.ChunkSize+77)
	data := csvOf(t, ts)
	idx, err := registry.DecodeIndex(bytes.Clone(data), registry.ImportOptions{File: "t.csv"})
	require.NoError(t, err)
	cal, err := workday.Default()
	require.NoError(t, err)
	open := func() (*office.Office, office.Store) {
		st := memstore.New()
		o, err := office.New(office.Config{Store: st, Clock: office.ClockFunc(func() time.Time { return at }), Calendar: cal, Suite: suite.SSJv1SM})
		require.NoError(t, err)
		return o, st
	}
	step := office.Step{Who: "陈*", At: at}
	ox, sx := open()
	ix, err := ox.ImportSnapshot(ctx, step, office.SnapshotImport{ID: "s1", Pool: registry.PoolTargets, At: at, Index: idx})
	require.NoError(t, err)
	ov, _ := open()
	iv, err := ov.ImportSnapshot(ctx, step, office.SnapshotImport{ID: "s1", Pool: registry.PoolTargets, At: at, Targets: ts})
	require.NoError(t, err)
	assert.Equal(t, iv, ix)

	c, err := registry.CommitTargetsWith(suite.SSJv1SM, ts)
	require.NoError(t, err)
	assert.Equal(t, c.Root, ix.Root, "the snapshot root is the ssj-v1-sm commitment")
	v1, err := registry.CommitTargetsWith(suite.SSJv1, ts)
	require.NoError(t, err)
	assert.NotEqual(t, v1.Root, ix.Root)

	tree := suite.SSJv1SM.Merkle()
	rows := storedRows(t, sx, "s1")
	require.Len(t, rows, len(ts))
	datas := make([]merkle.Hash, len(rows))
	for i, r := range rows {
		datas[i] = tree.LeafHash(r.Data)
	}
	dig := tree.RootFromLeafHashes(datas)
	assert.Equal(t, hex.EncodeToString(dig[:]), ix.Digest, "the digest is the SM3 RFC 6962 root over the stored rows")
}
