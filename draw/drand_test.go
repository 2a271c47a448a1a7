package draw

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// srcBeaconFile is the layout of testdata/drand/quicknet-beacons.json.
type srcBeaconFile struct {
	Network   string `json:"network"`
	ChainHash string `json:"chain_hash"`
	Beacons   []struct {
		Round      uint64 `json:"round"`
		Randomness string `json:"randomness"`
		Signature  string `json:"signature"`
		EmittedAt  string `json:"emitted_at"`
		Provenance string `json:"provenance"`
	} `json:"beacons"`
}

func srcLoadBeacons(t testing.TB) srcBeaconFile {
	t.Helper()
	b, err := os.ReadFile("testdata/drand/quicknet-beacons.json")
	if err != nil {
		t.Fatal(err)
	}
	var f srcBeaconFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Beacons) < 2 {
		t.Fatalf("need at least two bundled beacons, have %d", len(f.Beacons))
	}
	return f
}

func srcDemoBeacon(t testing.TB) DrandBeacon {
	t.Helper()
	f, err := os.Open("testdata/drand/quicknet-demo.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := DecodeDrandBeacon(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The pinned chain information must match drand's published /info document
// and hash to the chain hash the way drand computes it.
func TestQuicknetPinnedInfo(t *testing.T) {
	raw, err := os.ReadFile("testdata/drand/quicknet-info.json")
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		PublicKey   string `json:"public_key"`
		Period      int64  `json:"period"`
		GenesisTime int64  `json:"genesis_time"`
		Hash        string `json:"hash"`
		GroupHash   string `json:"groupHash"`
		SchemeID    string `json:"schemeID"`
		Metadata    struct {
			BeaconID string `json:"beaconID"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(raw, &info); err != nil {
		t.Fatal(err)
	}
	q := Quicknet
	for _, c := range []struct{ name, got, want string }{
		{"public key", q.PublicKey, info.PublicKey},
		{"hash", q.Hash, info.Hash},
		{"genesis seed", q.GenesisSeed, info.GroupHash},
		{"scheme", q.Scheme, info.SchemeID},
		{"beacon id", q.Name, info.Metadata.BeaconID},
	} {
		if c.got != c.want {
			t.Errorf("%s: pinned %q, drand info %q", c.name, c.got, c.want)
		}
	}
	if q.Genesis != info.GenesisTime || q.Period != time.Duration(info.Period)*time.Second {
		t.Errorf("genesis/period: pinned %d/%s, drand info %d/%ds", q.Genesis, q.Period, info.GenesisTime, info.Period)
	}
	got, err := q.ChainHash()
	if err != nil {
		t.Fatal(err)
	}
	if got != info.Hash {
		t.Errorf("ChainHash() = %s, want %s", got, info.Hash)
	}
	if q.DST != "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_" {
		t.Errorf("DST = %q", q.DST)
	}
}

func TestDrandRoundTime(t *testing.T) {
	for _, c := range []struct {
		round uint64
		want  string
	}{
		{1, "2023-08-23T15:09:27Z"},
		{1000, "2023-08-23T15:59:24Z"}, // as drand's own client prints round 1000
		{32285086, "2026-09-17T15:23:42Z"},
	} {
		if got := Quicknet.RoundTime(c.round).Format(time.RFC3339); got != c.want {
			t.Errorf("RoundTime(%d) = %s, want %s", c.round, got, c.want)
		}
	}
}

func TestDrandBundledBeaconsVerify(t *testing.T) {
	f := srcLoadBeacons(t)
	if f.ChainHash != Quicknet.Hash {
		t.Fatalf("bundle is for chain %s", f.ChainHash)
	}
	for _, b := range f.Beacons {
		got, err := Quicknet.Verify(DrandBeacon{Round: b.Round, Randomness: b.Randomness, Signature: b.Signature})
		if err != nil {
			t.Errorf("round %d: %v", b.Round, err)
			continue
		}
		if hex.EncodeToString(got[:]) != b.Randomness {
			t.Errorf("round %d: randomness %x, want %s", b.Round, got, b.Randomness)
		}
		if at := Quicknet.RoundTime(b.Round).Format(time.RFC3339); at != b.EmittedAt {
			t.Errorf("round %d: emitted_at %s in the bundle, RoundTime says %s", b.Round, b.EmittedAt, at)
		}
	}
	demo := srcDemoBeacon(t)
	if _, err := Quicknet.Verify(demo); err != nil {
		t.Errorf("demo beacon: %v", err)
	}
}

// srcFlipHex flips bit `bit` of byte `i` of a hex string.
func srcFlipHex(t testing.TB, s string, i int, bit byte) string {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	b[i] ^= bit
	return hex.EncodeToString(b)
}

func TestDrandBeaconsThatMustNotVerify(t *testing.T) {
	f := srcLoadBeacons(t)
	good := DrandBeacon{Round: f.Beacons[0].Round, Randomness: f.Beacons[0].Randomness, Signature: f.Beacons[0].Signature}
	other := DrandBeacon{Round: f.Beacons[1].Round, Randomness: f.Beacons[1].Randomness, Signature: f.Beacons[1].Signature}
	srcSHA := func(sigHex string) string {
		b, _ := hex.DecodeString(sigHex)
		return hex.EncodeToString(srcSum(b))
	}
	flippedSig := srcFlipHex(t, good.Signature, 47, 0x01)
	flippedHi := srcFlipHex(t, good.Signature, 0, 0x20) // the sign-of-y flag: another point
	wrongChain := Quicknet
	wrongChain.PublicKey = srcFlipHex(t, Quicknet.PublicKey, 95, 0x01)
	fastnet := Quicknet
	fastnet.Scheme = "bls-unchained-on-g1"

	cases := []struct {
		name  string
		chain DrandChain
		b     DrandBeacon
		want  string
	}{
		{"flipped bit in signature, randomness recomputed", Quicknet,
			DrandBeacon{Round: good.Round, Signature: flippedSig, Randomness: srcSHA(flippedSig)}, ""},
		{"flipped y-sign flag, randomness recomputed", Quicknet,
			DrandBeacon{Round: good.Round, Signature: flippedHi, Randomness: srcSHA(flippedHi)}, "not the network's signature"},
		{"flipped bit in signature, old randomness", Quicknet,
			DrandBeacon{Round: good.Round, Signature: flippedSig, Randomness: good.Randomness}, "not SHA-256 of the signature"},
		{"wrong round", Quicknet,
			DrandBeacon{Round: good.Round + 1, Signature: good.Signature, Randomness: good.Randomness}, "not the network's signature"},
		{"signature of another round", Quicknet,
			DrandBeacon{Round: good.Round, Signature: other.Signature, Randomness: other.Randomness}, "not the network's signature"},
		{"randomness is not SHA-256 of signature", Quicknet,
			DrandBeacon{Round: good.Round, Signature: good.Signature, Randomness: other.Randomness}, "not SHA-256 of the signature"},
		{"round zero", Quicknet, DrandBeacon{Signature: good.Signature, Randomness: good.Randomness}, "round 0"},
		{"short signature", Quicknet,
			DrandBeacon{Round: good.Round, Signature: good.Signature[:94], Randomness: good.Randomness}, "hex digits"},
		{"upper-case hex", Quicknet,
			DrandBeacon{Round: good.Round, Signature: strings.ToUpper(good.Signature), Randomness: good.Randomness}, "lower-case"},
		{"identity signature", Quicknet,
			DrandBeacon{Round: good.Round, Signature: "c0" + strings.Repeat("00", 47), Randomness: srcSHA("c0" + strings.Repeat("00", 47))}, "identity"},
		{"wrong public key (chain hash no longer matches)", wrongChain, good, "chain hash"},
		{"unsupported scheme", fastnet, good, "scheme"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.chain.Verify(c.b)
			if !errors.Is(err, ErrBadBeacon) {
				t.Fatalf("err = %v, want ErrBadBeacon", err)
			}
			if c.want != "" && !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
	if _, err := DrandChainByName("fastnet"); !errors.Is(err, ErrBadBeacon) {
		t.Errorf("unknown network: err = %v", err)
	}
	for _, n := range []string{"", "quicknet", Quicknet.Hash} {
		if c, err := DrandChainByName(n); err != nil || c.Hash != Quicknet.Hash {
			t.Errorf("DrandChainByName(%q) = %v, %v", n, c.Name, err)
		}
	}
}

func TestDecodeDrandBeacon(t *testing.T) {
	for _, c := range []struct {
		in, err string
	}{
		{`{"round":5,"randomness":"ab","signature":"cd","previous_signature":""}`, ""},
		{`{"randomness":"ab","signature":"cd"}`, "round is missing"},
		{`{"round":1.5}`, "drand beacon JSON"},
		{`{"round":-1}`, "drand beacon JSON"},
		{`{"round":1} {}`, "trailing"},
		{`[`, "drand beacon JSON"},
	} {
		_, err := DecodeDrandBeacon(strings.NewReader(c.in))
		if c.err == "" {
			if err != nil {
				t.Errorf("%s: %v", c.in, err)
			}
			continue
		}
		if !errors.Is(err, ErrBadBeacon) || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: err = %v, want ErrBadBeacon mentioning %q", c.in, err, c.err)
		}
	}
}

func BenchmarkDrandVerify(b *testing.B) {
	d := srcDemoBeacon(b)
	for b.Loop() {
		if _, err := Quicknet.Verify(d); err != nil {
			b.Fatal(err)
		}
	}
}
