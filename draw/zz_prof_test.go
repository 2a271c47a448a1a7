package draw

import (
	"testing"

	"github.com/shuangsuiji/ssj/registry"
)

func BenchmarkZZRunPool(b *testing.B) {
	targets := benchPool(1_000_000)
	m, _ := Commit(benchTask(), targets, nil)
	p, _ := registry.NewPool(targets)
	_, ev := dtSources()
	b.ResetTimer()
	for range b.N {
		if _, err := RunPool(m, ev, p, nil); err != nil {
			b.Fatal(err)
		}
	}
}
