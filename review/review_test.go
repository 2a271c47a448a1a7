package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/workday"
)

func cal(t testing.TB) *workday.Calendar {
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

var at = time.Date(2026, 9, 24, 2, 0, 0, 0, time.UTC)

func received(t testing.TB, on string) Objection {
	t.Helper()
	o, err := Receive("YY-2026-001", "SJ-2026-001/91330802MA2B3C4D5E", "某某宾馆有限公司", "检查完成日期有误", d(on), at, "法制员", cal(t))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// Rule R28: review due 20 working days after receipt, across 中秋 and 国庆
// with the 10-10 make-up Saturday; feedback due 15 working days after the
// decision, across 春节 with the 02-14 and 02-28 make-up Saturdays.
func TestDeadlinesAcrossHolidays(t *testing.T) {
	c := cal(t)
	o := received(t, "2026-09-24")
	if o.ReviewDue != d("2026-10-29") {
		t.Fatalf("review due %s, want 2026-10-29", o.ReviewDue)
	}
	o2 := received(t, "2026-02-03")
	if err := o2.StartReview(d("2026-02-04"), at, "复核人"); err != nil {
		t.Fatal(err)
	}
	if err := o2.Decide(DecisionUpheld, 0, "原检查结果正确", d("2026-02-13"), at, "复核人", c); err != nil {
		t.Fatal(err)
	}
	if *o2.FeedbackDue != d("2026-03-12") {
		t.Fatalf("feedback due %s, want 2026-03-12", *o2.FeedbackDue)
	}
}

func TestPeriodsMatchWorkday(t *testing.T) {
	if workday.ReviewDue().Workdays != ReviewWorkdays || workday.FeedbackDue().Workdays != FeedbackWorkdays {
		t.Fatalf("workday rules %v / %v differ from %d / %d", workday.ReviewDue(), workday.FeedbackDue(), ReviewWorkdays, FeedbackWorkdays)
	}
}

func TestStanding(t *testing.T) {
	c := cal(t)
	o := received(t, "2026-09-24") // review due 10-29
	cases := []struct {
		today string
		want  Standing
	}{
		{"2026-09-25", ReviewPending},
		{"2026-10-26", ReviewDueSoon}, // 3 working days left
		{"2026-10-29", ReviewDueSoon},
		{"2026-10-30", ReviewOverdue},
	}
	for _, cs := range cases {
		if got, err := o.Standing(c, d(cs.today), -1); err != nil || got != cs.want {
			t.Errorf("received, on %s: %s %v, want %s", cs.today, got, err, cs.want)
		}
	}
	o.StartReview(d("2026-09-28"), at, "复核人")
	if got, _ := o.Standing(c, d("2026-10-30"), -1); got != ReviewOverdue {
		t.Errorf("under review after due: %s", got)
	}
	o.Decide(DecisionUpheld, 0, "维持", d("2026-10-30"), at, "复核人", c) // one day late; feedback due 11-20
	if !o.ReviewLate() || *o.FeedbackDue != d("2026-11-20") {
		t.Fatalf("late decision: %v %s", o.ReviewLate(), *o.FeedbackDue)
	}
	if got, _ := o.Standing(c, d("2026-11-02"), -1); got != FeedbackPending {
		t.Errorf("decided: %s", got)
	}
	if got, _ := o.Standing(c, d("2026-11-23"), -1); got != FeedbackOverdue {
		t.Errorf("decided, after feedback due: %s", got)
	}
	o.SendFeedback("已书面告知", d("2026-11-05"), at, "法制员")
	if got, _ := o.Standing(c, d("2026-12-01"), -1); got != ClosedLate {
		t.Errorf("closed after a late review: %s", got)
	}
	p := received(t, "2026-09-24")
	p.StartReview(d("2026-09-28"), at, "复核人")
	p.Decide(DecisionUpheld, 0, "维持", d("2026-10-09"), at, "复核人", c)
	p.SendFeedback("已书面告知", d("2026-10-10"), at, "法制员") // make-up Saturday
	if got, _ := p.Standing(c, d("2026-12-01"), -1); got != ClosedOnTime {
		t.Errorf("closed on time: %s", got)
	}
}

// Invalid transitions are typed errors and change nothing.
func TestInvalidTransitions(t *testing.T) {
	c := cal(t)
	type action struct {
		name string
		do   func(o *Objection) error
	}
	start := action{"start", func(o *Objection) error { return o.StartReview(d("2026-10-20"), at, "x") }}
	decide := action{"decide", func(o *Objection) error {
		return o.Decide(DecisionUpheld, 0, "维持", d("2026-10-20"), at, "x", c)
	}}
	feedback := action{"feedback", func(o *Objection) error { return o.SendFeedback("n", d("2026-10-20"), at, "x") }}
	states := map[State]func() Objection{
		Received: func() Objection { return received(t, "2026-09-24") },
		UnderReview: func() Objection {
			o := received(t, "2026-09-24")
			o.StartReview(d("2026-09-28"), at, "x")
			return o
		},
		Decided: func() Objection {
			o := received(t, "2026-09-24")
			o.StartReview(d("2026-09-28"), at, "x")
			o.Decide(DecisionUpheld, 0, "维持", d("2026-09-29"), at, "x", c)
			return o
		},
		FeedbackSent: func() Objection {
			o := received(t, "2026-09-24")
			o.StartReview(d("2026-09-28"), at, "x")
			o.Decide(DecisionUpheld, 0, "维持", d("2026-09-29"), at, "x", c)
			o.SendFeedback("n", d("2026-09-30"), at, "x")
			return o
		},
	}
	allowed := map[State]string{Received: "start", UnderReview: "decide", Decided: "feedback"}
	for st, mk := range states {
		for _, a := range []action{start, decide, feedback} {
			o := mk()
			if o.State != st {
				t.Fatalf("setup: state %s, want %s", o.State, st)
			}
			before := len(o.Steps)
			err := a.do(&o)
			if allowed[st] == a.name {
				if err != nil {
					t.Errorf("%s in %s: %v", a.name, st, err)
				}
				continue
			}
			var te *TransitionError
			if !errors.As(err, &te) || !errors.Is(err, ErrTransition) || te.From != st {
				t.Errorf("%s in %s: %v, want a *TransitionError", a.name, st, err)
			}
			if len(o.Steps) != before || o.State != st {
				t.Errorf("%s in %s changed the objection", a.name, st)
			}
		}
	}
	// Dates may not go backwards; decisions need their fields.
	o := received(t, "2026-09-24")
	if err := o.StartReview(d("2026-09-23"), at, "x"); !errors.Is(err, ErrDate) {
		t.Errorf("backdated: %v", err)
	}
	o.StartReview(d("2026-09-28"), at, "x")
	for name, f := range map[string]func() error{
		"corrected without version": func() error { return o.Decide(DecisionCorrected, 0, "n", d("2026-09-29"), at, "x", c) },
		"upheld with version":       func() error { return o.Decide(DecisionUpheld, 2, "n", d("2026-09-29"), at, "x", c) },
		"unknown decision":          func() error { return o.Decide("dismissed", 0, "n", d("2026-09-29"), at, "x", c) },
		"no note":                   func() error { return o.Decide(DecisionUpheld, 0, " ", d("2026-09-29"), at, "x", c) },
	} {
		if err := f(); !errors.Is(err, ErrInput) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := Receive("", "r", "a", "g", d("2026-09-24"), at, "x", c); !errors.Is(err, ErrInput) {
		t.Errorf("no id: %v", err)
	}
	if _, err := Receive("i", "r", "a", "g", d("2099-12-01"), at, "x", c); !errors.Is(err, workday.ErrNoData) {
		t.Errorf("outside calendar: %v", err)
	}
}

func result() publish.Result {
	return publish.Result{
		ID: "SJ-2026-001/91330802MA2B3C4D5E", PlanNo: "JH-2026-01", PlanName: "计划", TaskNo: "SJ-2026-001",
		TaskName: "旅馆业治安管理抽查", TaskType: "不定向抽查", Agency: "衢州市公安局柯城分局", Department: "治安大队",
		Unit: "荷花派出所", TargetID: "91330802MA2B3C4D5E", TargetName: "某某宾馆有限公司",
		Inspectors: []publish.Inspector{{Name: "张小三", Cert: "33080012345", Leader: true}, {Name: "李四", Cert: "33080067890"}},
		TaskEnd:    d("2026-09-18"), CompletionDate: d("2026-09-17"),
		Conclusions: []publish.Conclusion{publish.NotDisclosed},
	}
}

// Rule R28 → R27: an upheld-in-part objection's correction goes through the
// signed-correction path; a bad signature leaves both objection and book
// unchanged.
func TestDecideWithCorrection(t *testing.T) {
	c := cal(t)
	book, _ := publish.NewBook(publish.SeedPolicy)
	if _, err := book.Enter(result(), c, at, "录入员"); err != nil {
		t.Fatal(err)
	}
	book.Publish(result().ID, d("2026-09-21"))
	key, _ := publish.GenerateEd25519(bytes.NewReader(bytes.Repeat([]byte{5}, 32)), "荷花派出所", "王所长")
	signer, _ := key.Signer()
	ring := publish.Keyring{Keys: []publish.PublicKey{key.PublicKey}}
	fixed := result()
	fixed.Conclusions = []publish.Conclusion{publish.NoProblem}
	fixed.Remark = "经复核更正"

	o := received(t, "2026-09-24")
	o.StartReview(d("2026-09-28"), at, "复核人")
	corr, _ := book.NewCorrection(fixed, "经复核，企业已按规定公示", "objection:"+o.ID, "王所长", at)

	// Unsigned: refused, nothing changes.
	if _, err := o.DecideWithCorrection(book, publish.SignedCorrection{Correction: corr}, ring, "更正", d("2026-10-09"), at, "复核人", c); !errors.Is(err, publish.ErrSignature) {
		t.Fatalf("unsigned: %v", err)
	}
	if o.State != UnderReview {
		t.Fatalf("state after refused correction: %s", o.State)
	}
	// Wrong origin.
	self := corr
	self.Origin = "self"
	selfSC, _ := publish.Sign(self, signer)
	if _, err := o.DecideWithCorrection(book, selfSC, ring, "更正", d("2026-10-09"), at, "复核人", c); !errors.Is(err, ErrInput) {
		t.Fatalf("origin self: %v", err)
	}
	sc, _ := publish.Sign(corr, signer)
	v, err := o.DecideWithCorrection(book, sc, ring, "经复核确有错误，予以更正", d("2026-10-09"), at, "复核人", c)
	if err != nil {
		t.Fatal(err)
	}
	if v.N != 2 || o.State != Decided || o.Decision != DecisionCorrected || o.CorrectionVersion != 2 {
		t.Fatalf("after correction: v%d %+v", v.N, o)
	}
	e, _ := book.Entry(result().ID)
	if len(e.Versions) != 2 || e.Versions[0].Result.Conclusions[0] != publish.NotDisclosed {
		t.Fatalf("versions: %+v", e.Versions)
	}
}

func TestRegisterRoundTrip(t *testing.T) {
	var r Register
	o := received(t, "2026-09-24")
	o.StartReview(d("2026-09-28"), at, "x")
	o.Decide(DecisionUpheld, 0, "维持", d("2026-09-29"), at, "x", cal(t))
	if err := r.Add(o); err != nil {
		t.Fatal(err)
	}
	o2 := received(t, "2026-09-24")
	o2.ID = "YY-2026-000"
	r.Add(o2)
	if err := r.Add(o2); !errors.Is(err, ErrInput) {
		t.Fatalf("duplicate: %v", err)
	}
	if r.Objections[0].ID != "YY-2026-000" || strings.Join(r.ResultIDs(), ",") != o.ResultID+","+o.ResultID {
		t.Fatalf("order: %+v", r.ResultIDs())
	}
	data, _ := json.Marshal(r)
	back, err := DecodeRegister(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	if !bytes.Equal(data, again) {
		t.Fatal("register does not round-trip")
	}
	bad := bytes.Replace(data, []byte(`"state":"decided","received_on"`), []byte(`"state":"feedback_sent","received_on"`), 1)
	if _, err := DecodeRegister(bytes.NewReader(bad)); !errors.Is(err, ErrInput) {
		t.Fatalf("state/steps mismatch: %v", err)
	}
}

func FuzzDecodeRegister(f *testing.F) {
	var r Register
	o := received(f, "2026-09-24")
	r.Add(o)
	data, _ := json.Marshal(r)
	f.Add(data)
	f.Add([]byte(`{"objections":[{"id":"a","state":"decided","steps":[{},{},{}]}]}`))
	c := cal(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		reg, err := DecodeRegister(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, o := range reg.Objections {
			o.Standing(c, d("2026-10-01"), -1) // must not panic
		}
	})
}
