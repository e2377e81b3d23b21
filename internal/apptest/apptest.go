// Package apptest starts the real Hromada program for tests: the portal and the development identity
// provider on free ports of 127.0.0.1, on a fresh database (SQLite, or PostgreSQL when
// HROMADA_TEST_DATABASE_URL is set), and drives sign-in over real HTTP.
package apptest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/app"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/mailtest"
)

// Server is a running Hromada.
type Server struct {
	URL    string // the portal, e.g. http://127.0.0.1:41234
	IdPURL string // the development identity provider
	App    *app.App
	Mail   *mailtest.Server // the SMTP server the program sends to

	stop     context.CancelFunc
	done     chan error
	stopOnce sync.Once
	stopErr  error
}

// Start runs Hromada until the test ends. env adds or overrides configuration variables.
func Start(t testing.TB, env map[string]string) *Server {
	t.Helper()
	log := dbtest.Quiet()
	if os.Getenv("HROMADA_TEST_LOG") != "" { // the program's log on stderr, to see why a page failed
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return StartLogged(t, env, log)
}

// StartLogged is Start with the program's log going to log, for tests that read what it writes.
func StartLogged(t testing.TB, env map[string]string, log *slog.Logger) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	idpLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), IdPURL: "http://" + idpLn.Addr().String(), Mail: mailtest.Start(t)}
	vars := map[string]string{
		"HROMADA_ENV":          "development",
		"HROMADA_BASE_URL":     s.URL,
		"HROMADA_DEV_IDP_URL":  s.IdPURL,
		"HROMADA_DATA_DIR":     t.TempDir(),
		"HROMADA_DATABASE_URL": dbtest.URL(t),
		"HROMADA_LOG_LEVEL":    "error",
		"HROMADA_SMTP_URL":     s.Mail.URL(),
		"HROMADA_MAIL_FROM":    "Громада <noreply@rada.example>",
	}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.App, err = app.Open(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	s.stop, s.done = cancel, make(chan error, 1)
	go func() { s.done <- s.App.Run(ctx, ln, idpLn) }()
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
		_ = s.App.Close()
	})
	return s
}

// Stop asks the program to stop, as SIGTERM does, and waits until it has (at most a minute); the
// database stays open for the test to look at.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		s.stop()
		select {
		case err := <-s.done:
			if err != nil && !errors.Is(err, context.Canceled) {
				s.stopErr = fmt.Errorf("server stopped with: %w", err)
			}
		case <-time.After(time.Minute):
			s.stopErr = errors.New("server did not shut down within a minute")
		}
	})
	return s.stopErr
}

// Browser is an HTTP client with cookies that does not follow redirects, so tests see each step.
func Browser(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Response is a finished request: status, headers and body.
type Response struct {
	Status   int
	Header   http.Header
	Body     string
	Location string
}

// Do sends a request and reads the whole response.
func Do(t testing.TB, c *http.Client, req *http.Request) Response {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{Status: res.StatusCode, Header: res.Header, Body: string(body), Location: res.Header.Get("Location")}
}

// Get fetches a URL.
func Get(t testing.TB, c *http.Client, u string) Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return Do(t, c, req)
}

// PostForm posts url-encoded values.
func PostForm(t testing.TB, c *http.Client, u string, v url.Values) Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return Do(t, c, req)
}

var (
	csrfField   = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	pickerForm  = regexp.MustCompile(`(?s)<form method="post" action="([^"]+)">\s*<input type="hidden" name="authRequestID" value="([^"]+)">`)
	absoluteURL = regexp.MustCompile(`^https?://`)
)

// CSRF returns the CSRF token of a page.
func CSRF(t testing.TB, body string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on the page:\n%.2000s", body)
	}
	return m[1]
}

// Follow resolves a Location header against the URL it came from.
func Follow(base, location string) string {
	if absoluteURL.MatchString(location) {
		return location
	}
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

// SignInSteps walks the flow up to the provider's redirect back to the portal and returns the callback
// URL, without opening it: tests use it to tamper with the state or replay the code.
func (s *Server) SignInSteps(t testing.TB, c *http.Client, subject, next string) string {
	t.Helper()
	login := s.URL + "/auth/login?next=" + url.QueryEscape(next)
	r := Get(t, c, login)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, s.IdPURL) {
		t.Fatalf("login: want a redirect to the provider, got %d %q", r.Status, r.Location)
	}
	at := r.Location
	for i := 0; i < 5 && r.Status >= 300 && r.Status < 400; i++ {
		at = Follow(at, r.Location)
		r = Get(t, c, at)
	}
	if r.Status != http.StatusOK {
		t.Fatalf("picker page: got %d at %s", r.Status, at)
	}
	m := pickerForm.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no identity form on the picker page:\n%.2000s", r.Body)
	}
	action := Follow(at, strings.ReplaceAll(m[1], "&amp;", "&"))
	r = PostForm(t, c, action, url.Values{"authRequestID": {m[2]}, "sub": {subject}})
	for i := 0; i < 5 && r.Status >= 300 && r.Status < 400; i++ {
		next := Follow(action, r.Location)
		if strings.HasPrefix(next, s.URL+"/auth/callback") {
			return next
		}
		action = next
		r = Get(t, c, next)
	}
	t.Fatalf("the provider did not redirect back to the portal: %d %q", r.Status, r.Location)
	return ""
}

// SignIn signs the browser in as the test identity with the subject and returns where it landed.
func (s *Server) SignIn(t testing.TB, c *http.Client, subject string) string {
	t.Helper()
	callback := s.SignInSteps(t, c, subject, "/appeals")
	r := Get(t, c, callback)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("callback: want 303, got %d:\n%.1500s", r.Status, r.Body)
	}
	return r.Location
}

// Path returns the portal URL of a path.
func (s *Server) Path(p string) string { return fmt.Sprintf("%s%s", s.URL, p) }

// File is a file a form sends: the field it is sent in, its name and its bytes.
type File struct {
	Field, Name string
	Data        []byte
}

// MultipartBody encodes fields and files as multipart/form-data, as a browser sends a form with files, and
// returns the body with its content type.
func MultipartBody(t testing.TB, fields url.Values, files ...File) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile(f.Field, f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(f.Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), &buf
}

// PostMultipart posts fields and files as multipart/form-data.
func PostMultipart(t testing.TB, c *http.Client, u string, fields url.Values, files ...File) Response {
	t.Helper()
	ct, body := MultipartBody(t, fields, files...)
	req, err := http.NewRequest(http.MethodPost, u, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	return Do(t, c, req)
}

// FileAppeal files an e-appeal as a citizen does: the form (fields and files) to "check your answers",
// then "Надіслати". A form the portal refuses comes back as its response (422 with the form); otherwise
// the response is the send's (303 to /appeals/N/registered, or 429 over the limit).
func (s *Server) FileAppeal(t testing.TB, c *http.Client, fields url.Values, files ...File) Response {
	t.Helper()
	r := PostMultipart(t, c, s.Path("/appeals"), fields, files...)
	if r.Status != http.StatusSeeOther || r.Location != "/appeals/check" {
		return r
	}
	check := Get(t, c, s.Path("/appeals/check"))
	if check.Status != http.StatusOK {
		t.Fatalf("check your answers: %d\n%.2000s", check.Status, check.Body)
	}
	return PostForm(t, c, s.Path("/appeals/send"), url.Values{"_csrf": {CSRF(t, check.Body)}})
}
