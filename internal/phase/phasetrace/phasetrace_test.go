package phasetrace

import (
	"context"
	"errors"
	"runtime/trace"
	"sync"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/internal/phase"
)

func TestRecord(t *testing.T) {
	want := errors.New("f's error")
	spans, err := Record(func() error {
		var ph phase.Phases
		ph.Next("a")
		time.Sleep(20 * time.Millisecond)
		ph.Next("b")
		var wg sync.WaitGroup
		wg.Go(func() { trace.WithRegion(context.Background(), "c", func() { time.Sleep(5 * time.Millisecond) }) })
		wg.Wait()
		ph.Next("a")
		time.Sleep(10 * time.Millisecond)
		ph.End()
		return want
	})
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want f's error", err)
	}
	names := Names(spans)
	if len(spans) != 3 || names[0] != "a" || names[1] != "b" || names[2] != "c" {
		t.Fatalf("spans %v, want a, b, c in order", names)
	}
	if a := spans[0]; a.Count != 2 || a.Dur < 30*time.Millisecond {
		t.Errorf("a: %d regions, %v; want 2 regions, at least 30ms (slept 20+10ms)", a.Count, a.Dur)
	}
	if b, c := spans[1], spans[2]; b.Count != 1 || c.Count != 1 || b.Dur < c.Dur || c.Dur < 5*time.Millisecond {
		t.Errorf("b %v, c %v: want one each, b (which waited for c) at least c, c at least 5ms", b, c)
	}
}

func TestRecordWhileTracing(t *testing.T) {
	if _, err := Record(func() error {
		_, err := Record(func() error { return nil })
		return err
	}); !errors.Is(err, ErrTracing) {
		t.Fatalf("nested Record: err = %v, want ErrTracing", err)
	}
}
