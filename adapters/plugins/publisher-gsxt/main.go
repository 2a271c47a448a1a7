// Command publisher-gsxt is the GSXT file publisher as a plugin
// (adapters/publishers/gsxtfile run out of process through
// adapters/publisherplugin): it writes each publication's 公示 columns
// (CSV and XLSX), credit-record entries (信用记录, R30), announcements,
// reports and receipts into a directory.
//
// The directory is the -dir argument (from the host's plugin config
// file) or the location the host names (ssj publish push --to DIR).
//
//	go build -o /usr/local/libexec/ssj/ssj-publisher-gsxt ./adapters/plugins/publisher-gsxt
package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/shuangsuiji/ssj/adapters/publisherplugin"
	"github.com/shuangsuiji/ssj/adapters/publishers/gsxtfile"
	"github.com/shuangsuiji/ssj/office"
)

func main() {
	publisherplugin.Serve("adapters/publishers/gsxtfile", open)
}

func open(_ context.Context, req publisherplugin.OpenRequest) (office.Publisher, error) {
	fs := flag.NewFlagSet("publisher-gsxt", flag.ContinueOnError)
	dir := fs.String("dir", "", "the directory the files are written into")
	if err := fs.Parse(req.Args); err != nil {
		return nil, fmt.Errorf("publisher-gsxt: arguments %q: %w: %w", req.Args, office.ErrPrecondition, err)
	}
	d := *dir
	if req.Location != "" {
		d = req.Location
	}
	if d == "" {
		return nil, fmt.Errorf("publisher-gsxt: %w: no directory: give -dir in the plugin's args or a location", office.ErrPrecondition)
	}
	return gsxtfile.New(d, gsxtfile.Options{})
}
