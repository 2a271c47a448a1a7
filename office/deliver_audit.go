package office

import (
	"strconv"

	"github.com/shuangsuiji/ssj/trail"
)

// receipts checks every recorded receipt (issue 11, R30) against the
// trail: its ID is its publisher and key, its source event exists with
// the hash it names and is a publishing event, and the publication that
// event yields under that key has the SHA-256 the receipt recorded: what
// was sent is what the store holds.
func (a *auditor) receipts() error {
	after := ""
	for {
		page, err := a.tx.Latest(a.ctx, KindReceipt, after, 500)
		if err != nil {
			return err
		}
		for _, obj := range page {
			var sr StoredReceipt
			if _, err := load(a.ctx, a.tx, KindReceipt, obj.ID, &sr); err != nil {
				return err
			}
			name := objName(obj)
			if obj.ID != sr.Publisher+"/"+sr.Key || sr.Receipt.Key != sr.Key {
				return found("objects", name, "key", "the receipt is for publisher %q key %q (receipt key %q)", sr.Publisher, sr.Key, sr.Receipt.Key)
			}
			if sr.EventSeq < 0 || sr.EventSeq >= int64(len(a.hashes)) || a.hashes[sr.EventSeq] != sr.EventHash {
				return found("objects", name, "event_seq", "the source event %d with hash %s is not in the trail", sr.EventSeq, sr.EventHash)
			}
			ev, err := eventOf(a, sr.EventSeq)
			if err != nil {
				return err
			}
			if !publishing(ev.Kind) {
				return found("objects", name, "event_seq", "the source event %d is a %s event, which publishes nothing", sr.EventSeq, ev.Kind)
			}
			pubs, err := publicationsOf(a.ctx, a.tx, ev, sr.PublicBase)
			if err != nil {
				return err
			}
			ok := false
			for _, p := range pubs {
				if p.Key == sr.Key {
					if p.SHA256 != sr.SHA256 || p.Kind != sr.Kind || p.Subject != sr.Subject {
						return found("objects", name, "sha256", "the receipt records %s %s sha256 %s; the store's publication is %s %s sha256 %s",
							sr.Kind, sr.Subject, sr.SHA256, p.Kind, p.Subject, p.SHA256)
					}
					ok = true
				}
			}
			if !ok {
				return found("objects", name, "key", "event %d yields no publication with key %s", sr.EventSeq, sr.Key)
			}
			a.rep.Receipts++
		}
		if len(page) < 500 {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

func eventOf(a *auditor, seq int64) (ev trail.Event, err error) {
	es, err := a.tx.Events(a.ctx, seq, 1)
	if err != nil {
		return ev, err
	}
	if len(es) == 0 || es[0].Seq != seq {
		return ev, found("events", strconv.FormatInt(seq, 10), "seq", "event missing")
	}
	return decodeEvent(a.tx, es[0])
}
