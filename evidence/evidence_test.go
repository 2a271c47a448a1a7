package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	cst   = time.FixedZone("CST", 8*3600)
	video = []byte("\x00\x00\x00\x18ftypmp42 on-site recording, 2026-04-02")
)

func mustNew(t *testing.T) Attachment {
	t.Helper()
	a, err := New(video, "video/mp4", StepOnSite, "44010610002", time.Date(2026, 4, 2, 9, 30, 0, 0, cst))
	require.NoError(t, err)
	return a
}

// Rule R24: a recording is named by its SHA-256 digest and size; the
// supplied file verifies against its attachment.
func TestNewVerify_R24(t *testing.T) {
	a := mustNew(t)
	assert.Equal(t, int64(len(video)), a.Size)
	assert.Len(t, a.SHA256, 64)
	assert.Equal(t, "sha256:"+a.SHA256, a.ID())
	require.NoError(t, a.Verify(video))
	require.NoError(t, a.VerifyReader(bytes.NewReader(video)))

	sha, size, err := Digest(bytes.NewReader(video))
	require.NoError(t, err)
	assert.Equal(t, a.SHA256, sha)
	assert.Equal(t, a.Size, size)
}

// Rule R24: an edited, truncated, extended or substituted file is refused
// with a typed error naming what differs.
func TestVerify_R24_Mismatch(t *testing.T) {
	a := mustNew(t)
	edited := bytes.Clone(video)
	edited[10] ^= 1
	tests := []struct {
		name       string
		file       []byte
		field, got string
	}{
		{"edited", edited, "sha256", ""},
		{"truncated", video[:len(video)-1], "size", "41"},
		{"extended", append(bytes.Clone(video), 0), "size", "more than 42"},
		{"empty", nil, "size", "0"},
	}
	require.Equal(t, 42, len(video))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := a.Verify(tc.file)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrMismatch))
			var me *MismatchError
			require.True(t, errors.As(err, &me))
			assert.Equal(t, tc.field, me.Field)
			assert.Equal(t, a.SHA256, me.SHA256)
			if tc.got != "" {
				assert.Equal(t, tc.got, me.Got)
				assert.Equal(t, "42", me.Want)
			} else {
				assert.Equal(t, a.SHA256, me.Want)
				assert.NotEqual(t, me.Want, me.Got)
			}
			assert.Contains(t, err.Error(), "sha256:"+a.SHA256)
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk gone") }

func TestVerifyReader_ReadError(t *testing.T) {
	err := mustNew(t).VerifyReader(failingReader{})
	require.Error(t, err)
	assert.False(t, errors.Is(err, ErrMismatch))
	assert.Contains(t, err.Error(), "disk gone")
}

// Rule R24: every field of an attachment is checked; the error names the
// field and value.
func TestValidate_R24_Fields(t *testing.T) {
	tests := []struct {
		field string
		edit  func(*Attachment)
	}{
		{"sha256", func(a *Attachment) { a.SHA256 = strings.ToUpper(a.SHA256) }},
		{"sha256", func(a *Attachment) { a.SHA256 = a.SHA256[:63] }},
		{"media_type", func(a *Attachment) { a.MediaType = "" }},
		{"media_type", func(a *Attachment) { a.MediaType = "video" }},
		{"media_type", func(a *Attachment) { a.MediaType = "Video/MP4" }},
		{"media_type", func(a *Attachment) { a.MediaType = "text/plain;charset=utf-8" }},
		{"size", func(a *Attachment) { a.Size = 0 }},
		{"size", func(a *Attachment) { a.Size = MaxSize + 1 }},
		{"step", func(a *Attachment) { a.Step = "lunch" }},
		{"by", func(a *Attachment) { a.By = "" }},
		{"by", func(a *Attachment) { a.By = " 李四" }},
		{"at", func(a *Attachment) { a.At = time.Time{} }},
		{"title", func(a *Attachment) { a.Title = "笔录\n第2页" }},
	}
	for _, tc := range tests {
		a := mustNew(t)
		tc.edit(&a)
		err := a.Validate()
		require.Error(t, err, tc.field)
		assert.True(t, errors.Is(err, ErrInvalid))
		var fe *FieldError
		require.True(t, errors.As(err, &fe))
		assert.Equal(t, tc.field, fe.Field)
	}
	a := mustNew(t)
	a.MediaType, a.Title = "text/plain; charset=utf-8", "现场笔录 XC-2026-001"
	assert.NoError(t, a.Validate())
	for _, s := range Steps() {
		assert.True(t, s.Valid())
		assert.NotEqual(t, string(s), s.Chinese(), s)
	}
}

