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
	"github.com/hromada/hromada/internal/steptest"
)

// auditScene is what the steps of TestAuditLog share: the program, a browser for a citizen and for
// each role that may or may not read the log, and the petition the moderator publishes.
type auditScene struct {
	s                                          *apptest.Server
	citizen, registrar, head, moderator, admin *http.Client
	pid                                        string // the petition, waiting for moderation
	modID                                      int64  // the moderator's person id
}

// A moderator's publication and an admin's new department each leave a log line with who and from
// where; an admin reads and filters them at /admin/audit; nobody else reads the log, and no route
// changes or removes a line.
func TestAuditLog(t *testing.T) {
	steptest.Run(t, newAuditScene(t), []steptest.Step[*auditScene]{
		{Name: "each change leaves a line with its actor and address and a refused one none", Run: changesLeaveLines},
		{Name: "only admins read the log", Run: onlyAdminsReadTheLog},
		{Name: "the log page shows the newest first", Run: checkLogPage},
		{Name: "filters and a wrong value beside its field", Run: checkLogFilters},
		{Name: "nothing changes or removes a line", Run: noRouteChangesTheLog},
	})
}

func newAuditScene(t *testing.T) *auditScene {
	t.Helper()
	s := apptest.Start(t, nil)
	ctx := context.Background()
	sc := &auditScene{s: s, citizen: apptest.Browser(t), registrar: apptest.Browser(t), head: apptest.Browser(t),
		moderator: apptest.Browser(t), admin: apptest.Browser(t)}
	for _, u := range []struct {
		c                    *http.Client
		subject, email, role string
	}{
		{sc.citizen, "dev-citizen-olena", "", ""},
		{sc.registrar, "dev-staff-registrar", "s.hnatiuk@rada.zrazkove.example", identity.RoleRegistrar},
		{sc.head, "dev-staff-head", "v.kravchenko@rada.zrazkove.example", identity.RoleHead},
		{sc.moderator, "dev-staff-executor", "t.melnyk@rada.zrazkove.example", identity.RoleModerator},
		{sc.admin, "dev-staff-admin", "o.lytvynenko@rada.zrazkove.example", identity.RoleAdmin},
	} {
		s.SignIn(t, u.c, u.subject)
		if u.role != "" {
			if _, err := s.App.People.GrantRole(ctx, u.email, u.role, "test"); err != nil {
				t.Fatal(err)
			}
		}
	}
	sc.modID = personIDBySubject(t, s, "dev-staff-executor")
	p, err := s.App.Petitions.Create(ctx, petition.CreateInput{PersonID: personIDBySubject(t, s, "dev-citizen-olena"),
		AuthorName: "Шевченко Олена Петрівна", Title: "Лавки в парку Шевченка", SubjectCode: "09",
		Text: "Просимо встановити лавки вздовж головної алеї парку, бо людям похилого віку ніде відпочити."})
	if err != nil {
		t.Fatal(err)
	}
	sc.pid = strconv.FormatInt(p.ID, 10)
	return sc
}

func personIDBySubject(t *testing.T, s *apptest.Server, subject string) int64 {
	t.Helper()
	var id int64
	if err := s.App.DB.Table("persons").Where("subject = ?", subject).Pluck("id", &id).Error; err != nil || id == 0 {
		t.Fatalf("person %s: %d %v", subject, id, err)
	}
	return id
}

