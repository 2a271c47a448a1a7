package main

// ssj publish push (issue 11): the office's Deliver step over a publisher
// plugin named in the plugin config file, or the built-in file publisher.

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/adapters/host"
	"github.com/shuangsuiji/ssj/adapters/publishers/gsxtfile"
	"github.com/shuangsuiji/ssj/office"
)

// builtinFiles is the publisher name of the in-process GSXT file
// publisher, used when the plugin config names no plugin so called.
const builtinFiles = "files"

var pushVerb = verb{Use: "push", Short: "deliver every publication and credit-record entry (R30) to a platform, exactly once",
	Long: `Delivers what the store published and no receipt of --publisher covers yet:
task announcements, result versions, corrections, summary reports, and a
credit-record entry (信用记录, R30: USCC, authority, date, conclusion,
measures, link to the public page under --public-base) for each result
version and correction. Each goes with an idempotency key fixed by its
trail event; the platform's receipt is stored and traced
(publication.delivered) and checked by ssj audit. A run cut short (the
platform down, a crash) is simply run again: what has a receipt is not
sent again, what was sent without one is re-sent with the same key.

--publisher names a publisher plugin of the plugin config (--plugins FILE
or $SSJ_PLUGINS; --to LOCATION is handed to it, e.g. the endpoint), or
"files" for the built-in GSXT file publisher writing into --to DIR.
Exit 0: everything delivered; 1: something could not be delivered (the
report says what and why); 2: bad usage, or the store or plugin could not
be opened.`,
	Example: "  ssj publish push --store ssj.db --publisher gsxt --plugins plugins.json --public-base https://example.gov.cn/api/v1/results\n" +
		"  ssj publish push --store ssj.db --publisher files --to out/gsxt --json",
	Setup: pubPush}

func pubPush(e *env, fs *pflag.FlagSet) func([]string) int {
	c := newPlainStepCLI(e, fs)
	asJSON := jsonFlag(fs)
	name := fs.String("publisher", "", "the publisher `NAME`: a publisher plugin of the plugin config, or \"files\" (built in)")
	to := fs.String("to", "", "the `LOCATION` handed to the publisher (an endpoint, a directory)")
	base := fs.String("public-base", "", "base `URL` of the public result pages, for the credit entries' links (default $SSJ_PUBLIC_BASE)")
	limit := fs.Int("limit", 0, "deliver at most `N` publications (0: all)")
	dry := fs.Bool("dry-run", false, "list what would be delivered; send nothing, store nothing")
	required(fs, "publisher")
	return func(args []string) int {
		const what = "publish push"
		if len(args) != 0 || *name == "" {
			return usageError(e, "%s: --publisher NAME is required, no arguments", what)
		}
		if *limit < 0 {
			return usageError(e, "%s: --limit %d: want 0 or more", what, *limit)
		}
		if *base == "" {
			*base = os.Getenv("SSJ_PUBLIC_BASE")
		}
		opt := office.DeliverOptions{Publisher: *name, PublicBase: *base, Limit: *limit}
		o, step, done, code := c.begin(e, what, officeOptions{})
		if o == nil {
			return code
		}
		defer done()
		ctx := context.Background()
		if *dry {
			pubs, err := o.Outbox(ctx, opt)
			if err != nil {
				return officeError(e, what, err)
			}
			if *asJSON {
				type item struct {
					Key     string                 `json:"key"`
					Kind    office.PublicationKind `json:"kind"`
					Subject string                 `json:"subject"`
					SHA256  string                 `json:"sha256"`
				}
				items := []item{}
				for _, p := range pubs {
					items = append(items, item{p.Key, p.Kind, p.Subject, p.SHA256})
				}
				return writeOrFail(e, items)
			}
			for _, p := range pubs {
				fmt.Fprintf(e.stdout, "%-15s %-45s %s\n", p.Kind, p.Subject, p.Key)
			}
			fmt.Fprintf(e.stdout, "%d publications without a receipt from %q\n", len(pubs), *name)
			return exitOK
		}
		pub, err := openPublisher(e, *name, *to)
		if err != nil {
			return inputError(e, fmt.Errorf("%s: %w", what, err))
		}
		defer pub.Close()
		rep, derr := o.Deliver(ctx, step, pub, opt)
		var de *office.DeliveryError
		if derr != nil && !errors.As(derr, &de) {
			return officeError(e, what, derr)
		}
		if *asJSON {
			out := struct {
				office.DeliveryReport
				Error string `json:"error,omitempty"`
			}{DeliveryReport: rep}
			if derr != nil {
				out.Error = derr.Error()
			}
			if code := writeOrFail(e, out); code != exitOK {
				return code
			}
		} else {
			for _, r := range rep.Receipts {
				dup := ""
				if r.Receipt.Duplicate {
					dup = " (the platform had it: first receipt)"
				}
				fmt.Fprintf(e.stdout, "%-15s %-45s %s%s\n", r.Kind, r.Subject, r.Receipt.PlatformID, dup)
			}
			fmt.Fprintf(e.stdout, "pushed to %q: %d delivered (%d already on the platform), %d pending\n", *name, rep.Sent, rep.Duplicates, rep.Pending)
		}
		if derr != nil {
			fmt.Fprintf(e.stderr, "ssj: %s: %v\nssj: %s: run it again to deliver the rest: nothing delivered is sent twice\n", what, derr, what)
			return exitProblem
		}
		return exitOK
	}
}

// openPublisher opens the publisher plugin called name, or the built-in
// file publisher when the config names no plugin "files".
func openPublisher(e *env, name, to string) (office.Publisher, error) {
	cfg, err := pluginConfig(e)
	if err != nil {
		return nil, err
	}
	if _, ok := cfg.Lookup(name); !ok && name == builtinFiles {
		if to == "" {
			return nil, errors.New(`--publisher files needs --to DIR`)
		}
		return gsxtfile.New(to, gsxtfile.Options{})
	}
	if cfg == nil {
		return nil, fmt.Errorf("--publisher %s: needs a plugin config file naming it (--plugins FILE or $SSJ_PLUGINS), or --publisher files --to DIR", name)
	}
	opt, err := pluginLogger(e)
	if err != nil {
		return nil, err
	}
	return host.New(cfg, opt).OpenPublisher(context.Background(), name, to)
}
