package draw

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/shuangsuiji/ssj/internal/canon"
	"github.com/shuangsuiji/ssj/suite"
)

// ErrLocked is returned (wrapped) when a locked record would be changed
// other than by a recorded replacement, or locked twice (rule R16).
var ErrLocked = errors.New("draw: record is locked")

// Announcement is the content of the task announcement (任务公示) that a
// confirmed draw yields (rule R16). Publishing it is up to the caller.
type Announcement struct {
	TaskID   string   `json:"task_id"`
	TaskName string   `json:"task_name"`
	Items    []string `json:"items"`
	// Directed is true for a 定向 draw, false for 不定向.
	Directed bool `json:"directed"`
	// Count is the number of selected targets.
	Count int `json:"count"`
	// Shortfall is how many units the quotas asked for but no eligible
	// unit could fill.
	Shortfall int `json:"shortfall"`
	// Targets are the selected targets, in selection order.
	Targets []AnnouncedTarget `json:"targets"`
	// ManifestHash and RecordHash let anyone check the announcement
	// against the published manifest and record.
	ManifestHash string `json:"manifest_hash"`
	RecordHash   string `json:"record_hash"`
	// ManipulationResistant is false when a manual source was used.
	ManipulationResistant bool      `json:"manipulation_resistant"`
	LockedAt              time.Time `json:"locked_at"`
	LockedBy              string    `json:"locked_by"`
	// LockHash is the lock's own hash (LockHash).
	LockHash string `json:"lock_hash"`
	// Anchor is the record's chain anchor (Anchor.Hash) as announced.
	Anchor string `json:"anchor"`
}

// AnnouncedTarget is one selected target in an announcement.
type AnnouncedTarget struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// LockSigningContext prefixes the bytes a lock signature covers, so that
// the signature cannot be taken for one over anything else.
const LockSigningContext = "ssj-v1.1-lock\n"

// Signer signs a lock with the confirming officer's key. It has the method
// set of publish.Signer, so publish.Ed25519Signer (or an SM2 signer) can be
// passed as it is.
type Signer interface {
	// Algorithm names the scheme, e.g. "ed25519".
	Algorithm() string
	// KeyID identifies the public key a verifier needs.
	KeyID() string
	// Sign returns the signature over msg.
	Sign(msg []byte) ([]byte, error)
}

// SignatureVerifier checks a lock signature: that keyID is a key of the
// given algorithm held by signer (the lock's By), and that sig is a valid
// signature of msg under it. publish.Keyring implements it.
type SignatureVerifier interface {
	VerifySignature(signer, algorithm, keyID string, msg, sig []byte) error
}

// ErrLockSignature is returned (wrapped, inside a *VerifyError) when a lock
// signature does not verify, or a signature was required and is missing.
var ErrLockSignature = errors.New("draw: lock signature refused")

// lockBody is the hashed part of a lock.
type lockBody struct {
	At         time.Time `json:"at"`
	By         string    `json:"by"`
	RecordHash string    `json:"record_hash"`
}

func lockBodyBytes(l *LockInfo) ([]byte, error) {
	b, err := canon.Marshal(lockBody{l.At, l.By, l.RecordHash})
	if err != nil {
		return nil, fmt.Errorf("draw: lock: %w", err)
	}
	return b, nil
}

// LockHash returns the hash a lock must carry under ssj-v1: the lower-case
// hex SHA-256 of the RFC 8785 canonical JSON of {at, by, record_hash}.
// LockHashWith takes the manifest's crypto suite.
func LockHash(l *LockInfo) (string, error) {
	return LockHashWith(suite.SSJv1, l)
}

// LockHashWith is LockHash with crypto suite s's hash (SM3 for ssj-v1-sm).
func LockHashWith(s suite.Suite, l *LockInfo) (string, error) {
	b, err := lockBodyBytes(l)
	if err != nil {
		return "", err
	}
	return hexSum(s, b), nil
}

