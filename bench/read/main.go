// Command read measures the anonymous read path: it starts the real program on a fresh SQLite file and,
// when PostgreSQL is reachable, on a fresh PostgreSQL database, publishes a petition with -signatures
// signatures (inserted in batches straight into the table: the signing path is bench/sign's business)
// and registers -appeals appeals, then drives the anonymous pages — the home page, the petitions list,
// the petition's page, the JSON API and the CSV export — at -c connections for -d each with vegeta (as
// a library), next to a bare Fiber handler in the same process and run. It prints req/s, p99 and each
// page's ratio to the bare handler, once without compression and once asking for "br, gzip".
//
//	go run ./bench/read
//	go run ./bench/read -d 5s -skip-postgres
//
// See docs/BENCHMARKS.md for the figures and what they mean.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"
	vegeta "github.com/tsenart/vegeta/v12/lib"
	"gorm.io/gorm"

	"github.com/hromada/hromada/bench/internal/benchkit"
	"github.com/hromada/hromada/internal/app"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/registry"
)

type options struct {
	c            int
	d            time.Duration
	signatures   int
	appeals      int
	adminURL     string
	skipPostgres bool
	skipSQLite   bool
	encodings    []string
	cpuProfile   string
}

func main() {
	var o options
	var enc string
	flag.IntVar(&o.c, "c", 64, "connections (and workers) of the load generator")
	flag.DurationVar(&o.d, "d", 4*time.Second, "how long each page is driven")
	flag.IntVar(&o.signatures, "signatures", 10_000, "signatures on the petition")
	flag.IntVar(&o.appeals, "appeals", 200, "appeals registered before the run")
	flag.StringVar(&o.adminURL, "admin-url", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
		"PostgreSQL URL of a role that may create and drop databases")
	flag.BoolVar(&o.skipPostgres, "skip-postgres", false, "measure SQLite only")
	flag.BoolVar(&o.skipSQLite, "skip-sqlite", false, "measure PostgreSQL only")
	flag.StringVar(&enc, "encodings", "identity;br, gzip", "Accept-Encoding values to measure, separated by ';'")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run (program and load generator) to this file")
	flag.Parse()
	o.encodings = strings.Split(enc, ";")
	if o.c < 1 || o.d <= 0 || o.signatures < 1 || o.appeals < 0 {
		fmt.Fprintln(os.Stderr, "-c, -d and -signatures must be positive, -appeals not negative")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "FAIL:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(ctx, o); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	fmt.Println("== machine")
	pg := ""
	if !o.skipPostgres {
		if a, err := db.Open(o.adminURL, benchkit.Quiet()); err == nil && db.Ping(ctx, a) == nil {
			pg = o.adminURL
			_ = db.Close(a)
		} else {
			fmt.Println("PostgreSQL is not reachable: SQLite only")
		}
	}
	fmt.Println(benchkit.Machine(ctx, pg))
	fmt.Printf("load generator: vegeta %s as a library, %d connections and workers, %s per page, Accept-Encoding %q\n",
		"v12.13.0", o.c, o.d, o.encodings)

	bare, closeBare, err := startBare()
	if err != nil {
		return err
	}
	defer closeBare()

	if !o.skipSQLite {
		tmp, err := os.MkdirTemp("", "hromada-bench-read-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if err := benchOne(ctx, o, "SQLite", "sqlite:"+filepath.Join(tmp, "bench.db"), tmp, bare); err != nil {
			return fmt.Errorf("SQLite: %w", err)
		}
	}
	if pg != "" {
		if err := benchPostgres(ctx, o, bare); err != nil {
			return fmt.Errorf("PostgreSQL: %w", err)
		}
	}
	fmt.Printf("\nload average after the run %s\n", benchkit.LoadAverage())
	return nil
}

func benchPostgres(ctx context.Context, o options, bare string) (err error) {
	admin, err := db.Open(o.adminURL, benchkit.Quiet())
	if err != nil {
		return err
	}
	defer db.Close(admin)
	name := fmt.Sprintf("hromada_bench_read_%d", time.Now().Unix())
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		return err
	}
	defer func() {
		if derr := admin.Exec("DROP DATABASE " + name + " WITH (FORCE)").Error; derr != nil {
			err = errors.Join(err, derr)
		}
	}()
	u, err := url.Parse(o.adminURL)
	if err != nil {
		return err
	}
	u.Path = "/" + name
	tmp, err := os.MkdirTemp("", "hromada-bench-read-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	return benchOne(ctx, o, "PostgreSQL", u.String(), tmp, bare)
}

// startBare serves one constant page from a Fiber app of its own: the ceiling of this machine, measured
// in the same run as the pages so that the ratios hold under whatever else the machine is doing.
func startBare() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	f := fiber.New(fiber.Config{DisableStartupMessage: true})
	f.Get("/", func(c *fiber.Ctx) error { return c.SendString("ok") })
	go func() { _ = f.Listener(ln) }()
	return "http://" + ln.Addr().String() + "/", func() { _ = f.Shutdown() }, nil
}

