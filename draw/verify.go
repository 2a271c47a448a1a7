package draw

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shuangsuiji/ssj/internal/b64"
	"github.com/shuangsuiji/ssj/internal/canon"
	"github.com/shuangsuiji/ssj/registry"
)

// ErrMismatch is matched (errors.Is) by every *VerifyError: the record does
// not verify. DecodeRecord and Verify return a *VerifyError for every
// reason a JSON document is not a verifying record (unknown members, an
// invalid manifest, a recomputed value that differs, a broken lock or
// anchor...); only input that cannot be read as JSON at all is reported
// differently, with ErrUnreadable.
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

// VerifyOptions are the optional checks of VerifyWith.
type VerifyOptions struct {
	// Anchor, when not empty, is a chain anchor (Anchor.Hash) the auditor
	// holds from the announcement or the trail: the record must be locked
	// and its anchor, recomputed from its lock and replacements, must equal
	// it.
	Anchor string
	// Signatures, when not nil, checks the lock's signature; with
	// RequireSignature a locked record without one does not verify. When
	// nil, a lock signature is not checked.
	Signatures       SignatureVerifier
	RequireSignature bool
	// Approvals, when not nil, checks every replacement approval signature
	// present (rule R18; keys valid at each replacement's at); with
	// RequireApprovals a replacement without one does not verify, with or
	// without Approvals.
	Approvals        ApprovalVerifier
	RequireApprovals bool
	// Progress, when not nil, is called as the work advances (see the
	// type), over four passes of targets: selecting the units in scope,
	// checking the pool commitments, and the recomputation's scope and
	// ranks.
	Progress Progress
}

// Verify is VerifyWith without options: it recomputes rec from its
// manifest, its evidence and the pools (targets: the registry or only the
// units in scope, in any order; pools: the inspector pools, nil when the
// manifest matches no inspectors) and returns nil when everything agrees.
// Otherwise it returns the first difference as a *VerifyError, in this
// order: the manifest hash, the manifest's validity, the pool commitments,
// the randomness, then every field of the record in its JSON order (R, K,
// counts, strata, selected, batches, groups), the replacements replayed in
// order (rule R18), the lock (rule R16: record hash, lock hash, time and
// name), and finally the canonical bytes of the whole record against those
// of the recomputation, so that no difference of presence (a member
// omitted instead of empty) can pass.
func Verify(rec *Record, targets []registry.Target, pools *InspectorPools) error {
	return VerifyWith(rec, targets, pools, VerifyOptions{})
}

// VerifyWith is Verify with the optional checks of opt: the lock signature
// and the chain anchor, checked last.
func VerifyWith(rec *Record, targets []registry.Target, pools *InspectorPools, opt VerifyOptions) error {
	m, err := verifyHead(rec)
	if err != nil {
		return err
	}
	return verifyRecord(rec, &m, pools, opt, func() (Record, error) {
		p := newMeter(opt.Progress, len(targets), verifyPasses)
		scope := m.scopeUnits(targets)
		p.pass()
		if err := checkPoolCommitments(&m, scope, pools); err != nil {
			var ve *VerifyError
			if errors.As(err, &ve) {
				return Record{}, ve
			}
			return Record{}, &VerifyError{Path: "manifest.inspectors", Err: err}
		}
		p.pass()
		got, err := runMeter(&m, rec.Evidence, targets, pools, false, p)
		if err != nil {
			return Record{}, runVerifyError(err)
		}
		p.finish() // the recomputation is done; the comparisons are quick
		return got, nil
	})
}

