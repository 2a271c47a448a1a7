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

// The agency signs a checkpoint of its trail and publishes the note; an
// auditor who holds the note and the agency's verifier key checks the trail
// against it later.
func Example() {
	l, _ := trail.New(4)
	for i := range 3 {
		l.Append(trail.Entry{Kind: trail.ResultEntered, Actor: "录入员", Subject: fmt.Sprint("R-", i),
			Time: time.Date(2026, 3, 2, i, 0, 0, 0, time.UTC)})
	}
	// In production the key comes from a PEM file (suite.ParsePrivateKeyPEM).
	key, _ := suite.NewEd25519Signer(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32)))
	const origin = "xihu.amr.gov.cn/ssj/trail"
	c, _ := l.SignedCheckpoint(origin, int64(l.Len()))
	signer, _ := checkpoint.NewSigner(origin, key)
	note, _ := checkpoint.Sign(c, signer)
	fmt.Print(string(c.Body()))

	vkey, _ := checkpoint.VerifierKey(origin, key.Algorithm(), key.Public())
	v, _ := checkpoint.ParseVerifierKey(vkey)
	got, err := checkpoint.Open(note, v)
	if err != nil {
		panic(err)
	}
	rep, _ := trail.Verify(bytes.NewReader(l.MarshalJSONL()), trail.VerifyOptions{Anchors: []trail.Checkpoint{trail.AnchorOf(got)}})
	fmt.Println("trail matches the signed checkpoint:", rep.OK)
	// Output:
	// xihu.amr.gov.cn/ssj/trail
	// 3
	// NA93cYk2WSp13L51ZG9aHtvF+RNSTzAdBsw1vfEXvsU=
	// trail matches the signed checkpoint: true
}
