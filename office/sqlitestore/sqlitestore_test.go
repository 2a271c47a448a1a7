package sqlitestore_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/sqlitestore"
	"github.com/shuangsuiji/ssj/office/storetest"
)

func TestConformance(t *testing.T) {
	opt := storetest.Options{}
	if raceEnabled || testing.Short() {
		opt.BigRows = 3000 // SQLite under -race does ~16k rows/s
	}
	storetest.Run(t, func(t *testing.T) func() (office.Store, error) {
		path := filepath.Join(t.TempDir(), "ssj.db")
		return func() (office.Store, error) {
			return sqlitestore.Open(context.Background(), path, sqlitestore.Options{})
		}
	}, opt)
}

// A store written by a newer program (a higher schema version) is refused
// instead of being used with a schema this program does not know.
func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ssj.db")
	st, err := sqlitestore.Open(context.Background(), path, sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := st.SchemaVersion(context.Background())
	if err != nil || v != 1 {
		t.Fatalf("schema version %d, %v; want 1", v, err)
	}
	tx, err := st.Begin(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	st.Close()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations(version,name,applied_at) VALUES(99,'future','x')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = sqlitestore.Open(context.Background(), path, sqlitestore.Options{})
	if !errors.Is(err, office.ErrPrecondition) || !strings.Contains(err.Error(), "schema version 99") {
		t.Fatalf("open of a newer store: %v", err)
	}
}

// Foreign keys are on: a row of a snapshot that does not exist is refused
// when the transaction commits.
func TestForeignKeysOn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ssj.db")
	st, err := sqlitestore.Open(context.Background(), path, sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tx, err := st.Begin(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	err = tx.Put(context.Background(), office.Object{Kind: "k", ID: "i", Rev: 1, EventSeq: 5, EventHash: "h", Body: []byte("{}")})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); !errors.Is(err, office.ErrConflict) {
		t.Fatalf("commit of an object naming a missing event: %v, want ErrConflict (foreign key)", err)
	}
}
