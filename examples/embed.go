package examples

import "embed"

// Data is the bundled sample district under examples/data: the target and
// inspector registries (targets.csv, inspectors.csv), the checklist, the
// annual plan and its history, a draw task (task.json) with the revealed
// randomness of its declared drand quicknet beacon (randomness.json), and
// sample inspection results. `ssj demo` runs the whole draw on it.
//
//go:embed data/*.csv data/*.json
var Data embed.FS
