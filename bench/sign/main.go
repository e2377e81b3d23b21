// Command sign measures the petition signing path end to end: it starts the real program on a fresh
// PostgreSQL database (or SQLite file with -db sqlite), signs N distinct people in through the real OIDC
// flow (a development provider it runs itself), and has all of them POST /petitions/{id}/sign at once
// over HTTP. It then checks in the database that every person's signature is there exactly once, runs
// pgbench's single-row INSERT on the same server for comparison (PostgreSQL only), and prints
// throughput, latency, errors and the ratio of the two.
//
//	go run ./bench/sign -n 20000 -c 64
//	go run ./bench/sign -db sqlite -n 2000 -c 256
//
// See docs/BENCHMARKS.md for the figures and what they mean.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	_ "net/http/pprof" // served with -pprof
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"

	"github.com/hromada/hromada/bench/internal/benchkit"
	"github.com/hromada/hromada/internal/app"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/devidp"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/petition"
)

type options struct {
	n, c         int
	dbKind       string
	adminURL     string
	keep         bool
	retry        float64
	timeout      time.Duration
	pgbenchT     int
	logLevel     string
	logFile      string
	pprofAddr    string
	cpuProfile   string
	blockProfile string
	mutexProfile string
	queries      bool
	checkFlash   int
	addresses    string
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 20000, "distinct people who sign")
	flag.IntVar(&o.c, "c", 64, "concurrent clients (HTTP requests in flight; also pgbench's -c, bounded by max_connections)")
	flag.StringVar(&o.dbKind, "db", "postgres", "postgres (a fresh database on -admin-url's server) or sqlite (a fresh file)")
	flag.StringVar(&o.adminURL, "admin-url", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
		"PostgreSQL URL of a role that may create and drop databases")
	flag.BoolVar(&o.keep, "keep", false, "keep the benchmark database afterwards")
	flag.Float64Var(&o.retry, "retry", 0.05, "fraction of people who sign a second time (must be told they already signed)")
	flag.DurationVar(&o.timeout, "timeout", 20*time.Minute, "give up after this long")
	flag.IntVar(&o.pgbenchT, "pgbench-seconds", 10, "duration of the pgbench baseline (0 skips it)")
	flag.StringVar(&o.logLevel, "log-level", "info", "the program's HROMADA_LOG_LEVEL (request lines are written to -log-file)")
	flag.StringVar(&o.logFile, "log-file", "", "where the program's log goes (default: a temporary file, removed at the end)")
	flag.StringVar(&o.pprofAddr, "pprof", "", "serve net/http/pprof on this address while running, e.g. 127.0.0.1:6060")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the timed phase (server and load generator share the process)")
	flag.StringVar(&o.blockProfile, "blockprofile", "", "write a block profile of the timed phase")
	flag.StringVar(&o.mutexProfile, "mutexprofile", "", "write a mutex profile of the timed phase")
	flag.BoolVar(&o.queries, "queries", false, "count SQL statements per signing request (a GORM callback; adds a little overhead)")
	flag.IntVar(&o.checkFlash, "check-pages", 200, "after the run, open the petition page as this many first-time signers and check the thank-you message")
	flag.StringVar(&o.addresses, "addresses", "each", "where the signers come from: each (every person from an address of their own on loopback, "+
		"127.x.y.z: a viral petition) or one (everyone from 127.0.0.1: all behind one NAT, the worst case)")
	flag.Parse()
	if o.n < 1 || o.n >= maxPeople || o.c < 1 || o.retry < 0 || o.retry > 1 || (o.dbKind != "postgres" && o.dbKind != "sqlite") ||
		(o.addresses != "each" && o.addresses != "one") {
		fmt.Fprintf(os.Stderr, "-n must be 1 to %d, -c positive, -retry between 0 and 1, -db postgres or sqlite, "+
			"-addresses each or one\n", maxPeople-1)
		os.Exit(2)
	}
	// Interrupted or out of time, the run still stops the program and drops its database.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) (err error) {
	if o.pprofAddr != "" {
		go func() { _ = http.ListenAndServe(o.pprofAddr, nil) }()
	}
	fmt.Println("== machine")
	sqlite := o.dbKind == "sqlite"
	printMachine(ctx, o.adminURL, sqlite)

	tmp, err := os.MkdirTemp("", "hromada-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	// A fresh database, dropped at the end unless -keep.
	var admin *gorm.DB
	dbName := fmt.Sprintf("hromada_bench_%d", time.Now().Unix())
	dbURL := "sqlite:" + filepath.Join(tmp, "bench.db")
	if sqlite {
		if o.keep {
			kept, err := os.MkdirTemp("", "hromada-bench-sqlite-")
			if err != nil {
				return err
			}
			dbURL = "sqlite:" + filepath.Join(kept, "bench.db")
			defer fmt.Printf("database kept: %s\n", dbURL)
		}
		dbName = dbURL
	} else {
		if admin, err = db.Open(o.adminURL, benchkit.Quiet()); err != nil {
			return err
		}
		defer db.Close(admin)
		if err := admin.Exec("CREATE DATABASE " + dbName).Error; err != nil {
			return fmt.Errorf("create database: %w", err)
		}
		if dbURL, err = withDatabase(o.adminURL, dbName); err != nil {
			return err
		}
		defer func() {
			if o.keep {
				fmt.Printf("database kept: %s\n", dbURL)
				return
			}
			if derr := admin.Exec("DROP DATABASE " + dbName + " WITH (FORCE)").Error; derr != nil {
				err = errors.Join(err, fmt.Errorf("drop database: %w", derr))
			}
		}()
	}

	if o.logFile == "" {
		o.logFile = filepath.Join(tmp, "hromada.log")
	}
	logOut, err := os.Create(o.logFile)
	if err != nil {
		return err
	}
	defer logOut.Close()

	// The development provider offers exactly the people of this run.
	people := makePeople(o.n)
	author := devidp.Identity{Subject: "bench-author", TaxID: taxID(maxPeople), LastName: "Авторенко", GivenName: "Петро",
		MiddleName: "Іванович", Address: "м. Зразкове, вул. Соборна, буд. 1", AuthType: "diia"}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	idpLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	portalURL, idpURL := "http://"+ln.Addr().String(), "http://"+idpLn.Addr().String()
	clientSecret := randomHex(16)
	limits := map[string]string{
		// Sign-in comes from 127.0.0.1 for everyone, so its per-address limits must allow the whole run.
		// Signing from one address too (-addresses one) needs the per-address signing limit raised; from
		// an address of one's own it stays at its default, which two attempts never reach. The per-account
		// limit stays at its default.
		"HROMADA_LIMIT_SIGN_IP":       "300/1m",
		"HROMADA_LIMIT_SIGN":          "30/1m",
		"HROMADA_LIMIT_LOGIN_IP":      fmt.Sprintf("%d/1m", 2*o.n+100),
		"HROMADA_LIMIT_CONCURRENT_IP": strconv.Itoa(2*o.c + 16),
	}
	if o.addresses == "one" {
		limits["HROMADA_LIMIT_SIGN_IP"] = fmt.Sprintf("%d/1m", 2*o.n+100)
	}
	vars := map[string]string{
		"HROMADA_ENV":                "development",
		"HROMADA_BASE_URL":           portalURL,
		"HROMADA_DATABASE_URL":       dbURL,
		"HROMADA_DATA_DIR":           tmp,
		"HROMADA_LOG_LEVEL":          o.logLevel,
		"HROMADA_DEV_IDP":            "false",
		"HROMADA_OIDC_ISSUER":        idpURL,
		"HROMADA_OIDC_CLIENT_ID":     "hromada-bench",
		"HROMADA_OIDC_CLIENT_SECRET": clientSecret,
		"HROMADA_PETITION_THRESHOLD": strconv.Itoa(2*o.n + 100), // never reached: this run measures signing alone
		// The load generator is the load balancer in front of the program: its connections come from
		// 127.0.0.1 and name each signer's address in X-Real-IP (see signer).
		"HROMADA_TRUSTED_PROXIES": "127.0.0.1",
		"HROMADA_PROXY_HEADER":    "X-Real-IP",
	}
	for k, v := range limits {
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		return err
	}
	idp, err := devidp.New(devidp.Config{Issuer: idpURL, ClientID: cfg.OIDC.ClientID, ClientSecret: cfg.OIDC.ClientSecret,
		RedirectURIs: []string{cfg.RedirectURL()}, PostLogoutRedirectURIs: []string{cfg.PostLogoutURL()},
		Identities: append(slices.Clone(people), author)})
	if err != nil {
		return err
	}
	idpSrv := &http.Server{Handler: idp, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = idpSrv.Serve(idpLn) }()
	defer idpSrv.Close()

	level := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}[cfg.LogLevel]
	logw := bufio.NewWriterSize(logOut, 1<<20)
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: logw}, &slog.HandlerOptions{Level: level}))
	defer logw.Flush()

	fmt.Println("\n== setup")
	fmt.Printf("database %s, portal %s, identity provider %s, log %s (level %s)\n", dbName, portalURL, idpURL, o.logFile, cfg.LogLevel)
	from := "every signer from an address of their own (10.x.y.z)"
	if o.addresses == "one" {
		from = "every signer from one address (10.0.0.1)"
	}
	fmt.Printf("signing: %s, named in X-Real-IP by the trusted proxy 127.0.0.1 that the load generator plays; sign-in from 127.0.0.1\n", from)
	fmt.Printf("limits for this run: HROMADA_LIMIT_SIGN_IP=%s, HROMADA_LIMIT_LOGIN_IP=%s, HROMADA_LIMIT_CONCURRENT_IP=%s, "+
		"HROMADA_LIMIT_SIGN=%s (defaults: 300/1m, 120/1m, 32, 30/1m)\n", limits["HROMADA_LIMIT_SIGN_IP"],
		limits["HROMADA_LIMIT_LOGIN_IP"], limits["HROMADA_LIMIT_CONCURRENT_IP"], limits["HROMADA_LIMIT_SIGN"])
	t0 := time.Now()
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx, ln, nil) }()
	stopped := false
	stopApp := func() error {
		if stopped {
			return nil
		}
		stopped = true
		stop()
		var err error
		select {
		case err = <-done:
			if errors.Is(err, context.Canceled) {
				err = nil
			}
		case <-time.After(30 * time.Second):
			err = errors.New("the program did not stop within 30 s")
		}
		return errors.Join(err, a.Close())
	}
	defer func() { err = errors.Join(err, stopApp()) }()

	tr := &http.Transport{MaxIdleConns: 4 * o.c, MaxIdleConnsPerHost: 4 * o.c, IdleConnTimeout: 2 * time.Minute,
		DisableCompression: true, DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}
	defer tr.CloseIdleConnections()
	if err := benchkit.WaitHealthy(ctx, &http.Client{Transport: tr, Timeout: 2 * time.Second}, portalURL, 30*time.Second); err != nil {
		return err
	}

	// The petition, created and published through the services; its author is its first signatory.
	authorPerson, err := a.People.SignIn(ctx, identity.Claims{Issuer: idpURL, Subject: author.Subject, TaxID: author.TaxID,
		LastName: author.LastName, GivenName: author.GivenName, MiddleName: author.MiddleName, Address: author.Address, AuthType: author.AuthType})
	if err != nil {
		return err
	}
	pet, err := a.Petitions.Create(ctx, petition.CreateInput{PersonID: authorPerson.ID, AuthorName: authorPerson.FullName(),
		Title: "Облаштувати велодоріжку на вулиці Соборній", SubjectCode: "09",
		Text: "Пропоную облаштувати безпечну велодоріжку вздовж вулиці Соборної від площі до парку, з освітленням і розміткою."})
	if err != nil {
		return err
	}
	if err := a.Petitions.Publish(ctx, pet.ID, authorPerson.ID, *authorPerson.TaxIDHash); err != nil {
		return err
	}
	petPath := fmt.Sprintf("/petitions/%d", pet.ID)
	fmt.Printf("petition %d published (threshold %d); program ready in %s\n", pet.ID, cfg.Petitions.Threshold, since(t0))

	// Every person signs in through the real OIDC flow in their own browser (cookie jar), -c at once.
	// Each flow is timed from /auth/login to the portal's answer to the callback; a failed one is an
	// error of the run, and that person takes no further part.
	clients := make([]*browser, o.n)
	t0 = time.Now()
	signInTimes, signInErrs := each(ctx, o.c, o.n, func(ctx context.Context, i int) error {
		b, err := newBrowser(tr)
		if err != nil {
			return err
		}
		clients[i] = b
		b.timed = true
		defer func() { b.timed = false }()
		return b.signIn(ctx, portalURL, idpURL, people[i].Subject, petPath)
	})
	signInElapsed := time.Since(t0)
	signInErrors := countErrors(signInErrs)
	fmt.Printf("%d people signed in through OIDC in %s (%.0f/s), concurrency %d\n", o.n-signInErrors,
		signInElapsed.Round(time.Millisecond), float64(o.n)/signInElapsed.Seconds(), o.c)
	var signInRequests []time.Duration
	for _, b := range clients {
		if b != nil {
			signInRequests = append(signInRequests, b.times...)
		}
	}
	fmt.Printf("sign-in latency per request (%d requests to the portal and the provider) %s\n", len(signInRequests), latencies(signInRequests))
	fmt.Printf("sign-in latency of the whole flow (5 requests) %s\n", latencies(signInTimes))
	printErrors("sign-in errors", signInErrs)

	// Each opens the petition page and keeps the form's CSRF token. Not timed.
	t0 = time.Now()
	_, pageErrs := each(ctx, o.c, o.n, func(ctx context.Context, i int) error {
		if signInErrs[i] != nil {
			return nil
		}
		r, err := clients[i].get(ctx, portalURL+petPath)
		if err != nil {
			return err
		}
		if r.status != http.StatusOK {
			return fmt.Errorf("petition page: %d", r.status)
		}
		if !strings.Contains(r.body, `action="`+petPath+`/sign"`) {
			return errors.New("petition page: no signing form (not signed in?)")
		}
		m := csrfField.FindStringSubmatch(r.body)
		if m == nil {
			return errors.New("petition page: no CSRF token")
		}
		clients[i].csrf = m[1]
		return nil
	})
	pageErrors := countErrors(pageErrs)
	fmt.Printf("%d petition pages opened in %s\n", o.n-signInErrors-pageErrors, since(t0))
	printErrors("petition page errors", pageErrs)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	// Those who could not sign in or open the page take no part in signing.
	var kept []int
	for i := range o.n {
		if signInErrs[i] == nil && pageErrs[i] == nil {
			kept = append(kept, i)
		}
	}
	if len(kept) == 0 {
		return errors.New("nobody signed in")
	}
	if len(kept) < o.n {
		peopleKept, clientsKept := make([]devidp.Identity, len(kept)), make([]*browser, len(kept))
		for k, i := range kept {
			peopleKept[k], clientsKept[k] = people[i], clients[i]
		}
		people, clients, o.n = peopleKept, clientsKept, len(kept)
	}

	// Who signs twice: a fixed fraction, spread over the run.
	retry := make([]bool, o.n)
	rng := mrand.New(mrand.NewPCG(1, 2))
	retries := int(math.Round(o.retry * float64(o.n)))
	for _, i := range rng.Perm(o.n)[:retries] {
		retry[i] = true
	}
	order := rng.Perm(o.n)

	// The timed phase.
	var counter *queryCounter
	if o.queries {
		counter = countQueries(a.DB)
	}
	stopProfiles, err := startProfiles(o)
	if err != nil {
		return err
	}
	// Each person's request, written out before the clock starts: their cookies as their browser sends
	// them, the form with their token, their address (signer, below).
	portalAddr := ln.Addr().String()
	signers := make([]signer, o.n)
	for i := range o.n {
		ip := "10.0.0.1"
		if o.addresses == "each" {
			ip = personAddress(i).String()
		}
		signers[i] = newSigner(clients[i], portalURL, portalAddr, petPath+"/sign", ip)
	}
	first := make([]result, o.n)
	second := make([]result, o.n)
	var next atomic.Int64
	var wg sync.WaitGroup
	// Back to the petition (an anchor on the page is the portal's business).
	wantLocation := regexp.MustCompile("^" + regexp.QuoteMeta(petPath) + "(#.*)?$")
	if counter != nil {
		counter.on.Store(true)
	}
	cpu0 := readCPU()
	t0 = time.Now()
	for w := 0; w < o.c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn := &proxyConn{addr: portalAddr}
			defer conn.close()
			for {
				k := int(next.Add(1)) - 1
				if k >= o.n || ctx.Err() != nil {
					return
				}
				i := order[k]
				first[i], second[i] = signers[i].sign(ctx, conn, retry[i])
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	cpu := readCPU().since(cpu0)
	if counter != nil {
		counter.on.Store(false)
	}
	if err := stopProfiles(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("timed phase: %w", err)
	}

	// The browsers keep the cookies the answers set (the flash message the check below looks for).
	for i := range o.n {
		signers[i].keep(clients[i], portalURL, first[i], second[i])
	}

	// Every request must have been answered 303 back to the petition.
	var lat []time.Duration
	errorsN := 0
	var firstErrs []string
	check := func(r result) {
		lat = append(lat, r.d)
		if r.err != nil || r.status != http.StatusSeeOther || !wantLocation.MatchString(r.location) {
			errorsN++
			if len(firstErrs) < 5 {
				firstErrs = append(firstErrs, fmt.Sprintf("status %d location %q err %v", r.status, r.location, r.err))
			}
		}
	}
	for i := range first {
		check(first[i])
		if retry[i] {
			check(second[i])
		}
	}

	// The database must hold exactly one signature per person: the N signers and the author.
	want := map[string]bool{*authorPerson.TaxIDHash: true}
	for _, p := range people {
		want[a.People.TaxIDHash(p.TaxID)] = true
	}
	var keys []string
	if err := a.DB.WithContext(ctx).Table("petition_signatures").Where("petition_id = ?", pet.ID).Pluck("signer_key", &keys).Error; err != nil {
		return err
	}
	seen := map[string]int{}
	for _, k := range keys {
		seen[k]++
	}
	doubled, unexpected, lost := 0, 0, 0
	for k, n := range seen {
		if n > 1 {
			doubled += n - 1
		}
		if !want[k] {
			unexpected++
		}
	}
	for k := range want {
		if seen[k] == 0 {
			lost++
		}
	}

	// Those who signed twice must have been told so; a sample of the others thanked. Not timed.
	var refusedOK, refusedBad, thankedOK, thankedBad atomic.Int64
	alreadyUK := "Ви вже підписали цю петицію."
	thanksUK := "Дякуємо! Ваш підпис зараховано."
	var toCheck []int
	sample := 0
	for _, i := range order {
		if retry[i] {
			toCheck = append(toCheck, i)
		} else if sample < o.checkFlash {
			toCheck = append(toCheck, i)
			sample++
		}
	}
	err = parallel(ctx, o.c, len(toCheck), func(ctx context.Context, k int) error {
		i := toCheck[k]
		r, err := clients[i].get(ctx, portalURL+petPath)
		if err != nil {
			return err
		}
		switch {
		case retry[i] && strings.Contains(r.body, alreadyUK):
			refusedOK.Add(1)
		case retry[i]:
			refusedBad.Add(1)
		case strings.Contains(r.body, thanksUK):
			thankedOK.Add(1)
		default:
			thankedBad.Add(1)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("checking the messages: %w", err)
	}

	// The program stops before pgbench, so the baseline has the machine to itself as the program had.
	if err := stopApp(); err != nil {
		return err
	}
	var tps float64
	var pgClients int
	var pgErr error
	if !sqlite {
		tps, pgClients, pgErr = runPgbench(ctx, o, admin, dbURL, tmp)
	}

	requests := o.n + retries
	rate := float64(o.n) / elapsed.Seconds()
	fmt.Println("\n== signing: POST /petitions/{id}/sign")
	fmt.Printf("people %d, concurrency %d, second attempts %d (%.0f%%)\n", o.n, o.c, retries, 100*o.retry)
	fmt.Printf("elapsed %s, requests %d (%.0f/s)\n", elapsed.Round(time.Millisecond), requests, float64(requests)/elapsed.Seconds())
	fmt.Printf("signatures/s %.0f\n", rate)
	fmt.Printf("latency %s\n", latencies(lat))
	fmt.Printf("errors %d", errorsN)
	for _, e := range firstErrs {
		fmt.Printf("\n  %s", e)
	}
	fmt.Println()
	fmt.Printf("CPU while timed (%d cores = 100%%): busy %.0f%%: this process (program and load generator) %.0f%%, "+
		"PostgreSQL %.0f%%, the rest (kernel, other work) %.0f%%; %.0f µs of CPU per request in all\n",
		runtime.NumCPU(), cpu.busy*100, cpu.self*100, cpu.postgres*100, (cpu.busy-cpu.self-cpu.postgres)*100,
		cpu.busy*float64(runtime.NumCPU())*elapsed.Seconds()/float64(requests)*1e6)
	if counter != nil {
		counter.print(requests)
	}
	fmt.Println("\n== checks")
	fmt.Printf("signatures in the database %d, distinct signers %d, want %d (N + the author)\n", len(keys), len(seen), len(want))
	fmt.Printf("lost %d, doubled %d, unexpected %d\n", lost, doubled, unexpected)
	fmt.Printf("second attempts told \"already signed\": %d of %d; first-time signers thanked: %d of %d checked\n",
		refusedOK.Load(), retries, thankedOK.Load(), thankedOK.Load()+thankedBad.Load())

	if !sqlite {
		fmt.Println("\n== baseline: pgbench single-row INSERT on the same PostgreSQL")
	}
	if pgErr != nil {
		fmt.Printf("pgbench: %v\n", pgErr)
	} else if tps > 0 {
		fmt.Printf("pgbench -n -c %d -j 2 -T %d: %.0f inserts/s\n", pgClients, o.pgbenchT, tps)
		fmt.Printf("ratio signatures/s ÷ pgbench inserts/s = %.3f\n", rate/tps)
	}

	ok := signInErrors == 0 && pageErrors == 0 && errorsN == 0 && lost == 0 && doubled == 0 && unexpected == 0 &&
		len(keys) == len(want) && refusedOK.Load() == int64(retries) && thankedBad.Load() == 0
	fmt.Println("\n== verdict")
	fmt.Printf("errors: sign-in %d, petition page %d, signing %d\n", signInErrors, pageErrors, errorsN)
	if sqlite {
		target := benchkit.Percentile(lat, 99) < time.Second && benchkit.Percentile(signInRequests, 99) < time.Second
		fmt.Printf("correct: %v; target on SQLite (no errors, p99 < 1 s for signing and for sign-in's requests): %v\n", ok, ok && target)
	} else {
		target := rate >= 2000 && benchkit.Percentile(lat, 99) < 200*time.Millisecond
		fmt.Printf("correct: %v; target (≥ 2,000 signatures/s, p99 < 200 ms): %v\n", ok, target)
	}
	if !ok {
		return errors.New("signatures lost, doubled or requests failed")
	}
	return nil
}

// personAddress is the i-th person's own address, 10.0.1.1 onwards.
func personAddress(i int) net.IP {
	return net.IPv4(10, byte(i/(254*254)), byte(1+(i/254)%254), byte(1+i%254))
}

// signer is one person's signing, with the request written by hand: the load generator shares the
// process and the two cores with the program it measures, so it should cost about what pgbench's client
// costs pgbench (net/http's client, a cookie jar per person and two goroutines per connection, was most
// of the load generator's cost). It plays the load balancer in front of the program: a kept-alive
// connection per worker from 127.0.0.1 (a trusted proxy for this run), each request naming its signer's
// address in X-Real-IP, so every signer is counted under their own address (or all under one,
// -addresses one). What the program receives is what a browser's request through nginx is.
type signer struct {
	addr    string // the portal's host:port
	path    string
	ip      string // the signer's address
	cookies string // the Cookie header, from the person's cookie jar
	csrf    string
}

func newSigner(b *browser, portalURL, addr, path, ip string) signer {
	u, _ := url.Parse(portalURL)
	var cs []string
	for _, c := range b.c.Jar.Cookies(u) {
		cs = append(cs, c.Name+"="+c.Value)
	}
	return signer{addr: addr, path: path, ip: ip, cookies: strings.Join(cs, "; "), csrf: b.csrf}
}

// request is the POST of the form, with the cookies the browser holds.
func (s *signer) request(cookies string) []byte {
	body := url.Values{"_csrf": {s.csrf}}.Encode()
	return fmt.Appendf(nil, "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: hromada-bench\r\nX-Real-IP: %s\r\nCookie: %s\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", s.path, s.addr, s.ip, cookies, len(body), body)
}

type result struct {
	d          time.Duration
	status     int
	location   string
	setCookies []string
	err        error
}

// sign posts the form, and when again posts it a second time with the cookies the first answer set (as
// a browser would).
func (s *signer) sign(ctx context.Context, conn *proxyConn, again bool) (first, second result) {
	first = conn.roundTrip(ctx, s.request(s.cookies))
	if again {
		if first.err != nil {
			return first, result{err: first.err}
		}
		second = conn.roundTrip(ctx, s.request(withCookies(s.cookies, first.setCookies)))
	}
	return first, second
}

// proxyConn is one kept-alive connection to the program, opened when first needed and again after the
// program closed it.
type proxyConn struct {
	addr string
	conn net.Conn
	br   *bufio.Reader
}

func (p *proxyConn) roundTrip(ctx context.Context, req []byte) result {
	start := time.Now()
	if p.conn == nil {
		d := net.Dialer{Timeout: 5 * time.Second}
		conn, err := d.DialContext(ctx, "tcp", p.addr)
		if err != nil {
			return result{d: time.Since(start), err: err}
		}
		p.conn = conn
		if p.br == nil {
			p.br = bufio.NewReaderSize(conn, 4096)
		} else {
			p.br.Reset(conn)
		}
	}
	_ = p.conn.SetDeadline(start.Add(60 * time.Second))
	var r result
	var closing bool
	_, err := p.conn.Write(req)
	if err == nil {
		r, closing, err = readResponse(p.br)
	}
	r.d, r.err = time.Since(start), err
	if err != nil || closing {
		p.close()
	}
	return r
}

func (p *proxyConn) close() {
	if p.conn != nil {
		_ = p.conn.Close()
		p.conn = nil
	}
}

// keep gives the person's browser the cookies the answers set.
func (s *signer) keep(b *browser, portalURL string, rs ...result) {
	u, _ := url.Parse(portalURL)
	for _, r := range rs {
		if len(r.setCookies) > 0 {
			b.c.Jar.SetCookies(u, (&http.Response{Header: http.Header{"Set-Cookie": r.setCookies}}).Cookies())
		}
	}
}

// withCookies is the Cookie header after the Set-Cookie lines: a cookie set anew replaces the old, an
// expired one goes.
func withCookies(header string, set []string) string {
	var names []string
	values := map[string]string{}
	for _, kv := range strings.Split(header, "; ") {
		if name, value, ok := strings.Cut(kv, "="); ok {
			names = append(names, name)
			values[name] = value
		}
	}
	for _, c := range (&http.Response{Header: http.Header{"Set-Cookie": set}}).Cookies() {
		if _, ok := values[c.Name]; !ok {
			names = append(names, c.Name)
		}
		values[c.Name] = c.Value
		if c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now())) {
			delete(values, c.Name)
		}
	}
	var out []string
	for _, n := range names {
		if v, ok := values[n]; ok {
			out = append(out, n+"="+v)
			delete(values, n)
		}
	}
	return strings.Join(out, "; ")
}

