package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/api"
)

func TestTokenAppendsOnlyTheHash(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens.txt")
	code, out, errOut := runCLI(t, "", "token", "--role", "approver", "--name", "大队长 王*", "--file", file)
	require.Equal(t, exitOK, code, errOut)
	tok := strings.TrimSpace(out)
	require.True(t, strings.HasPrefix(tok, "ssj_"), out)
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.NotContains(t, string(data), tok)
	tk, err := api.ParseTokens(strings.NewReader(string(data)), file)
	require.NoError(t, err)
	p, ok := tk.Lookup(tok)
	require.True(t, ok)
	assert.Equal(t, api.Principal{Role: api.RoleApprover, Name: "大队长 王*"}, p)

	code, _, errOut = runCLI(t, "", "token", "--role", "root", "--name", "x", "--file", file)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "root")
}

func TestServeRefusesBadFlags(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "tokens.txt")
	require.NoError(t, os.WriteFile(bad, []byte("nothex operator x\n"), 0o600))
	code, _, errOut := runCLI(t, "", "serve", "--store", filepath.Join(dir, "missing.db"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "missing.db")
	code, _, errOut = runCLI(t, "", "serve", "--demo", "--tokens", bad, "--addr", "127.0.0.1:0")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "tokens.txt:1: field hash")
	code, _, errOut = runCLI(t, "", "serve", "--demo", "--demo-stage", "later", "--addr", "127.0.0.1:0")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `"later"`)
	code, _, errOut = runCLI(t, "", "serve", "--demo", "--cors", "portal.example", "--addr", "127.0.0.1:0")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "portal.example")
}

// ssj serve --demo serves the front end and the API over the demo store,
// and shuts down gracefully on SIGINT.
func TestServeDemoAndGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo and a server")
	}
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var errb strings.Builder
	go func() {
		done <- run([]string{"serve", "--demo", "--addr", "127.0.0.1:0"}, strings.NewReader(""), pw, &errb)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var addr, operator string
	for sc.Scan() && (addr == "" || operator == "") {
		line := sc.Text()
		if m := regexp.MustCompile(`API http://([0-9.:]+)/api/v1/`).FindStringSubmatch(line); m != nil {
			addr = m[1]
		}
		if m := regexp.MustCompile(`^\s+operator\s+(ssj_\S+)`).FindStringSubmatch(line); m != nil {
			operator = m[1]
		}
	}
	go io.Copy(io.Discard, pr)
	require.NotEmpty(t, addr, errb.String())
	require.NotEmpty(t, operator)

	res, err := http.Get("http://" + addr + "/api/v1/results?limit=100")
	require.NoError(t, err)
	var page struct{ Items []json.RawMessage }
	require.NoError(t, json.NewDecoder(res.Body).Decode(&page))
	res.Body.Close()
	assert.Equal(t, 200, res.StatusCode)
	assert.NotEmpty(t, page.Items)

	for _, p := range []string{"/", "/task.html", "/results.html", "/entry.html", "/stats.html", "/app.js", "/style.css"} {
		res, err := http.Get("http://" + addr + p)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, 200, res.StatusCode, p)
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+operator)
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Contains(t, string(body), `"role":"operator"`)

	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGINT))
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code, errb.String())
	case <-time.After(20 * time.Second):
		t.Fatal("ssj serve did not stop on SIGINT")
	}
}
