package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/api"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
)

// TestBundleFollowsTheTrail downloads a bundle's files, takes an office
// step behind the server (another process on the same store), and
// downloads them again: the server builds the bundle once per trail head
// (the files of one download come from one build), and a step moves the
// head, so the second download holds the new trail (rule R31).
func TestBundleFollowsTheTrail(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, demo.StageDispatched, api.Config{Recheck: time.Millisecond})
	get := func(name string) []byte {
		r := f.do(t, "GET", "/api/v1/tasks/"+taskID+"/bundle/"+name, "", "")
		require.Equal(t, 200, r.status, "%s", r.body)
		return r.body
	}
	before := get("checkpoint.txt")
	trailBefore := get("trail.jsonl")

	results, err := demo.MakeResults(ctx, f.o, taskID)
	require.NoError(t, err)
	f.clock.Set(f.clock.Now().Add(time.Hour))
	_, err = f.o.EnterResult(ctx, office.Step{Who: "治安大队 录入员 孙*", At: f.clock.Now()}, results[0])
	require.NoError(t, err)
	time.Sleep(5 * time.Millisecond) // past Recheck

	after := get("checkpoint.txt")
	assert.NotEqual(t, before, after, "the step moved the trail head")
	files, err := f.o.Bundle(ctx, taskID)
	require.NoError(t, err)
	for _, bf := range files {
		switch bf.Name {
		case "checkpoint.txt":
			assert.Equal(t, string(bf.Data), string(after))
		case "trail.jsonl":
			got := get("trail.jsonl")
			assert.Equal(t, bf.Data, got)
			assert.Greater(t, len(got), len(trailBefore))
		}
	}
}
