package report_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/pdftest"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/report/reporttest"
)

// docxPara is a paragraph of word/document.xml as Word reads it: its style and its text.
type docxPara struct{ Style, Text string }

// docxRead is the body of a DOCX read back by unzipping it and parsing word/document.xml with
// encoding/xml, independent of the library that wrote it.
type docxRead struct {
	Paras    []docxPara
	Tables   [][][]string // table → row → cell text
	Sections []map[string]string
	Styles   string // word/styles.xml
}

func readDOCX(t *testing.T, data []byte) docxRead {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("the DOCX is no zip: %v", err)
	}
	part := func(name string) []byte {
		f, err := zr.Open(name)
		if err != nil {
			t.Fatalf("the DOCX has no %s: %v", name, err)
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var out docxRead
	out.Styles = string(part("word/styles.xml"))
	dec := xml.NewDecoder(bytes.NewReader(part("word/document.xml")))
	var (
		depth          int // tables open
		para           *docxPara
		table          [][]string
		row            []string
		cell           strings.Builder
		inText, inCell bool
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("word/document.xml: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "tbl":
				depth++
				table = nil
			case "tr":
				row = nil
			case "tc":
				inCell = true
				cell.Reset()
			case "p":
				if depth == 0 {
					para = &docxPara{}
				}
			case "pStyle":
				if para != nil {
					para.Style = attr(e, "val")
				}
			case "t":
				inText = true
			case "pgMar", "pgSz":
				m := map[string]string{"element": e.Name.Local}
				for _, a := range e.Attr {
					m[a.Name.Local] = a.Value
				}
				out.Sections = append(out.Sections, m)
			}
		case xml.CharData:
			if inText {
				if inCell {
					cell.Write(e)
				} else if para != nil {
					para.Text += string(e)
				}
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "t":
				inText = false
			case "tc":
				inCell = false
				row = append(row, cell.String())
			case "tr":
				table = append(table, row)
			case "tbl":
				depth--
				out.Tables = append(out.Tables, table)
			case "p":
				if para != nil && depth == 0 {
					out.Paras = append(out.Paras, *para)
					para = nil
				}
			}
		}
	}
	return out
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// knownDocument is the known data set's report (reporttest) with a heading from configuration and two of
// the four typed parts, so both a typed part and one marked for filling in are seen.
func knownDocument(t *testing.T) (*report.Report, report.Output) {
	t.Helper()
	gdb := dbtest.Open(t)
	reporttest.Insert(t, gdb)
	r, err := report.Compute(context.Background(), gdb, reporttest.From, reporttest.To, reporttest.Kyiv)
	if err != nil {
		t.Fatal(err)
	}
	o := output(t, "uk")
	o.Document = report.Document{
		Heading: report.Heading{AddresseePosition: "Міському голові", AddresseeName: "Андрію БІЛОУСОВУ",
			Unit: "відділу звернень громадян міської ради", SignatoryPosition: "Начальник відділу звернень громадян міської ради",
			SignatoryName: "Олена АБРОСІМОВА", ApproverPosition: "Заступник міського голови", ApproverName: "Світлана КОЛІСНІЧЕНКО"},
		Texts: map[string]string{
			report.PartAnalytical: "Підготовлено звіти та інформацію про звернення громадян за IV квартал 2023 року.",
			report.PartMethodical: "Посадовими особами відділу надаються щоденні консультації.\n\nПроводиться роз’яснювальна робота.",
		},
	}
	return r, o
}

// The whole document in Word: every part of the seed in its order, headings in Word's heading styles, the
// forms as Word tables whose figures are the report's, ДСТУ 4163:2020's font and margins.
func TestDocumentDOCX(t *testing.T) {
	r, o := knownDocument(t)
	var buf bytes.Buffer
	if err := r.Write(&buf, "docx", o); err != nil {
		t.Fatal(err)
	}
	d := readDOCX(t, buf.Bytes())
	checkDocumentParts(t, d, r, o)
	checkDocumentTables(t, d)
	checkDocumentPage(t, d)
}

// checkDocumentParts: every part in the seed's order, each heading in a heading style, the empty typed
// parts marked, the narrative's paragraphs whole.
func checkDocumentParts(t *testing.T, d docxRead, r *report.Report, o report.Output) {
	t.Helper()
	want := []struct{ text, style string }{
		{"Міському голові", ""}, {"Андрію БІЛОУСОВУ", ""},
		{"ЗВІТ", "Title"}, {"про роботу відділу звернень громадян міської ради", ""}, {"у І кварталі 2024 року", ""},
		{"І. Описова звітність", "Heading1"},
		{"1. Аналітична робота", "Heading2"},
		{"Підготовлено звіти та інформацію про звернення громадян за IV квартал 2023 року.", ""},
		{"2. Методична робота", "Heading2"},
		{"Посадовими особами відділу надаються щоденні консультації.", ""},
		{"Проводиться роз’яснювальна робота.", ""},
		{"3. Організаційна робота", "Heading2"},
		{o.T("docx.tofill"), ""},
		{"4. Новітності", "Heading2"},
		{"ІІ. Таблична звітність", "Heading1"},
		{"Начальник відділу звернень громадян міської ради", ""}, {"Олена АБРОСІМОВА", ""},
		{"ПОГОДЖЕНО", ""}, {"Заступник міського голови", ""},
		{"Додаток. Таблична звітність", "Heading1"},
		{"Форма 1. Звернення за каналами надходження · 2024-01-01 – 2024-03-31", "Heading2"},
		{"Форма 2. Питання за тематикою · 2024-01-01 – 2024-03-31", "Heading2"},
	}
	at := 0
	for _, w := range want {
		found := false
		for i := at; i < len(d.Paras); i++ {
			if d.Paras[i].Text == w.text {
				found, at = true, i+1
				if d.Paras[i].Style != w.style {
					t.Errorf("%q has the style %q, want %q", w.text, d.Paras[i].Style, w.style)
				}
				break
			}
		}
		if !found {
			t.Errorf("the document lacks %q (or has it out of order)", w.text)
		}
	}
	if t.Failed() {
		for _, p := range d.Paras {
			t.Logf("%-10s %s", p.Style, p.Text)
		}
	}
	// The third and the fourth typed parts are empty: both marked for filling in.
	marks := 0
	for _, p := range d.Paras {
		if p.Text == o.T("docx.tofill") {
			marks++
		}
	}
	if marks != 2 {
		t.Errorf("%d parts marked for filling in, want 2 (I.3 and I.4)", marks)
	}
	// Part I.1's figures in words: the narrative's paragraphs, whole.
	text := ""
	for _, p := range d.Paras {
		text += p.Text + "\n"
	}
	for _, p := range r.Paragraphs(o) {
		if !strings.Contains(text, p) {
			t.Errorf("the document lacks the narrative's paragraph %q", p)
		}
	}
}

// checkDocumentTables: the headline figures, Form 1 by channel and by settlement, Form 2 as Word tables,
// their figures the report's.
func checkDocumentTables(t *testing.T, d docxRead) {
	t.Helper()
	// The headline figures, timeliness per department and per settlement, Form 1 by channel and by
	// settlement, Form 2.
	if len(d.Tables) != 6 {
		t.Fatalf("%d tables, want 6", len(d.Tables))
	}
	cellOf := func(table [][]string, label string, col int) string {
		for _, row := range table[1:] { // the header row names columns, not rows
			for i, c := range row {
				if (c == label || strings.HasPrefix(c, label+" ")) && i+col < len(row) {
					return row[i+col]
				}
			}
		}
		return "(no row " + label + ")"
	}
	n := strconv.FormatInt
	e := reporttest.Expected
	checks := []struct {
		table        int
		label        string
		col          int
		want, figure string
	}{
		{0, "Звернень", 1, n(e.Appeals, 10), "appeals"},
		{0, "Звернень", 2, n(e.Previous, 10), "appeals a year earlier"},
		{1, "Усього", 1, n(e.Appeals, 10), "received by the departments"},
		{2, "Усього", 1, n(e.Appeals, 10), "received by the settlements"},
		{3, "Усього", 1, n(e.Appeals, 10), "Form 1 total"},
		{3, "Усього", 13, n(e.ByResult["pending"], 10), "Form 1 pending"},
		{4, "Зразкове", 1, n(e.BySettlementName["Зразкове"], 10), "Form 1 by settlement"},
		{5, "Усього", 1, n(e.Questions, 10), "Form 2 total"},
		{5, "09", 1, n(e.Subjects["09"], 10), "Form 2 subject 09"},
		{5, "09", 2, "44.4", "Form 2 share of 09"},
	}
	for _, c := range checks {
		if got := cellOf(d.Tables[c.table], c.label, c.col); got != c.want {
			t.Errorf("%s: %q, want %q", c.figure, got, c.want)
		}
	}
	if h := d.Tables[3][0]; len(h) != 1+len(report.Columns) || h[1] != "Усього" || h[len(h)-1] != "На розгляді" {
		t.Errorf("Form 1's header row: %q", h)
	}
}

// checkDocumentPage: ДСТУ 4163:2020's Times New Roman 14 by default, margins 30/10/20/20 mm on both
// sections, the first upright, the second (the forms) across.
func checkDocumentPage(t *testing.T, d docxRead) {
	t.Helper()
	for _, s := range []string{`w:ascii="Times New Roman"`, `<w:sz w:val="28"`} {
		if !strings.Contains(d.Styles, s) {
			t.Errorf("styles.xml lacks %s", s)
		}
	}
	var margins, sizes []map[string]string
	for _, s := range d.Sections {
		if s["element"] == "pgMar" {
			margins = append(margins, s)
		} else {
			sizes = append(sizes, s)
		}
	}
	if len(margins) != 2 || len(sizes) != 2 {
		t.Fatalf("sections: %v", d.Sections)
	}
	for _, m := range margins {
		if m["left"] != "1701" || m["right"] != "567" || m["top"] != "1134" || m["bottom"] != "1134" {
			t.Errorf("margins %v, want left 1701, right 567, top and bottom 1134 twips (30, 10, 20, 20 mm)", m)
		}
	}
	if sizes[0]["w"] != "11906" || sizes[1]["orient"] != "landscape" || sizes[1]["w"] != "16838" {
		t.Errorf("page sizes %v: A4 upright, then A4 across", sizes)
	}
}

// A document with nothing configured and nothing typed still has every part: lines to write on by hand,
// every typed part marked for filling in. A broken identity is written into it.
func TestDocumentEmptyAndBroken(t *testing.T) {
	r, o := knownDocument(t)
	o.Document = report.Document{}
	r.Issues = append(r.Issues, report.Issue{Period: r.Period.String(), Identity: "types", Row: "total", Got: 1, Want: 2})
	var buf bytes.Buffer
	if err := r.WriteDOCX(&buf, o); err != nil {
		t.Fatal(err)
	}
	d := readDOCX(t, buf.Bytes())
	var text strings.Builder
	marks, blanks := 0, 0
	for _, p := range d.Paras {
		text.WriteString(p.Text + "\n")
		if p.Text == o.T("docx.tofill") {
			marks++
		}
		if strings.HasPrefix(p.Text, "____") {
			blanks++
		}
	}
	if marks != 3 {
		t.Errorf("%d parts marked for filling in, want 3", marks)
	}
	if blanks < 5 { // addressee ×2, signature ×2, approval ×2
		t.Errorf("%d lines to write on, want at least 5:\n%s", blanks, text.String())
	}
	for _, want := range []string{"про роботу зі зверненнями громадян", "ПОМИЛКА: ", "ПОГОДЖЕНО"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the document lacks %q:\n%s", want, text.String())
		}
	}
}

