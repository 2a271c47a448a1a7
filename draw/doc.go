// Package draw implements the verifiable seeded draw (抽取) at the heart of
// 双随机: targets drawn at random from the target registry and inspectors
// matched at random from the inspector registry (rules R15–R20), as a pure
// function of published inputs that anyone can re-run.
package draw
