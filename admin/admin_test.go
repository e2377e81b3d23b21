package admin_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
)

// staffServer runs Hromada with a citizen, a registrar and an admin signed in, and a few appeals; env
// adds configuration.
func staffServer(t *testing.T, env ...map[string]string) (s *apptest.Server, citizen, registrar, admin *http.Client) {
	t.Helper()
	var vars map[string]string
	if len(env) > 0 {
		vars = env[0]
	}
	s = apptest.Start(t, vars)
	ctx := context.Background()
	citizen, registrar, admin = apptest.Browser(t), apptest.Browser(t), apptest.Browser(t)
	s.SignIn(t, citizen, "dev-citizen-olena")
	s.SignIn(t, registrar, "dev-staff-registrar")
	s.SignIn(t, admin, "dev-staff-admin")
	for _, g := range []struct{ email, role string }{
		{"s.hnatiuk@rada.zrazkove.example", identity.RoleRegistrar},
		{"o.lytvynenko@rada.zrazkove.example", identity.RoleAdmin},
	} {
		if _, err := s.App.People.GrantRole(ctx, g.email, g.role, "test"); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []struct{ last, channel, subject, summary string }{
		{"Коваленко", "phone", "09", "Немає гарячої води третій тиждень."},
		{"=Злам", "phone", "06", "Клітинка, що починається зі знака рівності."},
		{"Бондар", "email", "10", "Прошу поставити на квартирний облік."},
	} {
		_, err := s.App.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: a.channel, LastName: a.last,
			FirstName: "Олена", Address: "м. Зразкове, вул. Соборна, 1", Type: "complaint", Summary: a.summary,
			Questions: []registry.QuestionInput{{SubjectCode: a.subject, Text: "Питання"}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	return s, citizen, registrar, admin
}

func TestStaffRegistryRoles(t *testing.T) {
	s, citizen, registrar, admin := staffServer(t)
	cases := []struct {
		who    *http.Client
		name   string
		path   string
		status int
	}{
		{citizen, "citizen", "/admin/appeals", http.StatusNotFound},
		{citizen, "citizen", "/admin/appeals.csv", http.StatusNotFound},
		{citizen, "citizen", "/admin/departments", http.StatusNotFound},
		{registrar, "registrar", "/admin/appeals", http.StatusOK},
		{registrar, "registrar", "/admin/appeals.csv", http.StatusOK},
		{registrar, "registrar", "/admin/departments", http.StatusForbidden},
		{admin, "admin", "/admin/appeals", http.StatusOK},
		{admin, "admin", "/admin/departments", http.StatusOK},
	}
	for _, tc := range cases {
		if r := apptest.Get(t, tc.who, s.Path(tc.path)); r.Status != tc.status {
			t.Errorf("%s %s: got %d, want %d", tc.name, tc.path, r.Status, tc.status)
		}
	}
	page := apptest.Get(t, registrar, s.Path("/admin"))
	if !strings.Contains(page.Body, `href="/admin/appeals"`) || strings.Contains(page.Body, `href="/admin/departments"`) {
		t.Error("the registrar's dashboard must link the registry and not the departments")
	}
	if r := apptest.PostForm(t, registrar, s.Path("/admin/departments"),
		url.Values{"_csrf": {apptest.CSRF(t, page.Body)}, "name_uk": {"Відділ"}}); r.Status != http.StatusForbidden {
		t.Errorf("a registrar creating a department: %d", r.Status)
	}
	if page := apptest.Get(t, admin, s.Path("/admin")); !strings.Contains(page.Body, `href="/admin/departments"`) {
		t.Error("the admin's dashboard has no link to the departments")
	}
}

func TestDepartmentsPage(t *testing.T) {
	s, _, _, admin := staffServer(t)
	page := apptest.Get(t, admin, s.Path("/admin/departments"))
	form := url.Values{"_csrf": {apptest.CSRF(t, page.Body)}, "name_uk": {"Управління соціального захисту"}, "name_en": {"Social Protection"}}
	r := apptest.PostForm(t, admin, s.Path("/admin/departments"), form)
	if r.Status != http.StatusSeeOther || r.Location != "/admin/departments" {
		t.Fatalf("create: %d %q\n%.1500s", r.Status, r.Location, r.Body)
	}
	page = apptest.Get(t, admin, s.Path("/admin/departments"))
	if !strings.Contains(page.Body, "Управління соціального захисту") || !strings.Contains(page.Body, "Підрозділ додано.") {
		t.Fatalf("the new department is not listed:\n%.3000s", page.Body)
	}

	// The same name again: refused beside the field, with what was typed kept.
	form.Set("name_en", "Social Protection, again")
	r = apptest.PostForm(t, admin, s.Path("/admin/departments"), form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a duplicate: want 422, got %d", r.Status)
	}
	for _, want := range []string{"Підрозділ з такою назвою вже є.", `id="f-name_uk-error"`, `aria-invalid="true"`,
		`value="Управління соціального захисту"`, `value="Social Protection, again"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the refused form lacks %s", want)
		}
	}

	// Made inactive, then active again.
	id := regexp.MustCompile(`action="/admin/departments/(\d+)/active"`).FindStringSubmatch(page.Body)
	if id == nil {
		t.Fatal("no toggle button")
	}
	toggle := func(active string) string {
		r := apptest.PostForm(t, admin, s.Path("/admin/departments/"+id[1]+"/active"),
			url.Values{"_csrf": {apptest.CSRF(t, page.Body)}, "active": {active}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("toggle: %d", r.Status)
		}
		return apptest.Get(t, admin, s.Path("/admin/departments")).Body
	}
	if body := toggle("false"); !strings.Contains(body, "неактивний") || !strings.Contains(body, `name="active" value="true"`) {
		t.Fatal("the department is not shown as inactive")
	}
	if body := toggle("true"); strings.Contains(body, "неактивний") {
		t.Fatal("the department is still inactive")
	}
	if r := apptest.PostForm(t, admin, s.Path("/admin/departments/99999/active"),
		url.Values{"_csrf": {apptest.CSRF(t, page.Body)}, "active": {"true"}}); r.Status != http.StatusNotFound {
		t.Fatalf("a missing department: %d", r.Status)
	}
}

func TestStaffRegistryListAndExport(t *testing.T) {
	s, _, registrar, _ := staffServer(t)
	page := apptest.Get(t, registrar, s.Path("/admin/appeals?q=коваленко"))
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "Коваленко Олена") || strings.Contains(page.Body, "Бондар") {
		t.Fatalf("search:\n%.3000s", page.Body)
	}
	page = apptest.Get(t, registrar, s.Path("/admin/appeals?from=2020-13-01&channel=email"))
	if !strings.Contains(page.Body, "Вкажіть дату як ДД.ММ.РРРР, наприклад 30.11.2026.") || !strings.Contains(page.Body, "Бондар") {
		t.Fatal("a wrong date is not reported, or the rest of the filter is not applied")
	}

	today := time.Now().Format("2006-01-02")
	r := apptest.Get(t, registrar, s.Path("/admin/appeals.csv?channel=phone&to="+today+"&sort=received_asc"))
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(r.Body, "\uFEFF") {
		t.Fatal("the export does not start with a byte-order mark")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "Реєстраційний індекс" {
		t.Fatalf("want the header and two rows, got %q", rows)
	}
	if rows[1][4] != "Коваленко Олена" || rows[2][4] != "'=Злам Олена" || !strings.HasPrefix(rows[2][0], "'=") {
		t.Fatalf("rows: %q", rows[1:])
	}
	if !strings.Contains(rows[1][5], "09 ") || rows[1][2] == "phone" {
		t.Fatalf("subjects and channel by name: %q", rows[1])
	}
	if r := apptest.Get(t, registrar, s.Path("/admin/appeals.csv?due_within=abc")); r.Status != http.StatusBadRequest {
		t.Fatalf("an export with a wrong filter: %d", r.Status)
	}
}
