package wire

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	pb "github.com/shuangsuiji/ssj/adapters/proto/adaptersv1"
	"github.com/shuangsuiji/ssj/office"
)

// Each office sentinel crosses the boundary as its own gRPC code and comes
// back as itself, wrapped or not.
func TestSentinelRoundTrip(t *testing.T) {
	for _, c := range []struct {
		err  error
		code codes.Code
		back error
	}{
		{office.ErrNotFound, codes.NotFound, office.ErrNotFound},
		{office.ErrConflict, codes.Aborted, office.ErrConflict},
		{office.ErrPrecondition, codes.FailedPrecondition, office.ErrPrecondition},
		{office.ErrUnavailable, codes.Unavailable, office.ErrUnavailable},
		{context.DeadlineExceeded, codes.DeadlineExceeded, office.ErrUnavailable},
		{context.Canceled, codes.Canceled, office.ErrUnavailable},
		{errors.New("disk on fire"), codes.Unknown, nil},
	} {
		wrapped := fmt.Errorf("sqlitestore: put task %q: %w", "T1", c.err)
		require.Equal(t, c.code, Code(wrapped), c.err)
		re := &RemoteError{Plugin: "p", Code: Code(wrapped), Message: wrapped.Error()}
		if c.back == nil {
			require.Nil(t, re.Unwrap())
			continue
		}
		require.ErrorIs(t, re, c.back)
		require.Equal(t, `store plugin "p": `+wrapped.Error(), re.Error())
	}
	// A store's error wrapping two sentinels keeps the first in order of
	// NotFound, Conflict, Precondition, Unavailable.
	require.Equal(t, codes.Aborted, Code(fmt.Errorf("%w: %w", office.ErrUnavailable, office.ErrConflict)))
	require.Equal(t, codes.OK, Code(nil))
	require.ErrorIs(t, &RemoteError{Code: codes.AlreadyExists}, office.ErrConflict)
}

func TestSplitAndReadBody(t *testing.T) {
	for _, n := range []int{0, 1, Budget - 100, Budget - 99, Budget, 3*Budget + 7} {
		body := bytes.Repeat([]byte{7}, n)
		first, chunks := SplitBody(100, body)
		require.LessOrEqual(t, len(first)+100, Budget)
		for _, c := range chunks {
			require.LessOrEqual(t, len(c), Budget)
		}
		i := 0
		got, err := ReadBody(first, int64(n), func() (*pb.BodyChunk, error) {
			i++
			return &pb.BodyChunk{Data: chunks[i-1]}, nil
		})
		require.NoError(t, err)
		require.Equal(t, body, got, "n=%d", n)
		require.Equal(t, len(chunks), i)
	}
	// Violations.
	_, err := ReadBody([]byte("abc"), 2, nil)
	require.ErrorContains(t, err, "declares size 2")
	_, err = ReadBody([]byte("abc"), 5, func() (*pb.BodyChunk, error) { return nil, nil })
	require.ErrorContains(t, err, "body chunk expected after 3 of 5 bytes")
	_, err = ReadBody([]byte("abc"), 5, func() (*pb.BodyChunk, error) { return &pb.BodyChunk{Data: []byte("xyz")}, nil })
	require.ErrorContains(t, err, "body chunk of 3 bytes after 3 of 5 bytes")
}

// Bodies arriving from a plugin are outside input: whatever the sizes and
// chunks, ReadBody returns the declared size or an error, never panics.
func FuzzReadBody(f *testing.F) {
	f.Add([]byte("abc"), int64(5), []byte("de"), []byte(""))
	f.Add([]byte(""), int64(-1), []byte("x"), []byte("y"))
	f.Fuzz(func(t *testing.T, first []byte, size int64, c1, c2 []byte) {
		if size > 1<<20 {
			size = 1 << 20
		}
		chunks := [][]byte{c1, c2}
		got, err := ReadBody(first, size, func() (*pb.BodyChunk, error) {
			if len(chunks) == 0 {
				return nil, errors.New("end of stream")
			}
			c := chunks[0]
			chunks = chunks[1:]
			return &pb.BodyChunk{Data: c}, nil
		})
		if err == nil && size != 0 && int64(len(got)) != size {
			t.Fatalf("size %d, got %d bytes", size, len(got))
		}
	})
}

func TestPackRows(t *testing.T) {
	rows := []office.Row{{Key: "a", Data: []byte("A")}, {Key: "", Data: []byte{}}, {Key: "某", Data: bytes.Repeat([]byte{1}, 300)}}
	var b []byte
	size := 0
	for _, r := range rows {
		b = AppendRow(b, r)
		size += PackedRowSize(r)
	}
	require.Len(t, b, size)
	got, err := UnpackRows(nil, b)
	require.NoError(t, err)
	require.Equal(t, rows, got)
	_, err = UnpackRows(nil, b[:len(b)-1])
	require.ErrorContains(t, err, "packed rows: bad length")
	_, err = UnpackRows(nil, []byte{0xff})
	require.Error(t, err)
}

// Packed rows arriving from a plugin are outside input: they decode or
// fail, never panic, and what decodes packs back to the same bytes.
func FuzzUnpackRows(f *testing.F) {
	f.Add(AppendRow(AppendRow(nil, office.Row{Key: "k", Data: []byte("d")}), office.Row{Key: "k2"}))
	f.Add([]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := UnpackRows(nil, b)
		if err != nil {
			return
		}
		var again []byte
		for _, r := range rows {
			again = AppendRow(again, r)
		}
		if len(b) > 0 && !bytes.Equal(again, b) {
			// Non-minimal uvarints decode but re-encode shorter.
			if len(again) > len(b) {
				t.Fatalf("re-encoding grew: %x -> %x", b, again)
			}
		}
	})
}
