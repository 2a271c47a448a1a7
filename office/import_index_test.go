package office_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/internal/merkle"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/memstore"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/workday"
)

// manyTargets returns n valid targets in a scrambled order, so that the
// import sorts them and pass 1 spans several merkle.ChunkSize chunks.
func manyTargets(t *testing.T, n int) []registry.Target {
	t.Helper()
	ts := make([]registry.Target, n)
	for i := range ts {
		body := fmt.Sprintf("91440103%09d", (i*7919)%n)
		c, err := registry.USCCCheckChar(body)
		require.NoError(t, err)
		ts[i] = registry.Target{ID: body + string(c), Name: fmt.Sprintf("企业\"%d\"", i), Kind: registry.KindEntity, Jurisdiction: "440103",
			Industry: "H6110", CreditClass: string(rune('A' + i%4)), Complaints: i % 3, Status: registry.StatusActive,
			Departments: []string{"治安", "消防"}[:1+i%2]}
	}
	return ts
}

func csvOf(t *testing.T, ts []registry.Target) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, registry.WriteTargetsCSV(&b, ts))
	return b.Bytes()
}

// newOffice is an office on a memory store whose clock is at `at`.
func newOffice(t *testing.T, at time.Time, reg registry.Config) (*office.Office, office.Store) {
	t.Helper()
	cal, err := workday.Default()
	require.NoError(t, err)
	st := memstore.New()
	o, err := office.New(office.Config{Store: st, Clock: office.ClockFunc(func() time.Time { return at }), Calendar: cal, Registry: reg})
	require.NoError(t, err)
	return o, st
}

func storedRows(t *testing.T, st office.Store, id string) []office.Row {
	t.Helper()
	tx, err := st.Begin(ctx, false)
	require.NoError(t, err)
	defer tx.Rollback()
	var out []office.Row
	after := ""
	for {
		page, err := tx.Rows(ctx, id, after, 5000)
		require.NoError(t, err)
		out = append(out, page...)
		if len(page) < 5000 {
			return out
		}
		after = page[len(page)-1].Key
	}
}

// Rule R6: importing from a registry.Index stores exactly what importing
// the decoded values stores (snapshot, root, digest, rows, trail event,
// change counts), and the root is the registry's commitment.
func TestImportIndexMatchesValues(t *testing.T) {
	at := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	ts := manyTargets(t, 2*merkle.ChunkSize+123)
	data := csvOf(t, ts)
	tab, err := registry.Decode(bytes.Clone(data), registry.ImportOptions{File: "t.csv"})
	require.NoError(t, err)
	idx, err := registry.DecodeIndex(bytes.Clone(data), registry.ImportOptions{File: "t.csv"})
	require.NoError(t, err)

	ov, sv := newOffice(t, at, registry.Config{})
	ox, sx := newOffice(t, at, registry.Config{})
	step := office.Step{Who: "陈*", At: at}
	iv, err := ov.ImportSnapshot(ctx, step, office.SnapshotImport{ID: "s1", Pool: registry.PoolTargets, At: at, Targets: tab.Targets})
	require.NoError(t, err)
	ix, err := ox.ImportSnapshot(ctx, step, office.SnapshotImport{ID: "s1", Pool: registry.PoolTargets, At: at, Index: idx})
	require.NoError(t, err)
	assert.Equal(t, iv, ix)
	assert.Equal(t, lastEvent(t, sv), lastEvent(t, sx))

	c, err := tab.Commit()
	require.NoError(t, err)
	assert.Equal(t, c.Root, ix.Root, "the snapshot root is the registry commitment")
	rows := storedRows(t, sx, "s1")
	require.Equal(t, storedRows(t, sv, "s1"), rows)
	require.Len(t, rows, len(ts))
	datas := make([]merkle.Hash, len(rows))
	for i, r := range rows {
		datas[i] = merkle.LeafHash(r.Data)
	}
	dig := merkle.RootFromLeafHashes(datas)
	assert.Equal(t, hex.EncodeToString(dig[:]), ix.Digest, "the digest is the RFC 6962 root over the stored rows")

	// A second snapshot: one removed, one changed, one added.
	next := append([]registry.Target(nil), tab.Targets[1:]...)
	next[5].Complaints += 10
	body := fmt.Sprintf("91440103%09d", 999999999)
	ch, err := registry.USCCCheckChar(body)
	require.NoError(t, err)
	add := next[0]
	add.ID = body + string(ch)
	next = append(next, add)
	at2 := at.Add(24 * time.Hour)
	step2 := office.Step{Who: "陈*", At: at}
	idx2, err := registry.DecodeIndex(csvOf(t, next), registry.ImportOptions{File: "t2.csv"})
	require.NoError(t, err)
	iv, err = ov.ImportSnapshot(ctx, step2, office.SnapshotImport{ID: "s2", Pool: registry.PoolTargets, At: at2, Targets: next})
	require.NoError(t, err)
	ix, err = ox.ImportSnapshot(ctx, step2, office.SnapshotImport{ID: "s2", Pool: registry.PoolTargets, At: at2, Index: idx2})
	require.NoError(t, err)
	assert.Equal(t, iv, ix)
	assert.Equal(t, [3]int64{1, 1, 1}, [3]int64{ix.Added, ix.Changed, ix.Removed})
	assert.Equal(t, "s1", ix.Previous)
	require.Equal(t, storedRows(t, sv, "s2"), storedRows(t, sx, "s2"))
	got, err := ox.Targets(ctx, "s2")
	require.NoError(t, err)
	assert.Len(t, got, len(next))
}

