package registry

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/internal/phase/phasetrace"
)

// ReadPool marks its phases as runtime/trace regions (package doc,
// "Execution traces"): one read, parse and take per block, the arrays
// sized once after the first, the labels sorted and gathered once, on any
// number of processors.
func TestReadPoolPhases(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteTargetsCSV(&buf, genTargets(3000, 5)))
	defer func(b, m int) { poolBlock, poolSplitMin = b, m }(poolBlock, poolSplitMin)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	poolBlock, poolSplitMin = 16<<10, 512
	blocks := 0
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		spans, err := phasetrace.Record(func() error {
			_, err := ReadPool(bytes.NewReader(buf.Bytes()), ImportOptions{})
			return err
		})
		require.NoError(t, err)
		require.Equal(t, []string{phaseRead, phaseParse, phaseTake, phaseSize, phaseSort, phaseGather}, phasetrace.Names(spans), "GOMAXPROCS %d", procs)
		if blocks == 0 {
			blocks = spans[1].Count // parse
		}
		assert.Greater(t, blocks, 10, "blocks of %d bytes in %d", poolBlock, buf.Len())
		for i, want := range []int{blocks, blocks, blocks, 1, 1, 1} {
			assert.Equal(t, want, spans[i].Count, "%s regions, GOMAXPROCS %d", spans[i].Name, procs)
		}
	}
}
