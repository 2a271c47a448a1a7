package draw

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync"
)

// writeChunk is the number of selections WriteRecord encodes at a time
// (about 7 MB of indented JSON).
const writeChunk = 1 << 15

// WriteRecord writes the record to w as MarshalRecord returns it, byte for
// byte, without holding the whole document: the record without its
// selections is encoded once, and the selections' array is encoded
// writeChunk selections at a time (on all processors) and written in the
// place of the member's null. A 10M-target draw's record (1.45M
// selections, 300 MB) is written with a few chunks in memory instead of
// the document and the encoder's growing buffers (about 1 GB).
func WriteRecord(w io.Writer, r *Record) error {
	if len(r.Selected) <= writeChunk {
		doc, err := MarshalRecord(r)
		if err != nil {
			return err
		}
		_, err = w.Write(doc)
		return err
	}
	head := *r
	head.Selected = nil
	doc, err := MarshalRecord(&head)
	if err != nil {
		return err
	}
	// A raw line break never occurs inside an encoded string, so the
	// member at depth 1 is the only match.
	const member = "\n  \"selected\": null"
	at := bytes.Index(doc, []byte(member))
	if at < 0 || bytes.Contains(doc[at+1:], []byte(member)) {
		return fmt.Errorf("draw: record: no single selected member in the encoding")
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.Write(doc[:at+len(member)-len("null")])
	bw.WriteByte('[')
	workers := max(1, runtime.GOMAXPROCS(0))
	bufs := make([]bytes.Buffer, workers)
	errs := make([]error, workers)
	n := len(r.Selected)
	for lo := 0; lo < n; lo += workers * writeChunk {
		var wg sync.WaitGroup
		for c := range workers {
			clo := lo + c*writeChunk
			if clo >= n {
				break
			}
			chi := min(clo+writeChunk, n)
			wg.Go(func() {
				bufs[c].Reset()
				enc := json.NewEncoder(&bufs[c])
				enc.SetEscapeHTML(false)
				enc.SetIndent("  ", "  ")
				errs[c] = enc.Encode(r.Selected[clo:chi])
			})
		}
		wg.Wait()
		for c := range workers {
			if lo+c*writeChunk >= n {
				break
			}
			if errs[c] != nil {
				return fmt.Errorf("draw: record: %w", errs[c])
			}
			// "[" elements "\n  ]\n": the elements, each on lines of
			// their own at depth 2, as in the whole document.
			b := bufs[c].Bytes()
			if lo+c > 0 {
				bw.WriteByte(',')
			}
			bw.Write(b[1 : len(b)-len("\n  ]\n")])
		}
	}
	bw.WriteString("\n  ]")
	bw.Write(doc[at+len(member):])
	return bw.Flush()
}
