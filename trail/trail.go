package trail

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shuangsuiji/ssj/evidence"
	"github.com/shuangsuiji/ssj/internal/canon"
	"github.com/shuangsuiji/ssj/internal/merkle"
	"github.com/shuangsuiji/ssj/suite"
)

// Format is the value of the header line's "format" member.
const Format = "ssj-trail/1"

// DefaultCheckpointEvery is the checkpoint interval New uses when given 0.
const DefaultCheckpointEvery = 16

// ZeroHash is the Prev of the first event: 64 hexadecimal zeros.
var ZeroHash = strings.Repeat("0", 64)

// Kind names one step of the process (rule R29).
type Kind string

// The steps recorded in a trail (rule R29). The objection steps follow the
// review workflow of rule R28.
const (
	ChecklistAnnounced    Kind = "checklist.announced"      // 抽查事项清单公告 (R3)
	PlanPublished         Kind = "plan.published"           // 年度抽查计划公示 (R9)
	TaskLaunched          Kind = "task.launched"            // 抽查任务发起 (R14)
	TargetsDrawn          Kind = "targets.drawn"            // 检查对象名单抽取 (R15)
	TargetsDispatched     Kind = "targets.dispatched"       // 名单锁定派发 (R16)
	InspectorsMatched     Kind = "inspectors.matched"       // 检查人员匹配 (R17)
	InspectorReplaced     Kind = "inspector.replaced"       // 检查人员调整更换 (R18)
	TaskAssigned          Kind = "task.assigned"            // 具体检查任务下达 (R29)
	EvidenceRecorded      Kind = "evidence.recorded"        // 执法全过程记录: documents, audio/video of a key step (R24)
	ResultEntered         Kind = "result.entered"           // 检查结果录入 (R26)
	ResultReviewed        Kind = "result.reviewed"          // 检查结果审核 (R29)
	ResultPublished       Kind = "result.published"         // 检查结果公示 (R26)
	ResultWithheld        Kind = "result.withheld"          // 依法不予公示 (R26)
	ResultCorrected       Kind = "result.corrected"         // 经主要负责人签字更改 (R27)
	ObjectionReceived     Kind = "objection.received"       // 异议受理 (R28)
	ObjectionReviewing    Kind = "objection.review_started" // 复核开始 (R28)
	ObjectionDecided      Kind = "objection.decided"        // 复核决定 (R28)
	ObjectionFeedbackSent Kind = "objection.feedback_sent"  // 复核情况反馈 (R28)
	FollowUpRecorded      Kind = "followup.recorded"        // 后续处置 (R29)
	AnnouncementPublished Kind = "announcement.published"   // 其他公告 (R16, R25)

	// Steps added with the office (issue 10): each stored state object is
	// created by exactly one event, so these steps have kinds of their own.
	RegistryImported   Kind = "registry.imported"             // 名录库快照导入 (R6)
	ManifestCommitted  Kind = "manifest.committed"            // 抽取方案固定 (R15)
	TargetsLocked      Kind = "targets.locked"                // 名单确认锁定 (R16)
	ReplacementRefused Kind = "inspector.replacement_refused" // 更换申请被拒绝 (R18, R31)
	CorrectionRejected Kind = "result.correction_rejected"    // 更改申请被拒绝 (R27, R31)
	RetentionReviewed  Kind = "records.retention_reviewed"    // 档案保存期限检查 (R23)
	SummaryReported    Kind = "summary.reported"              // 抽查工作总结报告 (R25)

	// PublicationDelivered records a publication platform's receipt for
	// one publication of the office (issue 11, R30): an announcement, a
	// result version, a correction, a summary report or a credit-record
	// entry, delivered once through a publisher.
	PublicationDelivered Kind = "publication.delivered" // 公示送达回执 (R30)
)

var knownKinds = []Kind{
	ChecklistAnnounced, PlanPublished, TaskLaunched, TargetsDrawn, TargetsDispatched,
	InspectorsMatched, InspectorReplaced, TaskAssigned, EvidenceRecorded, ResultEntered, ResultReviewed,
	ResultPublished, ResultWithheld, ResultCorrected, ObjectionReceived, ObjectionReviewing,
	ObjectionDecided, ObjectionFeedbackSent, FollowUpRecorded, AnnouncementPublished,
	RegistryImported, ManifestCommitted, TargetsLocked, ReplacementRefused, CorrectionRejected,
	RetentionReviewed, SummaryReported, PublicationDelivered,
}

