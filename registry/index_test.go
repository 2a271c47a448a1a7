package registry

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// requireIndexMatches asserts that an index holds exactly the table's
// units, in label order, with their row numbers, read by two readers.
func requireIndexMatches(t *testing.T, tab *Table, x *Index) {
	t.Helper()
	require.Equal(t, tab.Pool, x.Pool())
	require.Equal(t, tab.Len(), x.Len())
	order := make([]int, tab.Len())
	for i := range order {
		order[i] = i
	}
	label := func(i int) string { return tab.Targets[i].ID }
	if tab.Pool == PoolInspectors {
		label = func(i int) string { return tab.Inspectors[i].Cert }
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(label(a), label(b)) })
	r1, r2 := x.Reader(), x.Reader()
	var t1, t2 Target // reused across units, as the office does
	var i1, i2 Inspector
	for k, i := range order {
		require.Equal(t, label(i), x.Label(k), "unit %d", k)
		require.Equal(t, tab.Rows[i], x.Row(k), "unit %d", k)
		if k > 0 {
			require.Less(t, x.Label(k-1), x.Label(k))
		}
		if tab.Pool == PoolTargets {
			require.NoError(t, r1.Target(k, &t1))
			require.NoError(t, r2.Target(len(order)-1-k, &t2)) // another reader, another position
			want := tab.Targets[i]
			// A reused list may be empty where a fresh one is nil.
			if len(want.Departments) == 0 && len(t1.Departments) == 0 {
				t1.Departments = want.Departments
			}
			require.Equal(t, want, t1, "unit %d", k)
			require.Error(t, r1.Inspector(k, &i1), "a target index has no inspectors")
		} else {
			require.NoError(t, r1.Inspector(k, &i1))
			require.NoError(t, r2.Inspector(len(order)-1-k, &i2))
			want := tab.Inspectors[i]
			for _, fix := range []struct{ got, want *[]string }{{&i1.Qualifications, &want.Qualifications}} {
				if len(*fix.want) == 0 && len(*fix.got) == 0 {
					*fix.got = *fix.want
				}
			}
			if len(want.Unavailable) == 0 && len(i1.Unavailable) == 0 {
				i1.Unavailable = want.Unavailable
			}
			if len(want.Interests) == 0 && len(i1.Interests) == 0 {
				i1.Interests = want.Interests
			}
			require.Equal(t, want, i1, "unit %d", k)
			require.Error(t, r1.Target(k, &t1), "an inspector index has no targets")
		}
	}
}

func targetsCSV(t *testing.T, ts []Target) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, WriteTargetsCSV(&b, ts))
	return b.Bytes()
}

// TestDecodeIndexMatchesDecode: the index holds what Decode returns, for
// every encoding and container the importer reads (rule R6).
func TestDecodeIndexMatchesDecode(t *testing.T) {
	big := targetsCSV(t, genTargets(30000, 3)) // > csvSplitMin: parsed in parallel parts
	require.Greater(t, len(big), 2*csvSplitMin)
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(chineseTargets))
	require.NoError(t, err)
	var xlsx bytes.Buffer
	require.NoError(t, WriteTargetsXLSX(&xlsx, genTargets(50, 4)))
	var ixlsx bytes.Buffer
	require.NoError(t, WriteInspectorsXLSX(&ixlsx, roundTripInspectors()))
	var icsv bytes.Buffer
	require.NoError(t, WriteInspectorsCSV(&icsv, roundTripInspectors()))
	// A quoted field with a line break: the file is parsed in one part
	// and a re-read record spans two lines.
	quoted := strings.Replace(string(targetsCSV(t, genTargets(5, 5))), "测试企业3", "\"测试\n企业3\"", 1)
	cases := map[string][]byte{
		"big CSV":            big,
		"Chinese headers":    []byte(chineseTargets),
		"GB18030":            gb,
		"BOM and blank rows": append([]byte("\xEF\xBB\xBF"), strings.Replace(string(targetsCSV(t, genTargets(20, 6))), "\n", "\n\n,,,,,,,,,,\n", 5)...),
		"quoted line break":  []byte(quoted),
		"XLSX targets":       xlsx.Bytes(),
		"XLSX inspectors":    ixlsx.Bytes(),
		"CSV inspectors":     icsv.Bytes(),
		"empty table":        []byte(strings.Join(TargetColumns(), ",") + "\n"),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			tab, err := Decode(slices.Clone(data), ImportOptions{File: "f"})
			require.NoError(t, err)
			x, err := DecodeIndex(slices.Clone(data), ImportOptions{File: "f"})
			require.NoError(t, err)
			assert.Equal(t, "f", x.File())
			requireIndexMatches(t, tab, x)
		})
	}
}

