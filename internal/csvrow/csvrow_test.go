package csvrow

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWidthAndExtra(t *testing.T) {
	for _, tc := range []struct {
		header, row  []string
		width, extra int
	}{
		{[]string{"a", "b"}, []string{"1", "2"}, 2, -1},
		{[]string{"a", "b"}, []string{"1"}, 2, -1},
		{[]string{"a", "b"}, []string{"1", "2", " ", ""}, 2, -1},
		{[]string{"a", "b"}, []string{"1", "2", "3"}, 2, 2},
		{[]string{"a", "b", "", " "}, []string{"1", "2", "", "x"}, 2, 3},
		{nil, []string{"x"}, 0, 0},
	} {
		w := Width(tc.header)
		assert.Equal(t, tc.width, w, "%q", tc.header)
		assert.Equal(t, tc.extra, Extra(tc.row, w), "%q / %q", tc.header, tc.row)
	}
}