// Kinds returns every step kind a trail accepts, in a fixed order.
func Kinds() []Kind { return append([]Kind(nil), knownKinds...) }

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, x := range knownKinds {
		if x == k {
			return true
		}
	}
	return false
}

// ErrEntry is returned (wrapped) by Append when an entry lacks a required
// field or names an unknown kind.
var ErrEntry = errors.New("trail: invalid entry")

// Entry is what a caller appends: one step, its actor, its time, its subject
// and optional details and evidence. Time is a value supplied by the
// caller; the trail never reads the clock.
type Entry struct {
	Kind    Kind              `json:"kind"`
	Actor   string            `json:"actor"`
	Time    time.Time         `json:"time"`
	Subject string            `json:"subject"`
	Data    map[string]string `json:"data,omitempty"`
	// Evidence lists the files recording the step (rule R24: documents,
	// audio/video of key steps), by digest; the files go to storage.
	Evidence []evidence.Attachment `json:"evidence,omitempty"`
}

// Event is one recorded step: the Entry plus its position and hashes.
type Event struct {
	Seq     int64             `json:"seq"`
	Kind    Kind              `json:"kind"`
	Actor   string            `json:"actor"`
	Time    time.Time         `json:"time"`
	Subject string            `json:"subject"`
	Data    map[string]string `json:"data,omitempty"`
	// Evidence lists the files recording the step (rule R24), by digest.
	// Absent when empty; when present it is hashed with the event.
	Evidence []evidence.Attachment `json:"evidence,omitempty"`
	// Prev is the hex SHA-256 hash of the previous event (ZeroHash for the first).
	Prev string `json:"prev"`
	// Hash is the hex SHA-256 hash of this event; see the package doc.
	Hash string `json:"hash"`
}

// hashed is the exact object whose canonical JSON is hashed.
type hashed struct {
	Seq     int64             `json:"seq"`
	Kind    Kind              `json:"kind"`
	Actor   string            `json:"actor"`
	Time    string            `json:"time"`
	Subject string            `json:"subject"`
	Data    map[string]string `json:"data"`
	// Evidence is omitted when empty, so events without evidence hash
	// exactly as in trails written before evidence existed.
	Evidence []evidence.Attachment `json:"evidence,omitempty"`
	Prev     string                `json:"prev"`
}

// ComputeHash returns the hash the event should carry in an ssj-v1 trail:
// SHA-256 over the canonical JSON of its fields other than Hash.
func (e Event) ComputeHash() (string, error) { return e.ComputeHashWith(suite.SSJv1) }

// ComputeHashWith returns the hash the event should carry in a trail of
// suite s: the suite's hash (SHA-256 or SM3) over the canonical JSON of its
// fields other than Hash.
func (e Event) ComputeHashWith(s suite.Suite) (string, error) {
	data := e.Data
	if data == nil {
		data = map[string]string{}
	}
	b, err := canon.Marshal(hashed{
		Seq: e.Seq, Kind: e.Kind, Actor: e.Actor,
		Time:    e.Time.UTC().Format(time.RFC3339Nano),
		Subject: e.Subject, Data: data, Evidence: e.Evidence, Prev: e.Prev,
	})
	if err != nil {
		return "", fmt.Errorf("trail: event seq %d: %w", e.Seq, err)
	}
	return s.HexSum(b), nil
}

// Checkpoint is an RFC 6962 tree head over the hashes of the first Size
// events. Publish it elsewhere to anchor the trail.
type Checkpoint struct {
	Size int64  `json:"size"`
	Root string `json:"root"`
}

// String renders the checkpoint as SIZE:ROOT, the form ParseCheckpoint reads.
func (c Checkpoint) String() string { return fmt.Sprintf("%d:%s", c.Size, c.Root) }

