//go:build !unix

package mapfile

import "os"

// mapFile does not map on this system: the caller reads the file.
func mapFile(*os.File) ([]byte, func() error, bool) { return nil, nil, false }
