package draw

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/shuangsuiji/ssj/internal/canon"
)

// This file lets DecodeRecord check a record's canonical form while it
// decodes the record (issue 13: a million-target draw's record is tens of
// megabytes, and both passes over it are serial): the RFC 8785 transform
// of the bytes, which needs nothing but the bytes, starts on another
// goroutine before the strict decoding, and sameCanonicalWith takes its
// result. The checks and their errors are sameCanonical's.

// canonAsync starts canon.Transform(data) on another goroutine and
// returns a function that waits for its result.
func canonAsync(data []byte) func() ([]byte, error) {
	done := make(chan struct{})
	var out []byte
	var err error
	go func() {
		defer close(done)
		out, err = canon.Transform(data)
	}()
	return func() ([]byte, error) {
		<-done
		return out, err
	}
}

// sameCanonicalWith is sameCanonical with the canonical form of data
// (canon.Transform's result) coming from transformed.
func sameCanonicalWith(data []byte, v any, transformed func() ([]byte, error)) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if enc.Encode(v) == nil && bytes.Equal(bytes.TrimSpace(data), bytes.TrimSpace(buf.Bytes())) {
		_, err := transformed()
		return err
	}
	a, err := transformed()
	if err != nil {
		return err
	}
	b, err := canon.Marshal(v)
	if err != nil {
		return err
	}
	if !bytes.Equal(a, b) {
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		lo := max(0, i-40)
		return fmt.Errorf("%w: canonical form differs after %q", ErrNotCanonical, a[lo:i])
	}
	return nil
}
