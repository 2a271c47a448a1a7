package draw

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// TestRankDefinition recomputes a rank by writing the DRAW.md §3 formula out
// byte by byte, independent of appendLP.
func TestRankDefinition(t *testing.T) {
	var mh, r [32]byte
	for i := range mh {
		mh[i], r[i] = byte(i), byte(255-i)
	}
	k := DeriveKey(mh, r)
	km := hmac.New(sha256.New, mh[:])
	km.Write(r[:])
	if hex.EncodeToString(k[:]) != hex.EncodeToString(km.Sum(nil)) {
		t.Fatal("DeriveKey differs from HMAC-SHA256(manifest hash, R)")
	}
	msg := []byte{0, 0, 0, 6}
	msg = append(msg, "ssj-v1"...)
	msg = append(msg, 0, 0, 0, 6)
	msg = append(msg, "target"...)
	msg = append(msg, 0, 0, 0, 18)
	msg = append(msg, "91110000600037341L"...)
	m := hmac.New(sha256.New, k[:])
	m.Write(msg)
	want := hex.EncodeToString(m.Sum(nil))
	rk := NewRanker(k)
	if got := rk.Rank("target", "91110000600037341L").String(); got != want {
		t.Fatalf("rank = %s, want %s", got, want)
	}
	// The Ranker reuses buffers: a second, different call must not disturb a repeat.
	_ = rk.Rank("inspector", "91110000600037341L", "ZA0001")
	if got := rk.Rank("target", "91110000600037341L").String(); got != want {
		t.Fatalf("rank after reuse = %s, want %s", got, want)
	}
	// Parts are length-prefixed, so moving a boundary changes the rank.
	if rk.Rank("inspector", "ab", "c") == rk.Rank("inspector", "a", "bc") {
		t.Fatal("part boundaries are not encoded")
	}
}
