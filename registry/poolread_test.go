package registry

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// onlyReader hides every method but Read.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// readBoth imports data with DecodeCSV (then TargetPool) and with ReadPool
// at several block sizes, and checks that they agree.
func readBoth(t *testing.T, data []byte) (*Pool, error) {
	t.Helper()
	var want *Pool
	tab, wantErr := DecodeCSV(bytes.Clone(data), ImportOptions{File: "f.csv"})
	if wantErr == nil && tab.Pool != PoolTargets {
		_, err := ReadPool(bytes.NewReader(data), ImportOptions{File: "f.csv"})
		require.ErrorIs(t, err, ErrBadHeader)
		return nil, err
	}
	if wantErr == nil {
		var err error
		want, err = tab.TargetPool()
		require.NoError(t, err)
	}
	defer func(b, m, g, q int) { poolBlock, poolSplitMin, poolGatherMin, quoteSeg = b, m, g, q }(poolBlock, poolSplitMin, poolGatherMin, quoteSeg)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	poolGatherMin = 1 // units gathered in label order in chunks too
	// Blocks of 8 MiB, 4 KiB and 64 bytes, each cut into parts of at
	// least 256 KiB, 512 or 16 bytes parsed on 1, 2 or 8 processors (a
	// few of the combinations, to keep the test fast under -race; large
	// inputs in larger blocks and parts, from one reader); the quotes
	// counted per 64 KiB or per few bytes (quoteIndex).
	type config struct{ block, split, procs, seg int }
	configs := []config{{8 << 20, 256 << 10, 1, 64 << 10}, {8 << 20, 16, 8, 64 << 10}, {4096, 512, 2, 100}, {4096, 256 << 10, 8, 64 << 10}, {64, 16, 8, 5}, {64, 512, 1, 3}}
	readers := func() []io.Reader { return []io.Reader{bytes.NewReader(data), onlyReader{bytes.NewReader(data)}} }
	if len(data) > 1<<20 {
		configs = []config{{8 << 20, 256 << 10, 1, 64 << 10}, {8 << 20, 4096, 8, 1000}, {1 << 20, 256 << 10, 2, 64 << 10}}
		readers = func() []io.Reader { return []io.Reader{bytes.NewReader(data)} }
	}
	for _, c := range configs {
		poolBlock, poolSplitMin, quoteSeg = c.block, c.split, c.seg
		runtime.GOMAXPROCS(c.procs)
		for _, r := range readers() {
			got, err := ReadPool(r, ImportOptions{File: "f.csv"})
			if wantErr != nil {
				require.Error(t, err, "%+v", c)
				var re RowErrors
				if assert.ErrorAs(t, err, &re) {
					var we RowErrors
					require.ErrorAs(t, wantErr, &we)
					assert.Equal(t, we.Error(), re.Error(), "%+v", c)
				}
				continue
			}
			require.NoError(t, err, "%+v", c)
			require.Equal(t, want.Commitment(), got.Commitment(), "%+v", c)
			require.Equal(t, want.Targets(), got.Targets(), "%+v", c)
			requireInputOrder(t, got, tab.Targets)
			// The profiles are numbered in the order they first occur
			// in the input, however the parts were shared out.
			require.Equal(t, want.Profiles(), got.Profiles(), "%+v", c)
			for j := range want.Profiles() {
				require.Equal(t, want.ProfileTarget(j), got.ProfileTarget(j), "%+v profile %d", c, j)
			}
		}
	}
	return want, wantErr
}

func TestReadPoolSample(t *testing.T) {
	data, err := os.ReadFile("../examples/data/targets.csv")
	require.NoError(t, err)
	p, err := readBoth(t, data)
	require.NoError(t, err)
	require.Positive(t, p.Len())

	// The same file in GB18030, with a title row and quoted cells.
	text := "某区检查对象名录\n" + strings.Replace(string(data), ",治安\n", ",\"治安\"\n", 5)
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	require.NoError(t, err)
	q, err := readBoth(t, []byte(gb))
	require.NoError(t, err)
	assert.Equal(t, p.Commitment(), q.Commitment())
}

func TestReadPoolLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	var buf bytes.Buffer
	require.NoError(t, WriteTargetsCSV(&buf, genTargets(60_000, 5))) // > csvSplitMin: parsed in parallel parts
	want, err := readBoth(t, buf.Bytes())
	require.NoError(t, err)
	for _, procs := range []int{1, 8} {
		prev := runtime.GOMAXPROCS(procs)
		got, err := ReadPool(bytes.NewReader(buf.Bytes()), ImportOptions{})
		runtime.GOMAXPROCS(prev)
		require.NoError(t, err)
		require.Equal(t, want.Commitment(), got.Commitment(), "GOMAXPROCS %d", procs)
		require.Equal(t, want.Targets(), got.Targets())
	}
}

func TestReadPoolErrors(t *testing.T) {
	data, err := os.ReadFile("../examples/data/targets.csv")
	require.NoError(t, err)
	lines := strings.SplitAfter(string(data), "\n")
	for name, text := range map[string]string{
		"duplicate":  strings.Join(lines, "") + lines[7],
		"bad class":  strings.Replace(strings.Join(lines, ""), ",B,", ",Q,", 1),
		"bad id":     strings.Join(mutateLast(lines, func(c []string) { c[0] = c[0][:17] + map[bool]string{true: "1", false: "0"}[c[0][17] == '0'] }), ""),
		"no name":    strings.Join(mutateLast(lines, func(c []string) { c[1] = " " }), ""),
		"bad quote":  strings.Join(lines[:5], "") + "a\"b,c\n",
		"inspectors": "cert,name,department,unit,jurisdiction\nX1,n,d,u,440103\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := readBoth(t, []byte(text))
			require.Error(t, err)
		})
	}
}

// mutateLast returns lines with the last entity row (ID starting "91")
// changed by f, a row whose profile cells occur earlier in the file.
func mutateLast(lines []string, f func(cells []string)) []string {
	out := slices.Clone(lines)
	for i := len(out) - 1; i > 0; i-- {
		if strings.HasPrefix(out[i], "91") {
			cells := strings.Split(strings.TrimSuffix(out[i], "\n"), ",")
			f(cells)
			out[i] = strings.Join(cells, ",") + "\n"
			break
		}
	}
	return out
}