// Every step checked: an index read under one class set is checked again
// under the office's; a bad unit deep in the file is refused with its file
// row, field and value, and nothing is stored (no snapshot, no row, no
// event).
func TestImportIndexCheckedByTheOffice(t *testing.T) {
	at := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	ts := manyTargets(t, 2*merkle.ChunkSize+5)
	for i := range ts {
		if ts[i].CreditClass == "D" {
			ts[i].CreditClass = "C"
		}
	}
	ts[len(ts)-10].CreditClass = "D" // row len(ts)-8 of the file (header is row 1)
	idx, err := registry.DecodeIndex(csvOf(t, ts), registry.ImportOptions{File: "deep.csv"})
	require.NoError(t, err, "D is a class of the default set")
	o, st := newOffice(t, at, registry.Config{Classes: []string{"A", "B", "C"}})
	_, err = o.ImportSnapshot(ctx, office.Step{Who: "陈*", At: at}, office.SnapshotImport{ID: "s1", Pool: registry.PoolTargets, At: at, Index: idx})
	var se *office.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "targets", se.Field)
	require.ErrorIs(t, err, office.ErrPrecondition)
	require.ErrorIs(t, err, registry.ErrUnknownClass)
	var res registry.RowErrors
	require.ErrorAs(t, err, &res)
	require.Len(t, res, 1)
	assert.Equal(t, registry.RowError{File: "deep.csv", Row: len(ts) - 8, ID: ts[len(ts)-10].ID, Column: "credit_class", Value: "D", Err: res[0].Err}, *res[0])
	assert.True(t, strings.Contains(err.Error(), fmt.Sprintf(`deep.csv: row %d: column "credit_class" value "D"`, len(ts)-8)), err.Error())
	assert.Equal(t, int64(0), eventCount(t, st))
	ss, _, err := o.Snapshots(ctx, "", 10)
	require.NoError(t, err)
	assert.Empty(t, ss)

	// An index of the other pool is refused before anything is read.
	_, err = o.ImportSnapshot(ctx, office.Step{Who: "陈*", At: at}, office.SnapshotImport{ID: "s1", Pool: registry.PoolInspectors, At: at, Index: idx})
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "pool", se.Field)
	assert.Equal(t, int64(0), eventCount(t, st))
}
