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
//
// # Execution traces
//
// RunPool and VerifyPool mark their phases as runtime/trace regions on
// the calling goroutine, one after another, never nested, so that an
// execution trace (runtime/trace.Start, then go tool trace; or
// bench/draw -phases) shows where a draw over a large pool spends its
// time:
//
//	ssj/draw: check pool         the pool's commitment (RunPool), the exclusions, the randomness
//	ssj/draw: tally              strata, eligibility and quotas
//	ssj/draw: rank               every eligible unit's rank (RunPool)
//	ssj/draw: rank and commit    ranks and the commitment in one pass (VerifyPool)
//	ssj/draw: rank again         every eligible unit's rank once more, without the guards (rare: see below)
//	ssj/draw: select             each stratum's smallest ranks, from the workers' candidates
//	ssj/draw: selections         the record's selections, built or compared
//	ssj/draw: finish record      groups and inspectors
//
// The ranking pass keeps, of each stratum, only the units whose rank
// prefix is at most a guard that about six standard deviations more than
// the stratum's take fall below; when fewer than the take do (about once
// in a billion strata), the pass is made again without guards. The
// record is the same either way.
//
// The work of a phase done on other goroutines falls within its region's
// time. When no trace is being recorded, the marks cost a check of a flag
// and change nothing.
package draw
