package report

import (
	"io"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Sheet names stay under Excel's 31 characters and free of []:*?/\.
const (
	SheetForm1   = "form1"
	SheetForm2   = "form2"
	SheetFigures = "figures"
	SheetChecks  = "checks"
	SheetWords   = "narrative"
	SheetTables  = "tables" // per department and per settlement
)

// sheetWriter fills one sheet row by row.
type sheetWriter struct {
	f     *excelize.File
	sheet string
	row   int
	err   error
}

func (s *sheetWriter) line(values ...any) {
	if s.err != nil {
		return
	}
	s.row++
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err == nil {
		err = s.f.SetSheetRow(s.sheet, cell, &values)
	}
	s.err = err
}

func (s *sheetWriter) style(id int, cols int) {
	if s.err != nil || id == 0 {
		return
	}
	from, _ := excelize.CoordinatesToCellName(1, s.row)
	to, _ := excelize.CoordinatesToCellName(cols, s.row)
	s.err = s.f.SetCellStyle(s.sheet, from, to, id)
}

// WriteXLSX writes a workbook: Form 1 and Form 2 for the period and a year earlier, every breakdown (with
// the preceding period too), the tables per department and per settlement, the narrative, and the
// identities checked. Broken identities head every sheet in red, so no one prints a form without them.
func (r *Report) WriteXLSX(w io.Writer, o Output) error {
	f := excelize.NewFile()
	defer f.Close()
	names := map[string]string{SheetForm1: o.T("report.xlsx.form1"), SheetForm2: o.T("report.xlsx.form2"),
		SheetFigures: o.T("report.xlsx.figures"), SheetChecks: o.T("report.xlsx.checks"),
		SheetWords: o.T("words.xlsx.narrative"), SheetTables: o.T("words.xlsx.tables")}
	if err := f.SetSheetName("Sheet1", names[SheetForm1]); err != nil {
		return err
	}
	for _, s := range []string{SheetForm2, SheetFigures, SheetTables, SheetWords, SheetChecks} {
		if _, err := f.NewSheet(names[s]); err != nil {
			return err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	alarm, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}})
	if err != nil {
		return err
	}
	issues := r.IssueTexts(o)
	head := func(s *sheetWriter, title string) {
		s.line(title + " — " + o.Council.In(o.Lang))
		s.style(bold, 1)
		s.line(o.T("report.period") + ": " + r.Period.String())
		if len(issues) == 0 {
			s.line(o.T("report.identity.ok"))
		}
		for _, text := range issues {
			s.line(o.T("report.identity.error") + ": " + text)
			s.style(alarm, 1)
		}
		s.line()
	}

	// Form 1: the period, then the same table a year earlier.
	s := &sheetWriter{f: f, sheet: names[SheetForm1]}
	head(s, o.T("report.form1.title"))
	// Form 1 by channel, then by settlement, each for the period and a year earlier.
	form1 := func(form Form1, rowTitle, caption string, label func(string) string) {
		s.line(caption)
		s.style(bold, 1)
		header := []any{rowTitle}
		for _, c := range Columns {
			header = append(header, o.T("report.col."+c))
		}
		s.line(header...)
		s.style(bold, len(header))
		for _, row := range append(slices.Clone(form.Rows), form.Total) {
			values := []any{label(row.Key)}
			for _, v := range row.Values() {
				values = append(values, v)
			}
			s.line(values...)
		}
		s.line()
	}
	channelLabel := func(k string) string { return RowLabel(k, o.Classifier, o.Lang, o.T) }
	settlementLabel := r.settlementRowLabel(o)
	form1(r.Form1, o.T("report.form1.row"), r.Period.String(), channelLabel)
	if r.Previous != nil {
		form1(r.Previous.Form1, o.T("report.form1.row"), o.T("report.previous")+": "+r.Previous.Period.String(), channelLabel)
	}
	form1(r.Form1BySettlement, o.T("report.form1s.row"), o.T("report.form1s.title")+" · "+r.Period.String(), settlementLabel)
	if r.Previous != nil {
		form1(r.Previous.Form1BySettlement, o.T("report.form1s.row"), o.T("report.form1s.title")+" · "+
			o.T("report.previous")+": "+r.Previous.Period.String(), settlementLabel)
	}
	if s.err == nil {
		s.err = f.SetColWidth(s.sheet, "A", "A", 42)
	}
	if s.err != nil {
		return s.err
	}

	// Form 2: questions by subject, count and share, with the year earlier.
	s = &sheetWriter{f: f, sheet: names[SheetForm2]}
	head(s, o.T("report.form2.title"))
	prevP := ""
	if r.Previous != nil {
		prevP = r.Previous.Period.String()
	}
	s.line(o.T("report.csv.code"), o.T("report.form2.subject"), o.T("report.form2.count"), o.T("report.form2.share"),
		o.T("report.form2.count")+" ("+prevP+")", o.T("report.form2.share")+" ("+prevP+")")
	s.style(bold, 6)
	for _, l := range r.SubjectLines(o) {
		name := l.Name
		if l.Outside {
			name += " — " + o.T("report.form2.outside")
		}
		s.line(l.Code, name, l.Current.Count, l.Current.Share, l.Previous.Count, l.Previous.Share)
	}
	var prevQ int64
	if r.Previous != nil {
		prevQ = r.Previous.Questions
	}
	s.line("", o.T("report.row.total"), r.Questions, 100.0, prevQ, 100.0)
	s.style(bold, 6)
	if s.err == nil {
		s.err = f.SetColWidth(s.sheet, "B", "B", 60)
	}
	if s.err != nil {
		return s.err
	}

	// Every breakdown, with the year earlier.
	s = &sheetWriter{f: f, sheet: names[SheetFigures]}
	head(s, o.T("report.figures"))
	s.line(o.T("report.csv.section"), o.T("report.csv.code"), o.T("report.csv.name"), r.Period.String(), prevP,
		r.PreviousPeriodName(o))
	s.style(bold, 6)
	for _, l := range r.Summary(o) {
		s.line("summary", l.Code, l.Name, l.Value, l.Previous, l.PreviousPeriod)
	}
	for _, d := range Dimensions(o.Classifier) {
		for _, l := range r.Lines(d, o) {
			s.line(d.Key, l.Code, l.Name, l.Value, l.Previous, l.PreviousPeriod)
		}
	}
	if s.err == nil {
		s.err = f.SetColWidth(s.sheet, "C", "C", 50)
	}
	if s.err != nil {
		return s.err
	}

	// The tables per department and per settlement, and the narrative.
	if err := r.timetablesSheet(&sheetWriter{f: f, sheet: names[SheetTables]}, o, bold, head); err != nil {
		return err
	}
	if err := r.narrativeSheet(&sheetWriter{f: f, sheet: names[SheetWords]}, o, head); err != nil {
		return err
	}

	// The identities, one line each: holds or the error.
	s = &sheetWriter{f: f, sheet: names[SheetChecks]}
	head(s, o.T("report.identity.title"))
	for _, id := range Identities {
		s.line(o.T("report.identity." + id))
	}
	if s.err != nil {
		return s.err
	}
	_, err = f.WriteTo(w)
	return err
}

