package storeserver

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/shuangsuiji/ssj/adapters/proto/adaptersv1"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/memstore"
)

// A host of another major version is refused with a message naming both
// versions, and the store is not opened.
func TestOpenRefusesOtherMajor(t *testing.T) {
	opened := 0
	s := NewServer(Config{Open: func(context.Context, OpenRequest) (office.Store, error) {
		opened++
		return memstore.Open(memstore.NewDB()), nil
	}})
	_, err := s.Open(context.Background(), &pb.OpenRequest{ProtocolMajor: 2})
	require.Equal(t, codes.FailedPrecondition, status.Code(err))
	require.ErrorContains(t, err, "the host speaks protocol ssj.adapters.v2, this plugin speaks ssj.adapters.v1")
	require.Zero(t, opened)
	resp, err := s.Open(context.Background(), &pb.OpenRequest{ProtocolMajor: 1, ProtocolMinor: 7})
	require.NoError(t, err)
	require.Equal(t, uint32(1), resp.ProtocolMajor)
	require.Equal(t, "store", resp.Kind)
	require.Equal(t, 1, opened)
}

// An opener's error keeps its sentinel as the status code.
func TestOpenErrorCode(t *testing.T) {
	s := NewServer(Config{Open: func(context.Context, OpenRequest) (office.Store, error) {
		return nil, office.ErrUnavailable
	}})
	_, err := s.Open(context.Background(), &pb.OpenRequest{ProtocolMajor: 1})
	require.Equal(t, codes.Unavailable, status.Code(err))
}
