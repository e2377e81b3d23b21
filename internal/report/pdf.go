package report

import (
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/signintech/gopdf"
)

// DejaVu Sans Condensed covers Cyrillic and is free to embed (fonts/LICENSE); the condensed cut keeps
// Form 1's fourteen columns on a landscape A4.
//
//go:embed fonts/DejaVuSansCondensed.ttf
var fontData []byte

const (
	pageW, pageH = 841.89, 595.28 // A4 landscape, points
	margin       = 36.0
	fontName     = "dejavu"
)

// pdfWriter lays text out top to bottom, starting a new page when the next block would not fit.
type pdfWriter struct {
	pdf *gopdf.GoPdf
	y   float64
	err error
}

func (p *pdfWriter) keep(err error) {
	if p.err == nil {
		p.err = err
	}
}

func (p *pdfWriter) need(h float64) {
	if p.y+h > pageH-margin {
		p.pdf.AddPage()
		p.y = margin
	}
}

func (p *pdfWriter) size(pt float64) { p.keep(p.pdf.SetFontSize(pt)) }

// text writes a paragraph wrapped to the page's width.
func (p *pdfWriter) text(s string, pt float64) {
	p.size(pt)
	width := pageW - 2*margin
	for _, para := range strings.Split(s, "\n") {
		lines, err := p.pdf.SplitText(para, width)
		if err != nil || len(lines) == 0 {
			lines = []string{para}
		}
		for _, l := range lines {
			p.need(pt * 1.35)
			p.pdf.SetXY(margin, p.y)
			p.keep(p.pdf.Cell(&gopdf.Rect{W: width, H: pt * 1.35}, l))
			p.y += pt * 1.35
		}
	}
}

// table draws a bordered table; the first column is wrapped text, the others right-aligned numbers.
func (p *pdfWriter) table(widths []float64, header []string, rows [][]string, pt float64) {
	p.size(pt)
	lineH := pt * 1.3
	draw := func(cells []string, bold bool) {
		// Height: the tallest wrapped cell.
		wrapped := make([][]string, len(cells))
		h := lineH
		for i, c := range cells {
			lines, err := p.pdf.SplitText(c, widths[i]-4)
			if err != nil || len(lines) == 0 {
				lines = []string{c}
			}
			wrapped[i] = lines
			h = max(h, float64(len(lines))*lineH)
		}
		h += 4
		p.need(h)
		x := margin
		for i := range cells {
			if bold {
				p.pdf.SetFillColor(230, 230, 230)
				p.pdf.RectFromUpperLeftWithStyle(x, p.y, widths[i], h, "FD")
			} else {
				p.pdf.RectFromUpperLeftWithStyle(x, p.y, widths[i], h, "D")
			}
			align := gopdf.Right | gopdf.Top
			if i == 0 || bold {
				align = gopdf.Left | gopdf.Top
			}
			for j, l := range wrapped[i] {
				p.pdf.SetXY(x+2, p.y+2+float64(j)*lineH)
				p.keep(p.pdf.CellWithOption(&gopdf.Rect{W: widths[i] - 4, H: lineH}, l, gopdf.CellOption{Align: align}))
			}
			x += widths[i]
		}
		p.y += h
	}
	draw(header, true)
	for _, r := range rows {
		draw(r, false)
	}
	p.y += pt
}

// WritePDF writes a print-ready A4 document: the title, broken identities (in red, marked as errors in
// words too), the narrative draft, the headline figures, Form 1 and Form 2, each with the year earlier.
func (r *Report) WritePDF(w io.Writer, o Output) error {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}, Unit: gopdf.UnitPT})
	pdf.SetInfo(gopdf.PdfInfo{Title: o.T("report.title") + " " + r.Period.String(), Creator: "Hromada"})
	if err := pdf.AddTTFFontData(fontName, fontData); err != nil {
		return fmt.Errorf("PDF font: %w", err)
	}
	if err := pdf.SetFont(fontName, "", 11); err != nil {
		return err
	}
	pdf.AddPage()
	p := &pdfWriter{pdf: pdf, y: margin}
	p.text(o.T("report.title")+" — "+o.Council.In(o.Lang), 15)
	p.text(o.T("report.period")+": "+r.Period.String()+"   "+o.T("report.previous")+": "+r.Previous.Period.String(), 10)
	p.y += 6
	if issues := r.IssueTexts(o); len(issues) > 0 {
		pdf.SetTextColor(192, 0, 0)
		for _, t := range issues {
			p.text(o.T("report.identity.error")+": "+t, 10)
		}
		pdf.SetTextColor(0, 0, 0)
	} else {
		p.text(o.T("report.identity.ok"), 10)
	}
	p.y += 6
	p.text(o.T("report.narrative"), 12)
	p.text(r.Narrative(o), 10)
	p.y += 8

	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	p.text(o.T("report.figures"), 12)
	var rows [][]string
	for _, l := range r.Summary(o) {
		rows = append(rows, []string{l.Name, n(l.Value), n(l.Previous)})
	}
	p.table([]float64{300, 110, 110}, []string{"", r.Period.String(), r.Previous.Period.String()}, rows, 9)

	form1 := func(form Form1, rowTitle, caption string, label func(string) string) {
		p.need(80)
		p.text(caption, 12)
		header := []string{rowTitle}
		for _, c := range Columns {
			header = append(header, o.T("report.col."+c))
		}
		widths := []float64{170}
		for range Columns {
			widths = append(widths, (pageW-2*margin-170)/float64(len(Columns)))
		}
		var rows [][]string
		for _, row := range append(slices.Clone(form.Rows), form.Total) {
			cells := []string{label(row.Key)}
			for _, v := range row.Values() {
				cells = append(cells, n(v))
			}
			rows = append(rows, cells)
		}
		p.table(widths, header, rows, 7.5)
	}
	channelLabel := func(k string) string { return RowLabel(k, o.Classifier, o.Lang, o.T) }
	form1(r.Form1, o.T("report.form1.row"), o.T("report.form1.title")+" · "+r.Period.String(), channelLabel)
	form1(r.Previous.Form1, o.T("report.form1.row"), o.T("report.form1.title")+" · "+o.T("report.previous")+" "+
		r.Previous.Period.String(), channelLabel)
	settlementLabel := r.settlementRowLabel(o)
	form1(r.Form1BySettlement, o.T("report.form1s.row"), o.T("report.form1s.title")+" · "+r.Period.String(), settlementLabel)
	form1(r.Previous.Form1BySettlement, o.T("report.form1s.row"), o.T("report.form1s.title")+" · "+o.T("report.previous")+" "+
		r.Previous.Period.String(), settlementLabel)

	p.need(80)
	p.text(o.T("report.form2.title"), 12)
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
	p.table([]float64{390, 80, 80, 80, 80}, []string{o.T("report.form2.subject"),
		o.T("report.form2.count"), o.T("report.form2.share"),
		o.T("report.form2.count") + " " + o.T("report.previous_short"), o.T("report.form2.share") + " " + o.T("report.previous_short")}, rows, 8)
	if p.err != nil {
		return fmt.Errorf("PDF: %w", p.err)
	}
	_, err := pdf.WriteTo(w)
	return err
}
