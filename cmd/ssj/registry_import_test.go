package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/registry"
)

// largeTargetsCSV writes n valid targets (several MB for tens of
// thousands, so the importer parses the file in parallel parts).
func largeTargetsCSV(t *testing.T, n int) []string {
	t.Helper()
	ts := make([]registry.Target, n)
	for i := range ts {
		body := fmt.Sprintf("91440103%09d", (i*7919)%n)
		c, err := registry.USCCCheckChar(body)
		require.NoError(t, err)
		ts[i] = registry.Target{ID: body + string(c), Name: fmt.Sprintf("广州测试企业%d有限公司", i), Kind: registry.KindEntity,
			Jurisdiction: "440103", Industry: "H6110", CreditClass: "ABCD"[i%4 : i%4+1], Status: registry.StatusActive, Departments: []string{"治安"}}
	}
	var b bytes.Buffer
	require.NoError(t, registry.WriteTargetsCSV(&b, ts))
	return strings.Split(b.String(), "\n")
}

// Rule R6, issue 10: ssj registry import streams a large file, yet a bad
// row deep in it fails the import with the error a whole-file decode
// gives (file, row, column, value), the exit status of a refused input,
// and nothing in the store; the fixed file then imports.
func TestRegistryImportBadRowDeepInALargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and imports a 40k-row file")
	}
	dir := t.TempDir()
	lines := largeTargetsCSV(t, 40000)
	good := strings.Join(lines, "\n")
	for name, edit := range map[string]func(l []string){
		"bad value":    func(l []string) { l[39001] = strings.Replace(l[39001], ",440103,", ",4401,", 1) },
		"duplicate ID": func(l []string) { l[39500] = l[7] },
		"short row":    func(l []string) { l[38000] = l[38000][:20] },
	} {
		t.Run(name, func(t *testing.T) {
			bad := append([]string(nil), lines...)
			edit(bad)
			data := []byte(strings.Join(bad, "\n"))
			file := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".csv")
			require.NoError(t, os.WriteFile(file, data, 0o644))
			_, want := registry.Decode(append([]byte(nil), data...), registry.ImportOptions{File: file})
			require.Error(t, want)
			db := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".db")
			code, stdout, stderr := runCLI(t, "", "registry", "import", file, "--store", db, "--at", "2026-09-01T08:30:00+08:00")
			assert.Equal(t, inputStatus(want), code)
			assert.Empty(t, stdout)
			assert.Equal(t, "ssj: registry import: "+want.Error()+"\n", stderr)
			assert.Contains(t, stderr, file+": row ")
			_, err := os.Stat(db)
			assert.ErrorIs(t, err, os.ErrNotExist, "the store is not even created")
		})
	}
	file := filepath.Join(dir, "good.csv")
	require.NoError(t, os.WriteFile(file, []byte(good), 0o644))
	tab, err := registry.Decode([]byte(good), registry.ImportOptions{File: file})
	require.NoError(t, err)
	c, err := tab.Commit()
	require.NoError(t, err)
	db := filepath.Join(dir, "good.db")
	code, stdout, stderr := runCLI(t, "", "registry", "import", file, "--store", db, "--at", "2026-09-01T08:30:00+08:00")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "snapshot targets-2026-09-01: 40000 targets in force from 2026-09-01T00:30:00Z; root "+c.Root+"\n", stdout)
	code, stdout, stderr = runCLI(t, "", "audit", "--store", db)
	require.Equal(t, exitOK, code, stdout+stderr)
}
