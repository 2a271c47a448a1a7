package publish

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/evidence"
)

func FuzzDecodeResults(f *testing.F) {
	good, _ := json.Marshal([]Result{sample(), problem()})
	f.Add(good)
	one, _ := json.Marshal(sample())
	f.Add(one)
	withEvidence := sample()
	withEvidence.Evidence = []evidence.Attachment{{SHA256: strings.Repeat("ab", 32), MediaType: "video/mp4", Size: 1024,
		Step: evidence.StepOnSite, By: "33080012345", At: time.Date(2026, 3, 18, 1, 0, 0, 0, time.UTC)}}
	ev, _ := json.Marshal(withEvidence)
	f.Add(ev) // Rule R24.
	f.Add([]byte(`[{"id":"x","conclusions":["未发现问题"]}]`))
	f.Add([]byte(`{"id":"x","task_end":"2026-02-30"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := DecodeResults(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, r := range rs {
			// Whatever decodes is valid and hashes canonically.
			if err := r.Validate(); err != nil {
				t.Fatalf("decoded result does not validate: %v", err)
			}
			if _, err := HashResult(r); err != nil {
				t.Fatalf("decoded result does not hash: %v", err)
			}
		}
	})
}

func FuzzDecodeCorrection(f *testing.F) {
	b, ring, s := publishedBook(f)
	c, _ := b.NewCorrection(corrected(), "检查完成日期录入错误", "self", "王所长", at)
	sc, _ := Sign(c, s)
	good, _ := json.Marshal(sc)
	f.Add(good)
	f.Add([]byte(`{"result_id":"x","signature":"!!"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := DecodeCorrection(bytes.NewReader(data))
		if err != nil {
			return
		}
		// Never panics; only the untouched original may verify.
		err = ring.Authorize(sc, sample().Unit)
		if err == nil && !bytes.Equal(data, good) {
			msg, _ := sc.SigningBytes()
			orig, _ := c.SigningBytes()
			if !bytes.Equal(msg, orig) {
				t.Fatalf("a different correction verified: %s", data)
			}
		}
	})
}

func FuzzDecodeBook(f *testing.F) {
	b, _, _ := publishedBook(f)
	good, _ := json.Marshal(b)
	f.Add(good)
	f.Add([]byte(`{"policy":{"due_workdays":2,"soon_workdays":1,"retention_years":2},"entries":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		bk, err := DecodeBook(bytes.NewReader(data))
		if err != nil {
			return
		}
		bk.PublicView(ViewOptions{})
	})
}
