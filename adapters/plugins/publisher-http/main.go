// Command publisher-http is the HTTP publisher as a plugin
// (adapters/publishers/httppub run out of process through
// adapters/publisherplugin): it POSTs each publication as JSON to a
// platform endpoint with an Idempotency-Key header, timeouts, and
// retries with exponential backoff.
//
// Arguments (from the host's plugin config file):
//
//	-endpoint URL          the platform's endpoint (or the location the host names)
//	-credit-endpoint URL   where credit-record entries go (default: -endpoint)
//	-token-env NAME        read a bearer token from the environment variable NAME
//	-timeout 10s -attempts 6 -base-delay 200ms -max-delay 10s
//
//	go build -o /usr/local/libexec/ssj/ssj-publisher-http ./adapters/plugins/publisher-http
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/shuangsuiji/ssj/adapters/publisherplugin"
	"github.com/shuangsuiji/ssj/adapters/publishers/httppub"
	"github.com/shuangsuiji/ssj/office"
)

func main() {
	publisherplugin.Serve("adapters/publishers/httppub", open)
}

func open(_ context.Context, req publisherplugin.OpenRequest) (office.Publisher, error) {
	fs := flag.NewFlagSet("publisher-http", flag.ContinueOnError)
	var opt httppub.Options
	fs.StringVar(&opt.Endpoint, "endpoint", "", "the platform's endpoint URL")
	fs.StringVar(&opt.CreditEndpoint, "credit-endpoint", "", "the credit-record entries' endpoint URL (default: -endpoint)")
	tokenEnv := fs.String("token-env", "", "the environment variable holding a bearer token")
	fs.DurationVar(&opt.Timeout, "timeout", httppub.DefaultTimeout, "timeout of one attempt")
	fs.IntVar(&opt.Attempts, "attempts", httppub.DefaultAttempts, "attempts per publication")
	fs.DurationVar(&opt.BaseDelay, "base-delay", httppub.DefaultBaseDelay, "first backoff ceiling")
	fs.DurationVar(&opt.MaxDelay, "max-delay", httppub.DefaultMaxDelay, "largest backoff")
	if err := fs.Parse(req.Args); err != nil {
		return nil, fmt.Errorf("publisher-http: arguments %q: %w: %w", req.Args, office.ErrPrecondition, err)
	}
	if req.Location != "" {
		opt.Endpoint = req.Location
	}
	if *tokenEnv != "" {
		opt.Token = os.Getenv(*tokenEnv)
		if opt.Token == "" {
			return nil, fmt.Errorf("publisher-http: %w: -token-env %s: the variable is empty or unset", office.ErrPrecondition, *tokenEnv)
		}
	}
	return httppub.New(opt)
}
