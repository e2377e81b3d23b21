// Command report measures the quarterly report over a large registry: it generates N appeals (about 1.06
// questions each) received over 2023–2024 on a fresh PostgreSQL database and on a fresh SQLite file, in
// bulk INSERT … SELECT statements (generate_series on PostgreSQL, a recursive CTE on SQLite), then times
// report.Compute for Q1 2024 (with Q1 2023 beside it), for the whole of 2024 (with 2023: every generated
// appeal) and for a period of partial months, against a plain SELECT count(*) over the same rows measured
// in the same run. The report's cells (migration 00022) are built first and their build timed.
//
//	go run ./bench/report -n 1000000
//
// See docs/BENCHMARKS.md for the figures and what they mean.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/bench/internal/benchkit"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/report"
)

func main() {
	n := flag.Int("n", 1_000_000, "appeals to generate")
	adminURL := flag.String("admin-url", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
		"PostgreSQL URL of a role that may create and drop databases (empty: skip PostgreSQL)")
	sqliteDir := flag.String("sqlite-dir", "", "directory for the SQLite file (default: a temporary one; empty -skip-sqlite to skip)")
	skipSQLite := flag.Bool("skip-sqlite", false, "skip SQLite")
	runs := flag.Int("runs", 5, "timed runs of each report (the first warms the cache and is shown apart)")
	inserts := flag.Int("inserts", 10_000, "registrations timed with and without the report's indexes (0: skip)")
	keep := flag.Bool("keep", false, "keep the benchmark databases")
	flag.BoolVar(&skipReport, "skip-report", false, "skip the report's timings (the journal's only)")
	flag.BoolVar(&journal, "journal", true, "time the staff journal's pages and searches (bench/report/journal.go)")
	flag.Parse()
	ctx := context.Background()
	fmt.Println("== machine")
	fmt.Println(benchkit.Machine(ctx, *adminURL))
	var errs []error
	if *adminURL != "" {
		errs = append(errs, benchPostgres(ctx, *adminURL, *n, *runs, *inserts, *keep))
	}
	if !*skipSQLite {
		errs = append(errs, benchSQLite(ctx, *sqliteDir, *n, *runs, *inserts, *keep))
	}
	if err := errors.Join(errs...); err != nil {
		fmt.Fprintln(os.Stderr, "bench/report:", err)
		os.Exit(1)
	}
}

// What benchOne times besides the generation.
var skipReport, journal bool

var kyiv = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		panic(err)
	}
	return loc
}()

func benchPostgres(ctx context.Context, adminURL string, n, runs, inserts int, keep bool) (err error) {
	fmt.Println("\n== PostgreSQL")
	admin, err := db.Open(adminURL, benchkit.Quiet())
	if err != nil {
		return err
	}
	defer db.Close(admin)
	name := fmt.Sprintf("hromada_bench_report_%d", time.Now().Unix())
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	defer func() {
		if keep {
			fmt.Println("database kept:", name)
			return
		}
		if derr := admin.Exec("DROP DATABASE " + name + " WITH (FORCE)").Error; derr != nil {
			err = errors.Join(err, derr)
		}
	}()
	u, err := url.Parse(adminURL)
	if err != nil {
		return err
	}
	u.Path = "/" + name
	return benchOne(ctx, u.String(), n, runs, inserts)
}

func benchSQLite(ctx context.Context, dir string, n, runs, inserts int, keep bool) error {
	fmt.Println("\n== SQLite (pure Go, WAL)")
	if dir == "" {
		tmp, err := os.MkdirTemp("", "hromada-bench-report-")
		if err != nil {
			return err
		}
		if !keep {
			defer os.RemoveAll(tmp)
		}
		dir = tmp
	}
	path := filepath.Join(dir, "report.db")
	if keep {
		fmt.Println("database kept:", path)
	}
	return benchOne(ctx, "sqlite:"+path, n, runs, inserts)
}

