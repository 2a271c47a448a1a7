// Package storeplugin turns an office.Store into a store plugin (存储插件):
// a program that adapters/host starts and talks to over gRPC
// (ssj.adapters.v1, adapters/proto/store.proto) through hashicorp/go-plugin.
// A plugin's main is a few lines:
//
//	func main() {
//		storeplugin.Serve("my store", func(ctx context.Context, req storeplugin.OpenRequest) (office.Store, error) {
//			return mystore.Open(ctx, req.Location)
//		})
//	}
//
// The store's errors must wrap office's sentinel errors (ErrNotFound,
// ErrConflict, ErrPrecondition, ErrUnavailable): they travel to the host
// as gRPC status codes and come out there as the same sentinels. Run the
// conformance suite office/storetest over the plugin (see
// adapters/plugins/sqlite and examples/jsonstore).
package storeplugin

import (
	"context"

	"github.com/shuangsuiji/ssj/adapters/internal/storeserver"
	"github.com/shuangsuiji/ssj/office"
)

// OpenRequest is what the opener receives: the plugin's arguments (from
// the host's config file) and the location the user named (e.g. the
// postgres:// URL given to ssj --store), which may be empty.
type OpenRequest = storeserver.OpenRequest

// OpenFunc opens the plugin's store. It is called when the host asks for
// the store, at most once per plugin process while the store is open; ctx
// ends when the opening call does, so the store must not keep it.
type OpenFunc func(ctx context.Context, req OpenRequest) (office.Store, error)

// Serve serves the store open returns to the host that started this
// process, and returns only when the host stops it. implementation names
// the store in the host's logs. Serve refuses a host of another protocol
// major version. A program run by hand (not by a host) prints a message
// and exits with status 1.
func Serve(implementation string, open OpenFunc) {
	storeserver.Serve(storeserver.Config{Open: open, Implementation: implementation})
}
