package host

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/shuangsuiji/ssj/adapters/internal/wire"
	pb "github.com/shuangsuiji/ssj/adapters/proto/adaptersv1"
	"github.com/shuangsuiji/ssj/office"
)

// OpenPublisher starts the publisher plugin called name and opens its
// publisher; location (e.g. a platform endpoint or a directory, or empty)
// is handed to the plugin's opener. The plugin is started now, so that a
// wrong checksum, a wrong version or a publisher that cannot be opened
// shows at once.
func (h *Host) OpenPublisher(ctx context.Context, name, location string) (*PublisherClient, error) {
	p, err := h.plugin(name, wire.KindPublisher)
	if err != nil {
		return nil, err
	}
	c := &PublisherClient{p: p, location: location, opt: h.opt, log: h.opt.Logger.Named(p.Name)}
	if _, err := c.instance(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// PublisherClient is an office.Publisher served by a plugin process; the
// office cannot tell it from an in-process publisher. It is safe for
// concurrent use. Each Publish is one gRPC stream bound to its context;
// when the plugin process dies, the call fails with
// office.ErrUnavailable (the office re-sends with the same key) and the
// next call starts a fresh plugin.
type PublisherClient struct {
	p        Plugin
	location string
	opt      Options
	log      hclog.Logger

	sup supervisor[pb.PublisherClient]
}

var _ office.Publisher = (*PublisherClient)(nil)

// Starts reports how many plugin processes this client started.
func (c *PublisherClient) Starts() int { return c.sup.count() }

// Pid returns the running plugin process's ID, or 0.
func (c *PublisherClient) Pid() int { return c.sup.pid() }

func (c *PublisherClient) errorf(format string, a ...any) error {
	return fmt.Errorf("publisher plugin %q: "+format, append([]any{c.p.Name}, a...)...)
}

func (c *PublisherClient) instance(ctx context.Context) (*proc[pb.PublisherClient], error) {
	return c.sup.get(c.log, func() error { return c.errorf("%w: the publisher is closed", office.ErrUnavailable) }, func() (*proc[pb.PublisherClient], error) { return c.start(ctx) })
}

func (c *PublisherClient) start(ctx context.Context) (*proc[pb.PublisherClient], error) {
	return launch[pb.PublisherClient](ctx, c.p, c.opt, c.log, c.location, kindSpec{
		kind: wire.KindPublisher, set: &wire.PublisherPlugin{}, unavailable: office.ErrUnavailable, wrongKind: office.ErrPrecondition,
		remote: c.remote,
	})
}

// remote turns a plugin's status into an error matching the office
// sentinel its code stands for.
func (c *PublisherClient) remote(st *status.Status) error {
	if s := wire.Sentinel(st.Code()); s != nil {
		return c.errorf("%s: %w", st.Message(), s)
	}
	return c.errorf("%s (%s)", st.Message(), st.Code())
}

// Publish implements office.Publisher: one Publish stream carrying the
// header and, when the body does not fit in it, body chunks.
func (c *PublisherClient) Publish(ctx context.Context, pub office.Publication) (office.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return office.Receipt{}, c.errorf("publish %s: %w: %w", pub.Key, office.ErrUnavailable, err)
	}
	kind, err := wire.FromPublicationKind(pub.Kind)
	if err != nil {
		return office.Receipt{}, c.errorf("publish %s: %w", pub.Key, err)
	}
	inst, err := c.instance(ctx)
	if err != nil {
		return office.Receipt{}, err
	}
	sum := sha256.Sum256(pub.Body)
	h := &pb.PublishHeader{IdempotencyKey: pub.Key, Kind: kind, Subject: pub.Subject, MediaType: pub.MediaType,
		Sha256: hex.EncodeToString(sum[:]), Size: int64(len(pub.Body))}
	if wire.PublishHead(h) > wire.Budget/2 {
		return office.Receipt{}, c.errorf("publish %s: key, subject and media type are %w", pub.Key, wire.ErrTooLarge)
	}
	first, chunks := wire.SplitBody(wire.PublishHead(h), pub.Body)
	h.Body = first
	rc, err := c.send(ctx, inst, h, chunks)
	if err != nil {
		return office.Receipt{}, err
	}
	if rc.IdempotencyKey != pub.Key {
		return office.Receipt{}, c.errorf("publish %s: %w: the plugin answered with a receipt for key %q", pub.Key, office.ErrPrecondition, rc.IdempotencyKey)
	}
	return wire.ToReceipt(rc), nil
}

func (c *PublisherClient) send(ctx context.Context, inst *proc[pb.PublisherClient], h *pb.PublishHeader, chunks [][]byte) (*pb.Receipt, error) {
	fail := func(err error) (*pb.Receipt, error) {
		st := status.Convert(err)
		switch st.Code() {
		case codes.Unavailable, codes.Canceled, codes.DeadlineExceeded:
			// The platform being down comes as Unavailable too: only a
			// plugin that is gone or does not answer a ping is replaced.
			if inst.pc.Exited() || inst.proto.Ping() != nil {
				c.sup.broke(inst)
			}
			return nil, c.errorf("publish %s: %s: %w", h.IdempotencyKey, st.Message(), office.ErrUnavailable)
		}
		return nil, c.remote(st)
	}
	stream, err := inst.rpc.Publish(ctx)
	if err != nil {
		return fail(err)
	}
	if err := stream.Send(&pb.PublishRequest{Part: &pb.PublishRequest_Header{Header: h}}); err != nil {
		_, err = stream.CloseAndRecv()
		return fail(err)
	}
	for _, ch := range chunks {
		if err := stream.Send(&pb.PublishRequest{Part: &pb.PublishRequest_Chunk{Chunk: &pb.BodyChunk{Data: ch}}}); err != nil {
			_, err = stream.CloseAndRecv()
			return fail(err)
		}
	}
	rc, err := stream.CloseAndRecv()
	if err != nil {
		return fail(err)
	}
	return rc, nil
}

// Close closes the plugin's publisher and stops the plugin process.
func (c *PublisherClient) Close() error {
	inst, live := c.sup.close()
	if inst == nil {
		return nil
	}
	defer inst.pc.Kill()
	if !live {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := inst.rpc.Close(ctx, &pb.CloseRequest{}); err != nil {
		return c.remote(status.Convert(err))
	}
	return nil
}
