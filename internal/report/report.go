// Package report computes the statistics of citizens' appeals and local e-petitions for any period,
// beside the same period a year earlier, the council's forms 1–2 with their identities checked, a draft of
// the narrative the appeals department writes every quarter, and exports (JSON, CSV, XLSX, PDF).
//
// It sums a period's whole years and months from its cells (cells.go, migration 00022), which triggers
// keep exact in the transaction of every change to appeals and appeal_questions, and reads the other days,
// the timeliness per department and settlement, the ratings and the petitions from the live tables with a
// few GROUP BY queries (never row by row in Go), the appeals' through the covering index appeals_report
// (migration 00009). A year over a million appeals reads a few thousand cells (bench/report,
// docs/BENCHMARKS.md).
//
// Definitions, so that every figure can be checked by hand:
//
//   - An appeal is in the period when its received_at falls on a day from..to (both inclusive) in the
//     council's time zone.
//   - appeals: appeals in the period; questions: their questions (appeal_questions rows); citizens: the sum
//     of signers (a collective appeal counts every signer, an individual or anonymous one counts 1).
//   - by_channel, by_type, by_nature, by_sign: appeals per code. by_gender: ” is "unknown";
//     by_social_status: ” is "unknown". by_category: an author may hold several categories
//     (appeals.author_categories, ";"-separated), so each appeal counts once in every category it names
//     and the categories need not add up to the appeals.
//   - by_subject: questions per subject code (” is "unknown") with share = count / all questions × 100,
//     rounded to one decimal.
//   - by_department: appeals per lead department, keyed by the department's id as a string ("unassigned"
//     when not yet routed); names are in department_names.
//   - by_settlement: appeals per the author's settlement, keyed by the settlement's id as a string
//     ("undetermined" when the address named none and no one chose one); names are in settlement_names.
//   - by_result: appeals per result code (classifier 9.x); ” (not yet answered) is "pending", so the
//     results add up to the appeals.
//   - overdue: appeals of the period that are not closed and whose due date is before today (the council's
//     date), plus closed ones answered (answered_at, the council's date) after their due date; never an
//     appeal out of deadline control (uncontrolled: anonymous, Art. 8).
//   - term_breaches: appeals of the period forwarded (Art. 7: 5 days) or returned (Art. 5: 10 days) after
//     the step's term (term_breach, which the registry keeps).
//   - ratings: appeals of the period whose author rated the answer, satisfied or unsatisfied (each
//     answer rated once; ratings.go).
//   - petitions: petitions created, published, that reached the threshold and answered in the period
//     (created_at, published_at, threshold_reached_at, answered_at).
//   - previous: the same calendar days a year earlier; previous_quarter: the preceding period of the same
//     length (PrecedingPeriod) — for a quarter the quarter before it (Q1 2024 → Q4 2023), for a month the
//     month before, for a year the year before (then the same days as previous), for any other span the
//     same number of days just before its first day. Both hold every figure the period has.
//   - departments, settlements: the tables per department (executive body) and per settlement, each row a
//     Timeliness (received, share, on time, late, overdue, pending, average days to answer, the preceding
//     period's and the year-earlier count), with a total row; see Timeliness for each column.
//   - narrative (JSON only): the descriptive part as a list of paragraphs in the export's language, the
//     same as Paragraphs gives the page and the other exports.
//
// Form 1 groups the channels as the council reports them (electronic = portal + email, telephone = phone,
// the Government hotline and the oblast governor's hotline apart, the rest by classifier row 1.x). Form 1 by
// settlement has the same columns with a row per settlement of the community (every one, in the order of
// their names, then "undetermined"). Their identities (types and results add up to the total, citizens ≥
// appeals in every row, the settlements add up to the appeals, subjects add up to the questions, every
// appeal raises a question) are checked on the data and a broken one is returned as an Issue: shown on the
// page and written into every export, never hidden.
package report

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/calendar"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/reception"
	"github.com/hromada/hromada/internal/reportcells"
)

// Keys for empty values, so that the figures add up.
const (
	Unknown      = "unknown"      // no gender, social status or subject recorded
	Unassigned   = "unassigned"   // no lead department yet
	Pending      = "pending"      // no result yet
	Undetermined = "undetermined" // no settlement: the address named none and no one chose one
)

// Period is a span of calendar days, both inclusive, as YYYY-MM-DD.
type Period struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Subject is the count of questions on one subject and its share of all questions, in percent.
type Subject struct {
	Count int64   `json:"count"`
	Share float64 `json:"share"`
}

