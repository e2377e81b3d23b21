// Command import measures `hromada import appeals` on a fresh database: it generates a CSV registry of N
// appeals (about 1.06 questions each, a third of them closed, numbers under the index pattern and foreign
// ones mixed), imports it through registry.ImportAppeals exactly as the command and the staff page do,
// checks the counts in the database, then imports the same file again (everything skipped) and a copy
// with one bad last row (refused, nothing added), and prints the times.
//
//	go run ./bench/import -n 100000                 # PostgreSQL (a database created and dropped)
//	go run ./bench/import -n 100000 -sqlite         # the embedded SQLite, in a temporary file
//
// See docs/BENCHMARKS.md for the figures.
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/bench/internal/benchkit"
	"github.com/hromada/hromada/internal/attachment"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/department"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/reportcells"
)

type options struct {
	n        int
	adminURL string
	sqlite   bool
	keep     bool
	cells    bool
	// cpuprofile names the file for a CPU profile of the first import.
	cpuprofile string
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 100000, "rows in the generated file")
	flag.StringVar(&o.adminURL, "admin-url", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
		"a PostgreSQL URL allowed to create and drop databases")
	flag.BoolVar(&o.sqlite, "sqlite", false, "measure the embedded SQLite instead of PostgreSQL")
	flag.BoolVar(&o.keep, "keep", false, "keep the benchmark database and the generated file afterwards")
	flag.BoolVar(&o.cells, "cells", true, "build the report's cells first, so that the import keeps them "+
		"(false: as before migration 00022, for comparison)")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the first import to this file")
	flag.Parse()
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "bench/import:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) (err error) {
	tmp, err := os.MkdirTemp("", "hromada-import-bench-")
	if err != nil {
		return err
	}
	defer func() {
		if !o.keep {
			_ = os.RemoveAll(tmp)
		}
	}()

	fmt.Println("== machine")
	fmt.Println(benchkit.Machine(ctx, ""))
	dbURL := "sqlite:" + filepath.Join(tmp, "bench.db")
	if !o.sqlite {
		admin, err := db.Open(o.adminURL, benchkit.Quiet())
		if err != nil {
			return err
		}
		defer db.Close(admin)
		var version string
		_ = admin.Raw("SHOW server_version").Scan(&version).Error
		fmt.Printf("PostgreSQL %s\n", version)
		name := fmt.Sprintf("hromada_import_bench_%d", time.Now().Unix())
		if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
			return fmt.Errorf("create database: %w", err)
		}
		u, err := url.Parse(o.adminURL)
		if err != nil {
			return err
		}
		u.Path = "/" + name
		dbURL = u.String()
		defer func() {
			if o.keep {
				fmt.Printf("database kept: %s\n", dbURL)
				return
			}
			if derr := admin.Exec("DROP DATABASE " + name + " WITH (FORCE)").Error; derr != nil {
				err = errors.Join(err, fmt.Errorf("drop database: %w", derr))
			}
		}()
	} else {
		fmt.Println("SQLite (embedded, WAL, synchronous=FULL) in", tmp)
	}

	gdb, err := db.Open(dbURL, benchkit.Quiet())
	if err != nil {
		return err
	}
	defer db.Close(gdb)
	if _, err := db.Migrate(ctx, gdb, benchkit.Quiet()); err != nil {
		return err
	}
	clf, err := classifier.Load()
	if err != nil {
		return err
	}
	files, err := attachment.NewStore(filepath.Join(tmp, "attachments"), 1<<20)
	if err != nil {
		return err
	}
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		return err
	}
	if o.cells {
		// The triggers of migration 00022 keep the report's cells only once they are built in a zone.
		if err := report.Prepare(ctx, gdb, kyiv); err != nil {
			return err
		}
	}
	fmt.Println("report cells kept by the import:", o.cells)
	reg := registry.NewService(gdb, clf, files, registry.Options{Timezone: kyiv, IndexPattern: "{letter}-{seq}/{yy}"})
	depts := map[string]int64{}
	for _, name := range departmentNames {
		d, err := department.NewService(gdb).Create(ctx, name, "")
		if err != nil {
			return err
		}
		depts[d.NameUK] = d.ID
	}

	fmt.Println("== file")
	path := filepath.Join(tmp, "registry.csv")
	start := time.Now()
	gen, err := generate(path, o.n, clf)
	if err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Printf("%d rows, %d questions, %.1f MiB, %d closed, %d numbers under the pattern (top %d of 2024), %d foreign; generated in %s\n",
		o.n, gen.questions, float64(st.Size())/(1<<20), gen.closed, gen.parsed, gen.top2024, o.n-gen.parsed,
		time.Since(start).Round(time.Millisecond))

	fmt.Println("== import")
	if o.cpuprofile != "" {
		prof, err := os.Create(o.cpuprofile)
		if err != nil {
			return err
		}
		defer prof.Close()
		if err := pprof.StartCPUProfile(prof); err != nil {
			return err
		}
	}
	res, took, mem, err := timedImport(ctx, reg, path, depts)
	pprof.StopCPUProfile() // nothing when no profile was started
	if err != nil {
		return err
	}
	fmt.Printf("first import:  %s, %.0f rows/s; added %d, skipped %d; Go heap allocated %.0f MiB in all\n",
		took.Round(time.Millisecond), float64(o.n)/took.Seconds(), res.Added, res.Skipped, float64(mem)/(1<<20))
	if err := check(gdb, o.n, gen); err != nil {
		return err
	}
	fmt.Println("checked: every appeal, every question, the 2024 counter and the audit line are in the database")
	if o.cells {
		start := time.Now()
		if err := reportcells.Verify(ctx, gdb, kyiv); err != nil {
			return err
		}
		fmt.Printf("checked: the report's cells are exactly a build from the live tables (built anew and compared in %s)\n",
			time.Since(start).Round(time.Millisecond))
	}

	res, took, _, err = timedImport(ctx, reg, path, depts)
	if err != nil {
		return err
	}
	fmt.Printf("same file again: %s; added %d, skipped %d\n", took.Round(time.Millisecond), res.Added, res.Skipped)

	bad := filepath.Join(tmp, "bad.csv")
	if err := withBadLastRow(path, bad); err != nil {
		return err
	}
	_, took, _, err = timedImport(ctx, reg, bad, depts)
	var refused *registry.ImportError
	if !errors.As(err, &refused) {
		return fmt.Errorf("the file with a bad row was not refused: %v", err)
	}
	fmt.Printf("a copy with one bad last row: refused in %s (%d problem on line %d); nothing added\n",
		took.Round(time.Millisecond), len(refused.Problems), refused.Problems[0].Line)
	return check(gdb, o.n, gen)
}

