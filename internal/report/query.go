package report

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/calendar"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/settlement"
)

// querier runs the report's aggregate queries on one database.
type querier struct {
	db      *gorm.DB
	dialect string
	loc     *time.Location
	clock   calendar.Clock
	today   time.Time // the council's date, stored like due dates: midnight UTC
	// answeredLate is the SQL condition "answered_at falls on a council date after due_date", with its
	// arguments. PostgreSQL converts with the zone's name; SQLite knows no zones, so the zone's offsets
	// over the years around the period are spelled out as a CASE over answered_at.
	answeredLate     string
	answeredLateArgs []any
	settlements      []string // the community's settlements as by_settlement keys, in the order of their names
	cells            bool     // the cells (cells.go) hold the registry in the council's zone
}

func newQuerier(gdb *gorm.DB, loc *time.Location, now time.Time, first, last time.Time) *querier {
	clock := calendar.NewClock(loc, func() time.Time { return now })
	q := &querier{db: gdb, dialect: db.Dialect(gdb), loc: loc, clock: clock, today: clock.Today()}
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

// alone runs one period's queries. On PostgreSQL they run in a read-only transaction without parallel
// workers: the two periods already run at once on two connections, and on two cores the workers only
// competed with them (bench/report: the quarter's median went from about 375 ms to 290 ms).
func (q *querier) alone(f func(*querier) error) error {
	if q.dialect != db.Postgres {
		return f(q)
	}
	return q.db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL max_parallel_workers_per_gather = 0").Error; err != nil {
			return err
		}
		c := *q
		c.db = tx
		return f(&c)
	}, &sql.TxOptions{ReadOnly: true})
}

// bounds are the instants the period's first day starts and the day after its last day starts.
func (q *querier) bounds(from, to time.Time) (time.Time, time.Time) {
	return q.clock.DayStart(from, 0), q.clock.DayStart(to, 1)
}

// cubeRow is one group of the main query: appeals alike in every reported code.
type cubeRow struct {
	Channel, Type, Nature, Sign, Result string
	Settlement                          string // by_settlement's key
	Priority                            bool
	N, Signers                          int64
}

// group is one row of groupBy: the grouped columns' values and the sums.
type group struct {
	Values []string
	Sums   []int64
}

// groupBy groups the appeals received from start to end by the text expressions cols and returns
// each group with the sums of the integer expressions sums (one row of the period each; COUNT is
// SUM(1)), minimum and maximum as "MIN:expr" and "MAX:expr".
//
// The columns are grouped as one key, joined by the unit separator (U+001F), and split here: SQLite
// sorts every row of the period to group them, and one text key sorts in about half the time of six
// columns; the sums are computed before the sort, so only the key and the few integers are sorted.
// Codes never contain the separator (they are validated against the classifier); if one did, its key
// would split into too many values and the query runs again with the columns apart.
func (q *querier) groupBy(cols, sums []string, args []any, start, end time.Time) ([]group, error) {
	sep := "chr(31)"
	limit := ""
	if q.dialect == db.SQLite {
		sep, limit = "char(31)", "LIMIT -1" // LIMIT keeps SQLite from merging the inner query into the outer
	}
	inner := make([]string, 0, len(sums)+1)
	outer := make([]string, 0, len(sums))
	for i, e := range sums {
		agg := "SUM"
		for _, a := range []string{"MIN", "MAX"} {
			if expr, ok := strings.CutPrefix(e, a+":"); ok {
				agg, e = a, expr
			}
		}
		inner = append(inner, fmt.Sprintf("%s AS s%d", e, i))
		outer = append(outer, fmt.Sprintf("%s(s%d)", agg, i))
	}
	where := "FROM appeals WHERE received_at >= ? AND received_at < ?"
	args = append(slices.Clone(args), start, end)
	run := func(apart bool) ([]group, bool, error) {
		var query string
		if apart {
			var names []string
			inner := slices.Clone(inner)
			for i, c := range cols {
				inner = append(inner, fmt.Sprintf("%s AS k%d", c, i))
				names = append(names, fmt.Sprintf("k%d", i))
			}
			query = fmt.Sprintf("SELECT %s, %s FROM (SELECT %s %s %s) AS t GROUP BY %s", strings.Join(names, ", "),
				strings.Join(outer, ", "), strings.Join(inner, ", "), where, limit, strings.Join(names, ", "))
		} else {
			key := strings.Join(cols, " || "+sep+" || ")
			query = fmt.Sprintf("SELECT k, %s FROM (SELECT %s AS k, %s %s %s) AS t GROUP BY k", strings.Join(outer, ", "),
				key, strings.Join(inner, ", "), where, limit)
		}
		rows, err := q.db.Raw(query, args...).Rows()
		if err != nil {
			return nil, false, err
		}
		defer rows.Close()
		var out []group
		for rows.Next() {
			g := group{Values: make([]string, len(cols)), Sums: make([]int64, len(sums))}
			dest := make([]any, 0, len(cols)+len(sums))
			var key string
			if apart {
				for i := range g.Values {
					dest = append(dest, &g.Values[i])
				}
			} else {
				dest = append(dest, &key)
			}
			for i := range g.Sums {
				dest = append(dest, &g.Sums[i])
			}
			if err := rows.Scan(dest...); err != nil {
				return nil, false, err
			}
			if !apart {
				if g.Values = strings.Split(key, "\x1f"); len(g.Values) != len(cols) {
					return nil, false, nil
				}
			}
			out = append(out, g)
		}
		return out, true, rows.Err()
	}
	out, ok, err := run(false)
	if err == nil && !ok {
		out, _, err = run(true)
	}
	return out, err
}

