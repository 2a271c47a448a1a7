package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/api"
	"github.com/shuangsuiji/ssj/examples/web"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/sqlitestore"
	"github.com/shuangsuiji/ssj/workday"
)

// serveVerifierFS is served at /verifier/ when set: the JavaScript
// verifier's ES modules (package verifier's FS, set by serve_verifier.go).
var serveVerifierFS fs.FS

func init() {
	registerCommand(verb{
		Use:   "serve",
		Short: "serve the HTTP/JSON API (/api/v1/) and the web front end over an office store",
		Long: `Serves the office over HTTP: the JSON API under /api/v1/ (docs/openapi.yaml)
and the reference web front end (examples/web) at /. Published results, task
announcements, draw records, public bundles and registries are public; staff
send a bearer token from the --tokens file (make one with ssj token). Every
write is one office step. --demo serves a freshly made demo store (the whole
flow of ssj demo) and prints a token per role: the way to look at the system.
SIGINT or SIGTERM shuts the server down gracefully.`,
		Example: "  ssj serve --demo\n  ssj serve --store ssj.db --tokens tokens.txt --addr 127.0.0.1:8080 --cors https://portal.example.gov.cn",
		Setup:   runServe,
	})
	registerCommand(verb{
		Use:   "token",
		Short: "make a bearer token for ssj serve and append its hash to a token file",
		Long: `Makes a random bearer token for a role (operator, approver or auditor) and a
name (recorded as the actor of every step taken with it), appends the line
"SHA256 ROLE NAME" to the token file and prints the token once: the file keeps
only the hash. To make a line by hand: printf %s "$TOKEN" | sha256sum.`,
		Example: "  ssj token --role operator --name '治安大队 李*' --file tokens.txt",
		Setup:   runToken,
	})
}

func runToken(e *env, fs *pflag.FlagSet) func([]string) int {
	role := fs.String("role", "", "`ROLE`: operator, approver or auditor")
	name := fs.String("name", "", "the `NAME` recorded as the actor of the token's steps")
	file := fs.String("file", "", "the token `FILE` to append the hash line to")
	required(fs, "role", "name", "file")
	return func(args []string) int {
		if len(args) != 0 {
			return usageError(e, "token takes no arguments, got %q", args)
		}
		tok, line, err := api.NewToken(nil, api.Role(*role), *name)
		if err != nil {
			return usageError(e, "token: %v", err)
		}
		f, err := os.OpenFile(*file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return inputError(e, fmt.Errorf("token: %w", err))
		}
		_, err = fmt.Fprintln(f, line)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return inputError(e, fmt.Errorf("token: %s: %w", *file, err))
		}
		fmt.Fprintln(e.stdout, tok)
		return exitOK
	}
}

// continuing is the demo server's clock: it starts at the demo's last
// step and runs on with the wall clock, so that steps taken in the browser
// come after the demo's.
type continuing struct {
	from  time.Time
	start time.Time
}

func (c continuing) Now() time.Time { return c.from.Add(time.Since(c.start)) }

var demoStages = map[string]demo.Stage{"registries": demo.StageRegistries, "published": demo.StagePublished, "committed": demo.StageCommitted,
	"dispatched": demo.StageDispatched, "released": demo.StageReleased, "corrected": demo.StageCorrected, "objection": demo.StageObjection, "all": demo.StageAll}

