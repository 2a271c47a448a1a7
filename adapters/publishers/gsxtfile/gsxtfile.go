// Package gsxtfile is a publisher (office.Publisher) that writes the
// office's publications as files for the National Enterprise Credit
// Information Publicity System (国家企业信用信息公示系统, GSXT) and the
// credit platform to pick up: each result version and correction as the
// public view's 公示 columns (publish.ExportColumns) in CSV and XLSX, each
// credit-record entry (信用记录, rule R30) in CSV and XLSX with the
// CreditColumns, announcements and summary reports as their JSON.
//
// The directory holds
//
//	results/NAME.csv, results/NAME.xlsx      result versions, corrections
//	credit/NAME.csv, credit/NAME.xlsx        credit-record entries
//	announcements/NAME.json                  task announcements
//	reports/NAME.json                        summary reports
//	receipts/NAME.json                       one receipt per publication
//
// where NAME is the publication's idempotency key (or its SHA-256 when
// the key has other characters than letters, digits, '.', '_', '-').
// Every file is written to a temporary name and renamed, the receipt
// last: a key whose receipt exists is answered with that receipt
// (Duplicate set) and nothing is written again, so the same key twice
// never makes a second file or row.
package gsxtfile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/publish"
)

// CreditColumns are the column headings of the credit-record files.
var CreditColumns = []string{
	"统一社会信用代码", "企业名称", "实施机关", "公示日期", "检查结论", "处置措施", "公示链接", "结果编号", "版本", "更正原因",
}

// CreditSheet is the worksheet name of the credit-record XLSX files.
const CreditSheet = "信用记录"

// Publisher writes publications into a directory. It is safe for
// concurrent use.
type Publisher struct {
	dir string
	now func() time.Time
	mu  sync.Mutex
}

var _ office.Publisher = (*Publisher)(nil)

// Options tune New.
type Options struct {
	// Now stamps the receipts; time.Now when nil.
	Now func() time.Time
}

// New returns a publisher writing into dir, creating it and its
// subdirectories.
func New(dir string, opt Options) (*Publisher, error) {
	if dir == "" {
		return nil, fmt.Errorf("gsxtfile: %w: no directory", office.ErrPrecondition)
	}
	for _, sub := range []string{"results", "credit", "announcements", "reports", "receipts"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("gsxtfile: %w: %w", office.ErrUnavailable, err)
		}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Publisher{dir: dir, now: opt.Now}, nil
}

// Close implements office.Publisher.
func (p *Publisher) Close() error { return nil }

var safeKey = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

// Name is the file name (without extension) of a key.
func Name(key string) string {
	if safeKey.MatchString(key) && key != "." && key != ".." {
		return key
	}
	s := sha256.Sum256([]byte(key))
	return hex.EncodeToString(s[:])
}

// stored is a receipt file.
type stored struct {
	Receipt office.Receipt `json:"receipt"`
	Kind    string         `json:"kind"`
	Subject string         `json:"subject"`
	SHA256  string         `json:"sha256"`
	Files   []string       `json:"files"`
}

// Publish implements office.Publisher.
func (p *Publisher) Publish(ctx context.Context, pub office.Publication) (office.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return office.Receipt{}, fmt.Errorf("gsxtfile: %w: %w", office.ErrUnavailable, err)
	}
	if pub.Key == "" {
		return office.Receipt{}, fmt.Errorf("gsxtfile: %w: publication without a key", office.ErrPrecondition)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	name := Name(pub.Key)
	rpath := filepath.Join(p.dir, "receipts", name+".json")
	if b, err := os.ReadFile(rpath); err == nil {
		var s stored
		if err := json.Unmarshal(b, &s); err != nil {
			return office.Receipt{}, fmt.Errorf("gsxtfile: %w: receipt %s: %w", office.ErrUnavailable, rpath, err)
		}
		if s.SHA256 != pub.SHA256 {
			return office.Receipt{}, fmt.Errorf("gsxtfile: %w: key %s was published with SHA-256 %s, now %s: a key names one publication", office.ErrPrecondition, pub.Key, s.SHA256, pub.SHA256)
		}
		s.Receipt.Duplicate = true
		return s.Receipt, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return office.Receipt{}, fmt.Errorf("gsxtfile: %w: %w", office.ErrUnavailable, err)
	}
	files, err := Render(pub)
	if err != nil {
		return office.Receipt{}, err
	}
	var names []string
	for _, f := range files {
		path := filepath.Join(p.dir, f.Path)
		if err := writeFile(path, f.Data); err != nil {
			return office.Receipt{}, err
		}
		names = append(names, f.Path)
	}
	abs, err := filepath.Abs(filepath.Join(p.dir, files[0].Path))
	if err != nil {
		return office.Receipt{}, fmt.Errorf("gsxtfile: %w: %w", office.ErrUnavailable, err)
	}
	s := stored{Receipt: office.Receipt{Key: pub.Key, PlatformID: "gsxt-file:" + name, URL: "file://" + filepath.ToSlash(abs),
		ReceivedAt: p.now().UTC()}, Kind: string(pub.Kind), Subject: pub.Subject, SHA256: pub.SHA256, Files: names}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return office.Receipt{}, err
	}
	if err := writeFile(rpath, append(b, '\n')); err != nil {
		return office.Receipt{}, err
	}
	return s.Receipt, nil
}

