package draw

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/shuangsuiji/ssj/registry"
)

// ErrMismatch is matched (errors.Is) by every *VerifyError: the record
// differs from its recomputation.
var ErrMismatch = errors.New("draw: record differs from its recomputation")

// VerifyError is the first difference Verify found. Path locates the value
// in the record's JSON, e.g. "selected[3].rank" or "strata[0].quota";
// Record is the published value and Recomputed the value recomputed from
// the manifest, the evidence and the pools. Err, when set, is the cause
// (ErrPoolMismatch, a randomness error...). Retrieve it with errors.As.
type VerifyError struct {
	Path       string
	Record     string
	Recomputed string
	Err        error
}

// Error names the path and both values, or the path and the cause.
func (e *VerifyError) Error() string {
	if e.Record == "" && e.Recomputed == "" && e.Err != nil {
		return fmt.Sprintf("draw: verify: %s: %v", e.Path, e.Err)
	}
	return fmt.Sprintf("draw: verify: %s: record has %s, recomputed %s", e.Path, e.Record, e.Recomputed)
}

// Unwrap returns the cause and ErrMismatch, so errors.Is matches both.
func (e *VerifyError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrMismatch, e.Err}
	}
	return []error{ErrMismatch}
}

// Verify recomputes rec from its manifest, its evidence and the pools
// (targets: the registry or only the units in scope, in any order; pools:
// the inspector pools, nil when the manifest matches no inspectors) and
// returns nil when everything agrees. Otherwise it returns the first
// difference as a *VerifyError, in this order: the manifest hash, the
// manifest's validity, the pool commitments, the randomness, then every
// field of the record in its JSON order (R, K, counts, strata, selected,
// batches, groups), the replacements replayed in order (rule R18) and the
// lock's record hash (rule R16).
func Verify(rec *Record, targets []registry.Target, pools *InspectorPools) error {
	if rec.Format != RecordFormat {
		return &VerifyError{Path: "format", Record: strconv.Quote(rec.Format), Recomputed: strconv.Quote(RecordFormat)}
	}
	m := rec.Manifest
	mh, err := m.HashHex()
	if err != nil {
		return &VerifyError{Path: "manifest", Err: err}
	}
	if mh != rec.ManifestHash {
		return &VerifyError{Path: "manifest_hash", Record: rec.ManifestHash, Recomputed: mh}
	}
	if err := m.Validate(); err != nil {
		return &VerifyError{Path: "manifest", Err: err}
	}
	return verifyRecord(rec, &m, pools, func() (Record, error) {
		scope := m.scopeUnits(targets)
		if err := checkPoolCommitments(&m, scope, pools); err != nil {
			var ve *VerifyError
			if errors.As(err, &ve) {
				return Record{}, ve
			}
			return Record{}, &VerifyError{Path: "manifest.inspectors", Err: err}
		}
		got, err := run(&m, rec.Evidence, targets, pools, false)
		if err != nil {
			return Record{}, runVerifyError(err)
		}
		return got, nil
	})
}

// runVerifyError is the VerifyError of a failed recomputation.
func runVerifyError(err error) *VerifyError {
	path := "record"
	if errors.Is(err, ErrBadSource) || errors.Is(err, ErrBadBeacon) || errors.Is(err, ErrBadReveal) ||
		errors.Is(err, ErrEvidenceMismatch) || errors.Is(err, ErrSourceBeforeCommit) {
		path = "evidence"
	}
	return &VerifyError{Path: path, Err: err}
}

