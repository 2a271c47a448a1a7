package trail

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// fixture is a ten-event trail with a checkpoint every four events, walking
// the R29 steps of one task.
func fixture(t testing.TB) (*Log, []string) {
	t.Helper()
	l, err := New(4)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []Kind{ChecklistAnnounced, PlanPublished, TaskLaunched, TargetsDrawn, TargetsDispatched,
		InspectorsMatched, TaskAssigned, ResultEntered, ResultPublished, ObjectionReceived}
	file := l.HeaderLine()
	for i, k := range kinds {
		_, b, err := l.Append(Entry{Kind: k, Actor: "治安大队 王*", Time: t0.Add(time.Duration(i) * time.Hour),
			Subject: "T-2026-001", Data: map[string]string{"step": fmt.Sprint(i)}})
		if err != nil {
			t.Fatal(err)
		}
		file = append(file, b...)
	}
	if !bytes.Equal(file, l.MarshalJSONL()) {
		t.Fatalf("incremental file differs from MarshalJSONL:\n%s\n%s", file, l.MarshalJSONL())
	}
	return l, strings.Split(strings.TrimSuffix(string(file), "\n"), "\n")
}

func verifyLines(t *testing.T, lines []string, anchors ...Checkpoint) Report {
	t.Helper()
	rep, err := Verify(strings.NewReader(strings.Join(lines, "\n")+"\n"), VerifyOptions{Anchors: anchors})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// eventLines returns the file line positions (0-based) of the event lines.
func eventLines(lines []string) []int {
	var out []int
	for i, s := range lines {
		if strings.Contains(s, `"type":"event"`) {
			out = append(out, i)
		}
	}
	return out
}

func TestVerifyIntact(t *testing.T) {
	l, lines := fixture(t)
	rep := verifyLines(t, lines, l.Head())
	if !rep.OK || rep.Events != 10 || rep.Checkpoints != 2 || rep.Head != l.Head() || rep.Unanchored != 0 {
		t.Fatalf("intact trail: %+v", rep)
	}
	rep = verifyLines(t, lines)
	if !rep.OK || rep.Unanchored != 2 {
		t.Fatalf("intact trail without anchor: %+v", rep)
	}
	// Read gives back a log that continues the chain.
	back, err := Read(strings.NewReader(strings.Join(lines, "\n") + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if back.Head() != l.Head() || back.CheckpointEvery() != 4 {
		t.Fatalf("Read: head %v, want %v", back.Head(), l.Head())
	}
}

func setField(t *testing.T, line, field string, v any) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatal(err)
	}
	m[field] = v
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Rule R29, R31: every single-field edit of every event is detected and
// reported at that event.
func TestSingleFieldEditDetected(t *testing.T) {
	_, lines := fixture(t)
	other := strings.Repeat("ab", 32)
	edits := map[string]any{
		"seq":     int64(77),
		"kind":    string(ResultCorrected),
		"actor":   "某人",
		"time":    t0.Add(-time.Minute).Format(time.RFC3339),
		"subject": "T-2026-999",
		"data":    map[string]string{"step": "x"},
		"prev":    other,
		"hash":    other,
	}
	fields := []string{"seq", "kind", "actor", "time", "subject", "data", "prev", "hash"}
	for idx, pos := range eventLines(lines) {
		for _, f := range fields {
			t.Run(fmt.Sprintf("event%d/%s", idx, f), func(t *testing.T) {
				mod := append([]string(nil), lines...)
				mod[pos] = setField(t, mod[pos], f, edits[f])
				rep := verifyLines(t, mod)
				if rep.OK || rep.Problem.Kind != Edited || rep.Problem.Index != idx || rep.Problem.Line != pos+1 {
					t.Fatalf("edit of %s in event %d: %+v", f, idx, rep.Problem)
				}
			})
		}
	}
}

// An attacker who edits an event and recomputes its hash is caught at the
// next event's link (or, for the last event, by the external anchor).
func TestEditRehashDetected(t *testing.T) {
	l, lines := fixture(t)
	evs := l.Events()
	for idx, pos := range eventLines(lines) {
		e := evs[idx]
		e.Actor = "冒名顶替"
		h, err := e.ComputeHash()
		if err != nil {
			t.Fatal(err)
		}
		e.Hash = h
		mod := append([]string(nil), lines...)
		mod[pos] = strings.TrimSuffix(string(mustLine(eventLine{Type: "event", Event: e})), "\n")
		rep := verifyLines(t, mod, l.Head())
		if rep.OK {
			t.Fatalf("rehashed edit of event %d not detected", idx)
		}
		want := Edited
		switch {
		case idx == 3 || idx == 7: // the following checkpoint catches it first
			want = CheckpointMismatch
		case idx == 9:
			want = AnchorMismatch
		}
		if rep.Problem.Kind != want {
			t.Fatalf("rehashed edit of event %d: %+v, want kind %s", idx, rep.Problem, want)
		}
		if want == Edited && (rep.Problem.Index != idx || rep.Problem.Line != pos+1) {
			t.Fatalf("rehashed edit of event %d reported at %+v", idx, rep.Problem)
		}
	}
}

func TestDeletionDetected(t *testing.T) {
	l, lines := fixture(t)
	for idx, pos := range eventLines(lines) {
		mod := append(append([]string(nil), lines[:pos]...), lines[pos+1:]...)
		rep := verifyLines(t, mod, l.Head())
		want := Deleted
		if idx == 9 {
			want = AnchorMismatch // only the anchor knows about the tail
		}
		if rep.OK || rep.Problem.Kind != want || (want == Deleted && rep.Problem.Seq != int64(idx)) {
			t.Fatalf("deletion of event %d: %+v", idx, rep.Problem)
		}
	}
	// Deleting a checkpoint line.
	mod := append(append([]string(nil), lines[:5]...), lines[6:]...)
	if rep := verifyLines(t, mod); rep.OK || rep.Problem.Kind != CheckpointMissing {
		t.Fatalf("deleted checkpoint: %+v", rep.Problem)
	}
	// Cutting the tail including the checkpoint line is caught by an anchor only.
	mod = lines[:11]
	if rep := verifyLines(t, mod, l.Head()); rep.OK || rep.Problem.Kind != AnchorMismatch {
		t.Fatalf("cut tail: %+v", rep.Problem)
	}
}

func TestInsertionDetected(t *testing.T) {
	l, lines := fixture(t)
	evs := l.Events()
	for idx, pos := range eventLines(lines) {
		forged := evs[idx]
		forged.Actor = "伪造者"
		forged.Data = map[string]string{"forged": "1"}
		h, err := forged.ComputeHash()
		if err != nil {
			t.Fatal(err)
		}
		for _, rehash := range []bool{false, true} {
			f := forged
			if rehash {
				f.Hash = h
			}
			line := strings.TrimSuffix(string(mustLine(eventLine{Type: "event", Event: f})), "\n")
			mod := append(append(append([]string(nil), lines[:pos]...), line), lines[pos:]...)
			rep := verifyLines(t, mod)
			if rep.OK || rep.Problem.Kind != Inserted || rep.Problem.Index != idx || rep.Problem.Line != pos+1 {
				t.Fatalf("insertion before event %d (rehash %v): %+v", idx, rehash, rep.Problem)
			}
		}
		// Replaying an earlier line.
		if idx > 0 {
			prevPos := eventLines(lines)[idx-1]
			mod := append(append(append([]string(nil), lines[:pos+1]...), lines[prevPos]), lines[pos+1:]...)
			rep := verifyLines(t, mod)
			if rep.OK || rep.Problem.Kind != Inserted {
				t.Fatalf("replay of event %d after event %d: %+v", idx-1, idx, rep.Problem)
			}
		}
	}
	// A second checkpoint line.
	mod := append(append([]string(nil), lines[:6]...), lines[5:]...)
	if rep := verifyLines(t, mod); rep.OK || rep.Problem.Kind != Inserted {
		t.Fatalf("duplicated checkpoint: %+v", rep.Problem)
	}
}

func TestSwapDetected(t *testing.T) {
	l, lines := fixture(t)
	ev := eventLines(lines)
	for k := 0; k+1 < len(ev); k++ {
		mod := append([]string(nil), lines...)
		mod[ev[k]], mod[ev[k+1]] = mod[ev[k+1]], mod[ev[k]]
		rep := verifyLines(t, mod, l.Head())
		if rep.OK || rep.Problem.Kind != Reordered || rep.Problem.Index != k {
			t.Fatalf("swap of events %d and %d: %+v", k, k+1, rep.Problem)
		}
	}
	// Non-adjacent swaps, also across checkpoints.
	for _, pair := range [][2]int{{1, 8}, {0, 9}, {2, 5}} {
		mod := append([]string(nil), lines...)
		mod[ev[pair[0]]], mod[ev[pair[1]]] = mod[ev[pair[1]]], mod[ev[pair[0]]]
		rep := verifyLines(t, mod, l.Head())
		if rep.OK || rep.Problem.Kind != Reordered || rep.Problem.Index != pair[0] {
			t.Fatalf("swap of events %d and %d: %+v", pair[0], pair[1], rep.Problem)
		}
	}
	// Swapping an event with the checkpoint line after it.
	mod := append([]string(nil), lines...)
	mod[4], mod[5] = mod[5], mod[4]
	if rep := verifyLines(t, mod); rep.OK || rep.Problem.Kind != Reordered {
		t.Fatalf("event/checkpoint swap: %+v", rep.Problem)
	}
}

func TestCheckpointAndAnchor(t *testing.T) {
	l, lines := fixture(t)
	other := strings.Repeat("cd", 32)
	mod := append([]string(nil), lines...)
	mod[5] = setField(t, mod[5], "root", other)
	if rep := verifyLines(t, mod); rep.OK || rep.Problem.Kind != CheckpointMismatch || rep.Problem.Line != 6 {
		t.Fatalf("edited checkpoint root: %+v", rep.Problem)
	}
	mod = append([]string(nil), lines...)
	mod[5] = setField(t, mod[5], "size", 5)
	if rep := verifyLines(t, mod); rep.OK || rep.Problem.Kind != CheckpointMismatch {
		t.Fatalf("edited checkpoint size: %+v", rep.Problem)
	}
	if rep := verifyLines(t, lines, Checkpoint{Size: 4, Root: other}); rep.OK || rep.Problem.Kind != AnchorMismatch {
		t.Fatalf("wrong anchor: %+v", rep.Problem)
	}
	h := l.Head()
	c, err := ParseCheckpoint(h.String())
	if err != nil || c != h {
		t.Fatalf("ParseCheckpoint(%q) = %v, %v", h.String(), c, err)
	}
	for _, bad := range []string{"", "4", "x:" + other, "-1:" + other, "4:" + other[:10], "04:" + other} {
		if _, err := ParseCheckpoint(bad); err == nil {
			t.Errorf("ParseCheckpoint(%q) accepted", bad)
		}
	}
}

func TestMalformed(t *testing.T) {
	_, lines := fixture(t)
	cases := map[string][]string{
		"empty file":     {},
		"no header":      lines[1:],
		"bad format":     append([]string{`{"type":"header","format":"x","checkpoint_every":4}`}, lines[1:]...),
		"zero interval":  append([]string{`{"type":"header","format":"ssj-trail/1","checkpoint_every":0}`}, lines[1:]...),
		"unknown member": append(append([]string(nil), lines[:2]...), setField(t, lines[2], "extra", 1)),
		"unknown type":   append(append([]string(nil), lines...), `{"type":"note"}`),
		"not json":       append(append([]string(nil), lines...), `{`),
		"bad hash hex":   append(append([]string(nil), lines[:2]...), setField(t, lines[2], "hash", "XYZ")),
		"empty line":     append(append([]string(nil), lines...), ``),
	}
	// A self-consistent first event with a negative seq.
	neg := Event{Seq: -1, Kind: TaskLaunched, Actor: "a", Time: t0, Prev: ZeroHash}
	neg.Hash, _ = neg.ComputeHash()
	cases["negative seq"] = []string{lines[0], strings.TrimSuffix(string(mustLine(eventLine{Type: "event", Event: neg})), "\n")}
	for name, ls := range cases {
		t.Run(name, func(t *testing.T) {
			var in string
			if len(ls) > 0 {
				in = strings.Join(ls, "\n") + "\n"
			}
			rep, err := Verify(strings.NewReader(in), VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK || rep.Problem.Kind != Malformed {
				t.Fatalf("%s: %+v", name, rep.Problem)
			}
			if _, err := Read(strings.NewReader(in)); err == nil {
				t.Fatalf("%s: Read accepted it", name)
			} else {
				var p *Problem
				if !errors.As(err, &p) {
					t.Fatalf("%s: Read error %v is not a *Problem", name, err)
				}
			}
		})
	}
}

func TestAppendRefusesBadEntries(t *testing.T) {
	l, _ := New(0)
	if l.CheckpointEvery() != DefaultCheckpointEvery {
		t.Fatalf("default interval %d", l.CheckpointEvery())
	}
	if _, err := New(-1); err == nil {
		t.Fatal("New(-1) accepted")
	}
	bad := []Entry{
		{Kind: "nonsense", Actor: "a", Time: t0},
		{Kind: TaskLaunched, Actor: " ", Time: t0},
		{Kind: TaskLaunched, Actor: "a"},
	}
	for _, en := range bad {
		if _, _, err := l.Append(en); !errors.Is(err, ErrEntry) {
			t.Errorf("Append(%+v) = %v, want ErrEntry", en, err)
		}
	}
	if l.Len() != 0 {
		t.Fatalf("refused entries were appended: %d", l.Len())
	}
}

func TestTimeZoneDoesNotMatter(t *testing.T) {
	l, _ := New(2)
	cst := time.FixedZone("CST", 8*3600)
	e, _, err := l.Append(Entry{Kind: TaskLaunched, Actor: "a", Time: t0.In(cst)})
	if err != nil {
		t.Fatal(err)
	}
	if e.Time.Location() != time.UTC {
		t.Fatalf("time not stored in UTC: %v", e.Time)
	}
}

func FuzzVerify(f *testing.F) {
	_, lines := fixture(f)
	f.Add(strings.Join(lines, "\n") + "\n")
	f.Add(strings.Join(lines[:3], "\n"))
	_, evLines, _ := evidenceTrail(f) // Rule R24: an event with evidence.
	f.Add(strings.Join(evLines, "\n") + "\n")
	f.Add(`{"type":"header","format":"ssj-trail/1","checkpoint_every":1}` + "\n" + `{"type":"checkpoint","size":0,"root":"` + strings.Repeat("0", 64) + `"}`)
	f.Fuzz(func(t *testing.T, in string) {
		rep, err := Verify(strings.NewReader(in), VerifyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.OK {
			// Whatever verifies must re-encode to a file that verifies with the same head.
			l, err := Read(strings.NewReader(in))
			if err != nil {
				t.Fatalf("Verify OK but Read failed: %v", err)
			}
			rep2, err := Verify(bytes.NewReader(l.MarshalJSONL()), VerifyOptions{Anchors: []Checkpoint{rep.Head}})
			if err != nil || !rep2.OK || rep2.Head != rep.Head {
				t.Fatalf("re-encoded trail: %+v %v", rep2, err)
			}
		} else if rep.Problem == nil {
			t.Fatal("not OK without a problem")
		}
	})
}

func BenchmarkAppend(b *testing.B) {
	l, _ := New(64)
	for i := 0; b.Loop(); i++ {
		if _, _, err := l.Append(Entry{Kind: ResultEntered, Actor: "a", Time: t0, Subject: "R", Data: map[string]string{"i": fmt.Sprint(i)}}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify1000(b *testing.B) {
	l, _ := New(64)
	for i := range 1000 {
		l.Append(Entry{Kind: ResultEntered, Actor: "a", Time: t0, Subject: "R", Data: map[string]string{"i": fmt.Sprint(i)}})
	}
	file := l.MarshalJSONL()
	for b.Loop() {
		if rep, err := Verify(bytes.NewReader(file), VerifyOptions{}); err != nil || !rep.OK {
			b.Fatal(rep.Problem, err)
		}
	}
}
