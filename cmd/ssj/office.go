package main

// The store-backed commands: every stateful step goes through the office
// (package office) over a store given by --store (issue 10).

import (
	"context"
	"errors"
	"fmt"
	neturl "net/url"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/internal/mapfile"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/pgstore"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/trail"
	"github.com/shuangsuiji/ssj/workday"
)

const storeHelp = "the office store: a SQLite file `PATH` or sqlite:PATH, a PostgreSQL URL postgres://USER@HOST:PORT/DB?search_path=SCHEMA (in process, or through the \"postgres\" store plugin when --plugins names one), or a store plugin's name from --plugins (default: $SSJ_STORE, else ssj.db in the working directory)"

// storeFlag defines --store (and the plugin host's --plugins and
// --plugin-log). The value is resolved when the command runs (storeURL,
// then resolveStore): the flag, else $SSJ_STORE, else ssj.db; the help
// text stays the same on every machine.
func storeFlag(e *env, fs *pflag.FlagSet) *string {
	pluginFlagsOn(e, fs)
	return fs.String("store", "", storeHelp)
}

// storeURL resolves the --store value.
func storeURL(flag string) string {
	if flag != "" {
		return flag
	}
	if env := os.Getenv("SSJ_STORE"); env != "" {
		return env
	}
	return "ssj.db"
}

// cliStore is a store the CLI opened: Path names it in messages.
type cliStore = openedStore

// pgCLIStore names a PostgreSQL store by its URL, password masked.
type pgCLIStore struct {
	*pgstore.Store
	url string
}

func (s pgCLIStore) Path() string { return s.url }

// openPostgres opens a postgres:// or postgresql:// --store in process
// (issue 11; the go-plugin host will take this over).
func openPostgres(ctx context.Context, url string, create bool) (cliStore, error) {
	st, err := pgstore.Open(ctx, url, pgstore.Options{MustExist: !create})
	if err != nil {
		return nil, err
	}
	name := st.String()
	if u, err := neturl.Parse(url); err == nil {
		name = u.Redacted()
	}
	return pgCLIStore{st, name}, nil
}

// openStore opens the store --store names (resolveStore); a SQLite file
// must exist unless create is set.
func openStore(e *env, url string, create bool) (openedStore, error) {
	cfg, err := pluginConfig(e)
	if err != nil {
		return nil, err
	}
	t, err := resolveStore(url, cfg)
	if err != nil {
		return nil, err
	}
	return openTarget(e, t, create)
}

// newOffice builds the office the CLI uses: the wall clock, the embedded
// working-day calendar.
func newOffice(st office.Store, with ...func(*office.Config)) (*office.Office, error) {
	cal, err := workday.Default()
	if err != nil {
		return nil, err
	}
	cfg := office.Config{Store: st, Clock: office.ClockFunc(time.Now), Calendar: cal}
	for _, f := range with {
		f(&cfg)
	}
	return office.New(cfg)
}

// stepFlags are who takes a step, when and for which unit.
type stepFlags struct{ who, at, unit *string }

func stepFlagsOn(fs *pflag.FlagSet) stepFlags {
	return stepFlags{
		who:  fs.String("as", "", "who takes the step (the trail's actor) `NAME` (default: the login name)"),
		at:   fs.String("at", "", "when the step is taken, RFC 3339 `TIME` (default now; never before the trail's last event)"),
		unit: fs.String("unit", "", "the `UNIT` the actor acts for"),
	}
}

func (s stepFlags) step() (office.Step, error) {
	st := office.Step{Who: *s.who, Unit: *s.unit}
	if st.Who == "" {
		if u, err := user.Current(); err == nil {
			st.Who = u.Username
		}
	}
	if *s.at != "" {
		t, err := time.Parse(time.RFC3339, *s.at)
		if err != nil {
			return st, fmt.Errorf("--at %q: want RFC 3339, e.g. 2026-09-18T09:00:00+08:00", *s.at)
		}
		st.At = t
	}
	return st, nil
}

