package office

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/shuangsuiji/ssj/internal/merkle"
	"github.com/shuangsuiji/ssj/suite"
	"github.com/shuangsuiji/ssj/trail"
)

// The store's crypto suite (docs/draw-spec.md Appendix H). A store's trail
// is hashed under one suite for its whole life: ssj-v1 (SHA-256) unless
// its first event says otherwise in its data member SuiteDataKey (written
// only for a suite other than ssj-v1, so no existing store changes). The
// suite covers the event hash chain, the object-body digests events carry,
// the snapshot commitments and digests, the trail's checkpoint tree, and
// every draw in the store: a task must declare the store's suite, so a
// store never mixes suites.

// SuiteDataKey is the data member of a store's first trail event that
// names the store's crypto suite when it is not ssj-v1.
const SuiteDataKey = "trail_suite"

// SuiteError refuses a mix of crypto suites: an office configured for one
// suite over a store of another, or a task declaring a suite that is not
// its store's. It matches ErrPrecondition.
type SuiteError struct {
	// Store is the suite of the store's trail.
	Store suite.ID
	// Want is the suite asked for (by Config.Suite or by a task's suite).
	Want suite.ID
	// What says who asked: "the office configuration" or "task <id>".
	What string
}

func (e *SuiteError) Error() string {
	return fmt.Sprintf("office: %s asks for crypto suite %s, but the store's trail is %s (a store keeps the suite of its first event; use a new store for %s)",
		e.What, e.Want, e.Store, e.Want)
}

// Is makes a SuiteError match ErrPrecondition.
func (e *SuiteError) Is(target error) bool { return target == ErrPrecondition }

// suiteTx is a store transaction that knows its store's crypto suite.
type suiteTx struct {
	Tx
	s suite.Suite
}

// txSuite is the crypto suite of the store tx belongs to.
func txSuite(tx Tx) suite.Suite {
	if st, ok := tx.(*suiteTx); ok {
		return st.s
	}
	return suite.SSJv1
}

// suiteCache holds a store's suite once its first event exists (it never
// changes afterwards).
type suiteCache struct {
	mu    sync.Mutex
	known bool
	s     suite.Suite
}

// storeSuite returns the suite of the store tx reads: that of its first
// event, or want (ssj-v1 when want is the zero Suite) for an empty store.
// An office configured for a suite refuses a store of another.
func storeSuite(ctx context.Context, tx Tx, want suite.Suite) (suite.Suite, bool, error) {
	es, err := tx.Events(ctx, 0, 1)
	if err != nil {
		return suite.Suite{}, false, err
	}
	if len(es) == 0 || es[0].Seq != 0 {
		if want.ID() == "" {
			return suite.SSJv1, false, nil
		}
		return want, false, nil
	}
	var ev trail.Event
	if err := json.Unmarshal(es[0].Body, &ev); err != nil {
		return suite.Suite{}, false, &BindingError{Table: "events", ID: "0", Field: "body", Detail: "not a trail event: " + err.Error()}
	}
	id := ev.Data[SuiteDataKey]
	if id == string(suite.V1) {
		return suite.Suite{}, false, &BindingError{Table: "events", ID: "0", Field: "data." + SuiteDataKey,
			Detail: fmt.Sprintf("%q: ssj-v1 is written as the absent member", id)}
	}
	s, err := suite.Lookup(id)
	if err != nil {
		return suite.Suite{}, false, &BindingError{Table: "events", ID: "0", Field: "data." + SuiteDataKey, Detail: err.Error()}
	}
	if want.ID() != "" && want.ID() != s.ID() {
		return suite.Suite{}, false, &SuiteError{Store: s.ID(), Want: want.ID(), What: "the office configuration"}
	}
	return s, true, nil
}

// begin starts a store transaction that knows the store's suite.
func (o *Office) begin(ctx context.Context, writable bool) (Tx, error) {
	tx, err := o.store.Begin(ctx, writable)
	if err != nil {
		return nil, err
	}
	o.suites.mu.Lock()
	known, s := o.suites.known, o.suites.s
	o.suites.mu.Unlock()
	if known {
		return &suiteTx{Tx: tx, s: s}, nil
	}
	s, known, err = storeSuite(ctx, tx, o.want)
	if err != nil {
		tx.Rollback()
		return nil, err
	}
	if known {
		o.suites.mu.Lock()
		o.suites.known, o.suites.s = true, s
		o.suites.mu.Unlock()
	}
	return &suiteTx{Tx: tx, s: s}, nil
}

// Suite returns the crypto suite of the office's store: that of its first
// trail event, or for an empty store the configured one (Config.Suite,
// ssj-v1 when unset), which its first event will record.
func (o *Office) Suite(ctx context.Context) (suite.Suite, error) {
	var s suite.Suite
	err := o.view(ctx, func(tx Tx) error { s = txSuite(tx); return nil })
	return s, err
}

// checkTaskSuite refuses a task whose declared suite is not the store's.
func checkTaskSuite(tx Tx, taskID, declared string) error {
	ts, err := suite.Lookup(declared)
	if err != nil {
		return err
	}
	if s := txSuite(tx); ts.ID() != s.ID() {
		return &SuiteError{Store: s.ID(), Want: ts.ID(), What: "task " + taskID}
	}
	return nil
}

// treeOf is the RFC 6962 tree of the suite of tx's store.
func treeOf(tx Tx) merkle.Hasher { return txSuite(tx).Merkle() }
