package host

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
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
	p, ok := h.cfg.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("%w %s: no plugin named %q", ErrConfig, h.cfg.Source, name)
	}
	if p.Kind != wire.KindPublisher {
		return nil, fmt.Errorf("%w %s: plugin %q is a %s plugin, not a publisher", ErrConfig, h.cfg.Source, name, p.Kind)
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

	mu     sync.Mutex
	inst   *pubInstance
	closed bool
	starts int
}

var _ office.Publisher = (*PublisherClient)(nil)

type pubInstance struct {
	pc     *plugin.Client
	proto  plugin.ClientProtocol
	rpc    pb.PublisherClient
	broken bool
}

// Starts reports how many plugin processes this client started.
func (c *PublisherClient) Starts() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.starts
}

// Pid returns the running plugin process's ID, or 0.
func (c *PublisherClient) Pid() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inst == nil {
		return 0
	}
	if rc := c.inst.pc.ReattachConfig(); rc != nil {
		return rc.Pid
	}
	return 0
}

func (c *PublisherClient) errorf(format string, a ...any) error {
	return fmt.Errorf("publisher plugin %q: "+format, append([]any{c.p.Name}, a...)...)
}

func (c *PublisherClient) instance(ctx context.Context) (*pubInstance, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, c.errorf("%w: the publisher is closed", office.ErrUnavailable)
	}
	if c.inst != nil && !c.inst.broken && !c.inst.pc.Exited() {
		return c.inst, nil
	}
	if c.inst != nil {
		c.log.Warn("plugin process gone; starting a fresh one")
		c.inst.pc.Kill()
		c.inst = nil
	}
	inst, err := c.start(ctx)
	if err != nil {
		return nil, err
	}
	c.inst = inst
	c.starts++
	return inst, nil
}

func (c *PublisherClient) start(ctx context.Context) (*pubInstance, error) {
	st, err := launch(ctx, c.p, c.opt, c.log, c.location, kindSpec{
		kind: wire.KindPublisher, set: &wire.PublisherPlugin{}, unavailable: office.ErrUnavailable, wrongKind: office.ErrPrecondition,
		remote: c.remote,
	})
	if err != nil {
		return nil, err
	}
	rpc, ok := st.raw.(pb.PublisherClient)
	if !ok {
		st.pc.Kill()
		return nil, pluginErrorf(c.p, "%w: dispensed %T, not a pb.PublisherClient", office.ErrUnavailable, st.raw)
	}
	return &pubInstance{pc: st.pc, proto: st.proto, rpc: rpc}, nil
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

func (c *PublisherClient) send(ctx context.Context, inst *pubInstance, h *pb.PublishHeader, chunks [][]byte) (*pb.Receipt, error) {
	fail := func(err error) (*pb.Receipt, error) {
		st := status.Convert(err)
		switch st.Code() {
		case codes.Unavailable, codes.Canceled, codes.DeadlineExceeded:
			// The platform being down comes as Unavailable too: only a
			// plugin that is gone or does not answer a ping is replaced.
			if inst.pc.Exited() || inst.proto.Ping() != nil {
				c.mu.Lock()
				inst.broken = true
				c.mu.Unlock()
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
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	inst := c.inst
	c.inst = nil
	if inst == nil {
		return nil
	}
	defer inst.pc.Kill()
	if inst.broken || inst.pc.Exited() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := inst.rpc.Close(ctx, &pb.CloseRequest{}); err != nil {
		return c.remote(status.Convert(err))
	}
	return nil
}
