package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/registry"
)

// querier runs the report's aggregate queries on one database.
type querier struct {
	db      *gorm.DB
	dialect string
	loc     *time.Location
	today   time.Time // the council's date, stored like due dates: midnight UTC
	// answeredLate is the SQL condition "answered_at falls on a council date after due_date", with its
	// arguments. PostgreSQL converts with the zone's name; SQLite knows no zones, so the zone's offsets
	// over the years around the period are spelled out as a CASE over answered_at.
	answeredLate     string
	answeredLateArgs []any
}

func newQuerier(gdb *gorm.DB, loc *time.Location, now time.Time, first, last time.Time) *querier {
	y, m, d := now.In(loc).Date()
	q := &querier{db: gdb, dialect: db.Dialect(gdb), loc: loc, today: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
	if q.dialect == db.Postgres && loc.String() != "Local" {
		q.answeredLate = "CAST(answered_at AT TIME ZONE ? AS date) > due_date"
		q.answeredLateArgs = []any{loc.String()}
		return q
	}
	// Offsets change at most a few times a year; cover answers from three years before the period to
	// three years after it, and keep the nearest offset beyond.
	var b strings.Builder
	b.WriteString("CASE")
	t := first.AddDate(-3, 0, 0)
	end := last.AddDate(3, 0, 0)
	for t.Before(end) {
		_, offset := t.In(loc).Zone()
		_, next := t.In(loc).ZoneBounds()
		if next.IsZero() || !next.Before(end) {
			break
		}
		fmt.Fprintf(&b, " WHEN answered_at < ? THEN '%+d seconds'", offset)
		q.answeredLateArgs = append(q.answeredLateArgs, next.UTC())
		t = next
	}
	_, offset := t.In(loc).Zone()
	fmt.Fprintf(&b, " ELSE '%+d seconds' END", offset)
	q.answeredLate = "date(answered_at, " + b.String() + ") > date(due_date)"
	return q
}

// bounds are the instants the period's first day starts and the day after its last day starts.
func (q *querier) bounds(from, to time.Time) (time.Time, time.Time) {
	start := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, q.loc).UTC()
	end := time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, q.loc).UTC()
	return start, end
}

// cubeRow is one group of the main query: appeals alike in every reported code.
type cubeRow struct {
	Channel, Type, Nature, Sign, Result string
	Priority                            bool
	Late                                int
	N, Signers                          int64
	MinID, MaxID                        int64 // the group's lowest and highest appeal id
}

// authorRow is one group of appeals alike in the author's gender, status and categories and the department.
type authorRow struct {
	Gender, Social, Categories string
	DepartmentID               *int64
	N                          int64
}

type subjectRow struct {
	Code *string // NULL: appeals without questions
	N    int64
}

