package publish

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/internal/golden"
	"github.com/shuangsuiji/ssj/workday"
)

func calendar(t testing.TB) *workday.Calendar {
	t.Helper()
	c, err := workday.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func d(s string) workday.Date {
	v, err := workday.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

var at = time.Date(2026, 3, 20, 2, 0, 0, 0, time.UTC)

// sample is a complete, valid result with no problem found.
func sample() Result {
	return Result{
		ID: "SJ-2026-001/91330802MA2B3C4D5E", PlanNo: "JH-2026-01", PlanName: "2026年度治安领域双随机抽查计划",
		TaskNo: "SJ-2026-001", TaskName: "旅馆业治安管理抽查", TaskType: "不定向抽查",
		Agency: "衢州市公安局柯城分局", Department: "治安大队", Unit: "荷花派出所",
		TargetID: "91330802MA2B3C4D5E", TargetName: "衢州市柯城区某某宾馆有限公司",
		Inspectors: []Inspector{{Name: "张小三", Cert: "33080012345", Leader: true}, {Name: "李四", Cert: "33080067890"}},
		TaskEnd:    d("2026-03-31"), CompletionDate: d("2026-03-18"),
		Conclusions: []Conclusion{NoProblem},
		Items: []ItemResult{{ItemID: "ZA-001", ItemName: "旅客住宿登记", Finding: Compliant},
			{ItemID: "ZA-002", ItemName: "治安保卫制度", Finding: Compliant}},
		Measures: []Measure{{Kind: OnSiteRecord, Document: "柯公(荷)检字〔2026〕12号"}},
		Proof:    DrawProof{Algorithm: "ssj-v1", ManifestHash: strings.Repeat("a1", 32), RecordHash: strings.Repeat("b2", 32)},
	}
}

// problem is a valid result where a problem was found and ordered rectified.
func problem() Result {
	r := sample()
	r.ID = "SJ-2026-001/92330802MA2XYZ123K"
	r.TargetID, r.TargetName = "92330802MA2XYZ123K", "柯城区某某旅社"
	r.Conclusions = []Conclusion{Rectified}
	r.Items[0].Finding = ProblemFound
	r.Items[0].Note = "未按规定登记旅客身份信息"
	r.Measures = append(r.Measures, Measure{Kind: RectificationOrder, Document: "柯公(荷)责改字〔2026〕3号"})
	r.Remark = "已于2026-03-25前整改完毕"
	return r
}

// Rules R21, R22: each conclusion rule of CheckConclusions.
func TestConclusionRules(t *testing.T) {
	mod := func(f func(*Result)) Result { r := sample(); f(&r); return r }
	cases := []struct {
		name string
		r    Result
		ok   bool
	}{
		{"no problem alone", sample(), true},
		{"rule 1: none", mod(func(r *Result) { r.Conclusions = nil }), false},
		{"rule 1: unknown", mod(func(r *Result) { r.Conclusions = []Conclusion{"fine"} }), false},
		{"rule 1: repeated", mod(func(r *Result) { r.Conclusions = []Conclusion{NotDisclosed, NotDisclosed} }), false},
		{"rule 2: no problem excludes another finding", mod(func(r *Result) { r.Conclusions = []Conclusion{NoProblem, NotDisclosed} }), false},
		{"rule 2: no problem excludes a status", mod(func(r *Result) { r.Conclusions = []Conclusion{NoProblem, EntityMovedOut} }), false},
		{"several findings together", mod(func(r *Result) {
			r.Conclusions = []Conclusion{NotDisclosed, FalseDisclosure}
			r.Items[0].Finding = ProblemFound
		}), true},
		{"finding plus one status", mod(func(r *Result) { r.Conclusions = []Conclusion{Unreachable, EntityClosed} }), true},
		{"rule 3: two statuses", mod(func(r *Result) { r.Conclusions = []Conclusion{EntityDeregister, EntityRevoked} }), false},
		{"rule 4: no problem with a problem item", mod(func(r *Result) { r.Items[1].Finding = ProblemFound }), false},
		{"rule 4: no problem with a stop order", mod(func(r *Result) { r.Measures = append(r.Measures, Measure{Kind: StopOrder}) }), false},
		{"rule 4: no problem with evidence is fine", mod(func(r *Result) { r.Measures = append(r.Measures, Measure{Kind: Evidence}) }), true},
		{"rule 5: rectified without order", mod(func(r *Result) { r.Conclusions = []Conclusion{Rectified}; r.Items[0].Finding = ProblemFound }), false},
		{"rule 5: rectified with order", problem(), true},
		{"rule 6: pending without follow-up", mod(func(r *Result) { r.Conclusions = []Conclusion{PendingFollowUp} }), false},
		{"rule 6: pending with follow-up", mod(func(r *Result) {
			r.Conclusions = []Conclusion{PendingFollowUp}
			r.Measures = append(r.Measures, Measure{Kind: CaseFiled, Document: "立案〔2026〕1号"})
			r.FollowUp = []FollowUp{{Date: d("2026-03-19"), Action: "立案调查"}}
		}), true},
		{"rule 7: no activity alone with a problem item", mod(func(r *Result) {
			r.Conclusions = []Conclusion{NoActivity}
			r.Items[0].Finding = ProblemFound
		}), false},
		{"no activity alone", mod(func(r *Result) { r.Conclusions = []Conclusion{NoActivity} }), true},
		{"uncooperative, transferred to judiciary", mod(func(r *Result) {
			r.Conclusions = []Conclusion{Uncooperative}
			r.Measures = append(r.Measures, Measure{Kind: TransferJudiciary, To: "柯城区人民检察院"})
		}), true},
		{"transfer without receiving agency", mod(func(r *Result) {
			r.Conclusions = []Conclusion{Uncooperative}
			r.Measures = append(r.Measures, Measure{Kind: TransferAgency})
		}), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.r.Validate()
			if c.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !c.ok && err == nil {
				t.Fatal("accepted")
			}
			if !c.ok && !errors.Is(err, ErrConclusion) && !errors.Is(err, ErrResult) {
				t.Fatalf("error %v is neither ErrConclusion nor ErrResult", err)
			}
		})
	}
}

// Rule R17: at least two inspectors, exactly one leader.
func TestResultInspectorGroup(t *testing.T) {
	r := sample()
	r.Inspectors = r.Inspectors[:1]
	if err := r.Validate(); !errors.Is(err, ErrResult) {
		t.Fatalf("one inspector: %v", err)
	}
	r = sample()
	r.Inspectors[1].Leader = true
	if err := r.Validate(); !errors.Is(err, ErrResult) {
		t.Fatalf("two leaders: %v", err)
	}
}

// Rule R22: the seed's three opinions map onto the GSXT set.
func TestSeedOutcomeMapping(t *testing.T) {
	cases := []struct {
		cs   []Conclusion
		want SeedOutcome
	}{
		{[]Conclusion{NoProblem}, SeedNoAnomaly},
		{[]Conclusion{Rectified}, SeedRectification},
		{[]Conclusion{NotDisclosed, Rectified}, SeedRectification},
		{[]Conclusion{NotDisclosed}, SeedOther},
		{[]Conclusion{Unreachable}, SeedOther},
		{[]Conclusion{PendingFollowUp}, SeedOther},
		{[]Conclusion{EntityDeregister}, SeedOther},
	}
	for _, c := range cases {
		if got := SeedOutcomeOf(c.cs); got != c.want {
			t.Errorf("SeedOutcomeOf(%v) = %s, want %s", c.cs, got, c.want)
		}
	}
	for _, s := range []SeedOutcome{SeedNoAnomaly, SeedRectification} {
		cs, err := FromSeedOutcome(s)
		if err != nil || SeedOutcomeOf(cs) != s {
			t.Errorf("FromSeedOutcome(%s) = %v, %v: does not round-trip", s, cs, err)
		}
	}
	if cs, err := FromSeedOutcome(SeedOther); err != nil || cs != nil {
		t.Errorf("FromSeedOutcome(其他) = %v, %v", cs, err)
	}
	if _, err := FromSeedOutcome("合格"); !errors.Is(err, ErrConclusion) {
		t.Errorf("FromSeedOutcome(合格) = %v", err)
	}
}

func TestParseConclusionLabels(t *testing.T) {
	for _, c := range Conclusions() {
		for _, s := range []string{string(c), c.Label()} {
			got, err := ParseConclusion(s)
			if err != nil || got != c {
				t.Errorf("ParseConclusion(%q) = %q, %v", s, got, err)
			}
		}
	}
	var r struct{ C []Conclusion }
	if err := json.Unmarshal([]byte(`{"C":["未发现问题","entity_closed"]}`), &r); err != nil || r.C[0] != NoProblem || r.C[1] != EntityClosed {
		t.Fatalf("JSON labels: %v %v", r.C, err)
	}
	if err := json.Unmarshal([]byte(`{"C":["合格"]}`), &r); err == nil {
		t.Fatal("unknown label accepted")
	}
}

// Rule R26: the deadline counts working days after the task ends, across
// 春节 and 国庆 with their make-up working days (调休).
func TestDeadlineAcrossHolidays(t *testing.T) {
	cal := calendar(t)
	cases := []struct {
		name    string
		p       Policy
		taskEnd string
		want    string
	}{
		// 2026 春节: 02-15..02-23 off; 02-14 (Sat) and 02-28 (Sat) are working days.
		{"春节 seed: Sat make-up then after the break", SeedPolicy, "2026-02-13", "2026-02-24"},
		{"春节 national: counts 02-28 make-up Saturday", NationalPolicy, "2026-02-13", "2026-03-19"},
		// 2026 中秋 09-25..27 and 国庆 10-01..07 off; 09-20 (Sun) and 10-10 (Sat) are working days.
		{"中秋 seed", SeedPolicy, "2026-09-24", "2026-09-29"},
		{"国庆 seed: over the golden week", SeedPolicy, "2026-09-30", "2026-10-09"},
		{"国庆 seed: Sat 10-10 make-up counts", SeedPolicy, "2026-10-09", "2026-10-12"},
		{"Sun 09-20 make-up counts", Policy{DueWorkdays: 1, RetentionYears: 2}, "2026-09-18", "2026-09-20"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.p.Due(cal, d(c.taskEnd))
			if err != nil {
				t.Fatal(err)
			}
			if got != d(c.want) {
				t.Fatalf("due %d working days after %s = %s, want %s", c.p.DueWorkdays, c.taskEnd, got, c.want)
			}
		})
	}
	if _, err := SeedPolicy.Due(cal, d("2099-12-30")); !errors.Is(err, workday.ErrNoData) {
		t.Fatalf("deadline outside the calendar: %v", err)
	}
}

