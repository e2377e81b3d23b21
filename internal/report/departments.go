package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/registry"
)

// Timeliness is one row of the tables per department (executive body) and per settlement: how the period's
// appeals of that department or settlement were answered, beside the counts of the preceding period and
// of the same days a year earlier.
//
//   - received: appeals of the period; share: of all the period's appeals, in percent (one decimal).
//   - on_time: closed (answered, forwarded, returned, left without consideration) by the due date, or out
//     of deadline control (anonymous, Art. 8: no term to miss); late: closed after the due date (the
//     council's date of answered_at); overdue: still open with the due date before today; pending: open
//     within the term. on_time + late + overdue + pending = received, and late + overdue summed over the
//     rows is the report's overdue.
//   - average_days: from receipt to answer, elapsed time in days (one decimal), over the closed appeals
//     with an answer date; 0 when there is none.
//   - previous_period, previous_year: appeals received in the preceding period of the same length and in
//     the same days a year earlier (by_department, by_settlement of previous_quarter and previous).
type Timeliness struct {
	Key            string  `json:"key"` // by_department's or by_settlement's key; "total" for the total row
	Received       int64   `json:"received"`
	Share          float64 `json:"share"`
	OnTime         int64   `json:"on_time"`
	Late           int64   `json:"late"`
	Overdue        int64   `json:"overdue"`
	Pending        int64   `json:"pending"`
	AverageDays    float64 `json:"average_days"`
	PreviousPeriod int64   `json:"previous_period"`
	PreviousYear   int64   `json:"previous_year"`
	answerSeconds  int64   // sums the average is taken from
	timed          int64
}

// Timetable is a table of Timeliness rows with their total.
type Timetable struct {
	Rows  []Timeliness `json:"rows"`
	Total Timeliness   `json:"total"`
}

// TimelinessColumns names the tables' numeric columns in order; Values gives them in the same order.
var TimelinessColumns = []string{"received", "share", "on_time", "late", "overdue", "pending", "average_days",
	"previous_period", "previous_year"}

// Values lists the row's figures in the order of TimelinessColumns, as text (shares and days with one
// decimal).
func (t Timeliness) Values() []string {
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	return []string{n(t.Received), f(t.Share), n(t.OnTime), n(t.Late), n(t.Overdue), n(t.Pending), f(t.AverageDays),
		n(t.PreviousPeriod), n(t.PreviousYear)}
}

func (t *Timeliness) add(o Timeliness) {
	t.Received += o.Received
	t.OnTime += o.OnTime
	t.Late += o.Late
	t.Overdue += o.Overdue
	t.Pending += o.Pending
	t.answerSeconds += o.answerSeconds
	t.timed += o.timed
}

// finish derives the share and the average once the sums are in.
func (t *Timeliness) finish(appeals int64) {
	t.Share = share(t.Received, appeals)
	if t.timed > 0 {
		t.AverageDays = roundTenth(float64(t.answerSeconds) / float64(t.timed) / 86400)
	}
}

