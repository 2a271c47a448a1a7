package checkpoint

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shuangsuiji/ssj/internal/b64"
	"github.com/shuangsuiji/ssj/internal/merkle"
)

// ErrFormat is returned (wrapped) when a checkpoint body, a note, a
// verifier key or a proof file is malformed.
var ErrFormat = errors.New("checkpoint: malformed")

// ErrVerify is returned (wrapped) when a signature, a consistency proof or
// a comparison with a log does not hold.
var ErrVerify = errors.New("checkpoint: does not verify")

// MaxNoteBytes bounds a signed note or a proof file.
const MaxNoteBytes = 64 << 10

// Checkpoint is a tlog-checkpoint body: the log's origin, its size and the
// Merkle root over its first Size leaves.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   merkle.Hash
}

// FromCommitment is the checkpoint of a registry snapshot's commitment
// (registry.Commitment's Count and hex Root) under origin, which should
// name the snapshot (e.g. ".../registry/targets/2026-03-01").
func FromCommitment(origin string, count int, rootHex string) (Checkpoint, error) {
	var c Checkpoint
	if len(rootHex) != 2*len(c.Root) {
		return Checkpoint{}, fmt.Errorf("%w: commitment root %q: want %d hex digits", ErrFormat, rootHex, 2*len(c.Root))
	}
	if _, err := hex.Decode(c.Root[:], []byte(rootHex)); err != nil {
		return Checkpoint{}, fmt.Errorf("%w: commitment root %q: %v", ErrFormat, rootHex, err)
	}
	c.Origin, c.Size = origin, int64(count)
	if err := c.Validate(); err != nil {
		return Checkpoint{}, err
	}
	return c, nil
}

// Validate checks the origin (non-empty UTF-8 without white space at its
// ends, no control characters) and the size (not negative).
func (c Checkpoint) Validate() error {
	if c.Origin == "" || !utf8.ValidString(c.Origin) || strings.TrimSpace(c.Origin) != c.Origin {
		return fmt.Errorf("%w: origin %q: want non-empty UTF-8 without leading or trailing space", ErrFormat, c.Origin)
	}
	for _, r := range c.Origin {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return fmt.Errorf("%w: origin %q contains a control character", ErrFormat, c.Origin)
		}
	}
	if c.Size < 0 {
		return fmt.Errorf("%w: size %d is negative", ErrFormat, c.Size)
	}
	return nil
}

// Body returns the tlog-checkpoint text: origin, size, base64 root, each
// ending in a newline.
func (c Checkpoint) Body() []byte {
	return []byte(c.Origin + "\n" + strconv.FormatInt(c.Size, 10) + "\n" + base64.StdEncoding.EncodeToString(c.Root[:]) + "\n")
}

// RootHex returns the root as 64 lower-case hex digits (the form of trail
// and registry heads).
func (c Checkpoint) RootHex() string { return hex.EncodeToString(c.Root[:]) }

// ParseBody reads a tlog-checkpoint body strictly: exactly three lines,
// each ending in a newline, the size in canonical decimal, the root 32
// bytes of padded standard base64. Extension lines are refused.
func ParseBody(b []byte) (Checkpoint, error) {
	if len(b) > MaxNoteBytes {
		return Checkpoint{}, fmt.Errorf("%w: body of %d bytes, more than %d", ErrFormat, len(b), MaxNoteBytes)
	}
	if !bytes.HasSuffix(b, []byte("\n")) {
		return Checkpoint{}, fmt.Errorf("%w: body does not end in a newline", ErrFormat)
	}
	lines := strings.Split(string(b[:len(b)-1]), "\n")
	if len(lines) < 3 {
		return Checkpoint{}, fmt.Errorf("%w: body has %d lines, want origin, size and root", ErrFormat, len(lines))
	}
	if len(lines) > 3 {
		return Checkpoint{}, fmt.Errorf("%w: body line 4 %q: extension lines are not accepted", ErrFormat, lines[3])
	}
	c := Checkpoint{Origin: lines[0]}
	if err := c.Validate(); err != nil {
		return Checkpoint{}, fmt.Errorf("body line 1: %w", err)
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != lines[1] {
		return Checkpoint{}, fmt.Errorf("%w: body line 2: size %q is not a non-negative decimal integer", ErrFormat, lines[1])
	}
	c.Size = n
	root, err := b64.Decode(lines[2])
	if err != nil || len(root) != len(c.Root) {
		return Checkpoint{}, fmt.Errorf("%w: body line 3: root %q is not %d bytes of base64", ErrFormat, lines[2], len(c.Root))
	}
	copy(c.Root[:], root)
	return c, nil
}
