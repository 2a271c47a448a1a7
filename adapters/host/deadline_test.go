package host

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// lateCtx is a context whose deadline has passed but whose timer has not
// fired yet (Err is still nil), as a loaded host can see it for a moment.
type lateCtx struct {
	context.Context
	deadline time.Time
}

func (c lateCtx) Deadline() (time.Time, bool) { return c.deadline, true }

// ended tells a call that ended at ctx's deadline (by the host's timer or
// the plugin's) from a plugin that failed on its own.
func TestEnded(t *testing.T) {
	canceled := status.Error(codes.Canceled, "stream terminated by RST_STREAM with error code: CANCEL")
	timedOut := status.Error(codes.DeadlineExceeded, "context deadline exceeded")
	unavailable := status.Error(codes.Unavailable, "connection refused")
	done, cancel := context.WithCancel(context.Background())
	cancel()
	far, cancelFar := context.WithTimeout(context.Background(), time.Hour)
	defer cancelFar()
	now := time.Now()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want error
	}{
		{"host's context ended", done, unavailable, context.Canceled},
		{"no deadline", context.Background(), canceled, nil},
		{"deadline far away: the plugin cancelled on its own", far, canceled, nil},
		{"deadline passed, timer not fired, plugin reset the stream", lateCtx{context.Background(), now.Add(-time.Millisecond)}, canceled, context.DeadlineExceeded},
		{"deadline passed, timer not fired, plugin timed out", lateCtx{context.Background(), now.Add(-time.Millisecond)}, timedOut, context.DeadlineExceeded},
		{"deadline within the slack (truncated on the wire)", lateCtx{context.Background(), now.Add(deadlineSlack / 2)}, canceled, context.DeadlineExceeded},
		{"deadline passed, but the plugin is unreachable", lateCtx{context.Background(), now.Add(-time.Millisecond)}, unavailable, nil},
		{"deadline passed, an error that is not gRPC's", lateCtx{context.Background(), now.Add(-time.Millisecond)}, errors.New("EOF"), nil},
	}
	for _, tc := range tests {
		got := ended(tc.ctx, tc.err)
		if tc.want == nil {
			assert.NoError(t, got, tc.name)
			continue
		}
		assert.ErrorIs(t, got, tc.want, tc.name)
	}
}
