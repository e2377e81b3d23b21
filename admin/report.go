package admin

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/reporttext"
	"github.com/hromada/hromada/internal/web"
)

// periodForm is the report's period as typed, kept to show the form again.
type periodForm struct {
	Kind, Year, Month, Quarter, From, To string
}

var periodKinds = []string{"month", "quarter", "year", "custom"}

// reportPeriod reads the period from the query string: a month, a quarter or a year of a year, or any
// days from–to. With nothing asked it is the current quarter. Problems are reported beside their fields.
func (h *handlers) reportPeriod(c *fiber.Ctx) (from, to time.Time, form periodForm, v errs.Validation) {
	today := h.Reports.Today()
	r := web.ReadQuery(c)
	line := func(field, def string) string {
		if !r.Has(field) {
			return def
		}
		return r.Line(field, 40)
	}
	form = periodForm{Kind: line("kind", "quarter"), Year: line("year", strconv.Itoa(today.Year())),
		Month: line("month", strconv.Itoa(int(today.Month()))), Quarter: line("quarter", strconv.Itoa((int(today.Month())-1)/3+1)),
		From: line("from", ""), To: line("to", "")}
	v = r.Problems() // characters that cannot be read, beside their field; then what cannot be a period
	if !slices.Contains(periodKinds, form.Kind) {
		form.Kind = "quarter"
	}
	if form.Kind == "custom" {
		day := func(field, s string) time.Time {
			d, err := time.Parse(time.DateOnly, s)
			if err != nil {
				v.Add(field, "report.error.date")
			}
			return d
		}
		from, to = day("from", form.From), day("to", form.To)
		if len(v) == 0 && (to.Before(from) || to.After(from.AddDate(10, 0, 0))) {
			v.Add("to", "report.error.order")
		}
		return from, to, form, v
	}
	year, err := strconv.Atoi(form.Year)
	if err != nil || year < 2000 || year > 2100 {
		v.Add("year", "report.error.year")
		return from, to, form, v
	}
	switch form.Kind {
	case "month":
		m, err := strconv.Atoi(form.Month)
		if err != nil || m < 1 || m > 12 {
			v.Add("month", "report.error.month")
			return from, to, form, v
		}
		from = time.Date(year, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(0, 1, -1)
	case "quarter":
		q, err := strconv.Atoi(form.Quarter)
		if err != nil || q < 1 || q > 4 {
			v.Add("quarter", "report.error.quarter")
			return from, to, form, v
		}
		from = time.Date(year, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(0, 3, -1)
	case "year":
		from = time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(1, 0, -1)
	}
	return from, to, form, v
}

// reportQuery is the period part of the query string as sent, cleaned as the edge cleans it, for the
// download links.
func reportQuery(c *fiber.Ctx) string {
	sent := web.Query(c)
	q := url.Values{}
	for _, k := range []string{"kind", "year", "month", "quarter", "from", "to"} {
		if v, _ := form.Check(sent.Get(k), false, 40); v != "" {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

// reportOutput is what the exports of the period are written for: the visitor's language, and for the
// whole document the configured heading and the latest texts staff typed for the period.
func (h *handlers) reportOutput(c *fiber.Ctx, p report.Period) (report.Output, reporttext.History, error) {
	o := report.Output{Council: h.Council, Lang: web.LangOf(c), Classifier: h.Classifier, L: h.web.TextsOf(c)}
	history, err := h.ReportTexts.Of(c.UserContext(), p)
	if err != nil {
		return o, nil, err
	}
	o.Document = report.Document{Heading: h.ReportHeading, Texts: history.Latest()}
	return o, history, nil
}

// report is the analysts' page: a period form, the figures beside the year earlier, forms 1–2, broken
// identities, charts, the narrative draft and the texts of the whole document.
func (h *handlers) report(c *fiber.Ctx) error { return h.reportPage(c, nil, nil) }

// reportPage shows the page; typed and textProblems are a refused save of the texts, shown as typed.
func (h *handlers) reportPage(c *fiber.Ctx, typed map[string]string, textProblems errs.Validation) error {
	from, to, form, problems := h.reportPeriod(c)
	l := h.web.TextsOf(c)
	data := fiber.Map{"Title": l.T("report.title"), "Form": form, "Errors": map[string]string(problems),
		"Kinds": periodKinds, "Months": rangeN(12), "Quarters": rangeN(4)}
	if len(problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return c.Render("admin/report", data)
	}
	r, err := h.Reports.Compute(c.UserContext(), from, to)
	if err != nil {
		return err
	}
	o, history, err := h.reportOutput(c, r.Period)
	if err != nil {
		return err
	}
	if data["Texts"], err = h.reportTexts(c, history, typed, textProblems); err != nil {
		return err
	}
	if len(textProblems) > 0 {
		data["Errors"] = map[string]string(textProblems)
	}
	form1, form1s := r.Form1Tables(o)
	type dimension struct {
		Key   string
		Lines []report.Line
	}
	var dims []dimension
	for _, d := range report.Dimensions(o.Classifier) {
		dims = append(dims, dimension{Key: d.Key, Lines: r.Lines(d, o)})
	}
	subjects := r.SubjectLines(o)
	query := reportQuery(c)

	// Charts: channels as Form 1 groups them, the ten largest subjects, results.
	var channelBars, subjectBars, resultBars []web.Bar
	for _, f := range form1.Rows {
		if !f.Total {
			channelBars = append(channelBars, web.Bar{Label: f.Label, Cur: f.Cur[0], Prev: f.Prev[0]})
		}
	}
	top := slices.Clone(subjects)
	slices.SortStableFunc(top, func(a, b report.SubjectLine) int { return int(b.Current.Count - a.Current.Count) })
	for _, s := range top[:min(10, len(top))] {
		if s.Current.Count > 0 || s.Previous.Count > 0 {
			subjectBars = append(subjectBars, web.Bar{Label: s.Code + " " + s.Name, Cur: s.Current.Count, Prev: s.Previous.Count})
		}
	}
	for _, d := range dims {
		if d.Key == "by_result" {
			for _, line := range d.Lines {
				resultBars = append(resultBars, web.Bar{Label: line.Name, Cur: line.Value, Prev: line.Previous})
			}
		}
	}
	legend := web.ChartLegend{Current: l.T("report.chart.current"), Previous: l.T("report.chart.previous"),
		Desc: l.T("report.chart.legend")}
	data["Report"] = r
	data["Summary"] = r.Summary(o)
	data["Form1"] = form1.Rows
	data["Form1BySettlement"] = form1s.Rows
	data["Columns"] = report.Columns
	data["Dimensions"] = dims
	data["Subjects"] = subjects
	data["Issues"] = r.IssueTexts(o)
	data["Narrative"] = r.Narrative(o)
	data["Timetables"] = r.Timetables(o)
	data["TimelinessHeader"] = report.TimelinessHeader(o)
	data["PreviousPeriod"] = r.PreviousPeriodName(o)
	data["Charts"] = []template.HTML{
		web.BarChart("chart-channels", l.T("report.chart.channels"), channelBars, legend),
		web.BarChart("chart-subjects", l.T("report.chart.subjects"), subjectBars, legend),
		web.BarChart("chart-results", l.T("report.chart.results"), resultBars, legend),
	}
	data["TextsAction"] = "/admin/report/texts?" + query
	data["Downloads"] = [][2]string{
		{"/admin/report.docx?" + query, l.T("docx.download.docx")},
		{"/admin/report.xlsx?" + query, l.T("report.download.xlsx")},
		{"/admin/report.csv?" + query, l.T("report.download.csv")},
		{"/admin/report.pdf?" + query, l.T("report.download.pdf")},
	}
	return c.Render("admin/report", data)
}

// reportDownload sends the same report as XLSX, CSV, or the whole document as DOCX or PDF.
func (h *handlers) reportDownload(c *fiber.Ctx) error {
	format := c.Params("format")
	if !slices.Contains(report.Formats, format) || format == "json" {
		return fiber.ErrNotFound
	}
	from, to, _, problems := h.reportPeriod(c)
	if err := problems.Err(); err != nil {
		return err
	}
	r, err := h.Reports.Compute(c.UserContext(), from, to)
	if err != nil {
		return err
	}
	o, _, err := h.reportOutput(c, r.Period)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := r.Write(&buf, format, o); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, report.ContentTypes[format])
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, r.FileName(format)))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

func rangeN(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}