// ReadPool agrees with DecodeCSV on any input: both refuse it, or both
// give the same pool and commitment. With small blocks the block cutting
// is exercised too.
func FuzzReadPool(f *testing.F) {
	data, err := os.ReadFile("../examples/data/targets.csv")
	if err != nil {
		f.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	f.Add(strings.Join(lines[:20], ""))
	f.Add(strings.Join(lines[:3], "") + "\"a\nb\",x\n" + lines[5])
	f.Add("id,name,jurisdiction,industry,credit_class,status,departments\nP1,n,440103,x,A,active,d\n")
	f.Fuzz(func(t *testing.T, text string) {
		defer func(b, m, q int) { poolBlock, poolSplitMin, quoteSeg = b, m, q }(poolBlock, poolSplitMin, quoteSeg)
		poolBlock, poolSplitMin, quoteSeg = 256, 16, 8
		tab, werr := DecodeCSV([]byte(text), ImportOptions{})
		got, gerr := ReadPool(strings.NewReader(text), ImportOptions{})
		if werr != nil || tab.Pool != PoolTargets {
			if gerr == nil {
				t.Fatalf("DecodeCSV refuses (%v) but ReadPool accepts", werr)
			}
			// The same errors, byte for byte, for UTF-8 text with a
			// header (ReadPool reports only the first of several
			// repeated IDs, and words a missing header its own way).
			if werr != nil && utf8.ValidString(text) && !errors.Is(werr, ErrDuplicateID) && !errors.Is(werr, ErrBadHeader) && gerr.Error() != werr.Error() {
				t.Fatalf("errors differ:\nDecodeCSV %v\nReadPool  %v", werr, gerr)
			}
			return
		}
		want, err := tab.TargetPool()
		if err != nil {
			if gerr == nil {
				t.Fatalf("TargetPool refuses (%v) but ReadPool accepts", err)
			}
			return
		}
		if gerr != nil {
			t.Fatalf("ReadPool refuses: %v", gerr)
		}
		if want.Commitment() != got.Commitment() {
			t.Fatalf("commitments differ")
		}
		// ScanPool gives the same units when the input is in canonical
		// order, and says so when it is not.
		var scanned []Target
		serr := ScanPool(strings.NewReader(text), ImportOptions{}, func(b *Pool) error {
			scanned = append(scanned, b.Targets()...)
			return nil
		})
		switch {
		case errors.Is(serr, ErrNotCanonical):
		case serr != nil:
			t.Fatalf("ScanPool: %v", serr)
		case !reflect.DeepEqual(scanned, got.Targets()) && len(scanned)+got.Len() > 0:
			t.Fatalf("ScanPool gives other units than ReadPool")
		}
	})
}

// ReadPool reports progress after each block: the rows read so far, never
// going down, and at the end the exact total. The total before the end is
// an estimate from the input's size, known for a file, any other seeker
// and a plain reader (read whole first).
func TestReadPoolProgress(t *testing.T) {
	defer func(b int) { poolBlock = b }(poolBlock)
	poolBlock = 64 << 10
	var buf bytes.Buffer
	require.NoError(t, WriteTargetsCSV(&buf, genTargets(5000, 9)))
	path := filepath.Join(t.TempDir(), "targets.csv")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	inputs := []struct {
		name string
		open func() io.Reader
	}{
		{"bytes.Reader", func() io.Reader { return bytes.NewReader(buf.Bytes()) }},
		{"plain reader", func() io.Reader { return struct{ io.Reader }{bytes.NewReader(buf.Bytes())} }},
		{"file", func() io.Reader {
			f, err := os.Open(path)
			require.NoError(t, err)
			t.Cleanup(func() { f.Close() })
			return f
		}},
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			var calls [][2]int
			p, err := ReadPool(in.open(), ImportOptions{Progress: func(done, total int) { calls = append(calls, [2]int{done, total}) }})
			require.NoError(t, err)
			require.Greater(t, len(calls), 2, "one call per block")
			for i := 1; i < len(calls); i++ {
				assert.GreaterOrEqual(t, calls[i][0], calls[i-1][0])
			}
			for _, c := range calls[:len(calls)-1] {
				// Rows of one generator: the estimate is close.
				assert.InDelta(t, p.Len(), c[1], float64(p.Len())/10, "estimated total after %d rows", c[0])
			}
			assert.Equal(t, [2]int{p.Len(), p.Len()}, calls[len(calls)-1])
		})
	}
}

// A row with more non-blank cells than its header is refused by ReadPool
// as by DecodeCSV (issue 15), also when its profile was seen before (the
// fast path); blank trailing cells are accepted.
func TestReadPoolExtraCells(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteTargetsCSV(&buf, genTargets(3, 9)))
	lines := strings.SplitAfter(buf.String(), "\n")
	// Row 4 takes row 2's profile cells, so that only the fast path
	// would see it.
	id4, _, _ := strings.Cut(lines[3], ",")
	_, rest2, _ := strings.Cut(lines[1], ",")
	lines[3] = id4 + "," + strings.TrimSuffix(rest2, "\n") + ",shifted\n"
	lines[2] = strings.TrimSuffix(lines[2], "\n") + ", ,\n"
	text := strings.Join(lines, "")
	_, want := DecodeCSV([]byte(text), ImportOptions{})
	_, got := ReadPool(strings.NewReader(text), ImportOptions{})
	require.Error(t, want)
	require.Error(t, got)
	assert.Equal(t, want.Error(), got.Error())
	assert.Contains(t, got.Error(), "row 4")
}

