package checklist

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/shuangsuiji/ssj/internal/golden"
)

func sampleItems(t testing.TB) []Item {
	t.Helper()
	f, err := os.Open(sampleFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	items, err := ReadCSV(f, sampleFile, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// versions returns version 1 (the sample) and version 2 (one item added,
// one removed, one with a changed ratio and legal basis).
func versions(t *testing.T) (Version, Version, Diff) {
	cfg := DefaultConfig()
	v1, err := FirstVersion(sampleItems(t), "2026-01-01", "首次公布", cfg)
	if err != nil {
		t.Fatal(err)
	}
	var items []Item
	for _, it := range v1.Items {
		switch it.Code {
		case "ZA-04":
			continue // removed
		case "ZA-02":
			it.RatioMax = nd("0.2")
			it.LegalBasis = append(it.LegalBasis, "《中华人民共和国治安管理处罚法》")
		}
		items = append(items, it)
	}
	added := validItem()
	added.Code, added.Name, added.TargetType = "ZA-05", "保安服务公司检查", "保安服务公司"
	added.LegalBasis = []string{"《保安服务管理条例》"}
	items = append(items, added)
	v2, d, err := NextVersion(v1, items, "2026-07-01", "根据法规修订调整", cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v1, v2, d
}

// Rule R3: every change yields a new version with a diff, and both are
// published in a stable machine form and a readable Chinese form.
func TestVersion_R3_PublishedForms(t *testing.T) {
	v1, v2, d := versions(t)
	if v2.Number != 2 || len(d.Added) != 1 || len(d.Removed) != 1 || len(d.Changed) != 1 {
		t.Fatalf("v%d diff %+v", v2.Number, d)
	}
	if got := d.Changed[0].Fields; len(got) != 2 || got[0].Field != "legal_basis" || got[1].Field != "ratio" {
		t.Fatalf("field changes %+v, want legal_basis then ratio", got)
	}
	for name, fn := range map[string]func() ([]byte, error){
		"version1.json": v1.PublishJSON,
		"diff1-2.json":  d.PublishJSON,
		"version2.json": v2.PublishJSON,
	} {
		b, err := fn()
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, name, b)
	}
	var buf bytes.Buffer
	if err := v1.PublishText(&buf); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "version1.txt", buf.Bytes())
	buf.Reset()
	if err := d.PublishText(&buf); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "diff1-2.txt", buf.Bytes())
}

func TestVersion_R3_Deterministic(t *testing.T) {
	_, _, d1 := versions(t)
	_, _, d2 := versions(t)
	a, _ := d1.PublishJSON()
	b, _ := d2.PublishJSON()
	if !bytes.Equal(a, b) {
		t.Fatal("diff publication is not deterministic")
	}
	// Input order does not matter: versions hold items in code order.
	items := sampleItems(t)
	rev := make([]Item, len(items))
	for i := range items {
		rev[len(items)-1-i] = items[i]
	}
	va, _ := FirstVersion(items, "2026-01-01", "", DefaultConfig())
	vb, _ := FirstVersion(rev, "2026-01-01", "", DefaultConfig())
	ja, _ := va.PublishJSON()
	jb, _ := vb.PublishJSON()
	if !bytes.Equal(ja, jb) {
		t.Fatal("version publication depends on input order")
	}
}

func TestNextVersion_Refusals(t *testing.T) {
	v1, _, _ := versions(t)
	cfg := DefaultConfig()
	if _, _, err := NextVersion(v1, v1.Items, "2026-02-01", "", cfg); !errors.Is(err, ErrNoChange) {
		t.Errorf("unchanged list: %v", err)
	}
	changed := append([]Item(nil), v1.Items...)
	changed[0].Name += "（修订）"
	if _, _, err := NextVersion(v1, changed, "2026-01-01", "", cfg); !errors.Is(err, ErrVersionOrder) {
		t.Errorf("same effective date: %v", err)
	}
	if _, _, err := NextVersion(v1, changed, "2026/02/01", "", cfg); !errors.Is(err, ErrBadDate) {
		t.Errorf("bad date: %v", err)
	}
	changed[1].LegalBasis = nil
	if _, _, err := NextVersion(v1, changed, "2026-02-01", "", cfg); !errors.Is(err, ErrNoLegalBasis) {
		t.Errorf("R1 in new version: %v", err)
	}
}

func TestCurrent(t *testing.T) {
	v1, v2, _ := versions(t)
	vs := []Version{v2, v1}
	for date, want := range map[string]int{"2025-12-31": 0, "2026-01-01": 1, "2026-06-30": 1, "2026-07-01": 2, "2027-01-01": 2} {
		v, ok := Current(vs, date)
		if (want == 0) == ok || (ok && v.Number != want) {
			t.Errorf("Current(%s) = v%d %v, want v%d", date, v.Number, ok, want)
		}
	}
	if _, ok := v2.Item("ZA-04"); ok {
		t.Error("removed item still in v2")
	}
	if it, ok := v2.Item("ZA-05"); !ok || it.Name != "保安服务公司检查" {
		t.Error("added item missing from v2")
	}
}