func roundTenth(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

// timelinessCell is one group of the timeliness query: the appeals of one department and one settlement.
type timelinessCell struct {
	Department, Settlement string
	Timeliness
}

// timeliness groups the period's appeals by lead department and settlement with the sums the tables per
// department and per settlement need: one pass over the period's range of the covering index
// appeals_report (it holds every column read here), and one over the few rows of the partial index
// appeals_off_term to take the appeals out of deadline control back out of late and overdue, as figures()
// does for the report's overdue (reading the column in the main pass would cost its index-only scan).
func (q *querier) timeliness(from, to time.Time) ([]timelinessCell, error) {
	start, end := q.bounds(from, to)
	closed := registry.Closed
	seconds := "CAST(EXTRACT(EPOCH FROM answered_at - received_at) AS BIGINT)"
	if q.dialect == db.SQLite {
		seconds = "CAST((julianday(answered_at) - julianday(received_at)) * 86400 AS INTEGER)"
	}
	late := "status IN ? AND answered_at > due_date AND " + q.answeredLate
	lateArgs := append([]any{closed}, q.answeredLateArgs...)
	overdue := "status NOT IN ? AND due_date < ?"
	groups := "COALESCE(CAST(department_id AS TEXT), '') AS department, COALESCE(CAST(settlement_id AS TEXT), '') AS settlement"
	// The arguments in the order of the placeholders below.
	args := append([]any{closed, closed}, lateArgs...)
	args = append(args, closed, q.today, closed, start, end)
	var cells []struct {
		Department, Settlement                          string
		Received, Closed, Late, Overdue, Seconds, Timed int64
	}
	err := q.db.Raw(`SELECT `+groups+`, COUNT(*) AS received,
		COALESCE(SUM(CASE WHEN status IN ? THEN 1 ELSE 0 END), 0) AS closed,
		COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND status IN ? THEN `+seconds+` ELSE 0 END), 0) AS seconds,
		COALESCE(SUM(CASE WHEN `+late+` THEN 1 ELSE 0 END), 0) AS late,
		COALESCE(SUM(CASE WHEN `+overdue+` THEN 1 ELSE 0 END), 0) AS overdue,
		COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND status IN ? THEN 1 ELSE 0 END), 0) AS timed
		FROM appeals WHERE received_at >= ? AND received_at < ? GROUP BY 1, 2`,
		args...).Scan(&cells).Error
	if err != nil {
		return nil, fmt.Errorf("report timeliness: %w", err)
	}
	var off []struct {
		Department, Settlement string
		Late, Overdue          int64
	}
	offArgs := append(slices.Clone(lateArgs), closed, q.today, start, end)
	if err := q.db.Raw(`SELECT `+groups+`,
		COALESCE(SUM(CASE WHEN `+late+` THEN 1 ELSE 0 END), 0) AS late,
		COALESCE(SUM(CASE WHEN `+overdue+` THEN 1 ELSE 0 END), 0) AS overdue
		FROM appeals WHERE (term_breach OR uncontrolled) AND uncontrolled AND received_at >= ? AND received_at < ?
		GROUP BY 1, 2`, offArgs...).Scan(&off).Error; err != nil {
		return nil, fmt.Errorf("report timeliness out of control: %w", err)
	}
	out := make([]timelinessCell, 0, len(cells))
	for _, c := range cells {
		t := Timeliness{Received: c.Received, Late: c.Late, Overdue: c.Overdue, answerSeconds: c.Seconds, timed: c.Timed}
		for _, o := range off {
			if o.Department == c.Department && o.Settlement == c.Settlement {
				t.Late -= o.Late
				t.Overdue -= o.Overdue
			}
		}
		t.OnTime = c.Closed - t.Late
		t.Pending = t.Received - c.Closed - t.Overdue
		out = append(out, timelinessCell{Department: orKey(c.Department, Unassigned), Settlement: orKey(c.Settlement, Undetermined),
			Timeliness: t})
	}
	return out, nil
}

// timetables builds the tables per department and per settlement from the period's cells, with the
// preceding period's and the year-earlier counts beside them. Departments are listed when any of the three
// periods has an appeal of theirs, in the order of their Ukrainian names, "unassigned" last; settlements
// as Form 1 by settlement lists them (every one of the community, then "undetermined").
func (r *Report) timetables(cells []timelinessCell, settlements []string) {
	prevYear, prevPeriod := r.Previous, r.PreviousQuarter
	byDep, bySet := map[string]*Timeliness{}, map[string]*Timeliness{}
	row := func(m map[string]*Timeliness, k string) *Timeliness {
		if m[k] == nil {
			m[k] = &Timeliness{Key: k}
		}
		return m[k]
	}
	for _, c := range cells {
		row(byDep, c.Department).add(c.Timeliness)
		row(bySet, c.Settlement).add(c.Timeliness)
	}
	for _, p := range []*Figures{prevYear, prevPeriod} {
		if p == nil {
			continue
		}
		for k := range p.ByDepartment {
			row(byDep, k)
		}
	}
	deps := make([]string, 0, len(byDep))
	for k := range byDep {
		deps = append(deps, k)
	}
	ukrainian := collate.New(language.Ukrainian)
	slices.SortFunc(deps, func(a, b string) int {
		if (a == Unassigned) != (b == Unassigned) {
			if a == Unassigned {
				return 1
			}
			return -1
		}
		if c := ukrainian.CompareString(r.DepartmentNames[a].UK, r.DepartmentNames[b].UK); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	sets := slices.Clone(settlements)
	for k := range bySet {
		if !slices.Contains(sets, k) && k != Undetermined {
			sets = append(sets, k) // a settlement no longer listed still counts
		}
	}
	sets = append(sets, Undetermined)
	table := func(keys []string, m map[string]*Timeliness, get func(*Figures) map[string]int64) Timetable {
		t := Timetable{Total: Timeliness{Key: RowTotal}}
		for _, k := range keys {
			row := *row(m, k)
			if prevPeriod != nil {
				row.PreviousPeriod = get(prevPeriod)[k]
			}
			if prevYear != nil {
				row.PreviousYear = get(prevYear)[k]
			}
			row.finish(r.Appeals)
			t.Total.add(row)
			t.Total.PreviousPeriod += row.PreviousPeriod
			t.Total.PreviousYear += row.PreviousYear
			t.Rows = append(t.Rows, row)
		}
		t.Total.finish(r.Appeals)
		return t
	}
	r.Departments = table(deps, byDep, func(f *Figures) map[string]int64 { return f.ByDepartment })
	r.Settlements = table(sets, bySet, func(f *Figures) map[string]int64 { return f.BySettlement })
}

// TimetableView is one of the tables per department or per settlement ready to show: its key (the JSON's
// and the CSV's section), title, the rows' heading, and each row's label and figures (TimelinessColumns'
// order, as text), the total last.
type TimetableView struct {
	Key, Title, RowTitle string
	Rows                 []TimetableLine
}

// TimetableLine is one row of a TimetableView.
type TimetableLine struct {
	Key, Label string
	Total      bool
	Values     []string
}

// Timetables are the tables per department and per settlement, for the page and the exports to lay out
// alike.
func (r *Report) Timetables(o Output) []TimetableView {
	view := func(key, dim, rowTitle string, t Timetable) TimetableView {
		v := TimetableView{Key: key, Title: o.T("words." + key + ".title"), RowTitle: o.T(rowTitle)}
		for _, row := range append(slices.Clone(t.Rows), t.Total) {
			label := o.T("report.row.total")
			if row.Key != RowTotal {
				label = r.CodeName(dim, row.Key, o)
			}
			v.Rows = append(v.Rows, TimetableLine{Key: row.Key, Label: label, Total: row.Key == RowTotal, Values: row.Values()})
		}
		return v
	}
	return []TimetableView{
		view("departments", "by_department", "words.departments.row", r.Departments),
		view("settlements", "by_settlement", "report.form1s.row", r.Settlements),
	}
}

// TimelinessHeader names the tables' columns in the output's language.
func TimelinessHeader(o Output) []string {
	out := make([]string, 0, len(TimelinessColumns))
	for _, c := range TimelinessColumns {
		out = append(out, o.T("words.col."+c))
	}
	return out
}
