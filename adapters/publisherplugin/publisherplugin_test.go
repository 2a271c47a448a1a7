package publisherplugin_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pb "github.com/shuangsuiji/ssj/adapters/proto/adaptersv1"
	"github.com/shuangsuiji/ssj/adapters/publisherplugin"
	"github.com/shuangsuiji/ssj/office"
)

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestReadPublication: a header and its chunks make the publication; a
// missing key, an unknown kind, a wrong SHA-256, a chunk past the size
// or a missing chunk are protocol violations.
func TestReadPublication(t *testing.T) {
	body := []byte(`{"result_id":"R-1"}`)
	chunks := func(cs ...[]byte) func() (*pb.BodyChunk, error) {
		return func() (*pb.BodyChunk, error) {
			if len(cs) == 0 {
				return nil, nil
			}
			c := cs[0]
			cs = cs[1:]
			return &pb.BodyChunk{Data: c}, nil
		}
	}
	h := func(mod func(h *pb.PublishHeader)) *pb.PublishHeader {
		x := &pb.PublishHeader{IdempotencyKey: "k", Kind: pb.PublicationKind_PUBLICATION_KIND_CORRECTION, Subject: "R-1@2",
			MediaType: "application/json", Sha256: sum(body), Size: int64(len(body)), Body: body[:5]}
		mod(x)
		return x
	}
	p, err := publisherplugin.ReadPublication(h(func(*pb.PublishHeader) {}), chunks(body[5:10], body[10:]))
	require.NoError(t, err)
	assert.Equal(t, office.Publication{Key: "k", Kind: office.PublicationCorrection, Subject: "R-1@2", MediaType: "application/json",
		Body: body, SHA256: sum(body)}, p)

	for name, c := range map[string]struct {
		h    *pb.PublishHeader
		next func() (*pb.BodyChunk, error)
		msg  string
	}{
		"no key":       {h(func(h *pb.PublishHeader) { h.IdempotencyKey = "" }), chunks(body[5:]), "no idempotency key"},
		"unknown kind": {h(func(h *pb.PublishHeader) { h.Kind = 99 }), chunks(body[5:]), "unknown publication kind"},
		"sha256":       {h(func(h *pb.PublishHeader) { h.Sha256 = sum(nil) }), chunks(body[5:]), "differs from the header's"},
		"overlong":     {h(func(*pb.PublishHeader) {}), chunks(append(append([]byte{}, body[5:]...), 'x')), "protocol violation"},
		"missing":      {h(func(*pb.PublishHeader) {}), chunks(), "protocol violation"},
		"negative":     {h(func(h *pb.PublishHeader) { h.Size = -1 }), chunks(), "size -1"},
		"stream error": {h(func(*pb.PublishHeader) {}), func() (*pb.BodyChunk, error) { return nil, errors.New("boom") }, "boom"},
	} {
		_, err := publisherplugin.ReadPublication(c.h, c.next)
		require.ErrorContains(t, err, c.msg, name)
	}
}