// figures runs the period's queries: one pass over the appeals grouped by every short code (the cube the
// forms are summed from), one grouped by the author's gender, status and categories and the department,
// one over the questions, one over petitions. The appeals' passes read only the index appeals_report
// (migration 00009) over the period's range of received_at, and the grouped rows are few, so the
// breakdowns are summed in Go.
func (q *querier) figures(from, to time.Time, clf *classifier.Classifier) (*Figures, error) {
	start, end := q.bounds(from, to)
	f := &Figures{
		Period: Period{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly)}, from: from, to: to,
		ByChannel: map[string]int64{}, ByType: map[string]int64{}, ByNature: map[string]int64{},
		BySign: map[string]int64{}, ByGender: map[string]int64{}, ByCategory: map[string]int64{},
		BySocialStatus: map[string]int64{}, BySubject: map[string]Subject{}, ByDepartment: map[string]int64{},
		ByResult: map[string]int64{},
	}
	closed := registry.Closed

	// Overdue is decided per row inside the query, so it is one more code of the cube. "answered_at >
	// due_date" (an answer after the due date's midnight UTC) is a cheap necessary condition that spares
	// the zone conversion for the answers well in time.
	late := "CASE WHEN status NOT IN ? AND due_date < ? THEN 1 WHEN status IN ? AND answered_at > due_date AND " +
		q.answeredLate + " THEN 1 ELSE 0 END"
	args := []any{closed, q.today, closed}
	args = append(args, q.answeredLateArgs...)
	args = append(args, start, end)
	var cube []cubeRow
	err := q.db.Raw(`SELECT channel, type, nature, sign, result, priority, `+late+` AS late,
		COUNT(*) AS n, SUM(signers) AS signers, MIN(id) AS min_id, MAX(id) AS max_id
		FROM appeals WHERE received_at >= ? AND received_at < ?
		GROUP BY 1, 2, 3, 4, 5, 6, 7`, args...).Scan(&cube).Error
	if err != nil {
		return nil, fmt.Errorf("report by codes: %w", err)
	}
	var minID, maxID int64
	for i, r := range cube {
		f.Appeals += r.N
		f.Citizens += r.Signers
		f.ByChannel[r.Channel] += r.N
		f.ByType[r.Type] += r.N
		f.ByNature[r.Nature] += r.N
		f.BySign[r.Sign] += r.N
		f.ByResult[orKey(r.Result, Pending)] += r.N
		if r.Late == 1 {
			f.Overdue += r.N
		}
		if i == 0 || r.MinID < minID {
			minID = r.MinID
		}
		maxID = max(maxID, r.MaxID)
	}
	f.Form1 = buildForm1(cube, clf)

	// Categories are a ";"-separated list: each appeal counts once in every category it names, split
	// here from the grouped rows (there are as many as distinct lists, not appeals).
	var authors []authorRow
	err = q.db.Raw(`SELECT author_gender AS gender, author_social_status AS social, author_categories AS categories,
		department_id, COUNT(*) AS n
		FROM appeals WHERE received_at >= ? AND received_at < ?
		GROUP BY 1, 2, 3, 4`, start, end).Scan(&authors).Error
	if err != nil {
		return nil, fmt.Errorf("report by author and department: %w", err)
	}
	for _, r := range authors {
		f.ByGender[orKey(r.Gender, Unknown)] += r.N
		f.BySocialStatus[orKey(r.Social, Unknown)] += r.N
		dep := Unassigned
		if r.DepartmentID != nil {
			dep = strconv.FormatInt(*r.DepartmentID, 10)
		}
		f.ByDepartment[dep] += r.N
		for c := range strings.SplitSeq(r.Categories, ";") {
			if c = strings.TrimSpace(c); c != "" {
				f.ByCategory[c] += r.N
			}
		}
	}

	// A LEFT JOIN, so that appeals without questions show up as the NULL group instead of vanishing.
	// The period's appeals have ids from minID to maxID, so their questions lie in that range of
	// appeal_questions_report: saying so lets PostgreSQL read that range instead of every question to
	// hash the join (appeals are numbered as they are registered, so the range is about the period's).
	var subjects []subjectRow
	if f.Appeals > 0 {
		err = q.db.Raw(`SELECT q.subject_code AS code, COUNT(*) AS n
			FROM appeals a LEFT JOIN appeal_questions q
				ON q.appeal_id = a.id AND q.appeal_id >= ? AND q.appeal_id <= ?
			WHERE a.received_at >= ? AND a.received_at < ?
			GROUP BY 1`, minID, maxID, start, end).Scan(&subjects).Error
		if err != nil {
			return nil, fmt.Errorf("report by subject: %w", err)
		}
	}
	counts := map[string]int64{}
	for _, r := range subjects {
		if r.Code == nil {
			f.WithoutQuestions += r.N
			continue
		}
		counts[orKey(*r.Code, Unknown)] += r.N
		f.Questions += r.N
	}
	for code, n := range counts {
		f.BySubject[code] = Subject{Count: n, Share: share(n, f.Questions)}
	}
	f.Form2 = buildForm2(counts, f.Questions, clf)

	// Every milestone comes after creation, so petitions created after the period cannot count.
	err = q.db.Raw(`SELECT
		COALESCE(SUM(CASE WHEN created_at >= ? AND created_at < ? THEN 1 ELSE 0 END), 0) AS created,
		COALESCE(SUM(CASE WHEN published_at >= ? AND published_at < ? THEN 1 ELSE 0 END), 0) AS published,
		COALESCE(SUM(CASE WHEN threshold_reached_at >= ? AND threshold_reached_at < ? THEN 1 ELSE 0 END), 0) AS threshold_reached,
		COALESCE(SUM(CASE WHEN answered_at >= ? AND answered_at < ? THEN 1 ELSE 0 END), 0) AS answered
		FROM petitions WHERE created_at < ?`, start, end, start, end, start, end, start, end, end).Scan(&f.Petitions).Error
	if err != nil {
		return nil, fmt.Errorf("report on petitions: %w", err)
	}
	f.Issues = checkIdentities(f)
	return f, nil
}

// departmentNames names every department; reports keep departments made inactive since.
func (q *querier) departmentNames() (map[string]Name, error) {
	var rows []struct {
		ID     int64
		NameUK string `gorm:"column:name_uk"`
		NameEN string `gorm:"column:name_en"`
	}
	if err := q.db.Raw("SELECT id, name_uk, name_en FROM departments").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("report department names: %w", err)
	}
	out := make(map[string]Name, len(rows)+1)
	for _, r := range rows {
		out[strconv.FormatInt(r.ID, 10)] = Name{UK: r.NameUK, EN: r.NameEN}
	}
	return out, nil
}

func orKey(s, empty string) string {
	if s == "" {
		return empty
	}
	return s
}