// officeError reports a refused or failed step: exit 1 when the office's
// checks refused it, 2 when the store could not be used.
func officeError(e *env, what string, err error) int {
	fmt.Fprintf(e.stderr, "ssj: %s: %v\n", what, calendarHint(err))
	if errors.Is(err, office.ErrPrecondition) || errors.Is(err, office.ErrConflict) || errors.Is(err, office.ErrNotFound) {
		return exitProblem
	}
	return exitUsage
}

func init() {
	registerCommand(verb{
		Use:   "audit",
		Short: "re-verify a whole office store: trail, bindings, snapshots, draws, publications",
		Long: `Re-verifies everything in an office store: the trail's hash chain, every state
object's and snapshot's binding to the trail event that created it, every
snapshot's rows against its commitment, every draw record (re-running the draw
from the stored snapshots; with --keyring the replacements' approval signatures,
rule R18) and every published result against its trail event.
Exit 0 when everything holds, 1 with the first problem named (table or object,
ID, field), 2 when the store cannot be read.`,
		Example: "  ssj audit --store ssj.db\n  ssj audit --store sqlite:/var/lib/ssj/office.db --json",
		Setup:   runAudit,
	})
	registerNoun(noun{
		Name:  "task",
		Short: "the store-backed draw: launch, commit, draw, lock, dispatch, replace, show, export",
		Long: `The draw flow through the office, on the store given by --store: each step is
checked, stored and traced in one transaction. Import the registries first
with ssj registry import. For a draw from plain files, use ssj draw.`,
		Verbs: []verb{
			{Use: "launch TASK.json", Short: "record a task (R14) before its manifest is committed",
				Example: "  ssj task launch examples/data/task.json --store ssj.db --as 治安大队", Setup: taskVerb("launch")},
			{Use: "commit TASK", Short: "validate the pools and fix the task's manifest (R15)",
				Example: "  ssj task commit 2026-ZA-03B --store ssj.db --as 治安大队 --at 2026-09-17T23:13:42+08:00", Setup: taskVerb("commit")},
			{Use: "draw TASK", Short: "run the committed draw with the revealed randomness (R15, R17)",
				Example: "  ssj task draw 2026-ZA-03B --randomness examples/data/randomness.json --store ssj.db\n  ssj task draw 2026-ZA-03B --beacon drand --plugins /etc/ssj/plugins.json --store ssj.db", Setup: taskVerb("draw")},
			{Use: "lock TASK", Short: "confirm and lock the drawn list (R16)",
				Example: "  ssj task lock 2026-ZA-03B --store ssj.db --as 大队长", Setup: taskVerb("lock")},
			{Use: "dispatch TASK", Short: "dispatch to the executing unit: task announcement and inspection notices (R16)",
				Example: "  ssj task dispatch 2026-ZA-03B --to-unit 治安大队 --issuer 天河分局 --from 2026-09-18 --until 2026-11-30 --store ssj.db", Setup: taskVerb("dispatch")},
			{Use: "replace TASK", Short: "replace a seated inspector with an approved request (R18)",
				Example: "  ssj task replace 2026-ZA-03B --request replace.json --store ssj.db", Setup: taskVerb("replace")},
			{Use: "show TASK", Short: "show a task's manifest, draw, lock and groups",
				Example: "  ssj task show 2026-ZA-03B --store ssj.db --json", Setup: taskVerb("show")},
			{Use: "export TASK", Short: "write the public bundle an auditor checks with ssj verify DIR",
				Example: "  ssj task export 2026-ZA-03B --store ssj.db --out bundle && ssj verify bundle", Setup: taskVerb("export")},
		},
	})
}