func benchOne(ctx context.Context, dbURL string, n, runs, inserts int) error {
	gdb, err := db.Open(dbURL, benchkit.Quiet())
	if err != nil {
		return err
	}
	defer db.Close(gdb)
	if _, err := db.Migrate(ctx, gdb, benchkit.Quiet()); err != nil {
		return err
	}
	start := time.Now()
	if err := generate(ctx, gdb, n); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	var appeals, questions int64
	if err := gdb.Raw("SELECT count(*) FROM appeals").Scan(&appeals).Error; err != nil {
		return err
	}
	if err := gdb.Raw("SELECT count(*) FROM appeal_questions").Scan(&questions).Error; err != nil {
		return err
	}
	fmt.Printf("generated %d appeals, %d questions (%.3f each) in %s\n", appeals, questions,
		float64(questions)/float64(appeals), time.Since(start).Round(time.Millisecond))

	// The report's cells (migration 00022) are built from the generated rows, as the first report after
	// the upgrade builds them; from then on the triggers keep them.
	start = time.Now()
	if err := report.Prepare(ctx, gdb, kyiv); err != nil {
		return fmt.Errorf("report cells: %w", err)
	}
	fmt.Printf("report cells built from the live tables in %s\n", time.Since(start).Round(time.Millisecond))

	if journal {
		if err := benchJournal(ctx, gdb, n, runs); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
	}
	if skipReport {
		return nil
	}
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	for _, p := range []struct {
		name     string
		from, to time.Time
	}{
		{"Q1 2024 (with Q1 2023)", d(2024, 1, 1), d(2024, 3, 31)},
		{"year 2024 (with 2023: every appeal)", d(2024, 1, 1), d(2024, 12, 31)},
		// No whole month at either end: 14 + 14 days of each period read live, the rest from the cells.
		{"15 Jan – 14 Apr 2024 (with 2023)", d(2024, 1, 15), d(2024, 4, 14)},
	} {
		var r *report.Report
		times, err := timed(runs, func() error {
			var err error
			r, err = report.Compute(ctx, gdb, p.from, p.to, kyiv)
			return err
		})
		if err != nil {
			return err
		}
		// The baseline: count the same rows (both periods) and nothing else.
		lo := time.Date(p.from.Year()-1, p.from.Month(), p.from.Day(), 0, 0, 0, 0, kyiv).UTC()
		hi := time.Date(p.to.Year(), p.to.Month(), p.to.Day()+1, 0, 0, 0, 0, kyiv).UTC()
		loPrev := time.Date(p.to.Year()-1, p.to.Month(), p.to.Day()+1, 0, 0, 0, 0, kyiv).UTC()
		hiCur := time.Date(p.from.Year(), p.from.Month(), p.from.Day(), 0, 0, 0, 0, kyiv).UTC()
		base, err := timed(runs, func() error {
			var c int64
			return gdb.WithContext(ctx).Raw(`SELECT count(*) FROM appeals WHERE (received_at >= ? AND received_at < ?)
				OR (received_at >= ? AND received_at < ?)`, lo, loPrev, hiCur, hi).Scan(&c).Error
		})
		if err != nil {
			return err
		}
		med, baseMed := median(times[1:]), median(base[1:])
		fmt.Printf("%-38s %7d + %7d appeals, %d issues | report: first %s, median %s, best %s | count(*) median %s | ratio %.1f×\n",
			p.name, r.Appeals, r.Previous.Appeals, len(r.AllIssues()), ms(times[0]), ms(med), ms(slices.Min(times[1:])), ms(baseMed),
			float64(med)/float64(max(baseMed, time.Microsecond)))
	}
	fmt.Println("load average after the reports:", benchkit.LoadAverage())
	if inserts > 0 {
		return insertCost(ctx, gdb, inserts)
	}
	return nil
}

// The report's indexes (migrations 00009 and 00016) and the one they replace, to time registrations
// without them.
var (
	reportIndexes = map[string][]string{
		db.Postgres: {`CREATE INDEX appeals_report ON appeals (received_at) INCLUDE (id, channel, type, nature, sign,
			result, priority, status, due_date, answered_at, signers, author_gender, author_social_status, department_id,
			author_categories, settlement_id)`, "CREATE INDEX appeal_questions_report ON appeal_questions (appeal_id) INCLUDE (subject_code)"},
		db.SQLite: {`CREATE INDEX appeals_report ON appeals (received_at, channel, type, nature, sign, result, priority,
			status, due_date, answered_at, signers, author_gender, author_social_status, department_id, author_categories,
			settlement_id)`,
			"CREATE INDEX appeal_questions_report ON appeal_questions (appeal_id, subject_code)"},
	}
	withoutReportIndexes = []string{"DROP INDEX appeals_report", "DROP INDEX appeal_questions_report",
		"CREATE INDEX appeals_received_at ON appeals (received_at)"}
	withReportIndexes = func(dialect string) []string {
		return append(slices.Clone(reportIndexes[dialect]), "DROP INDEX appeals_received_at")
	}
)

