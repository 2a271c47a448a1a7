package publish

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/evidence"
)

func onSiteVideo(t *testing.T) ([]byte, evidence.Attachment) {
	t.Helper()
	file := []byte("on-site video of SJ-2026-001 at the hotel")
	a, err := evidence.New(file, "video/mp4", evidence.StepOnSite, "33080012345", time.Date(2026, 3, 18, 9, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	return file, a
}

// Rule R24: a result entry references the whole-process record by digest;
// the entry validates, round-trips through DecodeResults, and a supplied
// file is checked against it.
func TestResultEvidence_R24(t *testing.T) {
	file, a := onSiteVideo(t)
	r := sample()
	r.Evidence = []evidence.Attachment{a}
	require.NoError(t, r.Validate())

	data, err := json.Marshal([]Result{r})
	require.NoError(t, err)
	got, err := DecodeResults(bytes.NewReader(data))
	require.NoError(t, err)
	require.Len(t, got[0].Evidence, 1)
	assert.NoError(t, got[0].Evidence[0].Verify(file))
	assert.True(t, errors.Is(got[0].Evidence[0].Verify(append(file, '!')), evidence.ErrMismatch))

	// A malformed attachment makes the result invalid, naming the result.
	bad := r
	bad.Evidence = []evidence.Attachment{a}
	bad.Evidence[0].Step = "lunch"
	err = bad.Validate()
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrResult))
	assert.True(t, errors.Is(err, evidence.ErrInvalid))
	assert.Contains(t, err.Error(), r.ID)
	assert.Contains(t, err.Error(), "evidence #0")
}

// Rule R24 with R27: the evidence is covered by the result's hash, so it
// cannot be swapped after entry without a signed correction; a result
// without evidence hashes as before (the member is omitted).
func TestResultEvidence_R24_Hashed(t *testing.T) {
	_, a := onSiteVideo(t)
	plain := sample()
	h0, err := HashResult(plain)
	require.NoError(t, err)
	withEv := sample()
	withEv.Evidence = []evidence.Attachment{a}
	h1, err := HashResult(withEv)
	require.NoError(t, err)
	assert.NotEqual(t, h0, h1)
	other := a
	other.SHA256 = strings.Repeat("0", 64)
	withEv.Evidence = []evidence.Attachment{other}
	h2, err := HashResult(withEv)
	require.NoError(t, err)
	assert.NotEqual(t, h1, h2)

	b, err := json.Marshal(plain)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "evidence")
}

// Rule R24: attachments never reach the public view (rule R26).
func TestResultEvidence_R24_NotPublic(t *testing.T) {
	_, a := onSiteVideo(t)
	b, _ := NewBook(SeedPolicy)
	r := sample()
	r.Evidence = []evidence.Attachment{a}
	_, err := b.Enter(r, calendar(t), at, "录入员")
	require.NoError(t, err)
	_, err = b.Publish(r.ID, d("2026-03-20"))
	require.NoError(t, err)
	out, err := json.Marshal(b.PublicView(ViewOptions{}))
	require.NoError(t, err)
	assert.NotContains(t, string(out), a.SHA256)
	assert.NotContains(t, string(out), "evidence")
}