// TestDecodeIndexErrorsMatchDecode: a file Decode refuses is refused by
// DecodeIndex with the same errors, rows, columns and values, whether the
// bad row is the first or deep in a large file (rules R6, R15).
func TestDecodeIndexErrorsMatchDecode(t *testing.T) {
	ts := genTargets(30000, 8)
	good := string(targetsCSV(t, ts))
	lines := strings.Split(good, "\n")
	deep := slices.Clone(lines)
	deep[29000] = strings.Replace(deep[29000], ",active,", ",asleep,", 1) // bad status deep in the second part
	dup := slices.Clone(lines)
	dup[28000] = dup[12] // a repeated ID across the parts
	cases := map[string]string{
		"bad status deep":  strings.Join(deep, "\n"),
		"duplicate ID":     strings.Join(dup, "\n"),
		"Chinese problems": chineseTargets + "3,914403001922038216,重复,企业,440307,I65,E,否,否,x,存续,治安\n",
		"no header":        "a,b\n1,2\n",
		"bad quote":        "id,name\n\"a,b\n",
		"wrong pool":       string(targetsCSV(t, ts[:3])),
		"partial asked":    strings.Join(deep, "\n"),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			opt := ImportOptions{File: "deep.csv"}
			if name == "wrong pool" {
				opt.Pool = PoolInspectors
			}
			_, want := Decode([]byte(data), opt)
			require.Error(t, want)
			if name == "partial asked" {
				opt.Partial = true // ignored: an index is all or nothing
			}
			x, got := DecodeIndex([]byte(data), opt)
			require.Error(t, got)
			assert.Nil(t, x)
			assert.Equal(t, want.Error(), got.Error())
			var wes, ges RowErrors
			require.ErrorAs(t, want, &wes)
			require.ErrorAs(t, got, &ges)
			require.Equal(t, len(wes), len(ges))
			for i := range wes {
				assert.Equal(t, *wes[i], *ges[i])
			}
		})
	}
	t.Run("deep row named", func(t *testing.T) {
		_, err := DecodeIndex([]byte(cases["bad status deep"]), ImportOptions{File: "deep.csv"})
		assert.ErrorIs(t, err, ErrBadStatus)
		assert.Contains(t, err.Error(), fmt.Sprintf(`deep.csv: row %d: column "status" value "asleep"`, 29001))
	})
}

func FuzzDecodeIndex(f *testing.F) {
	f.Add([]byte(chineseTargets))
	f.Add([]byte("cert,name,department,unit,jurisdiction,qualifications,leader_eligible,unavailable,interests,active\n" +
		"A1,甲,治安,大队,440104,ZA-01,Y,2026-03-01/2026-03-14 x;2026-05-01T08:00:00Z/2026-05-02T00:00:00+08:00,9144:kin,离岗\n"))
	f.Add([]byte("id,name,jurisdiction,industry,credit_class,status,departments\n914403001922038216,\"x\ny\",440307,I,A,active,治安\n\n914403001922038216,y,440307,I,A,active,治安\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, werr := Decode(slices.Clone(data), ImportOptions{File: "fuzz.csv"})
		x, gerr := DecodeIndex(slices.Clone(data), ImportOptions{File: "fuzz.csv"})
		if werr != nil {
			require.Error(t, gerr)
			require.Equal(t, werr.Error(), gerr.Error())
			return
		}
		require.NoError(t, gerr)
		requireIndexMatches(t, tab, x)
	})
}
