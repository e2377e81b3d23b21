package app_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/devidp"
	"github.com/hromada/hromada/internal/identity"
)

// syncBuffer is a log destination that many goroutines write to at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Nothing personal reaches the log, even with every SQL statement logged as slow at the debug level: a
// registry with authors' names, addresses, phones and e-mails is imported, a citizen signs in through
// OIDC and files an appeal, and the notice is mailed. None of their values, the appeal's text, the
// sign-in's code and state, the session cookie or the CSRF token may appear in what the program wrote.
func TestLogsCarryNothingPersonal(t *testing.T) {
	out := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := apptest.StartLogged(t, map[string]string{"HROMADA_LOG_SLOW_QUERY": "1ns", "HROMADA_LOG_LEVEL": "debug"}, log)
	ctx := t.Context()

	var citizen devidp.Identity
	for _, id := range devidp.Identities() {
		if id.Subject == "dev-citizen-mariana" {
			citizen = id
		}
	}
	secrets := []string{citizen.TaxID, citizen.LastName, citizen.GivenName, citizen.MiddleName, citizen.Email,
		citizen.Phone, strings.TrimPrefix(citizen.Phone, "+"), citizen.Address}

	// A registry imported by a registrar.
	registrar := apptest.Browser(t)
	s.SignIn(t, registrar, "dev-staff-registrar")
	if _, err := s.App.People.GrantRole(ctx, "s.hnatiuk@rada.zrazkove.example", identity.RoleRegistrar, "test"); err != nil {
		t.Fatal(err)
	}
	imported := []string{"Загорулько-Вигаданий Євстахій Мирославович", "с. Небувале, вул. Тестова, буд. 777",
		"yevstakhii.zahorulko@mail.example", "+380009998877", "Протікає покрівля над квартирою сорок дев'ять"}
	secrets = append(secrets, imported...)
	csv := "reg_number,received_at,channel,type,author_name,author_address,author_email,author_phone,subjects,summary\r\n" +
		"К-5/24,2024-03-04,phone,complaint,\"" + strings.Join(imported[:4], "\",\"") + "\",09,\"" + imported[4] + "\"\r\n"
	page := apptest.Get(t, registrar, s.Path("/admin/import"))
	if r := apptest.PostMultipart(t, registrar, s.Path("/admin/import"), url.Values{"_csrf": {apptest.CSRF(t, page.Body)}},
		apptest.File{Field: "file", Name: "registry.csv", Data: []byte(csv)}); r.Status != http.StatusSeeOther ||
		r.Location != "/admin/import?added=1&skipped=0" {
		t.Fatalf("import: %d %q\n%.3000s", r.Status, r.Location, r.Body)
	}

	// The citizen signs in; the callback's code and state must stay out of the log.
	c := apptest.Browser(t)
	callback := s.SignInSteps(t, c, citizen.Subject, "/appeals")
	cb, err := url.Parse(callback)
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, cb.Query().Get("code"), cb.Query().Get("state"))
	if r := apptest.Get(t, c, callback); r.Status != http.StatusSeeOther {
		t.Fatalf("callback: %d", r.Status)
	}

	// And files an appeal.
	form := apptest.Get(t, c, s.Path("/appeals/new"))
	csrf := apptest.CSRF(t, form.Body)
	question, summary := "Зламана лавка біля під'їзду номер три", "Прошу відремонтувати лавку й ліхтар біля будинку сім"
	secrets = append(secrets, question, summary, csrf)
	r := s.FileAppeal(t, c, url.Values{
		"_csrf": {csrf}, "questions": {"1"},
		"last_name": {citizen.LastName}, "first_name": {citizen.GivenName}, "patronymic": {citizen.MiddleName},
		"address": {citizen.Address}, "email": {citizen.Email}, "phone": {citizen.Phone},
		"type": {"application"}, "q0_subject": {"09"}, "q0_text": {question}, "summary": {summary}, "consent": {"yes"},
	})
	if !regexp.MustCompile(`^/appeals/\d+/registered$`).MatchString(r.Location) {
		t.Fatalf("filing the appeal: %d %q\n%.3000s", r.Status, r.Location, r.Body)
	}
	s.Mail.WaitFor(t, 1, 15*time.Second) // the registration notice, sent by the job queue
	for _, ck := range c.Jar.Cookies(mustURL(t, s.URL)) {
		secrets = append(secrets, ck.Value)
	}

	logged := out.String()
	// The test means something only if the statements were logged: every one was "slow".
	for _, want := range []string{"INSERT INTO", "appeals", "persons", "sessions", `msg=request`} {
		if !strings.Contains(logged, want) {
			t.Fatalf("the log lacks %q: were the statements logged?\n%.3000s", want, logged)
		}
	}
	for _, v := range secrets {
		if len(v) < 4 {
			t.Fatalf("a value to look for is too short to mean anything: %q", v)
		}
		for _, form := range []string{v, strings.ToLower(v)} {
			if i := strings.Index(logged, form); i >= 0 {
				line := logged[strings.LastIndex(logged[:i], "\n")+1:]
				if j := strings.IndexByte(line, '\n'); j >= 0 {
					line = line[:j]
				}
				t.Errorf("the log carries %q:\n%.1500s", form, line)
			}
		}
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