// insertCost times n registrations on the full registry (an appeal and its question in one transaction
// each, committed as RegisterAppeal commits), with the report's indexes, without them (appeals_received_at
// instead, as before migration 00009), and with them again, then leaves the schema as it was.
func insertCost(ctx context.Context, gdb *gorm.DB, n int) error {
	dialect := db.Dialect(gdb)
	swap := func(stmts []string) error {
		for _, s := range stmts {
			if err := gdb.WithContext(ctx).Exec(s).Error; err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		if dialect == db.Postgres {
			return gdb.WithContext(ctx).Exec("VACUUM ANALYZE appeals, appeal_questions").Error
		}
		return gdb.WithContext(ctx).Exec("ANALYZE").Error
	}
	seq := 0
	// register times n registrations, each its own transaction (as RegisterAppeal commits them, so each
	// waits for the log to reach the disk), or all in one transaction (so only the work of writing the
	// rows and their index entries is timed).
	register := func(oneTx bool) (time.Duration, error) {
		start := time.Now()
		conn := gdb.WithContext(ctx)
		if oneTx {
			conn = conn.Begin()
			defer conn.Rollback()
		}
		for range n {
			seq++
			now := time.Now().UTC()
			insert := func(tx *gorm.DB) error {
				var id int64
				err := tx.Raw(`INSERT INTO appeals (reg_index, reg_year, reg_seq, received_at, channel, type, nature, signers,
					sign, priority, status, result, due_date, author_last_name, author_gender, author_categories,
					author_social_status, summary, search_text, created_at, updated_at)
					VALUES (?, 2100, ?, ?, 'portal', 'application', 'individual', 1, 'primary', ?, 'registered', '', ?,
					'Коваленко', 'female', 'idp', 'pensioner', 'Прошу вирішити питання з ремонтом під’їзду', ?, ?, ?)
					RETURNING id`, fmt.Sprintf("Р-%d", seq), seq, now, seq%17 == 0, now.AddDate(0, 0, 30).Truncate(24*time.Hour),
					fmt.Sprintf("р-%d прошу вирішити питання", seq), now, now).Scan(&id).Error
				if err != nil {
					return err
				}
				return tx.Exec("INSERT INTO appeal_questions (appeal_id, position, subject_code, text) VALUES (?, 1, '09', '')", id).Error
			}
			var err error
			if oneTx {
				err = insert(conn)
			} else {
				err = conn.Transaction(insert)
			}
			if err != nil {
				return 0, err
			}
		}
		if oneTx {
			if err := conn.Commit().Error; err != nil {
				return 0, err
			}
		}
		return time.Since(start), nil
	}
	// With, without, with again: the machine's drift shows as the difference between the two withs.
	var times [3][2]time.Duration
	for i := range 3 {
		switch i {
		case 1:
			if err := swap(withoutReportIndexes); err != nil {
				return err
			}
		case 2:
			if err := swap(withReportIndexes(dialect)); err != nil {
				return err
			}
		}
		for j, oneTx := range []bool{false, true} {
			d, err := register(oneTx)
			if err != nil {
				return err
			}
			times[i][j] = d
		}
	}
	per := func(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d.Microseconds())/float64(n)) }
	for j, what := range []string{"a transaction each", "all in one transaction"} {
		fmt.Printf("%d registrations (appeal + question), %s: with the report's indexes %s and %s per registration, without them %s\n",
			n, what, per(times[0][j]), per(times[2][j]), per(times[1][j]))
	}
	return nil
}

