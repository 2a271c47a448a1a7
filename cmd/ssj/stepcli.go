package main

// Shared plumbing of the stateful publish, review, checklist and plan verbs:
// each is one office step on the store given by --store (issue 10). The
// flags of the file-based flow they replaced (--book, --trail, --objections
// on a stateful verb, --on) are kept hidden and refused with exit 2 and a
// message saying what to use instead.

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/trail"
)

// stepCLI is the flag set of one store-backed step: --store, --as (alias
// --by), --at, --unit and --calendar.
type stepCLI struct {
	fs       *pflag.FlagSet
	store    *string
	sf       stepFlags
	calendar *string
	gone     map[string]string
}

// newStepCLI defines the step flags on fs. --by is kept as a synonym of
// --as: it was the actor flag of the file-based publish and review verbs.
func newStepCLI(e *env, fs *pflag.FlagSet) *stepCLI {
	c := &stepCLI{fs: fs, store: storeFlag(e, fs), sf: stepFlagsOn(fs), gone: map[string]string{}}
	byAlias(fs, c.sf)
	c.calendar = calendarFlag(fs)
	return c
}

// newPlainStepCLI is newStepCLI for steps that compute no working days
// (no --calendar flag).
func newPlainStepCLI(e *env, fs *pflag.FlagSet) *stepCLI {
	c := &stepCLI{fs: fs, store: storeFlag(e, fs), sf: stepFlagsOn(fs), gone: map[string]string{}, calendar: new(string)}
	byAlias(fs, c.sf)
	return c
}

// byAlias defines --by as a hidden synonym of --as.
func byAlias(fs *pflag.FlagSet, sf stepFlags) {
	fs.StringVar(sf.who, "by", "", "same as --as")
	if err := fs.MarkHidden("by"); err != nil {
		panic(err)
	}
}

// Messages of the flags of the file-based flow.
const (
	goneStore = "is gone: results, objections and the trail live in the office store (use --store PATH, default $SSJ_STORE or ssj.db; ssj publish export writes book, objections and trail files)"
	goneOn    = "is gone: the step's date is the date of --at in China (the office derives deadlines from the recorded times)"
)

// goneFlags defines hidden flags that are refused when given.
func goneFlags(fs *pflag.FlagSet, gone map[string]string, why string, names ...string) {
	for _, n := range names {
		fs.String(n, "", "deprecated: "+why)
		if err := fs.MarkHidden(n); err != nil {
			panic(err)
		}
		gone[n] = why
	}
}

// refuseGone reports the first given flag of the file-based flow (exit 2).
func refuseGone(e *env, fs *pflag.FlagSet, gone map[string]string, what string) (int, bool) {
	for _, n := range sortedMapKeys(gone) {
		if fs.Changed(n) {
			return usageError(e, "%s: --%s %s", what, n, gone[n]), true
		}
	}
	return 0, false
}

func sortedMapKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// officeOptions are what a step needs beyond the store.
type officeOptions struct {
	create   bool             // create the store file if missing
	calendar string           // --calendar FILE
	keyring  *publish.Keyring // the principal heads' keys (corrections)
	policy   publish.Policy   // zero: seed
}

// openOffice opens the store and builds the office over it.
func openOffice(e *env, url string, opt officeOptions) (*office.Office, cliStore, error) {
	cal, err := loadCalendar(opt.calendar)
	if err != nil {
		return nil, nil, err
	}
	st, err := openStore(e, url, opt.create)
	if err != nil {
		return nil, nil, err
	}
	cfg := office.Config{Store: st, Clock: office.ClockFunc(time.Now), Calendar: cal, Policy: opt.policy}
	if opt.keyring != nil {
		cfg.Authority = *opt.keyring
	}
	o, err := office.New(cfg)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return o, st, nil
}

// begin checks the gone flags and the step flags, and opens the office.
// On failure it returns the exit status and a nil office.
func (c *stepCLI) begin(e *env, what string, opt officeOptions) (*office.Office, office.Step, func(), int) {
	if code, bad := refuseGone(e, c.fs, c.gone, what); bad {
		return nil, office.Step{}, nil, code
	}
	step, err := c.sf.step()
	if err != nil {
		return nil, step, nil, usageError(e, "%s: %v", what, err)
	}
	opt.calendar = *c.calendar
	o, st, err := openOffice(e, *c.store, opt)
	if err != nil {
		return nil, step, nil, inputError(e, fmt.Errorf("%s: %w", what, err))
	}
	return o, step, func() { st.Close() }, exitOK
}

// storeTrailJSONL re-chains the store's trail as a trail file (header,
// events, checkpoint) that ssj trail verify reads, and returns its head.
func storeTrailJSONL(ctx context.Context, o *office.Office) ([]byte, trail.Checkpoint, error) {
	cs, err := o.Suite(ctx)
	if err != nil {
		return nil, trail.Checkpoint{}, err
	}
	log, err := trail.NewWithSuite(0, cs)
	if err != nil {
		return nil, trail.Checkpoint{}, err
	}
	err = o.Trail(ctx, 0, func(ev trail.Event) error {
		got, _, err := log.Append(trail.Entry{Kind: ev.Kind, Actor: ev.Actor, Time: ev.Time, Subject: ev.Subject, Data: ev.Data})
		if err != nil {
			return err
		}
		if got.Hash != ev.Hash {
			return fmt.Errorf("trail event %d: stored hash %s, recomputed %s: %w", ev.Seq, ev.Hash, got.Hash, office.ErrConflict)
		}
		return nil
	})
	if err != nil {
		return nil, trail.Checkpoint{}, err
	}
	return log.MarshalJSONL(), log.Head(), nil
}
