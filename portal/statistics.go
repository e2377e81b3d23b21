package portal

import (
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/statistics"
	"github.com/hromada/hromada/internal/web"
)

// statsCache is how long browsers and shared caches keep the statistics: the server computes a period at
// most once per statistics.Fresh anyway, so a minute old is as fresh as they get.
const statsCache = "public, max-age=60"

// statsForm is the page's period as chosen, kept to show the form again.
type statsForm struct {
	Kind, Year, Quarter string
}

// statsPeriod reads the page's period: a quarter or a year; with nothing chosen the last quarter that
// has ended. Problems are named beside their fields.
func statsPeriod(c *fiber.Ctx, today time.Time) (f statsForm, from, to time.Time, v errs.Validation) {
	r := web.ReadQuery(c)
	lastFrom, _ := statistics.LastQuarter(today)
	f = statsForm{Kind: "quarter", Year: strconv.Itoa(lastFrom.Year()), Quarter: strconv.Itoa(int(lastFrom.Month()-1)/3 + 1)}
	if r.Has("kind") && r.Line("kind", 40) == "year" {
		f.Kind = "year"
	}
	year, quarter := int64(lastFrom.Year()), int64(int(lastFrom.Month()-1)/3+1)
	v = errs.Validation{}
	// A field sent empty (or as spaces) is a problem too: the form always sends a value from its list.
	number := func(field string, value *int64, min, max int64, typed *string) {
		if !r.Has(field) {
			return
		}
		*typed = r.Line(field, 40)
		n, ok := r.Int(field, min, max)
		if !ok {
			v.Add(field, "stats.error."+field)
		}
		*value = n
	}
	number("year", &year, statistics.Earliest, int64(today.Year()), &f.Year)
	number("quarter", &quarter, 1, 4, &f.Quarter)
	for field := range r.Problems() {
		v.Add(field, "stats.error."+field)
	}
	if len(v) > 0 {
		return f, from, to, v
	}
	if f.Kind == "year" {
		from = time.Date(int(year), time.January, 1, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(1, 0, -1)
	} else {
		from = time.Date(int(year), time.Month(3*quarter-2), 1, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(0, 3, -1)
	}
	// Dates as text: today may be midnight in the council's zone, the period's days are midnight UTC.
	if from.Format(time.DateOnly) > today.Format(time.DateOnly) {
		v.Add("quarter", "stats.error.future")
	}
	return f, from, to, v
}

// statsCell is one figure of a table as shown: the number, or the mark of a hidden cell with its words
// for screen readers.
type statsCell struct {
	Text, Hidden, Said string
}

// statsRow is a labelled row of cells.
type statsRow struct {
	Key, Label string
	Total      bool
	Cells      []statsCell
}

// statistics is the public page: the period's headline figures beside the year earlier, charts, forms
// 1–2, and the breakdowns by settlement, author and department with the small cells hidden.
func (h *handlers) statistics(c *fiber.Ctx) error {
	l := h.web.TextsOf(c)
	today := h.Stats.Today()
	f, from, to, problems := statsPeriod(c, today)
	var years []int
	for y := today.Year(); y >= statistics.Earliest; y-- {
		years = append(years, y)
	}
	data := fiber.Map{"Title": l.T("stats.title"), "Form": f, "Errors": map[string]string(problems), "Years": years,
		"Quarters": []int{1, 2, 3, 4}}
	if len(problems) > 0 {
		c.Status(fiber.StatusBadRequest)
		return c.Render("portal/statistics", data)
	}
	o, err := h.Stats.Open(c.UserContext(), from, to)
	if err != nil {
		return err
	}
	h.statsPage(data, o, l, web.LangOf(c))
	c.Set(fiber.HeaderCacheControl, statsCache)
	return c.Render("portal/statistics", data)
}

// statsPage fills the page with one period's published figures.
func (h *handlers) statsPage(data fiber.Map, o *statistics.Open, l *i18n.L, lang string) {
	r := o.Report
	out := report.Output{Council: h.Config.Council, Lang: lang, Classifier: h.Classifier, L: l}
	form1, form1s := r.Form1Tables(out)
	subjects := r.SubjectLines(out)
	cell := func(v int64, hidden string) statsCell {
		if hidden == "" {
			return statsCell{Text: strconv.FormatInt(v, 10)}
		}
		return statsCell{Text: l.T("stats.hidden." + hidden + ".mark"), Hidden: hidden, Said: l.T("stats.hidden." + hidden)}
	}
	var channels, settlements []statsRow
	for _, row := range form1.Rows {
		sr := statsRow{Key: row.Key, Label: row.Label, Total: row.Total}
		for _, v := range row.Cur {
			sr.Cells = append(sr.Cells, cell(v, ""))
		}
		channels = append(channels, sr)
	}
	for _, row := range form1s.Rows {
		sr := statsRow{Key: row.Key, Label: row.Label, Total: row.Total}
		for i, v := range row.Cur {
			sr.Cells = append(sr.Cells, cell(v, o.Hidden.Cell("form1_by_settlement", row.Key, report.Columns[i])))
		}
		settlements = append(settlements, sr)
	}
	// The breakdowns by who the author is and who answered, this period beside the year earlier.
	type dimension struct {
		Key  string
		Rows []statsRow
	}
	var dims []dimension
	for _, d := range report.Dimensions(h.Classifier) {
		if !slices.Contains([]string{"by_gender", "by_category", "by_social_status", "by_department"}, d.Key) {
			continue
		}
		dim := dimension{Key: d.Key}
		for _, line := range r.Lines(d, out) {
			dim.Rows = append(dim.Rows, statsRow{Key: line.Code, Label: line.Name, Cells: []statsCell{
				cell(line.Value, o.Hidden.Of(d.Key, line.Code)), cell(line.Previous, o.Previous.Of(d.Key, line.Code))}})
		}
		dims = append(dims, dim)
	}
	// Charts: channels as Form 1 groups them, the ten largest subjects, results; none of them is hidden.
	var channelBars, subjectBars, resultBars []web.Bar
	for _, row := range form1.Rows {
		if !row.Total {
			channelBars = append(channelBars, web.Bar{Label: row.Label, Cur: row.Cur[0], Prev: row.Prev[0]})
		}
	}
	top := slices.Clone(subjects)
	slices.SortStableFunc(top, func(a, b report.SubjectLine) int { return int(b.Current.Count - a.Current.Count) })
	for _, s := range top[:min(10, len(top))] {
		if s.Current.Count > 0 || s.Previous.Count > 0 {
			subjectBars = append(subjectBars, web.Bar{Label: s.Code + " " + s.Name, Cur: s.Current.Count, Prev: s.Previous.Count})
		}
	}
	for _, line := range r.Lines(report.Dimensions(h.Classifier)[slices.IndexFunc(report.Dimensions(h.Classifier),
		func(d report.Dimension) bool { return d.Key == "by_result" })], out) {
		resultBars = append(resultBars, web.Bar{Label: line.Name, Cur: line.Value, Prev: line.Previous})
	}
	legend := web.ChartLegend{Current: l.T("report.chart.current"), Previous: l.T("report.chart.previous"),
		Desc: l.T("report.chart.legend")}
	query := "?from=" + r.Period.From + "&to=" + r.Period.To
	data["Report"] = r
	data["Summary"] = r.Summary(out)
	data["Columns"] = report.Columns
	data["Form1"] = channels
	data["Form1BySettlement"] = settlements
	data["Subjects"] = subjects
	data["Dimensions"] = dims
	data["Charts"] = []any{
		web.BarChart("chart-channels", l.T("report.chart.channels"), channelBars, legend),
		web.BarChart("chart-subjects", l.T("report.chart.subjects"), subjectBars, legend),
		web.BarChart("chart-results", l.T("report.chart.results"), resultBars, legend),
	}
	data["JSON"] = "/api/v1/statistics" + query
	data["CSV"] = "/api/v1/statistics.csv" + query
}

// apiStatistics is the open data of a period as JSON: the report's own keys, the hidden cells null.
func (h *handlers) apiStatistics(c *fiber.Ctx) error {
	o, err := h.openStatistics(c)
	if o == nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, statsCache)
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(o.JSON)
}

// apiStatisticsCSV is the same open data one figure a line.
func (h *handlers) apiStatisticsCSV(c *fiber.Ctx) error {
	o, err := h.openStatistics(c)
	if o == nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, statsCache)
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+o.FileName()+`"`)
	return c.Send(o.CSV)
}

