package report

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"

	"github.com/hromada/hromada/internal/db"
)

// The report's cells (migration 00022): per council month ("2024-03") and per council year ("2024"), the
// appeals alike in every code the report groups by, with their count and signers, the terms that decide
// "overdue", the authors, and the questions per subject. The database's triggers keep them exact in the
// transaction of every change to appeals and appeal_questions, whatever Go path makes it; this file builds
// them (the backfill, and again when the council's zone changes) and reads them.
//
// Why months and years, not days: a day's appeals are mostly alike in nothing (a village council gets a
// few a day; bench/report spreads 1,370 a day over every code), so day cells would be about as many as
// appeals. A month's or a year's are bounded by the codes' combinations instead. The days of a period
// that make no whole month are read live, from the same index as before: at most two partial months.

// zoneName is how the cells record the zone they were built in.
func zoneName(loc *time.Location) string { return loc.String() }

// Prepare builds the report's cells in the council's zone loc unless they already are, so that the first
// report after an upgrade (or a change of zone) does not pay for it. A report prepares them itself too.
func Prepare(ctx context.Context, gdb *gorm.DB, loc *time.Location) error {
	_, err := ensureCells(ctx, gdb, loc)
	return err
}

// ensureCells tells whether the cells hold the registry in the zone loc, building them first when they
// were built in another zone or never. A zone without a name ("Local") is not trusted to be the same
// zone from one process to the next: its reports read the live tables.
func ensureCells(ctx context.Context, gdb *gorm.DB, loc *time.Location) (bool, error) {
	if loc == time.Local || zoneName(loc) == "Local" {
		return false, nil
	}
	// The writer: on SQLite the readers are query-only, and the check must see a build another
	// connection has just committed.
	gdb = gdb.WithContext(ctx).Clauses(dbresolver.Write)
	var zone []string
	if err := gdb.Raw("SELECT name FROM report_zone").Scan(&zone).Error; err != nil {
		return false, fmt.Errorf("report cells' zone: %w", err)
	}
	if len(zone) == 1 && zone[0] == zoneName(loc) {
		return true, nil
	}
	err := gdb.Transaction(func(tx *gorm.DB) error {
		if db.Dialect(tx) == db.Postgres {
			// One build at a time, and no change to the registry while it reads it: the changes that
			// come after see the zone and keep the cells themselves.
			if err := tx.Exec("LOCK TABLE report_zone IN EXCLUSIVE MODE").Error; err != nil {
				return err
			}
			if err := tx.Exec("LOCK TABLE appeals, appeal_questions IN SHARE MODE").Error; err != nil {
				return err
			}
		} // SQLite's transactions begin IMMEDIATE (internal/db): the one writer is this one.
		zone = nil
		if err := tx.Raw("SELECT name FROM report_zone").Scan(&zone).Error; err != nil {
			return err
		}
		if len(zone) == 1 && zone[0] == zoneName(loc) {
			return nil // another report built them meanwhile
		}
		return buildCells(tx, loc)
	})
	if err != nil {
		return false, fmt.Errorf("report cells: %w", err)
	}
	return true, nil
}

