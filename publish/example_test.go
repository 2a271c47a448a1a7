package publish_test

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/workday"
)

func exampleResult() publish.Result {
	return publish.Result{
		ID: "SJ-2026-001/91330802MA2B3C4D5E", PlanNo: "JH-2026-01", PlanName: "2026年度治安领域双随机抽查计划",
		TaskNo: "SJ-2026-001", TaskName: "旅馆业治安管理抽查", TaskType: "不定向抽查",
		Agency: "衢州市公安局柯城分局", Department: "治安大队", Unit: "荷花派出所",
		TargetID: "91330802MA2B3C4D5E", TargetName: "某某宾馆有限公司",
		Inspectors: []publish.Inspector{{Name: "张小三", Cert: "33080012345", Leader: true}, {Name: "李四", Cert: "33080067890"}},
		TaskEnd:    workday.MustDate(2026, 2, 13), CompletionDate: workday.MustDate(2026, 2, 12),
		Conclusions: []publish.Conclusion{publish.NoProblem},
		Proof:       publish.DrawProof{Algorithm: "ssj-v1", ManifestHash: strings.Repeat("a", 64), RecordHash: strings.Repeat("b", 64)},
	}
}

// Enter a result, see its deadline across the Spring Festival, publish it
// and read the masked public view.
func Example() {
	cal, err := workday.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	book, _ := publish.NewBook(publish.SeedPolicy)
	entry, err := book.Enter(exampleResult(), cal, time.Date(2026, 2, 12, 8, 0, 0, 0, time.UTC), "录入员")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("due:", entry.Due) // 2026-02-14 is a make-up Saturday, 02-15..23 are off
	st, _ := book.Status(entry, cal, workday.MustDate(2026, 2, 20))
	fmt.Println("status on 02-20:", st)
	book.Publish(entry.ID, workday.MustDate(2026, 2, 24))
	pub := book.PublicView(publish.ViewOptions{})[0]
	fmt.Println(pub.Result, pub.Inspectors[0].Name, pub.Inspectors[0].Cert)
	// Output:
	// due: 2026-02-24
	// status on 02-20: due_soon
	// 未发现问题 张*三 330******45
}

// Correct a published result with the principal head's Ed25519 signature.
func ExampleBook_Correct() {
	cal, _ := workday.Default()
	book, _ := publish.NewBook(publish.SeedPolicy)
	r := exampleResult()
	book.Enter(r, cal, time.Date(2026, 2, 12, 8, 0, 0, 0, time.UTC), "录入员")
	book.Publish(r.ID, workday.MustDate(2026, 2, 24))

	// In production the seed comes from crypto/rand.Reader.
	key, _ := publish.GenerateEd25519(bytes.NewReader(make([]byte, 32)), r.Unit, "王所长")
	signer, _ := key.Signer()
	ring := publish.Keyring{Keys: []publish.PublicKey{key.PublicKey}}

	fixed := r
	fixed.Remark = "更正检查完成日期"
	fixed.CompletionDate = workday.MustDate(2026, 2, 11)
	c, _ := book.NewCorrection(fixed, "检查完成日期录入错误", "self", "王所长", time.Date(2026, 2, 25, 1, 0, 0, 0, time.UTC))

	unsigned := publish.SignedCorrection{Correction: c}
	_, err := book.Correct(unsigned, ring, workday.MustDate(2026, 2, 25))
	fmt.Println("unsigned:", err)

	sc, _ := publish.Sign(c, signer)
	v, err := book.Correct(sc, ring, workday.MustDate(2026, 2, 25))
	fmt.Println("signed: version", v.N, err)
	hist, _ := book.PublicHistory(r.ID, publish.ViewOptions{})
	fmt.Println("versions kept:", len(hist), hist[0].CompletionDate, hist[1].CompletionDate)
	// Output:
	// unsigned: signature refused: correction of SJ-2026-001/91330802MA2B3C4D5E is not signed
	// signed: version 2 <nil>
	// versions kept: 2 2026-02-12 2026-02-11
}

func ExampleSeedOutcomeOf() {
	fmt.Println(publish.SeedOutcomeOf([]publish.Conclusion{publish.NoProblem}))
	fmt.Println(publish.SeedOutcomeOf([]publish.Conclusion{publish.NotDisclosed, publish.Rectified}))
	fmt.Println(publish.SeedOutcomeOf([]publish.Conclusion{publish.Unreachable, publish.EntityClosed}))
	// Output:
	// 未发现异常
	// 责令整改
	// 其他
}
