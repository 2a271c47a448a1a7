package registry

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/shuangsuiji/ssj/internal/merkle"
)

func hexOf(h merkle.Hash) string { return hex.EncodeToString(h[:]) }

// makeUSCC returns a valid 统一社会信用代码 for entity type prefix "91",
// division div and a serial number.
func makeUSCC(div string, serial int) string {
	body := fmt.Sprintf("91%s%09d", div, serial)
	c, err := USCCCheckChar(body)
	if err != nil {
		panic(err)
	}
	return body + string(c)
}

// genTargets returns n valid targets, in a shuffled order, deterministic
// from seed. Test data only.
func genTargets(n int, seed uint64) []Target {
	r := rand.New(rand.NewPCG(seed, 7))
	divs := []string{"440103", "440104", "440105", "440106", "440111"}
	inds := []string{"旅馆业", "印章刻制", "娱乐场所", "上网服务"}
	ts := make([]Target, n)
	for i := range ts {
		div := divs[r.IntN(len(divs))]
		ts[i] = Target{ID: makeUSCC(div, i), Name: fmt.Sprintf("测试企业%d", i), Kind: KindEntity, Jurisdiction: div,
			Industry: inds[r.IntN(len(inds))], CreditClass: string(rune('A' + r.IntN(4))), Abnormal: r.IntN(20) == 0,
			Complaints: r.IntN(3), Status: StatusActive, Departments: []string{"治安"}}
	}
	r.Shuffle(n, func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
	return ts
}

func sortedTargets(ts []Target) []Target {
	s := slices.Clone(ts)
	slices.SortFunc(s, func(a, b Target) int { return strings.Compare(a.ID, b.ID) })
	return s
}

var cst = time.FixedZone("CST", 8*3600)

func sampleInspectors() []Inspector {
	return []Inspector{
		{Cert: "44010300001", Name: "张伟", Department: "治安", Unit: "越秀分局治安大队", Jurisdiction: "440104",
			Qualifications: []string{"ZA-01", "ZA-02"}, LeaderEligible: true, Active: true,
			Unavailable: []Period{{From: time.Date(2026, 3, 1, 0, 0, 0, 0, cst), To: time.Date(2026, 3, 15, 0, 0, 0, 0, cst), Reason: "annual leave"}},
			Interests:   []Interest{{TargetID: makeUSCC("440104", 1), Relation: RelationKin}}},
		{Cert: "44010300002", Name: "李娜", Department: "网警", Unit: "网警大队", Jurisdiction: "440103",
			Qualifications: []string{"WJ-01", "WJ-02"}, Active: true},
		{Cert: "44010300003", Name: "王强", Department: "消防", Unit: "消防救援大队", Jurisdiction: "440105",
			Qualifications: []string{"XF-01"}, Active: false},
	}
}
