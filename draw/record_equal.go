package draw

import (
	"bytes"
	"encoding/json"
	"sync"
)

// equalChunk is the number of selections encoded at a time by
// equalRecordJSON (about 6 MB of JSON).
const equalChunk = 1 << 15

// equalRecordJSON reports whether json.Marshal gives the same bytes for a
// and b without holding either encoding whole: the records without their
// selections are encoded and compared, then the selections, equalChunk at
// a time, the two records' chunks side by side. json.Marshal of a record
// is its encoding without selections with the selections' array in the
// place of the member's null, and the array's text is its chunks' texts
// joined, so equal parts mean equal encodings. false means they differ or
// one part could not be encoded: the caller then compares the whole
// encodings (sameRecordBytes), which says where and why. At 10M targets
// the two whole encodings of a 1.45M-selection record and their growing
// buffers held about 1 GB at once.
func equalRecordJSON(a, b *Record) bool {
	if len(a.Selected) != len(b.Selected) || (a.Selected == nil) != (b.Selected == nil) {
		return false
	}
	ha, hb := *a, *b
	ha.Selected, hb.Selected = nil, nil
	if !equalJSON(&ha, &hb) {
		return false
	}
	for lo := 0; lo < len(a.Selected); lo += equalChunk {
		hi := min(lo+equalChunk, len(a.Selected))
		if !equalJSON(a.Selected[lo:hi], b.Selected[lo:hi]) {
			return false
		}
	}
	return true
}

// equalJSON reports whether json.Marshal of a and of b (encoded side by
// side) succeed and give the same bytes.
func equalJSON[T any](a, b T) bool {
	var ja []byte
	var erra error
	var wg sync.WaitGroup
	wg.Go(func() { ja, erra = json.Marshal(a) })
	jb, errb := json.Marshal(b)
	wg.Wait()
	return erra == nil && errb == nil && bytes.Equal(ja, jb)
}