// The moderator publishes the petition and the admin adds a department through the staff area; the same
// two again are refused.
func changesLeaveLines(t *testing.T, sc *auditScene) {
	s, moderator, admin := sc.s, sc.moderator, sc.admin
	queue := apptest.Get(t, moderator, s.Path("/admin/petitions"))
	if r := apptest.PostForm(t, moderator, s.Path("/admin/petitions/"+sc.pid+"/publish"),
		url.Values{"_csrf": {apptest.CSRF(t, queue.Body)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("publish: %d\n%.1500s", r.Status, r.Body)
	}
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
	if r := apptest.PostForm(t, moderator, s.Path("/admin/petitions/"+sc.pid+"/publish"),
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
	if *lines[0].ActorPersonID != sc.modID || *lines[1].ActorPersonID != personIDBySubject(t, s, "dev-staff-admin") {
		t.Errorf("actors: %d, %d", *lines[0].ActorPersonID, *lines[1].ActorPersonID)
	}
}

// Only admins read the log: other staff get 403, a citizen 404.
func onlyAdminsReadTheLog(t *testing.T, sc *auditScene) {
	for _, tc := range []struct {
		name   string
		c      *http.Client
		status int
	}{
		{"citizen", sc.citizen, http.StatusNotFound}, {"registrar", sc.registrar, http.StatusForbidden},
		{"head", sc.head, http.StatusForbidden}, {"moderator", sc.moderator, http.StatusForbidden},
		{"admin", sc.admin, http.StatusOK},
	} {
		if r := apptest.Get(t, tc.c, sc.s.Path("/admin/audit")); r.Status != tc.status {
			t.Errorf("%s: /admin/audit %d, want %d", tc.name, r.Status, tc.status)
		}
	}
}

func checkLogPage(t *testing.T, sc *auditScene) {
	log := apptest.Get(t, sc.admin, sc.s.Path("/admin/audit"))
	mustHave(t, "the whole log", log.Body, "Петицію оприлюднено", "Підрозділ додано", "Мельник Тарас Степанович",
		"Литвиненко Оксана Романівна", "127.0.0.1", `href="/admin/petitions/`+sc.pid+`"`, "Лавки в парку Шевченка",
		"Відділ благоустрою", `<th scope="col">`, "<caption>")
	if i, j := strings.Index(log.Body, "Підрозділ додано"), strings.Index(log.Body, "Петицію оприлюднено"); i > j {
		t.Error("the newest line must come first")
	}
	if strings.Contains(log.Body, "audit.") || strings.Contains(log.Body, "<script") {
		t.Error("an untranslated id or a script on the page")
	}
}

// filtered is the log page the admin sees with the query.
func (sc *auditScene) filtered(t *testing.T, q string) string {
	t.Helper()
	r := apptest.Get(t, sc.admin, sc.s.Path("/admin/audit?"+q))
	if r.Status != http.StatusOK {
		t.Fatalf("%s: %d", q, r.Status)
	}
	return r.Body
}

func checkLogFilters(t *testing.T, sc *auditScene) {
	for _, q := range []string{"action=petition.", "actor=" + strconv.FormatInt(sc.modID, 10),
		"object_type=petition&object_id=" + sc.pid, "action=petition.publish"} {
		body := sc.filtered(t, q)
		if !strings.Contains(body, "Петицію оприлюднено") || strings.Contains(body, "Підрозділ додано") {
			t.Errorf("filter %s does not select the publication alone", q)
		}
	}
	if body := sc.filtered(t, "action=department.&from=2000-01-01"); strings.Contains(body, "Петицію оприлюднено") ||
		!strings.Contains(body, "Підрозділ додано") || !strings.Contains(body, `<option value="department." selected>`) {
		t.Error("filter by the department actions")
	}
	if body := sc.filtered(t, "to=2000-01-01"); !strings.Contains(body, "Записів за цим фільтром немає.") {
		t.Error("a period before every line shows lines")
	}
	// A wrong value is reported beside its field, kept in the form, and the rest of the filter still applies.
	body := sc.filtered(t, "from=2024-13-01&object_id=abc&action=petition.")
	mustHave(t, "the refused filter", body, `id="f-from-error"`, "Вкажіть дату як ДД.ММ.РРРР, наприклад 30.11.2026.", `value="2024-13-01"`,
		`id="f-object_id-error"`, `value="abc"`, "Петицію оприлюднено")
	if strings.Contains(body, "Підрозділ додано") {
		t.Error("the valid part of a refused filter is not applied")
	}
}

// The log has one GET route, and other methods on it do nothing.
func noRouteChangesTheLog(t *testing.T, sc *auditScene) {
	s, admin := sc.s, sc.admin
	for _, r := range s.App.Web.App.GetRoutes(true) {
		if strings.HasPrefix(r.Path, "/admin/audit") && r.Method != http.MethodGet && r.Method != http.MethodHead {
			t.Errorf("a %s route on %s", r.Method, r.Path)
		}
	}
	before := auditLineCount(t, s)
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
	if after := auditLineCount(t, s); before != after {
		t.Errorf("the log had %d lines, now %d", before, after)
	}
}

func auditLineCount(t *testing.T, s *apptest.Server) int64 {
	t.Helper()
	var n int64
	if err := s.App.DB.Table("audit_log").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func mustHave(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}
