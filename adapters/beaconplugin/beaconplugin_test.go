package beaconplugin_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/shuangsuiji/ssj/adapters/beacon"
	"github.com/shuangsuiji/ssj/adapters/beaconplugin"
	pb "github.com/shuangsuiji/ssj/adapters/proto/adaptersv1"
	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/office"
)

// Round 1000 of quicknet (draw/testdata/drand/quicknet-beacons.json).
var round1000 = beacon.Value{Source: "drand", ChainHash: draw.Quicknet.Hash, Round: 1000,
	Randomness: "fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd",
	Signature:  "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39"}

// fixed is a beacon that answers round1000 for every request, or err.
type fixed struct {
	err    error
	closed bool
}

func (f *fixed) Fetch(_ context.Context, req beacon.Request) (beacon.Value, error) {
	if f.err != nil {
		return beacon.Value{}, f.err
	}
	v := round1000
	v.Round = req.Round // a lie for any round but 1000
	return v, nil
}

func (f *fixed) Close() error { f.closed = true; return nil }

func serve(t *testing.T, b *fixed) *beaconplugin.Server {
	t.Helper()
	s := beaconplugin.NewServer("fixed", func(_ context.Context, req beaconplugin.OpenRequest) (beacon.Beacon, error) {
		if req.Location == "refuse" {
			return nil, fmt.Errorf("no such relay: %w", office.ErrPrecondition)
		}
		return b, nil
	})
	return s
}

func code(err error) codes.Code { return status.Convert(err).Code() }

// The server negotiates the version, opens the beacon once, and verifies
// every value before it answers: a beacon that lies is not believed.
func TestServer(t *testing.T) {
	ctx := context.Background()
	b := &fixed{}
	s := serve(t, b)
	_, err := s.Fetch(ctx, &pb.FetchRequest{Source: "drand", Round: 1000})
	assert.Equal(t, codes.FailedPrecondition, code(err), "fetch before open")

	_, err = s.Open(ctx, &pb.OpenRequest{ProtocolMajor: 2})
	assert.Equal(t, codes.FailedPrecondition, code(err))
	assert.ErrorContains(t, err, "ssj.adapters.v2")
	_, err = s.Open(ctx, &pb.OpenRequest{ProtocolMajor: 1, Location: "refuse"})
	assert.Equal(t, codes.FailedPrecondition, code(err))
	assert.ErrorContains(t, err, "no such relay")

	resp, err := s.Open(ctx, &pb.OpenRequest{ProtocolMajor: 1})
	require.NoError(t, err)
	assert.Equal(t, "beacon", resp.Kind)
	assert.Equal(t, "fixed", resp.Implementation)

	v, err := s.Fetch(ctx, &pb.FetchRequest{Source: "drand", Network: "quicknet", Round: 1000})
	require.NoError(t, err)
	assert.Equal(t, round1000.Signature, v.Signature)
	assert.Equal(t, round1000.ChainHash, v.ChainHash)

	_, err = s.Fetch(ctx, &pb.FetchRequest{Source: "drand", Round: 1001})
	assert.Equal(t, codes.FailedPrecondition, code(err), "round 1000's value for round 1001")
	assert.ErrorContains(t, err, "drand quicknet round 1001: field signature: refused")

	for _, req := range []*pb.FetchRequest{{Source: "lottery", Round: 1}, {Source: "drand", Round: 0}, {Source: "drand", Network: "fastnet", Round: 1}} {
		_, err = s.Fetch(ctx, req)
		assert.Equal(t, codes.FailedPrecondition, code(err), "%v", req)
	}

	for _, c := range []struct {
		err  error
		want codes.Code
	}{
		{fmt.Errorf("round 5 not yet: %w", office.ErrNotFound), codes.NotFound},
		{fmt.Errorf("relay down: %w", office.ErrUnavailable), codes.Unavailable},
		{context.DeadlineExceeded, codes.DeadlineExceeded},
		{errors.New("something else"), codes.Unknown},
	} {
		b.err = c.err
		_, err = s.Fetch(ctx, &pb.FetchRequest{Source: "drand", Round: 5})
		assert.Equal(t, c.want, code(err), "%v", c.err)
		assert.ErrorContains(t, err, c.err.Error())
	}

	_, err = s.Close(ctx, &pb.CloseRequest{})
	require.NoError(t, err)
	assert.True(t, b.closed)
	_, err = s.Close(ctx, &pb.CloseRequest{})
	require.NoError(t, err, "closing twice")
}
