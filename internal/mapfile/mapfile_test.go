package mapfile

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenGivesTheFilesBytes(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"empty": "", "small": "id,name\n1,a\n", "big": string(make([]byte, 3<<20+17))} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
			f, err := Open(p)
			require.NoError(t, err)
			assert.Equal(t, body, string(f.Data))
			if runtime.GOOS != "windows" && runtime.GOOS != "plan9" && runtime.GOOS != "js" && runtime.GOOS != "wasip1" {
				assert.Equal(t, body != "", f.Mapped(), "non-empty regular files are mapped on Unix")
			}
			require.NoError(t, f.Close())
			assert.Nil(t, f.Data)
			require.NoError(t, f.Close(), "a second Close is harmless")
		})
	}
}

func TestOpenMissingFile(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "absent.csv"))
	require.ErrorIs(t, err, os.ErrNotExist)
}
