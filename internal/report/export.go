package report

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/i18n"
)

// Formats the exports come in.
var Formats = []string{"json", "csv", "xlsx", "pdf", "docx"}

// ContentTypes of the formats, for downloads.
var ContentTypes = map[string]string{
	"json": "application/json",
	"csv":  "text/csv; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"pdf":  "application/pdf",
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

// Output is what an export is written for: the council (named in Lang), the language of its labels, the
// classifier that names the codes, and the texts of that language (the report's message ids, and counts
// with their nouns through the plural rules).
type Output struct {
	Council    i18n.Text
	Lang       string
	Classifier *classifier.Classifier
	L          *i18n.L // the texts in Lang
	// Document is what the whole document (DOCX, PDF) takes from configuration and from the texts staff
	// typed for the period; its zero value leaves every such place marked for filling in.
	Document Document
}

// T translates one of the report's message ids.
func (o Output) T(id string) string { return o.L.T(id) }

// Write writes the report in one of Formats.
func (r *Report) Write(w io.Writer, format string, o Output) error {
	switch format {
	case "json":
		return r.WriteJSON(w, o)
	case "csv":
		return r.WriteCSV(w, o)
	case "xlsx":
		return r.WriteXLSX(w, o)
	case "pdf":
		return r.WritePDF(w, o)
	case "docx":
		return r.WriteDOCX(w, o)
	}
	return fmt.Errorf("unknown format %q (%s)", format, strings.Join(Formats, ", "))
}

// FileName is the download's name, e.g. zvit-2024-01-01-2024-03-31.xlsx.
func (r *Report) FileName(format string) string {
	return fmt.Sprintf("zvit-%s-%s.%s", r.Period.From, r.Period.To, format)
}

// WriteJSON writes the report as indented JSON: the period's keys at the top, the year earlier under
// "previous", the preceding period under "previous_quarter", and the narrative's paragraphs in the
// output's language under "narrative".
func (r *Report) WriteJSON(w io.Writer, o Output) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		*Report
		Narrative []string `json:"narrative"`
	}{r, r.Paragraphs(o)})
}

// Dimension is one breakdown of the figures.
type Dimension struct {
	Key  string // by_channel, ...
	List classifier.List
	Get  func(*Figures) map[string]int64
}

// Dimensions lists the breakdowns by code, in the order pages and exports show them.
func Dimensions(clf *classifier.Classifier) []Dimension {
	return []Dimension{
		{"by_channel", clf.Channels, func(f *Figures) map[string]int64 { return f.ByChannel }},
		{"by_type", clf.Types, func(f *Figures) map[string]int64 { return f.ByType }},
		{"by_nature", clf.Natures, func(f *Figures) map[string]int64 { return f.ByNature }},
		{"by_sign", clf.Signs, func(f *Figures) map[string]int64 { return f.BySign }},
		{"by_gender", clf.Genders, func(f *Figures) map[string]int64 { return f.ByGender }},
		{"by_category", clf.Categories, func(f *Figures) map[string]int64 { return f.ByCategory }},
		{"by_social_status", clf.SocialStatuses, func(f *Figures) map[string]int64 { return f.BySocialStatus }},
		{"by_department", nil, func(f *Figures) map[string]int64 { return f.ByDepartment }},
		{"by_settlement", nil, func(f *Figures) map[string]int64 { return f.BySettlement }},
		{"by_result", clf.Results, func(f *Figures) map[string]int64 { return f.ByResult }},
	}
}

// Line is one labelled figure with the year-earlier one and the preceding period's.
type Line struct {
	Code, Name      string
	Value, Previous int64
	PreviousPeriod  int64
}

// Lines lists a dimension: the classifier's codes first (in its order, each even when zero), then
// codes the classifier does not know, then unknown/unassigned/pending.
func (r *Report) Lines(d Dimension, o Output) []Line {
	cur, prev, before := d.Get(&r.Figures), map[string]int64{}, map[string]int64{}
	if r.Previous != nil {
		prev = d.Get(r.Previous)
	}
	if r.PreviousQuarter != nil {
		before = d.Get(r.PreviousQuarter)
	}
	var codes []string
	for _, it := range d.List {
		codes = append(codes, it.Code)
	}
	var extra []string
	for _, m := range []map[string]int64{cur, prev, before} {
		for k := range m {
			if !slices.Contains(codes, k) && !slices.Contains(extra, k) {
				extra = append(extra, k)
			}
		}
	}
	special := func(k string) bool { return k == Unknown || k == Unassigned || k == Pending || k == Undetermined }
	slices.SortFunc(extra, func(a, b string) int {
		if special(a) != special(b) {
			if special(a) {
				return 1
			}
			return -1
		}
		// Department and settlement ids sort as numbers.
		ai, aerr := strconv.Atoi(a)
		bi, berr := strconv.Atoi(b)
		if aerr == nil && berr == nil {
			return cmp.Compare(ai, bi)
		}
		return strings.Compare(a, b)
	})
	out := make([]Line, 0, len(codes)+len(extra))
	for _, k := range append(codes, extra...) {
		out = append(out, Line{Code: k, Name: r.CodeName(d.Key, k, o), Value: cur[k], Previous: prev[k], PreviousPeriod: before[k]})
	}
	return out
}