// LockSigningBytes are the bytes a lock signature covers: LockSigningContext
// followed by the canonical JSON of {at, by, record_hash}.
func LockSigningBytes(l *LockInfo) ([]byte, error) {
	b, err := lockBodyBytes(l)
	if err != nil {
		return nil, err
	}
	return append([]byte(LockSigningContext), b...), nil
}

// Lock confirms a draw (rule R16): it returns a copy of rec with its Lock
// set (at, by, the record hash of everything but the lock and the
// replacements, and the lock's own hash) and the content of the task
// announcement, which carries the lock hash and the chain anchor. A locked
// record can only grow by replacements (AddReplacement): Verify recomputes
// the record hash and the lock hash. at must not be before the manifest's
// commit time; by names the confirming officer or role.
func Lock(rec Record, at time.Time, by string) (Record, Announcement, error) {
	return LockSigned(rec, at, by, nil)
}

// LockSigned is Lock with the lock signed by s, the confirming officer's key
// (no signature when s is nil). VerifyWith checks the signature when given a
// SignatureVerifier.
func LockSigned(rec Record, at time.Time, by string, s Signer) (Record, Announcement, error) {
	if rec.Lock != nil {
		return Record{}, Announcement{}, fmt.Errorf("%w: already locked at %s by %s", ErrLocked, rec.Lock.At.Format(time.RFC3339), rec.Lock.By)
	}
	if err := CheckLabel("lock.by", by); err != nil {
		return Record{}, Announcement{}, err
	}
	if at.IsZero() || at.Before(rec.Manifest.CommitTime) {
		return Record{}, Announcement{}, fmt.Errorf("%w: lock time %s is before the commit time %s", ErrInvalidTask,
			at.UTC().Format(time.RFC3339), rec.Manifest.CommitTime.Format(time.RFC3339))
	}
	cs, err := recordSuite(&rec)
	if err != nil {
		return Record{}, Announcement{}, err
	}
	h, err := RecordHash(&rec)
	if err != nil {
		return Record{}, Announcement{}, err
	}
	l := &LockInfo{At: at.UTC(), By: by, RecordHash: h}
	if l.Hash, err = LockHashWith(cs, l); err != nil {
		return Record{}, Announcement{}, err
	}
	if s != nil {
		msg, err := LockSigningBytes(l)
		if err != nil {
			return Record{}, Announcement{}, err
		}
		sig, err := s.Sign(msg)
		if err != nil {
			return Record{}, Announcement{}, fmt.Errorf("draw: signing the lock: %w", err)
		}
		l.Signature = &LockSignature{Algorithm: s.Algorithm(), KeyID: s.KeyID(), Value: base64.StdEncoding.EncodeToString(sig)}
	}
	rec.Lock = l
	a, err := AnnouncementOf(&rec)
	return rec, a, err
}

// AnnouncementOf returns the announcement content of a locked record. Its
// Anchor is the chain anchor of the record as it stands (AnchorOf).
func AnnouncementOf(rec *Record) (Announcement, error) {
	if rec.Lock == nil {
		return Announcement{}, fmt.Errorf("%w: the record is not locked, so there is nothing to announce", ErrInvalidTask)
	}
	anc, err := AnchorOf(rec)
	if err != nil {
		return Announcement{}, err
	}
	a := Announcement{
		TaskID: rec.Manifest.Task.ID, TaskName: rec.Manifest.Task.Name,
		Items: append([]string(nil), rec.Manifest.Task.Items...), Directed: rec.Manifest.Directed,
		Count: len(rec.Selected), Shortfall: rec.Shortfall,
		Targets:      make([]AnnouncedTarget, len(rec.Selected)),
		ManifestHash: rec.ManifestHash, RecordHash: rec.Lock.RecordHash,
		ManipulationResistant: rec.ManipulationResistant,
		LockedAt:              rec.Lock.At, LockedBy: rec.Lock.By,
		LockHash: rec.Lock.Hash, Anchor: anc.Hash,
	}
	for i, s := range rec.Selected {
		a.Targets[i] = AnnouncedTarget{ID: s.Target, Name: s.Name}
	}
	return a, nil
}