// openStatistics reads from and to (both missing: the last quarter that has ended) and gives the
// period's open data; a period that cannot be published is answered here as a problem (RFC 9457) naming
// the parameters, and nil is returned.
func (h *handlers) openStatistics(c *fiber.Ctx) (*statistics.Open, error) {
	today := h.Stats.Today()
	r := web.ReadQuery(c)
	from, to := statistics.LastQuarter(today)
	if r.Has("from") || r.Has("to") {
		var problems errs.Validation
		if from, to, problems = statistics.Period(r, today); len(problems) > 0 {
			return nil, h.statsProblem(c, problems)
		}
	}
	return h.Stats.Open(c.UserContext(), from, to)
}

// statsProblem answers 400 with problem details in the visitor's language, one entry per parameter.
func (h *handlers) statsProblem(c *fiber.Ctx, problems errs.Validation) error {
	l := h.web.TextsOf(c)
	type param struct {
		Parameter string `json:"parameter"`
		Detail    string `json:"detail"`
	}
	var list []param
	for _, field := range []string{"from", "to"} {
		if msg, ok := problems[field]; ok {
			list = append(list, param{Parameter: field, Detail: l.T(msg)})
		}
	}
	detail := ""
	if len(list) > 0 {
		detail = list[0].Detail
	}
	c.Status(fiber.StatusBadRequest)
	return c.JSON(fiber.Map{"type": "about:blank", "title": l.T("error.bad_request"), "status": fiber.StatusBadRequest,
		"detail": detail, "instance": c.Path(), "errors": list}, "application/problem+json")
}

// statsRule is the suppression rule in both languages, for the open data.
func statsRule(s *web.Server) i18n.Text {
	return i18n.Text{UK: s.Texts("uk").T("stats.rule"), EN: s.Texts("en").T("stats.rule")}
}