// verifyRecord finishes Verify and VerifyPool once the manifest is known
// valid: recompute returns the recomputed record or the first difference
// (a *VerifyError); then every field, the replacements and the lock are
// compared.
func verifyRecord(rec *Record, m *Manifest, pools *InspectorPools, recompute func() (Record, error)) error {
	got, err := recompute()
	if err != nil {
		return err
	}
	got.Replacements = rec.Replacements
	got.Lock = rec.Lock
	if d := firstDiff("", reflect.ValueOf(rec).Elem(), reflect.ValueOf(&got).Elem()); d != nil {
		return d
	}
	if len(rec.Replacements) > 0 {
		if m.Inspectors == nil {
			return &VerifyError{Path: "replacements", Record: fmt.Sprintf("%d replacements", len(rec.Replacements)), Recomputed: "none (the manifest matches no inspectors)"}
		}
		k, err := parseKey(rec.K)
		if err != nil {
			return &VerifyError{Path: "k", Err: err}
		}
		labels := make([]string, len(rec.Selected))
		for i, s := range rec.Selected {
			labels[i] = s.Target
		}
		if err := VerifyMatching(k, labels, pools.Home, pools.Fallback, m.Inspectors.Spec, rec.Groups, rec.Replacements); err != nil {
			var md *MatchDiffError
			if errors.As(err, &md) {
				return &VerifyError{Path: md.Path, Record: md.Got, Recomputed: md.Want, Err: err}
			}
			return &VerifyError{Path: "replacements", Err: err}
		}
	}
	if rec.Lock != nil {
		h, err := RecordHash(rec)
		if err != nil {
			return &VerifyError{Path: "lock.record_hash", Err: err}
		}
		if h != rec.Lock.RecordHash {
			return &VerifyError{Path: "lock.record_hash", Record: rec.Lock.RecordHash, Recomputed: h}
		}
		if err := CheckLabel("lock.by", rec.Lock.By); err != nil {
			return &VerifyError{Path: "lock.by", Err: err}
		}
	}
	return nil
}

// parseKey decodes K from hex.
func parseKey(s string) (Key, error) {
	var k Key
	b, err := decodeHex32(s)
	if err != nil {
		return k, err
	}
	copy(k[:], b[:])
	return k, nil
}

func decodeHex32(s string) ([32]byte, error) {
	var out [32]byte
	if len(s) != 64 || strings.ToLower(s) != s {
		return out, fmt.Errorf("%q is not 64 lower-case hex digits", s)
	}
	for i := range 32 {
		v, err := strconv.ParseUint(s[2*i:2*i+2], 16, 8)
		if err != nil {
			return out, fmt.Errorf("%q is not hex", s)
		}
		out[i] = byte(v)
	}
	return out, nil
}

var timeType = reflect.TypeOf(time.Time{})

// firstDiff walks a (published) and b (recomputed) in field order and
// returns the first difference, its path written with the JSON names.
func firstDiff(path string, a, b reflect.Value) *VerifyError {
	if a.Type() == timeType {
		ta, tb := a.Interface().(time.Time), b.Interface().(time.Time)
		if !ta.Equal(tb) || ta.Location().String() != tb.Location().String() {
			return &VerifyError{Path: path, Record: ta.Format(time.RFC3339Nano), Recomputed: tb.Format(time.RFC3339Nano)}
		}
		return nil
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return &VerifyError{Path: path, Record: presence(!a.IsNil()), Recomputed: presence(!b.IsNil())}
			}
			return nil
		}
		return firstDiff(path, a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			f := a.Type().Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" {
				name = f.Name
			}
			p := name
			if path != "" {
				p = path + "." + name
			}
			if d := firstDiff(p, a.Field(i), b.Field(i)); d != nil {
				return d
			}
		}
		return nil
	case reflect.Slice, reflect.Array:
		n := min(a.Len(), b.Len())
		for i := range n {
			if d := firstDiff(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i)); d != nil {
				return d
			}
		}
		if a.Len() != b.Len() {
			return &VerifyError{Path: path + ".length", Record: strconv.Itoa(a.Len()), Recomputed: strconv.Itoa(b.Len())}
		}
		return nil
	case reflect.String:
		if a.String() != b.String() {
			return &VerifyError{Path: path, Record: strconv.Quote(a.String()), Recomputed: strconv.Quote(b.String())}
		}
	case reflect.Bool:
		if a.Bool() != b.Bool() {
			return &VerifyError{Path: path, Record: strconv.FormatBool(a.Bool()), Recomputed: strconv.FormatBool(b.Bool())}
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if a.Int() != b.Int() {
			return &VerifyError{Path: path, Record: strconv.FormatInt(a.Int(), 10), Recomputed: strconv.FormatInt(b.Int(), 10)}
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if a.Uint() != b.Uint() {
			return &VerifyError{Path: path, Record: strconv.FormatUint(a.Uint(), 10), Recomputed: strconv.FormatUint(b.Uint(), 10)}
		}
	default:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			return &VerifyError{Path: path, Record: fmt.Sprint(a.Interface()), Recomputed: fmt.Sprint(b.Interface())}
		}
	}
	return nil
}

func presence(p bool) string {
	if p {
		return "a value"
	}
	return "nothing"
}
