package main

// Shared plumbing of the publish and review commands: dates, atomic file
// writes, and the read-only book, objection register and keyring files.

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
	"github.com/shuangsuiji/ssj/workday"
)

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
