// Package adapters holds the I/O side of ssj: the plugins (插件) through
// which storage and randomness (and publication) integrations plug
// into the office, out of process, over hashicorp/go-plugin and gRPC.
// Domain packages never do I/O; adapters do.
//
//   - adapters/proto: the versioned protocol ssj.adapters.v1 (store.proto)
//     and its generated Go code (gen.sh regenerates it, check.sh compares);
//   - adapters/host: the host side: the plugin config file, starting
//     plugins (checksum, AutoMTLS, handshake, version negotiation),
//     StoreClient, an office.Store backed by a plugin, and BeaconClient,
//     a beacon.Beacon backed by a plugin;
//   - adapters/storeplugin: the plugin side: Serve turns an office.Store
//     into a plugin program;
//   - adapters/plugins/sqlite: office/sqlitestore as a plugin;
//   - adapters/beacon: the Beacon interface (fetch a declared randomness
//     source's value, e.g. drand quicknet round N), Check (verify it
//     against the pinned chain) and DrandHTTP (drand's HTTP API);
//   - adapters/beaconplugin: the plugin side: Serve turns a beacon.Beacon
//     into a plugin program;
//   - adapters/plugins/beacon-drand: DrandHTTP as a plugin;
//   - publishers (发布, issue 11): adapters/publisherplugin (the plugin
//     side of office.Publisher), host.PublisherClient (the host side),
//     adapters/publishers/gsxtfile (公示 columns and credit records as
//     CSV and XLSX files) and adapters/publishers/httppub (JSON POSTs
//     with an Idempotency-Key, timeouts, retries and backoff), run as
//     plugins by adapters/plugins/publisher-gsxt and publisher-http.
//
// examples/jsonstore is a third-party store plugin in one file.
package adapters
