package draw

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// rfcExample is testdata/rfc3797/section6.json: RFC 3797 section 6.
type rfcExample struct {
	Pool       []string      `json:"pool"`
	Sources    []string      `json:"sources"`
	Key        string        `json:"key"`
	Selections []RFC3797Step `json:"selections"`
}

func rfcLoadExample(t testing.TB) rfcExample {
	t.Helper()
	b, err := os.ReadFile("testdata/rfc3797/section6.json")
	if err != nil {
		t.Fatal(err)
	}
	var ex rfcExample
	if err := json.Unmarshal(b, &ex); err != nil {
		t.Fatal(err)
	}
	return ex
}

func rfcParseSources(t testing.TB, texts []string) [][]int64 {
	t.Helper()
	out := make([][]int64, len(texts))
	for i, s := range texts {
		n, err := ParseLotteryNumbers(s)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = n
	}
	return out
}

// DRAW.md §8: the RFC's section 6 worked example, every printed column.
func TestRFC3797Section6(t *testing.T) {
	ex := rfcLoadExample(t)
	srcs := rfcParseSources(t, ex.Sources)
	key, err := RFC3797Key(srcs)
	if err != nil {
		t.Fatal(err)
	}
	if string(key) != ex.Key {
		t.Fatalf("key = %q, want %q", key, ex.Key)
	}
	steps, err := RFC3797Trace(ex.Pool, key, len(ex.Selections))
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != len(ex.Selections) {
		t.Fatalf("%d steps, want %d", len(steps), len(ex.Selections))
	}
	for i, want := range ex.Selections {
		if steps[i] != want {
			t.Errorf("selection %d:\n got %+v\nwant %+v", i+1, steps[i], want)
		}
	}
	// RFC3797Select gives the same entries; the first k of a longer run
	// are the run of k (the counter does not depend on count).
	for _, k := range []int{1, 10, len(ex.Selections), len(ex.Pool)} {
		got, err := RFC3797Select(ex.Pool, srcs, k)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < k && i < len(ex.Selections); i++ {
			if got[i] != ex.Selections[i].Entry {
				t.Errorf("count %d: selection %d = %s, want %s", k, i+1, got[i], ex.Selections[i].Entry)
			}
		}
		if k == len(ex.Pool) {
			s := slices.Clone(got)
			slices.Sort(s)
			p := slices.Clone(ex.Pool)
			slices.Sort(p)
			if !slices.Equal(s, p) {
				t.Errorf("selecting the whole pool is not a permutation: %v", got)
			}
		}
	}
}

// The pool's published order is part of the input: reordering it changes
// which entry a position names (unlike ssj-v1, which is order-free).
func TestRFC3797PoolOrderMatters(t *testing.T) {
	ex := rfcLoadExample(t)
	srcs := rfcParseSources(t, ex.Sources)
	rev := slices.Clone(ex.Pool)
	slices.Reverse(rev)
	a, _ := RFC3797Select(ex.Pool, srcs, 5)
	b, _ := RFC3797Select(rev, srcs, 5)
	if slices.Equal(a, b) {
		t.Errorf("reversed pool gave the same selection %v", a)
	}
}

func TestRFC3797Refuses(t *testing.T) {
	srcs := [][]int64{{1, 2, 3}}
	big := make([]string, RFC3797MaxPool+1)
	for i := range big {
		big[i] = fmt.Sprint("e", i)
	}
	for _, c := range []struct {
		name  string
		pool  []string
		srcs  [][]int64
		count int
		want  string
	}{
		{"empty pool", nil, srcs, 1, "empty pool"},
		{"count zero", []string{"a"}, srcs, 0, "outside 1..1"},
		{"count above pool", []string{"a", "b"}, srcs, 3, "outside 1..2"},
		{"duplicate", []string{"a", "b", "a"}, srcs, 1, "entries 1 and 3"},
		{"blank entry", []string{"a", ""}, srcs, 1, "entry 2"},
		{"space", []string{" a"}, srcs, 1, "entry 1"},
		{"control", []string{"a\tb"}, srcs, 1, "entry 1"},
		{"too big", big, srcs, 1, "at most 65535"},
		{"no sources", []string{"a"}, nil, 1, "no sources"},
		{"empty source", []string{"a"}, [][]int64{{}}, 1, "source 1"},
		{"negative", []string{"a"}, [][]int64{{-1}}, 1, "source 1"},
	} {
		_, err := RFC3797Select(c.pool, c.srcs, c.count)
		if !errors.Is(err, ErrRFC3797Input) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want ErrRFC3797Input mentioning %q", c.name, err, c.want)
		}
	}
}

// The largest pool the RFC allows runs to completion and is a permutation.
func TestRFC3797MaxPool(t *testing.T) {
	pool := make([]string, RFC3797MaxPool)
	for i := range pool {
		pool[i] = fmt.Sprint(i)
	}
	got, err := RFC3797Select(pool, [][]int64{{7}}, len(pool))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	want := slices.Clone(pool)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatal("full selection of the maximum pool is not a permutation")
	}
}

func ExampleRFC3797Select() {
	pool := []string{"John", "Mary", "Bashful", "Dopey", "Sleepy", "Grouchy", "Doc",
		"Sneazy", "Handsome", "Cassandra", "Pollyanna", "Pendragon", "Pandora",
		"Faith", "Hope", "Charity", "Lee", "Longsuffering", "Chastity", "Smith",
		"Pride", "Sloth", "Envy", "Anger", "Kasczynski"}
	sources := [][]int64{{9319}, {2, 5, 12, 8, 10}, {9, 18, 26, 34, 41, 45}}
	key, _ := RFC3797Key(sources)
	fmt.Println(string(key))
	picked, err := RFC3797Select(pool, sources, 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Join(picked, " "))
	// Output:
	// 9319./2.5.8.10.12./9.18.26.34.41.45./
	// Lee Doc Mary Charity Kasczynski Envy Sneazy Anger Chastity Pandora
}

func FuzzRFC3797Select(f *testing.F) {
	f.Add("a\nb\nc", "9319", "2 5 12 8 10", 2)
	f.Add("x", "0", "", 1)
	f.Fuzz(func(t *testing.T, poolText, s1, s2 string, count int) {
		pool := strings.Split(poolText, "\n")
		var srcs [][]int64
		for _, s := range []string{s1, s2} {
			if n, err := ParseLotteryNumbers(s); err == nil {
				srcs = append(srcs, n)
			}
		}
		got, err := RFC3797Select(pool, srcs, count)
		if err != nil {
			if !errors.Is(err, ErrRFC3797Input) {
				t.Fatalf("error not wrapping ErrRFC3797Input: %v", err)
			}
			return
		}
		if len(got) != count {
			t.Fatalf("%d selected, want %d", len(got), count)
		}
		seen := map[string]bool{}
		for _, g := range got {
			if seen[g] || !slices.Contains(pool, g) {
				t.Fatalf("selection %v repeats or leaves the pool", got)
			}
			seen[g] = true
		}
	})
}

func BenchmarkRFC3797Select(b *testing.B) {
	pool := make([]string, RFC3797MaxPool)
	for i := range pool {
		pool[i] = fmt.Sprint(i)
	}
	srcs := [][]int64{{9319}, {2, 5, 8, 10, 12}}
	for b.Loop() {
		if _, err := RFC3797Select(pool, srcs, 3277); err != nil { // 5%
			b.Fatal(err)
		}
	}
}
