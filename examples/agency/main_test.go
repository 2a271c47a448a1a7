package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The example runs, draws ceil(50 × 0.25) = 13 of each class's 50 products,
// and draws the same every time (the draw is a function of its inputs).
func TestAgencyExample(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, run(&a))
	require.NoError(t, run(&b))
	assert.True(t, strings.HasPrefix(a.String(), "task 2026-CP-01: 52 of 200 drawn, manifest_hash "), a.String())
	assert.Equal(t, 1+52, strings.Count(a.String(), "\n"))
	assert.Equal(t, a.String(), b.String())
}
