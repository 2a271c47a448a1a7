package sqlitestore_test

import (
	"context"
	"path/filepath"
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
