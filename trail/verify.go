package trail

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/shuangsuiji/ssj/evidence"
	"github.com/shuangsuiji/ssj/suite"

	"github.com/shuangsuiji/ssj/internal/jsonin"
)

// ProblemKind classifies the first problem Verify finds.
type ProblemKind string

// Problem kinds.
const (
	// Malformed: a line is not valid JSON, has an unknown type or member, or
	// a field has an invalid value.
	Malformed ProblemKind = "malformed"
	// Edited: an event's content no longer matches its hash, or an event
	// was changed and re-hashed so the next event no longer links to it.
	Edited ProblemKind = "edited"
	// Deleted: events are missing before this point.
	Deleted ProblemKind = "deleted"
	// Inserted: an event (or checkpoint line) that was never appended is present.
	Inserted ProblemKind = "inserted"
	// Reordered: an event is out of its place; the event that belongs here
	// appears later in the file.
	Reordered ProblemKind = "reordered"
	// CheckpointMissing: an interval checkpoint line is absent.
	CheckpointMissing ProblemKind = "checkpoint_missing"
	// CheckpointMismatch: a checkpoint line does not match the events before it.
	CheckpointMismatch ProblemKind = "checkpoint_mismatch"
	// AnchorMismatch: an external anchor does not match the trail, or covers
	// more events than the file holds (the tail was cut off).
	AnchorMismatch ProblemKind = "anchor_mismatch"
)

// Problem is the first thing wrong with a trail. Line is 1-based in the
// file; Index is the 0-based position of the event among the file's event
// lines (-1 when the problem is not about an event); Seq is the sequence
// number the event should have carried at that point.
type Problem struct {
	Kind   ProblemKind `json:"kind"`
	Line   int         `json:"line"`
	Index  int         `json:"index"`
	Seq    int64       `json:"seq"`
	Detail string      `json:"detail"`
}

// Error makes a Problem usable as an error.
func (p *Problem) Error() string {
	if p.Index >= 0 {
		return fmt.Sprintf("trail: line %d (event #%d, expected seq %d): %s: %s", p.Line, p.Index, p.Seq, p.Kind, p.Detail)
	}
	return fmt.Sprintf("trail: line %d: %s: %s", p.Line, p.Kind, p.Detail)
}

// Report is the outcome of Verify.
type Report struct {
	OK          bool       `json:"ok"`
	Events      int        `json:"events"`
	Checkpoints int        `json:"checkpoints"`
	Head        Checkpoint `json:"head"`
	// Unanchored is the number of events after the last checkpoint line
	// that no external anchor covers: their deletion cannot be detected.
	Unanchored int      `json:"unanchored"`
	Problem    *Problem `json:"problem,omitempty"`
}

// VerifyOptions carries what the verifier knows from outside the file.
type VerifyOptions struct {
	// Anchors are checkpoints obtained from outside the file (published
	// announcements, a transparency log). Each must match the trail.
	Anchors []Checkpoint
}

// MaxLineBytes bounds one line of a trail file.
const MaxLineBytes = 1 << 20

type parsed struct {
	line int
	typ  string
	ev   Event
	cp   Checkpoint
	hdr  Header
}

// decodeLine decodes one JSON Lines record strictly.
func decodeLine(b []byte) (parsed, error) {
	var probe struct {
		Type string `json:"type"`
	}
	if err := jsonin.Decode(b, &probe, jsonin.Options{AllowUnknown: true}); err != nil {
		return parsed{}, fmt.Errorf("not a JSON object: %v", err)
	}
	// Strict: unknown fields and duplicate keys are refused (a repeated
	// "actor" would otherwise let the line say two things).
	strict := func(v any) error { return jsonin.Decode(b, v, jsonin.Options{}) }
	p := parsed{typ: probe.Type}
	switch probe.Type {
	case "header":
		var h headerLine
		if err := strict(&h); err != nil {
			return p, fmt.Errorf("header: %v", err)
		}
		p.hdr = h.Header
	case "event":
		var e eventLine
		if err := strict(&e); err != nil {
			return p, fmt.Errorf("event: %v", err)
		}
		if e.Seq < 0 {
			return p, fmt.Errorf("event seq %d is negative", e.Seq)
		}
		if !isHash(e.Prev) || !isHash(e.Hash) {
			return p, fmt.Errorf("event seq %d: prev %q / hash %q: want 64 lower-case hex digits", e.Seq, e.Prev, e.Hash)
		}
		// Rule R24. An empty list would hash like an absent one: refuse it,
		// so one event has one written form.
		if e.Evidence != nil && len(e.Evidence) == 0 {
			return p, fmt.Errorf("event seq %d: evidence is an empty list: leave the member out", e.Seq)
		}
		if err := evidence.ValidateList(e.Evidence); err != nil {
			return p, fmt.Errorf("event seq %d: %v", e.Seq, err)
		}
		p.ev = e.Event
	case "checkpoint":
		var c checkpointLine
		if err := strict(&c); err != nil {
			return p, fmt.Errorf("checkpoint: %v", err)
		}
		if c.Size < 0 {
			return p, fmt.Errorf("checkpoint size %d is negative", c.Size)
		}
		if !isHash(c.Root) {
			return p, fmt.Errorf("checkpoint size %d: root %q: want 64 lower-case hex digits", c.Size, c.Root)
		}
		p.cp = c.Checkpoint
	default:
		return p, fmt.Errorf("type %q: want header, event or checkpoint", probe.Type)
	}
	return p, nil
}

