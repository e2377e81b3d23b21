package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/report/reporttest"
	"github.com/hromada/hromada/internal/reporttext"
)

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	url := dbtest.URL(t)
	gdb, err := db.Open(url, dbtest.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(gdb)
	if _, err := db.Migrate(context.Background(), gdb, dbtest.Quiet()); err != nil {
		t.Fatal(err)
	}
	reporttest.Insert(t, gdb)
	t.Setenv("HROMADA_DATA_DIR", dir)
	t.Setenv("HROMADA_DATABASE_URL", url)
	t.Setenv("HROMADA_TIMEZONE", "Europe/Kyiv")

	var out bytes.Buffer
	if err := run([]string{"report", "--from", "2024-01-01", "--to", "2024-03-31", "--format", "json"}, &out); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("not JSON: %v\n%.500s", err, out.String())
	}
	for _, k := range []string{"period", "appeals", "questions", "citizens", "by_channel", "by_type", "by_nature", "by_sign",
		"by_gender", "by_category", "by_social_status", "by_subject", "by_department", "by_result", "overdue", "petitions"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %s", k)
		}
	}
	if m["appeals"].(float64) != float64(reporttest.Expected.Appeals) || m["citizens"].(float64) != float64(reporttest.Expected.Citizens) {
		t.Errorf("figures: appeals %v citizens %v", m["appeals"], m["citizens"])
	}

	// A file: XLSX readable with the forms.
	file := filepath.Join(dir, "q1.xlsx")
	if err := run([]string{"report", "-from", "2024-01-01", "-to", "2024-03-31", "-format", "xlsx", "-o", file}, &out); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if sheets := x.GetSheetList(); len(sheets) != 6 || sheets[0] != "Форма 1" {
		t.Errorf("sheets: %q", sheets)
	}
	x.Close()
	for _, format := range []string{"csv", "pdf"} {
		file := filepath.Join(dir, "q1."+format)
		if err := run([]string{"report", "--from", "2024-01-01", "--to", "2024-03-31", "--format", format, "-o", file}, &out); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(file); err != nil || st.Size() < 500 {
			t.Errorf("%s: %v", format, err)
		}
	}

	// The whole document in Word, with the heading from configuration and the texts typed for the period.
	t.Setenv("HROMADA_REPORT_APPROVER_NAME", "Світлана КОЛІСНІЧЕНКО")
	if _, err := reporttext.NewService(gdb).Save(context.Background(), report.Period{From: "2024-01-01", To: "2024-03-31"},
		map[string]string{report.PartNovelties: "Вивчається позитивний досвід громад."}); err != nil {
		t.Fatal(err)
	}
	file = filepath.Join(dir, "q1.docx")
	if err := run([]string{"report", "--from", "2024-01-01", "--to", "2024-03-31", "--format", "docx", "-o", file}, &out); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatalf("the DOCX: %v", err)
	}
	defer zr.Close()
	f, err := zr.Open("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Вивчається позитивний досвід громад.", "Світлана КОЛІСНІЧЕНКО", "ПОГОДЖЕНО", "<w:tbl>"} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("the DOCX lacks %q", want)
		}
	}

	// Bad input is named.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--to", "2024-03-31"}, "--from is required"},
		{[]string{"report", "--from", "2024-13-01", "--to", "2024-03-31"}, `--from "2024-13-01" is not a date`},
		{[]string{"report", "--from", "2024-04-01", "--to", "2024-03-31"}, "is before --from"},
		{[]string{"report", "--from", "2024-01-01", "--to", "2024-03-31", "--format", "odt"}, `--format "odt": choose one of json, csv, xlsx, pdf, docx`},
		{[]string{"report", "--frm", "2024-01-01"}, "usage: hromada report"},
	} {
		if err := run(c.args, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.args, err, c.want)
		}
	}
}
