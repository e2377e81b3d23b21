package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
)

var unsubscribeLink = regexp.MustCompile(`https?://[^\s]+/notices/unsubscribe\?token=[A-Za-z0-9_.-]+`)

func fileAppeal(t *testing.T, s *apptest.Server, c *http.Client) {
	t.Helper()
	form := apptest.Get(t, c, s.Path("/appeals/new"))
	if r := postAppeal(t, s, c, goodAppeal(apptest.CSRF(t, form.Body)), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("filing an appeal: %d", r.Status)
	}
}

func TestCitizenTurnsOffOptionalNotices(t *testing.T) {
	s := apptest.Start(t, nil)
	c := apptest.Browser(t)
	s.SignIn(t, c, olena)

	// Through the link in the e-mail, without signing in.
	fileAppeal(t, s, c)
	mail := s.Mail.WaitFor(t, 1, 15*time.Second)[0]
	link := unsubscribeLink.FindString(mail.Part("text/plain"))
	if link == "" {
		t.Fatalf("no unsubscribe link in:\n%s", mail.Part("text/plain"))
	}
	stranger := apptest.Browser(t)
	page := apptest.Get(t, stranger, link)
	if page.Status != 200 || !strings.Contains(page.Body, "Підтвердження реєстрації звернення") {
		t.Fatalf("unsubscribe page: %d", page.Status)
	}
	u, _ := url.Parse(link)
	r := apptest.PostForm(t, stranger, s.Path("/notices/unsubscribe"),
		url.Values{"_csrf": {apptest.CSRF(t, page.Body)}, "token": {u.Query().Get("token")}})
	if r.Status != 200 || !strings.Contains(r.Body, "більше не надходитимуть") {
		t.Fatalf("unsubscribe: %d\n%.800s", r.Status, r.Body)
	}
	if r := apptest.Get(t, stranger, s.Path("/notices/unsubscribe?token=forged.token")); r.Status != http.StatusNotFound {
		t.Fatalf("a forged token: want 404, got %d", r.Status)
	}
	fileAppeal(t, s, c)
	time.Sleep(2 * time.Second) // more than the queue's poll interval
	if n := len(s.Mail.Messages()); n != 1 {
		t.Fatalf("after unsubscribing, %d e-mails", n)
	}

	// Back on, from the account page.
	page = apptest.Get(t, c, s.Path("/account/notices"))
	if !strings.Contains(page.Body, `name="notice_appeal_registered" value="on">`) {
		t.Fatal("the notice shows as on after unsubscribing")
	}
	r = apptest.PostForm(t, c, s.Path("/account/notices"),
		url.Values{"_csrf": {apptest.CSRF(t, page.Body)}, "notice_appeal_registered": {"on"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("saving choices: %d", r.Status)
	}
	if page = apptest.Get(t, c, s.Path("/account/notices")); !strings.Contains(page.Body, `name="notice_appeal_registered" value="on" checked>`) {
		t.Fatal("the notice is not back on")
	}
	fileAppeal(t, s, c)
	s.Mail.WaitFor(t, 2, 15*time.Second)
}

func TestStaffAreaRoles(t *testing.T) {
	s := apptest.Start(t, nil)
	ctx := context.Background()
	citizen, registrar, admin := apptest.Browser(t), apptest.Browser(t), apptest.Browser(t)
	s.SignIn(t, citizen, olena)
	s.SignIn(t, registrar, "dev-staff-registrar")
	s.SignIn(t, admin, "dev-staff-admin")
	if _, err := s.App.People.GrantRole(ctx, "s.hnatiuk@rada.zrazkove.example", identity.RoleRegistrar, "test"); err != nil {
		t.Fatal(err)
	}
	var adminEmail string
	if err := s.App.DB.Table("persons").Where("subject = ?", "dev-staff-admin").Pluck("email", &adminEmail).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.People.GrantRole(ctx, adminEmail, identity.RoleAdmin, "test"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		who    *http.Client
		path   string
		status int
	}{
		{citizen, "/admin", http.StatusNotFound},
		{citizen, "/admin/mail", http.StatusNotFound},
		{registrar, "/admin", http.StatusOK},
		{registrar, "/admin/mail", http.StatusForbidden},
		{admin, "/admin", http.StatusOK},
		{admin, "/admin/mail", http.StatusOK},
	}
	for _, tc := range cases {
		if r := apptest.Get(t, tc.who, s.Path(tc.path)); r.Status != tc.status {
			t.Errorf("%s: got %d, want %d", tc.path, r.Status, tc.status)
		}
	}
	if r := apptest.Get(t, citizen, s.Path("/")); strings.Contains(r.Body, `href="/admin"`) {
		t.Error("a citizen sees the staff link")
	}

	// A message that failed for good is listed for the admin and can be sent again.
	fileAppeal(t, s, citizen)
	s.Mail.WaitFor(t, 1, 15*time.Second)
	if err := s.App.DB.Exec("UPDATE mail_messages SET status = 'failed', last_error = 'connection refused'").Error; err != nil {
		t.Fatal(err)
	}
	page := apptest.Get(t, admin, s.Path("/admin/mail"))
	id := regexp.MustCompile(`action="/admin/mail/(\d+)/retry"`).FindStringSubmatch(page.Body)
	if id == nil || !strings.Contains(page.Body, "connection refused") {
		t.Fatalf("the failed message is not listed:\n%.2000s", page.Body)
	}
	retry := s.Path("/admin/mail/" + id[1] + "/retry")
	if r := apptest.PostForm(t, registrar, retry, url.Values{"_csrf": {apptest.CSRF(t, apptest.Get(t, registrar, s.Path("/admin")).Body)}}); r.Status != http.StatusForbidden {
		t.Fatalf("a registrar retrying: %d", r.Status)
	}
	if r := apptest.PostForm(t, admin, retry, url.Values{"_csrf": {apptest.CSRF(t, page.Body)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("retry: %d", r.Status)
	}
	s.Mail.WaitFor(t, 2, 15*time.Second)
	if page = apptest.Get(t, admin, s.Path("/admin/mail")); !strings.Contains(page.Body, "Усі листи доставлено") {
		t.Fatal("the retried message is still listed as failed")
	}
}