func runAudit(e *env, fs *pflag.FlagSet) func([]string) int {
	store := storeFlag(e, fs)
	asJSON := jsonFlag(fs)
	var anch trailAnchors
	fs.Var(&anch, "anchor", "a published trail checkpoint `SIZE:ROOT` the store must match (repeatable)")
	keyring := fs.String("keyring", "", "keyring `FILE`: every replacement approval in the draw records must be signed by its approver's deputy_head key (R18)")
	requireApprovals := fs.Bool("require-approvals", false, "every replacement must carry its approver's signature (R18)")
	return func(args []string) int {
		if len(args) != 0 {
			return usageError(e, "audit takes no arguments, got %q", args)
		}
		st, err := openStore(e, *store, false)
		if err != nil {
			return inputError(e, fmt.Errorf("audit: %w", err))
		}
		defer st.Close()
		aopt := office.AuditOptions{Anchors: anch, RequireApprovals: *requireApprovals}
		if *keyring != "" {
			ring, err := pubLoadKeyring(*keyring)
			if err != nil {
				return inputError(e, fmt.Errorf("audit: %w", err))
			}
			aopt.Approvals = ring
		}
		rep, err := office.Audit(context.Background(), st, aopt)
		if err != nil {
			return inputError(e, fmt.Errorf("audit %s: %w", st.Path(), err))
		}
		if *asJSON {
			if err := writeJSON(e.stdout, rep); err != nil {
				return inputError(e, err)
			}
		} else if rep.OK {
			receipts := ""
			if rep.Receipts > 0 {
				receipts = fmt.Sprintf(", %d platform receipts", rep.Receipts)
			}
			fmt.Fprintf(e.stdout, "%s: verified: %d events (head %s), %d object revisions, %d snapshots (%d rows), %d draws re-run, %d published versions%s\n",
				st.Path(), rep.Events, rep.Head, rep.Objects, rep.Snapshots, rep.Rows, rep.Records, rep.Versions, receipts)
		} else {
			fmt.Fprintf(e.stdout, "%s: NOT verified: %v\n", st.Path(), rep.Problem)
		}
		if !rep.OK {
			return exitProblem
		}
		return exitOK
	}
}

