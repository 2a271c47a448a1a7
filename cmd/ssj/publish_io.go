package main

// Shared plumbing of the publish, review and trail commands: clock and date
// flags, the working-day calendar, state files and the trail appender.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/shuangsuiji/ssj/internal/jsonin"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/review"
	"github.com/shuangsuiji/ssj/trail"
	"github.com/shuangsuiji/ssj/workday"
)

// pubClock holds the --at and --on flags shared by every mutating verb.
type pubClock struct {
	at string
	on string
}

// resolve returns the instant of the step (--at, default now) and its civil
// date (--on, default the date of --at in China).
func (c pubClock) resolve() (time.Time, workday.Date, error) {
	at := time.Now().UTC()
	if c.at != "" {
		t, err := time.Parse(time.RFC3339, c.at)
		if err != nil {
			return time.Time{}, workday.Date{}, fmt.Errorf("--at %q: want RFC 3339, e.g. 2026-03-20T09:00:00+08:00", c.at)
		}
		at = t.UTC()
	}
	on := workday.DateOf(at)
	if c.on != "" {
		d, err := workday.ParseDate(c.on)
		if err != nil {
			return time.Time{}, workday.Date{}, fmt.Errorf("--on %q: %w", c.on, err)
		}
		on = d
	}
	return at, on, nil
}

func pubParseToday(s string) (workday.Date, error) {
	if s == "" {
		return workday.DateOf(time.Now()), nil
	}
	d, err := workday.ParseDate(s)
	if err != nil {
		return workday.Date{}, fmt.Errorf("--today %q: %w", s, err)
	}
	return d, nil
}

// pubWriteFileAtomic replaces path with data via a temporary file and rename.
func pubWriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	name := tmp.Name()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func pubMarshalIndent(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := writeJSON(&buf, v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// pubLoadBook reads a book file; a missing file gives a new book with the
// policy named by policy ("" means the file must exist).
func pubLoadBook(path, policy string) (*publish.Book, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && policy != "" {
		var p publish.Policy
		switch policy {
		case "seed":
			p = publish.SeedPolicy
		case "national":
			p = publish.NationalPolicy
		default:
			return nil, fmt.Errorf("--policy %q: want seed (2 working days) or national (20)", policy)
		}
		return publish.NewBook(p)
	}
	if err != nil {
		return nil, fmt.Errorf("book %s: %w", path, err)
	}
	b, err := publish.DecodeBook(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("book %s: %w", path, err)
	}
	return b, nil
}

func pubSaveBook(path string, b *publish.Book) error {
	data, err := pubMarshalIndent(b)
	if err != nil {
		return fmt.Errorf("book %s: %w", path, err)
	}
	return pubWriteFileAtomic(path, data, 0o644)
}

// pubLoadRegister reads an objection register; a missing file is empty when
// mayCreate.
func pubLoadRegister(path string, mayCreate bool) (*review.Register, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && mayCreate {
		return &review.Register{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("objections %s: %w", path, err)
	}
	r, err := review.DecodeRegister(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("objections %s: %w", path, err)
	}
	return r, nil
}

func pubSaveRegister(path string, r *review.Register) error {
	data, err := pubMarshalIndent(r)
	if err != nil {
		return fmt.Errorf("objections %s: %w", path, err)
	}
	return pubWriteFileAtomic(path, data, 0o644)
}

func pubLoadKeyring(path string) (publish.Keyring, error) {
	f, err := os.Open(path)
	if err != nil {
		return publish.Keyring{}, fmt.Errorf("keyring %s: %w", path, err)
	}
	defer f.Close()
	k, err := publish.DecodeKeyring(f)
	if err != nil {
		return publish.Keyring{}, fmt.Errorf("keyring %s: %w", path, err)
	}
	if len(k.Keys) == 0 {
		return publish.Keyring{}, fmt.Errorf("keyring %s: holds no key", path)
	}
	return k, nil
}

// trailFile is an open trail that commands append to. It is verified when
// opened: a command refuses to extend a trail that has been tampered with.
type trailFile struct {
	path    string
	log     *trail.Log
	pending []byte
	fresh   bool
}

// errTrailProblem marks a trail that failed verification (exit 1).
var errTrailProblem = errors.New("trail does not verify")

func trailOpen(path string) (*trailFile, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		l, _ := trail.New(0)
		return &trailFile{path: path, log: l, pending: l.HeaderLine(), fresh: true}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("trail %s: %w", path, err)
	}
	l, err := trail.Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("trail %s: %w: %w", path, errTrailProblem, err)
	}
	return &trailFile{path: path, log: l}, nil
}

// add records one step in memory; flush writes it.
func (t *trailFile) add(en trail.Entry) error {
	_, b, err := t.log.Append(en)
	if err != nil {
		return fmt.Errorf("trail %s: %w", t.path, err)
	}
	t.pending = append(t.pending, b...)
	return nil
}

// flush appends the recorded steps to the file.
func (t *trailFile) flush() error {
	if len(t.pending) == 0 {
		return nil
	}
	flags := os.O_WRONLY | os.O_APPEND
	if t.fresh {
		flags |= os.O_CREATE | os.O_EXCL
	}
	f, err := os.OpenFile(t.path, flags, 0o644)
	if err != nil {
		return fmt.Errorf("trail %s: %w", t.path, err)
	}
	if _, err := f.Write(t.pending); err != nil {
		f.Close()
		return fmt.Errorf("trail %s: %w", t.path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("trail %s: %w", t.path, err)
	}
	t.pending, t.fresh = nil, false
	return nil
}

// trailOpenError maps a trail opening failure to an exit status.
func trailOpenError(e *env, err error) int {
	fmt.Fprintf(e.stderr, "ssj: %v\n", err)
	if errors.Is(err, errTrailProblem) {
		return exitProblem
	}
	return exitUsage
}

func pubDecodeJSONFile(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := jsonin.Decode(data, v, jsonin.Options{}); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