// readResponse reads an answer's status, Location and Set-Cookie headers and skips its body (which
// must have a Content-Length: the program's redirects do); closing says the program closes the connection.
func readResponse(br *bufio.Reader) (r result, closing bool, err error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return r, false, err
	}
	f := strings.Fields(string(line))
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/1.") {
		return r, false, fmt.Errorf("status line %q", line)
	}
	if r.status, err = strconv.Atoi(f[1]); err != nil {
		return r, false, fmt.Errorf("status line %q", line)
	}
	length := -1
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return r, false, err
		}
		h := strings.TrimRight(string(line), "\r\n")
		if h == "" {
			break
		}
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return r, false, fmt.Errorf("header %q", h)
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(name) {
		case "content-length":
			if length, err = strconv.Atoi(value); err != nil {
				return r, false, fmt.Errorf("header %q", h)
			}
		case "transfer-encoding":
			return r, false, fmt.Errorf("unexpected %q", h)
		case "connection":
			closing = strings.EqualFold(value, "close")
		case "location":
			r.location = value
		case "set-cookie":
			r.setCookies = append(r.setCookies, value)
		}
	}
	if length < 0 {
		return r, false, errors.New("an answer without Content-Length")
	}
	_, err = br.Discard(length)
	return r, closing, err
}

