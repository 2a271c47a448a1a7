/*
Package office is the application layer of ssj (办公: the agency's office):
one method per step of the 双随机、一公开 regime, each step checked, stored
and traced in one store transaction.

The domain packages (registry, checklist, plan, draw, publish, review,
trail, workday) are pure: they compute, they never store, read the clock or
write the trail. The office owns "do the step, check it, store it, trace
it". Everything that persists state or writes the trail goes through it.

# What the embedding application must do

The office is a library, not a server. The application embedding it (a
CLI, an HTTP API, an agency system) is responsible for the following, in
this order.

 1. Open a Store. The embedded default is sqlitestore.Open (one SQLite
    file, WAL, migrations applied on open); memstore.New is for tests.
    Close it when done. A Store is safe for concurrent use; writers are
    serialised by the store (SQLite: BEGIN IMMEDIATE and a busy timeout,
    also across processes).

 2. Build an Office with New: the Store, a Clock (the office never calls
    time.Now; inject the wall clock in production, a fixed or stepping
    clock in tests), the workday Calendar (workday.Default: the State
    Council holiday schedule), the publication Policy (rules R23, R26;
    default publish.SeedPolicy), the registry Config, and for corrections
    an Authority (the principal heads' keyring) and optionally a Signer.

 3. Take the steps (listed under "The steps" below, in the regime's
    order), each with a context and a Step value (Who, At, Unit). At is the
    time the step is taken; zero means the clock's now. The office refuses a
    step dated before the trail's last event or the subject's last step, or
    after now plus the skew, with a *TimeError naming both times (rules R29,
    R31).

 4. Handle refusals. Every refusal is a *StepError (step, object ID,
    field, value) or a *TimeError, and matches one of the sentinel errors
    with errors.Is: ErrPrecondition (the checks refused it), ErrNotFound,
    ErrConflict (a repeated step, or a lost race: retry), ErrUnavailable
    (the store: retry later). Nothing is stored on refusal, except the
    trace of a refused replacement or correction, which is a step of its
    own.

 5. Publish what the office produced (announcements, results) through
    your platform, and anchor the trail: publish AuditReport.Head (a
    trail checkpoint) regularly, e.g. in each announcement. Only an
    anchored trail is safe against an attacker who rewrites its end.

 6. Audit. Audit re-verifies a whole store; run it after a restore, on
    a schedule, and before handing a store to an auditor.

# The steps

In the regime's order (the ssj command that takes each step is in
brackets):

  - ImportSnapshot: a full snapshot of one registry pool (两库, R6) in force
    from an instant; the change counts against the previous snapshot are
    traced; SnapshotAsOf selects by time. Hand it the units as values
    (SnapshotImport.Targets, Inspectors) or, for a registry file of
    millions of rows, as a registry.Index (SnapshotImport.Index, from
    registry.DecodeIndex): the import then never holds the rows as
    values, only the file's text and a few words a row. [ssj registry
    import, which reads a memory-mapped file into an Index: a million
    targets peak at about 280 MB of resident memory]
  - PublishChecklist: the next checklist version, with its adjustment (R3).
    [ssj checklist publish]
  - PublishPlan, then AdjustPlan for each later version (R9). [ssj plan
    publish, ssj plan adjust]
  - LaunchTask (R14; once a checklist is published, only its items, R1),
    then CommitManifest: it validates the pools, then fixes the manifest
    before the randomness exists (R15). [ssj task launch, ssj task commit]
  - RunDraw with the revealed randomness (R15, R17); Lock (R16);
    ReplaceInspector (R18; signed with the approving deputy head's key
    when Config.ApprovalSigner holds it, required with RequireApproval;
    a refused replacement is traced, R31); Dispatch:
    the task announcement and one inspection notice (检查通知书) per drawn
    entity, made from the lock (R16). [ssj task draw, lock, replace,
    dispatch]
  - EnterResult for a drawn, dispatched target (R21, R22); ReviewResult
    (审核) by someone other than the enterer; Release, which requires the
    review (R26: the deadline status comes from the recorded due date and
    the release's own date). [ssj publish enter, approve, release]
  - Correct with a signed correction (R27; a rejected correction is traced,
    R31); DraftCorrection prepares one against the current version, for
    the principal head to sign. [ssj publish correct]
  - ReceiveObjection, StartReview, DecideObjection (optionally with a
    correction in the same transaction), SendFeedback (R28). [ssj review
    receive, start, decide, feedback]
  - RecordFollowUp (后续处置, R29), SummaryReport (R25), ReviewRetention
    (R23). [ssj publish follow-up, report, retention]
  - Deliver: every publication (announcement, result version, correction,
    summary report, and the credit-record entry 信用记录 of each result
    version and correction, R30) that has no receipt from a Publisher
    yet, sent with an idempotency key fixed by its trail event; each
    platform receipt is stored (KindReceipt) and traced
    (publication.delivered). The publishing events are the outbox, so
    nothing published is missed, and a re-run re-sends with the same key.
    [ssj publish push]

# Reading state

Every getter runs in a read-only transaction and re-checks the binding of
what it returns (see Bindings): Task, Manifest, Record, Notice, Result,
Results, Book (every result as a publish.Book, for publish's read-only
views), FollowUps, Objection, Objections, Targets, Inspectors, LastEvent
and Trail. Deadline standings are judged by the office, never on a date
the client supplies: ResultStatus and ObjectionStanding use the recorded
dates and the clock's Today.

# Implementing a Store

A Store keeps objects, events and snapshots and interprets none of them;
storetest.Run is the conformance suite every implementation must pass.
Tx.PutRows must not keep its rows after it returns: the office reuses the
buffers of one batch for the next (this keeps a million-row import's
memory flat).

# Bindings

Every step appends one or more trail events (package trail: hash-chained,
RFC 6962 checkpoints) and stores the state objects it creates, in the same
transaction. Each stored object revision carries the sequence number and
hash of the event that created it, and that event's data holds the
hash of the revision's bytes (SHA-256, or SM3 in a store of the national
suite ssj-v1-sm: see SuiteDataKey) under the key "object:KIND/ID@REV". A
registry snapshot is bound the same way: its registry.imported event
records its pool, in-force time, count, commitment root and digest. Reading
an object back (every getter, and every step that reads state) re-checks
the binding and refuses a broken one with a *BindingError.

# Audit

Audit checks, and stops at the first problem, naming the table (or
object), the ID and the field:

  - events: each event's hash, its link to the previous one, sequence
    numbers without gaps, times never decreasing, and any anchors given;
  - objects: every revision was created by the event it names, with the
    digest that event recorded; revisions run from 1 without gaps; every
    object an event created exists;
  - snapshots and snapshot_rows: every snapshot was imported by an event
    that recorded its description; its rows decode, their keys match
    their data, and their count, commitment root (over the canonical
    leaves) and digest (over the stored bytes) match;
  - draw records: each is re-run from its stored manifest, evidence and
    snapshots with draw.Verify;
  - publications: each published version hashes to its recorded hash,
    which equals the hash in the trail's result.published or
    result.corrected event; with AuditOptions.Authority, every
    correction's signature is re-checked.
  - receipts: each names its publisher and key, its source event is a
    publishing event of the trail, and the publication that event yields
    under the key has the SHA-256 the receipt recorded.

A test edits, deletes and inserts rows of every table of the SQLite store
behind the office's back and shows that Audit catches each. The edits
Audit provably cannot see, and why they are harmless or need an anchor:

  - schema_migrations.applied_at and name: informational; the office never
    reads them (a wrong version makes Open fail, which is not silent).
  - The physical layout: row order, page layout, VACUUM, the WAL: the
    office reads rows by key, never by position.
  - Removing events from the end of the trail, or appending well-formed
    events, when those events created no state (e.g. a traced refusal):
    a hash chain cannot show a cut or an extension at its end. Publish
    the trail head (AuditOptions.Anchors) to close this: an anchored
    head catches both. Rewriting the whole trail consistently is likewise
    caught only against an anchor.
*/
package office
