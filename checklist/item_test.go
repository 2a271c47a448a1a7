package checklist

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func nd(s string) decimal.NullDecimal {
	if s == "" {
		return decimal.NullDecimal{}
	}
	return decimal.NullDecimal{Decimal: dec(s), Valid: true}
}

// validItem is a general item that passes every check.
func validItem() Item {
	return Item{
		Code: "ZA-02", Name: "印章刻制业治安管理检查", TargetType: "印章刻制企业",
		Category: CategoryGeneral, Methods: []Method{MethodDocumentReview, MethodOnSite},
		Department: "治安", LegalBasis: []string{"《印铸刻字业暂行管理规则》"},
		RatioMin: dec("0.05"), RatioMax: nd("0.15"),
		Frequency: Frequency{PerYear: 1, Text: "每年1次"},
	}
}

func TestParseRatio(t *testing.T) {
	tests := []struct {
		in      string
		lo, hi  string // hi "" = no upper bound
		wantErr error
	}{
		{"5%", "0.05", "0.05", nil},
		{"0.05", "0.05", "0.05", nil},
		{"5％", "0.05", "0.05", nil},
		{"3%-10%", "0.03", "0.1", nil},
		{"3-10%", "0.03", "0.1", nil},
		{"3%～10%", "0.03", "0.1", nil},
		{"3%至10%", "0.03", "0.1", nil},
		{"不低于5%", "0.05", "", nil},
		{"≥5%", "0.05", "", nil},
		{"至少 5 %", "0.05", "", nil},
		{"不超过10%", "0", "0.1", nil},
		{"≤10%", "0", "0.1", nil},
		{"不设上限", "0", "", nil},
		{"100%", "1", "1", nil},
		{"", "", "", ErrMissingField},
		{"五个百分点", "", "", ErrBadRatio},
		{"120%", "", "", ErrBadRatio},
		{"10%-3%", "", "", ErrBadRatio},
		{"-5%", "", "", ErrBadRatio},
		{"1e-2", "", "", ErrBadRatio},
		{"5", "", "", ErrBadRatio}, // a bare number above 1 is not a fraction
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			lo, hi, err := ParseRatio(tc.in)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("ParseRatio(%q) error %v, want %v", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseRatio(%q): %v", tc.in, err)
			}
			if !lo.Equal(dec(tc.lo)) {
				t.Errorf("lo = %s, want %s", lo, tc.lo)
			}
			if hi.Valid != (tc.hi != "") || (hi.Valid && !hi.Decimal.Equal(dec(tc.hi))) {
				t.Errorf("hi = %v, want %q", hi, tc.hi)
			}
		})
	}
}

func TestRatioText_RoundTrip(t *testing.T) {
	for _, s := range []string{"5%", "3%-10%", "不低于5%", "不超过10%", "不设上限", "12.5%"} {
		lo, hi, err := ParseRatio(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := RatioText(lo, hi); got != s {
			t.Errorf("RatioText(ParseRatio(%q)) = %q", s, got)
		}
	}
}

func TestParseFrequency(t *testing.T) {
	tests := []struct {
		in      string
		perYear int
		wantErr error
	}{
		{"每年1次", 1, nil},
		{"每年至少一次", 1, nil},
		{"一年一次", 1, nil},
		{"1次/年", 1, nil},
		{"每半年1次", 2, nil},
		{"2次/半年", 4, nil},
		{"每季度1次", 4, nil},
		{"每月两次", 24, nil},
		{"根据监管需要确定", 0, nil},
		{"按需", 0, nil},
		{"不定期", 0, nil},
		{"", 0, ErrMissingField},
		{"经常", 0, ErrBadFrequency},
		{"每年0次", 0, ErrBadFrequency},
		{"每年99999次", 0, ErrBadFrequency},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			f, err := ParseFrequency(tc.in)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("error %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil || f.PerYear != tc.perYear {
				t.Fatalf("ParseFrequency(%q) = %+v, %v; want PerYear %d", tc.in, f, err, tc.perYear)
			}
		})
	}
}

