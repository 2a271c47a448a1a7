package jsonin

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type inner struct {
	CommitTime time.Time `json:"commit_time"`
	Count      int       `json:"count"`
	Ratio      decimal.Decimal
	Tags       map[string]string `json:"tags,omitempty"`
}

type doc struct {
	Format   string   `json:"format"`
	Manifest inner    `json:"manifest"`
	Selected []inner  `json:"selected"`
	Opt      *inner   `json:"opt,omitempty"`
	Any      any      `json:"any,omitempty"`
	Skip     string   `json:"-"`
	Names    []string `json:"names"`
	embedded
}

type embedded struct {
	Extra bool `json:"extra"`
}

func TestDecodeNamesPathAndValue(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		opt            Options
	}{
		{"issue 15 example", `{"manifest":{"commit_time":1}}`, "manifest.commit_time: want an RFC 3339 time string, e.g. 2026-03-20T09:00:00+08:00, got number 1", Options{}},
		{"bad time string", `{"manifest":{"commit_time":"yesterday"}}`, `manifest.commit_time: want an RFC 3339 time string, e.g. 2026-03-20T09:00:00+08:00, got string "yesterday"`, Options{}},
		{"array index", `{"selected":[{},{"count":"3"}]}`, `selected[1].count: want an integer, got string "3"`, Options{}},
		{"float for int", `{"selected":[{"count":1.5}]}`, "selected[0].count: want an integer, got number 1.5", Options{}},
		{"unknown field", `{"colour":"red"}`, `colour: unknown field "colour"`, Options{}},
		{"duplicate key", `{"format":"a","format":"b"}`, `format: duplicate key "format"`, Options{}},
		{"duplicate in map", `{"manifest":{"tags":{"a":"1","a":"2"}}}`, `manifest.tags.a: duplicate key "a"`, Options{}},
		{"duplicate in any", `{"any":{"x":1,"x":2}}`, `any.x: duplicate key "x"`, Options{}},
		{"duplicate case-folded", `{"format":"a","Format":"b"}`, `Format: duplicate key "Format"`, Options{}},
		{"null document", `null`, "top level: want a JSON object, got null", Options{}},
		{"empty", "  \n", "top level: empty document: want a JSON object", Options{}},
		{"truncated", `{"format":"a","names":["x"`, "line 1, column 27 (names): truncated JSON: the document ends inside a value", Options{}},
		{"syntax", "{\n\"format\": x}", "line 2, column 11 (format): invalid JSON: invalid character 'x' looking for beginning of value", Options{}},
		{"trailing", `{} {}`, "line 1, column 4: trailing data after the JSON value", Options{}},
		{"wrong top type", `[1]`, "top level: want a JSON object, got an array", Options{}},
		{"null for string", `{"format":null}`, "format: want a string, got null", Options{}},
		{"bool for string", `{"names":[true]}`, "names[0]: want a string, got boolean true", Options{}},
		{"binary", "\xff\xfe\x00garbage", "line 1, column 1: not UTF-8 text (binary data, or a legacy encoding such as GBK?)", Options{}},
		{"cut character", "{\"id\": \"长\xe9\xa5", "line 1, column 10: truncated JSON: the document ends inside a character", Options{}},
		{"pointer to struct", `{"opt":{"count":-1.0}}`, "opt.count: want an integer, got number -1.0", Options{}},
		{"decimal", `{"manifest":{"Ratio":"5%"}}`, `manifest.Ratio: error decoding string '"5%"': can't convert 5% to decimal (got string "5%")`, Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var d doc
			err := Decode([]byte(tc.in), &d, tc.opt)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrJSON))
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

func TestDecodeAccepts(t *testing.T) {
	in := "\ufeff{\r\n\"format\":\"f\",\"manifest\":{\"commit_time\":\"2026-03-20T09:00:00+08:00\",\"count\":3,\"Ratio\":0.05},\r\n" +
		"\"selected\":[],\"opt\":null,\"any\":{\"k\":[1,\"x\",null]},\"names\":null,\"extra\":true}\r\n"
	var d doc
	require.NoError(t, Decode([]byte(in), &d, Options{}))
	assert.Equal(t, "f", d.Format)
	assert.Equal(t, 3, d.Manifest.Count)
	assert.True(t, d.Extra)
	assert.Equal(t, "0.05", d.Manifest.Ratio.String())

	var loose struct {
		A int `json:"a"`
	}
	require.NoError(t, Decode([]byte(`{"a":1,"b":{"c":2},"a":3}`), &loose, Options{AllowUnknown: true, AllowDuplicates: true}))
	assert.Equal(t, 3, loose.A)

	var list []int
	require.NoError(t, Decode([]byte(`[1,2]`), &list, Options{}))
	assert.Equal(t, []int{1, 2}, list)
	assert.Error(t, Decode([]byte(`null`), &list, Options{}), "a null list is refused at the top level")
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"manifest":{"commit_time":1}}`, `{"selected":[{"count":2}]}`, `null`, "\ufeff{}", `{"any":[{"a":1}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d doc
		err := Decode(data, &d, Options{})
		if err != nil {
			if !errors.Is(err, ErrJSON) {
				t.Fatalf("error %v does not wrap ErrJSON", err)
			}
			return
		}
		// Whatever jsonin accepts, encoding/json accepts too.
		var again doc
		if err := Decode(data, &again, Options{AllowDuplicates: true}); err != nil {
			t.Fatalf("accepted strictly but not loosely: %v", err)
		}
	})
}

// The fast path accepts exactly what the walk accepts, and gives the same
// value.
func FuzzFastPathAgrees(f *testing.F) {
	for _, s := range []string{`{"manifest":{"commit_time":"2026-03-20T09:00:00+08:00","count":3}}`, `{"format":"a","Format":"b"}`,
		`{"selected":[{"count":2},{"count":3}],"names":["x"]}`, `{"names":null}`, `{"any":{"a":1,"a":2}}`, `{"s":1,"\u017f":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var fast, slow doc
		errFast := decode(data, &fast, Options{}, true)
		errSlow := decode(data, &slow, Options{}, false)
		if (errFast == nil) != (errSlow == nil) {
			t.Fatalf("fast path: %v, walk: %v", errFast, errSlow)
		}
		if errFast == nil {
			assert.Equal(t, slow, fast)
		}
	})
}