func taskVerb(name string) func(e *env, fs *pflag.FlagSet) func([]string) int {
	return func(e *env, fs *pflag.FlagSet) func([]string) int {
		store := storeFlag(e, fs)
		var sf stepFlags
		if name != "show" && name != "export" {
			sf = stepFlagsOn(fs)
		}
		var asJSON *bool
		if name == "show" {
			asJSON = jsonFlag(fs)
		}
		var targets, inspectors, fallback, randomness, beaconName, request, out, toUnit, issuer, from, until, launching, scope *string
		var af approvalFlags
		switch name {
		case "commit":
			targets = fs.String("targets", "", "target snapshot `ID` (default: the one in force at the commit time)")
			inspectors = fs.String("inspectors", "", "inspector snapshot `ID` (default: the one in force at the commit time)")
			fallback = fs.String("fallback", "", "cross-region fallback inspector snapshot `ID` (R7)")
		case "draw":
			randomness = fs.String("randomness", "", "the revealed randomness evidence `FILE` (JSON; needed unless --beacon gives every source's)")
			beaconName = beaconFlagOn(fs)
		case "replace":
			request = fs.String("request", "", "the approved replacement request `FILE` (JSON)")
			af = newApprovalFlags(fs, true)
			required(fs, "request")
		case "export":
			out = fs.String("out", "", "the bundle `DIR` to write")
			required(fs, "out")
		case "dispatch":
			toUnit = fs.String("to-unit", "", "the executing `UNIT` (任务执行单位)")
			issuer = fs.String("issuer", "", "the `AGENCY` publishing the task announcement")
			from = fs.String("from", "", "first day of the execution window, `YYYY-MM-DD`")
			until = fs.String("until", "", "last day of the execution window, `YYYY-MM-DD`")
			launching = fs.String("launching", "", "the launching `DEPARTMENT`")
			scope = fs.String("scope", "", "the scope in words, for the announcement")
			required(fs, "to-unit", "issuer", "from", "until")
		}
		return func(args []string) int {
			if len(args) != 1 {
				return usageError(e, "task %s: want exactly one argument, got %d", name, len(args))
			}
			arg := args[0]
			st, err := openStore(e, *store, name == "launch")
			if err != nil {
				return inputError(e, fmt.Errorf("task %s: %w", name, err))
			}
			defer st.Close()
			var withApproval []func(*office.Config)
			if name == "replace" {
				// The signer is for any approver: the keyring, when given,
				// checks that the key is the request's approver's (R18).
				signer, ring, err := af.load("")
				if err != nil {
					return inputError(e, fmt.Errorf("task replace: %w", err))
				}
				withApproval = append(withApproval, func(c *office.Config) {
					if signer != nil {
						c.ApprovalSigner = office.OneApprovalSigner(signer)
					}
					c.ApprovalKeyring, c.RequireApproval = ring, *af.require
				})
			}
			o, err := newOffice(st, withApproval...)
			if err != nil {
				return inputError(e, err)
			}
			ctx := context.Background()
			var step office.Step
			if sf.who != nil {
				if step, err = sf.step(); err != nil {
					return usageError(e, "task %s: %v", name, err)
				}
			}
			what := "task " + name + " " + arg
			switch name {
			case "launch":
				f, err := openDoc(arg)
				if err != nil {
					return inputError(e, fmt.Errorf("task launch: %w", err))
				}
				task, err := draw.DecodeTask(f)
				f.Close()
				if err != nil {
					return inputError(e, fmt.Errorf("task launch: %s: %w", arg, err))
				}
				if err := o.LaunchTask(ctx, step, task); err != nil {
					return officeError(e, what, err)
				}
				fmt.Fprintf(e.stdout, "task %s launched; commit its manifest by %s\n", task.ID, task.CommitTime.Format(time.RFC3339))
			case "commit":
				m, err := o.CommitManifest(ctx, step, office.ManifestCommit{TaskID: arg, Targets: *targets, Inspectors: *inspectors, Fallback: *fallback})
				if err != nil {
					return officeError(e, what, err)
				}
				mh, err := m.Hash()
				if err != nil {
					return inputError(e, err)
				}
				fmt.Fprintf(e.stdout, "task %s: manifest committed; manifest_hash %x; targets in scope %d\n", arg, mh, m.Targets.Count)
			case "draw":
				ev, code, ok := taskDrawEvidence(ctx, e, o, arg, *randomness, *beaconName)
				if !ok {
					return code
				}
				rec, err := o.RunDraw(ctx, step, arg, ev)
				if errors.Is(err, draw.ErrEvidenceMismatch) || errors.Is(err, draw.ErrBadSource) ||
					errors.Is(err, draw.ErrBadBeacon) || errors.Is(err, draw.ErrBadReveal) {
					if *randomness != "" {
						what += ": " + *randomness // the evidence file is at fault
					}
					return officeError(e, what, err)
				}
				if err != nil {
					return officeError(e, what, err)
				}
				fmt.Fprintf(e.stdout, "task %s drawn: R %s; scope %d, eligible %d, selected %d, groups %d\n", arg, rec.R, rec.Scope, rec.Eligible, len(rec.Selected), len(rec.Groups))
			case "lock":
				rec, err := o.Lock(ctx, step, arg)
				if err != nil {
					return officeError(e, what, err)
				}
				fmt.Fprintf(e.stdout, "task %s locked by %s; record_hash %s\n", arg, rec.Lock.By, rec.Lock.RecordHash)
			case "dispatch":
				fd, err1 := workday.ParseDate(*from)
				td, err2 := workday.ParseDate(*until)
				if err1 != nil || err2 != nil {
					return usageError(e, "task dispatch: --from and --until want YYYY-MM-DD: %v", errors.Join(err1, err2))
				}
				doc, err := o.Dispatch(ctx, step, office.DispatchOrder{TaskID: arg, Issuer: *issuer, Launching: *launching, Unit: *toUnit, From: fd, To: td, Scope: *scope})
				if err != nil {
					return officeError(e, what, err)
				}
				fmt.Fprintf(e.stdout, "task %s dispatched to %s; announcement %q published; inspection notices issued\n", arg, *toUnit, doc.Title)
			case "replace":
				f, err := openDoc(*request)
				if err != nil {
					return inputError(e, fmt.Errorf("task replace: %w", err))
				}
				req, err := draw.DecodeReplacementRequest(f)
				f.Close()
				if err != nil {
					return inputError(e, fmt.Errorf("task replace: %s: %w", *request, err))
				}
				rep, err := o.ReplaceInspector(ctx, step, arg, req)
				if err != nil {
					return officeError(e, what, err)
				}
				fmt.Fprintf(e.stdout, "task %s: inspector %s replaced by %s at %s (replacement %d)\n", arg, rep.Leaving, rep.Newcomer.Cert, rep.Target, rep.Seq)
				if rep.Approval != nil {
					fmt.Fprintf(e.stdout, "approval signed by %s with %s\n", rep.Approval.Signer, rep.Approval.KeyID)
				}
			case "show":
				return taskShow(e, o, arg, *asJSON)
			case "export":
				files, err := exportTask(ctx, o, arg, *out)
				if err != nil {
					return officeError(e, what, err)
				}
				fmt.Fprintf(e.stdout, "wrote %s/{%s}\nre-check it without the store: ssj verify %s\n", *out, strings.Join(files, ","), *out)
			}
			return exitOK
		}
	}
}

