package host_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/suite"

	"github.com/shuangsuiji/ssj/adapters/host"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
)

// Faults (issue 11, point 5): the plugin dies, answers garbage, hangs, is
// of another version, or is not the binary the config names.
type faultSuite struct {
	suite.Suite
	ctx context.Context
}

func TestFaults(t *testing.T) {
	suite.Run(t, &faultSuite{ctx: context.Background()})
}

func ev(seq int64) office.Event {
	return office.Event{Seq: seq, Hash: fmt.Sprintf("h%d", seq), Body: []byte(fmt.Sprintf(`{"seq":%d}`, seq))}
}

func rowsN(n int) []office.Row {
	rows := make([]office.Row, n)
	for i := range rows {
		rows[i] = office.Row{Key: fmt.Sprintf("K%08d", i), Data: []byte(fmt.Sprintf(`{"id":"K%08d","name":"某某市场主体有限公司 %d","addr":"某省某市某区某路 %d 号"}`, i, i, i))}
	}
	return rows
}

// step writes one event and the objects of a step in one transaction.
func step(ctx context.Context, st office.Store, seq int64, objs ...office.Object) error {
	tx, err := st.Begin(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.AppendEvent(ctx, ev(seq)); err != nil {
		return err
	}
	for _, o := range objs {
		if err := tx.Put(ctx, o); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func obj(kind, id string, seq int64) office.Object {
	return office.Object{Kind: kind, ID: id, Rev: 1, EventSeq: seq, EventHash: ev(seq).Hash, Body: []byte(`{}`)}
}

// requireFresh checks that a new plugin process took over.
func (s *faultSuite) requireFresh(st *host.StoreClient, oldPid int) {
	s.Require().Equal(2, st.Starts(), "one fresh plugin process")
	s.Require().NotEqual(oldPid, st.Pid())
}

// Killed in the middle of a step: a clear error, no half step stored, and
// the next call starts a fresh plugin and succeeds.
func (s *faultSuite) TestKillMidStep() {
	r := s.Require()
	st := openFault(s.T())
	pid := st.Pid()
	err := step(s.ctx, st, 0, obj("task", "T1", 0), obj("kill", "K", 0))
	r.ErrorIs(err, office.ErrUnavailable)
	r.ErrorContains(err, `store plugin "fault": put kill "K" revision 1`)
	r.ErrorContains(err, "the next call starts a fresh plugin")

	tx, err := st.Begin(s.ctx, false)
	r.NoError(err)
	_, err = tx.LastEvent(s.ctx)
	r.ErrorIs(err, office.ErrNotFound, "no half step: the event of the killed step is not stored")
	_, err = tx.Get(s.ctx, "task", "T1")
	r.ErrorIs(err, office.ErrNotFound, "no half step: the object of the killed step is not stored")
	r.NoError(tx.Rollback())
	s.requireFresh(st, pid)
	r.NoError(step(s.ctx, st, 0, obj("task", "T1", 0)))
}

// Killed in the middle of a snapshot import: no partial snapshot.
func (s *faultSuite) TestKillMidImport() {
	r := s.Require()
	st := openFault(s.T())
	pid := st.Pid()
	rows := rowsN(100_000) // ~13 MB: more than ten messages
	imp := func(id string) error {
		tx, err := st.Begin(s.ctx, true)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if err := tx.AppendEvent(s.ctx, ev(0)); err != nil {
			return err
		}
		if err := tx.CreateSnapshot(s.ctx, office.Snapshot{ID: id, Pool: "targets", Count: int64(len(rows)), EventHash: ev(0).Hash}); err != nil {
			return err
		}
		if err := tx.PutRows(s.ctx, id, rows); err != nil {
			return err
		}
		return tx.Commit()
	}
	err := imp("kill-import-1")
	r.ErrorIs(err, office.ErrUnavailable)
	r.ErrorContains(err, `put rows of snapshot "kill-import-1"`)

	tx, err := st.Begin(s.ctx, false)
	r.NoError(err)
	defer tx.Rollback()
	_, err = tx.GetSnapshot(s.ctx, "kill-import-1")
	r.ErrorIs(err, office.ErrNotFound, "no partial snapshot")
	got, err := tx.Rows(s.ctx, "kill-import-1", "", 10)
	r.ErrorIs(err, office.ErrNotFound)
	r.Empty(got)
	s.requireFresh(st, pid)
	r.NoError(imp("ok"))
}

// Killed in the middle of streaming a snapshot's rows to the host: the
// call fails whole (no partial page reaches the caller).
func (s *faultSuite) TestKillMidRead() {
	r := s.Require()
	st := openFault(s.T())
	rows := rowsN(50_000)
	tx, err := st.Begin(s.ctx, true)
	r.NoError(err)
	r.NoError(tx.AppendEvent(s.ctx, ev(0)))
	r.NoError(tx.CreateSnapshot(s.ctx, office.Snapshot{ID: "kill-read-1", Pool: "targets", Count: int64(len(rows)), EventHash: ev(0).Hash}))
	r.NoError(tx.PutRows(s.ctx, "kill-read-1", rows))
	r.NoError(tx.Commit())
	pid := st.Pid()

	tx, err = st.Begin(s.ctx, false)
	r.NoError(err)
	got, err := tx.Rows(s.ctx, "kill-read-1", "", len(rows))
	r.ErrorIs(err, office.ErrUnavailable)
	r.ErrorContains(err, "stopped answering")
	r.Nil(got, "no partial snapshot")
	_, err = tx.Rows(s.ctx, "kill-read-1", "", 10)
	r.ErrorIs(err, office.ErrUnavailable, "the transaction is over")
	r.NoError(tx.Rollback())

	tx, err = st.Begin(s.ctx, false)
	r.NoError(err)
	defer tx.Rollback()
	s.requireFresh(st, pid)
	got, err = tx.Rows(s.ctx, "kill-read-1", "", 100) // one batch: the fault does not fire
	r.NoError(err)
	r.Equal(rows[:100], got)
}

// A plugin that answers garbage: a clear error, no panic, and the
// transaction is aborted.
func (s *faultSuite) TestGarbageAnswers() {
	r := s.Require()
	st := openFault(s.T(), "-fault", "garbage-answers")
	rows := rowsN(10)
	tx, err := st.Begin(s.ctx, true)
	r.NoError(err)
	r.NoError(tx.AppendEvent(s.ctx, ev(0)))
	r.NoError(tx.CreateSnapshot(s.ctx, office.Snapshot{ID: "s", Pool: "targets", Count: 10, EventHash: ev(0).Hash}))
	r.NoError(tx.PutRows(s.ctx, "s", rows))
	r.NoError(tx.Commit())

	for _, c := range []struct {
		name string
		call func(office.Tx) error
		want string
	}{
		{"get answered with rows", func(tx office.Tx) error { _, err := tx.Get(s.ctx, "task", "T"); return err }, "expected Object or Error"},
		{"rows out of order", func(tx office.Tx) error { _, err := tx.Rows(s.ctx, "s", "", 10); return err }, `row "K00000000" out of key order after "K00000001"`},
	} {
		tx, err := st.Begin(s.ctx, false)
		r.NoError(err)
		err = c.call(tx)
		r.ErrorIs(err, office.ErrUnavailable, c.name)
		r.ErrorContains(err, "the plugin's answer is garbage", c.name)
		r.ErrorContains(err, c.want, c.name)
		r.NoError(tx.Rollback())
	}
}

// A plugin that hangs past the context deadline: the call returns soon
// after the deadline with a clear error.
func (s *faultSuite) TestHangPastDeadline() {
	r := s.Require()
	st := openFault(s.T())
	tx, err := st.Begin(s.ctx, false)
	r.NoError(err)
	ctx, cancel := context.WithTimeout(s.ctx, 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = tx.Get(ctx, "hang", "H")
	r.Less(time.Since(start), 10*time.Second)
	r.ErrorIs(err, office.ErrUnavailable)
	r.ErrorIs(err, context.DeadlineExceeded)
	r.ErrorContains(err, "aborted")
	r.NoError(tx.Rollback())
	// The plugin itself still serves other transactions.
	r.NoError(step(s.ctx, st, 0, obj("task", "T", 0)))
}

// Plugins that never start properly: garbage instead of the handshake, or
// no handshake at all.
func (s *faultSuite) TestBadStarts() {
	r := s.Require()
	plugins(s.T())
	h := host.New(&host.Config{Source: "test", Plugins: []host.Plugin{
		{Name: "garbage", Kind: "store", Command: faultPlugin.path, SHA256: faultPlugin.sum, Args: []string{"-fault", "garbage-handshake"}},
		{Name: "hang", Kind: "store", Command: faultPlugin.path, SHA256: faultPlugin.sum, Args: []string{"-fault", "hang-start"}},
		{Name: "v2", Kind: "store", Command: faultPlugin.path, SHA256: faultPlugin.sum, Args: []string{"-mem", "-major", "2"}},
	}}, host.Options{Logger: testLogger(s.T()), StartTimeout: time.Second})
	_, err := h.OpenStore(s.ctx, "garbage", "")
	r.ErrorIs(err, office.ErrUnavailable)
	r.ErrorContains(err, "is not an ssj plugin")
	start := time.Now()
	_, err = h.OpenStore(s.ctx, "hang", "")
	r.Less(time.Since(start), 10*time.Second)
	r.ErrorIs(err, office.ErrUnavailable)
	r.ErrorContains(err, "did not answer the handshake within 1s")
	_, err = h.OpenStore(s.ctx, "v2", "")
	r.ErrorIs(err, host.ErrVersion)
	r.ErrorIs(err, office.ErrPrecondition)
	r.ErrorContains(err, "another protocol major version than this host's ssj.adapters.v1")
	_, err = h.OpenStore(s.ctx, "nope", "")
	r.ErrorIs(err, host.ErrConfig)
}

// A binary whose SHA-256 differs from the config's is never started.
func (s *faultSuite) TestWrongChecksumNeverStarted() {
	r := s.Require()
	dir := s.T().TempDir()
	marker := filepath.Join(dir, "started")
	script := filepath.Join(dir, "plugin.sh")
	r.NoError(os.WriteFile(script, []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755))
	sum, err := sha256File(script)
	r.NoError(err)
	wrong := strings.Repeat("0", 64)
	h := host.New(&host.Config{Source: "test", Plugins: []host.Plugin{
		{Name: "wrong", Kind: "store", Command: script, SHA256: wrong},
		{Name: "right", Kind: "store", Command: script, SHA256: sum},
	}}, host.Options{Logger: testLogger(s.T()), StartTimeout: 5 * time.Second})
	_, err = h.OpenStore(s.ctx, "wrong", "")
	r.ErrorIs(err, host.ErrChecksum)
	r.ErrorContains(err, "it was not started")
	r.NoFileExists(marker, "the binary with the wrong checksum ran")
	// The same binary with its right checksum does run (and then fails the
	// handshake, being a shell script): so the marker test can fail.
	_, err = h.OpenStore(s.ctx, "right", "")
	r.Error(err)
	r.False(errors.Is(err, host.ErrChecksum))
	r.FileExists(marker)
}

// Errors cross the boundary as the office's sentinels.
func (s *faultSuite) TestSentinelsCross() {
	r := s.Require()
	st := openFault(s.T())
	r.NoError(step(s.ctx, st, 0, obj("task", "T", 0)))
	err := step(s.ctx, st, 1, obj("task", "T", 1))
	r.ErrorIs(err, office.ErrConflict)
	var re *host.RemoteError
	r.ErrorAs(err, &re)
	r.Equal("fault", re.Plugin)
	r.Contains(re.Message, "latest is 1")
	tx, err := st.Begin(s.ctx, false)
	r.NoError(err)
	defer tx.Rollback()
	_, err = tx.Get(s.ctx, "task", "missing")
	r.ErrorIs(err, office.ErrNotFound)
	r.ErrorIs(tx.AppendEvent(s.ctx, ev(1)), office.ErrPrecondition)
	r.NoError(st.Close())
	_, err = st.Begin(s.ctx, false)
	r.ErrorIs(err, office.ErrUnavailable)
}

// A real office step killed half-way (the dispatch step dies at its first
// notice, after its announcement was sent): the demo fails with
// ErrUnavailable, nothing of the step is stored, and the auditor, on a
// fresh plugin, verifies the store whole.
func (s *faultSuite) TestKillMidOfficeStep() {
	r := s.Require()
	marker := filepath.Join(s.T().TempDir(), "killed")
	st := openFault(s.T(), "-kill-on-kind", office.KindNotice, "-kill-once", marker)
	o, clock, err := demo.New(st)
	r.NoError(err)
	_, err = demo.Run(s.ctx, o, clock, io.Discard)
	r.ErrorIs(err, office.ErrUnavailable)
	r.FileExists(marker, "the plugin died in the dispatch step")
	task, err := os.ReadFile(marker)
	r.NoError(err)
	taskID, _, _ := strings.Cut(string(task), "/")

	rep, err := office.Audit(s.ctx, st, office.AuditOptions{})
	r.NoError(err)
	r.True(rep.OK, "audit after the kill: %v", rep.Problem)
	r.Equal(2, st.Starts())
	tx, err := st.Begin(s.ctx, false)
	r.NoError(err)
	defer tx.Rollback()
	_, err = tx.Get(s.ctx, office.KindAnnouncement, taskID)
	r.ErrorIs(err, office.ErrNotFound, "the killed step's announcement was not stored")
	last, err := tx.LastEvent(s.ctx)
	r.NoError(err)
	r.Equal(int64(rep.Events-1), last.Seq)
	r.NotContains(string(last.Body), "announcement", "the trail ends before the killed step")
}

// The plugin's log lines reach the host's logger, filtered at the level
// the user set.
func (s *faultSuite) TestPluginLogsAtHostLevel() {
	r := s.Require()
	plugins(s.T())
	for _, c := range []struct {
		level string
		want  bool
	}{{"debug", true}, {"warn", false}} {
		var buf syncBuffer
		logger, err := host.NewLogger(&buf, c.level)
		r.NoError(err)
		h := host.New(&host.Config{Source: "test", Plugins: []host.Plugin{
			{Name: "mem", Kind: "store", Command: faultPlugin.path, SHA256: faultPlugin.sum, Args: []string{"-mem"}},
		}}, host.Options{Logger: logger})
		st, err := h.OpenStore(s.ctx, "mem", "")
		r.NoError(err)
		r.NoError(st.Close())
		// The plugin's own line ("store opened", logged in the plugin
		// process at debug level) arrives named after the plugin.
		r.Equal(c.want, strings.Contains(buf.String(), "ssj-plugin.mem") && strings.Contains(buf.String(), "store opened"), "level %s:\n%s", c.level, buf.String())
	}
	_, err := host.NewLogger(io.Discard, "loud")
	r.ErrorContains(err, `plugin log level "loud"`)
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// A host killed outright (SIGKILL, no Close) leaves no plugin running: the
// plugin sees that its parent is gone and exits.
func (s *faultSuite) TestHostKilledPluginExits() {
	r := s.Require()
	plugins(s.T())
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SSJ_HOST_HELPER="+faultPlugin.path, "SSJ_HOST_HELPER_SUM="+faultPlugin.sum)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	r.NoError(err)
	r.NoError(cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	r.NoError(err)
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	r.NoError(err)
	r.True(alive(pid), "the plugin runs while its host does")
	r.NoError(cmd.Process.Kill())
	_ = cmd.Wait() // killed: the error is expected
	r.Eventually(func() bool { return !alive(pid) }, 15*time.Second, 100*time.Millisecond, "plugin %d outlived its host", pid)
}

// alive: the process exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	// The state follows the command name in parentheses.
	rest := string(b[strings.LastIndexByte(string(b), ')')+1:])
	return !strings.HasPrefix(strings.TrimSpace(rest), "Z")
}
