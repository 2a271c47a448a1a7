package evidence

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Step is the step of the inspection an attachment records (rule R24,
// 001 第二十条; rule R21 for evidence and measures).
type Step string

// Recorded steps.
const (
	StepOnSite       Step = "on_site"       // 现场检查: the on-site inspection
	StepRightsNotice Step = "rights_notice" // 权利告知: informing the party of its rights
	StepStatement    Step = "statement"     // 陈述申辩: the party's statement and defence
	StepEvidence     Step = "evidence"      // 初步提取证据: evidence taken on a finding (R21)
	StepMeasure      Step = "measure"       // 责令停止、责令整改等: a measure ordered (R21)
	StepDocument     Step = "document"      // 检查文书: an inspection document (笔录, 通知书, 决定书; R23)
	StepResultReview Step = "result_review" // 复核: material of an objection's review (R28)
	StepOther        Step = "other"         // 其他: any other recorded step
)

var knownSteps = []Step{StepOnSite, StepRightsNotice, StepStatement, StepEvidence, StepMeasure, StepDocument, StepResultReview, StepOther}

// Steps returns every step an attachment may record, in a fixed order.
func Steps() []Step { return append([]Step(nil), knownSteps...) }

// Valid reports whether s is one of Steps.
func (s Step) Valid() bool {
	for _, k := range knownSteps {
		if s == k {
			return true
		}
	}
	return false
}

// Chinese returns the step's Chinese name.
func (s Step) Chinese() string {
	switch s {
	case StepOnSite:
		return "现场检查"
	case StepRightsNotice:
		return "权利告知"
	case StepStatement:
		return "陈述申辩"
	case StepEvidence:
		return "提取证据"
	case StepMeasure:
		return "监管措施"
	case StepDocument:
		return "检查文书"
	case StepResultReview:
		return "复核"
	case StepOther:
		return "其他"
	}
	return string(s)
}

// Attachment is one content-addressed file of the whole-process record
// (rule R24). The JSON form is what results and trail events carry; At is
// always written in UTC (RFC 3339 with nanoseconds trimmed), so the
// canonical JSON of an attachment, and every hash over it, is the same
// whatever the zone of the time given.
type Attachment struct {
	// SHA256 is the file's SHA-256 digest, 64 lower-case hex digits.
	SHA256 string `json:"sha256"`
	// MediaType is the file's media type in canonical form (lower case,
	// parameters as mime.FormatMediaType writes them), e.g. "video/mp4",
	// "audio/mpeg", "application/pdf", "image/jpeg".
	MediaType string `json:"media_type"`
	// Size is the file's length in bytes, at least 1.
	Size int64 `json:"size"`
	// Step is the step the file records.
	Step Step `json:"step"`
	// By is who recorded it: the inspector's certificate number (执法证号)
	// or the officer's name.
	By string `json:"by"`
	// At is when it was recorded.
	At time.Time `json:"at"`
	// Title optionally describes the file for a reader (e.g. the document
	// number 笔录编号 or the original file name).
	Title string `json:"title,omitempty"`
}

// MaxSize bounds Size: 1 TiB. Larger values are refused as implausible.
const MaxSize int64 = 1 << 40

// ErrInvalid is returned (wrapped, as a *FieldError) when an attachment
// lacks a field or has a malformed one.
var ErrInvalid = errors.New("evidence: invalid attachment")

// ErrMismatch is returned (wrapped, as a *MismatchError) when a supplied
// file does not match its attachment.
var ErrMismatch = errors.New("evidence: file does not match its attachment")

// FieldError is a malformed field of an attachment: the field's JSON name,
// its value and why. It wraps ErrInvalid.
type FieldError struct {
	Field  string
	Value  string
	Reason string
}

// Error returns `evidence: invalid attachment: field "F" value "V": reason`.
func (e *FieldError) Error() string {
	return fmt.Sprintf("%v: field %q value %q: %s", ErrInvalid, e.Field, e.Value, e.Reason)
}

// Unwrap returns ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// MismatchError reports how a supplied file differs from its attachment:
// Field is "size" or "sha256", Want the attachment's value and Got the
// file's (for a file longer than the attachment's size, Got is "more than
// SIZE"). It wraps ErrMismatch.
type MismatchError struct {
	SHA256 string // the attachment's digest, naming it
	Field  string
	Want   string
	Got    string
}

// Error names the attachment, the field and both values.
func (e *MismatchError) Error() string {
	return fmt.Sprintf("%v: attachment sha256:%s: %s is %s, the attachment says %s", ErrMismatch, e.SHA256, e.Field, e.Got, e.Want)
}

// Unwrap returns ErrMismatch.
func (e *MismatchError) Unwrap() error { return ErrMismatch }

// MarshalJSON writes the attachment with At in UTC.
func (a Attachment) MarshalJSON() ([]byte, error) {
	type plain Attachment
	p := plain(a)
	p.At = p.At.UTC()
	return json.Marshal(p)
}

// ID returns the content address "sha256:HEX".
func (a Attachment) ID() string { return "sha256:" + a.SHA256 }

// New returns the attachment of a file's bytes: their digest and size,
// with the given media type, step, recorder and time, validated.
func New(data []byte, mediaType string, step Step, by string, at time.Time) (Attachment, error) {
	sum := sha256.Sum256(data)
	a := Attachment{SHA256: hex.EncodeToString(sum[:]), MediaType: mediaType, Size: int64(len(data)), Step: step, By: by, At: at}
	if err := a.Validate(); err != nil {
		return Attachment{}, err
	}
	return a, nil
}

// Digest reads r to its end and returns the SHA-256 digest (lower-case
// hex) and length of what it read. Use it to build an attachment of a file
// too large to hold in memory.
func Digest(r io.Reader) (sha string, size int64, err error) {
	h := sha256.New()
	size, err = io.Copy(h, r)
	if err != nil {
		return "", size, fmt.Errorf("evidence: reading the file: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func cleanText(s string) bool {
	return utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0 && strings.TrimSpace(s) == s
}

// Validate checks every field and returns the first problem as a
// *FieldError: SHA256 64 lower-case hex digits, MediaType a canonical
// media type with a type and subtype, Size in [1, MaxSize], Step one of
// Steps, By non-empty text, At set, Title free of control characters.
func (a Attachment) Validate() error {
	bad := func(field, value, reason string) error {
		return &FieldError{Field: field, Value: value, Reason: reason}
	}
	if !isHex64(a.SHA256) {
		return bad("sha256", a.SHA256, "want 64 lower-case hex digits")
	}
	mt, params, err := mime.ParseMediaType(a.MediaType)
	switch {
	case a.MediaType == "":
		return bad("media_type", a.MediaType, "missing")
	case err != nil || !strings.Contains(mt, "/") || strings.HasSuffix(mt, "/") || strings.HasPrefix(mt, "/"):
		return bad("media_type", a.MediaType, "not a media type such as video/mp4")
	case mime.FormatMediaType(mt, params) != a.MediaType:
		return bad("media_type", a.MediaType, "not in canonical form "+strconv.Quote(mime.FormatMediaType(mt, params)))
	}
	if a.Size < 1 || a.Size > MaxSize {
		return bad("size", strconv.FormatInt(a.Size, 10), fmt.Sprintf("want 1 to %d bytes", MaxSize))
	}
	if !a.Step.Valid() {
		return bad("step", string(a.Step), "not one of the recorded steps")
	}
	if a.By == "" || !cleanText(a.By) {
		return bad("by", a.By, "want the recorder's certificate number or name: non-empty, trimmed, no control characters")
	}
	if a.At.IsZero() {
		return bad("at", "", "missing")
	}
	if y := a.At.UTC().Year(); y < 1 || y > 9999 {
		return bad("at", a.At.UTC().String(), "year outside 0001–9999")
	}
	if !cleanText(a.Title) {
		return bad("title", a.Title, "no control characters, no leading or trailing space")
	}
	return nil
}

// Verify checks a supplied file's bytes against a: first the size, then
// the digest. It returns nil when they match, else a *MismatchError.
func (a Attachment) Verify(data []byte) error {
	return a.VerifyReader(bytes.NewReader(data))
}

// VerifyReader checks the file read from r against a, reading at most
// a.Size+1 bytes, so a substituted huge file is refused without reading it
// whole. It returns a *MismatchError on a size or digest mismatch, and a
// wrapped read error when r fails.
func (a Attachment) VerifyReader(r io.Reader) error {
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(r, a.Size+1))
	if err != nil {
		return fmt.Errorf("evidence: reading the file of attachment sha256:%s: %w", a.SHA256, err)
	}
	want := strconv.FormatInt(a.Size, 10)
	switch {
	case n > a.Size:
		return &MismatchError{SHA256: a.SHA256, Field: "size", Want: want, Got: "more than " + want}
	case n < a.Size:
		return &MismatchError{SHA256: a.SHA256, Field: "size", Want: want, Got: strconv.FormatInt(n, 10)}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != a.SHA256 {
		return &MismatchError{SHA256: a.SHA256, Field: "sha256", Want: a.SHA256, Got: got}
	}
	return nil
}

// ValidateList checks a list of attachments: each valid, and no attachment
// listed twice (same digest and step). Errors name the 0-based position.
func ValidateList(as []Attachment) error {
	type key struct {
		sha  string
		step Step
	}
	seen := map[key]int{}
	for i, a := range as {
		if err := a.Validate(); err != nil {
			return fmt.Errorf("evidence #%d: %w", i, err)
		}
		k := key{a.SHA256, a.Step}
		if j, dup := seen[k]; dup {
			return fmt.Errorf("evidence #%d: %w", i, &FieldError{Field: "sha256", Value: a.SHA256,
				Reason: fmt.Sprintf("the same file for the same step is already evidence #%d", j)})
		}
		seen[k] = i
	}
	return nil
}

// MaxDecodeBytes bounds the input Decode reads.
const MaxDecodeBytes = 16 << 20

// Decode reads attachments from JSON: an array of attachment objects, or a
// single object. It is strict: unknown members and trailing data are
// refused, and the list must pass ValidateList.
func Decode(r io.Reader) ([]Attachment, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDecodeBytes+1))
	if err != nil {
		return nil, fmt.Errorf("evidence: reading attachments: %w", err)
	}
	if len(data) > MaxDecodeBytes {
		return nil, fmt.Errorf("%w: input larger than %d bytes", ErrInvalid, MaxDecodeBytes)
	}
	data = bytes.TrimSpace(data)
	var out []Attachment
	if len(data) > 0 && data[0] == '{' {
		out = make([]Attachment, 1)
		err = strict(data, &out[0])
	} else {
		err = strict(data, &out)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if out == nil {
		return nil, fmt.Errorf("%w: want an array of attachments or one attachment object", ErrInvalid)
	}
	if err := ValidateList(out); err != nil {
		return nil, err
	}
	return out, nil
}

func strict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}
