package draw

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// setSelectionGrain sets selectionGrain for the test and restores it.
func setSelectionGrain(t testing.TB, g int) {
	prev := selectionGrain
	selectionGrain = g
	t.Cleanup(func() { selectionGrain = prev })
}

// awkwardNames are names that encoding/json escapes (quote, backslash,
// control characters, U+2028/U+2029, invalid UTF-8) or writes as is
// although they look special (HTML characters, U+FFFD, CJK, emoji).
var awkwardNames = []string{
	`quote " in it`, `back\slash`, "tab\tand\nnew line\r", "\x00\x1f\x7f", "line\u2028sep\u2029",
	"bad \xff utf-8 \xe4\xb8", "<b>&amp;</b>", "\ufffd replacement", "杭州某某贸易有限公司", "emoji 😀", "",
}

// MarshalRecord's and WriteRecord's parallel encoding of the selections writes exactly the
// bytes of one encoding/json pass: for records of every branch of the
// draw (batches, groups, lock), for names that need escaping, on any
// number of processors and for any chunking.
func TestMarshalRecordEqualsEncodingJSON(t *testing.T) {
	pool := dtRisk(dtPool(3_000, 7))
	for i := range pool {
		if i%5 == 0 {
			pool[i].Name = awkwardNames[i/5%len(awkwardNames)]
		}
	}
	_, ev := dtSources()
	var recs []Record
	for _, task := range poolTasks(pool) {
		m, err := Commit(task, pool, nil)
		require.NoError(t, err)
		rec, err := Run(m, ev, pool, nil)
		require.NoError(t, err)
		require.NotEmpty(t, rec.Selected)
		recs = append(recs, rec)
	}
	// Records with groups and a lock, and the published vectors.
	for _, f := range []string{"vectors/05-record.json", "vectors/07-record.json", "uplift/record.json", "joint/record.json", "vectors-sm/07-record.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		require.NoError(t, err)
		rec, err := DecodeRecord(bytes.NewReader(b))
		require.NoError(t, err, f)
		recs = append(recs, rec)
	}
	empty := recs[0]
	empty.Selected = []Selection{}
	null := recs[0]
	null.Selected = nil
	one := recs[0]
	one.Selected = one.Selected[:1]
	recs = append(recs, empty, null, one)
	for _, grain := range []int{1, 3, 1000, 8192} {
		setSelectionGrain(t, grain)
		for _, procs := range []int{1, 2, 8} {
			prev := runtime.GOMAXPROCS(procs)
			for i := range recs {
				want, err := marshalRecordStd(&recs[i])
				require.NoError(t, err)
				got, err := MarshalRecord(&recs[i])
				require.NoError(t, err)
				require.Equal(t, string(want), string(got), "record %d, grain %d, GOMAXPROCS %d", i, grain, procs)
				var w bytes.Buffer
				require.NoError(t, WriteRecord(&w, &recs[i]))
				require.Equal(t, string(want), w.String(), "WriteRecord: record %d, grain %d, GOMAXPROCS %d", i, grain, procs)
			}
			runtime.GOMAXPROCS(prev)
		}
	}
}

// The published vector records are MarshalRecord's output, byte for
// byte, with the selections encoded in the smallest chunks.
func TestVectorRecordsParallelEncoding(t *testing.T) {
	setSelectionGrain(t, 1)
	for _, f := range []string{"vectors/05-record.json", "vectors/07-record.json", "uplift/record.json", "joint/record.json", "vectors-sm/05-record.json", "vectors-sm/07-record.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		require.NoError(t, err)
		rec, err := DecodeRecord(bytes.NewReader(b))
		require.NoError(t, err, f)
		got, err := MarshalRecord(&rec)
		require.NoError(t, err)
		require.Equal(t, string(b), string(got), f)
	}
}

// appendJSONString writes what encoding/json writes for a string (without
// HTML escaping).
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range awkwardNames {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		require.NoError(t, enc.Encode(s))
		want := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		require.Equal(t, string(want), string(appendJSONString([]byte("x"), s)[1:]))
	})
}

// failAfter is a writer that fails once it has taken n bytes.
type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, errors.New("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

// WriteRecord reports the writer's error, wherever it happens.
func TestWriteRecordWriteError(t *testing.T) {
	setSelectionGrain(t, 2)
	rec := dtRun(t, dtTask(), dtPool(2000, 3))
	require.Greater(t, len(rec.Selected), 10)
	want, err := MarshalRecord(&rec)
	require.NoError(t, err)
	for _, n := range []int{0, 10, len(want) / 2, len(want) - 3} {
		err := WriteRecord(&failAfter{n: n}, &rec)
		require.Error(t, err, "n %d", n)
		require.Contains(t, err.Error(), "disk full")
	}
	require.NoError(t, WriteRecord(&failAfter{n: len(want)}, &rec))
}
