package host

import (
	"context"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// deadlineSlack is how close to ctx's deadline a call that the plugin's
// side cancelled counts as having reached it: gRPC sends the deadline to
// the plugin as a duration truncated to its unit (a microsecond for
// deadlines under 100 s, a millisecond under 27 hours, a second beyond).
const deadlineSlack = time.Second

// ended returns why a call under ctx that failed with err ended because
// of ctx: ctx.Err(), or context.DeadlineExceeded when the call was
// cancelled or timed out on the plugin's side at ctx's deadline. The
// plugin's gRPC server keeps its own timer for the deadline the host sent
// and resets the stream (RST_STREAM CANCEL) when it fires; on a loaded
// host that answer can arrive before the host's own timer has marked ctx
// done, and the call must still be reported as the deadline it was, not
// as a plugin that stopped answering. It returns nil when ctx is not the
// cause.
func ended(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	d, ok := ctx.Deadline()
	if !ok {
		return nil
	}
	switch status.Code(err) {
	case codes.Canceled, codes.DeadlineExceeded:
		if time.Until(d) < deadlineSlack {
			return context.DeadlineExceeded
		}
	}
	return nil
}
