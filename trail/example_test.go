package trail_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/shuangsuiji/ssj/trail"
)

// Record two steps of a task, then verify the file and show what an edit
// looks like to the verifier.
func Example() {
	l, _ := trail.New(2)
	var file bytes.Buffer
	file.Write(l.HeaderLine())
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for _, k := range []trail.Kind{trail.TaskLaunched, trail.TargetsDrawn} {
		_, lines, err := l.Append(trail.Entry{Kind: k, Actor: "治安大队", Time: at, Subject: "T-2026-001"})
		if err != nil {
			fmt.Println(err)
			return
		}
		file.Write(lines)
	}
	rep, _ := trail.Verify(bytes.NewReader(file.Bytes()), trail.VerifyOptions{Anchors: []trail.Checkpoint{l.Head()}})
	fmt.Println("ok:", rep.OK, "events:", rep.Events, "checkpoints:", rep.Checkpoints)

	tampered := bytes.Replace(file.Bytes(), []byte("targets.drawn"), []byte("task.assigned"), 1)
	rep, _ = trail.Verify(bytes.NewReader(tampered), trail.VerifyOptions{})
	fmt.Println("ok:", rep.OK, "problem:", rep.Problem.Kind, "line", rep.Problem.Line, "event", rep.Problem.Index)
	// Output:
	// ok: true events: 2 checkpoints: 1
	// ok: false problem: edited line 3 event 1
}
