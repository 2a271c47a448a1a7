package merkle

import (
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
)

// The eight leaves and tree heads used by the Certificate Transparency
// reference implementation to test RFC 6962 hashing.
var ctLeaves = []string{"", "00", "10", "2021", "3031", "40414243",
	"5051525354555657", "606162636465666768696a6b6c6d6e6f"}

var ctRoots = []string{
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}

func leaves(t testing.TB, n int) [][]byte {
	out := make([][]byte, n)
	for i := range n {
		b, err := hex.DecodeString(ctLeaves[i])
		if err != nil {
			t.Fatal(err)
		}
		out[i] = b
	}
	return out
}

func TestRootRFC6962Vectors(t *testing.T) {
	for n := 0; n <= 8; n++ {
		got := Root(leaves(t, n))
		if hex.EncodeToString(got[:]) != ctRoots[n] {
			t.Errorf("size %d: root %x, want %s", n, got, ctRoots[n])
		}
	}
}

// TestInclusionPathRFCExample checks PATH(0, D[7]) against the published
// known answer.
func TestInclusionPathRFCExample(t *testing.T) {
	ls := leaves(t, 7)
	hs := make([]Hash, len(ls))
	for i, l := range ls {
		hs[i] = LeafHash(l)
	}
	p, err := InclusionProof(hs, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		"837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e",
	}
	if len(p) != len(want) {
		t.Fatalf("path length %d, want %d", len(p), len(want))
	}
	for i := range want {
		if hex.EncodeToString(p[i][:]) != want[i] {
			t.Errorf("path[%d] = %x, want %s", i, p[i], want[i])
		}
	}
}

// recursiveRoot is MTH written straight from the RFC's definition.
func recursiveRoot(d []Hash) Hash {
	switch len(d) {
	case 0:
		return EmptyRoot()
	case 1:
		return d[0]
	}
	k := splitPoint(len(d))
	return NodeHash(recursiveRoot(d[:k]), recursiveRoot(d[k:]))
}

func TestInclusionRoundTripAndTamper(t *testing.T) {
	for n := 1; n <= 70; n++ {
		hs := make([]Hash, n)
		for i := range hs {
			hs[i] = LeafHash([]byte(fmt.Sprint("leaf-", i)))
		}
		root := RootFromLeafHashes(hs)
		if root != recursiveRoot(hs) {
			t.Fatalf("size %d: iterative root differs from the RFC recursion", n)
		}
		for i := range n {
			p, err := InclusionProof(hs, i)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyInclusion(hs[i], i, n, p, root); err != nil {
				t.Fatalf("size %d index %d: %v", n, i, err)
			}
			// A different leaf, index, size, truncated or extended proof fails.
			other := LeafHash([]byte("intruder"))
			if err := VerifyInclusion(other, i, n, p, root); !errors.Is(err, ErrProof) {
				t.Fatalf("size %d index %d: wrong leaf accepted", n, i)
			}
			if n > 1 {
				if err := VerifyInclusion(hs[i], (i+1)%n, n, p, root); !errors.Is(err, ErrProof) {
					t.Fatalf("size %d index %d: wrong index accepted", n, i)
				}
				if err := VerifyInclusion(hs[i], i, n, p[:len(p)-1], root); !errors.Is(err, ErrProof) {
					t.Fatalf("size %d index %d: truncated proof accepted", n, i)
				}
			}
			if err := VerifyInclusion(hs[i], i, n, append(p, other), root); !errors.Is(err, ErrProof) {
				t.Fatalf("size %d index %d: extended proof accepted", n, i)
			}
		}
	}
	if _, err := InclusionProof(nil, 0); err == nil {
		t.Fatal("proof for an empty tree accepted")
	}
	if err := VerifyInclusion(Hash{}, 3, 3, nil, Hash{}); !errors.Is(err, ErrProof) {
		t.Fatal("index beyond size accepted")
	}
}