// timetablesSheet writes the tables per department and per settlement, numbers as numbers.
func (r *Report) timetablesSheet(s *sheetWriter, o Output, bold int, head func(*sheetWriter, string)) error {
	head(s, o.T("words.xlsx.tables"))
	for _, t := range r.Timetables(o) {
		s.line(t.Title + " · " + r.Period.String())
		s.style(bold, 1)
		header := []any{t.RowTitle}
		for _, h := range TimelinessHeader(o) {
			header = append(header, h)
		}
		s.line(header...)
		s.style(bold, len(header))
		for _, row := range t.Rows {
			values := []any{row.Label}
			for _, v := range row.Values {
				n, _ := strconv.ParseFloat(v, 64)
				values = append(values, n)
			}
			s.line(values...)
		}
		s.line()
	}
	if s.err == nil {
		s.err = s.f.SetColWidth(s.sheet, "A", "A", 50)
	}
	return s.err
}

// narrativeSheet writes the narrative, a paragraph a row.
func (r *Report) narrativeSheet(s *sheetWriter, o Output, head func(*sheetWriter, string)) error {
	head(s, o.T("report.narrative"))
	for _, p := range r.Paragraphs(o) {
		s.line(p)
	}
	if s.err == nil {
		s.err = s.f.SetColWidth(s.sheet, "A", "A", 150)
	}
	return s.err
}

// WriteSheet writes a workbook of one sheet for a staff list's export: a title line and a header in bold,
// then the rows each gives through add (the caller's batches go straight into the sheet).
func WriteSheet(w io.Writer, sheet, title string, header []string, each func(add func(values ...any)) error) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	s := &sheetWriter{f: f, sheet: sheet}
	s.line(title)
	s.style(bold, 1)
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = h
	}
	s.line(cells...)
	s.style(bold, len(header))
	if err := each(s.line); err != nil {
		return err
	}
	if s.err != nil {
		return s.err
	}
	_, err = f.WriteTo(w)
	return err
}