// buildCells empties the cells and sums them anew from the live tables in the zone loc, inside the
// caller's transaction.
func buildCells(tx *gorm.DB, loc *time.Location) error {
	dialect := db.Dialect(tx)
	for _, table := range []string{"report_subject_cells", "report_author_cells", "report_term_cells",
		"report_appeal_cells", "report_offsets", "report_zone"} {
		if err := tx.Exec("DELETE FROM " + table).Error; err != nil {
			return err
		}
	}
	if err := tx.Exec("INSERT INTO report_zone (name) VALUES (?)", zoneName(loc)).Error; err != nil {
		return err
	}
	for _, o := range offsets(loc) {
		if err := tx.Exec("INSERT INTO report_offsets (since, seconds) VALUES (?, ?)", o.since, o.seconds).Error; err != nil {
			return err
		}
	}
	// The same expressions as the triggers of migration 00022, over every appeal at once.
	day := func(col string) string {
		if dialect == db.Postgres {
			return "to_char(" + col + " AT TIME ZONE @zone, 'YYYY-MM-DD')"
		}
		return "date(" + col + ", (SELECT seconds FROM report_offsets WHERE since <= " + col +
			" ORDER BY since DESC LIMIT 1) || ' seconds')"
	}
	due, late := "date(due_date)", day("answered_at")+" > date(due_date)"
	if dialect == db.Postgres {
		due, late = "to_char(due_date, 'YYYY-MM-DD')", "CAST(answered_at AT TIME ZONE @zone AS date) > due_date"
	}
	closed := "('answered', 'forwarded', 'returned', 'not_considered')"
	from := " FROM (SELECT a.*, substr(" + day("a.received_at") +
		", 1, l.len) AS bucket FROM appeals AS a, (SELECT 4 AS len UNION ALL SELECT 7) AS l) AS b"
	stmts := []string{
		`INSERT INTO report_appeal_cells (bucket, channel, type, nature, sign, priority, result, settlement, n, signers)
		SELECT bucket, channel, type, nature, sign, CAST(priority AS INTEGER), result,
			COALESCE(CAST(settlement_id AS TEXT), ''), COUNT(*), SUM(signers)` + from + ` GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
		`INSERT INTO report_term_cells (bucket, due, late, uncontrolled, breach, n)
		SELECT bucket, CASE WHEN status NOT IN ` + closed + ` THEN ` + due + ` ELSE '' END,
			CASE WHEN status IN ` + closed + ` AND answered_at > due_date AND ` + late + ` THEN 1 ELSE 0 END,
			CAST(uncontrolled AS INTEGER), CAST(term_breach AS INTEGER), COUNT(*)` + from + ` GROUP BY 1, 2, 3, 4, 5`,
		`INSERT INTO report_author_cells (bucket, gender, social_status, department, categories, n)
		SELECT bucket, author_gender, author_social_status, COALESCE(CAST(department_id AS TEXT), ''),
			author_categories, COUNT(*)` + from + ` GROUP BY 1, 2, 3, 4, 5`,
		`INSERT INTO report_subject_cells (bucket, bare, code, n)
		SELECT bucket, 1, '', COUNT(*)` + from + `
		WHERE NOT EXISTS (SELECT 1 FROM appeal_questions AS q WHERE q.appeal_id = b.id) GROUP BY 1`,
		`INSERT INTO report_subject_cells (bucket, bare, code, n)
		SELECT bucket, 0, q.subject_code, COUNT(*)` + from + `
		JOIN appeal_questions AS q ON q.appeal_id = b.id GROUP BY 1, 3`,
	}
	for _, s := range stmts {
		var args []any
		if strings.Contains(s, "@zone") {
			args = append(args, map[string]any{"zone": zoneName(loc)})
		}
		if err := tx.Exec(s, args...).Error; err != nil {
			return err
		}
	}
	return nil
}

type offset struct {
	since   time.Time
	seconds int
}

// offsets lists the zone's UTC offsets from 1900 to 2200, each from the instant it starts; the first
// holds from the beginning of time.
func offsets(loc *time.Location) []offset {
	t := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	_, sec := t.In(loc).Zone()
	out := []offset{{since: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), seconds: sec}}
	for t.Before(end) {
		_, next := t.In(loc).ZoneBounds()
		if next.IsZero() {
			return out // no change of offset from here on
		}
		if !next.After(t) {
			// Past its last listed change a zone's rule may give bounds that do not move on: step a day.
			next = t.Add(24 * time.Hour)
		}
		if _, s := next.In(loc).Zone(); s != out[len(out)-1].seconds {
			out = append(out, offset{since: next.UTC(), seconds: s})
		}
		t = next
	}
	return out
}

// split parts the days from..to into the buckets read from the cells (whole years, then whole months)
// and the spans of days read live.
func split(from, to time.Time) (buckets []string, spans [][2]time.Time) {
	d := from
	live := func(last time.Time) {
		if n := len(spans); n > 0 && spans[n-1][1].AddDate(0, 0, 1).Equal(d) {
			spans[n-1][1] = last
		} else {
			spans = append(spans, [2]time.Time{d, last})
		}
	}
	for !d.After(to) {
		switch {
		case d.YearDay() == 1 && !d.AddDate(1, 0, -1).After(to):
			buckets = append(buckets, d.Format("2006"))
			d = d.AddDate(1, 0, 0)
		case d.Day() == 1 && !d.AddDate(0, 1, -1).After(to):
			buckets = append(buckets, d.Format("2006-01"))
			d = d.AddDate(0, 1, 0)
		default:
			// Up to the month's end or the period's.
			last := time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, d.Location())
			if last.After(to) {
				last = to
			}
			live(last)
			d = last.AddDate(0, 0, 1)
		}
	}
	return buckets, spans
}

// cellTally sums the cells of the buckets.
func (q *querier) cellTally(buckets []string) (*tally, error) {
	t := &tally{}
	var cube []struct {
		Channel, Type, Nature, Sign, Result, Settlement string
		Priority                                        int
		N, Signers                                      int64
	}
	if err := q.db.Raw(`SELECT channel, type, nature, sign, priority, result, settlement, SUM(n) AS n, SUM(signers) AS signers
		FROM report_appeal_cells WHERE bucket IN ?
		GROUP BY channel, type, nature, sign, priority, result, settlement HAVING SUM(n) <> 0`, buckets).
		Scan(&cube).Error; err != nil {
		return nil, fmt.Errorf("report cells by codes: %w", err)
	}
	for _, r := range cube {
		t.cube = append(t.cube, cubeRow{Channel: r.Channel, Type: r.Type, Nature: r.Nature, Sign: r.Sign,
			Result: r.Result, Settlement: orKey(r.Settlement, Undetermined), Priority: r.Priority == 1, N: r.N, Signers: r.Signers})
	}
	var terms struct{ Overdue, Breaches int64 }
	if err := q.db.Raw(`SELECT
		COALESCE(SUM(CASE WHEN uncontrolled = 0 AND ((due <> '' AND due < ?) OR late = 1) THEN n ELSE 0 END), 0) AS overdue,
		COALESCE(SUM(CASE WHEN breach = 1 THEN n ELSE 0 END), 0) AS breaches
		FROM report_term_cells WHERE bucket IN ?`, q.today.Format(time.DateOnly), buckets).Scan(&terms).Error; err != nil {
		return nil, fmt.Errorf("report cells of terms: %w", err)
	}
	t.overdue, t.breaches = terms.Overdue, terms.Breaches
	var authors []struct {
		Gender, SocialStatus, Department, Categories string
		N                                            int64
	}
	if err := q.db.Raw(`SELECT gender, social_status, department, categories, SUM(n) AS n
		FROM report_author_cells WHERE bucket IN ?
		GROUP BY gender, social_status, department, categories HAVING SUM(n) <> 0`, buckets).
		Scan(&authors).Error; err != nil {
		return nil, fmt.Errorf("report cells by author: %w", err)
	}
	for _, r := range authors {
		t.authors = append(t.authors, group{Values: []string{r.Gender, r.SocialStatus, r.Department, r.Categories},
			Sums: []int64{r.N}})
	}
	if err := q.db.Raw(`SELECT CASE WHEN bare = 1 THEN NULL ELSE code END AS code, SUM(n) AS n
		FROM report_subject_cells WHERE bucket IN ? GROUP BY bare, code HAVING SUM(n) <> 0`, buckets).
		Scan(&t.subjects).Error; err != nil {
		return nil, fmt.Errorf("report cells by subject: %w", err)
	}
	return t, nil
}
