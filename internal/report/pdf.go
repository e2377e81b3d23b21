package report

import (
	"io"
	"slices"
	"strconv"

	"github.com/hromada/hromada/internal/pdfdoc"
)

// A4 landscape with half-inch margins: Form 1's fourteen columns fit across.
const margin = 36.0

// WritePDF writes a print-ready A4 document: the title, broken identities (in red, marked as errors in
// words too), the narrative draft, the headline figures, Form 1 and Form 2, each with the year earlier.
func (r *Report) WritePDF(w io.Writer, o Output) error {
	p, err := pdfdoc.New(pdfdoc.A4Landscape, pdfdoc.Even(margin), o.T("report.title")+" "+r.Period.String())
	if err != nil {
		return err
	}
	width := p.Width()
	p.Text(o.T("report.title")+" — "+o.Council.In(o.Lang), 15)
	p.Text(o.T("report.period")+": "+r.Period.String()+"   "+o.T("report.previous")+": "+r.Previous.Period.String(), 10)
	p.Space(6)
	if issues := r.IssueTexts(o); len(issues) > 0 {
		p.SetColor(192, 0, 0)
		for _, t := range issues {
			p.Text(o.T("report.identity.error")+": "+t, 10)
		}
		p.SetColor(0, 0, 0)
	} else {
		p.Text(o.T("report.identity.ok"), 10)
	}
	p.Space(6)
	p.Text(o.T("report.narrative"), 12)
	for _, para := range r.Paragraphs(o) {
		p.Text(para, 10)
		p.Space(3)
	}
	p.Space(5)

	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	p.Text(o.T("report.figures"), 12)
	var rows [][]string
	for _, l := range r.Summary(o) {
		rows = append(rows, []string{l.Name, n(l.Value), n(l.Previous), n(l.PreviousPeriod)})
	}
	p.Table([]float64{300, 110, 110, 250}, []string{o.T("report.figures.row"), r.Period.String(), r.Previous.Period.String(),
		r.PreviousPeriodName(o)}, rows, 9, false)
	r.timetablesPDF(p, o)

	form1 := func(form Form1, rowTitle, caption string, label func(string) string) {
		p.Need(80)
		p.Text(caption, 12)
		header := []string{rowTitle}
		for _, c := range Columns {
			header = append(header, o.T("report.col."+c))
		}
		widths := []float64{170}
		for range Columns {
			widths = append(widths, (width-170)/float64(len(Columns)))
		}
		var rows [][]string
		for _, row := range append(slices.Clone(form.Rows), form.Total) {
			cells := []string{label(row.Key)}
			for _, v := range row.Values() {
				cells = append(cells, n(v))
			}
			rows = append(rows, cells)
		}
		p.Table(widths, header, rows, 7.5, false)
	}
	channelLabel := func(k string) string { return RowLabel(k, o.Classifier, o.Lang, o.T) }
	form1(r.Form1, o.T("report.form1.row"), o.T("report.form1.title")+" · "+r.Period.String(), channelLabel)
	form1(r.Previous.Form1, o.T("report.form1.row"), o.T("report.form1.title")+" · "+o.T("report.previous")+" "+
		r.Previous.Period.String(), channelLabel)
	settlementLabel := r.settlementRowLabel(o)
	form1(r.Form1BySettlement, o.T("report.form1s.row"), o.T("report.form1s.title")+" · "+r.Period.String(), settlementLabel)
	form1(r.Previous.Form1BySettlement, o.T("report.form1s.row"), o.T("report.form1s.title")+" · "+o.T("report.previous")+" "+
		r.Previous.Period.String(), settlementLabel)

	p.Need(80)
	p.Text(o.T("report.form2.title"), 12)
	rows = nil
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	for _, l := range r.SubjectLines(o) {
		name := l.Code + " " + l.Name
		if l.Outside {
			name += " — " + o.T("report.form2.outside")
		}
		rows = append(rows, []string{name, n(l.Current.Count), f(l.Current.Share), n(l.Previous.Count), f(l.Previous.Share)})
	}
	rows = append(rows, []string{o.T("report.row.total"), n(r.Questions), "100.0", n(r.Previous.Questions), "100.0"})
	p.Table([]float64{390, 80, 80, 80, 80}, []string{o.T("report.form2.subject"),
		o.T("report.form2.count"), o.T("report.form2.share"),
		o.T("report.form2.count") + " " + o.T("report.previous_short"), o.T("report.form2.share") + " " + o.T("report.previous_short")}, rows, 8, false)
	return p.Write(w)
}