func runServe(e *env, fs *pflag.FlagSet) func([]string) int {
	store := storeFlag(e, fs)
	addr := fs.String("addr", "127.0.0.1:8080", "listen on `HOST:PORT`")
	tokens := fs.String("tokens", "", "the bearer token `FILE` (lines SHA256 ROLE NAME; see ssj token)")
	cors := fs.String("cors", "", "comma-separated `ORIGINS` allowed to call the API from a browser (* for any)")
	demoFlag := fs.Bool("demo", false, "serve a freshly made demo store (ignores --store) and print a token per role")
	demoStage := fs.String("demo-stage", "all", "with --demo, run the demo up to `STAGE`: registries, published, committed, dispatched (results not entered yet: try the result-entry page), released, corrected, objection or all")
	maxBody := fs.Int64("max-body", api.DefaultMaxBody, "request body limit in `BYTES`")
	maxBlob := fs.Int64("max-blob", api.DefaultMaxBlob, "evidence file (photo, recording) limit in `BYTES`")
	blobs := fs.String("blobs", "", "evidence file `DIR` (default: the store's path + .blobs)")
	return func(args []string) int {
		if len(args) != 0 {
			return usageError(e, "serve takes no arguments, got %q", args)
		}
		stage, ok := demoStages[*demoStage]
		if !ok {
			return usageError(e, "serve: --demo-stage %q: want one of registries, published, committed, dispatched, released, corrected, objection, all", *demoStage)
		}
		if *maxBody < 1 || *maxBlob < 1 {
			return usageError(e, "serve: --max-body %d, --max-blob %d: want at least 1", *maxBody, *maxBlob)
		}
		ctx := context.Background()
		var cfg api.Config
		var path string
		if *demoFlag {
			dir, err := os.MkdirTemp("", "ssj-serve-demo-")
			if err != nil {
				return inputError(e, err)
			}
			defer os.RemoveAll(dir) // a fresh store each time: nothing to keep
			path = filepath.Join(dir, "ssj-demo.db")
		} else {
			path = storeURL(*store)
		}
		st, err := openStore(e, path, *demoFlag)
		if err != nil {
			return inputError(e, fmt.Errorf("serve: %w", err))
		}
		defer st.Close()
		if *demoFlag {
			o, clock, err := demo.New(st)
			if err != nil {
				return inputError(e, err)
			}
			if _, err := demo.RunUntil(ctx, o, clock, nil, stage); err != nil {
				return officeError(e, "serve --demo", err)
			}
			signer, ring, err := demo.Keys()
			if err != nil {
				return inputError(e, err)
			}
			cal, err := workday.Default()
			if err != nil {
				return inputError(e, err)
			}
			cfg.Office, err = office.New(office.Config{Store: st, Clock: continuing{from: clock.Now(), start: time.Now()}, Calendar: cal, Signer: signer, Authority: ring})
			if err != nil {
				return inputError(e, err)
			}
		} else if cfg.Office, err = newOffice(st); err != nil {
			return inputError(e, err)
		}
		if *tokens != "" {
			f, err := os.Open(*tokens)
			if err != nil {
				return inputError(e, fmt.Errorf("serve: --tokens: %w", err))
			}
			cfg.Tokens, err = api.ParseTokens(f, *tokens)
			f.Close()
			if err != nil {
				return inputError(e, fmt.Errorf("serve: --tokens: %w", err))
			}
		}
		var demoTokens []string
		if *demoFlag {
			var b strings.Builder
			if cfg.Tokens != nil {
				return usageError(e, "serve: --demo makes its own tokens; drop --tokens")
			}
			for _, rn := range []struct {
				role api.Role
				name string
			}{{api.RoleOperator, "治安大队 录入员 孙*"}, {api.RoleApprover, "治安大队 审核人 钱*"}, {api.RoleAuditor, "审计 演示"}} {
				tok, line, err := api.NewToken(nil, rn.role, rn.name)
				if err != nil {
					return inputError(e, err)
				}
				fmt.Fprintln(&b, line)
				demoTokens = append(demoTokens, fmt.Sprintf("  %-8s %s  (%s)", rn.role, tok, rn.name))
			}
			if cfg.Tokens, err = api.ParseTokens(strings.NewReader(b.String()), "demo tokens"); err != nil {
				return inputError(e, err)
			}
		}
		bdir := *blobs
		if bdir == "" {
			sq, ok := st.(*sqlitestore.Store)
			if !ok {
				return usageError(e, "serve: --blobs DIR is required with a store that is not a SQLite file (%s)", st.Path())
			}
			bdir = sq.Path() + ".blobs"
		}
		if cfg.Blobs, err = api.OpenBlobs(bdir); err != nil {
			return inputError(e, err)
		}
		if *cors != "" {
			cfg.CORSOrigins = strings.Split(*cors, ",")
		}
		cfg.MaxBody, cfg.MaxBlob = *maxBody, *maxBlob
		cfg.Web = web.FS
		cfg.Verifier = serveVerifierFS
		srv, err := api.New(cfg)
		if err != nil {
			return usageError(e, "serve: %v", err)
		}
		// Catch SIGINT and SIGTERM before saying where we listen, so that a
		// signal sent on reading that line shuts down gracefully.
		sigctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			return inputError(e, fmt.Errorf("serve: --addr: %w", err))
		}
		fmt.Fprintf(e.stdout, "ssj serve: store %s; front end http://%s/ ; API http://%s/api/v1/ (%d tokens)\n", path, ln.Addr(), ln.Addr(), cfg.Tokens.Len())
		if len(demoTokens) > 0 {
			fmt.Fprintln(e.stdout, "demo tokens (paste one into the page's 令牌 box):")
			for _, t := range demoTokens {
				fmt.Fprintln(e.stdout, t)
			}
		}
		return serveUntil(sigctx, e, &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, IdleTimeout: 2 * time.Minute}, ln)
	}
}

// serveUntil serves until ctx ends (SIGINT or SIGTERM), then shuts down
// gracefully (requests in flight may finish within 10 seconds).
func serveUntil(ctx context.Context, e *env, hs *http.Server, ln net.Listener) int {
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return inputError(e, fmt.Errorf("serve: %w", err))
		}
		return exitOK
	case <-ctx.Done():
	}
	fmt.Fprintln(e.stdout, "ssj serve: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return inputError(e, fmt.Errorf("serve: shutdown: %w", err))
	}
	return exitOK
}