// browser is one person's browser: its own cookies, a shared connection pool, no redirects followed.
type browser struct {
	c     *http.Client
	csrf  string
	times []time.Duration // of each request, while timing is on
	timed bool
}

func newBrowser(tr http.RoundTripper) (*browser, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	return &browser{c: &http.Client{Jar: jar, Transport: tr, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}, nil
}

type response struct {
	status   int
	location string
	body     string
}

func (b *browser) do(req *http.Request) (response, error) {
	if b.timed {
		start := time.Now()
		defer func() { b.times = append(b.times, time.Since(start)) }()
	}
	res, err := b.c.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return response{status: res.StatusCode, location: res.Header.Get("Location"), body: string(body)}, err
}

func (b *browser) get(ctx context.Context, u string) (response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return response{}, err
	}
	return b.do(req)
}

func (b *browser) postForm(ctx context.Context, u string, v url.Values) (response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(v.Encode()))
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var (
	csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	requestID = regexp.MustCompile(`[?&]authRequestID=([^&]+)`)
)

// signIn walks the flow of apptest.SignInSteps: the portal's /auth/login, the provider's authorize
// endpoint, the picker (its form is posted; the page itself, which lists every identity of the run, is
// not fetched), the provider's callback, then the portal's callback, which must sign the person in.
func (b *browser) signIn(ctx context.Context, portalURL, idpURL, subject, next string) error {
	r, err := b.get(ctx, portalURL+"/auth/login?next="+url.QueryEscape(next))
	if err != nil {
		return err
	}
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, idpURL) {
		return fmt.Errorf("login: want a redirect to the provider, got %d %q", r.status, r.location)
	}
	at := r.location
	for i := 0; i < 5 && !strings.Contains(at, "/login?"); i++ {
		if r, err = b.get(ctx, at); err != nil {
			return err
		}
		if r.status < 300 || r.status >= 400 {
			return fmt.Errorf("authorize: got %d at %s", r.status, at)
		}
		at = resolve(at, r.location)
	}
	m := requestID.FindStringSubmatch(at)
	if m == nil {
		return fmt.Errorf("no picker after authorize: %s", at)
	}
	id, err := url.QueryUnescape(m[1])
	if err != nil {
		return err
	}
	action := resolve(at, "/login")
	r, err = b.postForm(ctx, action, url.Values{"authRequestID": {id}, "sub": {subject}})
	if err != nil {
		return err
	}
	for i := 0; i < 5 && r.status >= 300 && r.status < 400; i++ {
		u := resolve(action, r.location)
		if strings.HasPrefix(u, portalURL+"/auth/callback") {
			r, err = b.get(ctx, u)
			if err != nil {
				return err
			}
			if r.status != http.StatusSeeOther || r.location != next {
				return fmt.Errorf("callback: want 303 to %s, got %d %q", next, r.status, r.location)
			}
			return nil
		}
		action = u
		if r, err = b.get(ctx, u); err != nil {
			return err
		}
	}
	return fmt.Errorf("the provider did not redirect back to the portal: %d %q", r.status, r.location)
}

