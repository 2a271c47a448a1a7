// Package suite names the cryptographic suites (密码套件) of ssj and gives
// each its hash, its keyed hash and its signature scheme, so that a draw, a
// trail and a checkpoint can say which algorithms they were made with and a
// verifier can pick the same ones.
//
//	suite      hash      keyed hash    signature
//	ssj-v1     SHA-256   HMAC-SHA256   Ed25519
//	ssj-v1-sm  SM3       HMAC-SM3      SM2 (GB/T 32918.2, user ID 1234567812345678 per GM/T 0009)
//
// ssj-v1-sm is the national commercial-cryptography suite (商用密码, 国密):
// SM3 (GB/T 32905-2016) and SM2 (GB/T 32918-2016), implemented by
// github.com/emmansun/gmsm. Both hashes give 32 bytes, so every format
// that carries a hash keeps its shape; only the bytes differ.
//
// Which data uses the suite today: the trail's hash chain and its Merkle
// tree (the trail header names the suite) and the signed checkpoints (package
// checkpoint). The draw (package draw) still hashes with ssj-v1 only:
// threading the suite through the draw's leaves, manifest hash, R, K, ranks,
// record hash, replacement chain and lock is pending (issue 16); Suite's
// methods (Sum, HMAC, Merkle) are the hooks it will use.
//
// # Keys
//
// Private keys are read from PEM files, PKCS#8 ("PRIVATE KEY") for both
// algorithms; an SM2 key may also be SEC 1 ("EC PRIVATE KEY") as gmsm reads
// it. Public keys are PKIX ("PUBLIC KEY"). ssj never stores a private key:
// the caller loads it for one signing and drops it. A Keyring lists public
// keys with their holder and validity period (not_before, not_after): a
// rotated key still verifies what it signed within its period and is
// refused for anything dated after it.
package suite