// Verify reads a trail file and checks its header, every event's hash and
// link, every checkpoint and every anchor, and reports the first problem.
// The error is non-nil only when r cannot be read; a tampered or malformed
// trail yields a Report with OK false and Problem set.
func Verify(r io.Reader, opts VerifyOptions) (Report, error) {
	_, rep, err := read(r, opts)
	return rep, err
}

// Read reads and verifies a trail file and returns it ready for Append. A
// trail with a problem is refused with the *Problem as the error.
func Read(r io.Reader) (*Log, error) {
	l, rep, err := read(r, VerifyOptions{})
	if err != nil {
		return nil, err
	}
	if rep.Problem != nil {
		return nil, rep.Problem
	}
	return l, nil
}

func read(r io.Reader, opts VerifyOptions) (*Log, Report, error) {
	var lines []parsed
	var bad *Problem
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), MaxLineBytes)
	n := 0
	for sc.Scan() {
		n++
		b := sc.Bytes()
		if n == 1 {
			b = jsonin.TrimBOM(b) // an editor's byte order mark is not content
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			bad = &Problem{Kind: Malformed, Line: n, Index: -1, Detail: "empty line"}
			break
		}
		p, err := decodeLine(b)
		if err != nil {
			bad = &Problem{Kind: Malformed, Line: n, Index: -1, Detail: err.Error()}
			break
		}
		p.line = n
		lines = append(lines, p)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			bad = &Problem{Kind: Malformed, Line: n + 1, Index: -1, Detail: fmt.Sprintf("line longer than %d bytes", MaxLineBytes)}
		} else {
			return nil, Report{}, fmt.Errorf("trail: reading line %d: %w", n+1, err)
		}
	}
	l, rep := walk(lines, bad, n)
	if rep.Problem == nil {
		for _, a := range opts.Anchors {
			if p := checkAnchor(l, a, n); p != nil {
				rep.Problem = p
				break
			}
			if int(a.Size) > len(l.events)-rep.Unanchored {
				rep.Unanchored = len(l.events) - int(a.Size)
			}
		}
	}
	rep.OK = rep.Problem == nil
	return l, rep, nil
}

func checkAnchor(l *Log, a Checkpoint, lastLine int) *Problem {
	if a.Size > int64(len(l.events)) {
		return &Problem{Kind: AnchorMismatch, Line: lastLine, Index: len(l.events), Seq: int64(len(l.events)),
			Detail: fmt.Sprintf("anchor %s covers %d events but the file holds %d: events were deleted from the end", a, a.Size, len(l.events))}
	}
	if a.Size < 0 {
		return &Problem{Kind: AnchorMismatch, Line: lastLine, Index: -1, Detail: fmt.Sprintf("anchor size %d is negative", a.Size)}
	}
	got := l.checkpointOver(l.leaves[:a.Size])
	if got.Root != a.Root {
		return &Problem{Kind: AnchorMismatch, Line: lastLine, Index: -1,
			Detail: fmt.Sprintf("anchor %s: the first %d events have root %s", a, a.Size, got.Root)}
	}
	return nil
}