// ParseCheckpoint reads a checkpoint written as SIZE:ROOT (root in hex).
func ParseCheckpoint(s string) (Checkpoint, error) {
	size, root, ok := strings.Cut(s, ":")
	if !ok {
		return Checkpoint{}, fmt.Errorf("trail: checkpoint %q: want SIZE:ROOT", s)
	}
	var c Checkpoint
	if _, err := fmt.Sscanf(size, "%d", &c.Size); err != nil || c.Size < 0 || fmt.Sprint(c.Size) != size {
		return Checkpoint{}, fmt.Errorf("trail: checkpoint %q: size %q is not a non-negative integer", s, size)
	}
	if !isHash(root) {
		return Checkpoint{}, fmt.Errorf("trail: checkpoint %q: root %q is not 64 lower-case hex digits", s, root)
	}
	c.Root = root
	return c, nil
}

func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// Header is the first line of a trail file.
type Header struct {
	Format          string `json:"format"`
	CheckpointEvery int    `json:"checkpoint_every"`
	// Suite names the crypto suite of the hash chain and the Merkle tree
	// (package suite). Absent means ssj-v1 (SHA-256): every trail written
	// before suites existed, and every ssj-v1 trail, has no suite member,
	// so its header line is unchanged.
	Suite suite.ID `json:"suite,omitempty"`
}

// Log is an append-only trail held in memory. The zero value is not usable;
// call New or Read.
type Log struct {
	every  int
	suite  suite.Suite
	events []Event
	leaves []merkle.Hash
}

// New returns an empty ssj-v1 trail that emits a checkpoint every `every`
// events (DefaultCheckpointEvery when every is 0).
func New(every int) (*Log, error) { return NewWithSuite(every, suite.SSJv1) }

// NewWithSuite is New for a trail hashed with suite s (ssj-v1-sm: SM3 hash
// chain and SM3 Merkle tree), declared in the header line.
func NewWithSuite(every int, s suite.Suite) (*Log, error) {
	if every == 0 {
		every = DefaultCheckpointEvery
	}
	if every < 1 {
		return nil, fmt.Errorf("trail: checkpoint interval %d: must be at least 1", every)
	}
	if s.ID() == "" {
		return nil, fmt.Errorf("trail: %w: the zero Suite", suite.ErrUnknown)
	}
	return &Log{every: every, suite: s}, nil
}

// Suite returns the trail's crypto suite.
func (l *Log) Suite() suite.Suite { return l.suite }

// LeafHashes returns the Merkle leaf hashes of the events, in order (for
// consistency proofs, package checkpoint).
func (l *Log) LeafHashes() []merkle.Hash { return append([]merkle.Hash(nil), l.leaves...) }

// CheckpointEvery returns the checkpoint interval.
func (l *Log) CheckpointEvery() int { return l.every }

// Len returns the number of events.
func (l *Log) Len() int { return len(l.events) }

// Events returns a copy of the events in order.
func (l *Log) Events() []Event {
	out := make([]Event, len(l.events))
	for i, e := range l.events {
		out[i] = e
		out[i].Data = cloneMap(e.Data)
		out[i].Evidence = cloneEvidence(e.Evidence)
	}
	return out
}

// Head returns the checkpoint over all events so far; publish it to anchor
// the trail at this point.
func (l *Log) Head() Checkpoint {
	return l.checkpointOver(l.leaves)
}

// HeadAt returns the checkpoint over the first size events.
func (l *Log) HeadAt(size int64) (Checkpoint, error) {
	if size < 0 || size > int64(len(l.leaves)) {
		return Checkpoint{}, fmt.Errorf("trail: checkpoint of size %d: the trail has %d events", size, len(l.leaves))
	}
	return l.checkpointOver(l.leaves[:size]), nil
}

func (l *Log) checkpointOver(leaves []merkle.Hash) Checkpoint {
	r := l.suite.Merkle().RootFromLeafHashes(leaves)
	return Checkpoint{Size: int64(len(leaves)), Root: hex.EncodeToString(r[:])}
}

