package examples

import "embed"

// Data is the bundled sample district under examples/data: the target and
// inspector registries (targets.csv, inspectors.csv), the checklist, the
// annual plan and its history, a draw task (task.json) and a joint draw
// task of three departments (task-joint.json, plan task 2026-LH-01) with
// the revealed randomness of their declared drand quicknet beacon
// (randomness.json), and sample inspection results. `ssj demo` runs the whole draw on it.
//
//go:embed data/*.csv data/*.json
var Data embed.FS
