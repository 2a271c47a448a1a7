package host_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/shuangsuiji/ssj/adapters/host"
	"github.com/shuangsuiji/ssj/office"
)

// An agency system opens the store plugin its config file names and uses
// it as any office.Store (here: the last trail event). Not run: it needs
// a plugin binary and its config.
func ExampleHost_OpenStore() {
	cfg, err := host.LoadConfig("/etc/ssj/plugins.json")
	if err != nil {
		log.Fatal(err)
	}
	logger, err := host.NewLogger(os.Stderr, "warn")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	st, err := host.New(cfg, host.Options{Logger: logger}).OpenStore(ctx, "postgres", "postgres://ssj@127.0.0.1:5432/ssj")
	if err != nil {
		log.Fatal(err) // e.g. host.ErrChecksum: the binary was not started
	}
	defer st.Close()
	var store office.Store = st // office.New(office.Config{Store: store, …})
	tx, err := store.Begin(ctx, false)
	if err != nil {
		log.Fatal(err)
	}
	defer tx.Rollback()
	last, err := tx.LastEvent(ctx)
	switch {
	case errors.Is(err, office.ErrNotFound): // the same sentinel as in process
		fmt.Println("empty trail")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println("last event", last.Seq)
	}
}
