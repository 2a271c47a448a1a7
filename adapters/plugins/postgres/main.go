// Command postgres is the PostgreSQL store as a plugin: office/pgstore run
// out of process through adapters/storeplugin.
//
// The connection URL is the location the host passes (ssj --store
// postgres://… with a plugin named "postgres" in the plugin config file),
// or the -dsn argument from the config file.
//
//	go build -o /usr/local/libexec/ssj/ssj-store-postgres ./adapters/plugins/postgres
package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/shuangsuiji/ssj/adapters/storeplugin"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/pgstore"
)

func main() {
	storeplugin.Serve("office/pgstore", open)
}

func open(ctx context.Context, req storeplugin.OpenRequest) (office.Store, error) {
	fs := flag.NewFlagSet("postgres", flag.ContinueOnError)
	dsn := fs.String("dsn", "", "the PostgreSQL connection URL")
	if err := fs.Parse(req.Args); err != nil {
		return nil, fmt.Errorf("postgres plugin: arguments %q: %w: %w", req.Args, office.ErrPrecondition, err)
	}
	url := *dsn
	if req.Location != "" {
		url = req.Location
	}
	if url == "" {
		return nil, fmt.Errorf("postgres plugin: %w: no connection URL: give -dsn in the plugin's args or a location", office.ErrPrecondition)
	}
	// The store outlives the Open call whose context this is.
	return pgstore.Open(context.WithoutCancel(ctx), url, pgstore.Options{})
}
