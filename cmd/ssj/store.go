package main

// --store routing (issue 11): a SQLite file in process, or a store plugin
// named in the plugin config file (adapters/host).

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/adapters/host"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/sqlitestore"
)

// pluginFlagsOn defines --plugins and --plugin-log next to --store, bound
// to the run's env (e.plugins), so that runs share no state.
func pluginFlagsOn(e *env, fs *pflag.FlagSet) {
	fs.StringVar(&e.plugins.config, "plugins", "", "the plugin config `FILE` naming the plugins for --store and --beacon (default: $SSJ_PLUGINS)")
	fs.StringVar(&e.plugins.logLevel, "plugin-log", "", "plugin log `LEVEL` on stderr: trace, debug, info, warn, error, off (default: $SSJ_PLUGIN_LOG, else warn)")
}

// storeTarget is what a --store value names: a SQLite file (Path) or a
// plugin of the config file (Plugin, with Location handed to it).
type storeTarget struct {
	Path     string
	Plugin   string
	Location string
	// Postgres is a postgres:// URL opened in process (no plugin named
	// "postgres" in the config).
	Postgres string
}

// pgPlugin is the config name of the PostgreSQL store plugin that
// postgres:// and postgresql:// URLs go to.
const pgPlugin = "postgres"

// resolveStore is the one place that reads a --store value:
//
//	sqlite:PATH or PATH          the SQLite file, in process
//	postgres://… postgresql://…  the plugin named "postgres", given the URL
//	plugin:NAME                  the plugin NAME
//	NAME                         the plugin NAME, when the config has it
//
// cfg is the plugin config (nil when none is set).
func resolveStore(url string, cfg *host.Config) (storeTarget, error) {
	url = storeURL(url)
	switch {
	case url == "":
		return storeTarget{}, errors.New("--store is empty")
	case strings.HasPrefix(url, "sqlite:"):
		p := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//")
		if p == "" {
			return storeTarget{}, fmt.Errorf("--store %q: the path after sqlite: is empty", url)
		}
		return storeTarget{Path: p}, nil
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		// Through the "postgres" store plugin when the config names one,
		// else in process (office/pgstore).
		if cfg != nil {
			if _, ok := cfg.Lookup(pgPlugin); ok {
				return storeTarget{Plugin: pgPlugin, Location: url}, nil
			}
		}
		return storeTarget{Postgres: url}, nil
	case strings.HasPrefix(url, "plugin:"):
		return pluginTarget(url, strings.TrimPrefix(url, "plugin:"), "", cfg)
	case strings.Contains(url, "://"):
		return storeTarget{}, fmt.Errorf("--store %q: unknown scheme: want a SQLite path, sqlite:PATH, postgres://…, plugin:NAME or a plugin name from --plugins", url)
	}
	if _, ok := cfg.Lookup(url); ok {
		return storeTarget{Plugin: url}, nil
	}
	return storeTarget{Path: url}, nil
}

func pluginTarget(url, name, location string, cfg *host.Config) (storeTarget, error) {
	if cfg == nil {
		return storeTarget{}, fmt.Errorf("--store %s: needs the store plugin %q from a plugin config file (--plugins FILE or $SSJ_PLUGINS)", redact(url), name)
	}
	if _, ok := cfg.Lookup(name); !ok {
		return storeTarget{}, fmt.Errorf("--store %s: the plugin config %s names no plugin %q", redact(url), cfg.Source, name)
	}
	return storeTarget{Plugin: name, Location: location}, nil
}

// redact hides a URL's password in messages.
func redact(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return url
	}
	cred, host, ok := strings.Cut(rest, "@")
	if !ok {
		return url
	}
	if user, _, hasPass := strings.Cut(cred, ":"); hasPass {
		return scheme + "://" + user + ":***@" + host
	}
	return url
}

// pluginConfig loads the plugin config file of --plugins or
// $SSJ_PLUGINS; nil when neither is set.
func pluginConfig(e *env) (*host.Config, error) {
	path := e.plugins.config
	if path == "" {
		path = os.Getenv("SSJ_PLUGINS")
	}
	if path == "" {
		return nil, nil
	}
	return host.LoadConfig(path)
}

// openedStore is a store a command works on, with a name for messages.
type openedStore interface {
	office.Store
	Path() string
}

// pluginStore is a store plugin's client named for messages.
type pluginStore struct {
	*host.StoreClient
	name string
}

func (p pluginStore) Path() string { return p.name }

// openTarget opens what resolveStore found; a SQLite file must exist
// unless create is set.
func openTarget(e *env, t storeTarget, create bool) (openedStore, error) {
	ctx := context.Background()
	if t.Postgres != "" {
		return openPostgres(ctx, t.Postgres, create)
	}
	if t.Plugin == "" {
		if !create {
			if _, err := os.Stat(t.Path); err != nil {
				return nil, fmt.Errorf("--store %s: %w", t.Path, err)
			}
		}
		return sqlitestore.Open(ctx, t.Path, sqlitestore.Options{})
	}
	cfg, err := pluginConfig(e)
	if err != nil {
		return nil, err
	}
	opt, err := pluginLogger(e)
	if err != nil {
		return nil, err
	}
	st, err := host.New(cfg, opt).OpenStore(ctx, t.Plugin, t.Location)
	if err != nil {
		return nil, err
	}
	name := "plugin " + t.Plugin
	if t.Location != "" {
		name += " " + redact(t.Location)
	}
	return pluginStore{st, name}, nil
}
