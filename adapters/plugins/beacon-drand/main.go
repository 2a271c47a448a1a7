// Command beacon-drand is the reference beacon plugin: it fetches drand
// rounds over drand's HTTP API from a relay (adapters/beacon.DrandHTTP)
// and verifies each one against the pinned chain information before
// handing it to the host, which verifies it again.
//
// The relay's base URL is the -url argument (from the host's plugin config
// file; default https://api.drand.sh) or, when the host names a location,
// that location. -timeout bounds one HTTP exchange.
//
//	go build -o /usr/local/libexec/ssj/ssj-beacon-drand ./adapters/plugins/beacon-drand
package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/shuangsuiji/ssj/adapters/beacon"
	"github.com/shuangsuiji/ssj/adapters/beaconplugin"
)

func main() {
	beaconplugin.Serve("adapters/beacon.DrandHTTP", open)
}

func open(_ context.Context, req beaconplugin.OpenRequest) (beacon.Beacon, error) {
	fs := flag.NewFlagSet("beacon-drand", flag.ContinueOnError)
	base := fs.String("url", beacon.DefaultDrandURL, "the drand HTTP relay's base URL")
	timeout := fs.Duration("timeout", beacon.DefaultTimeout, "how long one HTTP exchange may take")
	if err := fs.Parse(req.Args); err != nil {
		return nil, fmt.Errorf("beacon-drand plugin: arguments %q: %w: %w", req.Args, beacon.ErrRefused, err)
	}
	if fs.NArg() != 0 {
		return nil, fmt.Errorf("beacon-drand plugin: arguments %q: %w: unexpected %q", req.Args, beacon.ErrRefused, fs.Args())
	}
	u := *base
	if req.Location != "" {
		u = req.Location
	}
	return beacon.NewDrandHTTP(u, beacon.DrandHTTPOptions{Timeout: *timeout})
}
