package api_test

import (
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/api"
	"github.com/shuangsuiji/ssj/examples/web"
	"github.com/shuangsuiji/ssj/office/demo"
)

// Every API path the front end calls (api('/…') in examples/web) is a
// route of the server, with the method it uses; every page is served.
func TestFrontEndCallsExistingRoutes(t *testing.T) {
	f := newFixture(t, demo.StageRegistries, api.Config{Web: web.FS})
	var routes []*regexp.Regexp
	var methods []string
	for _, r := range f.api.Routes() {
		p := regexp.QuoteMeta(strings.TrimSuffix(r.Pattern, "{$}"))
		p = regexp.MustCompile(`\\\{[a-z0-9_]+\\\}`).ReplaceAllString(p, `[^/]+`)
		routes = append(routes, regexp.MustCompile("^"+p+"$"))
		methods = append(methods, r.Method)
	}
	call := regexp.MustCompile("api\\(\\s*([`'\"])(.*?)([`'\"])(.*?)\\)")
	calls := 0
	err := fs.WalkDir(web.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		r := f.do(t, "GET", "/"+name, "", "")
		assert.Equal(t, http.StatusOK, r.status, name)
		if !strings.HasSuffix(name, ".html") && !strings.HasSuffix(name, ".js") {
			return nil
		}
		b, err := fs.ReadFile(web.FS, name)
		require.NoError(t, err)
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			if m[1] != m[3] || !strings.HasPrefix(m[2], "/") {
				continue
			}
			calls++
			path := regexp.MustCompile(`\$\{[^}]*\}`).ReplaceAllString(m[2], "X")
			path, _, _ = strings.Cut(path, "?")
			method := "GET"
			if strings.Contains(m[4], "method: 'POST'") {
				method = "POST"
			}
			full := "/api/v1" + path
			ok := false
			for i, re := range routes {
				// A literal ending in "/" is completed by concatenation.
				if methods[i] == method && (re.MatchString(full) || (strings.HasSuffix(full, "/") && re.MatchString(full+"X"))) {
					ok = true
				}
			}
			assert.True(t, ok, "%s calls %s %s, which is not a route", name, method, full)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, calls, 15, "the front end's API calls were found")
}