// The fast path keys a row's profile by its profile cells as typed: the
// input text of the cells when they are unquoted and adjacent, else the
// trimmed cells. Rows whose profile cells are quoted, padded, empty or
// short, columns in another order (the profile columns apart or
// reordered), and rows that repeat an earlier row's profile with a bad ID
// or name all read as DecodeCSV reads them.
func TestReadPoolProfileKeys(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteTargetsCSV(&buf, genTargets(300, 11)))
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	rows := make([][]string, len(lines))
	for i, l := range lines {
		rows[i] = strings.Split(l, ",")
	}
	join := func(rows [][]string) string {
		var b strings.Builder
		for _, r := range rows {
			b.WriteString(strings.Join(r, ","))
			b.WriteByte('\n')
		}
		return b.String()
	}
	edit := func(f func(i int, r []string) []string) [][]string {
		out := make([][]string, len(rows))
		for i, r := range rows {
			out[i] = slices.Clone(r)
			if i > 0 {
				out[i] = f(i, out[i])
			}
		}
		return out
	}
	cases := map[string][][]string{
		"plain": rows,
		"quoted": edit(func(i int, r []string) []string {
			if i%3 == 0 {
				r[2+i%9] = `"` + r[2+i%9] + `"`
			}
			return r
		}),
		"padded": edit(func(i int, r []string) []string {
			if i%4 == 0 {
				r[2+i%9] = " " + r[2+i%9] + "\t"
			}
			return r
		}),
		"empty and short": edit(func(i int, r []string) []string {
			switch i % 5 {
			case 0:
				r[10] = ""
			case 1:
				r = r[:10]
			case 2:
				r = append(r, "", " ")
			case 3:
				r[8], r[6] = "", ""
			}
			return r
		}),
		"name between": edit(func(i int, r []string) []string {
			return append(append([]string{r[0]}, r[2:6]...), append([]string{r[1]}, r[6:]...)...)
		}),
		"profile reordered": edit(func(i int, r []string) []string {
			r[2], r[10] = r[10], r[2]
			r[3], r[7] = r[7], r[3]
			return r
		}),
		"bad id or name": edit(func(i int, r []string) []string {
			switch {
			case i < 150:
			case i%7 == 0:
				r[0] = strings.ToLower(r[0])
			case i%7 == 1:
				r[0] += " "
			case i%7 == 2:
				r[0] = r[0][:17] + "\x01"
			case i%7 == 3:
				r[1] = " "
			case i%7 == 4:
				r[0] = `"` + r[0][:5] + "\n" + r[0][5:] + `"`
			case i%7 == 5:
				r[0] = ""
			}
			return r
		}),
	}
	// The header of "name between" and "profile reordered" moves too.
	cases["name between"][0] = append(append([]string{rows[0][0]}, rows[0][2:6]...), append([]string{rows[0][1]}, rows[0][6:]...)...)
	h := slices.Clone(rows[0])
	h[2], h[10], h[3], h[7] = h[10], h[2], h[7], h[3]
	cases["profile reordered"][0] = h
	for name, rs := range cases {
		t.Run(name, func(t *testing.T) {
			text := join(rs)
			p, err := readBoth(t, []byte(text))
			switch name {
			case "bad id or name", "empty and short": // departments are required
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, len(rows)-1, p.Len())
		})
	}
}

