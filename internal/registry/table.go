package registry

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// The imports read spreadsheets as Excel and the hotlines write them: a CSV (OpenCSV) or an XLSX's first
// sheet (ReadXLSX). Both give rows of text cells with the line a person sees in the spreadsheet.

// MaxUnzipped bounds what an XLSX may inflate to, whatever the upload's size: a small "zip bomb" is
// refused instead of filling memory.
const MaxUnzipped = 256 << 20

// IsXLSX tells an XLSX (a zip) from text by its first bytes, not by the name a browser sent.
func IsXLSX(head []byte) bool { return bytes.HasPrefix(head, []byte("PK\x03\x04")) }

// What ReadXLSX refuses; the imports say it in their own words.
var (
	ErrUnreadableXLSX = errors.New("the file cannot be read as XLSX")
	ErrTooManyRows    = errors.New("the sheet has too many rows")
	ErrTooWide        = errors.New("the sheet has too many columns")
)

// Bounds on a sheet, checked as it is read: a tiny XLSX may name a cell in column XFD on every row, and
// a row is as wide as its last cell, so without them a 100 KB file would ask for gigabytes.
const (
	MaxColumns = 256       // cells in one row
	MaxCells   = 8_000_000 // cells in the whole sheet (200,000 rows of 40 columns)
)

// ReadXLSX reads an XLSX's first sheet row by row: its rows (row i is line i+1), each cell as stored — a
// date is its serial number whatever its display format (ExcelDate reads it). A row wider than
// MaxColumns, more than MaxCells cells or more than maxRows rows stops the reading at once.
func ReadXLSX(content []byte, maxRows int) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(content), excelize.Options{UnzipSizeLimit: MaxUnzipped,
		UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, ErrUnreadableXLSX
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, ErrUnreadableXLSX
	}
	defer it.Close()
	var rows [][]string
	cells := 0
	for it.Next() {
		if len(rows) >= maxRows {
			return nil, ErrTooManyRows
		}
		row, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, ErrUnreadableXLSX
		}
		if cells += len(row); len(row) > MaxColumns || cells > MaxCells {
			return nil, ErrTooWide
		}
		rows = append(rows, row)
	}
	if it.Error() != nil {
		return nil, ErrUnreadableXLSX
	}
	return rows, nil
}

// ExcelDate reads a date an XLSX stores as a serial number (days since 1899-12-30, the time as the
// fraction) as the wall-clock time it shows, in zone.
func ExcelDate(cell string, zone *time.Location) (time.Time, bool) {
	serial, err := strconv.ParseFloat(cell, 64)
	if err != nil || serial < 1 || serial > 2958465 { // 2958465 is 9999-12-31
		return time.Time{}, false
	}
	t, err := excelize.ExcelDateToTime(serial, false)
	if err != nil {
		return time.Time{}, false
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, zone), true
}

// records are a spreadsheet's rows one at a time, as csv.Reader gives them.
type records interface {
	Read() ([]string, error)
	FieldPos(field int) (line, column int)
}

// sheetRecords gives an XLSX's rows as csv.Reader gives a CSV's. Excel leaves a row's empty cells at its
// end out; they are put back up to the header's width, so a row is as long as the header.
type sheetRecords struct {
	rows  [][]string
	next  int
	width int
}

func (s *sheetRecords) Read() ([]string, error) {
	for s.next < len(s.rows) {
		row := s.rows[s.next]
		s.next++
		if s.next == 1 {
			s.width = len(row)
		}
		if BlankRow(row) && s.next > 1 {
			continue // Excel keeps formatted but empty rows; they are no appeal
		}
		for len(row) < s.width {
			row = append(row, "")
		}
		return row, nil
	}
	return nil, io.EOF
}

func (s *sheetRecords) FieldPos(int) (int, int) { return s.next, 1 }

// BlankRow says whether a spreadsheet row holds nothing but spaces: Excel keeps formatted empty rows,
// and the imports skip them.
func BlankRow(row []string) bool {
	return !slices.ContainsFunc(row, func(v string) bool { return strings.TrimSpace(v) != "" })
}

// openTable opens an import's file as CSV or XLSX, by its first bytes; xlsx says which.
func openTable(r io.Reader, maxRows int) (rec records, xlsx bool, err error) {
	head := make([]byte, 4)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, false, err
	}
	r = io.MultiReader(bytes.NewReader(head[:n]), r)
	if !IsXLSX(head[:n]) {
		return OpenCSV(r), false, nil
	}
	content, err := io.ReadAll(r)
	if err != nil {
		return nil, true, err
	}
	rows, err := ReadXLSX(content, maxRows)
	if err != nil {
		return nil, true, err
	}
	return &sheetRecords{rows: rows}, true, nil
}
