package portal_test

import (
	"database/sql"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/dbtest"
)

// tcpProxy forwards connections to target until stopped; started again, it listens on the same address.
type tcpProxy struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func startProxy(t *testing.T, target string) *tcpProxy {
	p := &tcpProxy{t: t, addr: "127.0.0.1:0", target: target}
	p.start()
	t.Cleanup(p.stop)
	return p
}

func (p *tcpProxy) start() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", p.target)
			if err != nil {
				_ = in.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, in, out)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(out, in); _ = out.Close() }()
			go func() { _, _ = io.Copy(in, out); _ = in.Close() }()
		}
	}()
}

// stop closes the listener and every connection through it: the database is gone for the program.
func (p *tcpProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}

// checkOutagePage demands the friendly 503: the message, Retry-After, no detail.
func checkOutagePage(t *testing.T, c *http.Client, u string) {
	t.Helper()
	r := apptest.Get(t, c, u)
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" ||
		!strings.Contains(r.Body, "Сервіс тимчасово недоступний. Спробуйте пізніше.") {
		t.Fatalf("%s while the database is unreachable: want 503 with Retry-After and the message, got %d %q\n%.600s",
			u, r.Status, r.Header.Get("Retry-After"), r.Body)
	}
}

// waitFor asks for u until it answers want (the pool reconnects on its own), or fails after 15 s.
func waitFor(t *testing.T, c *http.Client, u string, want int) {
	t.Helper()
	var r apptest.Response
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if r = apptest.Get(t, c, u); r.Status == want {
			return
		}
	}
	t.Fatalf("%s: want %d, got %d\n%.600s", u, want, r.Status, r.Body)
}

// PostgreSQL out of reach (the program talks to it through a proxy that the test stops): pages and the
// API answer 503 saying to try again later, with Retry-After; when it is back, the same program serves
// again without a restart.
func TestDatabaseOutageIsA503AndRecovers(t *testing.T) {
	if os.Getenv(dbtest.EnvURL) == "" {
		t.Skip("PostgreSQL only: set " + dbtest.EnvURL + " (the SQLite case is TestSQLiteLockedPastItsTimeoutIsA503)")
	}
	u, err := url.Parse(dbtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := startProxy(t, u.Host)
	u.Host = proxy.addr
	s := apptest.Start(t, map[string]string{"HROMADA_DATABASE_URL": u.String()})
	c, anon := apptest.Browser(t), apptest.Browser(t)
	s.SignIn(t, c, olena)
	for _, p := range []string{"/appeals", "/petitions", "/healthz"} {
		if r := apptest.Get(t, c, s.Path(p)); r.Status != http.StatusOK {
			t.Fatalf("%s before the outage: %d", p, r.Status)
		}
	}

	proxy.stop()
	checkOutagePage(t, c, s.Path("/appeals")) // the session itself cannot be read
	checkOutagePage(t, anon, s.Path("/petitions"))
	if r := apptest.Get(t, anon, s.Path("/api/v1/petitions")); r.Status != http.StatusServiceUnavailable ||
		r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, `"status":503`) {
		t.Fatalf("the API while the database is unreachable: %d %q %s", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
	if r := apptest.Get(t, anon, s.Path("/healthz")); r.Status != http.StatusServiceUnavailable {
		t.Fatalf("/healthz while the database is unreachable: %d", r.Status)
	}

	proxy.start()
	waitFor(t, c, s.Path("/appeals"), http.StatusOK)
	waitFor(t, anon, s.Path("/petitions"), http.StatusOK)
	waitFor(t, anon, s.Path("/healthz"), http.StatusOK)
}

// SQLite held locked by another process past the busy timeout (10 s): a page that must write answers
// 503 with Retry-After; once the lock is gone the same page works.
func TestSQLiteLockedPastItsTimeoutIsA503(t *testing.T) {
	if os.Getenv(dbtest.EnvURL) != "" {
		t.Skip("SQLite only (the PostgreSQL case is TestDatabaseOutageIsA503AndRecovers)")
	}
	path := filepath.Join(t.TempDir(), "locked.db")
	s := apptest.Start(t, map[string]string{"HROMADA_DATABASE_URL": "sqlite:" + path})
	c := apptest.Browser(t)
	if r := apptest.Get(t, c, s.Path("/auth/login")); r.Status != http.StatusSeeOther {
		t.Fatalf("sign-in before the lock: %d", r.Status)
	}

	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(1000)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.Begin() // immediate: holds the write lock until rolled back
	if err != nil {
		t.Fatal(err)
	}
	checkOutagePage(t, apptest.Browser(t), s.Path("/auth/login")) // starting a sign-in writes a session
	if err := lock.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		t.Fatal(err)
	}
	waitFor(t, apptest.Browser(t), s.Path("/auth/login"), http.StatusSeeOther)
}
