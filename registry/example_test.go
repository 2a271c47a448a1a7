package registry_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shuangsuiji/ssj/registry"
)

func ExampleValidateUSCC() {
	fmt.Println(registry.ValidateUSCC("914403001922038216")) // 华为技术有限公司
	err := registry.ValidateUSCC("914403001922038217")
	fmt.Println(errors.Is(err, registry.ErrBadCheckChar))
	// Output:
	// <nil>
	// true
}

func ExampleDecodeCSV() {
	csv := "统一社会信用代码,名称,辖区,行业,信用风险分类,状态,监管部门\n" +
		"914403001922038216,华为技术有限公司,440307,I65,A,存续,治安\n" +
		"91440300708461136X,某公司,440305,I64,F,存续,网警\n"
	_, err := registry.DecodeCSV([]byte(csv), registry.ImportOptions{File: "targets.csv"})
	var rows registry.RowErrors
	if errors.As(err, &rows) {
		for _, e := range rows {
			fmt.Println(e.Row, e.Column, e.Value, errors.Is(e, registry.ErrBadCheckChar), errors.Is(e, registry.ErrUnknownClass))
		}
	}
	// Output:
	// 3 统一社会信用代码 91440300708461136X true false
	// 3 信用风险分类 F false true
}

func ExampleCommitTargets() {
	ts := []registry.Target{{
		ID: "914403001922038216", Name: "华为技术有限公司", Kind: registry.KindEntity, Jurisdiction: "440307",
		Industry: "I65", CreditClass: "A", Status: registry.StatusActive, Departments: []string{"治安"},
	}}
	c, err := registry.CommitTargets(ts)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Count, len(c.Root))
	// Output: 1 64
}

func ExampleProveTarget() {
	csv := "id,name,jurisdiction,industry,credit_class,status,departments\n" +
		"914403001922038216,华为技术有限公司,440307,I65,A,active,治安\n" +
		"91440300708461136T,深圳市腾讯计算机系统有限公司,440305,I64,B,active,网警\n"
	tab, err := registry.DecodeCSV([]byte(csv), registry.ImportOptions{})
	if err != nil {
		panic(err)
	}
	published, err := tab.Commit() // the commitment in the draw's manifest
	if err != nil {
		panic(err)
	}
	// The entity asks: was I in the pool? It gets a proof, not the pool.
	p, err := tab.Prove("91440300708461136T")
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Index, p.Size, len(p.Path))
	fmt.Println(registry.VerifyProofAgainst(p, published))
	p.Leaf = []byte(strings.Replace(string(p.Leaf), `"B"`, `"A"`, 1)) // a forged class
	fmt.Println(errors.Is(registry.VerifyProof(p), registry.ErrProofFailed))
	// Output:
	// 1 2 1
	// <nil>
	// true
}

func ExampleHistory_AsOf() {
	h := registry.NewHistory(registry.Config{})
	t := registry.Target{ID: "914403001922038216", Name: "华为技术有限公司", Kind: registry.KindEntity,
		Jurisdiction: "440307", Industry: "I65", CreditClass: "A", Status: registry.StatusActive, Departments: []string{"治安"}}
	jan, jun := mustTime("2026-01-01T00:00:00+08:00"), mustTime("2026-06-01T00:00:00+08:00")
	if err := h.AddTarget(t, jan, "clerk"); err != nil {
		panic(err)
	}
	if err := h.DeactivateTarget(t.ID, registry.StatusMovedOut, jun, "clerk"); err != nil {
		panic(err)
	}
	fmt.Println(h.AsOf(jan).Targets[0].Status, h.AsOf(jun).Targets[0].Status, h.Len())
	// Output: active moved_out 2
}

func mustTime(s string) (t time.Time) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// DecodeIndex holds a large registry file as its text plus a few words a
// unit; units come back in label order, parsed again on demand.
func ExampleDecodeIndex() {
	csv := "统一社会信用代码,名称,辖区,行业,信用风险分类,状态,监管部门\n" +
		"91440300708461136T,深圳市腾讯计算机系统有限公司,440305,I64,B,存续,网警\n" +
		"914403001922038216,华为技术有限公司,440307,I65,A,存续,治安；网警\n"
	x, err := registry.DecodeIndex([]byte(csv), registry.ImportOptions{File: "targets.csv"})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := x.Reader()
	var t registry.Target // reused for every unit
	for k := range x.Len() {
		if err := r.Target(k, &t); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(x.Row(k), t.ID, t.Name, t.Departments)
	}
	// Output:
	// 3 914403001922038216 华为技术有限公司 [治安 网警]
	// 2 91440300708461136T 深圳市腾讯计算机系统有限公司 [网警]
}
