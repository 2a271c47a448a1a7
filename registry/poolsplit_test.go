package registry

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// records parses s with strCSV into copies of its records (nil, false on
// a syntax error).
func records(s string) ([][]string, bool) {
	p := &strCSV{s: s}
	var out [][]string
	for {
		_, f, done, err := p.next()
		if done {
			return out, true
		}
		if err != nil {
			return nil, false
		}
		out = append(out, append([]string(nil), f...))
	}
}

// quotedCSV returns n random CSV records whose fields are often quoted
// and hold commas, doubled quotes and line breaks (also "\r\n"), with
// blank lines between some records.
func quotedCSV(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		for f := range 1 + r.IntN(4) {
			if f > 0 {
				b.WriteByte(',')
			}
			switch r.IntN(4) {
			case 0:
				fmt.Fprintf(&b, "plain%d", r.IntN(100))
			case 1:
				fmt.Fprintf(&b, "\"a,\n\"\"b\"\"\r\n%d\"", r.IntN(100))
			case 2:
				b.WriteString(`""`)
			default:
				fmt.Fprintf(&b, "\"%s\"", strings.Repeat("\n", r.IntN(3)))
			}
		}
		b.WriteString("\n")
		if r.IntN(10) == 0 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// Parts cut at a quoteIndex's recordCuts parse, one after the other, to
// exactly the records of the whole text (docs/draw-spec.md Appendix E: a
// record ends at a line break outside quotes), whatever the part and
// segment sizes; and lastRecordEnd cuts a text at a record end too.
func TestRecordCutsAreRecordEnds(t *testing.T) {
	defer func(m, q int) { poolSplitMin, quoteSeg = m, q }(poolSplitMin, quoteSeg)
	r := rand.New(rand.NewPCG(13, 1))
	for trial := range 200 {
		s := quotedCSV(r, 1+r.IntN(60))
		want, ok := records(s)
		require.True(t, ok)
		poolSplitMin = 1 + r.IntN(64)
		quoteSeg = 1 + r.IntN(1000)
		parts := 2 + r.IntN(8)
		cuts := newQuoteIndex(s).recordCuts(0, parts)
		var got [][]string
		lo := 0
		for _, c := range append(cuts, len(s)) {
			require.Greater(t, c, lo, "trial %d: cuts increase", trial)
			require.Equal(t, byte('\n'), s[c-1], "trial %d: a cut follows a line break", trial)
			recs, ok := records(s[lo:c])
			require.True(t, ok, "trial %d: part %q parses", trial, s[lo:c])
			got = append(got, recs...)
			lo = c
		}
		require.Equal(t, want, got, "trial %d: %d cuts", trial, len(cuts))

		cut := r.IntN(len(s) + 1)
		end := newQuoteIndex(s[:cut]).lastRecordEnd()
		if end < 0 {
			continue
		}
		head, ok := records(s[:end])
		require.True(t, ok, "trial %d", trial)
		tail, ok := records(s[end:])
		require.True(t, ok, "trial %d", trial)
		require.Equal(t, want, append(head, tail...), "trial %d: lastRecordEnd %d of %d", trial, end, cut)
	}
}

// lastRecordEndNaive is lastRecordEnd counting the quotes of s from its
// start (the definition, without a quoteIndex).
func lastRecordEndNaive(s string) int {
	quoted := strings.Count(s, `"`)%2 == 1
	for i := len(s) - 1; i >= 0; i-- {
		switch {
		case s[i] == '"':
			quoted = !quoted
		case s[i] == '\n' && !quoted:
			return i + 1
		}
	}
	return -1
}

// recordCutsNaive is recordCuts counting the quotes of s from each cut
// to the next (the definition, without a quoteIndex).
func recordCutsNaive(s string, parts int) []int {
	if parts < 2 || len(s) < 2*poolSplitMin {
		return nil
	}
	parts = min(parts, len(s)/poolSplitMin)
	var cuts []int
	start := 0
	for k := 1; k < parts; k++ {
		at := len(s) * k / parts
		if at <= start {
			continue
		}
		quoted := strings.Count(s[start:at], `"`)%2 == 1
		end := -1
		for i := at; i < len(s) && end < 0; i++ {
			switch {
			case s[i] == '"':
				quoted = !quoted
			case s[i] == '\n' && !quoted:
				end = i + 1
			}
		}
		if end < 0 || end >= len(s) {
			break
		}
		cuts = append(cuts, end)
		start = end
	}
	return cuts
}

// A quoteIndex counts quotes as strings.Count does from the text's start,
// for any segment size, also cut short (upTo); its cuts of the text from
// any record boundary on are those of counting that text from its start.
func TestQuoteIndex(t *testing.T) {
	defer func(m, q int) { poolSplitMin, quoteSeg = m, q }(poolSplitMin, quoteSeg)
	r := rand.New(rand.NewPCG(13, 2))
	for trial := range 300 {
		s := quotedCSV(r, 1+r.IntN(60))
		quoteSeg = 1 + r.IntN(40)
		poolSplitMin = 1 + r.IntN(64)
		n := r.IntN(len(s) + 1)
		q := newQuoteIndex(s).upTo(n)
		for range 20 {
			x := r.IntN(n + 1)
			require.Equal(t, strings.Count(s[:x], `"`), q.before(x), "trial %d: quotes before %d", trial, x)
		}
		// A record boundary: the start, or a record end before n.
		from := 0
		if end := lastRecordEndNaive(s[:r.IntN(n+1)]); end > 0 {
			from = end
		}
		parts := 2 + r.IntN(8)
		require.Equal(t, recordCutsNaive(s[from:n], parts), q.recordCuts(from, parts), "trial %d: cuts of [%d:%d]", trial, from, n)
		require.Equal(t, lastRecordEndNaive(s[:n]), q.lastRecordEnd(), "trial %d: last record end of [:%d]", trial, n)
	}
}

// quotedPool is a target file of n rows in shuffled order whose names are
// quoted and hold commas, doubled quotes and line breaks, so that blocks
// and parts must be cut inside quoted fields' neighbourhoods.
func quotedPool(t *testing.T, n int, seed uint64) string {
	var buf bytes.Buffer
	require.NoError(t, WriteTargetsCSV(&buf, genTargets(n, seed)))
	lines := strings.SplitAfter(buf.String(), "\n")
	for i := 1; i < len(lines); i++ {
		if i%3 != 0 || lines[i] == "" {
			continue
		}
		id, rest, _ := strings.Cut(lines[i], ",")
		_, rest, _ = strings.Cut(rest, ",")
		lines[i] = fmt.Sprintf("%s,\"广州,\n\"\"第%d\"\"\r\n分店\",%s", id, i, rest)
	}
	return strings.Join(lines, "")
}

// ReadPool cut into parts parsed on 1, 2 or 8 processors gives the pool of
// DecodeCSV (readBoth) for files with quoted line breaks, with a BOM, in
// GB18030, and in any row order: the same units, names and commitment.
func TestReadPoolPartsQuotedBOMGB18030Shuffled(t *testing.T) {
	text := quotedPool(t, 2000, 21)
	want, err := readBoth(t, []byte(text))
	require.NoError(t, err)
	require.Equal(t, 2000, want.Len())
	assert.Contains(t, want.Target(want.Len()/2).Name+want.Target(want.Len()/2+1).Name+want.Target(want.Len()/2+2).Name, "\n\"第")

	// The same rows in another order: records are not lines here, so
	// shuffle the targets and write them again.
	ts := want.Targets()
	rand.New(rand.NewPCG(5, 5)).Shuffle(len(ts), func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
	var shuffled bytes.Buffer
	require.NoError(t, WriteTargetsCSV(&shuffled, ts))
	for name, data := range map[string][]byte{
		"shuffled": shuffled.Bytes(),
		"BOM":      append([]byte("\ufeff"), text...),
		"GB18030": func() []byte {
			gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
			require.NoError(t, err)
			return []byte(gb)
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := readBoth(t, data)
			require.NoError(t, err)
			assert.Equal(t, want.Commitment(), got.Commitment())
			assert.Equal(t, want.Targets(), got.Targets())
		})
	}
}

// A bad row in a later part is reported with its file, row (the line on
// which its record starts, counting the line breaks inside quoted fields
// of earlier parts), column and value, as one pass reports it.
func TestReadPoolErrorInLaterPart(t *testing.T) {
	defer func(b, m int) { poolBlock, poolSplitMin = b, m }(poolBlock, poolSplitMin)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	text := quotedPool(t, 2000, 22)
	// Spoil the credit class of a record near the end.
	at := strings.LastIndex(text, ",B,")
	require.Positive(t, at)
	bad := text[:at] + ",Q," + text[at+3:]
	row := 1 + strings.Count(bad[:strings.LastIndex(bad[:at], "\n9")+1], "\n")
	for _, split := range []int{16, 4096, 256 << 10} {
		poolSplitMin = split
		for _, block := range []int{1 << 20, 8 << 20} {
			poolBlock = block
			_, err := ReadPool(strings.NewReader(bad), ImportOptions{File: "later.csv"})
			var re RowErrors
			require.ErrorAs(t, err, &re, "split %d block %d", split, block)
			require.Len(t, re, 1)
			assert.Equal(t, "later.csv", re[0].File)
			assert.Equal(t, row, re[0].Row, "split %d block %d", split, block)
			assert.Equal(t, "Q", re[0].Value)
			assert.Equal(t, "credit_class", re[0].Column)
			assert.ErrorIs(t, err, ErrUnknownClass)
		}
	}
	_, want := DecodeCSV([]byte(bad), ImportOptions{File: "later.csv"})
	require.Error(t, want)
	assert.Contains(t, want.Error(), fmt.Sprintf("row %d:", row))
}

// validUTF8 is utf8.ValidString: on every one- to four-byte sequence of
// interesting bytes (ASCII, continuation and lead bytes at the edges of
// their ranges), alone and between ASCII and CJK text, and on cut CJK text.
func TestValidUTF8(t *testing.T) {
	same := func(s string) {
		t.Helper()
		if got, want := validUTF8(s), utf8.ValidString(s); got != want {
			t.Fatalf("%q: %v, want %v", s, got, want)
		}
	}
	edge := []byte{0x00, 'a', 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF}
	var seq func(prefix []byte, n int)
	seq = func(prefix []byte, n int) {
		s := string(prefix)
		same(s)
		same("广州" + s)
		same(s + "有限公司")
		same("0123456" + s + "x")
		same("01234567" + s)
		if n == 0 {
			return
		}
		for _, b := range edge {
			seq(append(prefix, b), n-1)
		}
	}
	seq(nil, 4)
	text := "91440103MAT410000M,广州荔湾宾馆有限公司,entity,440103,H6110,B,false,false,0,active,治安;出入境;消防\n\uFFFD\uE000\u1000\uD7FF𝄞"
	for i := range len(text) + 1 {
		same(text[:i])
		same(text[i:])
	}
}

func FuzzValidUTF8(f *testing.F) {
	f.Add("广州荔湾宾馆有限公司,entity")
	f.Add("\xed\xa0\x80\xe0\x80\x80\xef\xbf\xbd")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validUTF8(s), utf8.ValidString(s); got != want {
			t.Fatalf("%q: %v, want %v", s, got, want)
		}
	})
}
