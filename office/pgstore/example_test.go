package pgstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/pgstore"
	"github.com/shuangsuiji/ssj/workday"
)

// An agency system keeps the office's state in PostgreSQL: open the
// store (migrations run on first use), build the office on it, take the
// steps, audit. The URL's search_path names the schema.
func ExampleOpen() {
	ctx := context.Background()
	st, err := pgstore.Open(ctx, os.Getenv("SSJ_STORE"), pgstore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	cal, err := workday.Default()
	if err != nil {
		log.Fatal(err)
	}
	o, err := office.New(office.Config{Store: st, Clock: office.ClockFunc(time.Now), Calendar: cal})
	if err != nil {
		log.Fatal(err)
	}
	_ = o // o.ImportSnapshot, o.LaunchTask, ...
	rep, err := office.Audit(ctx, st, office.AuditOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st, "verified:", rep.OK)
}
