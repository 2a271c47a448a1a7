package checkpoint

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/shuangsuiji/ssj/internal/b64"
	"github.com/shuangsuiji/ssj/internal/merkle"
	"github.com/shuangsuiji/ssj/suite"
)

// ProofFormat is the first line of a consistency proof file.
const ProofFormat = "ssj-consistency-proof/1"

// maxProofHashes bounds a proof: RFC 6962 proofs of trees below 2^63 have
// fewer than 2·63 hashes.
const maxProofHashes = 128

// Proof is an RFC 6962 consistency proof from the tree of Old leaves to the
// tree of New leaves of a log hashed with Suite.
type Proof struct {
	Suite  suite.ID
	Old    int64
	New    int64
	Hashes []merkle.Hash
}

// Marshal returns the proof file (see the package doc).
func (p Proof) Marshal() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\nsuite %s\nold %d\nnew %d\n", ProofFormat, p.Suite, p.Old, p.New)
	for _, h := range p.Hashes {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:]))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// ParseProof reads a proof file strictly: the format line, suite, old and
// new lines in that order, then one base64 hash per line; every line ends
// in a newline.
func ParseProof(b []byte) (Proof, error) {
	if len(b) > MaxNoteBytes {
		return Proof{}, fmt.Errorf("%w: proof of %d bytes, more than %d", ErrFormat, len(b), MaxNoteBytes)
	}
	if !bytes.HasSuffix(b, []byte("\n")) {
		return Proof{}, fmt.Errorf("%w: proof does not end in a newline", ErrFormat)
	}
	lines := strings.Split(string(b[:len(b)-1]), "\n")
	if len(lines) < 4 || lines[0] != ProofFormat {
		return Proof{}, fmt.Errorf("%w: proof: want the lines %q, suite, old and new", ErrFormat, ProofFormat)
	}
	var p Proof
	id, ok := strings.CutPrefix(lines[1], "suite ")
	if !ok {
		return Proof{}, fmt.Errorf("%w: proof line 2 %q: want \"suite ID\"", ErrFormat, lines[1])
	}
	if _, err := suite.Lookup(id); err != nil || id == "" {
		return Proof{}, fmt.Errorf("%w: proof line 2: suite %q: want %q or %q", ErrFormat, id, suite.V1, suite.V1SM)
	}
	p.Suite = suite.ID(id)
	for i, f := range []struct {
		name string
		v    *int64
	}{{"old", &p.Old}, {"new", &p.New}} {
		s, ok := strings.CutPrefix(lines[2+i], f.name+" ")
		n, err := strconv.ParseInt(s, 10, 64)
		if !ok || err != nil || n < 0 || strconv.FormatInt(n, 10) != s {
			return Proof{}, fmt.Errorf("%w: proof line %d %q: want \"%s SIZE\"", ErrFormat, 3+i, lines[2+i], f.name)
		}
		*f.v = n
	}
	if p.New < p.Old {
		return Proof{}, fmt.Errorf("%w: proof from size %d to the smaller size %d", ErrFormat, p.Old, p.New)
	}
	if len(lines)-4 > maxProofHashes {
		return Proof{}, fmt.Errorf("%w: proof has %d hashes, more than %d", ErrFormat, len(lines)-4, maxProofHashes)
	}
	for i, l := range lines[4:] {
		raw, err := b64.Decode(l)
		if err != nil || len(raw) != len(merkle.Hash{}) {
			return Proof{}, fmt.Errorf("%w: proof line %d %q: not %d bytes of base64", ErrFormat, 5+i, l, len(merkle.Hash{}))
		}
		var h merkle.Hash
		copy(h[:], raw)
		p.Hashes = append(p.Hashes, h)
	}
	return p, nil
}

// Prove returns the consistency proof from the first old leaves to all of
// leaves (leaf hashes of a log hashed with s).
func Prove(s suite.Suite, leaves []merkle.Hash, old int64) (Proof, error) {
	if old < 0 || old > int64(len(leaves)) {
		return Proof{}, fmt.Errorf("%w: proof from size %d: the log has %d leaves", ErrVerify, old, len(leaves))
	}
	hs, err := s.Merkle().ConsistencyProof(leaves, int(old))
	if err != nil {
		return Proof{}, fmt.Errorf("checkpoint: %w", err)
	}
	return Proof{Suite: s.ID(), Old: old, New: int64(len(leaves)), Hashes: hs}, nil
}

// VerifyConsistency checks that checkpoint newer extends checkpoint older
// by proof p: same origin, sizes as the proof says, and the RFC 6962 proof
// (under p's suite) leads from older's root to newer's.
func VerifyConsistency(older, newer Checkpoint, p Proof) error {
	if older.Origin != newer.Origin {
		return fmt.Errorf("%w: checkpoints of different logs: %q and %q", ErrVerify, older.Origin, newer.Origin)
	}
	if p.Old != older.Size || p.New != newer.Size {
		return fmt.Errorf("%w: the proof is from size %d to %d, the checkpoints have sizes %d and %d", ErrVerify, p.Old, p.New, older.Size, newer.Size)
	}
	if int64(int(newer.Size)) != newer.Size {
		return fmt.Errorf("%w: size %d is too large for this platform", ErrFormat, newer.Size)
	}
	s, err := suite.Lookup(string(p.Suite))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if err := s.Merkle().VerifyConsistency(int(older.Size), int(newer.Size), p.Hashes, older.Root, newer.Root); err != nil {
		return fmt.Errorf("%w: %q size %d → %d: %v", ErrVerify, older.Origin, older.Size, newer.Size, err)
	}
	return nil
}
