package checklist_test

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/shuangsuiji/ssj/checklist"
)

// A checklist is imported from the CSV an agency publishes; every bad row is
// reported with its row, column, value and reason.
func ExampleReadCSV() {
	csv := "序号,事项编码,抽查事项,检查对象,事项类别,检查方式,检查主体,检查依据,抽查比例,抽查频次\n" +
		"1,ZA-01,旅馆业治安管理检查,旅馆,重点,查阅资料、实地核查,治安,《旅馆业治安管理办法》,不低于5%,每年1次\n" +
		"2,ZA-02,印章刻制业治安管理检查,印章刻制企业,一般,实地核查,治安,,5%-30%,每年1次\n"
	items, err := checklist.ReadCSV(strings.NewReader(csv), "清单.csv", checklist.DefaultConfig())
	fmt.Println("good items:", len(items))
	var rows checklist.RowErrors
	if errors.As(err, &rows) {
		for _, e := range rows {
			fmt.Printf("row %d %s %q: %v\n", e.Row, e.Column, e.Value, e.Err)
		}
	}
	fmt.Println("rule R1 broken:", errors.Is(err, checklist.ErrNoLegalBasis))
	// Output:
	// good items: 1
	// row 3 检查依据 "": no legal basis (rule R1)
	// row 3 抽查比例 "5%-30%": general item ratio above the cap (rule R4): cap is 0.2
	// rule R1 broken: true
}

// Each change of the checklist is a new version; the diff is published with it.
func ExampleNextVersion() {
	cfg := checklist.DefaultConfig()
	f, err := os.Open("../examples/data/checklist.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	items, err := checklist.ReadCSV(f, "checklist.csv", cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	v1, err := checklist.FirstVersion(items, "2026-01-01", "首次公布", cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	next := v1.Items[:len(v1.Items)-1] // drop the last item in code order
	v2, diff, err := checklist.NextVersion(v1, next, "2026-07-01", "取消一项", cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("version", v2.Number, "items", len(v2.Items))
	_ = diff.PublishText(os.Stdout)
	// Output:
	// version 2 items 9
	// 随机抽查事项清单调整（第1版 → 第2版，自2026-07-01起施行）
	//
	// 删除事项1项：
	//   - ZA-04 废旧金属收购业/典当业治安管理检查
}
