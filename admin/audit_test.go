package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/petition"
)

// A moderator's publication and an admin's new department each leave a log line with who and from
// where; an admin reads and filters them at /admin/audit; nobody else reads the log, and no route
// changes or removes a line.
func TestAuditLog(t *testing.T) {
	s := apptest.Start(t, nil)
	ctx := context.Background()
	citizen, registrar, head, moderator, admin := apptest.Browser(t), apptest.Browser(t), apptest.Browser(t),
		apptest.Browser(t), apptest.Browser(t)
	for _, u := range []struct {
		c                    *http.Client
		subject, email, role string
	}{
		{citizen, "dev-citizen-olena", "", ""},
		{registrar, "dev-staff-registrar", "s.hnatiuk@rada.zrazkove.example", identity.RoleRegistrar},
		{head, "dev-staff-head", "v.kravchenko@rada.zrazkove.example", identity.RoleHead},
		{moderator, "dev-staff-executor", "t.melnyk@rada.zrazkove.example", identity.RoleModerator},
		{admin, "dev-staff-admin", "o.lytvynenko@rada.zrazkove.example", identity.RoleAdmin},
	} {
		s.SignIn(t, u.c, u.subject)
		if u.role != "" {
			if _, err := s.App.People.GrantRole(ctx, u.email, u.role, "test"); err != nil {
				t.Fatal(err)
			}
		}
	}
	personID := func(subject string) int64 {
		var id int64
		if err := s.App.DB.Table("persons").Where("subject = ?", subject).Pluck("id", &id).Error; err != nil || id == 0 {
			t.Fatalf("person %s: %d %v", subject, id, err)
		}
		return id
	}
	modID := personID("dev-staff-executor")

	// The moderator publishes a petition through the staff area.
	p, err := s.App.Petitions.Create(ctx, petition.CreateInput{PersonID: personID("dev-citizen-olena"),
		AuthorName: "Шевченко Олена Петрівна", Title: "Лавки в парку Шевченка", SubjectCode: "09",
		Text: "Просимо встановити лавки вздовж головної алеї парку, бо людям похилого віку ніде відпочити."})
	if err != nil {
		t.Fatal(err)
	}
	pid := strconv.FormatInt(p.ID, 10)
	queue := apptest.Get(t, moderator, s.Path("/admin/petitions"))
	if r := apptest.PostForm(t, moderator, s.Path("/admin/petitions/"+pid+"/publish"),
		url.Values{"_csrf": {apptest.CSRF(t, queue.Body)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("publish: %d\n%.1500s", r.Status, r.Body)
	}

	// The admin adds a department.
	page := apptest.Get(t, admin, s.Path("/admin/departments"))
	if r := apptest.PostForm(t, admin, s.Path("/admin/departments"), url.Values{"_csrf": {apptest.CSRF(t, page.Body)},
		"name_uk": {"Відділ благоустрою"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("create department: %d", r.Status)
	}

	// Both lines carry the actor and the address, written by the change's own transaction.
	// A refused change leaves no line: the same name again is refused, and so is publishing twice.
	if r := apptest.PostForm(t, admin, s.Path("/admin/departments"), url.Values{"_csrf": {apptest.CSRF(t, page.Body)},
		"name_uk": {"Відділ благоустрою"}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("the same department again: %d", r.Status)
	}
	if r := apptest.PostForm(t, moderator, s.Path("/admin/petitions/"+pid+"/publish"),
		url.Values{"_csrf": {apptest.CSRF(t, queue.Body)}}); r.Status != http.StatusConflict {
		t.Fatalf("publishing twice: %d", r.Status)
	}
	var lines []struct {
		Action        string
		ActorPersonID *int64
		IP            string `gorm:"column:ip"`
	}
	if err := s.App.DB.Table("audit_log").Where("action IN ?", []string{"petition.publish", "department.create"}).
		Order("id").Find(&lines).Error; err != nil || len(lines) != 2 {
		t.Fatalf("audit lines: %+v %v", lines, err)
	}
	for _, l := range lines {
		if l.ActorPersonID == nil || l.IP == "" {
			t.Errorf("%s: actor %v, ip %q", l.Action, l.ActorPersonID, l.IP)
		}
	}
	if *lines[0].ActorPersonID != modID || *lines[1].ActorPersonID != personID("dev-staff-admin") {
		t.Errorf("actors: %d, %d", *lines[0].ActorPersonID, *lines[1].ActorPersonID)
	}

	// Only admins read the log: other staff get 403, a citizen 404.
	for _, tc := range []struct {
		name   string
		c      *http.Client
		status int
	}{
		{"citizen", citizen, http.StatusNotFound}, {"registrar", registrar, http.StatusForbidden},
		{"head", head, http.StatusForbidden}, {"moderator", moderator, http.StatusForbidden},
		{"admin", admin, http.StatusOK},
	} {
		if r := apptest.Get(t, tc.c, s.Path("/admin/audit")); r.Status != tc.status {
			t.Errorf("%s: /admin/audit %d, want %d", tc.name, r.Status, tc.status)
		}
	}

	log := apptest.Get(t, admin, s.Path("/admin/audit"))
	mustHave(t, "the whole log", log.Body, "Петицію оприлюднено", "Підрозділ додано", "Мельник Тарас Степанович",
		"Литвиненко Оксана Романівна", "127.0.0.1", `href="/admin/petitions/`+pid+`"`, "Лавки в парку Шевченка",
		"Відділ благоустрою", `<th scope="col">`, "<caption>")
	if i, j := strings.Index(log.Body, "Підрозділ додано"), strings.Index(log.Body, "Петицію оприлюднено"); i > j {
		t.Error("the newest line must come first")
	}
	if strings.Contains(log.Body, "audit.") || strings.Contains(log.Body, "<script") {
		t.Error("an untranslated id or a script on the page")
	}

	filtered := func(q string) string {
		t.Helper()
		r := apptest.Get(t, admin, s.Path("/admin/audit?"+q))
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d", q, r.Status)
		}
		return r.Body
	}
	for _, q := range []string{"action=petition.", "actor=" + strconv.FormatInt(modID, 10),
		"object_type=petition&object_id=" + pid, "action=petition.publish"} {
		body := filtered(q)
		if !strings.Contains(body, "Петицію оприлюднено") || strings.Contains(body, "Підрозділ додано") {
			t.Errorf("filter %s does not select the publication alone", q)
		}
	}
	if body := filtered("action=department.&from=2000-01-01"); strings.Contains(body, "Петицію оприлюднено") ||
		!strings.Contains(body, "Підрозділ додано") || !strings.Contains(body, `<option value="department." selected>`) {
		t.Error("filter by the department actions")
	}
	if body := filtered("to=2000-01-01"); !strings.Contains(body, "Записів за цим фільтром немає.") {
		t.Error("a period before every line shows lines")
	}
	// A wrong value is reported beside its field, kept in the form, and the rest of the filter still applies.
	body := filtered("from=2024-13-01&object_id=abc&action=petition.")
	mustHave(t, "the refused filter", body, `id="f-from-error"`, "Вкажіть дату у форматі РРРР-ММ-ДД.", `value="2024-13-01"`,
		`id="f-object_id-error"`, `value="abc"`, "Петицію оприлюднено")
	if strings.Contains(body, "Підрозділ додано") {
		t.Error("the valid part of a refused filter is not applied")
	}

	// Nothing changes or removes a line: the log has one GET route, and other methods on it do nothing.
	for _, r := range s.App.Web.App.GetRoutes(true) {
		if strings.HasPrefix(r.Path, "/admin/audit") && r.Method != http.MethodGet && r.Method != http.MethodHead {
			t.Errorf("a %s route on %s", r.Method, r.Path)
		}
	}
	var before, after int64
	s.App.DB.Table("audit_log").Count(&before)
	csrf := apptest.CSRF(t, apptest.Get(t, admin, s.Path("/admin/departments")).Body)
	for _, path := range []string{"/admin/audit", "/admin/audit/1", "/admin/audit/1/delete"} {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
			req, err := http.NewRequest(method, s.Path(path), strings.NewReader(url.Values{"_csrf": {csrf}}.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if r := apptest.Do(t, admin, req); r.Status < 400 {
				t.Errorf("%s %s: %d", method, path, r.Status)
			}
		}
	}
	s.App.DB.Table("audit_log").Count(&after)
	if before != after {
		t.Errorf("the log had %d lines, now %d", before, after)
	}
}

func mustHave(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}