// File is one file of a publication, its path relative to the directory.
type File struct {
	Path string
	Data []byte
}

// Render returns the files a publication becomes (the receipt aside),
// the main one first. A body that does not decode as its kind says is
// refused with office.ErrPrecondition.
func Render(pub office.Publication) ([]File, error) {
	name := Name(pub.Key)
	refuse := func(err error) ([]File, error) {
		return nil, fmt.Errorf("gsxtfile: %w: %s %s (key %s): %w", office.ErrPrecondition, pub.Kind, pub.Subject, pub.Key, err)
	}
	switch pub.Kind {
	case office.PublicationResult, office.PublicationCorrection:
		var rec publish.PublicRecord
		if err := decodeStrict(pub.Body, &rec); err != nil {
			return refuse(err)
		}
		var c, x bytes.Buffer
		if err := publish.WriteCSV(&c, []publish.PublicRecord{rec}); err != nil {
			return refuse(err)
		}
		if err := publish.WriteXLSX(&x, []publish.PublicRecord{rec}); err != nil {
			return refuse(err)
		}
		return []File{{"results/" + name + ".csv", c.Bytes()}, {"results/" + name + ".xlsx", x.Bytes()}}, nil
	case office.PublicationCredit:
		var ce office.CreditEntry
		if err := decodeStrict(pub.Body, &ce); err != nil {
			return refuse(err)
		}
		row := creditRow(ce)
		c, err := creditCSV(row)
		if err != nil {
			return refuse(err)
		}
		x, err := creditXLSX(row)
		if err != nil {
			return refuse(err)
		}
		return []File{{"credit/" + name + ".csv", c}, {"credit/" + name + ".xlsx", x}}, nil
	case office.PublicationAnnouncement, office.PublicationSummary:
		if !json.Valid(pub.Body) {
			return refuse(errors.New("the body is not JSON"))
		}
		dir := "announcements/"
		if pub.Kind == office.PublicationSummary {
			dir = "reports/"
		}
		return []File{{dir + name + ".json", pub.Body}}, nil
	}
	return refuse(errors.New("unknown publication kind"))
}

func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the JSON document")
	}
	return nil
}

func creditRow(c office.CreditEntry) []string {
	return []string{c.USCC, c.Name, c.Authority, c.Date.String(), c.Conclusion, strings.Join(c.Measures, "；"), c.Link,
		c.ResultID, strconv.Itoa(c.Version), c.CorrectionReason}
}

func creditCSV(row []string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	if err := w.Write(CreditColumns); err != nil {
		return nil, err
	}
	if err := w.Write(row); err != nil {
		return nil, err
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

func creditXLSX(row []string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", CreditSheet); err != nil {
		return nil, err
	}
	for r, vals := range [][]string{CreditColumns, row} {
		for c, v := range vals {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				return nil, err
			}
			if err := f.SetCellStr(CreditSheet, cell, v); err != nil {
				return nil, err
			}
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeFile writes data to a temporary file beside path and renames it.
func writeFile(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("gsxtfile: %w: %w", office.ErrUnavailable, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("gsxtfile: %w: writing %s: %w", office.ErrUnavailable, path, err)
	}
	return nil
}
