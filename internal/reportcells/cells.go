// Package reportcells keeps the report's cells (migration 00022): per council month ("2024-03") and per
// council year ("2024"), the appeals alike in every code the report groups by, with their count and
// signers, the terms that decide "overdue", the authors, and the questions per subject. The database's
// triggers keep them exact in the transaction of every change to appeals and appeal_questions, whatever Go
// path makes it; this package builds them (the backfill, and again when the council's zone changes) and
// lets a bulk insert (the imports) sum its appeals into them at once instead of through the triggers.
// internal/report reads them; internal/registry's imports write through Pause and Bulk.Add.
//
// Why months and years, not days: a day's appeals are mostly alike in nothing (a village council gets a
// few a day; bench/report spreads 1,370 a day over every code), so day cells would be about as many as
// appeals. A month's or a year's are bounded by the codes' combinations instead.
package reportcells

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"

	"github.com/hromada/hromada/internal/db"
)

// ZoneName is how the cells record the zone they were built in.
func ZoneName(loc *time.Location) string { return loc.String() }

// Ensure tells whether the cells hold the registry in the zone loc, building them first when they were
// built in another zone or never. A zone without a name ("Local") is not trusted to be the same zone from
// one process to the next: its reports read the live tables.
func Ensure(ctx context.Context, gdb *gorm.DB, loc *time.Location) (bool, error) {
	if loc == time.Local || ZoneName(loc) == "Local" {
		return false, nil
	}
	// The writer: on SQLite the readers are query-only, and the check must see a build another
	// connection has just committed.
	gdb = gdb.WithContext(ctx).Clauses(dbresolver.Write)
	var zone []string
	if err := gdb.Raw("SELECT name FROM report_zone").Scan(&zone).Error; err != nil {
		return false, fmt.Errorf("report cells' zone: %w", err)
	}
	if len(zone) == 1 && zone[0] == ZoneName(loc) {
		return true, nil
	}
	err := gdb.Transaction(func(tx *gorm.DB) error {
		if db.Dialect(tx) == db.Postgres {
			// One build at a time, and no change to the registry while it reads it: the changes that
			// come after see the zone and keep the cells themselves. An import in progress holds
			// report_zone's row (Pause): the build waits for it.
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
		if len(zone) == 1 && zone[0] == ZoneName(loc) {
			return nil // another report built them meanwhile
		}
		return Build(tx, loc)
	})
	if err != nil {
		return false, fmt.Errorf("report cells: %w", err)
	}
	return true, nil
}

// Build empties the cells and sums them anew from the live tables in the zone loc, inside the caller's
// transaction.
func Build(tx *gorm.DB, loc *time.Location) error {
	for _, table := range []string{"report_subject_cells", "report_author_cells", "report_term_cells",
		"report_appeal_cells", "report_offsets", "report_zone"} {
		if err := tx.Exec("DELETE FROM " + table).Error; err != nil {
			return err
		}
	}
	if err := tx.Exec("INSERT INTO report_zone (name) VALUES (?)", ZoneName(loc)).Error; err != nil {
		return err
	}
	for _, o := range offsets(loc) {
		if err := tx.Exec("INSERT INTO report_offsets (since, seconds) VALUES (?, ?)", o.since, o.seconds).Error; err != nil {
			return err
		}
	}
	return sum(tx, ZoneName(loc), "", "")
}

// Bulk is a transaction's pause of the cells' triggers: see Pause.
type Bulk struct {
	zone string // the zone the cells are kept in; "" when they are not built, and nothing is paused
}

// Pause stops the cells' triggers for the rest of the transaction tx, for a bulk insert of appeals that
// then sums them into the cells at once with Add. The triggers keep a cell write per statement (per row
// on SQLite) and made the import of 100,000 appeals 4.5 times slower on PostgreSQL (BENCHMARKS.md); one
// GROUP BY over the new appeals at the end costs about as much as reading them once.
//
// The pause is the zone's row deleted inside tx: the triggers do nothing where no zone is, and no other
// transaction sees the deletion (Add writes the row back before the commit; a rollback restores it). On
// PostgreSQL the deleted row stays locked until tx ends, so a build of the cells (Ensure) waits for it.
// Only inserts may run while paused: Add counts the new appeals and nothing else.
func Pause(tx *gorm.DB) (*Bulk, error) {
	var zone []string
	if err := tx.Raw("DELETE FROM report_zone RETURNING name").Scan(&zone).Error; err != nil {
		return nil, fmt.Errorf("pause the report cells: %w", err)
	}
	if len(zone) == 0 {
		return &Bulk{}, nil
	}
	return &Bulk{zone: zone[0]}, nil
}

// Add sums the appeals ids, inserted in tx since Pause with their questions, into the cells and ends
// the pause: the triggers keep the cells again for what tx does next.
func (b *Bulk) Add(tx *gorm.DB, ids []int64) error {
	if b.zone == "" {
		return nil
	}
	if err := tx.Exec("INSERT INTO report_zone (name) VALUES (?)", b.zone).Error; err != nil {
		return fmt.Errorf("resume the report cells: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	// The ids as one parameter: an array literal on PostgreSQL, a JSON array on SQLite (json_each); a
	// list of 100,000 parameters is over both databases' limits.
	var list strings.Builder
	for i, id := range ids {
		if i > 0 {
			list.WriteByte(',')
		}
		list.WriteString(strconv.FormatInt(id, 10))
	}
	scope := "a.id IN (SELECT value FROM json_each(@ids))"
	text := "[" + list.String() + "]"
	if db.Dialect(tx) == db.Postgres {
		scope, text = "a.id = ANY(CAST(@ids AS BIGINT[]))", "{"+list.String()+"}"
	}
	if err := sum(tx, b.zone, scope, text); err != nil {
		return fmt.Errorf("report cells of the imported appeals: %w", err)
	}
	return nil
}

// sum adds the appeals that scope selects (a condition on appeals AS a with the parameter @ids; ""
// for every appeal) to the cells of the zone, in the same expressions as the triggers of migration
// 00022. Each table's cells are written in their key's order, as the triggers write them, so that two
// transactions lock shared cells in one order.
func sum(tx *gorm.DB, zone, scope, ids string) error {
	dialect := db.Dialect(tx)
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
	if scope == "" {
		scope = "true"
	}
	closed := "('answered', 'forwarded', 'returned', 'not_considered')"
	// Each appeal's council month is computed once (the zone conversion is the costly part) and the
	// appeals summed per month in the inner query; only those sums are spread to the month's and the
	// year's cells.
	month := "substr(" + day("a.received_at") + ", 1, 7)"
	spread := " AS g, (SELECT 4 AS len UNION ALL SELECT 7) AS l WHERE true"
	stmts := []string{
		`INSERT INTO report_appeal_cells AS c (bucket, channel, type, nature, sign, priority, result, settlement, n, signers)
		SELECT substr(g.month, 1, l.len), channel, type, nature, sign, priority, result, settlement, SUM(n), SUM(signers)
		FROM (SELECT ` + month + ` AS month, channel, type, nature, sign, CAST(priority AS INTEGER) AS priority, result,
			COALESCE(CAST(settlement_id AS TEXT), '') AS settlement, COUNT(*) AS n, SUM(signers) AS signers
			FROM appeals AS a WHERE ` + scope + ` GROUP BY 1, 2, 3, 4, 5, 6, 7, 8)` + spread + `
		GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
		ON CONFLICT (bucket, channel, type, nature, sign, priority, result, settlement)
		DO UPDATE SET n = c.n + excluded.n, signers = c.signers + excluded.signers`,
		`INSERT INTO report_term_cells AS c (bucket, due, late, uncontrolled, breach, n)
		SELECT substr(g.month, 1, l.len), due, late, uncontrolled, breach, SUM(n)
		FROM (SELECT ` + month + ` AS month, CASE WHEN status NOT IN ` + closed + ` THEN ` + due + ` ELSE '' END AS due,
			CASE WHEN status IN ` + closed + ` AND answered_at > due_date AND ` + late + ` THEN 1 ELSE 0 END AS late,
			CAST(uncontrolled AS INTEGER) AS uncontrolled, CAST(term_breach AS INTEGER) AS breach, COUNT(*) AS n
			FROM appeals AS a WHERE ` + scope + ` GROUP BY 1, 2, 3, 4, 5)` + spread + `
		GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
		ON CONFLICT (bucket, due, late, uncontrolled, breach) DO UPDATE SET n = c.n + excluded.n`,
		`INSERT INTO report_author_cells AS c (bucket, gender, social_status, department, categories, n)
		SELECT substr(g.month, 1, l.len), gender, social_status, department, categories, SUM(n)
		FROM (SELECT ` + month + ` AS month, author_gender AS gender, author_social_status AS social_status,
			COALESCE(CAST(department_id AS TEXT), '') AS department, author_categories AS categories, COUNT(*) AS n
			FROM appeals AS a WHERE ` + scope + ` GROUP BY 1, 2, 3, 4, 5)` + spread + `
		GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
		ON CONFLICT (bucket, gender, social_status, department, categories) DO UPDATE SET n = c.n + excluded.n`,
		`INSERT INTO report_subject_cells AS c (bucket, bare, code, n)
		SELECT substr(g.month, 1, l.len), bare, code, SUM(n)
		FROM (SELECT ` + month + ` AS month, 1 AS bare, '' AS code, COUNT(*) AS n FROM appeals AS a
			WHERE ` + scope + ` AND NOT EXISTS (SELECT 1 FROM appeal_questions AS q WHERE q.appeal_id = a.id) GROUP BY 1
			UNION ALL
			SELECT ` + month + `, 0, q.subject_code, COUNT(*) FROM appeals AS a JOIN appeal_questions AS q ON q.appeal_id = a.id
			WHERE ` + scope + ` GROUP BY 1, 3)` + spread + `
		GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
		ON CONFLICT (bucket, bare, code) DO UPDATE SET n = c.n + excluded.n`,
	}
	named := map[string]any{"zone": zone, "ids": ids}
	for _, s := range stmts {
		var args []any
		if strings.Contains(s, "@") { // GORM takes a map as a positional value where no name is used
			args = append(args, named)
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

// Verify tells whether the cells are exactly what a build from the live tables gives now: it builds them
// anew in a transaction it rolls back, and compares every cell that holds something. For tests and
// benchmarks; on PostgreSQL it locks the registry as a build does.
func Verify(ctx context.Context, gdb *gorm.DB, loc *time.Location) error {
	read := func(tx *gorm.DB) (string, error) {
		var b strings.Builder
		for _, q := range []string{
			"SELECT bucket, channel, type, nature, sign, priority, result, settlement, n, signers FROM report_appeal_cells WHERE n <> 0 OR signers <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8",
			"SELECT bucket, due, late, uncontrolled, breach, n FROM report_term_cells WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5",
			"SELECT bucket, gender, social_status, department, categories, n FROM report_author_cells WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5",
			"SELECT bucket, bare, code, n FROM report_subject_cells WHERE n <> 0 ORDER BY 1, 2, 3",
		} {
			var rows []map[string]any
			if err := tx.Raw(q).Scan(&rows).Error; err != nil {
				return "", err
			}
			fmt.Fprintln(&b, rows)
		}
		return b.String(), nil
	}
	errRollback := errors.New("rolled back")
	var kept, built string
	err := gdb.WithContext(ctx).Clauses(dbresolver.Write).Transaction(func(tx *gorm.DB) (err error) {
		if kept, err = read(tx); err != nil {
			return err
		}
		if err := Build(tx, loc); err != nil {
			return err
		}
		if built, err = read(tx); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		return fmt.Errorf("verify the report cells: %w", err)
	}
	if kept != built {
		return fmt.Errorf("the report cells differ from a build from the live tables:\nkept  %s\nbuilt %s", kept, built)
	}
	return nil
}
