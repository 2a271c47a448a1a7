// Package verifier embeds ssj's independent JavaScript verifier of draw
// records (抽签记录验证器): ssj-verify.mjs, its modules under lib/, and the
// browser's copy of the one dependency it has (@noble/curves and
// @noble/hashes, under third_party/, byte-identical to what `npm ci`
// installs from package-lock.json). A server serves FS so that a browser
// can check a published draw without trusting the server's Go code: the
// same ES module runs under node (`node verifier/ssj-verify.mjs`) and in
// the page, given the import map ImportMap returns.
//
// The JavaScript is written from docs/draw-spec.md, not from package
// draw; see verifier/README.md for what it checks.
package verifier

import (
	"embed"
	"encoding/json"
	"strings"
)

// FS holds the verifier's browser files: ssj-verify.mjs, lib/*.mjs and
// third_party/@noble/... (paths relative to the verifier directory). Serve
// it under a prefix, e.g. http.StripPrefix("/verifier/",
// http.FileServerFS(verifier.FS)), and give the page ImportMap of that
// prefix.
//
//go:embed ssj-verify.mjs lib/*.mjs all:third_party
var FS embed.FS

// Entry is the path of the verifier's ES module in FS.
const Entry = "ssj-verify.mjs"

// ImportMap returns the JSON of the import map a page needs before it
// imports the verifier served under prefix (for example "/verifier/"):
// the bare specifiers @noble/curves/ and @noble/hashes/ point into
// third_party.
func ImportMap(prefix string) string {
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	m := map[string]map[string]string{"imports": {
		"@noble/curves/": prefix + "third_party/@noble/curves/",
		"@noble/hashes/": prefix + "third_party/@noble/hashes/",
	}}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err) // a map of strings always marshals
	}
	return string(b)
}