// ErrAnchor is returned (wrapped, inside a *VerifyError) when the chain
// anchor a caller supplied does not match the record: a replacement was
// dropped, reordered or added, or the lock was rewritten.
var ErrAnchor = errors.New("draw: record does not match the anchor")

// Anchor is the head of a locked record's hash chain: the record hash, the
// lock hash, the number of replacements and the hash of the last one. Its
// Hash is published with the task announcement (AnnouncementOf) and again,
// as the announcement's successor, after every replacement, and the audit
// trail carries it (targets.dispatched, inspector.replaced). An auditor who
// holds the latest Hash passes it to VerifyWith (ssj verify --anchor): a
// record whose replacements were dropped, reordered or rewritten, or whose
// lock was rewritten with a recomputed lock hash, no longer matches it.
type Anchor struct {
	// RecordHash is the lock's record hash.
	RecordHash string `json:"record_hash"`
	// LockHash is the lock's Hash.
	LockHash string `json:"lock_hash"`
	// Replacements is the number of replacements in the record.
	Replacements int `json:"replacements"`
	// Head is the Hash of the last replacement, or LockHash when there is
	// none.
	Head string `json:"head"`
	// Hash is the lower-case hex SHA-256 of the canonical JSON of the four
	// members above (record_hash, lock_hash, replacements, head).
	Hash string `json:"hash"`
}

// ReplacementAnnouncement is the successor of the task announcement after
// a replacement (rule R18): what changed, who approved it, and the anchor
// before and after, so that the announcements themselves form a chain
// from the lock's anchor to the record's current one.
type ReplacementAnnouncement struct {
	TaskID     string `json:"task_id"`
	RecordHash string `json:"record_hash"`
	LockHash   string `json:"lock_hash"`
	// Seq, Target, Leaving, Newcomer (the newcomer's certificate number),
	// SeatIndex, Reason, Approver and At describe the replacement.
	Seq       int           `json:"seq"`
	Target    string        `json:"target"`
	Leaving   string        `json:"leaving"`
	Newcomer  string        `json:"newcomer"`
	SeatIndex int           `json:"seat_index"`
	Reason    ReplaceReason `json:"reason"`
	Approver  string        `json:"approver"`
	At        time.Time     `json:"at"`
	// ReplacementHash is the replacement's Hash.
	ReplacementHash string `json:"replacement_hash"`
	// PreviousAnchor is the anchor before this replacement (the lock's
	// announcement's, or the previous replacement announcement's); Anchor
	// is the record's anchor after it.
	PreviousAnchor string `json:"previous_anchor"`
	Anchor         string `json:"anchor"`
}

// ReplacementAnnouncementOf returns the announcement of the last
// replacement of a locked record. A replacement appended before the lock is
// covered by the lock's announcement instead, and is refused here.
func ReplacementAnnouncementOf(rec *Record) (ReplacementAnnouncement, error) {
	if rec.Lock == nil {
		return ReplacementAnnouncement{}, fmt.Errorf("%w: the record is not locked, so there is nothing to announce", ErrInvalidTask)
	}
	n := len(rec.Replacements)
	if n == 0 {
		return ReplacementAnnouncement{}, fmt.Errorf("%w: the record has no replacement to announce", ErrInvalidRequest)
	}
	r := rec.Replacements[n-1]
	if r.At.Before(rec.Lock.At) {
		return ReplacementAnnouncement{}, fmt.Errorf("%w: replacement %d was approved at %s, before the lock at %s: the lock's announcement covers it",
			ErrInvalidRequest, r.Seq, r.At.Format(time.RFC3339), rec.Lock.At.Format(time.RFC3339))
	}
	prev, err := anchorAt(rec, n-1)
	if err != nil {
		return ReplacementAnnouncement{}, err
	}
	cur, err := anchorAt(rec, n)
	if err != nil {
		return ReplacementAnnouncement{}, err
	}
	return ReplacementAnnouncement{TaskID: rec.Manifest.Task.ID, RecordHash: rec.Lock.RecordHash, LockHash: rec.Lock.Hash,
		Seq: r.Seq, Target: r.Target, Leaving: r.Leaving, Newcomer: r.Newcomer.Cert, SeatIndex: r.SeatIndex,
		Reason: r.Reason, Approver: r.Approver, At: r.At, ReplacementHash: r.Hash,
		PreviousAnchor: prev.Hash, Anchor: cur.Hash}, nil
}