// Petitions counts the petitions' milestones that fell in the period.
type Petitions struct {
	Created          int64 `json:"created"`
	Published        int64 `json:"published"`
	ThresholdReached int64 `json:"threshold_reached"`
	Answered         int64 `json:"answered"`
}

// Figures are the statistics of one period.
type Figures struct {
	Period         Period             `json:"period"`
	Appeals        int64              `json:"appeals"`
	Questions      int64              `json:"questions"`
	Citizens       int64              `json:"citizens"`
	ByChannel      map[string]int64   `json:"by_channel"`
	ByType         map[string]int64   `json:"by_type"`
	ByNature       map[string]int64   `json:"by_nature"`
	BySign         map[string]int64   `json:"by_sign"`
	ByGender       map[string]int64   `json:"by_gender"`
	ByCategory     map[string]int64   `json:"by_category"`
	BySocialStatus map[string]int64   `json:"by_social_status"`
	BySubject      map[string]Subject `json:"by_subject"`
	ByDepartment   map[string]int64   `json:"by_department"`
	ByResult       map[string]int64   `json:"by_result"`
	BySettlement   map[string]int64   `json:"by_settlement"`
	Overdue        int64              `json:"overdue"`
	TermBreaches   int64              `json:"term_breaches"`
	Petitions      Petitions          `json:"petitions"`
	Ratings        Ratings            `json:"ratings"` // the authors' ratings of the answers (ratings.go)
	// WithoutQuestions counts appeals of the period that raise no question: each should raise one.
	WithoutQuestions int64 `json:"appeals_without_questions"`

	Form1 Form1 `json:"form1"`
	// Form1BySettlement is Form 1 with a row per settlement: its rows' keys are by_settlement's.
	Form1BySettlement Form1     `json:"form1_by_settlement"`
	Form2             []Form2   `json:"form2"`
	Issues            []Issue   `json:"issues"` // broken identities; empty when every one holds
	from              time.Time // the first day, midnight in the council's zone
	to                time.Time // the last day
}

// Report is the period's figures (at the top level, as the JSON export shows them) with the same period
// a year earlier beside them.
type Report struct {
	Figures
	Previous        *Figures             `json:"previous"`         // the same days a year earlier
	PreviousQuarter *Figures             `json:"previous_quarter"` // the preceding period of the same length
	Departments     Timetable            `json:"departments"`      // the period per department (executive body)
	Settlements     Timetable            `json:"settlements"`      // the period per settlement
	DepartmentNames map[string]i18n.Text `json:"department_names"` // by_department key → name
	SettlementNames map[string]i18n.Text `json:"settlement_names"` // by_settlement key → name
	// Reception is personal reception's figures of the period (reception.go).
	Reception *reception.Figures `json:"reception"`
	Generated time.Time          `json:"generated_at"`
}

// AllIssues lists the broken identities of the three periods.
func (r *Report) AllIssues() []Issue {
	out := append([]Issue(nil), r.Issues...)
	if r.Previous != nil {
		out = append(out, r.Previous.Issues...)
	}
	if r.PreviousQuarter != nil {
		out = append(out, r.PreviousQuarter.Issues...)
	}
	return out
}

// ErrPeriod means the period cannot be reported: the last day is before the first, or it is too long.
var ErrPeriod = errors.New("the period's last day is before its first day, or the period is longer than 10 years")

// Compute reports the days from..to (both inclusive; only the dates count) in the council's zone loc,
// and the same days a year earlier.
func Compute(ctx context.Context, db *gorm.DB, from, to time.Time, loc *time.Location) (*Report, error) {
	return computeAt(ctx, db, from, to, loc, time.Now())
}

func computeAt(ctx context.Context, db *gorm.DB, from, to time.Time, loc *time.Location, now time.Time) (*Report, error) {
	return compute(ctx, db, from, to, loc, now, true)
}

