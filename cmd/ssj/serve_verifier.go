package main

import "github.com/shuangsuiji/ssj/verifier"

// ssj serve serves the JavaScript verifier's modules (and the vendored
// @noble files the browser imports) at /verifier/, for the "verify this
// draw" page (examples/web/verify.html).
func init() { serveVerifierFS = verifier.FS }
