package host_test

import (
	"context"
	"sync"
	"testing"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/pgstore/pgtest"
	"github.com/shuangsuiji/ssj/office/storetest"
)

var (
	pgOnce   sync.Once
	pgErr    error
	pgPlugin binary
)

// The conformance suite, unchanged, over PostgreSQL run as a store plugin
// (issue 11 point 4): the host passes each test's schema as the location.
func TestConformancePostgresPlugin(t *testing.T) {
	dsn := pgtest.DSN(t)
	plugins(t)
	pgOnce.Do(func() { pgPlugin, pgErr = build(binDir, "github.com/shuangsuiji/ssj/adapters/plugins/postgres") })
	if pgErr != nil {
		t.Fatal(pgErr)
	}
	opt := storetest.Options{}
	if raceEnabled || testing.Short() {
		opt.BigRows = 3000
	}
	storetest.Run(t, func(t *testing.T) func() (office.Store, error) {
		h := testHost(t, "postgres", &pgPlugin)
		url := pgtest.URL(t, dsn, pgtest.Schema(t, dsn))
		return func() (office.Store, error) { return h.OpenStore(context.Background(), "postgres", url) }
	}, opt)
}
