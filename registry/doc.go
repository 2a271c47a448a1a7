// Package registry holds the two registries (两库) of the 双随机、一公开 regime:
// the target registry (检查对象名录库) of supervised market entities and other
// inspection targets, and the inspector registry (执法检查人员名录库) of staff
// holding a law-enforcement certificate (rules R6, R7 in DOMAIN.md).
//
// A registry is a value built from an append-only history of change events;
// AsOf returns the registry in force at a given instant, and a snapshot can be
// committed to with an RFC 6962 Merkle root so that a draw can later prove
// which pool it drew from.
//
// The package does no I/O of its own beyond decoding readers the caller
// supplies (CSV and XLSX import); it keeps no global state.
package registry