// Rule R26: entry status pending / due soon / overdue / on time / late / withheld.
func TestDeadlineStatus(t *testing.T) {
	cal := calendar(t)
	b, _ := NewBook(SeedPolicy)
	r := sample()
	r.TaskEnd, r.CompletionDate = d("2026-02-13"), d("2026-02-12") // due 2026-02-24 (seed policy)
	e, err := b.Enter(r, cal, at, "录入员")
	if err != nil {
		t.Fatal(err)
	}
	if e.Due != d("2026-02-24") || e.KeepUntil != d("2028-03-20") {
		t.Fatalf("due %s keep-until %s", e.Due, e.KeepUntil)
	}
	for _, c := range []struct {
		today string
		want  DeadlineStatus
	}{
		{"2026-02-13", Pending}, // 2 working days left
		{"2026-02-14", DueSoon}, // make-up Saturday: 1 left
		{"2026-02-20", DueSoon}, // in the holiday: still 1 left
		{"2026-02-24", DueSoon}, // the last day
		{"2026-02-25", Overdue},
	} {
		got, err := b.Status(e, cal, d(c.today))
		if err != nil || got != c.want {
			t.Errorf("status on %s = %s, %v; want %s", c.today, got, err, c.want)
		}
	}
	if _, err := b.Publish(r.ID, d("2026-02-25")); err != nil {
		t.Fatal(err)
	}
	e, _ = b.Entry(r.ID)
	if got, _ := b.Status(e, cal, d("2026-03-01")); got != PublishedLate {
		t.Errorf("late publication: %s", got)
	}
	r2 := problem()
	r2.TaskEnd, r2.CompletionDate = d("2026-02-13"), d("2026-02-12")
	b.Enter(r2, cal, at, "录入员")
	b.Publish(r2.ID, d("2026-02-24"))
	e, _ = b.Entry(r2.ID)
	if got, _ := b.Status(e, cal, d("2026-03-01")); got != OnTime {
		t.Errorf("on-time publication: %s", got)
	}
}

