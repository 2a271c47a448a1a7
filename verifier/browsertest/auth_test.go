package browsertest

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/api"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/memstore"
	"github.com/shuangsuiji/ssj/verifier"
)

// TestStaffActionRefusedInTheUI serves the real API (package api) and the
// web front end over a demo store holding one entered result, and opens
// the review page (审核与公示) in the browser: without a token the page
// shows the API's 401 problem; with an operator's token (the wrong role
// for a review, rule R26's 审核 is the approver's) the "审核通过" click shows
// the 403 problem. Neither changes the store: the trail's head is the same
// before and after (rule R31: only steps the office took are traced).
func TestStaffActionRefusedInTheUI(t *testing.T) {
	exe := chromium(t)
	ctx := context.Background()
	o, clock, err := demo.New(memstore.New())
	require.NoError(t, err)
	sum, err := demo.RunUntil(ctx, o, clock, nil, demo.StageDispatched)
	require.NoError(t, err)
	results, err := demo.MakeResults(ctx, o, sum.TaskID)
	require.NoError(t, err)
	clock.Set(clock.Now().Add(time.Hour))
	_, err = o.EnterResult(ctx, office.Step{Who: "治安大队 录入员 孙*", At: clock.Now()}, results[0])
	require.NoError(t, err)

	const operator = "op-ui-secret"
	tokens, err := api.ParseTokens(strings.NewReader(api.TokenLine(operator, api.RoleOperator, "治安大队 录入员 孙*")+"\n"), "tokens")
	require.NoError(t, err)
	srv, err := api.New(api.Config{Office: o, Tokens: tokens, Web: os.DirFS(filepath.Join("..", "..", "examples", "web")), Verifier: verifier.FS})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	head := func() string {
		e, err := o.LastEvent(ctx)
		require.NoError(t, err)
		return fmt.Sprintf("%d:%x", e.Seq, e.Hash)
	}
	before := head()

	shots, err := os.MkdirTemp("", "ssj-browser-auth-")
	require.NoError(t, err)
	t.Logf("screenshots in %s", shots)
	bctx := browser(t, exe)
	text := func(sel string) string {
		v, err := chromedp.Run(bctx, chromedp.Poll[string](`(() => { const t = document.querySelector(`+"`"+sel+"`"+`).innerText; return /\d{3}|没有|审核通过/.test(t) && t; })()`,
			chromedp.WithPollingTimeout(time.Minute)))
		require.NoError(t, err, "%s never showed an answer", sel)
		return v
	}

	// No token: the list of entries is staff-only.
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(ts.URL+"/review.html")))
	list := text("#list")
	screenshot(t, bctx, shots, "no-token.png")
	assert.Contains(t, list, "401", "the page shows the API's refusal")
	assert.NotContains(t, list, results[0].ID, "no entry is shown without a token")

	// An operator's token: the entries are listed, and the review the
	// operator may not take is refused.
	_, err = chromedp.Run(bctx, chromedp.Evaluate[any](`localStorage.setItem('ssj.token', '`+operator+`'), null`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(ts.URL+"/review.html")))
	list = text("#list")
	require.Contains(t, list, results[0].ID)
	require.NoError(t, chromedp.Do(bctx, chromedp.Click(`button[data-act="review"]`)))
	errText := text("#err")
	screenshot(t, bctx, shots, "wrong-role.png")
	assert.Contains(t, errText, "403", "the page shows the API's refusal")

	assert.Equal(t, before, head(), "a refused action leaves the store as it was")
}
