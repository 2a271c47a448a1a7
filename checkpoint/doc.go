// Package checkpoint writes and checks signed checkpoints (签名检查点) in
// the C2SP formats that Go's checksum database and transparency logs use,
// so that an auditor, a journalist or a second agency (a witness) can hold
// the agency to one history of its trail (全程留痕, rules R29, R31) and of
// its registry snapshots (两库, rule R6).
//
// # Body: C2SP tlog-checkpoint
//
//	<origin>\n
//	<tree size, decimal>\n
//	<root hash, base64 (standard, padded)>\n
//
// The origin names the log (e.g. "xihu.amr.gov.cn/ssj/trail"); the root is
// the RFC 6962 Merkle tree head over the log's first size leaves, with the
// hash of the log's suite (SHA-256 for ssj-v1, SM3 for ssj-v1-sm; package
// suite). ssj writes no extension lines and refuses them when reading.
//
// # Signatures: C2SP signed-note
//
// The body is signed as a signed note (golang.org/x/mod/sumdb/note): a blank
// line, then one line per signature, "— <key name> <base64(key ID ‖
// signature)>". The agency's Ed25519 signature is the standard one (type
// 0x01; any note verifier checks it). When the national suite is on, an SM2
// co-signature line follows, built by the same conventions:
//
//	key ID    = first 4 bytes of SHA-256(key name ‖ 0x0A ‖ 0xFF ‖ "ssj-sm2" ‖ Q)
//	signature = SM2 (GB/T 32918.2, SM3, user ID "1234567812345678") over the
//	            note text (the body), DER-encoded (GM/T 0009)
//	verifier key (vkey): <name>+<key ID, 8 hex>+base64(0xFF ‖ "ssj-sm2" ‖ Q)
//
// where Q is the 65-byte uncompressed SM2 public point. 0xFF is the signature
// type byte signed-note leaves to signature types defined outside its
// registry; the identifier "ssj-sm2" that follows keeps ssj's type apart
// from anyone else's. Note verifiers that do not know the type ignore the
// line, as signed-note requires of unknown keys, and still check the Ed25519
// signature.
//
// # Consistency
//
// A trail only grows: a checkpoint of size m and a later one of size n
// must describe trees where the first is a prefix of the second. The RFC
// 6962 consistency proof (Proof) shows it without the events; its file
// form is
//
//	ssj-consistency-proof/1
//	suite <suite ID>
//	old <size>
//	new <size>
//	<base64 hash>      (one line per proof hash, in RFC 6962 order)
//
// A registry snapshot's commitment (registry.Commitment) is a Merkle root
// too, so a snapshot gets a checkpoint of its own (FromCommitment); but its
// leaves are sorted by label, not appended, so two snapshots are not
// consistent with each other in this sense, and no proof is made between
// them: each checkpoint pins one snapshot.
package checkpoint
