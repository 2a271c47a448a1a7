// Package trail is the tamper-evident record of every step of the
// 双随机、一公开 process — 全程留痕、责任可追溯 (rules R29, R31).
//
// A trail is an append-only sequence of events. Each event names the step
// (Kind: checklist announced, plan published, task launched, targets drawn,
// dispatched, inspectors matched, assignment, result entered, reviewed,
// published, corrected, the objection steps of 复核, follow-up), the actor who
// took it, the time it was taken, the subject it concerns (a task number, a
// result ID, an objection ID) and a small string map of details.
//
// # Hash chain
//
// Every event carries the hash of the event before it (Prev; the first event
// links to 64 zeros) and its own hash:
//
//	Hash = SHA-256( RFC 8785 canonical JSON of {seq, kind, actor, time, subject, data, evidence, prev} )
//
// where time is written in UTC as RFC 3339 with nanoseconds trimmed, and
// evidence (the step's recorded files, rule R24: package evidence's
// attachments, each by SHA-256 digest, media type, size, step, recorder and
// UTC time) is left out when the event has none, so such events hash as
// they always did. Changing
// any field of any event changes its hash, which no longer matches the hash
// stored in the event or the Prev of the next event.
//
// # Checkpoints
//
// Every CheckpointEvery events (the interval is fixed in the trail's header
// line) the writer emits a checkpoint: the number of events so far and the
// RFC 6962 Merkle tree head over their hashes (leaf i is the 32 raw bytes of
// event i's hash). A checkpoint is meant to be anchored outside the file — in
// a published announcement, a newspaper, a transparency log — because an
// attacker who can rewrite the whole file can recompute every hash and every
// checkpoint in it. Verify accepts such external anchors and checks them; an
// anchored checkpoint also catches deletion of events at the end of the file,
// which a hash chain alone cannot detect. InclusionProof and
// VerifyInclusion show that one event lies inside an anchored checkpoint
// without handing over the rest of the trail.
//
// What a trail does not prove: who wrote an event. Events are chained, not
// signed, so an event appended at the end by anyone with write access
// looks like any other append; the actor field is a claim. Access control
// on the file, or anchoring the head after every working day, limits that.
//
// # File format
//
// A trail file is JSON Lines: a header line, then event and checkpoint lines
// in order, each a JSON object with a "type" member ("header", "event",
// "checkpoint"). Unknown members are refused.
//
//	{"type":"header","format":"ssj-trail/1","checkpoint_every":4}
//	{"type":"event","seq":0,"kind":"task.launched","actor":"治安大队 李*","time":"2026-03-02T01:00:00Z","subject":"T-2026-001","prev":"00…00","hash":"9c…"}
//	{"type":"checkpoint","size":4,"root":"5e…"}
//
// # Verification
//
// Verify reads a trail and reports the first problem precisely: the line and
// event index, and whether an event was edited, deleted, inserted or
// reordered, a checkpoint is missing or wrong, an external anchor does not
// match, or a line is malformed.
package trail