// cloneEvidence copies as, with times in UTC; nil when empty.
func cloneEvidence(as []evidence.Attachment) []evidence.Attachment {
	if len(as) == 0 {
		return nil
	}
	out := make([]evidence.Attachment, len(as))
	for i, a := range as {
		a.At = a.At.UTC()
		out[i] = a
	}
	return out
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// HeaderLine returns the JSON Lines header of this trail, newline included.
func (l *Log) HeaderLine() []byte {
	h := Header{Format: Format, CheckpointEvery: l.every}
	if l.suite.ID() != suite.V1 {
		h.Suite = l.suite.ID()
	}
	return mustLine(headerLine{Type: "header", Header: h})
}

type headerLine struct {
	Type string `json:"type"`
	Header
}

type eventLine struct {
	Type string `json:"type"`
	Event
}

type checkpointLine struct {
	Type string `json:"type"`
	Checkpoint
}

func mustLine(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only strings, integers, maps of strings, times and evidence
		// attachments (the same) are encoded.
		panic("trail: encoding a line: " + err.Error())
	}
	return buf.Bytes()
}

// Append records one step and returns the JSON Lines bytes to append to the
// trail file: the event line, followed by a checkpoint line when the event
// completes an interval.
func (l *Log) Append(en Entry) (Event, []byte, error) {
	var prev *Event
	if n := len(l.events); n > 0 {
		prev = &l.events[n-1]
	}
	e, err := NextWith(l.suite, prev, en)
	if err != nil {
		return Event{}, nil, err
	}
	h := e.Hash
	raw, _ := hex.DecodeString(h)
	l.events = append(l.events, e)
	l.leaves = append(l.leaves, l.suite.Merkle().LeafHash(raw))
	out := mustLine(eventLine{Type: "event", Event: e})
	if len(l.events)%l.every == 0 {
		out = append(out, mustLine(checkpointLine{Type: "checkpoint", Checkpoint: l.Head()})...)
	}
	return e, out, nil
}

// Next returns the event that follows prev (nil for the first event of a
// trail) when en is appended: the same checks and hashing as Log.Append,
// for a caller that keeps its events elsewhere (the office keeps them in a
// store and holds only the last one in memory). The trail is ssj-v1.
func Next(prev *Event, en Entry) (Event, error) { return NextWith(suite.SSJv1, prev, en) }

// NextWith is Next for a trail of suite s.
func NextWith(s suite.Suite, prev *Event, en Entry) (Event, error) {
	if !en.Kind.Valid() {
		return Event{}, fmt.Errorf("%w: kind %q is not one of the R29 steps", ErrEntry, en.Kind)
	}
	if strings.TrimSpace(en.Actor) == "" {
		return Event{}, fmt.Errorf("%w: kind %s: actor is empty", ErrEntry, en.Kind)
	}
	if en.Time.IsZero() {
		return Event{}, fmt.Errorf("%w: kind %s: time is zero", ErrEntry, en.Kind)
	}
	if err := evidence.ValidateList(en.Evidence); err != nil { // Rule R24.
		return Event{}, fmt.Errorf("%w: kind %s subject %q: %w", ErrEntry, en.Kind, en.Subject, err)
	}
	e := Event{Seq: 0, Kind: en.Kind, Actor: en.Actor, Time: en.Time.UTC(),
		Subject: en.Subject, Data: cloneMap(en.Data), Evidence: cloneEvidence(en.Evidence), Prev: ZeroHash}
	if prev != nil {
		e.Seq, e.Prev = prev.Seq+1, prev.Hash
	}
	if len(e.Data) == 0 {
		e.Data = nil
	}
	h, err := e.ComputeHashWith(s)
	if err != nil {
		return Event{}, err
	}
	e.Hash = h
	return e, nil
}

// MarshalJSONL returns the whole trail file: header, events and checkpoints.
func (l *Log) MarshalJSONL() []byte {
	out := l.HeaderLine()
	for i, e := range l.events {
		out = append(out, mustLine(eventLine{Type: "event", Event: e})...)
		if (i+1)%l.every == 0 {
			out = append(out, mustLine(checkpointLine{Type: "checkpoint", Checkpoint: l.checkpointOver(l.leaves[:i+1])})...)
		}
	}
	return out
}