// taskView is the --json output of ssj task show.
type taskView struct {
	Task       draw.Task              `json:"task"`
	Manifest   *office.StoredManifest `json:"manifest,omitempty"`
	Record     *draw.Record           `json:"record,omitempty"`
	Dispatched bool                   `json:"dispatched"`
}

func taskShow(e *env, o *office.Office, id string, asJSON bool) int {
	ctx := context.Background()
	var v taskView
	var err error
	if v.Task, err = o.Task(ctx, id); err != nil {
		return officeError(e, "task show "+id, err)
	}
	if m, err := o.Manifest(ctx, id); err == nil {
		v.Manifest = &m
	} else if !errors.Is(err, office.ErrNotFound) {
		return officeError(e, "task show "+id, err)
	}
	if r, err := o.Record(ctx, id); err == nil {
		v.Record = &r
		if len(r.Selected) > 0 {
			if _, err := o.Notice(ctx, id, r.Selected[0].Target); err == nil {
				v.Dispatched = true
			}
		}
	} else if !errors.Is(err, office.ErrNotFound) {
		return officeError(e, "task show "+id, err)
	}
	if asJSON {
		return writeOrFail(e, v)
	}
	fmt.Fprintf(e.stdout, "task %s %s\n  items %s; commit time %s\n", v.Task.ID, v.Task.Name, strings.Join(v.Task.Items, ","), v.Task.CommitTime.Format(time.RFC3339))
	if v.Manifest == nil {
		fmt.Fprintln(e.stdout, "  manifest: not committed")
		return exitOK
	}
	mh, _ := v.Manifest.Manifest.Hash()
	fmt.Fprintf(e.stdout, "  manifest %x over snapshots %s %s %s\n", mh, v.Manifest.Targets, v.Manifest.Inspectors, v.Manifest.Fallback)
	if v.Record == nil {
		fmt.Fprintln(e.stdout, "  draw: not run")
		return exitOK
	}
	r := v.Record
	fmt.Fprintf(e.stdout, "  drawn: R %s; scope %d, eligible %d, selected %d, groups %d, replacements %d\n", r.R, r.Scope, r.Eligible, len(r.Selected), len(r.Groups), len(r.Replacements))
	if r.Lock != nil {
		fmt.Fprintf(e.stdout, "  locked %s by %s; record_hash %s; dispatched %v\n", r.Lock.At.Format(time.RFC3339), r.Lock.By, r.Lock.RecordHash, v.Dispatched)
	}
	groups, err := r.CurrentGroups()
	if err != nil {
		return inputError(e, err)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  #\tTARGET\tNAME\tINSPECTORS")
	for i, s := range r.Selected {
		var certs []string
		if i < len(groups) {
			for _, seat := range groups[i].Seats {
				certs = append(certs, seat.Cert)
			}
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\n", i+1, s.Target, s.Name, strings.Join(certs, " "))
	}
	tw.Flush()
	return exitOK
}

// trailShowStore lists the events of an office store (ssj trail show --store).
func trailShowStore(e *env, url string, asJSON bool) int {
	st, err := openStore(e, url, false)
	if err != nil {
		return inputError(e, fmt.Errorf("trail show: %w", err))
	}
	defer st.Close()
	o, err := newOffice(st)
	if err != nil {
		return inputError(e, err)
	}
	var evs []trail.Event
	if err := o.Trail(context.Background(), 0, func(ev trail.Event) error { evs = append(evs, ev); return nil }); err != nil {
		return officeError(e, "trail show "+st.Path(), err)
	}
	if asJSON {
		if evs == nil {
			evs = []trail.Event{}
		}
		return writeOrFail(e, evs)
	}
	writeEventTable(e.stdout, evs)
	fmt.Fprintf(e.stdout, "%d events (hashes checked; run ssj audit for the whole store)\n", len(evs))
	return exitOK
}

// registryImport is ssj registry import: a registry file becomes a snapshot
// in the store (R6).
func registryImport(e *env, fs *pflag.FlagSet) func([]string) int {
	store := storeFlag(e, fs)
	sf := stepFlagsOn(fs)
	id := fs.String("id", "", "the snapshot's `ID` (default: POOL-DATE of --in-force)")
	inForce := fs.String("in-force", "", "when the snapshot is in force from, RFC 3339 `TIME` (default: the step's time)")
	pool := fs.String("pool", "", "`targets` or inspectors (default: guessed from the header)")
	return func(args []string) int {
		if len(args) != 1 {
			return usageError(e, "registry import: want exactly one FILE")
		}
		step, err := sf.step()
		if err != nil {
			return usageError(e, "registry import: %v", err)
		}
		// The file is mapped, not read onto the Go heap, and decoded into an
		// index, not a table of values: a million-row registry costs its
		// text in the page cache plus a few words a row (issue 10's memory
		// goal). Strings from it are valid until the deferred Close, after
		// every output is written.
		mf, err := mapfile.Open(args[0])
		if err != nil {
			return inputError(e, fmt.Errorf("registry import: %w", err))
		}
		defer mf.Close()
		idx, err := registry.DecodeIndex(mf.Data, registry.ImportOptions{File: args[0], Pool: registry.PoolKind(*pool)})
		if err != nil {
			return inputError(e, fmt.Errorf("registry import: %w", err))
		}
		at := step.At
		if at.IsZero() {
			at = time.Now()
		}
		if *inForce != "" {
			if at, err = time.Parse(time.RFC3339, *inForce); err != nil {
				return usageError(e, "registry import: --in-force %q: want RFC 3339", *inForce)
			}
		}
		sid := *id
		if sid == "" {
			sid = string(idx.Pool()) + "-" + workday.DateOf(at.In(workday.Shanghai())).String()
		}
		st, err := openStore(e, *store, true)
		if err != nil {
			return inputError(e, fmt.Errorf("registry import: %w", err))
		}
		defer st.Close()
		o, err := newOffice(st)
		if err != nil {
			return inputError(e, err)
		}
		info, err := o.ImportSnapshot(context.Background(), step, office.SnapshotImport{ID: sid, Pool: idx.Pool(), At: at, Index: idx, Note: args[0]})
		if err != nil {
			return officeError(e, "registry import "+args[0], err)
		}
		fmt.Fprintf(e.stdout, "snapshot %s: %d %s in force from %s; root %s", info.ID, info.Count, info.Pool, info.At.Format(time.RFC3339), info.Root)
		if info.Previous != "" {
			fmt.Fprintf(e.stdout, "; since %s: %d added, %d changed, %d removed", info.Previous, info.Added, info.Changed, info.Removed)
		}
		fmt.Fprintln(e.stdout)
		return exitOK
	}
}