// TrailData is the anchor as the data of an audit-trail event (package
// trail, Entry.Data): the trail's targets.dispatched event (at the lock) and
// each inspector.replaced event carry it, keys anchor, record_hash,
// lock_hash, replacements (decimal) and head, so that the trail anchors the
// record's replacement chain.
func (a Anchor) TrailData() map[string]string {
	return map[string]string{"anchor": a.Hash, "record_hash": a.RecordHash, "lock_hash": a.LockHash,
		"replacements": strconv.Itoa(a.Replacements), "head": a.Head}
}

// anchorBody is the hashed part of an Anchor.
type anchorBody struct {
	RecordHash   string `json:"record_hash"`
	LockHash     string `json:"lock_hash"`
	Replacements int    `json:"replacements"`
	Head         string `json:"head"`
}

// AnchorOf returns the anchor of a locked record as it stands, from its
// stored hashes (it recomputes nothing; VerifyWith does).
func AnchorOf(rec *Record) (Anchor, error) {
	return anchorAt(rec, len(rec.Replacements))
}

// anchorAt is the anchor of rec with only its first n replacements.
func anchorAt(rec *Record, n int) (Anchor, error) {
	if rec.Lock == nil {
		return Anchor{}, fmt.Errorf("%w: the record is not locked, so it has no anchor", ErrInvalidTask)
	}
	a := Anchor{RecordHash: rec.Lock.RecordHash, LockHash: rec.Lock.Hash, Replacements: n, Head: rec.Lock.Hash}
	if n > 0 {
		a.Head = rec.Replacements[n-1].Hash
	}
	cs, err := recordSuite(rec)
	if err != nil {
		return Anchor{}, err
	}
	b, err := canon.Marshal(anchorBody{a.RecordHash, a.LockHash, a.Replacements, a.Head})
	if err != nil {
		return Anchor{}, fmt.Errorf("draw: anchor: %w", err)
	}
	a.Hash = hexSum(cs, b)
	return a, nil
}

// AddReplacement appends one approved replacement (rule R18) to rec, locked
// or not: the newcomer is drawn by ApplyReplacement from pools, after the
// replacements already recorded. It is the only change a locked record
// accepts.
func AddReplacement(rec Record, pools *InspectorPools, req ReplacementRequest) (Record, error) {
	if rec.Manifest.Inspectors == nil || pools == nil {
		return Record{}, fmt.Errorf("%w: the draw matched no inspectors", ErrInvalidRequest)
	}
	k, err := parseKey(rec.K)
	if err != nil {
		return Record{}, fmt.Errorf("draw: record k: %w", err)
	}
	cs, err := recordSuite(&rec)
	if err != nil {
		return Record{}, err
	}
	rep, _, err := ApplyReplacementWith(cs, k, pools.Home, pools.Fallback, rec.Manifest.Inspectors.Spec, rec.Groups, rec.Replacements, req)
	if err != nil {
		return Record{}, err
	}
	rec.Replacements = append(append([]Replacement(nil), rec.Replacements...), rep)
	return rec, nil
}
