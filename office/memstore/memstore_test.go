package memstore_test

import (
	"testing"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/memstore"
	"github.com/shuangsuiji/ssj/office/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) func() (office.Store, error) {
		db := memstore.NewDB()
		return func() (office.Store, error) { return memstore.Open(db), nil }
	}, storetest.Options{})
}
