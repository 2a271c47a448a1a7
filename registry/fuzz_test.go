package registry

import (
	"bytes"
	"errors"
	"testing"
)

// checkImportError asserts the importer contract on outside input: no
// panic, and a rejection is RowErrors whose every element carries a
// sentinel reason.
func checkImportError(t *testing.T, tab *Table, err error) {
	t.Helper()
	if err == nil {
		if tab == nil {
			t.Fatal("nil table without error")
		}
		// Accepted input commits (IDs are unique and leaves encodable).
		if _, cerr := tab.Commit(); cerr != nil {
			t.Fatalf("accepted table does not commit: %v", cerr)
		}
		return
	}
	var es RowErrors
	if !errors.As(err, &es) || len(es) == 0 {
		t.Fatalf("rejection is %T, not RowErrors: %v", err, err)
	}
	sentinels := []error{ErrBadUSCC, ErrBadCheckChar, ErrMissingField, ErrUnknownClass, ErrBadKind, ErrBadStatus,
		ErrBadJurisdiction, ErrBadLabel, ErrBadValue, ErrBadRelation, ErrBadPeriod, ErrDuplicateValue, ErrBadHeader,
		ErrBadFile, ErrDuplicateID}
	for _, e := range es {
		found := false
		for _, s := range sentinels {
			if errors.Is(e, s) {
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("row error without a sentinel reason: %v", e)
		}
	}
}

func FuzzDecodeCSV(f *testing.F) {
	f.Add([]byte(chineseTargets))
	f.Add([]byte("cert,name,department,unit,jurisdiction,qualifications,leader_eligible,unavailable,interests,active\n" +
		"A1,甲,治安,大队,440104,ZA-01,Y,2026-03-01/2026-03-14 x;2026-05-01T08:00:00Z/2026-05-02T00:00:00+08:00,9144:kin,离岗\n"))
	f.Add([]byte("\xEF\xBB\xBFid,name,status\n\"a\"\"b\",c\n"))
	f.Add([]byte("id,name,jurisdiction,industry,credit_class,status,departments\n914403001922038216,x,440307,I,A,active,治安\n914403001922038216,y,440307,I,A,active,治安\n"))
	f.Add([]byte{0xB9, 0xFA, 0xFF, 0x81, 0x30})
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := DecodeCSV(data, ImportOptions{File: "fuzz.csv"})
		checkImportError(t, tab, err)
		// Partial mode never panics either and returns only valid rows.
		ptab, perr := DecodeCSV(data, ImportOptions{Partial: true})
		if ptab != nil {
			if _, cerr := ptab.Commit(); cerr != nil {
				t.Fatalf("partial rows do not commit: %v", cerr)
			}
		} else {
			checkImportError(t, ptab, perr)
		}
	})
}

func FuzzReadXLSX(f *testing.F) {
	var buf bytes.Buffer
	if err := WriteInspectorsXLSX(&buf, roundTripInspectors()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	buf.Reset()
	if err := WriteTargetsXLSX(&buf, genTargets(3, 1)); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := ReadXLSX(bytes.NewReader(data), ImportOptions{File: "fuzz.xlsx"})
		checkImportError(t, tab, err)
	})
}