func timedImport(ctx context.Context, reg *registry.Service, path string, depts map[string]int64) (*registry.ImportResult, time.Duration, uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	res, err := reg.ImportAppeals(ctx, f, registry.ImportOptions{FileName: filepath.Base(path), Departments: depts})
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return res, took, after.TotalAlloc - before.TotalAlloc, err
}

var departmentNames = []string{"Департамент житлово-комунального господарства", "Управління соціального захисту населення",
	"Управління освіти", "Відділ транспорту", "Управління охорони здоров'я"}

type generated struct {
	questions, closed, parsed, top2024 int
}

// generate writes n rows the way a council's spreadsheet would hold them: ";"-free values, commas inside
// quoted summaries, 6 % of appeals with a second question.
func generate(path string, n int, clf *classifier.Classifier) (generated, error) {
	var g generated
	f, err := os.Create(path)
	if err != nil {
		return g, err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	if err := w.Write(registry.ImportColumns); err != nil {
		return g, err
	}
	rnd := mrand.New(mrand.NewPCG(2024, 6))
	surnames := []string{"Коваленко", "Бондаренко", "Шевчук", "Мельник", "Кравченко", "Ткаченко", "Олійник", "Литвиненко"}
	given := []string{"Олена Петрівна", "Іван Миколайович", "Світлана Іванівна", "Андрій Олегович", "Марія Василівна"}
	channels := []string{"gov_hotline", "gov_hotline", "oda_hotline", "email", "mail", "reception", "phone", "authority"}
	closedResults := map[string]string{"answered": "explained", "forwarded": "forwarded", "not_considered": "not_considered"}
	day0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	seq := map[int]int{}
	for i := range n {
		received := day0.AddDate(0, 0, rnd.IntN(600)) // 2024 and most of 2025
		year := received.Year()
		last := surnames[rnd.IntN(len(surnames))]
		number := fmt.Sprintf("ВХ-%d-%d", year, i+1) // another system's number
		if i%4 != 0 {
			seq[year]++
			number = fmt.Sprintf("%s-%d/%02d", string([]rune(last)[:1]), seq[year], year%100)
			g.parsed++
		}
		subjects := clf.Subjects[rnd.IntN(len(clf.Subjects))].Code
		g.questions++
		if rnd.IntN(100) < 6 {
			subjects += ";" + clf.Subjects[rnd.IntN(len(clf.Subjects))].Code
			g.questions++
		}
		nature, signers := "individual", ""
		if rnd.IntN(100) < 5 {
			nature, signers = "collective", strconv.Itoa(2+rnd.IntN(40))
		}
		status, result, answered, dept := "registered", "", "", ""
		if rnd.IntN(3) == 0 {
			status = []string{"answered", "answered", "answered", "forwarded", "not_considered"}[rnd.IntN(5)]
			result = closedResults[status]
			if status == "answered" {
				result = []string{"resolved", "refused", "explained"}[rnd.IntN(3)]
			}
			answered = received.AddDate(0, 0, 1+rnd.IntN(29)).Format(time.DateOnly)
			dept = departmentNames[rnd.IntN(len(departmentNames))]
			g.closed++
		}
		ch := channels[rnd.IntN(len(channels))]
		ref := ""
		if ch == "gov_hotline" || ch == "oda_hotline" || ch == "authority" {
			ref = fmt.Sprintf("%d-%06d", 1545, i)
		}
		cat := ""
		if rnd.IntN(10) == 0 {
			cat = clf.Categories[rnd.IntN(len(clf.Categories))].Code
		}
		row := []string{number, received.Format(time.DateOnly), ch, ref,
			clf.Types[rnd.IntN(len(clf.Types))].Code, nature, signers, "primary",
			last + " " + given[rnd.IntN(len(given))], fmt.Sprintf("м. Зразкове, вул. Соборна, %d, кв. %d", 1+rnd.IntN(200), 1+rnd.IntN(120)),
			"", // settlement: found in the address
			fmt.Sprintf("author%d@mail.example", i), fmt.Sprintf("+380 50 %07d", rnd.IntN(10000000)),
			[]string{"male", "female", ""}[rnd.IntN(3)], cat, clf.SocialStatuses[rnd.IntN(len(clf.SocialStatuses))].Code,
			subjects, fmt.Sprintf("Звернення щодо питання, порушеного мешканцем будинку № %d, з проханням, у строк, розглянути", i),
			dept, status, result, answered}
		if err := w.Write(row); err != nil {
			return g, err
		}
	}
	g.top2024 = seq[2024]
	w.Flush()
	if err := w.Error(); err != nil {
		return g, err
	}
	return g, bw.Flush()
}

// withBadLastRow copies the file with its last row's channel spoilt.
func withBadLastRow(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	s := strings.TrimRight(string(b), "\n")
	i := strings.LastIndexByte(s, '\n')
	last := regexp.MustCompile(`,(gov_hotline|oda_hotline|email|mail|reception|phone|authority),`).ReplaceAllString(s[i+1:], ",fax,")
	return os.WriteFile(to, []byte(s[:i+1]+last+"\n"), 0o600)
}

func check(gdb *gorm.DB, n int, g generated) error {
	var appeals, questions, audits int64
	var top int
	for _, q := range []struct {
		sql  string
		into any
	}{
		{"SELECT COUNT(*) FROM appeals", &appeals},
		{"SELECT COUNT(*) FROM appeal_questions", &questions},
		{"SELECT COUNT(*) FROM audit_log WHERE action = 'appeal.import'", &audits},
		{"SELECT last_seq FROM registry_counters WHERE year = 2024", &top},
	} {
		if err := gdb.Raw(q.sql).Scan(q.into).Error; err != nil {
			return err
		}
	}
	if appeals != int64(n) || questions != int64(g.questions) || top != g.top2024 || audits < 1 {
		return fmt.Errorf("in the database: %d appeals (want %d), %d questions (want %d), counter 2024 at %d (want %d), %d audit lines",
			appeals, n, questions, g.questions, top, g.top2024, audits)
	}
	return nil
}