func resolve(base, location string) string {
	b, err := url.Parse(base)
	if err != nil {
		return location
	}
	l, err := b.Parse(location)
	if err != nil {
		return location
	}
	return l.String()
}

// each runs f for 0..n-1 on c goroutines, all of them whatever fails, and returns each call's duration
// and error.
func each(ctx context.Context, c, n int, f func(ctx context.Context, i int) error) ([]time.Duration, []error) {
	times, errs := make([]time.Duration, n), make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(c, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[i] = err
					continue
				}
				start := time.Now()
				errs[i] = f(ctx, i)
				times[i] = time.Since(start)
			}
		}()
	}
	wg.Wait()
	return times, errs
}

func countErrors(errs []error) int {
	n := 0
	for _, err := range errs {
		if err != nil {
			n++
		}
	}
	return n
}

// printErrors prints how many calls failed and the first few reasons.
func printErrors(what string, errs []error) {
	n, shown := countErrors(errs), 0
	fmt.Printf("%s %d", what, n)
	for i, err := range errs {
		if err != nil && shown < 5 {
			fmt.Printf("\n  #%d: %v", i, err)
			shown++
		}
	}
	fmt.Println()
}

// latencies formats p50, p90, p99 and the maximum of ds (which it sorts).
func latencies(ds []time.Duration) string {
	if len(ds) == 0 {
		return "(none)"
	}
	slices.Sort(ds)
	return fmt.Sprintf("p50 %s  p90 %s  p99 %s  max %s", ms(benchkit.Percentile(ds, 50)), ms(benchkit.Percentile(ds, 90)), ms(benchkit.Percentile(ds, 99)), ms(ds[len(ds)-1]))
}

