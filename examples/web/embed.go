// Package web is the reference web front end of ssj (参考前端): plain HTML,
// CSS and ES modules under examples/web, no build step, Chinese UI. `ssj
// serve` serves FS at / over its API (package api). The pages are
// index.html (registries and the plan check table), task.html (a task's
// manifest, sources, drawn list with strata and inspector groups),
// results.html (公示: published results with corrections), entry.html (the
// inspector's result entry on a phone, with a draft kept in localStorage),
// review.html (staff: review and release entered results), and
// stats.html (the R25 summary as SVG charts); verify.html and
// verify.js run the JavaScript verifier in the browser.
package web

import "embed"

// FS holds the front end's files. The glob patterns pick up every page,
// script and style sheet in the directory, including the verify page.
//
//go:embed *.html *.js *.css
var FS embed.FS