// CodeName names a code of a dimension in the output's language.
func (r *Report) CodeName(dim, code string, o Output) string {
	switch code {
	case Unknown, Unassigned, Pending, Undetermined:
		return o.T("report.key." + code)
	}
	names := map[string]map[string]i18n.Text{"by_department": r.DepartmentNames, "by_settlement": r.SettlementNames}
	if byCode, ok := names[dim]; ok {
		if n, ok := byCode[code]; ok {
			return n.In(o.Lang)
		}
		return code
	}
	for _, d := range Dimensions(o.Classifier) {
		if d.Key == dim {
			return d.List.Name(code, o.Lang)
		}
	}
	return code
}

// Summary lists the headline figures (the totals table) with the year-earlier ones and the preceding
// period's.
func (r *Report) Summary(o Output) []Line {
	periods := []*Figures{&r.Figures, r.Previous, r.PreviousQuarter}
	for i, p := range periods {
		if p == nil {
			periods[i] = &Figures{}
		}
	}
	line := func(code string, get func(*Figures) int64) Line {
		return Line{Code: code, Name: o.T("report.figure." + code), Value: get(periods[0]), Previous: get(periods[1]),
			PreviousPeriod: get(periods[2])}
	}
	return []Line{
		line("appeals", func(f *Figures) int64 { return f.Appeals }),
		line("questions", func(f *Figures) int64 { return f.Questions }),
		line("citizens", func(f *Figures) int64 { return f.Citizens }),
		line("overdue", func(f *Figures) int64 { return f.Overdue }),
		line("term_breaches", func(f *Figures) int64 { return f.TermBreaches }),
		line("petitions_created", func(f *Figures) int64 { return f.Petitions.Created }),
		line("petitions_published", func(f *Figures) int64 { return f.Petitions.Published }),
		line("petitions_threshold_reached", func(f *Figures) int64 { return f.Petitions.ThresholdReached }),
		line("petitions_answered", func(f *Figures) int64 { return f.Petitions.Answered }),
	}
}

// PreviousPeriodName names the preceding period as a column's title: "Попередній квартал (2023-10-01 –
// 2023-12-31)".
func (r *Report) PreviousPeriodName(o Output) string {
	if r.PreviousQuarter == nil {
		return o.T("words.previous.custom")
	}
	return o.T("words.previous."+PeriodKind(r.from, r.to)) + " (" + r.PreviousQuarter.Period.String() + ")"
}

// SubjectLines lists Form 2 with the year earlier, then questions on codes the classifier lacks.
func (r *Report) SubjectLines(o Output) []SubjectLine {
	prev := map[string]Subject{}
	if r.Previous != nil {
		prev = r.Previous.BySubject
	}
	var out []SubjectLine
	for _, s := range r.Form2 {
		out = append(out, SubjectLine{Code: s.Code, Name: o.Classifier.Subjects.Name(s.Code, o.Lang), Current: s.Subject, Previous: prev[s.Code]})
	}
	extra := slices.Sorted(maps.Keys(r.BySubject))
	for _, k := range extra {
		if !o.Classifier.Subjects.Has(k) {
			out = append(out, SubjectLine{Code: k, Name: r.CodeName("by_subject", k, o), Current: r.BySubject[k], Previous: prev[k], Outside: true})
		}
	}
	return out
}

// SubjectLine is a subject's questions in the period and a year earlier.
type SubjectLine struct {
	Code, Name        string
	Current, Previous Subject
	Outside           bool // not a classifier subject: outside Form 2
}

// IssueTexts describes every broken identity of both periods.
func (r *Report) IssueTexts(o Output) []string {
	var out []string
	for _, i := range r.AllIssues() {
		out = append(out, i.Text(o.T, func(k string) string {
			if key, ok := strings.CutPrefix(k, SettlementRow); ok {
				return r.CodeName("by_settlement", key, o)
			}
			return RowLabel(k, o.Classifier, o.Lang, o.T)
		}))
	}
	return out
}

// Form1Table is one of Form 1's tables ready to show: each row's label with this period's counts and the
// year earlier's (in Columns' order), the total row last.
type Form1Table struct {
	Rows []Form1Line
}