// compute is computeAt reading the cells (when they hold the registry in loc) or, with cells false, only
// the live tables: the oracle the cells are tested against.
func compute(ctx context.Context, db *gorm.DB, from, to time.Time, loc *time.Location, now time.Time, cells bool) (*Report, error) {
	from, to = Day(from, loc), Day(to, loc)
	if to.Before(from) || to.After(from.AddDate(10, 0, 0)) {
		return nil, ErrPeriod
	}
	clf, err := classifier.Load()
	if err != nil {
		return nil, err
	}
	before, beforeTo := PrecedingPeriod(from, to)
	first := from.AddDate(-1, 0, 0)
	if before.Before(first) { // a custom period over a year long reaches further back than a year
		first = before
	}
	q := newQuerier(db.WithContext(ctx), loc, now, first, to)
	if cells {
		if q.cells, err = reportcells.Ensure(ctx, db, loc); err != nil {
			return nil, err
		}
	}
	r := &Report{Generated: now.UTC()}
	// Both periods list the same settlements in Form 1 by settlement: every one the community has.
	if r.SettlementNames, q.settlements, err = q.settlementNames(ctx); err != nil {
		return nil, err
	}
	// The two periods are independent reads: on two connections they take the time of one on a
	// machine with two cores (bench/report).
	var cur *Figures
	g, _ := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		return q.alone(func(q *querier) error {
			if cur, err = q.figures(from, to, clf); err != nil {
				return err
			}
			cur.Ratings, err = q.ratings(from, to)
			return err
		})
	})
	// The same calendar days a year earlier (29 February becomes 1 March, as AddDate does).
	g.Go(func() (err error) {
		return q.alone(func(q *querier) error {
			if r.Previous, err = q.figures(from.AddDate(-1, 0, 0), to.AddDate(-1, 0, 0), clf); err != nil {
				return err
			}
			r.Previous.Ratings, err = q.ratings(from.AddDate(-1, 0, 0), to.AddDate(-1, 0, 0))
			return err
		})
	})
	// The preceding period, and the period's timeliness per department and settlement (tables of the
	// current period only: the other periods give their counts beside it).
	g.Go(func() (err error) {
		return q.alone(func(q *querier) error {
			r.PreviousQuarter, err = q.figures(before, beforeTo, clf)
			return err
		})
	})
	var timely []timelinessCell
	g.Go(func() (err error) {
		return q.alone(func(q *querier) error { timely, err = q.timeliness(from, to); return err })
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	r.Figures = *cur
	if r.DepartmentNames, err = q.departmentNames(); err != nil {
		return nil, err
	}
	r.DepartmentNames[Unassigned] = i18n.Text{UK: "Не призначено", EN: "Not assigned"}
	r.SettlementNames[Undetermined] = i18n.Text{UK: "Не визначено", EN: "Not determined"}
	r.timetables(timely, q.settlements)
	if r.Reception, err = reception.FiguresOf(ctx, db, from, to, q.today); err != nil {
		return nil, err
	}
	return r, nil
}

// PrecedingPeriod is the period of the same length just before from..to: the previous month, quarter or
// year when the period is one (PeriodKind), otherwise as many days as it has, ending the day before from.
func PrecedingPeriod(from, to time.Time) (time.Time, time.Time) {
	months := map[string]int{"month": 1, "quarter": 3, "year": 12}[PeriodKind(from, to)]
	if months > 0 {
		return from.AddDate(0, -months, 0), from.AddDate(0, 0, -1)
	}
	days := int(math.Round(to.Sub(from).Hours()/24)) + 1
	return from.AddDate(0, 0, -days), from.AddDate(0, 0, -1)
}

// Day is the calendar date of t (as read in loc when t carries a zone) at midnight in loc.
func Day(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// share is count / total in percent, rounded to one decimal; 0 when there is nothing to share.
func share(count, total int64) float64 {
	if total == 0 {
		return 0
	}
	return math.Round(float64(count)*1000/float64(total)) / 10
}

// FromTo reads the period as the council's dates, for exports' file names.
func (f *Figures) FromTo() (time.Time, time.Time) { return f.from, f.to }

func (p Period) String() string { return fmt.Sprintf("%s – %s", p.From, p.To) }

// Service computes reports for the staff area on the council's database and in its zone.
type Service struct {
	db    *gorm.DB
	loc   *time.Location
	clock calendar.Clock
}

// NewService returns the reports of one council.
func NewService(db *gorm.DB, loc *time.Location) *Service {
	return &Service{db: db, loc: loc, clock: calendar.NewClock(loc, nil)}
}

// Compute reports the days from..to (both inclusive) and the same days a year earlier.
func (s *Service) Compute(ctx context.Context, from, to time.Time) (*Report, error) {
	return Compute(ctx, s.db, from, to, s.loc)
}

// Today is the council's current date.
func (s *Service) Today() time.Time { return s.clock.Today() }