// rawKey takes the input text of unquoted adjacent profile cells (not
// copied) and falls back to the length-prefixed trimmed cells otherwise.
func TestRawKey(t *testing.T) {
	hm := mapHeader(PoolTargets, strings.Split("id,name,kind,jurisdiction,industry,credit_class,abnormal,serious_violation,complaints,status,departments", ","), func(col, val string, err error) { t.Fatal(col, val, err) })
	lo, hi := hm.profileSpan()
	require.Equal(t, [2]int{2, 10}, [2]int{lo, hi})
	for _, c := range []struct {
		line string
		span bool
	}{
		{"X,n,entity,440103,I,A,false,false,0,active,d", true},
		{"X,n,entity,440103,,A,false,false,,active,d", true},
		{"X,n,entity,440103,I,A,false,false,0,active,d,,", true},
		{`X,n,"entity",440103,I,A,false,false,0,active,d`, false},
		{`X,n,entity,440103,I,"A",false,false,0,active,d`, false},
		{"X,n,entity,440103,I,A,false,false,0,active,", false},
		{"X,n,entity,440103,I,A,false,false,0,active", false},
	} {
		p := &strCSV{s: c.line + "\n"}
		_, cells, _, err := p.next()
		require.NoError(t, err)
		key, span := rawKey(nil, &hm, cells, lo, hi)
		assert.Equal(t, c.span, span, c.line)
		if span {
			assert.Equal(t, strings.Join(cells[lo:hi+1], ","), string(key), c.line)
		} else {
			assert.Equal(t, byte('"'), key[0], c.line)
		}
	}
	hm.pos[tName], hm.pos[tKind] = hm.pos[tKind], hm.pos[tName] // the name between profile cells
	lo, _ = hm.profileSpan()
	assert.Equal(t, -1, lo)
}

// A USCC-shaped ID is one that the fast path's upper-casing and label
// checks leave as it is.
func TestUSCCShaped(t *testing.T) {
	for _, s := range []string{"91440103MAT410000M", "91440103mat410000M", "91440103MAT410000", "91440103MAT410000M ", " 1440103MAT410000M",
		"91440103MAT41000\x01M", "9144010３MAT410000", "", "ＡＢ", "91440103-AT410000M", "914401030000000453"} {
		if usccShaped(s) {
			assert.True(t, strings.ToUpper(s) == s && s != "" && !hasControl(s) && trim(s) == s, s)
			assert.Len(t, s, USCCLength)
		}
	}
	assert.True(t, usccShaped("91440103MAT410000M"))
	assert.False(t, usccShaped("91440103mat410000M"))
}

// usccCheck is usccShaped and ValidateUSCC in one pass: compared with
// them on valid codes, every one-byte change of them (each byte value at
// each position) and cut or extended codes.
func TestUSCCCheck(t *testing.T) {
	same := func(s string) {
		t.Helper()
		shaped, valid := usccCheck(s)
		if shaped != usccShaped(s) || valid != (ValidateUSCC(s) == nil) {
			t.Fatalf("%q: usccCheck %v %v, usccShaped %v, ValidateUSCC %v", s, shaped, valid, usccShaped(s), ValidateUSCC(s))
		}
	}
	codes := []string{"91440103MAT410000M", "914401030000000453", "92440104MAEYLFJD6F"}
	for _, tg := range genTargets(200, 3) {
		codes = append(codes, tg.ID)
	}
	for _, code := range codes {
		require.NoError(t, ValidateUSCC(code))
		same(code)
		same(code[:USCCLength-1])
		same(code + "0")
		for i := range USCCLength {
			for c := range 256 {
				b := []byte(code)
				b[i] = byte(c)
				same(string(b))
			}
		}
	}
}

func FuzzUSCCCheck(f *testing.F) {
	f.Add("91440103MAT410000M")
	f.Add("91440103MAT410000I")
	f.Fuzz(func(t *testing.T, s string) {
		shaped, valid := usccCheck(s)
		if shaped != usccShaped(s) || valid != (ValidateUSCC(s) == nil) {
			t.Fatalf("%q: usccCheck %v %v, usccShaped %v, ValidateUSCC %v", s, shaped, valid, usccShaped(s), ValidateUSCC(s))
		}
	})
}