// parallel runs f for 0..n-1 on c goroutines and stops at the first error.
func parallel(ctx context.Context, c, n int, f func(ctx context.Context, i int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	for w := 0; w < min(c, n); w++ {
		g.Go(func() error {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return nil
				}
				if err := f(gctx, i); err != nil {
					return fmt.Errorf("#%d: %w", i, err)
				}
			}
		})
	}
	return g.Wait()
}

// Test people: fake tax numbers that pass the РНОКПП checksum but encode birth dates in the 2170s
// (like the development provider's own), and names combined from common ones.
var (
	lastNames = []string{"Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Шевчук", "Поліщук",
		"Бондар", "Ткачук", "Марченко", "Мельник", "Савченко", "Руденко", "Лисенко", "Петренко", "Клименко", "Павленко",
		"Кравчук", "Кузьменко", "Гончаренко", "Романенко", "Мороз", "Левченко", "Коваль", "Гнатюк", "Дем'яненко",
		"Карпенко", "Литвиненко", "Сидоренко"}
	givenNames = []string{"Олена", "Андрій", "Ірина", "Мар'яна", "Тарас", "Світлана", "Василь", "Оксана", "Дмитро",
		"Наталія", "Сергій", "Юлія", "Олександр", "Тетяна", "Микола", "Галина", "Богдан", "Людмила", "Іван", "Катерина",
		"Петро", "Софія", "Роман", "Анна", "Юрій", "Вікторія", "Олег", "Лариса", "Максим", "Зоряна"}
	middleNames = []string{"Петрович", "Іванович", "Миколайович", "Васильович", "Олегович", "Степанович", "Ігорович",
		"Андрійович", "Сергійович", "Богданович", "Романович", "Юрійович", "Тарасович", "Дмитрович", "Олександрович",
		"Михайлович", "Григорович", "Вікторович", "Павлович", "Федорович", "Анатолійович", "Володимирович",
		"Ярославович", "Остапович", "Левкович"}
	streets = []string{"вул. Соборна", "вул. Садова", "просп. Незалежності", "пров. Шкільний", "вул. Лесі Українки", "вул. Вишнева"}
)

