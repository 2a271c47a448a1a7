package office

import (
	"encoding/json"
	"testing"

	"github.com/shuangsuiji/ssj/internal/canon"
	"github.com/shuangsuiji/ssj/registry"
)

// FuzzRowData: a snapshot row's data (the canonical leaf with the name
// spliced in) is the RFC 8785 canonical JSON of the whole unit, and decodes
// back to it.
func FuzzRowData(f *testing.F) {
	f.Add("91440101MA5A000009", "某某公司\"<&>\n", "治安", int64(3), true)
	f.Add("X", "", "", int64(0), false)
	f.Fuzz(func(t *testing.T, id, name, dept string, complaints int64, abnormal bool) {
		u := registry.Target{ID: id, Name: name, Kind: registry.KindEntity, Jurisdiction: "440106", Industry: "R9011", CreditClass: "A",
			Abnormal: abnormal, Complaints: int(complaints % 1000), Status: registry.StatusActive, Departments: []string{dept}}
		row, n, err := appendRow(nil, u.Name, targetNameAfter, func(b []byte) ([]byte, error) { return registry.AppendTargetLeaf(b, &u) })
		if err != nil {
			t.Skip()
		}
		data := row[n:]
		var back registry.Target
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("row data %s: %v", data, err)
		}
		want, err := canon.Marshal(u)
		if err != nil {
			t.Skip()
		}
		if string(want) != string(data) {
			t.Fatalf("row data\n%s\nis not the canonical JSON\n%s", data, want)
		}
	})
}
