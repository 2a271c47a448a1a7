package evidence_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/shuangsuiji/ssj/evidence"
)

// An inspector records the on-site inspection on video (rule R24); the
// attachment goes into the result entry and the trail, the file to
// storage. Later an auditor checks a copy of the file.
func Example() {
	recording := []byte("...the bytes of the video file...")
	at := time.Date(2026, 4, 2, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	a, err := evidence.New(recording, "video/mp4", evidence.StepOnSite, "44010610002", at)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.ID()[:15], a.Size, a.Step.Chinese())
	fmt.Println("original:", a.Verify(recording))

	edited := append([]byte(nil), recording...)
	edited[3] = '!'
	err = a.Verify(edited)
	var me *evidence.MismatchError
	fmt.Println("edited:", errors.Is(err, evidence.ErrMismatch), errors.As(err, &me) && me.Field == "sha256")
	// Output:
	// sha256:60aa96ad 33 现场检查
	// original: <nil>
	// edited: true true
}
