// Command sqlite is the SQLite store as a plugin: office/sqlitestore, the
// embedded default, run out of process through adapters/storeplugin.
//
// The database file is the -path argument (from the host's plugin config
// file) or, when the host names a location (ssj --store sqlite-plugin
// with a location), that location.
//
//	go build -o /usr/local/libexec/ssj/ssj-store-sqlite ./adapters/plugins/sqlite
package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/shuangsuiji/ssj/adapters/storeplugin"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/sqlitestore"
)

func main() {
	storeplugin.Serve("office/sqlitestore", open)
}

func open(ctx context.Context, req storeplugin.OpenRequest) (office.Store, error) {
	fs := flag.NewFlagSet("sqlite", flag.ContinueOnError)
	path := fs.String("path", "", "the SQLite database file")
	busy := fs.Duration("busy-timeout", 0, "how long a writer waits for another process's write lock (default sqlitestore.DefaultBusyTimeout)")
	if err := fs.Parse(req.Args); err != nil {
		return nil, fmt.Errorf("sqlite plugin: arguments %q: %w: %w", req.Args, office.ErrPrecondition, err)
	}
	p := *path
	if req.Location != "" {
		p = req.Location
	}
	if p == "" {
		return nil, fmt.Errorf("sqlite plugin: %w: no database file: give -path in the plugin's args or a location", office.ErrPrecondition)
	}
	st, err := sqlitestore.Open(ctx, p, sqlitestore.Options{BusyTimeout: *busy})
	if err != nil {
		return nil, err
	}
	return st, nil
}
