// Package adapters holds the I/O side of ssj: the go-plugin protocol through
// which a host loads storage, randomness and publication plugins (插件), and the
// reference plugins. Domain packages never do I/O; adapters do.
package adapters
