package checklist

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Rule R2: the frequency wording sets a lower bound, an upper bound or both.
func TestParseFrequency_R2_Bounds(t *testing.T) {
	tests := []struct {
		in       string
		min, max int
		bounds   string
	}{
		{"每年1次", 1, 1, "每年1次"},
		{"1次/年", 1, 1, "每年1次"},
		{"每半年1次", 2, 2, "每年2次"},
		{"每季度1次", 4, 4, "每年4次"},
		{"每年至少一次", 1, 0, "每年至少1次"},
		{"每年不少于2次", 2, 0, "每年至少2次"},
		{"每年最多2次", 0, 2, "每年至多2次"},
		{"每年不超过一次", 0, 1, "每年至多1次"},
		{"每年1-2次", 1, 2, "每年1-2次"},
		{"每半年1至2次", 2, 4, "每年2-4次"},
		{"根据监管需要确定", 0, 0, "根据监管需要确定"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			f, err := ParseFrequency(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.min, f.PerYear)
			assert.Equal(t, tc.max, f.MaxPerYear)
			assert.Equal(t, tc.max > 0, f.Bounded())
			assert.Equal(t, tc.bounds, f.Bounds())
		})
	}
	for _, bad := range []string{"每年2-1次", "每年至少1-2次", "每年0-2次", "每年最多0次"} {
		_, err := ParseFrequency(bad)
		assert.True(t, errors.Is(err, ErrBadFrequency), "%q: %v", bad, err)
	}
}

// Rule R2: an item whose upper frequency bound is below its lower bound is
// invalid.
func TestValidateItem_R2_FrequencyBounds(t *testing.T) {
	it := validItem()
	it.Frequency = Frequency{PerYear: 2, MaxPerYear: 1, Text: "每年2次"}
	err := DefaultConfig().ValidateItem(it)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrBadFrequency)
	it.Frequency = Frequency{PerYear: 1, MaxPerYear: 2, Text: "每年1-2次"}
	assert.NoError(t, DefaultConfig().ValidateItem(it))
}

// Rule R3: a changed upper bound shows in the published diff even when the
// wording stays the same.
func TestCompare_R3_FrequencyBoundChange(t *testing.T) {
	a := validItem()
	a.Frequency = Frequency{PerYear: 1, MaxPerYear: 1, Text: "每年1次"}
	b := a
	b.Frequency.MaxPerYear = 0
	va, err := FirstVersion([]Item{a}, "2026-01-01", "", DefaultConfig())
	require.NoError(t, err)
	vb, _, err := NextVersion(va, []Item{b}, "2026-07-01", "", DefaultConfig())
	require.NoError(t, err)
	d := Compare(va, vb)
	require.Len(t, d.Changed, 1)
	require.Len(t, d.Changed[0].Fields, 1)
	assert.Equal(t, FieldChange{Field: "frequency", Label: "抽查频次", Old: "每年1次", New: "每年1次（每年至少1次）"}, d.Changed[0].Fields[0])
}

// FuzzParseFrequency: whatever parses has consistent bounds (rule R2), a
// wording that reparses to the same bounds, and passes item validation.
func FuzzParseFrequency(f *testing.F) {
	for _, s := range []string{"每年1次", "每年至少一次", "每年最多2次", "每年1-2次", "每半年1至2次", "2次/季度", "根据监管需要确定", "每年2-1次", "不定期", "每月十次", "每月100次"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fr, err := ParseFrequency(s)
		if err != nil {
			if !errors.Is(err, ErrBadFrequency) && !errors.Is(err, ErrMissingField) {
				t.Fatalf("%q: error %v wraps neither ErrBadFrequency nor ErrMissingField", s, err)
			}
			return
		}
		if fr.PerYear < 0 || fr.MaxPerYear < 0 || (fr.Bounded() && fr.MaxPerYear < fr.PerYear) {
			t.Fatalf("%q: inconsistent bounds %+v", s, fr)
		}
		again, err := ParseFrequency(fr.Text)
		if err != nil || again != fr {
			t.Fatalf("%q: text %q reparses to %+v, %v; want %+v", s, fr.Text, again, err, fr)
		}
		if !fr.AsNeeded() && max(fr.PerYear, fr.MaxPerYear) <= 1000 { // counts above 1000 are not parsed
			b, err := ParseFrequency(fr.Bounds())
			if err != nil || b.PerYear != fr.PerYear || b.MaxPerYear != fr.MaxPerYear {
				t.Fatalf("%q: Bounds() %q reparses to %+v, %v", s, fr.Bounds(), b, err)
			}
		}
		it := validItem()
		it.Frequency = fr
		if err := DefaultConfig().ValidateItem(it); err != nil {
			t.Fatalf("%q: parsed frequency %+v fails validation: %v", s, fr, err)
		}
	})
}
