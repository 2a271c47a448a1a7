package api

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Role is what a bearer token may do.
type Role string

// The roles. RolePublic is the role of a request without a token.
const (
	RolePublic   Role = "public"
	RoleOperator Role = "operator" // 经办: enter, release, follow up, upload evidence
	RoleApprover Role = "approver" // 审核: review results, lock drawn lists
	RoleAuditor  Role = "auditor"  // 审计: trail, audit, unpublished entries
)

// Valid reports whether r is one of the staff roles (a token's role).
func (r Role) Valid() bool {
	return r == RoleOperator || r == RoleApprover || r == RoleAuditor
}

// Principal is who sends a request: the role and the name recorded as the
// actor of the steps it takes.
type Principal struct {
	Role Role   `json:"role"`
	Name string `json:"name,omitempty"`
}

// ErrTokens is returned (wrapped in a *TokenFileError) for a malformed
// token file.
var ErrTokens = errors.New("api: invalid token file")

// TokenFileError names the file, line and field of a malformed token file.
type TokenFileError struct {
	File  string
	Line  int
	Field string
	Value string
	Msg   string
}

func (e *TokenFileError) Error() string {
	return fmt.Sprintf("%s:%d: field %s = %q: %s", e.File, e.Line, e.Field, e.Value, e.Msg)
}

// Unwrap makes a TokenFileError match ErrTokens.
func (e *TokenFileError) Unwrap() error { return ErrTokens }

// Tokens maps the SHA-256 of a bearer token to its principal. The zero
// value (or nil) accepts no token.
type Tokens struct {
	byHash map[[32]byte]Principal
}

// ParseTokens reads a token file: one token per line as
//
//	SHA256HEX ROLE NAME
//
// (NAME may contain spaces), blank lines and lines starting with # ignored.
// The file never holds a token itself, only its hash (TokenLine writes a
// line). file names the file in errors.
func ParseTokens(r io.Reader, file string) (*Tokens, error) {
	t := &Tokens{byHash: map[[32]byte]Principal{}}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !utf8.ValidString(line) {
			return nil, &TokenFileError{File: file, Line: n, Field: "line", Value: "", Msg: "not UTF-8"}
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			return nil, &TokenFileError{File: file, Line: n, Field: "line", Value: line, Msg: "want SHA256HEX ROLE NAME"}
		}
		raw, err := hex.DecodeString(f[0])
		if err != nil || len(raw) != sha256.Size {
			return nil, &TokenFileError{File: file, Line: n, Field: "hash", Value: f[0], Msg: "want 64 hex digits (the SHA-256 of the token)"}
		}
		role := Role(f[1])
		if !role.Valid() {
			return nil, &TokenFileError{File: file, Line: n, Field: "role", Value: f[1], Msg: "want operator, approver or auditor"}
		}
		var h [32]byte
		copy(h[:], raw)
		if _, dup := t.byHash[h]; dup {
			return nil, &TokenFileError{File: file, Line: n, Field: "hash", Value: f[0], Msg: "the same token is listed twice"}
		}
		t.byHash[h] = Principal{Role: role, Name: strings.Join(f[2:], " ")}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return t, nil
}

// Lookup returns the principal of a bearer token.
func (t *Tokens) Lookup(token string) (Principal, bool) {
	if t == nil || token == "" {
		return Principal{}, false
	}
	p, ok := t.byHash[sha256.Sum256([]byte(token))]
	return p, ok
}

// Len is the number of tokens.
func (t *Tokens) Len() int {
	if t == nil {
		return 0
	}
	return len(t.byHash)
}

// NewToken makes a random bearer token (32 bytes from rnd, crypto/rand
// when nil, base64url) and its token-file line for role and name.
func NewToken(rnd io.Reader, role Role, name string) (token, line string, err error) {
	if !role.Valid() {
		return "", "", fmt.Errorf("%w: role %q: want operator, approver or auditor", ErrTokens, role)
	}
	if strings.TrimSpace(name) == "" || strings.ContainsAny(name, "\r\n") {
		return "", "", fmt.Errorf("%w: name %q: want a non-empty single line", ErrTokens, name)
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	b := make([]byte, 32)
	if _, err := io.ReadFull(rnd, b); err != nil {
		return "", "", err
	}
	token = "ssj_" + base64.RawURLEncoding.EncodeToString(b)
	return token, TokenLine(token, role, name), nil
}

// TokenLine is the token-file line of token: its SHA-256, role and name.
func TokenLine(token string, role Role, name string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:]) + " " + string(role) + " " + strings.Join(strings.Fields(name), " ")
}