func timed(runs int, f func() error) ([]time.Duration, error) {
	out := make([]time.Duration, 0, runs)
	for range max(runs, 2) {
		start := time.Now()
		if err := f(); err != nil {
			return nil, err
		}
		out = append(out, time.Since(start))
	}
	return out, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// pick is a CASE choosing list[expr % len(list)], the same SQL on both databases.
func pick(expr string, list ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CASE (%s) %% %d", expr, len(list))
	for i, v := range list {
		fmt.Fprintf(&b, " WHEN %d THEN '%s'", i, v)
	}
	b.WriteString(" END")
	return b.String()
}

// generate fills the registry in bulk: twenty departments, thirty settlements, n appeals received evenly
// over 2023–2024 (in Kyiv), every one with a question and 6 % with a second, one in ten with no settlement
// found. The codes are spread by residues of i, so every channel, type, result, subject, department and
// settlement appears.
func generate(ctx context.Context, gdb *gorm.DB, n int) error {
	now := time.Now().UTC()
	for i := 1; i <= 20; i++ {
		if err := gdb.Exec("INSERT INTO departments (name_uk, name_en, active, created_at) VALUES (?, ?, ?, ?)",
			fmt.Sprintf("Підрозділ %d", i), fmt.Sprintf("Department %d", i), true, now).Error; err != nil {
			return err
		}
	}
	for i := 1; i <= 30; i++ {
		if err := gdb.Exec("INSERT INTO settlements (name_uk, kind, active, created_at) VALUES (?, ?, ?, ?)",
			fmt.Sprintf("Село %d", i), "village", true, now).Error; err != nil {
			return err
		}
	}
	step := int64(2*365*24*3600) / int64(n) // seconds between appeals: two years of them
	pg := db.Dialect(gdb) == db.Postgres
	var rows, received, due, answered, ts string
	if pg {
		rows = fmt.Sprintf("generate_series(CAST(1 AS bigint), %d) AS g(i)", n)
		received = fmt.Sprintf("(TIMESTAMPTZ '2022-12-31 22:00:00+00' + (i - 1) * INTERVAL '%d seconds')", step)
		due = "CAST(" + received + " + INTERVAL '30 days' AS date)"
		answered = "(" + received + " + (i % 40) * INTERVAL '1 day')"
		ts = "now()"
	} else {
		rows = "s"
		at := func(extra string) string {
			return fmt.Sprintf("(strftime('%%Y-%%m-%%d %%H:%%M:%%S', '2022-12-31 22:00:00', '+' || ((i - 1) * %d) || ' seconds'%s) || '+00:00')", step, extra)
		}
		received = at("")
		due = fmt.Sprintf("(date('2022-12-31 22:00:00', '+' || ((i - 1) * %d) || ' seconds', '+30 days') || ' 00:00:00+00:00')", step)
		answered = at(", '+' || (i % 40) || ' days'")
		ts = "'" + now.Format("2006-01-02 15:04:05-07:00") + "'"
	}
	closed := "(i % 10 < 8)"
	cols := []string{
		"'Б-' || i", "2023 + CAST(i > " + strconv.Itoa(n/2) + " AS INTEGER)", "i", received,
		pick("i * 7919", "portal", "email", "mail", "reception", "phone", "representative", "gov_hotline", "oda_hotline",
			"authority", "media", "other_org", "gov_hotline", "oda_hotline"),
		pick("i * 31", "proposal", "application", "complaint"),
		"CASE WHEN i % 37 = 0 THEN 'collective' WHEN i % 101 = 0 THEN 'anonymous' ELSE 'individual' END",
		"CASE WHEN i % 37 = 0 THEN 2 + i % 20 ELSE 1 END",
		"CASE WHEN i % 13 = 0 THEN 'repeat' WHEN i % 97 = 0 THEN 'duplicate' ELSE 'primary' END",
		"(i % 17 = 0)",
		pick("i", "answered", "answered", "answered", "answered", "answered", "not_considered", "forwarded", "returned", "in_progress", "registered"),
		pick("i", "resolved", "refused", "explained", "resolved", "explained", "not_considered", "forwarded", "returned", "", ""),
		due, "CASE WHEN " + closed + " THEN " + answered + " END",
		pick("i * 3", "Коваленко", "Шевченко", "Бондар", "Мельник"),
		pick("i", "male", "female", ""),
		"CASE WHEN i % 5 = 0 THEN 'idp' WHEN i % 7 = 0 THEN 'combatant;disabled_2' ELSE '' END",
		pick("i", "pensioner", "worker", "unemployed", "student", ""),
		"CASE WHEN i % 10 >= 8 THEN NULL ELSE 1 + i % 20 END",
		"CASE WHEN i % 10 = 9 THEN NULL ELSE 1 + i % 30 END",
		"'Прошу вирішити питання з ремонтом під’їзду та освітленням двору, звернення ' || i",
		"'б-' || i || ' прошу вирішити питання з ремонтом під’їзду'", ts, ts,
	}
	insert := `INSERT INTO appeals (reg_index, reg_year, reg_seq, received_at, channel, type, nature, signers, sign,
		priority, status, result, due_date, answered_at, author_last_name, author_gender, author_categories,
		author_social_status, department_id, settlement_id, summary, search_text, created_at, updated_at)
		SELECT ` + strings.Join(cols, ", ") + " FROM " + rows
	if !pg {
		insert = fmt.Sprintf("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) ", n) + insert
	}
	subjects := []string{}
	for i := 1; i <= 25; i++ {
		subjects = append(subjects, fmt.Sprintf("%02d", i))
	}
	// Communal services lead, as in the seed report: every third question is about them.
	weighted := append(slices.Clone(subjects), "09", "09", "09", "09", "09", "09", "09", "09", "09", "06", "06", "06", "10", "10")
	stmts := []string{
		insert,
		"INSERT INTO appeal_questions (appeal_id, position, subject_code, text) SELECT id, 1, " + pick("id * 7", weighted...) + ", '' FROM appeals",
		"INSERT INTO appeal_questions (appeal_id, position, subject_code, text) SELECT id, 2, " + pick("id * 11", subjects...) + ", '' FROM appeals WHERE id % 50 < 3",
	}
	// One transaction: on SQLite a statement per row would sync once per row.
	err := gdb.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, s := range stmts {
			if err := tx.Exec(s).Error; err != nil {
				return err
			}
		}
		return nil
	}, nil)
	if err != nil {
		return err
	}
	// Fresh statistics and, on PostgreSQL, the visibility map that index-only scans consult, as
	// autovacuum leaves them after a batch of inserts in production (a periodic ANALYZE on SQLite).
	if pg {
		return gdb.WithContext(ctx).Exec("VACUUM ANALYZE appeals, appeal_questions, departments, settlements").Error
	}
	return gdb.WithContext(ctx).Exec("ANALYZE").Error
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000) }