type subjectRow struct {
	Code *string // NULL: appeals without questions
	N    int64
}

// tally is what a period's figures are summed from, over some of its days: read live (liveTally) or from
// the cells (cellTally), and added up (a group may come from both: every sum below is additive).
type tally struct {
	cube              []cubeRow
	overdue, breaches int64
	authors           []group // gender, social status, department, categories; Sums[0]: appeals
	subjects          []subjectRow
}

func (t *tally) add(o *tally) {
	t.cube = append(t.cube, o.cube...)
	t.overdue += o.overdue
	t.breaches += o.breaches
	t.authors = append(t.authors, o.authors...)
	t.subjects = append(t.subjects, o.subjects...)
}

// figures computes the period's figures: its whole years and months from the cells (cells.go) when they
// hold the registry in the council's zone, its other days from the live tables, then the petitions live.
func (q *querier) figures(from, to time.Time, clf *classifier.Classifier) (*Figures, error) {
	f := &Figures{
		Period: Period{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly)}, from: from, to: to,
		ByChannel: map[string]int64{}, ByType: map[string]int64{}, ByNature: map[string]int64{},
		BySign: map[string]int64{}, ByGender: map[string]int64{}, ByCategory: map[string]int64{},
		BySocialStatus: map[string]int64{}, BySubject: map[string]Subject{}, ByDepartment: map[string]int64{},
		ByResult: map[string]int64{}, BySettlement: map[string]int64{},
	}
	var buckets []string
	spans := [][2]time.Time{{from, to}}
	if q.cells {
		buckets, spans = split(from, to)
	}
	t := &tally{}
	if len(buckets) > 0 {
		c, err := q.cellTally(buckets)
		if err != nil {
			return nil, err
		}
		t.add(c)
	}
	for _, span := range spans {
		start, end := q.bounds(span[0], span[1])
		l, err := q.liveTally(start, end)
		if err != nil {
			return nil, err
		}
		t.add(l)
	}

	for _, r := range t.cube {
		f.Appeals += r.N
		f.Citizens += r.Signers
		f.ByChannel[r.Channel] += r.N
		f.ByType[r.Type] += r.N
		f.ByNature[r.Nature] += r.N
		f.BySign[r.Sign] += r.N
		f.ByResult[orKey(r.Result, Pending)] += r.N
		f.BySettlement[r.Settlement] += r.N
	}
	f.Overdue, f.TermBreaches = t.overdue, t.breaches
	f.Form1 = buildForm1(t.cube, clf)
	f.Form1BySettlement = buildForm1BySettlement(t.cube, q.settlements)

	// Categories are a ";"-separated list: each appeal counts once in every category it names, split
	// here from the grouped rows (there are as many as distinct lists, not appeals).
	for _, g := range t.authors {
		v, n := g.Values, g.Sums[0]
		f.ByGender[orKey(v[0], Unknown)] += n
		f.BySocialStatus[orKey(v[1], Unknown)] += n
		f.ByDepartment[orKey(v[2], Unassigned)] += n
		for c := range strings.SplitSeq(v[3], ";") {
			if c = strings.TrimSpace(c); c != "" {
				f.ByCategory[c] += n
			}
		}
	}

	counts := map[string]int64{}
	for _, r := range t.subjects {
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

	// Every milestone comes after creation, so petitions created after the period cannot count. They
	// are few: read live.
	start, end := q.bounds(from, to)
	err := q.db.Raw(`SELECT
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

// liveTally reads the appeals received from start to end from the live tables: one pass grouped by every
// short code (the cube the forms are summed from), one grouped by the author's gender, status and
// categories and the department, one over the questions. The appeals' passes read only the index
// appeals_report (migration 00009) over the range of received_at, and the grouped rows are few. It is
// the whole report for the days that make no whole month, and the oracle the cells are tested against.
func (q *querier) liveTally(start, end time.Time) (*tally, error) {
	t := &tally{}
	closed := registry.Closed

	// Overdue is decided per row inside the query and summed per group (a sum, not a code to group by,
	// so that the groups stay as few as the codes' combinations). "answered_at > due_date" (an answer
	// after the due date's midnight UTC) is a cheap necessary condition that spares the zone conversion
	// for the answers well in time.
	late := "CASE WHEN status NOT IN ? AND due_date < ? THEN 1 WHEN status IN ? AND answered_at > due_date AND " +
		q.answeredLate + " THEN 1 ELSE 0 END"
	args := []any{closed, q.today, closed}
	args = append(args, q.answeredLateArgs...)
	sums := []string{"1", "signers", late, "MIN:id", "MAX:id"}
	codes, err := q.groupBy([]string{"channel", "type", "nature", "sign", "CAST(CAST(priority AS INTEGER) AS TEXT)", "result",
		"COALESCE(CAST(settlement_id AS TEXT), '')"}, sums, args, start, end)
	if err != nil {
		return nil, fmt.Errorf("report by codes: %w", err)
	}
	t.cube = make([]cubeRow, 0, len(codes))
	var minID, maxID int64
	for i, g := range codes {
		v := g.Values
		t.cube = append(t.cube, cubeRow{Channel: v[0], Type: v[1], Nature: v[2], Sign: v[3], Priority: v[4] == "1", Result: v[5],
			Settlement: orKey(v[6], Undetermined), N: g.Sums[0], Signers: g.Sums[1]})
		t.overdue += g.Sums[2]
		if i == 0 || g.Sums[3] < minID {
			minID = g.Sums[3]
		}
		maxID = max(maxID, g.Sums[4])
	}

	// The few appeals off the ordinary course, from the partial index appeals_off_term (migration 00015):
	// those forwarded or returned after the step's term are counted, and those out of deadline control
	// (anonymous, Art. 8) are taken back out of the overdue count, having no deadline to miss. Reading
	// the column in the main pass would cost it its index-only scan of appeals_report.
	var off struct{ Breaches, Uncontrolled int64 }
	offArgs := append(slices.Clone(args), start, end)
	if err := q.db.Raw(`SELECT COALESCE(SUM(CASE WHEN term_breach THEN 1 ELSE 0 END), 0) AS breaches,
		COALESCE(SUM(CASE WHEN uncontrolled THEN `+late+` ELSE 0 END), 0) AS uncontrolled
		FROM appeals WHERE (term_breach OR uncontrolled) AND received_at >= ? AND received_at < ?`, offArgs...).
		Scan(&off).Error; err != nil {
		return nil, fmt.Errorf("report of breaches: %w", err)
	}
	t.breaches = off.Breaches
	t.overdue -= off.Uncontrolled

	t.authors, err = q.groupBy([]string{"author_gender", "author_social_status",
		"COALESCE(CAST(department_id AS TEXT), '')", "author_categories"}, []string{"1"}, nil, start, end)
	if err != nil {
		return nil, fmt.Errorf("report by author and department: %w", err)
	}

	// A LEFT JOIN, so that appeals without questions show up as the NULL group instead of vanishing.
	// The period's appeals have ids from minID to maxID, so their questions lie in that range of
	// appeal_questions_report: saying so lets PostgreSQL read that range instead of every question to
	// hash the join (appeals are numbered as they are registered, so the range is about the period's).
	if len(codes) > 0 {
		err = q.db.Raw(`SELECT q.subject_code AS code, COUNT(*) AS n
			FROM appeals a LEFT JOIN appeal_questions q
				ON q.appeal_id = a.id AND q.appeal_id >= ? AND q.appeal_id <= ?
			WHERE a.received_at >= ? AND a.received_at < ?
			GROUP BY 1`, minID, maxID, start, end).Scan(&t.subjects).Error
		if err != nil {
			return nil, fmt.Errorf("report by subject: %w", err)
		}
	}
	return t, nil
}

// departmentNames names every department; reports keep departments made inactive since.
func (q *querier) departmentNames() (map[string]i18n.Text, error) {
	var rows []struct {
		ID     int64
		NameUK string `gorm:"column:name_uk"`
		NameEN string `gorm:"column:name_en"`
	}
	if err := q.db.Raw("SELECT id, name_uk, name_en FROM departments").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("report department names: %w", err)
	}
	out := make(map[string]i18n.Text, len(rows)+1)
	for _, r := range rows {
		out[strconv.FormatInt(r.ID, 10)] = i18n.Text{UK: r.NameUK, EN: r.NameEN}
	}
	return out, nil
}

// settlementNames names every settlement of the community (inactive ones too: old appeals are counted
// there), keyed as by_settlement is, and lists the keys in the Ukrainian alphabet's order of the names
// (і, ї, є, ґ in their places, not after я).
func (q *querier) settlementNames(ctx context.Context) (map[string]i18n.Text, []string, error) {
	titles, err := settlement.Titles(ctx, q.db)
	if err != nil {
		return nil, nil, fmt.Errorf("report settlement names: %w", err)
	}
	names := make(map[string]i18n.Text, len(titles)+1)
	keys := make([]string, 0, len(titles))
	for id, t := range titles {
		k := strconv.FormatInt(id, 10)
		names[k] = t
		keys = append(keys, k)
	}
	ukrainian := collate.New(language.Ukrainian)
	slices.SortFunc(keys, func(a, b string) int {
		if c := ukrainian.CompareString(names[a].UK, names[b].UK); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return names, keys, nil
}

func orKey(s, empty string) string {
	if s == "" {
		return empty
	}
	return s
}
