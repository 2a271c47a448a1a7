package host

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/shuangsuiji/ssj/internal/jsonin"
)

// ErrConfig is wrapped by every problem LoadConfig and ParseConfig find.
var ErrConfig = errors.New("plugin config")

// Config is the plugin config file: the plugins a host may start. A JSON
// document:
//
//	{"plugins": [
//	  {"name": "sqlite", "kind": "store",
//	   "command": "/usr/local/libexec/ssj/ssj-store-sqlite",
//	   "sha256": "<64 hex digits of the binary's SHA-256>",
//	   "args": ["-path", "/var/lib/ssj/office.db"]}
//	]}
type Config struct {
	Plugins []Plugin `json:"plugins"`
	// Source is the file the config was read from (for messages).
	Source string `json:"-"`
}

// Plugin names one plugin binary.
type Plugin struct {
	// Name is how --store and the host refer to it: lower-case letters,
	// digits, '.', '_' and '-', starting with a letter or digit.
	Name string `json:"name"`
	// Kind is the plugin kind: "store" (Host.OpenStore), "beacon"
	// (Host.OpenBeacon) or "publisher" (Host.OpenPublisher).
	Kind string `json:"kind"`
	// Command is the absolute path of the plugin binary.
	Command string `json:"command"`
	// SHA256 is the hex SHA-256 of the binary; a binary whose checksum
	// differs is never started.
	SHA256 string `json:"sha256"`
	// Args are the binary's arguments.
	Args []string `json:"args,omitempty"`
}

// Kinds this build can run.
var kinds = map[string]bool{"store": true, "beacon": true, "publisher": true}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// kindList names the kinds for messages: "beacon" or "publisher" or "store".
func kindList() string {
	ks := make([]string, 0, len(kinds))
	for k := range kinds {
		ks = append(ks, strconv.Quote(k))
	}
	sort.Strings(ks)
	return strings.Join(ks, " or ")
}

// LoadConfig reads and checks a plugin config file.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return ParseConfig(b, path)
}

// ParseConfig parses and checks a plugin config; source names it in
// messages. Unknown fields, duplicate names, relative commands and
// malformed checksums are refused, and so are duplicate keys, a top-level
// null and data after the document (internal/jsonin; a leading UTF-8 BOM
// is accepted).
func ParseConfig(data []byte, source string) (*Config, error) {
	var c Config
	if err := jsonin.Decode(data, &c, jsonin.Options{}); err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrConfig, source, err)
	}
	c.Source = source
	seen := map[string]int{}
	for i, p := range c.Plugins {
		if !nameRE.MatchString(p.Name) {
			return nil, fmt.Errorf("%w %s: plugins[%d]: name %q: want lower-case letters, digits, '.', '_', '-' (at most 64)", ErrConfig, source, i, p.Name)
		}
		if j, dup := seen[p.Name]; dup {
			return nil, fmt.Errorf("%w %s: plugins[%d]: name %q: already used by plugins[%d]", ErrConfig, source, i, p.Name, j)
		}
		seen[p.Name] = i
		if !kinds[p.Kind] {
			return nil, fmt.Errorf("%w %s: plugins[%d] (%s): kind %q: this build runs %s plugins", ErrConfig, source, i, p.Name, p.Kind, kindList())
		}
		if !filepath.IsAbs(p.Command) {
			return nil, fmt.Errorf("%w %s: plugins[%d] (%s): command %q: must be an absolute path", ErrConfig, source, i, p.Name, p.Command)
		}
		if sum, err := hex.DecodeString(p.SHA256); err != nil || len(sum) != 32 {
			return nil, fmt.Errorf("%w %s: plugins[%d] (%s): sha256 %q: want 64 hex digits (sha256sum of the binary)", ErrConfig, source, i, p.Name, p.SHA256)
		}
	}
	return &c, nil
}

// Lookup returns the plugin of that name.
func (c *Config) Lookup(name string) (Plugin, bool) {
	if c == nil {
		return Plugin{}, false
	}
	for _, p := range c.Plugins {
		if p.Name == name {
			return p, true
		}
	}
	return Plugin{}, false
}