// ReadPool gives DecodeCSV's errors, byte for byte, and its pool on UTF-8
// text mutated from the sample (quotes, commas, line breaks, spaces and
// ideographic spaces put in or cut out), in small blocks and parts: the
// fast path, the part cuts and the parallel copy against the reference.
func TestReadPoolMutations(t *testing.T) {
	data, err := os.ReadFile("../examples/data/targets.csv")
	require.NoError(t, err)
	lines := strings.SplitAfter(string(data), "\n")
	seeds := []string{strings.Join(lines[:40], ""), strings.Join(lines[:3], "") + "\"a\nb\",x\n" + lines[5], strings.Join(lines[:12], "") + strings.Join(lines[2:12], "")}
	r := rand.New(rand.NewPCG(7, 9))
	defer func(b, m int) { poolBlock, poolSplitMin = b, m }(poolBlock, poolSplitMin)
	n := 3000
	if testing.Short() {
		n = 300
	}
	for range n {
		poolBlock, poolSplitMin = []int{64, 256, 4096}[r.IntN(3)], []int{16, 64}[r.IntN(2)]
		b := []byte(seeds[r.IntN(len(seeds))])
		for k := r.IntN(6); k >= 0; k-- {
			i := r.IntN(len(b))
			switch r.IntN(4) {
			case 0:
				b[i] = "\",\n\r x"[r.IntN(6)]
			case 1:
				b = append(b[:i:i], append([]byte([]string{"\"", "\u3000", ",", "\n"}[r.IntN(4)]), b[i:]...)...)
			case 2:
				b = append(b[:i:i], b[r.IntN(len(b)):]...)
			case 3:
				b = append(b[:i:i], b[min(len(b), i+1+r.IntN(3)):]...)
			}
			if len(b) == 0 {
				b = []byte("x")
			}
		}
		text := string(b)
		if !utf8.ValidString(text) {
			continue
		}
		tab, werr := DecodeCSV([]byte(text), ImportOptions{})
		got, gerr := ReadPool(strings.NewReader(text), ImportOptions{})
		if werr != nil || tab.Pool != PoolTargets {
			require.Error(t, gerr, "%q", text)
			if werr != nil && !errors.Is(werr, ErrDuplicateID) && !errors.Is(werr, ErrBadHeader) {
				require.Equal(t, werr.Error(), gerr.Error(), "%q", text)
			}
			continue
		}
		want, err := tab.TargetPool()
		if err != nil {
			require.Error(t, gerr, "%q", text)
			continue
		}
		require.NoError(t, gerr, "%q", text)
		require.Equal(t, want.Commitment(), got.Commitment(), "%q", text)
	}
}