// walk checks the parsed lines in order. bad is the malformed line that
// stopped parsing, reported only if nothing earlier is wrong.
func walk(lines []parsed, bad *Problem, nLines int) (*Log, Report) {
	l := &Log{every: DefaultCheckpointEvery, suite: suite.SSJv1}
	rep := Report{}
	fail := func(p *Problem) (*Log, Report) {
		rep.Problem = p
		rep.Events = len(l.events)
		rep.Head = l.Head()
		return l, rep
	}
	if len(lines) == 0 {
		if bad != nil {
			return fail(bad)
		}
		return fail(&Problem{Kind: Malformed, Line: 1, Index: -1, Detail: "empty file: want a header line"})
	}
	if lines[0].typ != "header" {
		return fail(&Problem{Kind: Malformed, Line: lines[0].line, Index: -1, Detail: fmt.Sprintf("first line is a %s: want the header", lines[0].typ)})
	}
	h := lines[0].hdr
	if h.Format != Format {
		return fail(&Problem{Kind: Malformed, Line: 1, Index: -1, Detail: fmt.Sprintf("format %q: want %q", h.Format, Format)})
	}
	if h.CheckpointEvery < 1 {
		return fail(&Problem{Kind: Malformed, Line: 1, Index: -1, Detail: fmt.Sprintf("checkpoint_every %d: must be at least 1", h.CheckpointEvery)})
	}
	if h.Suite == suite.V1 {
		// ssj-v1 is written by leaving the member out: one trail, one header line.
		return fail(&Problem{Kind: Malformed, Line: 1, Index: -1, Detail: fmt.Sprintf("suite %q: leave the member out for ssj-v1", h.Suite)})
	}
	st, err := suite.Lookup(string(h.Suite))
	if err != nil {
		return fail(&Problem{Kind: Malformed, Line: 1, Index: -1, Detail: err.Error()})
	}
	l.suite = st
	l.every = h.CheckpointEvery
	lastCP := int64(0)
	idx := 0 // position among event lines
	prev := ZeroHash
	// seqLater reports whether an event with the given seq appears after line position i.
	seqLater := func(i int, seq int64) bool {
		for _, p := range lines[i+1:] {
			if p.typ == "event" && p.ev.Seq == seq {
				return true
			}
		}
		return false
	}
	for i := 1; i < len(lines); i++ {
		p := lines[i]
		n := int64(len(l.events))
		switch p.typ {
		case "header":
			return fail(&Problem{Kind: Inserted, Line: p.line, Index: -1, Detail: "a second header line"})
		case "checkpoint":
			if n%int64(l.every) == 0 {
				if lastCP == n {
					return fail(&Problem{Kind: Inserted, Line: p.line, Index: -1, Detail: fmt.Sprintf("extra checkpoint line after %d events", n)})
				}
				if p.cp.Size != n {
					return fail(&Problem{Kind: CheckpointMismatch, Line: p.line, Index: -1, Detail: fmt.Sprintf("checkpoint size %d: %d events precede it", p.cp.Size, n)})
				}
				want := l.Head()
				if want.Root != p.cp.Root {
					return fail(&Problem{Kind: CheckpointMismatch, Line: p.line, Index: -1, Detail: fmt.Sprintf("checkpoint root %s: events 0..%d have root %s", p.cp.Root, n-1, want.Root)})
				}
				lastCP = n
				rep.Checkpoints++
				continue
			}
			if p.cp.Size > n {
				kind := Deleted
				if seqLater(i, n) {
					kind = Reordered
				}
				return fail(&Problem{Kind: kind, Line: p.line, Index: idx, Seq: n, Detail: fmt.Sprintf("checkpoint for %d events follows only %d", p.cp.Size, n)})
			}
			return fail(&Problem{Kind: CheckpointMismatch, Line: p.line, Index: -1, Detail: fmt.Sprintf("checkpoint size %d after %d events, not at a multiple of %d", p.cp.Size, n, l.every)})
		}
		// An event line.
		e := p.ev
		computed, err := e.ComputeHashWith(l.suite)
		if err != nil {
			return fail(&Problem{Kind: Malformed, Line: p.line, Index: idx, Seq: n, Detail: err.Error()})
		}
		if computed != e.Hash {
			// Not re-hashed. An insertion if the next event links past it.
			if nx := nextEvent(lines, i); nx != nil && nx.ev.Seq == n && nx.ev.Prev == prev {
				return fail(&Problem{Kind: Inserted, Line: p.line, Index: idx, Seq: n, Detail: fmt.Sprintf("event (seq %d, kind %s) is not part of the chain: the next event links to the one before it", e.Seq, e.Kind)})
			}
			return fail(&Problem{Kind: Edited, Line: p.line, Index: idx, Seq: n, Detail: fmt.Sprintf("stored hash %s, content hashes to %s", e.Hash, computed)})
		}
		switch {
		case e.Seq == n && e.Prev == prev:
			// In place; the interval checkpoint before it must be there.
			if n > 0 && n%int64(l.every) == 0 && lastCP != n {
				return fail(&Problem{Kind: CheckpointMissing, Line: p.line, Index: -1, Detail: fmt.Sprintf("no checkpoint line after %d events", n)})
			}
		case e.Seq > n:
			if nx := nextEvent(lines, i); nx != nil && nx.ev.Seq == n && nx.ev.Prev == prev && e.Prev != nx.ev.Hash {
				return fail(&Problem{Kind: Inserted, Line: p.line, Index: idx, Seq: n, Detail: fmt.Sprintf("event (seq %d, kind %s) is not part of the chain: the next event links to the one before it", e.Seq, e.Kind)})
			}
			if seqLater(i, n) {
				return fail(&Problem{Kind: Reordered, Line: p.line, Index: idx, Seq: n, Detail: fmt.Sprintf("event seq %d appears where seq %d belongs; seq %d comes later", e.Seq, n, n)})
			}
			return fail(&Problem{Kind: Deleted, Line: p.line, Index: idx, Seq: n, Detail: fmt.Sprintf("events seq %d..%d are missing before event seq %d", n, e.Seq-1, e.Seq)})
		case e.Seq < n:
			for j := range l.events {
				if l.events[j].Hash == e.Hash {
					return fail(&Problem{Kind: Inserted, Line: p.line, Index: idx, Seq: n, Detail: fmt.Sprintf("event seq %d repeats line %d", e.Seq, findLine(lines, e.Hash))})
				}
			}
			if e.Seq == n-1 && e.Prev == prevOf(l, e.Seq) {
				// The line before this one took this event's place: it was inserted.
				return fail(&Problem{Kind: Inserted, Line: lines[prevEventPos(lines, i)].line, Index: idx - 1, Seq: n - 1, Detail: fmt.Sprintf("event (seq %d, kind %s) was inserted before the original seq %d", l.events[n-1].Seq, l.events[n-1].Kind, e.Seq)})
			}
			return fail(&Problem{Kind: Reordered, Line: p.line, Index: idx, Seq: n, Detail: fmt.Sprintf("event seq %d appears after seq %d", e.Seq, n-1)})
		default: // e.Seq == n, Prev does not link
			if n == 0 {
				return fail(&Problem{Kind: Edited, Line: p.line, Index: idx, Seq: n, Detail: fmt.Sprintf("first event's prev is %s, want %s", e.Prev, ZeroHash)})
			}
			return fail(&Problem{Kind: Edited, Line: lines[prevEventPos(lines, i)].line, Index: idx - 1, Seq: n - 1,
				Detail: fmt.Sprintf("event seq %d was changed and re-hashed: the next event links to %s, it now hashes to %s", n-1, e.Prev, prev)})
		}
		raw, _ := hex.DecodeString(e.Hash)
		l.events = append(l.events, e)
		l.leaves = append(l.leaves, l.suite.Merkle().LeafHash(raw))
		prev = e.Hash
		idx++
	}
	if bad != nil {
		return fail(bad)
	}
	n := int64(len(l.events))
	if n > 0 && n%int64(l.every) == 0 && lastCP != n {
		return fail(&Problem{Kind: CheckpointMissing, Line: nLines + 1, Index: -1, Detail: fmt.Sprintf("no checkpoint line after the last %d events", n)})
	}
	rep.Events = len(l.events)
	rep.Head = l.Head()
	rep.Unanchored = int(n - lastCP)
	return l, rep
}

// prevOf returns the hash the event with sequence seq must link to.
func prevOf(l *Log, seq int64) string {
	if seq == 0 {
		return ZeroHash
	}
	return l.events[seq-1].Hash
}

func nextEvent(lines []parsed, i int) *parsed {
	for j := i + 1; j < len(lines); j++ {
		if lines[j].typ == "event" {
			return &lines[j]
		}
	}
	return nil
}

func prevEventPos(lines []parsed, i int) int {
	for j := i - 1; j > 0; j-- {
		if lines[j].typ == "event" {
			return j
		}
	}
	return i
}

func findLine(lines []parsed, hash string) int {
	for _, p := range lines {
		if p.typ == "event" && p.ev.Hash == hash {
			return p.line
		}
	}
	return 0
}