func makePeople(n int) []devidp.Identity {
	out := make([]devidp.Identity, n)
	a, b := len(lastNames), len(givenNames)
	for i := range out {
		middle := middleNames[(i/(a*b))%len(middleNames)]
		if k := i / (a * b * len(middleNames)); k > 0 {
			middle += " " + strconv.Itoa(k+1) // beyond 22,500 people names repeat otherwise
		}
		out[i] = devidp.Identity{
			Subject: fmt.Sprintf("bench-%06d", i), TaxID: taxID(i),
			LastName: lastNames[i%a], GivenName: givenNames[(i/a)%b], MiddleName: middle,
			Email:    fmt.Sprintf("bench-%06d@mail.example", i),
			Address:  fmt.Sprintf("м. Зразкове, %s, буд. %d", streets[i%len(streets)], i%200+1),
			AuthType: "diia", Note: "citizen",
		}
	}
	return out
}

// maxPeople bounds -n: taxID has seven digits for the person's number; the last is the author's.
const maxPeople = 9_999_999

// taxID is the i-th fake РНОКПП: "99" (a 2170s birth date), seven digits of i, and the check digit.
func taxID(i int) string {
	s := fmt.Sprintf("99%07d", i)
	weights := []int{-1, 5, 7, 9, 4, 6, 10, 5, 7}
	sum := 0
	for k, w := range weights {
		sum += int(s[k]-'0') * w
	}
	return s + strconv.Itoa(((sum%11)+11)%11%10)
}