// usccShaped reports whether s has a USCC's length and only digits and
// upper-case ASCII letters (the reference of usccCheck's first result, which
// the fast path of ReadPool uses in its place).
func usccShaped(s string) bool {
	if len(s) != USCCLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// failingReader is a seekable reader of r that returns err at offset n
// and after, in short reads, and counts the reads made after its owner
// said it was done with it.
type failingReader struct {
	r     *bytes.Reader
	n     int64
	err   error
	done  atomic.Bool
	after atomic.Int32
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.done.Load() {
		f.after.Add(1)
	}
	pos, _ := f.r.Seek(0, io.SeekCurrent)
	if pos >= f.n {
		return 0, f.err
	}
	return f.r.Read(p[:min(int64(len(p)), f.n-pos, 1000)])
}

func (f *failingReader) Seek(off int64, whence int) (int64, error) { return f.r.Seek(off, whence) }

// ReadPool reads the next block while it parses one. A read error is
// reported (whichever block it falls in, after the rows of the blocks
// before it were found good), the bad row of a block before the read
// error is reported instead of it, and ReadPool never reads from its
// reader after it returns, on success or on either error.
func TestReadPoolReadsAhead(t *testing.T) {
	defer func(b, m int) { poolBlock, poolSplitMin = b, m }(poolBlock, poolSplitMin)
	poolBlock, poolSplitMin = 4096, 512
	var buf bytes.Buffer
	require.NoError(t, WriteTargetsCSV(&buf, genTargets(3000, 5)))
	data := buf.Bytes()
	boom := errors.New("boom")
	for _, procs := range []int{1, 2, 8} {
		prev := runtime.GOMAXPROCS(procs)
		for _, at := range []int{0, 100, 4096, 5000, len(data) / 2, len(data) - 1} {
			fr := &failingReader{r: bytes.NewReader(data), n: int64(at), err: boom}
			_, err := ReadPool(fr, ImportOptions{File: "f.csv"})
			fr.done.Store(true)
			require.ErrorIs(t, err, boom, "procs %d, error after %d bytes", procs, at)
			assert.Contains(t, err.Error(), "f.csv")
			time.Sleep(time.Millisecond)
			assert.Zero(t, fr.after.Load(), "procs %d, error after %d bytes: read after return", procs, at)
		}
		// A malformed record (which stops the import) in the first
		// block, the read error in the third.
		bad := bytes.Replace(data, []byte(",active"), []byte(`,"act"ive`), 1)
		fr := &failingReader{r: bytes.NewReader(bad), n: 3 * 4096, err: boom}
		_, err := ReadPool(fr, ImportOptions{File: "f.csv"})
		fr.done.Store(true)
		var re RowErrors
		require.ErrorAs(t, err, &re, "procs %d", procs)
		assert.NotErrorIs(t, err, boom)
		time.Sleep(time.Millisecond)
		assert.Zero(t, fr.after.Load(), "procs %d: read after return", procs)
		// The whole input, read ahead block by block, gives the pool.
		fr = &failingReader{r: bytes.NewReader(data), n: int64(len(data)), err: io.EOF}
		p, err := ReadPool(fr, ImportOptions{File: "f.csv"})
		fr.done.Store(true)
		require.NoError(t, err, "procs %d", procs)
		require.Equal(t, 3000, p.Len())
		assert.Zero(t, fr.after.Load(), "procs %d: read after return", procs)
		runtime.GOMAXPROCS(prev)
	}
}

// TestReadPoolWorkersShareKeys: a profile that one worker checked is not
// checked again by another worker in a later block (poolReader.share).
// The file's first block meets each of m profiles once, then pads with
// one more profile; the later blocks repeat them all. So the workers
// check each of the m profiles once, and the padding profile at most once
// each, where without sharing most profiles are checked again by every
// worker that meets them later. The pool is DecodeCSV's.
func TestReadPoolWorkersShareKeys(t *testing.T) {
	defer func(b, m, q int) { poolBlock, poolSplitMin, quoteSeg = b, m, q }(poolBlock, poolSplitMin, quoteSeg)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	poolBlock, poolSplitMin, quoteSeg = 4096, 64, 64
	const m = 40
	var sb strings.Builder
	sb.WriteString("id,name,jurisdiction,industry,credit_class,status,departments\n")
	id := 0
	row := func(p int) {
		id++
		fmt.Fprintf(&sb, "%s,n%d,440103,I%02d,A,active,d\n", makeUSCC("440103", id), id, p)
	}
	for p := range m {
		row(p)
	}
	for sb.Len() < 2*poolBlock {
		row(m)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		row(r.IntN(m + 1))
	}
	data := []byte(sb.String())
	tab, err := DecodeCSV(bytes.Clone(data), ImportOptions{File: "f.csv"})
	require.NoError(t, err)
	want, err := tab.TargetPool()
	require.NoError(t, err)
	for _, procs := range []int{2, 8} {
		runtime.GOMAXPROCS(procs)
		pr := &poolReader{opt: ImportOptions{File: "f.csv"}, size: -1}
		got, err := pr.read(bytes.NewReader(data), false)
		require.NoError(t, err)
		require.Equal(t, want.Commitment(), got.Commitment(), "GOMAXPROCS %d", procs)
		require.Len(t, pr.workers, procs)
		checked := pr.checked // the keys added in the blocks taken, and any since
		for _, o := range pr.workers {
			checked += len(o.rawLog)
		}
		assert.GreaterOrEqual(t, checked, m+1, "GOMAXPROCS %d", procs)
		assert.LessOrEqual(t, checked, m+procs, "GOMAXPROCS %d: profiles checked by the workers", procs)
	}
}

// TestReadPoolWorkersUsePoolKeys: in a block, each worker checks the
// profiles new to it and holds only those; once the block is taken, the
// pool has every key (poolReader.share), and in the next block both
// workers find them there, checking and holding nothing. The pool is
// DecodeCSV's, profiles numbered in input order whichever worker met a
// profile first.
func TestReadPoolWorkersUsePoolKeys(t *testing.T) {
	const header = "id,name,jurisdiction,industry,credit_class,status,departments\n"
	const m = 5
	id := 0
	rows := func(order ...int) string {
		var sb strings.Builder
		for _, p := range order {
			id++
			fmt.Fprintf(&sb, "%s,n%d,440103,I%02d,A,active,d\n", makeUSCC("440103", id), id, p)
		}
		return sb.String()
	}
	// Block 1: parts a and b, each parsed by its own worker, a first;
	// block 2: parts c and d, every key already in the pool.
	a, b := rows(0, 1, 2, 1, 0), rows(3, 2, 1, 4, 0)
	c, d := rows(4, 3, 2, 1, 0), rows(0, 0, 4, 4, 2)
	pr := &poolReader{opt: ImportOptions{File: "f.csv"}, size: -1, b: newPoolBuilder()}
	require.NoError(t, pr.header(&csvSource{p: &strCSV{s: header}}))
	require.NotNil(t, pr.hm)
	wa, wb := newPoolBuilder(), newPoolBuilder()
	wa.base, wb.base = pr.b, pr.b
	pr.workers = []*poolBuilder{wa, wb}
	parse := func(w *poolBuilder, part string) poolPart {
		pt := pr.parse(&csvSource{p: &strCSV{s: part}}, w, true)
		require.Nil(t, pt.fatal)
		require.Empty(t, pt.errs)
		return pt
	}
	line := 1
	take := func(parts ...poolPart) {
		bases := make([]int, len(parts))
		for i, pt := range parts {
			bases[i] = line
			line += len(pt.rows)
		}
		require.NoError(t, pr.takeParts(parts, bases))
		pr.share()
	}
	pa := parse(wa, a)
	assert.Len(t, wa.rawLog, 3, "worker a checks profiles 0, 1, 2")
	assert.Len(t, wa.profs, 3)
	pb := parse(wb, b)
	assert.Len(t, wb.rawLog, 5, "worker b checks the profiles new to it")
	assert.Len(t, wb.profs, 5)
	take(pa, pb)
	assert.Equal(t, 8, pr.checked)
	assert.Len(t, pr.b.raw, m)
	assert.Len(t, pr.b.profs, m)
	pc, pd := parse(wa, c), parse(wb, d)
	for _, w := range pr.workers {
		assert.Empty(t, w.rawLog, "block 2: nothing checked again")
		assert.Empty(t, w.profs, "block 2: every profile numbered in the pool")
	}
	take(pc, pd)
	got, err := pr.b.finish(func(int, int) error { return errors.New("repeated ID") })
	require.NoError(t, err)
	tab, err := DecodeCSV([]byte(header+a+b+c+d), ImportOptions{File: "f.csv"})
	require.NoError(t, err)
	want, err := tab.TargetPool()
	require.NoError(t, err)
	require.Equal(t, want.Commitment(), got.Commitment())
	require.Equal(t, want.Len(), got.Len())
	for i := range want.Len() {
		require.Equal(t, want.Profile(i), got.Profile(i), "unit %d: profiles numbered in input order", i)
		require.Equal(t, want.Target(i), got.Target(i))
	}
}