// verifyHead is the first part of every verification: the record's format,
// its manifest hash and the manifest's validity. It returns the manifest.
func verifyHead(rec *Record) (Manifest, error) {
	if rec.Format != RecordFormat {
		return Manifest{}, &VerifyError{Path: "format", Record: strconv.Quote(rec.Format), Recomputed: strconv.Quote(RecordFormat)}
	}
	m := rec.Manifest
	mh, err := m.HashHex()
	if err != nil {
		return Manifest{}, &VerifyError{Path: "manifest", Err: err}
	}
	if mh != rec.ManifestHash {
		return Manifest{}, &VerifyError{Path: "manifest_hash", Record: rec.ManifestHash, Recomputed: mh}
	}
	if err := m.Validate(); err != nil {
		return Manifest{}, &VerifyError{Path: "manifest", Err: err}
	}
	return m, nil
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
// (a *VerifyError); then every field, the replacements, the lock, the
// canonical bytes and (with opt) the signature and the anchor are compared.
func verifyRecord(rec *Record, m *Manifest, pools *InspectorPools, opt VerifyOptions, recompute func() (Record, error)) error {
	got, err := recompute()
	if err != nil {
		return err
	}
	got.Replacements = rec.Replacements
	got.Lock = rec.Lock
	if d := firstDiffRecord(rec, &got); d != nil {
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
		reps, err := verifyMatching(m.mustSuite(), k, labels, pools.Home, pools.Fallback, m.Inspectors.Spec, rec.Groups, rec.Replacements)
		if err != nil {
			var md *MatchDiffError
			if errors.As(err, &md) {
				return &VerifyError{Path: md.Path, Record: md.Got, Recomputed: md.Want, Err: err}
			}
			return &VerifyError{Path: "replacements", Err: err}
		}
		if err := verifyApprovals(rec, reps, opt); err != nil {
			return err
		}
		got.Replacements = reps
	}
	if rec.Lock != nil {
		l, err := verifyLock(rec, &got, opt)
		if err != nil {
			return err
		}
		got.Lock = l
	}
	if err := sameRecordBytes(rec, &got); err != nil {
		return err
	}
	if opt.Anchor != "" {
		return checkAnchor(rec, opt.Anchor)
	}
	return nil
}

// verifyLock recomputes the lock of rec from its time and name and the
// recomputed record got: the record hash, the lock hash, and the signature
// when opt asks for it.
func verifyLock(rec, got *Record, opt VerifyOptions) (*LockInfo, error) {
	l := rec.Lock
	h, err := RecordHash(got)
	if err != nil {
		return nil, &VerifyError{Path: "lock.record_hash", Err: err}
	}
	if h != l.RecordHash {
		return nil, &VerifyError{Path: "lock.record_hash", Record: l.RecordHash, Recomputed: h}
	}
	if err := CheckLabel("lock.by", l.By); err != nil {
		return nil, &VerifyError{Path: "lock.by", Err: err}
	}
	if l.At.IsZero() || l.At.Before(rec.Manifest.CommitTime) {
		return nil, &VerifyError{Path: "lock.at", Err: fmt.Errorf("%w: lock time %s is before the commit time %s", ErrInvalidTask,
			l.At.Format(time.RFC3339Nano), rec.Manifest.CommitTime.Format(time.RFC3339Nano))}
	}
	want := &LockInfo{At: l.At, By: l.By, RecordHash: h, Signature: l.Signature}
	if want.Hash, err = LockHashWith(rec.Manifest.mustSuite(), want); err != nil {
		return nil, &VerifyError{Path: "lock.hash", Err: err}
	}
	if want.Hash != l.Hash {
		return nil, &VerifyError{Path: "lock.hash", Record: strconv.Quote(l.Hash), Recomputed: strconv.Quote(want.Hash)}
	}
	if opt.Signatures == nil {
		return want, nil
	}
	if l.Signature == nil {
		if opt.RequireSignature {
			return nil, &VerifyError{Path: "lock.signature", Err: fmt.Errorf("%w: the lock is not signed and a signature is required", ErrLockSignature)}
		}
		return want, nil
	}
	sig, err := b64.Decode(l.Signature.Value)
	if err != nil {
		return nil, &VerifyError{Path: "lock.signature.value", Err: fmt.Errorf("%w: not base64: %v", ErrLockSignature, err)}
	}
	msg, err := LockSigningBytes(l)
	if err != nil {
		return nil, &VerifyError{Path: "lock.signature", Err: err}
	}
	if err := opt.Signatures.VerifySignature(l.By, l.Signature.Algorithm, l.Signature.KeyID, msg, sig); err != nil {
		return nil, &VerifyError{Path: "lock.signature", Err: fmt.Errorf("%w: %w", ErrLockSignature, err)}
	}
	return want, nil
}

// checkAnchor compares the anchor of rec with the one supplied; when they
// differ it says whether the supplied anchor is that of an earlier state of
// the record (fewer replacements).
func checkAnchor(rec *Record, want string) error {
	if rec.Lock == nil {
		return &VerifyError{Path: "lock", Err: fmt.Errorf("%w: an anchor was supplied and the record is not locked", ErrAnchor)}
	}
	a, err := AnchorOf(rec)
	if err != nil {
		return &VerifyError{Path: "anchor", Err: err}
	}
	if a.Hash == want {
		return nil
	}
	detail := "no state of the record's replacement chain has it"
	for n := len(rec.Replacements) - 1; n >= 0; n-- {
		if p, err := anchorAt(rec, n); err == nil && p.Hash == want {
			detail = fmt.Sprintf("it is the anchor of the record with its first %d of %d replacements", n, len(rec.Replacements))
			break
		}
	}
	return &VerifyError{Path: "anchor", Err: fmt.Errorf("%w: the supplied anchor %s is not the record's (%s, %d replacements): %s", ErrAnchor, want, a.Hash, len(rec.Replacements), detail)}
}

// sameRecordBytes compares the canonical JSON of the record and of its
// recomputation; a difference firstDiff cannot see (a member present in one
// and absent in the other) is reported with its path. Both are first
// encoded with encoding/json: equal encodings have equal canonical forms
// (the canonical form is a function of the text), and this spares the
// canonicalisation of a large record in the common case. Only when the
// encodings differ are the canonical forms computed and compared.
//
// The selected lists, nearly all of a large record, are not encoded when
// they are equal field by field (marshalBoth leaves them out of both: equal
// fields encode equally), sparing two 30 MB encodings per 1M-target
// verification (issue 13).
func sameRecordBytes(rec, got *Record) error {
	ja, jb, err := marshalBoth(rec, got)
	if err != nil {
		return &VerifyError{Path: "record", Err: err}
	}
	if bytes.Equal(ja, jb) {
		return nil
	}
	a, err := canon.Transform(ja)
	if err != nil {
		return &VerifyError{Path: "record", Err: err}
	}
	b, err := canon.Transform(jb)
	if err != nil {
		return &VerifyError{Path: "record", Err: err}
	}
	if bytes.Equal(a, b) {
		return nil
	}
	var va, vb any
	if err := decodeNumbers(a, &va); err != nil {
		return &VerifyError{Path: "record", Err: err}
	}
	if err := decodeNumbers(b, &vb); err != nil {
		return &VerifyError{Path: "record", Err: err}
	}
	if d := jsonDiff("", va, vb); d != nil {
		return d
	}
	return &VerifyError{Path: "record", Record: "canonical bytes " + shortJSON(a), Recomputed: shortJSON(b)}
}

func decodeNumbers(b []byte, v *any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// jsonDiff returns the first difference between two decoded JSON values,
// members in name order.
func jsonDiff(path string, a, b any) *VerifyError {
	join := func(name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			break
		}
		names := make([]string, 0, len(x)+len(y))
		for n := range x {
			names = append(names, n)
		}
		for n := range y {
			if _, dup := x[n]; !dup {
				names = append(names, n)
			}
		}
		slices.Sort(names)
		for _, n := range names {
			va, inA := x[n]
			vb, inB := y[n]
			switch {
			case !inA:
				return &VerifyError{Path: join(n), Record: "nothing (member absent)", Recomputed: shortValue(vb)}
			case !inB:
				return &VerifyError{Path: join(n), Record: shortValue(va), Recomputed: "nothing (member absent)"}
			}
			if d := jsonDiff(join(n), va, vb); d != nil {
				return d
			}
		}
		return nil
	case []any:
		y, ok := b.([]any)
		if !ok {
			break
		}
		for i := range min(len(x), len(y)) {
			if d := jsonDiff(fmt.Sprintf("%s[%d]", path, i), x[i], y[i]); d != nil {
				return d
			}
		}
		if len(x) != len(y) {
			return &VerifyError{Path: path + ".length", Record: strconv.Itoa(len(x)), Recomputed: strconv.Itoa(len(y))}
		}
		return nil
	}
	if reflect.DeepEqual(a, b) {
		return nil
	}
	return &VerifyError{Path: path, Record: shortValue(a), Recomputed: shortValue(b)}
}

func shortValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return shortJSON(b)
}

func shortJSON(b []byte) string {
	const max = 120
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
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