// LibreOffice opens the DOCX, as Word-compatible readers do: converted headless to text and to PDF, the
// text holds the parts, the narrative's sentences and the forms' figures. Skipped without soffice unless
// HROMADA_REQUIRE_BROWSER=1 (CI installs Debian's libreoffice-writer-nogui).
func TestDocumentConvertsWithLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		msg := "soffice not found: install Debian's libreoffice-writer-nogui (apt-get install -y --no-install-recommends libreoffice-writer-nogui)"
		if os.Getenv(pdftest.EnvRequire) == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	r, o := knownDocument(t)
	dir := t.TempDir()
	src := filepath.Join(dir, r.FileName("docx"))
	var buf bytes.Buffer
	if err := r.WriteDOCX(&buf, o); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// A profile of its own: a LibreOffice already running for the same user would take the job and exit.
	profile := "-env:UserInstallation=file://" + filepath.Join(dir, "profile")
	for _, to := range []string{"txt:Text (encoded):UTF8", "pdf"} {
		cmd := exec.Command(soffice, profile, "--headless", "--convert-to", to, "--outdir", dir, src)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice --convert-to %s: %v\n%s", to, err, out)
		}
	}
	base := strings.TrimSuffix(src, ".docx")
	txt, err := os.ReadFile(base + ".txt")
	if err != nil {
		t.Fatal(err)
	}
	pdfData, err := os.ReadFile(base + ".pdf")
	if err != nil {
		t.Fatal(err)
	}
	// poppler reads LibreOffice's PDF (its fonts are subset with their own encodings).
	pdfText, err := exec.Command(pdftest.Poppler(t, "pdftotext"), "-layout", base+".pdf", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if pdftest.Pages(t, pdfData) < 3 {
		t.Errorf("LibreOffice's PDF has %d pages, want the text and the forms' pages", pdftest.Pages(t, pdfData))
	}
	for name, text := range map[string]string{"text": pdftest.Flat(string(txt)), "PDF": pdftest.Flat(string(pdfText))} {
		for _, want := range []string{"ЗВІТ", "І. Описова звітність", "2. Методична робота", "ІІ. Таблична звітність",
			"ПОГОДЖЕНО", "Олена АБРОСІМОВА", "Форма 2. Питання за тематикою"} {
			if !strings.Contains(text, want) {
				t.Errorf("LibreOffice's %s lacks %q", name, want)
			}
		}
		for _, p := range r.Paragraphs(o) {
			for _, s := range pdftest.Sentences(p) {
				if name == "text" && !strings.Contains(text, s) {
					t.Errorf("LibreOffice's %s lacks the sentence %q", name, s)
				}
			}
		}
	}
	if !strings.Contains(string(txt), "44.4") {
		t.Errorf("LibreOffice's text lacks Form 2's share 44.4")
	}
}