// Rule R26: a result withheld by law is recorded with its legal reason and
// never published.
func TestWithheldNotPublished(t *testing.T) {
	cal := calendar(t)
	b, _ := NewBook(NationalPolicy)
	r := sample()
	r.Withheld = &Withholding{LegalBasis: "《中华人民共和国政府信息公开条例》第十四条", Reason: "涉及国家秘密"}
	if _, err := b.Enter(r, cal, at, "录入员"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Publish(r.ID, d("2026-03-20")); !errors.Is(err, ErrWithheld) {
		t.Fatalf("publishing a withheld result: %v", err)
	}
	if v := b.PublicView(ViewOptions{}); len(v) != 0 {
		t.Fatalf("withheld result in public view: %+v", v)
	}
	e, _ := b.Entry(r.ID)
	if st, _ := b.Status(e, cal, d("2026-12-01")); st != Withheld || e.Draft.Withheld.LegalBasis == "" {
		t.Fatalf("withheld entry: %s %+v", st, e.Draft.Withheld)
	}
	r.Withheld = &Withholding{LegalBasis: "", Reason: "x"}
	if _, err := b.Enter(r, cal, at, "录入员"); !errors.Is(err, ErrResult) {
		t.Fatalf("withholding without legal basis: %v", err)
	}
}

func keys(t testing.TB, unit, holder string, seed byte) (PrivateKey, *Ed25519Signer) {
	t.Helper()
	k, err := GenerateEd25519(bytes.NewReader(bytes.Repeat([]byte{seed}, 32)), unit, holder)
	if err != nil {
		t.Fatal(err)
	}
	s, err := k.Signer()
	if err != nil {
		t.Fatal(err)
	}
	return k, s
}

// publishedBook returns a book with sample() published on 2026-03-20 and
// the keyring of the unit's principal head.
func publishedBook(t testing.TB) (*Book, Keyring, *Ed25519Signer) {
	cal := calendar(t)
	b, _ := NewBook(SeedPolicy)
	r := sample()
	if _, err := b.Enter(r, cal, at, "录入员"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Publish(r.ID, d("2026-03-20")); err != nil {
		t.Fatal(err)
	}
	k, s := keys(t, r.Unit, "王所长", 7)
	return b, Keyring{Keys: []PublicKey{k.PublicKey}}, s
}

func corrected() Result {
	r := sample()
	r.Remark = "更正：检查完成日期录入错误"
	r.CompletionDate = d("2026-03-17")
	return r
}

// Rule R27: a published result changes only by a signed correction, and
// every version stays readable.
func TestCorrectionSignedAndVersionsKept(t *testing.T) {
	b, ring, s := publishedBook(t)
	cal := calendar(t)
	if _, err := b.Enter(corrected(), cal, at, "录入员"); !errors.Is(err, ErrPublished) {
		t.Fatalf("re-entering a published result: %v", err)
	}
	c, err := b.NewCorrection(corrected(), "检查完成日期录入错误", "self", "王所长", at)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := Sign(c, s)
	if err != nil {
		t.Fatal(err)
	}
	v, err := b.Correct(sc, ring, d("2026-03-23"))
	if err != nil {
		t.Fatal(err)
	}
	if v.N != 2 {
		t.Fatalf("version %d", v.N)
	}
	hist, err := b.PublicHistory(sample().ID, ViewOptions{})
	if err != nil || len(hist) != 2 {
		t.Fatalf("history: %d versions, %v", len(hist), err)
	}
	if hist[0].CompletionDate != d("2026-03-18") || hist[1].CompletionDate != d("2026-03-17") || hist[1].CorrectionReason == "" {
		t.Fatalf("versions not kept: %+v", hist)
	}
	if err := b.VerifyCorrections(ring); err != nil {
		t.Fatalf("VerifyCorrections: %v", err)
	}
	// Someone edits version 2 in storage and fixes up its hash: the
	// signature no longer covers it.
	e := &b.Entries[0]
	saved := e.Versions[1]
	e.Versions[1].Result.Remark = "篡改"
	e.Versions[1].Hash, _ = HashResult(e.Versions[1].Result)
	if err := b.VerifyCorrections(ring); !errors.Is(err, ErrCorrection) {
		t.Fatalf("edited version: %v", err)
	}
	e.Versions[1] = saved
	if err := b.VerifyCorrections(Keyring{}); !errors.Is(err, ErrSignature) {
		t.Fatalf("unknown key: %v", err)
	}
	// Replaying the same correction against version 2 is stale.
	if _, err := b.Correct(sc, ring, d("2026-03-24")); !errors.Is(err, ErrStale) {
		t.Fatalf("replayed correction: %v", err)
	}
}

// Rule R27: a correction without a valid signature is refused.
func TestCorrectionWithoutValidSignatureRefused(t *testing.T) {
	b, ring, s := publishedBook(t)
	c, _ := b.NewCorrection(corrected(), "检查完成日期录入错误", "self", "王所长", at)
	good, _ := Sign(c, s)
	_, otherUnit := keys(t, "双港派出所", "赵所长", 9)
	kOther, _ := keys(t, "双港派出所", "赵所长", 9)
	kDeputy, deputy := keys(t, sample().Unit, "钱副所长", 11)
	kDeputy.Role = "deputy_head"
	ringAll := Keyring{Keys: append(append([]PublicKey(nil), ring.Keys...), kOther.PublicKey, kDeputy.PublicKey)}

	unsigned := SignedCorrection{Correction: c}
	tampered := good
	tampered.Result.Remark = "改过的备注"
	badSig := good
	badSig.Signature = good.Signature[:len(good.Signature)-4] + "AAA="
	crSig := good // a second spelling of the good signature (a carriage return, which base64 decoders skip)
	crSig.Signature = good.Signature[:8] + "\r" + good.Signature[8:]
	wrongUnit, _ := Sign(c, otherUnit)
	byDeputy, _ := Sign(c, deputy)
	wrongName := c
	wrongName.Signer = "冒名"
	wrongNameSC, _ := Sign(wrongName, s)
	noReason := c
	noReason.Reason = " "
	noReasonSC, _ := Sign(noReason, s)

	cases := []struct {
		name string
		sc   SignedCorrection
		want error
	}{
		{"unsigned", unsigned, ErrSignature},
		{"content changed after signing", tampered, ErrSignature},
		{"corrupted signature", badSig, ErrSignature},
		{"carriage return in the signature", crSig, ErrSignature},
		{"another unit's head", wrongUnit, ErrSignature},
		{"not the principal head", byDeputy, ErrSignature},
		{"signer name does not match key", wrongNameSC, ErrSignature},
		{"no reason", noReasonSC, ErrCorrection},
	}
	for _, cse := range cases {
		t.Run(cse.name, func(t *testing.T) {
			if _, err := b.Correct(cse.sc, ringAll, d("2026-03-23")); !errors.Is(err, cse.want) {
				t.Fatalf("got %v, want %v", err, cse.want)
			}
			e, _ := b.Entry(sample().ID)
			if len(e.Versions) != 1 {
				t.Fatal("a refused correction added a version")
			}
		})
	}
	// An empty keyring knows no key.
	if _, err := b.Correct(good, Keyring{}, d("2026-03-23")); !errors.Is(err, ErrSignature) {
		t.Fatalf("empty keyring: %v", err)
	}
	// Identity fields cannot change.
	moved := corrected()
	moved.Unit = "双港派出所"
	c2, _ := b.NewCorrection(moved, "r", "self", "王所长", at)
	sc2, _ := Sign(c2, s)
	if _, err := b.Correct(sc2, ring, d("2026-03-23")); !errors.Is(err, ErrCorrection) {
		t.Fatalf("unit change: %v", err)
	}
}

func TestMasking(t *testing.T) {
	for in, want := range map[string]string{"张小三": "张*三", "李四": "李*", "欧阳明月": "欧**月", "王": "*", "": ""} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"33080012345": "330******45", "AB": "**", "123456": "12***6"} {
		if got := MaskCert(in); got != want {
			t.Errorf("MaskCert(%q) = %q, want %q", in, got, want)
		}
	}
}

// The public view (golden): masked inspectors, GSXT fields, proof fields,
// both versions of a corrected result.
func TestPublicViewGolden(t *testing.T) {
	b, ring, s := publishedBook(t)
	cal := calendar(t)
	p := problem()
	if _, err := b.Enter(p, cal, at, "录入员"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Publish(p.ID, d("2026-03-20")); err != nil {
		t.Fatal(err)
	}
	c, _ := b.NewCorrection(corrected(), "检查完成日期录入错误", "self", "王所长", at)
	sc, _ := Sign(c, s)
	if _, err := b.Correct(sc, ring, d("2026-03-23")); err != nil {
		t.Fatal(err)
	}
	view := b.PublicView(ViewOptions{})
	hist, _ := b.PublicHistory(sample().ID, ViewOptions{})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"current": view, "history": hist}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "张小三") || strings.Contains(buf.String(), "33080012345") {
		t.Fatal("inspector personal data in public view")
	}
	golden.Check(t, "public_view.golden.json", buf.Bytes())
	var csvBuf bytes.Buffer
	if err := WriteCSV(&csvBuf, view); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "public_view.golden.csv", csvBuf.Bytes())

	un := b.PublicView(ViewOptions{Unmasked: true})
	if un[0].Inspectors[0].Name != "张小三" {
		t.Fatalf("unmasked view: %+v", un[0].Inspectors)
	}
}

func TestBookRoundTrip(t *testing.T) {
	b, _, _ := publishedBook(t)
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeBook(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	if !bytes.Equal(data, again) {
		t.Fatalf("book does not round-trip:\n%s\n%s", data, again)
	}
	// A version edited in the file is refused.
	bad := bytes.Replace(data, []byte("2026年度治安领域"), []byte("2025年度治安领域"), 1)
	if _, err := DecodeBook(bytes.NewReader(bad)); !errors.Is(err, ErrResult) {
		t.Fatalf("edited book: %v", err)
	}
}

func TestKeyFile(t *testing.T) {
	k, s := keys(t, "荷花派出所", "王所长", 3)
	data, _ := json.Marshal(k)
	back, err := DecodePrivateKey(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	s2, err := back.Signer()
	if err != nil || s2.KeyID() != s.KeyID() {
		t.Fatalf("key file round trip: %v", err)
	}
	back.KeyID = "ed25519:0000000000000000"
	if _, err := back.Signer(); !errors.Is(err, ErrSignature) {
		t.Fatalf("key id mismatch: %v", err)
	}
	if _, err := NewEd25519Signer(ed25519.PrivateKey{1}); err == nil {
		t.Fatal("short key accepted")
	}
}
