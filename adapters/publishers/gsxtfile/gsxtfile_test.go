package gsxtfile_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/shuangsuiji/ssj/adapters/publishers/gsxtfile"
	"github.com/shuangsuiji/ssj/internal/golden"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/memstore"
	"github.com/shuangsuiji/ssj/publish"
)

var ctx = context.Background()

// demoOutbox runs the demo and returns its office, store and publications.
func demoOutbox(t *testing.T) (*office.Office, office.Store, []office.Publication) {
	t.Helper()
	st := memstore.New()
	o, clock, err := demo.New(st)
	require.NoError(t, err)
	_, err = demo.Run(ctx, o, clock, nil)
	require.NoError(t, err)
	pubs, err := o.Outbox(ctx, office.DeliverOptions{Publisher: "gsxt", PublicBase: "https://example.gov.cn/api/v1/results"})
	require.NoError(t, err)
	return o, st, pubs
}

func fixedNow() time.Time { return time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC) }

// TestGolden: the files of the demo's correction (公示 columns, CSV), its
// credit-record entry (信用记录, R30, CSV) and their receipts are the
// golden ones; the XLSX files hold the same cells.
func TestGolden(t *testing.T) {
	_, _, pubs := demoOutbox(t)
	dir := t.TempDir()
	p, err := gsxtfile.New(dir, gsxtfile.Options{Now: fixedNow})
	require.NoError(t, err)
	var corr, credit office.Publication
	for _, pub := range pubs {
		if pub.Kind == office.PublicationCorrection {
			corr = pub
		}
	}
	for _, pub := range pubs {
		if pub.Kind == office.PublicationCredit && pub.Subject == corr.Subject {
			credit = pub
		}
	}
	require.NotEmpty(t, corr.Key)
	require.NotEmpty(t, credit.Key)
	for _, c := range []struct {
		pub         office.Publication
		sub, golden string
		columns     []string
		sheet       string
	}{
		{corr, "results", "correction", publish.ExportColumns, publish.XLSXSheet},
		{credit, "credit", "credit", gsxtfile.CreditColumns, gsxtfile.CreditSheet},
	} {
		rc, err := p.Publish(ctx, c.pub)
		require.NoError(t, err)
		assert.False(t, rc.Duplicate)
		assert.Equal(t, "gsxt-file:"+c.pub.Key, rc.PlatformID)
		assert.Equal(t, fixedNow(), rc.ReceivedAt)
		csv, err := os.ReadFile(filepath.Join(dir, c.sub, c.pub.Key+".csv"))
		require.NoError(t, err)
		golden.Check(t, c.golden+".csv", csv)
		receipt, err := os.ReadFile(filepath.Join(dir, "receipts", c.pub.Key+".json"))
		require.NoError(t, err)
		// The key comes from the trail event's hash: the golden file
		// names it KEY, so that it does not change with the demo's trail.
		receipt = bytes.ReplaceAll(bytes.ReplaceAll(receipt, []byte(dir), []byte("DIR")), []byte(c.pub.Key), []byte("KEY"))
		golden.Check(t, c.golden+".receipt.json", receipt)

		f, err := excelize.OpenFile(filepath.Join(dir, c.sub, c.pub.Key+".xlsx"))
		require.NoError(t, err)
		rows, err := f.GetRows(c.sheet)
		require.NoError(t, err)
		f.Close()
		require.Len(t, rows, 2)
		assert.Equal(t, c.columns, rows[0])
		lines := strings.Split(strings.TrimPrefix(strings.TrimSpace(string(csv)), "\ufeff"), "\n")
		require.Len(t, lines, 2)
		assert.Equal(t, rows[1][0], strings.Split(lines[1], ",")[0], "the XLSX row is the CSV row")
	}
}

// TestIdempotent: every demo publication written once; the same key
// again returns the first receipt (Duplicate) and writes no second file;
// a different body under a used key is refused.
func TestIdempotent(t *testing.T) {
	_, _, pubs := demoOutbox(t)
	dir := t.TempDir()
	p, err := gsxtfile.New(dir, gsxtfile.Options{Now: fixedNow})
	require.NoError(t, err)
	first := map[string]office.Receipt{}
	for _, pub := range pubs {
		rc, err := p.Publish(ctx, pub)
		require.NoError(t, err)
		first[pub.Key] = rc
	}
	before := listFiles(t, dir)
	later := func() time.Time { return fixedNow().Add(time.Hour) }
	p2, err := gsxtfile.New(dir, gsxtfile.Options{Now: later}) // another process, same directory
	require.NoError(t, err)
	for _, pub := range pubs {
		rc, err := p2.Publish(ctx, pub)
		require.NoError(t, err)
		assert.True(t, rc.Duplicate)
		want := first[pub.Key]
		want.Duplicate = true
		assert.Equal(t, want, rc)
	}
	assert.Equal(t, before, listFiles(t, dir), "no second file")
	count := map[string]int{}
	for _, f := range before {
		count[strings.SplitN(f, "/", 2)[0]]++
	}
	assert.Equal(t, len(pubs), count["receipts"])

	changed := pubs[1]
	changed.Body = append([]byte(nil), changed.Body...)
	changed.SHA256 = strings.Repeat("0", 64)
	_, err = p2.Publish(ctx, changed)
	require.ErrorIs(t, err, office.ErrPrecondition)
}

func TestDeliverToDirectory(t *testing.T) {
	o, st, pubs := demoOutbox(t)
	p, err := gsxtfile.New(t.TempDir(), gsxtfile.Options{})
	require.NoError(t, err)
	rep, err := o.Deliver(ctx, office.Step{Who: "推送任务"}, p, office.DeliverOptions{Publisher: "gsxt", PublicBase: "https://example.gov.cn/api/v1/results"})
	require.NoError(t, err)
	assert.Equal(t, len(pubs), rep.Sent)
	assert.Zero(t, rep.Pending)
	ar, err := office.Audit(ctx, st, office.AuditOptions{})
	require.NoError(t, err)
	require.True(t, ar.OK, "%v", ar.Problem)
}

func TestRefusesMalformed(t *testing.T) {
	p, err := gsxtfile.New(t.TempDir(), gsxtfile.Options{})
	require.NoError(t, err)
	for _, pub := range []office.Publication{
		{Key: "a", Kind: office.PublicationResult, Body: []byte(`{"result_id":1}`)},
		{Key: "b", Kind: office.PublicationCredit, Body: []byte(`{"uscc":"x","nope":1}`)},
		{Key: "c", Kind: office.PublicationSummary, Body: []byte(`{`)},
		{Key: "d", Kind: "poem", Body: []byte(`{}`)},
		{Key: "", Kind: office.PublicationSummary, Body: []byte(`{}`)},
	} {
		_, err := p.Publish(ctx, pub)
		require.ErrorIs(t, err, office.ErrPrecondition, pub.Key)
	}
}

func TestName(t *testing.T) {
	assert.Equal(t, "ssj-ab-result", gsxtfile.Name("ssj-ab-result"))
	for _, k := range []string{"../x", "a/b", "..", "", strings.Repeat("a", 129)} {
		n := gsxtfile.Name(k)
		assert.Len(t, n, 64, k)
		assert.NotContains(t, n, "/")
	}
}

func listFiles(t *testing.T, dir string) []string {
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out = append(out, filepath.ToSlash(rel))
		return nil
	}))
	sort.Strings(out)
	return out
}
