// Package difftest holds the differential test of the JavaScript verifier
// (verifier/ssj-verify.mjs) against package draw: random tasks are drawn
// with the Go code, written out as the files an auditor gets (record and
// pool CSVs, UTF-8 or GB18030), and the JavaScript verifier, run once in
// one node process for all cases, must accept every record and reject a
// single-field edit of each. The package has no code besides its test.
package difftest