// Rule R24: the JSON form writes the time in UTC, so the same recording
// serializes (and hashes) the same whatever zone the time was given in.
func TestMarshalJSON_R24_UTC(t *testing.T) {
	a := mustNew(t)
	b := a
	b.At = a.At.UTC()
	ja, err := json.Marshal(a)
	require.NoError(t, err)
	jb, err := json.Marshal(b)
	require.NoError(t, err)
	assert.Equal(t, string(jb), string(ja))
	assert.Contains(t, string(ja), `"at":"2026-04-02T01:30:00Z"`)
	assert.NotContains(t, string(ja), "title", "an empty title is omitted")
}

// Rule R24: Decode is strict and validates the whole list.
func TestDecode_R24(t *testing.T) {
	a := mustNew(t)
	one, err := json.Marshal(a)
	require.NoError(t, err)
	got, err := Decode(bytes.NewReader(one))
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.True(t, got[0].At.Equal(a.At))
	got[0].At = a.At
	assert.Equal(t, a, got[0])

	list := []byte("[" + string(one) + "]")
	got, err = Decode(bytes.NewReader(list))
	require.NoError(t, err)
	assert.Len(t, got, 1)

	for name, in := range map[string]string{
		"unknown member": strings.Replace(string(one), `"size"`, `"bytes":1,"size"`, 1),
		"trailing data":  string(one) + " {}",
		"duplicate":      "[" + string(one) + "," + string(one) + "]",
		"invalid field":  strings.Replace(string(one), `"on_site"`, `"lunch"`, 1),
		"null":           "null",
		"not JSON":       "video.mp4",
	} {
		_, err := Decode(strings.NewReader(in))
		assert.True(t, errors.Is(err, ErrInvalid), "%s: %v", name, err)
	}
	got, err = Decode(strings.NewReader("[]"))
	require.NoError(t, err)
	assert.Empty(t, got)
}

// The same file may record two steps; the same file twice for one step is
// refused.
func TestValidateList(t *testing.T) {
	a := mustNew(t)
	b := a
	b.Step = StepEvidence
	assert.NoError(t, ValidateList([]Attachment{a, b}))
	err := ValidateList([]Attachment{a, b, a})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "evidence #2")
	assert.Contains(t, err.Error(), "already evidence #0")
}

func FuzzDecode(f *testing.F) {
	a, err := New(video, "video/mp4", StepOnSite, "44010610002", time.Date(2026, 4, 2, 9, 30, 0, 0, cst))
	if err != nil {
		f.Fatal(err)
	}
	one, _ := json.Marshal(a)
	f.Add(one)
	f.Add([]byte("[" + string(one) + "]"))
	f.Add([]byte(`[{"sha256":"` + strings.Repeat("0", 64) + `","media_type":"audio/mpeg","size":1,"step":"statement","by":"x","at":"2026-01-01T00:00:00+08:00","title":"t"}]`))
	f.Add([]byte("null"))
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		as, err := Decode(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		// Whatever decodes is valid and survives a round trip unchanged.
		if err := ValidateList(as); err != nil {
			t.Fatalf("decoded an invalid list: %v", err)
		}
		out, err := json.Marshal(as)
		if err != nil {
			t.Fatal(err)
		}
		again, err := Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("re-decoding %s: %v", out, err)
		}
		out2, _ := json.Marshal(again)
		if !bytes.Equal(out, out2) {
			t.Fatalf("round trip changed\n%s\n%s", out, out2)
		}
	})
}
