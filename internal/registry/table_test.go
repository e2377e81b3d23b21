package registry_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hromada/hromada/internal/registry"
)

// xlsxOf writes rows under the header as Excel would: text cells, and the dates of receipt and answer
// as real dates (serial numbers with a date format), the way a clerk's spreadsheet holds them.
func xlsxOf(t *testing.T, header []string, rows ...map[string]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr("Sheet1", cell, h); err != nil {
			t.Fatal(err)
		}
	}
	for r, row := range rows {
		for i, h := range header {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			v := row[h]
			if d, err := time.Parse(time.DateOnly, v); err == nil && (h == "received_at" || h == "answered_at") {
				if err := f.SetCellValue("Sheet1", cell, d); err != nil {
					t.Fatal(err)
				}
				if err := f.SetCellStyle("Sheet1", cell, cell, dateStyle); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The registry's import takes an XLSX as it takes a CSV: the same columns, the same checks, the same
// all-or-nothing; dates stored as Excel dates are read as the days they show, text dates as in a CSV.
func TestImportXLSX(t *testing.T) {
	f := importSetup(t)
	ctx := context.Background()
	rows := importedRows()
	file := xlsxOf(t, registry.ImportColumns, rows...)
	res, err := f.reg.ImportAppeals(ctx, bytes.NewReader(file), registry.ImportOptions{FileName: "registry.xlsx", Departments: f.depts})
	if err != nil || res.Added != len(rows) {
		t.Fatalf("the XLSX registry: %+v %v", res, err)
	}
	var got []struct {
		ReceivedAt time.Time
		AnsweredAt *time.Time
	}
	if err := f.db.Table("appeals").Order("id").Find(&got).Error; err != nil {
		t.Fatal(err)
	}
	if day := got[0].ReceivedAt.In(f.kyiv).Format(time.DateOnly); day != "2024-03-04" {
		t.Errorf("an Excel date of receipt read as %s", day)
	}
	if got[0].AnsweredAt == nil || got[0].AnsweredAt.In(f.kyiv).Format(time.DateOnly) != "2024-03-20" {
		t.Errorf("an Excel date of answer read as %v", got[0].AnsweredAt)
	}
	if got[1].ReceivedAt.UTC().Format(time.RFC3339) != "2024-03-05T12:30:00Z" {
		t.Errorf("a text date and time read as %v", got[1].ReceivedAt)
	}
	if res, err := f.reg.ImportAppeals(ctx, bytes.NewReader(file), registry.ImportOptions{FileName: "registry.xlsx", Departments: f.depts}); err != nil || res.Added != 0 || res.Skipped != len(rows) {
		t.Fatalf("the same XLSX again: %+v %v", res, err)
	}

	// A bad row is located by the line the spreadsheet shows; a broken workbook is one problem; nothing is added.
	bad := xlsxOf(t, registry.ImportColumns, with(goodRow(), "reg_number", "К-90/24"), with(goodRow(), "reg_number", "К-91/24", "channel", "pigeon"))
	_, err = f.reg.ImportAppeals(ctx, bytes.NewReader(bad), registry.ImportOptions{FileName: "bad.xlsx", Departments: f.depts})
	var refused *registry.ImportError
	if !errors.As(err, &refused) || len(refused.Problems) != 1 || refused.Problems[0].Line != 3 || refused.Problems[0].Column != "channel" {
		t.Fatalf("a bad row in an XLSX: %v", err)
	}
	broken := append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0}, 200)...)
	_, err = f.reg.ImportAppeals(ctx, bytes.NewReader(broken), registry.ImportOptions{FileName: "broken.xlsx", Departments: f.depts})
	if !errors.As(err, &refused) || refused.Problems[0].Message != "import.error.xlsx" {
		t.Fatalf("a broken workbook: %v", err)
	}
	if n := f.count(t, "appeals"); n != int64(len(rows)) {
		t.Errorf("%d appeals after refused files, want %d", n, len(rows))
	}
}

// A sheet is read as the spreadsheet numbers its rows (gaps kept), and a small file that names a far
// column on every row, or holds too many rows, is refused at once instead of asking for gigabytes.
func TestReadXLSXBounds(t *testing.T) {
	sheet := func(fill func(f *excelize.File)) []byte {
		f := excelize.NewFile()
		defer f.Close()
		fill(f)
		var b bytes.Buffer
		if _, err := f.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	gaps := sheet(func(f *excelize.File) {
		_ = f.SetCellStr("Sheet1", "A1", "reg_number")
		_ = f.SetCellStr("Sheet1", "B2", "two")
		_ = f.SetCellStr("Sheet1", "A5", "five")
	})
	rows, err := registry.ReadXLSX(gaps, 100)
	if err != nil || len(rows) != 5 || rows[4][0] != "five" || rows[1][1] != "two" || len(rows[2]) != 0 {
		t.Fatalf("rows with gaps: %q %v", rows, err)
	}
	bomb := farColumnSheet(20000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := registry.ReadXLSX(bomb, 200000); !errors.Is(err, registry.ErrTooWide) {
		t.Fatalf("a cell in column XFD on every row (%d bytes): %v", len(bomb), err)
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 512<<20 {
		t.Errorf("refusing a %d-byte sheet allocated %d MiB", len(bomb), grew>>20)
	}
	many := sheet(func(f *excelize.File) {
		for r := 1; r <= 300; r++ {
			_ = f.SetCellStr("Sheet1", "A"+strconv.Itoa(r), "x")
		}
	})
	if _, err := registry.ReadXLSX(many, 100); !errors.Is(err, registry.ErrTooManyRows) {
		t.Fatalf("300 rows where 100 may be: %v", err)
	}
}

// farColumnSheet is a workbook written by hand (a spreadsheet program would need the memory this test
// guards against) whose every row has one cell, in column XFD: a 100 KB file.
func farColumnSheet(rows int) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	part := func(name, body string) {
		w, _ := z.Create(name)
		_, _ = w.Write([]byte(body))
	}
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	part("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>`+
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	part("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	part("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook `+ns+` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+
		`<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	part("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet ` + ns + `><sheetData>`)
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&sb, `<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>`, i, i)
	}
	sb.WriteString(`</sheetData></worksheet>`)
	part("xl/worksheets/sheet1.xml", sb.String())
	_ = z.Close()
	return buf.Bytes()
}