func benchOne(ctx context.Context, o options, label, dbURL, tmp, bare string) error {
	fmt.Printf("\n== %s\n", label)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	vars := map[string]string{
		"HROMADA_ENV":                "development",
		"HROMADA_BASE_URL":           base,
		"HROMADA_DATABASE_URL":       dbURL,
		"HROMADA_DATA_DIR":           tmp,
		"HROMADA_LOG_LEVEL":          "error",
		"HROMADA_DEV_IDP":            "false",
		"HROMADA_OIDC_ISSUER":        "https://idp.invalid", // nobody signs in: anonymous pages only
		"HROMADA_OIDC_CLIENT_ID":     "hromada-bench",
		"HROMADA_OIDC_CLIENT_SECRET": "bench-secret-not-used",
		// Every request comes from 127.0.0.1: the per-address limit of requests in progress must allow
		// the whole load generator.
		"HROMADA_LIMIT_CONCURRENT_IP": strconv.Itoa(4 * o.c),
		"HROMADA_PETITION_THRESHOLD":  strconv.Itoa(10 * o.signatures), // stays collecting
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, benchkit.Quiet())
	if err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx, ln, nil) }()
	defer func() {
		stop()
		<-done
		_ = a.Close()
	}()
	if err := benchkit.WaitHealthy(ctx, &http.Client{Timeout: 2 * time.Second}, base, 30*time.Second); err != nil {
		return err
	}
	t0 := time.Now()
	id, err := seed(ctx, a, o)
	if err != nil {
		return err
	}
	fmt.Printf("petition %d with %d signatures and %d appeals in %s\n", id, o.signatures, o.appeals, time.Since(t0).Round(time.Millisecond))

	pages := []struct{ name, path string }{
		{"bare Fiber handler", ""},
		{"home /", "/"},
		{"/petitions", "/petitions"},
		{"/petitions/{id}", fmt.Sprintf("/petitions/%d", id)},
		{"/api/v1/petitions", "/api/v1/petitions"},
		{"/petitions.csv", "/petitions.csv"},
	}
	rss := sampleRSS()
	defer func() {
		fmt.Printf("\npeak RSS of this process (program and load generator) while the pages were driven: %d MiB\n", rss()>>20)
	}()
	for _, enc := range o.encodings {
		fmt.Printf("\nAccept-Encoding: %s\n", enc)
		fmt.Printf("%-20s %10s %10s %10s %8s %12s\n", "page", "req/s", "p50", "p99", "ratio", "bytes/resp")
		var ceiling float64
		for _, p := range pages {
			target := bare
			if p.path != "" {
				target = base + p.path
			}
			m, err := attack(ctx, o, target, enc)
			if err != nil {
				return err
			}
			if p.path == "" {
				ceiling = m.Rate
			}
			ratio := 0.0
			if ceiling > 0 {
				ratio = m.Rate / ceiling
			}
			fmt.Printf("%-20s %10.0f %10s %10s %8.3f %12.0f\n", p.name, m.Rate, ms(m.Latencies.P50), ms(m.Latencies.P99), ratio, m.BytesIn.Mean)
		}
	}
	return nil
}

type metrics struct {
	Rate      float64
	Latencies vegeta.LatencyMetrics
	BytesIn   vegeta.ByteMetrics
}

// attack drives one page for o.d; any answer but 200 fails the run, for a page that answers an error
// fast would look fast.
func attack(ctx context.Context, o options, target, enc string) (metrics, error) {
	atk := vegeta.NewAttacker(vegeta.Connections(o.c), vegeta.MaxConnections(o.c), vegeta.Workers(uint64(o.c)),
		vegeta.MaxWorkers(uint64(o.c)), vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second))
	h := http.Header{}
	h.Set("Accept-Encoding", enc) // set explicitly: Go's client neither adds gzip nor decodes
	tg := vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodGet, URL: target, Header: h})
	var m vegeta.Metrics
	// Rate 0 with a bounded number of workers: as fast as -c connections go.
	for res := range atk.Attack(tg, vegeta.Rate{}, o.d, target) {
		m.Add(res)
		if ctx.Err() != nil {
			atk.Stop()
		}
	}
	m.Close()
	if ctx.Err() != nil {
		return metrics{}, ctx.Err()
	}
	for code, n := range m.StatusCodes {
		if code != "200" {
			return metrics{}, fmt.Errorf("%s: %d answers %s (errors %v)", target, n, code, first(m.Errors))
		}
	}
	return metrics{Rate: m.Throughput, Latencies: m.Latencies, BytesIn: m.BytesIn}, nil
}

