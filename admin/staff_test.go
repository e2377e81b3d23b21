package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/identity"
)

// personIDOf is the id of the person with the e-mail, from the staff page.
func personIDOf(t *testing.T, page, email string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<tr id="staff-(\d+)">\s*<th[^>]*>[^<]*(?:<span[^>]*>[^<]*</span>)?</th>\s*<td[^>]*>` +
		regexp.QuoteMeta(email) + `</td>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("%s is not listed:\n%.4000s", email, page)
	}
	return m[1]
}

func auditActions(t *testing.T, s *apptest.Server, personID string) []string {
	t.Helper()
	id, err := strconv.ParseInt(personID, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	list, _, err := audit.NewService(s.App.DB).List(t.Context(), audit.Filter{ObjectType: "person", ObjectID: id})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(list) - 1; i >= 0; i-- {
		out = append(out, list[i].Action+" "+list[i].Detail)
	}
	return out
}

func TestStaffPageRoles(t *testing.T) {
	s, citizen, registrar, admin := staffServer(t)
	for _, tc := range []struct {
		who    *http.Client
		name   string
		status int
	}{
		{citizen, "citizen", http.StatusNotFound},
		{registrar, "registrar", http.StatusForbidden},
		{admin, "admin", http.StatusOK},
	} {
		if r := apptest.Get(t, tc.who, s.Path("/admin/staff")); r.Status != tc.status {
			t.Errorf("%s: got %d, want %d", tc.name, r.Status, tc.status)
		}
	}
	// Changes are refused the same way, whatever the form says.
	csrf := apptest.CSRF(t, apptest.Get(t, registrar, s.Path("/admin")).Body)
	for path, v := range map[string]url.Values{
		"/admin/staff":              {"email": {"s.hnatiuk@rada.zrazkove.example"}, "role": {"admin"}},
		"/admin/staff/1/revoke":     {"role": {"admin"}},
		"/admin/staff/1/department": {"department": {""}},
	} {
		v.Set("_csrf", csrf)
		if r := apptest.PostForm(t, registrar, s.Path(path), v); r.Status != http.StatusForbidden {
			t.Errorf("a registrar posting %s: %d", path, r.Status)
		}
	}
	page := apptest.Get(t, admin, s.Path("/admin/staff")).Body
	for _, want := range []string{"Гнатюк Світлана Ігорівна", "s.hnatiuk@rada.zrazkove.example", "реєстратор",
		"Литвиненко Оксана Романівна", "адміністратор", "це ви"} {
		if !strings.Contains(page, want) {
			t.Errorf("the staff page lacks %q", want)
		}
	}
	if strings.Contains(page, "olena.shevchenko@mail.example") {
		t.Error("a citizen is listed as staff")
	}
}

func TestStaffChanges(t *testing.T) {
	s, _, _, admin := staffServer(t)
	executor := apptest.Browser(t)
	s.SignIn(t, executor, "dev-staff-executor")
	dep, err := s.App.Departments.Create(t.Context(), "Управління житлово-комунального господарства", "Housing")
	if err != nil {
		t.Fatal(err)
	}
	closed, err := s.App.Departments.Create(t.Context(), "Ліквідований відділ", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.App.Departments.SetActive(t.Context(), closed.ID, false); err != nil {
		t.Fatal(err)
	}
	page := apptest.Get(t, admin, s.Path("/admin/staff")).Body
	csrf := apptest.CSRF(t, page)
	post := func(path string, v url.Values) apptest.Response {
		v.Set("_csrf", csrf)
		return apptest.PostForm(t, admin, s.Path(path), v)
	}

	// Someone who never signed in: refused beside the field, with what was typed kept.
	r := post("/admin/staff", url.Values{"email": {"nobody@rada.zrazkove.example"}, "role": {"executor"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-email-error"`) ||
		!strings.Contains(r.Body, "Особа з такою адресою ще не входила на портал.") ||
		!strings.Contains(r.Body, `value="nobody@rada.zrazkove.example"`) || !strings.Contains(r.Body, `<option value="executor" selected>`) {
		t.Fatalf("an unknown person: %d\n%.4000s", r.Status, r.Body)
	}
	if r := post("/admin/staff", url.Values{"email": {"t.melnyk@rada.zrazkove.example"}, "role": {"king"}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, `id="f-role-error"`) {
		t.Fatalf("an unknown role: %d", r.Status)
	}

	// Grant: the executor appears, with a note that an executor needs a department.
	r = post("/admin/staff", url.Values{"email": {" T.Melnyk@rada.zrazkove.example "}, "role": {"executor"}})
	if r.Status != http.StatusSeeOther || r.Location != "/admin/staff" {
		t.Fatalf("grant: %d %q\n%.2000s", r.Status, r.Location, r.Body)
	}
	page = apptest.Get(t, admin, s.Path("/admin/staff")).Body
	if !strings.Contains(page, "Роль надано.") || !strings.Contains(page, "Виконавця чи керівника варто призначити") {
		t.Fatalf("after granting:\n%.4000s", page)
	}
	id := personIDOf(t, page, "t.melnyk@rada.zrazkove.example")
	if r := apptest.Get(t, executor, s.Path("/admin")); r.Status != http.StatusOK {
		t.Fatalf("the new executor's dashboard: %d", r.Status)
	}

	// Department: an inactive one and a made-up one are refused beside the row's select, the choice kept.
	for _, bad := range []string{strconv.FormatInt(closed.ID, 10), "99999", "x"} {
		r = post("/admin/staff/"+id+"/department", url.Values{"department": {bad}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="dept-`+id+`-error"`) ||
			!strings.Contains(r.Body, "Оберіть чинний підрозділ зі списку.") {
			t.Fatalf("department %q: %d\n%.3000s", bad, r.Status, r.Body)
		}
	}
	if strings.Contains(page, "Ліквідований відділ") {
		t.Error("an inactive department is offered")
	}
	r = post("/admin/staff/"+id+"/department", url.Values{"department": {strconv.FormatInt(dep.ID, 10)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("set department: %d\n%.2000s", r.Status, r.Body)
	}
	if got, err := s.App.People.DepartmentOf(t.Context(), mustInt(t, id)); err != nil || got != dep.ID {
		t.Fatalf("department stored: %d %v", got, err)
	}
	page = apptest.Get(t, admin, s.Path("/admin/staff")).Body
	if !regexp.MustCompile(`<option value="` + strconv.FormatInt(dep.ID, 10) + `" selected>Управління житлово-комунального господарства`).MatchString(page) {
		t.Fatal("the department is not shown as chosen")
	}

	// Revoke, then the admin's own admin role: refused with the reason.
	if r := post("/admin/staff/"+id+"/revoke", url.Values{"role": {"executor"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.Status)
	}
	if r := apptest.Get(t, executor, s.Path("/admin")); r.Status != http.StatusNotFound {
		t.Fatalf("after revoking, /admin: %d", r.Status)
	}
	adminID := personIDOf(t, page, "o.lytvynenko@rada.zrazkove.example")
	r = post("/admin/staff/"+adminID+"/revoke", url.Values{"role": {"admin"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Власну роль адміністратора забрати не можна") {
		t.Fatalf("revoking one's own admin role: %d\n%.3000s", r.Status, r.Body)
	}
	_, roles, err := s.App.People.PersonWithRoles(t.Context(), mustInt(t, adminID))
	if err != nil || !slices.Contains(roles, identity.RoleAdmin) {
		t.Fatalf("the admin lost the role: %v %v", roles, err)
	}

	want := []string{"staff.grant role=executor by=admin area", "staff.department department=" + strconv.FormatInt(dep.ID, 10) + " was=0",
		"staff.revoke role=executor by=admin area"}
	if got := auditActions(t, s, id); !slices.Equal(got, want) {
		t.Fatalf("audit lines:\n%q\nwant\n%q", got, want)
	}
	list, _, err := audit.NewService(s.App.DB).List(t.Context(), audit.Filter{Action: "staff.", ObjectID: mustInt(t, id)})
	if err != nil || len(list) != 3 || list[0].ActorPersonID == nil || *list[0].ActorPersonID != mustInt(t, adminID) || list[0].IP == "" {
		t.Fatalf("who changed it: %+v %v", list, err)
	}
}

// With HROMADA_OIDC_CLAIM_ROLES set, the development provider's staff identities bring their roles.
func TestRolesFromTheClaim(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_OIDC_CLAIM_ROLES": "roles"})
	registrar, admin := apptest.Browser(t), apptest.Browser(t)
	s.SignIn(t, registrar, "dev-staff-registrar")
	s.SignIn(t, admin, "dev-staff-admin")
	if r := apptest.Get(t, registrar, s.Path("/admin/appeals/new")); r.Status != http.StatusOK {
		t.Fatalf("the registrar from the claim: %d", r.Status)
	}
	if r := apptest.Get(t, registrar, s.Path("/admin/staff")); r.Status != http.StatusForbidden {
		t.Fatalf("the registrar on the staff page: %d", r.Status)
	}
	page := apptest.Get(t, admin, s.Path("/admin/staff")).Body
	if !strings.Contains(page, "від постачальника входу") || !strings.Contains(page, "s.hnatiuk@rada.zrazkove.example") {
		t.Fatalf("claim roles are not marked:\n%.4000s", page)
	}
	// Without the variable the same identities are citizens.
	plain := apptest.Start(t, nil)
	c := apptest.Browser(t)
	plain.SignIn(t, c, "dev-staff-registrar")
	if r := apptest.Get(t, c, plain.Path("/admin/appeals/new")); r.Status != http.StatusNotFound {
		t.Fatalf("roles taken from a claim nobody configured: %d", r.Status)
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
