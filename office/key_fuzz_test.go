package office

import "testing"

// FuzzObjectKey: every object key the office writes into trail data parses
// back to its parts, and parsing never panics on other data keys.
func FuzzObjectKey(f *testing.F) {
	f.Add("result", "T-1/91440101MA5A000009", int64(2))
	f.Add("notice", "a@b/c", int64(1))
	f.Fuzz(func(t *testing.T, kind, id string, rev int64) {
		k := objectKey(kind, id, rev)
		gk, gi, gr, ok := parseObjectKey(k)
		valid := kind != "" && !containsSlash(kind) && rev >= 0
		if valid && (!ok || gk != kind || gi != id || gr != rev) {
			t.Fatalf("%q -> %q %q %d %v", k, gk, gi, gr, ok)
		}
		parseObjectKey(kind + id)
	})
}

func containsSlash(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return true
		}
	}
	return false
}
