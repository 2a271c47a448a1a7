package api

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Blobs keeps evidence files (photos, recordings, documents: rule R24) by
// their SHA-256, in a directory: the content-addressed files that
// evidence.Attachment names. A result carries the attachment, never the
// bytes; Blobs only holds bytes, so writing one is not a regime step (it
// changes no state the office knows of and needs no trail event: the
// attachment in the entered result is what is traced).
type Blobs struct {
	dir string
}

// OpenBlobs opens (creating it when missing) a blob directory.
func OpenBlobs(dir string) (*Blobs, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("api: blobs: %w", err)
	}
	return &Blobs{dir: dir}, nil
}

// ErrBlobNotFound is returned by Open for an unknown digest.
var ErrBlobNotFound = errors.New("api: blob not found")

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func (b *Blobs) path(sha string) string { return filepath.Join(b.dir, sha[:2], sha) }

// Put stores r's bytes (at most max) and returns their SHA-256 and size.
// Storing the same bytes twice is harmless.
func (b *Blobs) Put(r io.Reader, max int64) (sha string, size int64, err error) {
	tmp, err := os.CreateTemp(b.dir, "upload-*")
	if err != nil {
		return "", 0, err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, max+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, err
	}
	if size > max {
		return "", size, &FieldError{Status: 413, Field: "body", Value: fmt.Sprintf("%d+ bytes", max), Msg: fmt.Sprintf("the file is over the limit of %d bytes", max)}
	}
	if size == 0 {
		return "", 0, &FieldError{Status: 400, Field: "body", Msg: "the file is empty"}
	}
	sha = hex.EncodeToString(h.Sum(nil))
	if err := os.MkdirAll(filepath.Dir(b.path(sha)), 0o755); err != nil {
		return "", 0, err
	}
	if err := os.Rename(tmp.Name(), b.path(sha)); err != nil {
		return "", 0, err
	}
	return sha, size, nil
}

// Open returns the file of a digest (ErrBlobNotFound when absent).
func (b *Blobs) Open(sha string) (*os.File, error) {
	if !isHex64(sha) {
		return nil, &FieldError{Status: 400, Field: "sha256", Value: sha, Msg: "want 64 lower-case hex digits"}
	}
	f, err := os.Open(b.path(sha))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrBlobNotFound, sha)
	}
	return f, err
}
