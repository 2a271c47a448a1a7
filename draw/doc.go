// Package draw implements the verifiable seeded draw (抽取) at the heart of
// 双随机: targets drawn at random from the target registry and inspectors
// matched at random from the inspector registry (rules R15–R20), as a pure
// function of published inputs that anyone can re-run.
//
// Every hash of a draw belongs to the crypto suite its manifest declares
// (Manifest.Suite, Manifest.CryptoSuite): ssj-v1 (SHA-256, HMAC-SHA256)
// when the member is absent, or the national suite ssj-v1-sm (商用密码:
// SM3, HMAC-SM3). Functions without a suite parameter that take no
// manifest or record (DeriveKey, NewRanker, Match, GroupsHash, LockHash…)
// are ssj-v1's; their ...With forms take the suite.
package draw
