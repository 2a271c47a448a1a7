package office_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/examples"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func mustEvidence(t *testing.T) []draw.Evidence {
	t.Helper()
	b, err := examples.Data.ReadFile("data/randomness.json")
	require.NoError(t, err)
	ev, err := draw.DecodeEvidence(bytes.NewReader(b))
	require.NoError(t, err)
	return ev
}

func examplesTask() (draw.Task, error) {
	b, err := examples.Data.ReadFile("data/task.json")
	if err != nil {
		return draw.Task{}, err
	}
	return draw.DecodeTask(bytes.NewReader(b))
}
