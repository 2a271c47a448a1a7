package examples

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/registry"
)

// The sample results are about the sample district's own entities: its
// targets and inspectors, its plan's task and authority, and the draw of
// task.json over its registries (issue 15: they came from another city).
func TestSampleResultsAreFromTheSampleDistrict(t *testing.T) {
	read := func(name string) []byte {
		b, err := Data.ReadFile("data/" + name)
		require.NoError(t, err)
		return b
	}
	tt, err := registry.Decode(read("targets.csv"), registry.ImportOptions{Pool: registry.PoolTargets})
	require.NoError(t, err)
	it, err := registry.Decode(read("inspectors.csv"), registry.ImportOptions{Pool: registry.PoolInspectors})
	require.NoError(t, err)
	targets := map[string]string{}
	for _, x := range tt.Targets {
		targets[x.ID] = x.Name
	}
	inspectors := map[string]string{}
	for _, x := range it.Inspectors {
		inspectors[x.Cert] = x.Name
	}
	var plan struct {
		Authority string `json:"authority"`
		Tasks     []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"tasks"`
	}
	require.NoError(t, json.Unmarshal(read("plan.json"), &plan))
	tasks := map[string]string{}
	for _, k := range plan.Tasks {
		tasks[k.ID] = k.Name
	}
	task, err := draw.DecodeTask(bytes.NewReader(read("task.json")))
	require.NoError(t, err)
	m, err := draw.Commit(task, tt.Targets, &draw.InspectorPools{Home: it.Inspectors})
	require.NoError(t, err)
	manifestHash, err := m.HashHex()
	require.NoError(t, err)

	for _, file := range []string{"results.json", "results-corrected.json"} {
		rs, err := publish.DecodeResults(bytes.NewReader(read(file)))
		require.NoError(t, err, file)
		for _, r := range rs {
			assert.Equal(t, targets[r.TargetID], r.TargetName, "%s %s: target", file, r.ID)
			for _, in := range r.Inspectors {
				assert.Equal(t, inspectors[in.Cert], in.Name, "%s %s: inspector %s", file, r.ID, in.Cert)
			}
			assert.Equal(t, tasks[r.TaskNo], r.TaskName, "%s %s: task", file, r.ID)
			assert.Equal(t, plan.Authority, r.Agency, "%s %s: agency", file, r.ID)
			assert.Equal(t, manifestHash, r.Proof.ManifestHash, "%s %s: the draw of task.json", file, r.ID)
		}
	}
}