// Form1Line is one row of a Form1Table.
type Form1Line struct {
	Key, Label string
	Total      bool
	Cur, Prev  []int64
}

// Form1Tables are Form 1 by channel and Form 1 by settlement, each beside the year earlier, for the page
// and the exports to lay out alike.
func (r *Report) Form1Tables(o Output) (byChannel, bySettlement Form1Table) {
	prev := r.Previous
	if prev == nil {
		prev = &Figures{}
	}
	table := func(cur, prev Form1, label func(string) string) Form1Table {
		before := map[string][]int64{}
		for _, row := range append(slices.Clone(prev.Rows), prev.Total) {
			before[row.Key] = row.Values()
		}
		var t Form1Table
		for _, row := range append(slices.Clone(cur.Rows), cur.Total) {
			p := before[row.Key]
			if p == nil {
				p = Counts{}.Values()
			}
			t.Rows = append(t.Rows, Form1Line{Key: row.Key, Label: label(row.Key), Total: row.Key == RowTotal,
				Cur: row.Values(), Prev: p})
		}
		return t
	}
	byChannel = table(r.Form1, prev.Form1, func(k string) string { return RowLabel(k, o.Classifier, o.Lang, o.T) })
	bySettlement = table(r.Form1BySettlement, prev.Form1BySettlement, r.settlementRowLabel(o))
	return byChannel, bySettlement
}

// settlementRowLabel names the rows of Form 1 by settlement: the settlement, "not determined", the total.
func (r *Report) settlementRowLabel(o Output) func(string) string {
	return func(k string) string {
		if k == RowTotal {
			return o.T("report.row.total")
		}
		return r.CodeName("by_settlement", k, o)
	}
}

// csvSafe keeps spreadsheet programs from running a cell as a formula (names are typed by people).
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteCSV writes the report in long form, one figure a line: section, code, name, column, value, the
// value a year earlier, the value in the preceding period (summary and breakdowns). Broken identities come
// first, as "issue" lines, then the narrative's paragraphs as "narrative" lines; the tables per department
// and per settlement are "departments" and "settlements" lines, one a column. UTF-8 with a BOM, so
// spreadsheet programs read Cyrillic.
func (r *Report) WriteCSV(w io.Writer, o Output) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	c := csv.NewWriter(w)
	prevPeriod := ""
	if r.Previous != nil {
		prevPeriod = r.Previous.Period.String()
	}
	rows := [][]string{
		{o.T("report.csv.section"), o.T("report.csv.code"), o.T("report.csv.name"), o.T("report.csv.column"),
			r.Period.String(), prevPeriod, r.PreviousPeriodName(o)},
	}
	for _, text := range r.IssueTexts(o) {
		rows = append(rows, []string{"issue", "", o.T("report.identity.error") + ": " + text, "", "", "", ""})
	}
	for i, p := range r.Paragraphs(o) {
		rows = append(rows, []string{"narrative", strconv.Itoa(i + 1), csvSafe(p), "", "", "", ""})
	}
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	for _, l := range r.Summary(o) {
		rows = append(rows, []string{"summary", l.Code, l.Name, "", n(l.Value), n(l.Previous), n(l.PreviousPeriod)})
	}
	for _, d := range Dimensions(o.Classifier) {
		for _, l := range r.Lines(d, o) {
			rows = append(rows, []string{d.Key, l.Code, csvSafe(l.Name), "", n(l.Value), n(l.Previous), n(l.PreviousPeriod)})
		}
	}
	for _, t := range r.Timetables(o) {
		for _, row := range t.Rows {
			for i, col := range TimelinessColumns {
				rows = append(rows, []string{t.Key, row.Key, csvSafe(row.Label), col, row.Values[i], "", ""})
			}
		}
	}
	for _, s := range r.SubjectLines(o) {
		f := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
		rows = append(rows, []string{"by_subject", s.Code, s.Name, "count", n(s.Current.Count), n(s.Previous.Count), ""},
			[]string{"by_subject", s.Code, s.Name, "share", f(s.Current.Share), f(s.Previous.Share), ""})
	}
	byChannel, bySettlement := r.Form1Tables(o)
	for _, s := range []struct {
		section string
		table   Form1Table
	}{{"form1", byChannel}, {"form1_by_settlement", bySettlement}} {
		for _, row := range s.table.Rows {
			for i, col := range Columns {
				rows = append(rows, []string{s.section, row.Key, csvSafe(row.Label), col, n(row.Cur[i]), n(row.Prev[i]), ""})
			}
		}
	}
	if err := c.WriteAll(rows); err != nil {
		return err
	}
	return c.Error()
}