func TestParseMethods_R5(t *testing.T) {
	got, err := ParseMethods("查阅资料、实地核查，网络监测和专业机构核查")
	if err != nil {
		t.Fatal(err)
	}
	want := []Method{MethodDocumentReview, MethodOnSite, MethodOnlineMonitoring, MethodProfessionalBody}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if _, err := ParseMethods("查阅资料、电话询问"); !errors.Is(err, ErrBadMethod) {
		t.Fatalf("unknown method: %v", err)
	}
}

func TestValidateItem(t *testing.T) {
	cfg := DefaultConfig()
	tests := []struct {
		name   string
		mutate func(*Item)
		field  string
		want   error
	}{
		{"valid", func(*Item) {}, "", nil},
		{"R1 no legal basis", func(it *Item) { it.LegalBasis = nil }, "legal_basis", ErrNoLegalBasis},
		{"R1 blank legal basis", func(it *Item) { it.LegalBasis = []string{"  "} }, "legal_basis", ErrNoLegalBasis},
		{"R4 general item over cap", func(it *Item) { it.RatioMax = nd("0.25") }, "ratio_max", ErrOverCap},
		{"R4 general item exactly at cap", func(it *Item) { it.RatioMax = nd("0.2") }, "", nil},
		{"R4 general item min over cap", func(it *Item) { it.RatioMin = dec("0.3"); it.RatioMax = nd("") }, "ratio_min", ErrOverCap},
		{"R4 key item with upper bound", func(it *Item) { it.Category = CategoryKey }, "ratio_max", ErrKeyItemCapped},
		{"R4 key item uncapped", func(it *Item) { it.Category = CategoryKey; it.RatioMax = nd("") }, "", nil},
		{"R4 general item without own bound uses cap", func(it *Item) { it.RatioMax = nd("") }, "", nil},
		{"R5 unknown method", func(it *Item) { it.Methods = []Method{"phone"} }, "methods", ErrBadMethod},
		{"R5 duplicate method", func(it *Item) { it.Methods = []Method{MethodOnSite, MethodOnSite} }, "methods", ErrDuplicateValue},
		{"R2 no method", func(it *Item) { it.Methods = nil }, "methods", ErrMissingField},
		{"R2 no department", func(it *Item) { it.Department = "" }, "department", ErrMissingField},
		{"R2 no frequency", func(it *Item) { it.Frequency = Frequency{} }, "frequency", ErrMissingField},
		{"R2 bad category", func(it *Item) { it.Category = "urgent" }, "category", ErrBadCategory},
		{"bounds reversed", func(it *Item) { it.RatioMin = dec("0.1"); it.RatioMax = nd("0.05") }, "ratio_max", ErrBadRatio},
		{"code with space", func(it *Item) { it.Code = "ZA 02" }, "code", ErrBadCode},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			it := validItem()
			tc.mutate(&it)
			err := cfg.ValidateItem(it)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			var re *RowError
			if !errors.As(err, &re) || re.Column != tc.field {
				t.Fatalf("RowError column = %v, want %q", re, tc.field)
			}
		})
	}
}

func TestConfigCap_R4(t *testing.T) {
	cfg := Config{GeneralCap: dec("0.1")}
	it := validItem()
	if c, ok := cfg.Cap(it); !ok || !c.Equal(dec("0.1")) {
		t.Errorf("own bound 0.15 above cap 0.1: Cap = %s, %v", c, ok)
	}
	it.RatioMax = nd("0.08")
	if c, ok := cfg.Cap(it); !ok || !c.Equal(dec("0.08")) {
		t.Errorf("own bound below cap: Cap = %s, %v", c, ok)
	}
	it.Category = CategoryKey
	if _, ok := cfg.Cap(it); ok {
		t.Error("key item must be uncapped")
	}
}

func TestValidateItems_DuplicateCode(t *testing.T) {
	a, b := validItem(), validItem()
	err := DefaultConfig().ValidateItems([]Item{a, b})
	var re *RowError
	if !errors.Is(err, ErrDuplicateCode) || !errors.As(err, &re) || re.Row != 2 {
		t.Fatalf("got %v", err)
	}
}
