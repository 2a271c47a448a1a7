// Command faultplugin is a store plugin for the host's tests and
// benchmarks: a SQLite (-path) or in-memory (-mem) store with faults.
//
// Always on, keyed by names the tests choose:
//   - Put of an object of kind "kill": the process kills itself (SIGKILL)
//     in the middle of the step;
//   - the second PutRows message of a snapshot whose ID starts with
//     "kill-import": the process kills itself mid-import;
//   - a Rows answer of a snapshot whose ID starts with "kill-read": the
//     process kills itself after the first batch;
//   - Get of kind "hang": never answers, ignoring the deadline;
//   - with -kill-on-kind K -kill-once FILE: the first Put of kind K kills
//     the process, once (FILE records that it happened), so that a real
//     office step dies half-way and the next plugin process works.
//
// -fault selects a fault of the whole process: "garbage-handshake" (prints
// garbage instead of the handshake), "hang-start" (never starts),
// "garbage-answers" (answers a Get with rows, and Rows out of order).
// -major serves another protocol major version.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/shuangsuiji/ssj/adapters/internal/storeserver"
	"github.com/shuangsuiji/ssj/adapters/internal/wire"
	pb "github.com/shuangsuiji/ssj/adapters/proto/adaptersv1"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/memstore"
	"github.com/shuangsuiji/ssj/office/sqlitestore"
)

func main() {
	path := flag.String("path", "", "SQLite file")
	mem := flag.Bool("mem", false, "in-memory store")
	fault := flag.String("fault", "", "process-wide fault")
	major := flag.Int("major", 0, "protocol major version to serve")
	flag.StringVar(&killKind, "kill-on-kind", "", "kill at the first Put of this kind")
	flag.StringVar(&killOnce, "kill-once", "", "marker file: kill only when it does not exist yet")
	flag.Parse()
	switch *fault {
	case "garbage-handshake":
		fmt.Println("hello, I am not a plugin")
		time.Sleep(time.Minute)
		os.Exit(1)
	case "hang-start":
		time.Sleep(time.Hour)
	}
	cfg := storeserver.Config{
		Implementation: "faultplugin",
		Major:          *major,
		Open: func(ctx context.Context, req storeserver.OpenRequest) (office.Store, error) {
			if *mem {
				return faultStore{memstore.Open(memstore.NewDB())}, nil
			}
			st, err := sqlitestore.Open(ctx, *path, sqlitestore.Options{})
			if err != nil {
				return nil, err
			}
			return faultStore{st}, nil
		},
		Send: func(req *pb.TxRequest, resp *pb.TxResponse, send func(*pb.TxResponse) error) error {
			if *fault == "garbage-answers" {
				resp = garbage(req, resp)
			}
			if err := send(resp); err != nil {
				return err
			}
			if r := req.GetRows(); r != nil && resp.More && strings.HasPrefix(r.SnapshotId, "kill-read") {
				die()
			}
			return nil
		},
	}
	storeserver.Serve(cfg)
}

func die() {
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	time.Sleep(time.Hour)
}

func garbage(req *pb.TxRequest, resp *pb.TxResponse) *pb.TxResponse {
	switch {
	case req.GetGet() != nil:
		return &pb.TxResponse{Result: &pb.TxResponse_Rows{Rows: &pb.RowBatch{Packed: wire.AppendRow(nil, office.Row{Key: "x"})}}}
	case req.GetRows() != nil && resp.GetRows() != nil:
		rows, err := wire.UnpackRows(nil, resp.GetRows().Packed)
		if err != nil || len(rows) < 2 {
			return resp
		}
		rows[0], rows[1] = rows[1], rows[0]
		var b []byte
		for _, r := range rows {
			b = wire.AppendRow(b, r)
		}
		return &pb.TxResponse{More: resp.More, Result: &pb.TxResponse_Rows{Rows: &pb.RowBatch{Packed: b}}}
	}
	return resp
}

var killKind, killOnce string

type faultStore struct{ office.Store }

func (s faultStore) Begin(ctx context.Context, writable bool) (office.Tx, error) {
	tx, err := s.Store.Begin(ctx, writable)
	if err != nil {
		return nil, err
	}
	return &faultTx{Tx: tx, puts: map[string]int{}}, nil
}

type faultTx struct {
	office.Tx
	puts map[string]int
}

func (t *faultTx) Put(ctx context.Context, o office.Object) error {
	if o.Kind == "kill" {
		die()
	}
	if killKind != "" && o.Kind == killKind {
		if _, err := os.Stat(killOnce); os.IsNotExist(err) {
			if err := os.WriteFile(killOnce, []byte(o.ID), 0o600); err != nil {
				return err
			}
			die()
		}
	}
	return t.Tx.Put(ctx, o)
}

func (t *faultTx) Get(ctx context.Context, kind, id string) (office.Object, error) {
	if kind == "hang" {
		time.Sleep(time.Hour)
	}
	return t.Tx.Get(ctx, kind, id)
}

func (t *faultTx) PutRows(ctx context.Context, id string, rows []office.Row) error {
	if t.puts[id]++; t.puts[id] == 2 && strings.HasPrefix(id, "kill-import") {
		die()
	}
	return t.Tx.PutRows(ctx, id, rows)
}
