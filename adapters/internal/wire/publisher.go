package wire

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	pb "github.com/shuangsuiji/ssj/adapters/proto/adaptersv1"
	"github.com/shuangsuiji/ssj/office"
)

// KindPublisher is the plugin kind of a publisher plugin (the go-plugin
// plugin name too).
const KindPublisher = "publisher"

// PublisherPlugin is the go-plugin plugin of the publisher kind. The
// plugin side sets Impl; the host side dispenses a pb.PublisherClient.
type PublisherPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl pb.PublisherServer
}

// GRPCServer implements plugin.GRPCPlugin.
func (p *PublisherPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	if p.Impl == nil {
		return errors.New("wire: PublisherPlugin has no Impl")
	}
	pb.RegisterPublisherServer(s, p.Impl)
	return nil
}

// GRPCClient implements plugin.GRPCPlugin.
func (p *PublisherPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return pb.NewPublisherClient(c), nil
}

// The publication kinds on the wire and in the office.
var pubKinds = []struct {
	wire pb.PublicationKind
	kind office.PublicationKind
}{
	{pb.PublicationKind_PUBLICATION_KIND_ANNOUNCEMENT, office.PublicationAnnouncement},
	{pb.PublicationKind_PUBLICATION_KIND_RESULT_VERSION, office.PublicationResult},
	{pb.PublicationKind_PUBLICATION_KIND_CORRECTION, office.PublicationCorrection},
	{pb.PublicationKind_PUBLICATION_KIND_SUMMARY_REPORT, office.PublicationSummary},
	{pb.PublicationKind_PUBLICATION_KIND_CREDIT_ENTRY, office.PublicationCredit},
}

// FromPublicationKind converts; an unknown kind is an error.
func FromPublicationKind(k office.PublicationKind) (pb.PublicationKind, error) {
	for _, x := range pubKinds {
		if x.kind == k {
			return x.wire, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown publication kind %q", office.ErrPrecondition, k)
}

// ToPublicationKind converts; an unknown kind is an error.
func ToPublicationKind(k pb.PublicationKind) (office.PublicationKind, error) {
	for _, x := range pubKinds {
		if x.wire == k {
			return x.kind, nil
		}
	}
	return "", fmt.Errorf("protocol violation: unknown publication kind %d", k)
}

// ToReceipt converts.
func ToReceipt(r *pb.Receipt) office.Receipt {
	return office.Receipt{Key: r.IdempotencyKey, PlatformID: r.PlatformId, URL: r.Url,
		ReceivedAt: Time(r.ReceivedAtSeconds, r.ReceivedAtNanos), Duplicate: r.Duplicate}
}

// FromReceipt converts.
func FromReceipt(r office.Receipt) *pb.Receipt {
	return &pb.Receipt{IdempotencyKey: r.Key, PlatformId: r.PlatformID, Url: r.URL,
		ReceivedAtSeconds: r.ReceivedAt.Unix(), ReceivedAtNanos: int32(r.ReceivedAt.Nanosecond()), Duplicate: r.Duplicate}
}

// PublishHead is a publish header's size without its body.
func PublishHead(h *pb.PublishHeader) int {
	return len(h.IdempotencyKey) + len(h.Subject) + len(h.MediaType) + len(h.Sha256) + 8*16
}