// runPgbench measures single-row INSERTs into a small table with a serial key and a text column.
func runPgbench(ctx context.Context, o options, admin *gorm.DB, dbURL, tmp string) (tps float64, clients int, err error) {
	if o.pgbenchT <= 0 {
		return 0, 0, nil
	}
	bdb, err := db.Open(dbURL, benchkit.Quiet())
	if err != nil {
		return 0, 0, err
	}
	err = bdb.Exec("CREATE TABLE bench_insert (id BIGSERIAL PRIMARY KEY, note TEXT NOT NULL)").Error
	_ = db.Close(bdb)
	if err != nil {
		return 0, 0, err
	}
	var maxConn, used int
	if err := admin.Raw("SELECT current_setting('max_connections')::int").Scan(&maxConn).Error; err != nil {
		return 0, 0, err
	}
	if err := admin.Raw("SELECT count(*) FROM pg_stat_activity").Scan(&used).Error; err != nil {
		return 0, 0, err
	}
	clients = max(1, min(o.c, maxConn-used-5))
	script := filepath.Join(tmp, "insert.sql")
	if err := os.WriteFile(script, []byte("INSERT INTO bench_insert (note) VALUES ('signature');\n"), 0o600); err != nil {
		return 0, 0, err
	}
	pctx, cancel := context.WithTimeout(ctx, time.Duration(o.pgbenchT+60)*time.Second)
	defer cancel()
	cmd := exec.CommandContext(pctx, "pgbench", "-n", "-c", strconv.Itoa(clients), "-j", "2", "-T", strconv.Itoa(o.pgbenchT),
		"-f", script, dbURL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, clients, fmt.Errorf("%w\n%s", err, out)
	}
	m := regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`).FindSubmatch(out)
	if m == nil {
		return 0, clients, fmt.Errorf("no tps in pgbench's output:\n%s", out)
	}
	tps, err = strconv.ParseFloat(string(m[1]), 64)
	return tps, clients, err
}

func printMachine(ctx context.Context, adminURL string, sqlite bool) {
	if sqlite {
		fmt.Println(benchkit.Machine(ctx, ""))
		fmt.Println("SQLite: pure Go (modernc.org/sqlite through glebarez/sqlite), a fresh file in the temporary directory, the program's own settings")
		return
	}
	fmt.Println(benchkit.Machine(ctx, adminURL))
	var settings []string
	if a, err := db.Open(adminURL, benchkit.Quiet()); err == nil {
		for _, name := range []string{"max_connections", "shared_buffers", "synchronous_commit", "fsync", "wal_level"} {
			var v string
			if a.Raw("SELECT current_setting(?)", name).Scan(&v).Error == nil {
				settings = append(settings, name+"="+v)
			}
		}
		_ = db.Close(a)
	}
	fmt.Printf("PostgreSQL settings: %s\n", strings.Join(settings, ", "))
}

// startProfiles starts the profiles asked for; the returned function writes them.
func startProfiles(o options) (func() error, error) {
	var cpu *os.File
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		cpu = f
	}
	if o.blockProfile != "" {
		runtime.SetBlockProfileRate(int(10 * time.Microsecond))
	}
	if o.mutexProfile != "" {
		runtime.SetMutexProfileFraction(10)
	}
	return func() error {
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Close(); err != nil {
				return err
			}
		}
		for name, path := range map[string]string{"block": o.blockProfile, "mutex": o.mutexProfile} {
			if path == "" {
				continue
			}
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
		}
		runtime.SetBlockProfileRate(0)
		runtime.SetMutexProfileFraction(0)
		return nil
	}, nil
}

// queryCounter counts the SQL statements the program sends through GORM while on (transactions'
// BEGIN and COMMIT are not seen by GORM's callbacks, and River's own queries bypass GORM).
type queryCounter struct {
	on atomic.Bool
	mu sync.Mutex
	by map[string]int
}

var spaces = regexp.MustCompile(`\s+`)

func countQueries(gdb *gorm.DB) *queryCounter {
	q := &queryCounter{by: map[string]int{}}
	count := func(tx *gorm.DB) {
		if !q.on.Load() {
			return
		}
		sql := spaces.ReplaceAllString(tx.Statement.SQL.String(), " ")
		if len(sql) > 110 {
			sql = sql[:110] + "…"
		}
		q.mu.Lock()
		q.by[sql]++
		q.mu.Unlock()
	}
	cb := gdb.Callback()
	_ = cb.Create().After("gorm:create").Register("bench:count", count)
	_ = cb.Query().After("gorm:query").Register("bench:count", count)
	_ = cb.Update().After("gorm:update").Register("bench:count", count)
	_ = cb.Delete().After("gorm:delete").Register("bench:count", count)
	_ = cb.Row().After("gorm:row").Register("bench:count", count)
	_ = cb.Raw().After("gorm:raw").Register("bench:count", count)
	return q
}

func (q *queryCounter) print(requests int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	type kv struct {
		sql string
		n   int
	}
	var list []kv
	total := 0
	for k, n := range q.by {
		list = append(list, kv{k, n})
		total += n
	}
	sort.Slice(list, func(i, j int) bool { return list[i].n > list[j].n })
	fmt.Printf("SQL statements through GORM: %d, %.2f per request\n", total, float64(total)/float64(requests))
	for _, e := range list[:min(len(list), 15)] {
		fmt.Printf("  %6.2f/request  %s\n", float64(e.n)/float64(requests), e.sql)
	}
}

// cpuSample is the machine's and this process's CPU time so far.
type cpuSample struct {
	at                time.Time
	busy, total       float64 // jiffies from /proc/stat
	postgres          float64 // jiffies of the processes named postgres (this machine's server)
	selfUser, selfSys time.Duration
}

type cpuUse struct{ busy, self, postgres float64 } // shares of all cores

func readCPU() cpuSample {
	s := cpuSample{at: time.Now()}
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		f := strings.Fields(line)
		for i, v := range f[1:] {
			x, _ := strconv.ParseFloat(v, 64)
			s.total += x
			if i != 3 && i != 4 { // idle, iowait
				s.busy += x
			}
		}
	}
	if dirs, err := os.ReadDir("/proc"); err == nil {
		for _, d := range dirs {
			b, err := os.ReadFile("/proc/" + d.Name() + "/stat")
			if err != nil {
				continue
			}
			// pid (comm) state ppid ...: utime and stime are the 14th and 15th fields.
			_, rest, ok := strings.Cut(string(b), "(")
			comm, rest, ok2 := strings.Cut(rest, ")")
			if !ok || !ok2 || comm != "postgres" {
				continue
			}
			if f := strings.Fields(rest); len(f) > 12 {
				u, _ := strconv.ParseFloat(f[11], 64)
				k, _ := strconv.ParseFloat(f[12], 64)
				s.postgres += u + k
			}
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		s.selfUser = time.Duration(ru.Utime.Nano())
		s.selfSys = time.Duration(ru.Stime.Nano())
	}
	return s
}

func (s cpuSample) since(a cpuSample) cpuUse {
	u := cpuUse{}
	if d := s.total - a.total; d > 0 {
		u.busy = (s.busy - a.busy) / d
		u.postgres = (s.postgres - a.postgres) / d
	}
	wall := s.at.Sub(a.at).Seconds() * float64(runtime.NumCPU())
	u.self = (s.selfUser - a.selfUser + s.selfSys - a.selfSys).Seconds() / wall
	return u
}

func withDatabase(raw, name string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func since(t time.Time) string { return time.Since(t).Round(time.Millisecond).String() }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// lockedWriter serialises writes to a buffered writer shared by every request's log line.
type lockedWriter struct {
	mu sync.Mutex
	w  *bufio.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