func first(list []string) []string { return list[:min(3, len(list))] }

// seed publishes a petition and gives it o.signatures signatures, and registers o.appeals appeals.
func seed(ctx context.Context, a *app.App, o options) (int64, error) {
	author, err := a.People.SignIn(ctx, identity.Claims{Issuer: "https://bench.invalid", Subject: "bench-author",
		TaxID: "9900000008", LastName: "Авторенко", GivenName: "Петро", MiddleName: "Іванович",
		Address: "м. Зразкове, вул. Соборна, буд. 1", AuthType: "diia"})
	if err != nil {
		return 0, err
	}
	if author.TaxIDHash == nil {
		return 0, errors.New("the author has no tax number")
	}
	p, err := a.Petitions.Create(ctx, petition.CreateInput{PersonID: author.ID, AuthorName: author.FullName(),
		Title: "Облаштувати велодоріжку на вулиці Соборній", SubjectCode: "09",
		Text: "Пропоную облаштувати безпечну велодоріжку вздовж вулиці Соборної від площі до парку, з освітленням і розміткою."})
	if err != nil {
		return 0, err
	}
	if err := a.Petitions.Publish(ctx, p.ID, author.ID, *author.TaxIDHash); err != nil {
		return 0, err
	}
	if err := insertSignatures(ctx, a.DB, p.ID, author.ID, o.signatures-1); err != nil { // the author signed on publishing
		return 0, err
	}
	if err := a.Petitions.RefreshCounts(ctx); err != nil {
		return 0, err
	}
	day := time.Now().UTC().Truncate(24 * time.Hour).Add(-24 * time.Hour)
	for i := range o.appeals {
		if _, err := a.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: "mail",
			LastName: lastNames[i%len(lastNames)], FirstName: "Олена", Address: "м. Зразкове, вул. Соборна, 1", Type: "complaint",
			Summary: "Немає гарячої води третій тиждень.", ReceivedAt: day.Add(9 * time.Hour),
			Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Гаряча вода"}}}); err != nil {
			return 0, fmt.Errorf("appeal %d: %w", i, err)
		}
	}
	return p.ID, nil
}

var lastNames = []string{"Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Шевчук", "Поліщук"}

// insertSignatures adds n signatures in batches of one statement each. They share one person row (the
// page shows names, and the unique key is the signer's key), which is all the read path looks at.
func insertSignatures(ctx context.Context, gdb *gorm.DB, petitionID, personID int64, n int) error {
	const batch = 500
	now := time.Now().UTC()
	for done := 0; done < n; done += batch {
		k := min(batch, n-done)
		var sb strings.Builder
		args := make([]any, 0, 5*k)
		sb.WriteString("INSERT INTO petition_signatures (petition_id, person_id, signer_key, signer_name, signed_at) VALUES ")
		for i := range k {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?, ?)")
			j := done + i
			args = append(args, petitionID, personID, fmt.Sprintf("bench-key-%07d", j),
				fmt.Sprintf("%s %s", lastNames[j%len(lastNames)], givenNames[(j/len(lastNames))%len(givenNames)]),
				now.Add(-time.Duration(n-j)*time.Second))
		}
		if err := gdb.WithContext(ctx).Exec(sb.String(), args...).Error; err != nil {
			return err
		}
	}
	return nil
}

var givenNames = []string{"Олена", "Андрій", "Ірина", "Мар'яна", "Тарас", "Світлана", "Василь", "Оксана", "Дмитро", "Наталія"}

// sampleRSS samples this process's resident memory every 50 ms from now on; the function it returns
// stops the sampling and gives the peak in bytes. The program runs in this process, beside vegeta.
func sampleRSS() func() int64 {
	var peak atomic.Int64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if kb, err := strconv.ParseInt(benchkit.ProcField("/proc/self/status", `(?m)^VmRSS:\s*(\d+) kB`), 10, 64); err == nil &&
				kb<<10 > peak.Load() {
				peak.Store(kb << 10)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(done)
		return peak.Load()
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
