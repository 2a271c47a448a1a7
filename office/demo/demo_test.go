package demo_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/memstore"
)

func TestRunMemstore(t *testing.T) {
	o, clock, err := demo.New(memstore.New())
	require.NoError(t, err)
	var w *os.File
	if testing.Verbose() {
		w = os.Stdout
	}
	sum, err := demo.Run(context.Background(), o, clock, w)
	require.NoError(t, err)
	require.Equal(t, 49, sum.Selected)
	require.Equal(t, 49, sum.Results)
}
