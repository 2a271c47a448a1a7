// Package pgtest gives tests a PostgreSQL server for office/pgstore: the
// DSN from $SSJ_TEST_POSTGRES, and a fresh schema per test, dropped after
// it. Start a throwaway server with
//
//	eval "$(bash .ci/pg.sh start)"
//
// from the repository root (PostgreSQL 15, 127.0.0.1:55432), and stop it
// with bash .ci/pg.sh stop.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvDSN names the environment variable holding the test server's DSN.
const EnvDSN = "SSJ_TEST_POSTGRES"

// Hint tells a developer how to get a test server.
const Hint = `start one with: eval "$(bash .ci/pg.sh start)" (from the repository root; PostgreSQL 15 on 127.0.0.1:55432; stop it with bash .ci/pg.sh stop)`

// DSN returns the test server's DSN. Without one the test is skipped,
// except under CI=true, where a missing server fails it.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but $%s is empty: .ci/run must start PostgreSQL; %s", EnvDSN, Hint)
		}
		t.Skipf("PostgreSQL tests skipped: $%s is empty; %s", EnvDSN, Hint)
	}
	return dsn
}

var unsafe = regexp.MustCompile(`[^a-z0-9_]+`)

// Schema returns the name of a schema no one uses yet, for this test
// alone, and drops it (with everything in it) when the test ends. The
// store opened on it creates it; close the store before the test ends.
func Schema(t testing.TB, dsn string) string {
	t.Helper()
	var b [5]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := unsafe.ReplaceAllString(strings.ToLower(t.Name()), "_")
	if len(name) > 40 {
		name = name[len(name)-40:]
	}
	schema := "t_" + hex.EncodeToString(b[:]) + "_" + strings.Trim(name, "_")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("pgtest: drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("pgtest: drop schema %s: %v", schema, err)
		}
	})
	return schema
}

// URL returns dsn (a postgres:// URL) with its search_path set to schema:
// the form a --store flag takes.
func URL(t testing.TB, dsn, schema string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("pgtest: $%s is not a postgres:// URL", EnvDSN)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
