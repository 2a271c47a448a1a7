// Package browsertest runs the reference web front end (examples/web) in a
// real Chromium through chromedp, against the real server (package api over
// a demo store the office makes, with the embedded pages and JavaScript
// verifier, as `ssj serve --demo` serves them): the "verify this draw" page
// (验证抽签结果) reached from the task page, verified and tampered bundles,
// staff actions refused without the right token, and the phone page's
// offline queue. It has no non-test code.
package browsertest
