package checkpoint_test

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/shuangsuiji/ssj/checkpoint"
	"github.com/shuangsuiji/ssj/suite"
	"github.com/shuangsuiji/ssj/trail"
)

func check(err error) {
	if err != nil {
		panic(err)
	}
}

// The agency signs a checkpoint of its trail and publishes the note; an
// auditor who holds the note and the agency's verifier key checks the trail
// against it later.
func Example() {
	l, err := trail.New(4)
	check(err)
	for i := range 3 {
		_, _, err := l.Append(trail.Entry{Kind: trail.ResultEntered, Actor: "录入员", Subject: fmt.Sprint("R-", i),
			Time: time.Date(2026, 3, 2, i, 0, 0, 0, time.UTC)})
		check(err)
	}
	// In production the key comes from a PEM file (suite.ParsePrivateKeyPEM).
	key, err := suite.NewEd25519Signer(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32)))
	check(err)
	const origin = "xihu.amr.gov.cn/ssj/trail"
	c, err := l.SignedCheckpoint(origin, int64(l.Len()))
	check(err)
	signer, err := checkpoint.NewSigner(origin, key)
	check(err)
	note, err := checkpoint.Sign(c, signer)
	check(err)
	fmt.Print(string(c.Body()))

	vkey, err := checkpoint.VerifierKey(origin, key.Algorithm(), key.Public())
	check(err)
	v, err := checkpoint.ParseVerifierKey(vkey)
	check(err)
	got, err := checkpoint.Open(note, v)
	check(err)
	rep, err := trail.Verify(bytes.NewReader(l.MarshalJSONL()), trail.VerifyOptions{Anchors: []trail.Checkpoint{trail.AnchorOf(got)}})
	check(err)
	fmt.Println("trail matches the signed checkpoint:", rep.OK)
	// Output:
	// xihu.amr.gov.cn/ssj/trail
	// 3
	// NA93cYk2WSp13L51ZG9aHtvF+RNSTzAdBsw1vfEXvsU=
	// trail matches the signed checkpoint: true
}
