package wire

import (
	"context"
	"errors"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	pb "github.com/shuangsuiji/ssj/adapters/proto/adaptersv1"
)

// KindBeacon is the plugin kind of a beacon plugin (the go-plugin plugin
// name too).
const KindBeacon = "beacon"

// BeaconPlugin is the go-plugin plugin of the beacon kind. The plugin side
// sets Impl; the host side leaves it nil and dispenses a
// pb.BeaconClient.
type BeaconPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl pb.BeaconServer
}

// GRPCServer implements plugin.GRPCPlugin.
func (p *BeaconPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	if p.Impl == nil {
		return errors.New("wire: BeaconPlugin has no Impl")
	}
	pb.RegisterBeaconServer(s, p.Impl)
	return nil
}

// GRPCClient implements plugin.GRPCPlugin.
func (p *BeaconPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return pb.NewBeaconClient(c), nil
}
