package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/office/pgstore/pgtest"
)

// Issue 11: ssj demo --store postgres://… leaves the whole flow in
// PostgreSQL; ssj audit and ssj trail show read it back; an edit behind
// the office's back makes audit exit 1; a schema holding no store is not
// created by audit (exit 2).
func TestDemoAuditPostgres(t *testing.T) {
	dsn := pgtest.DSN(t)
	schema := pgtest.Schema(t, dsn)
	url := pgtest.URL(t, dsn, schema)

	code, out, stderr := runCLI(t, "", "demo", "--store", url)
	require.Equal(t, exitOK, code, "demo\nstdout:\n%s\nstderr:\n%s", out, stderr)
	assert.Contains(t, out, "(PostgreSQL;")
	assert.Contains(t, out, "9. audit of the whole store: verified:")

	code, out, stderr = runCLI(t, "", "audit", "--store", url)
	require.Equal(t, exitOK, code, "audit\nstdout:\n%s\nstderr:\n%s", out, stderr)
	m := regexp.MustCompile(`: verified: (\d+) events`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	events, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	require.Greater(t, events, 100)

	code, out, stderr = runCLI(t, "", "trail", "show", "--store", url, "--json")
	require.Equal(t, exitOK, code, "trail show\nstdout:\n%s\nstderr:\n%s", out, stderr)
	assert.Equal(t, events, strings.Count(out, `"seq":`))

	code, _, stderr = runCLI(t, "", "demo", "--store", url)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "not empty")

	conn, err := pgx.Connect(context.Background(), dsn)
	require.NoError(t, err)
	_, err = conn.Exec(context.Background(), `UPDATE `+pgx.Identifier{schema, "snapshot_rows"}.Sanitize()+` SET data=data||'\x20'::bytea
		WHERE key=(SELECT MIN(key) FROM `+pgx.Identifier{schema, "snapshot_rows"}.Sanitize()+`)`)
	require.NoError(t, err)
	conn.Close(context.Background())
	code, out, _ = runCLI(t, "", "audit", "--store", url)
	assert.Equal(t, exitProblem, code)
	assert.Contains(t, out, "NOT verified: office: snapshot_rows")

	other := pgtest.URL(t, dsn, pgtest.Schema(t, dsn))
	code, _, stderr = runCLI(t, "", "audit", "--store", other)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "no store in this schema")
}
