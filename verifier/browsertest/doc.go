// Package browsertest runs the in-browser "verify this draw" page
// (examples/web/verify.html, 验证抽签结果) in a real Chromium through
// chromedp, against a test server that serves the front end, the embedded
// JavaScript verifier (package verifier) and a task's public bundle made by
// the office demo, at the URLs `ssj serve` uses. It has no non-test code.
package browsertest
