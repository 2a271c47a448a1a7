// Package plan models a department's annual random-inspection plan
// (年度抽查计划) and checks it against the regime's ratio, frequency and
// coverage rules (R8–R13).
package plan
