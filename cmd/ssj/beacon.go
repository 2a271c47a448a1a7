package main

// --beacon (issue 11): the store-backed draw takes its drand evidence from
// a beacon plugin named in the plugin config file (adapters/host).

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/adapters/beacon"
	"github.com/shuangsuiji/ssj/adapters/host"
	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/office"
)

// beaconFlagOn defines --beacon.
func beaconFlagOn(fs *pflag.FlagSet) *string {
	return fs.String("beacon", "", "fetch the drand sources' evidence from the beacon plugin `NAME` of the plugin config (--plugins or $SSJ_PLUGINS); each value is verified against the pinned chain; --randomness then needs only the other sources' evidence")
}

// pluginLogger is the plugins' logger, for every plugin kind: --plugin-log,
// else $SSJ_PLUGIN_LOG, else warn, on os.Stderr (go-plugin's log pump
// writes from its own goroutine, while the command writes e.stderr).
func pluginLogger(e *env) (host.Options, error) {
	level := e.plugins.logLevel
	if level == "" {
		level = os.Getenv("SSJ_PLUGIN_LOG")
	}
	if level == "" {
		level = "warn"
	}
	logger, err := host.NewLogger(os.Stderr, level)
	return host.Options{Logger: logger}, err
}

// openBeacon starts the beacon plugin name of the plugin config.
func openBeacon(ctx context.Context, e *env, name string) (*host.BeaconClient, error) {
	cfg, err := pluginConfig(e)
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		return nil, fmt.Errorf("--beacon %s: needs a plugin config file naming the beacon plugin %q (--plugins FILE or $SSJ_PLUGINS)", name, name)
	}
	opt, err := pluginLogger(e)
	if err != nil {
		return nil, err
	}
	return host.New(cfg, opt).OpenBeacon(ctx, name, "")
}

// taskDrawEvidence is the evidence of ssj task draw: the --randomness
// file, the --beacon plugin's verified values for the drand sources of
// the committed manifest, or both (the file's drand entries must then be
// empty or equal to the beacon's). It prints its own message and returns
// an exit status when it fails (ok false).
func taskDrawEvidence(ctx context.Context, e *env, o *office.Office, taskID, file, beaconName string) (ev []draw.Evidence, code int, ok bool) {
	if file == "" && beaconName == "" {
		return nil, usageError(e, "task draw: give the revealed randomness: --randomness FILE, --beacon NAME, or both"), false
	}
	if file != "" {
		f, err := openDoc(file)
		if err != nil {
			return nil, inputError(e, fmt.Errorf("task draw: %w", err)), false
		}
		ev, err = draw.DecodeEvidence(f)
		f.Close()
		if err != nil {
			return nil, inputError(e, fmt.Errorf("task draw: %s: %w", file, err)), false
		}
	}
	if beaconName == "" {
		return ev, 0, true
	}
	what := "task draw " + taskID + ": --beacon " + beaconName
	m, err := o.Manifest(ctx, taskID)
	if err != nil {
		return nil, officeError(e, "task draw "+taskID, err), false
	}
	b, err := openBeacon(ctx, e, beaconName)
	if err != nil {
		if errors.Is(err, host.ErrConfig) || errors.Is(err, host.ErrChecksum) {
			return nil, inputError(e, fmt.Errorf("%s: %w", what, err)), false
		}
		return nil, officeError(e, what, err), false
	}
	defer b.Close()
	out, err := beacon.Evidence(ctx, b, m.Manifest.Sources, ev)
	if err != nil {
		if errors.Is(err, draw.ErrEvidenceMismatch) {
			if file != "" {
				what += " with --randomness " + file
			}
			return nil, officeError(e, what, fmt.Errorf("%w (%w)", err, office.ErrPrecondition)), false
		}
		return nil, officeError(e, what, err), false
	}
	return out, 0, true
}
