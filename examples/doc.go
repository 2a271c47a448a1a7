// Package examples holds runnable programs that show how an agency system
// and an auditor embed ssj (示例), and the bundled sample district under
// examples/data:
//
//   - examples/agency: an agency system drawing targets from a pool it
//     holds in memory, with a participant's commit/reveal secret
//     (go run ./examples/agency);
//   - examples/auditor: an auditor re-running a published draw from its
//     bundle (go run ./cmd/ssj demo --out /tmp/b && go run ./examples/auditor /tmp/b);
//   - examples/gendata: the generator of the sample district's data.
//
// Each program is run by its package's test.
package examples
