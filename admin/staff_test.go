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
	"github.com/hromada/hromada/internal/steptest"
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

// staffScene is what the steps of TestStaffChanges share: the admin's browser on the staff page, the
// executor-to-be, and the departments to choose from.
type staffScene struct {
	s               *apptest.Server
	admin, executor *http.Client
	dep, closed     int64  // an active department and an inactive one
	page, csrf      string // the staff page as the admin last saw it, and the admin's CSRF token
	id, adminID     string // the person ids of the executor and of the admin
}

// An admin grants a role, places the person in a department and revokes the role; what cannot be
// done is refused beside its field, and every change is in the audit log with who made it.
func TestStaffChanges(t *testing.T) {
	steptest.Run(t, newStaffScene(t), []steptest.Step[*staffScene]{
		{Name: "someone who never signed in and an unknown role are refused", Run: refuseUnknownPersonAndRole},
		{Name: "grant the executor role", Run: grantExecutor},
		{Name: "place the executor in an active department only", Run: placeInDepartment},
		{Name: "revoke but not the admin's own admin role", Run: revokeRoles},
		{Name: "the audit log names each change and who made it", Run: checkStaffAudit},
	})
}

func newStaffScene(t *testing.T) *staffScene {
	t.Helper()
	// Roles here come from the admin area only: the development provider's claim would grant them first.
	s, _, _, admin := staffServer(t, map[string]string{"HROMADA_OIDC_CLAIM_ROLES": "none"})
	sc := &staffScene{s: s, admin: admin, executor: apptest.Browser(t)}
	s.SignIn(t, sc.executor, "dev-staff-executor")
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
	sc.dep, sc.closed = dep.ID, closed.ID
	sc.page = apptest.Get(t, admin, s.Path("/admin/staff")).Body
	sc.csrf = apptest.CSRF(t, sc.page)
	return sc
}

// post sends a form of the staff page as the admin.
func (sc *staffScene) post(t *testing.T, path string, v url.Values) apptest.Response {
	t.Helper()
	v.Set("_csrf", sc.csrf)
	return apptest.PostForm(t, sc.admin, sc.s.Path(path), v)
}

// Someone who never signed in: refused beside the field, with what was typed kept.
func refuseUnknownPersonAndRole(t *testing.T, sc *staffScene) {
	r := sc.post(t, "/admin/staff", url.Values{"email": {"nobody@rada.zrazkove.example"}, "role": {"executor"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-email-error"`) ||
		!strings.Contains(r.Body, "Особа з такою адресою ще не входила на портал.") ||
		!strings.Contains(r.Body, `value="nobody@rada.zrazkove.example"`) || !strings.Contains(r.Body, `<option value="executor" selected>`) {
		t.Fatalf("an unknown person: %d\n%.4000s", r.Status, r.Body)
	}
	if r := sc.post(t, "/admin/staff", url.Values{"email": {"t.melnyk@rada.zrazkove.example"}, "role": {"king"}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, `id="f-role-error"`) {
		t.Fatalf("an unknown role: %d", r.Status)
	}
}

// Grant: the executor appears, with a note that an executor needs a department.
func grantExecutor(t *testing.T, sc *staffScene) {
	s := sc.s
	r := sc.post(t, "/admin/staff", url.Values{"email": {" T.Melnyk@rada.zrazkove.example "}, "role": {"executor"}})
	if r.Status != http.StatusSeeOther || r.Location != "/admin/staff" {
		t.Fatalf("grant: %d %q\n%.2000s", r.Status, r.Location, r.Body)
	}
	sc.page = apptest.Get(t, sc.admin, s.Path("/admin/staff")).Body
	if !strings.Contains(sc.page, "Роль надано.") || !strings.Contains(sc.page, "Виконавця чи керівника варто призначити") {
		t.Fatalf("after granting:\n%.4000s", sc.page)
	}
	sc.id = personIDOf(t, sc.page, "t.melnyk@rada.zrazkove.example")
	if r := apptest.Get(t, sc.executor, s.Path("/admin")); r.Status != http.StatusOK {
		t.Fatalf("the new executor's dashboard: %d", r.Status)
	}
}

// Department: an inactive one and a made-up one are refused beside the row's select, the choice kept.
func placeInDepartment(t *testing.T, sc *staffScene) {
	s, id := sc.s, sc.id
	for _, bad := range []string{strconv.FormatInt(sc.closed, 10), "99999", "x"} {
		r := sc.post(t, "/admin/staff/"+id+"/department", url.Values{"department": {bad}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="dept-`+id+`-error"`) ||
			!strings.Contains(r.Body, "Оберіть чинний підрозділ зі списку.") {
			t.Fatalf("department %q: %d\n%.3000s", bad, r.Status, r.Body)
		}
	}
	if strings.Contains(sc.page, "Ліквідований відділ") {
		t.Error("an inactive department is offered")
	}
	r := sc.post(t, "/admin/staff/"+id+"/department", url.Values{"department": {strconv.FormatInt(sc.dep, 10)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("set department: %d\n%.2000s", r.Status, r.Body)
	}
	if got, err := s.App.People.DepartmentOf(t.Context(), mustInt(t, id)); err != nil || got != sc.dep {
		t.Fatalf("department stored: %d %v", got, err)
	}
	sc.page = apptest.Get(t, sc.admin, s.Path("/admin/staff")).Body
	if !regexp.MustCompile(`<option value="` + strconv.FormatInt(sc.dep, 10) + `" selected>Управління житлово-комунального господарства`).MatchString(sc.page) {
		t.Fatal("the department is not shown as chosen")
	}
}

// Revoke, then the admin's own admin role: refused with the reason.
func revokeRoles(t *testing.T, sc *staffScene) {
	s := sc.s
	if r := sc.post(t, "/admin/staff/"+sc.id+"/revoke", url.Values{"role": {"executor"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.Status)
	}
	if r := apptest.Get(t, sc.executor, s.Path("/admin")); r.Status != http.StatusNotFound {
		t.Fatalf("after revoking, /admin: %d", r.Status)
	}
	sc.adminID = personIDOf(t, sc.page, "o.lytvynenko@rada.zrazkove.example")
	r := sc.post(t, "/admin/staff/"+sc.adminID+"/revoke", url.Values{"role": {"admin"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Власну роль адміністратора забрати не можна") {
		t.Fatalf("revoking one's own admin role: %d\n%.3000s", r.Status, r.Body)
	}
	_, roles, err := s.App.People.PersonWithRoles(t.Context(), mustInt(t, sc.adminID))
	if err != nil || !slices.Contains(roles, identity.RoleAdmin) {
		t.Fatalf("the admin lost the role: %v %v", roles, err)
	}
}

func checkStaffAudit(t *testing.T, sc *staffScene) {
	want := []string{"staff.grant role=executor by=admin area", "staff.department department=" + strconv.FormatInt(sc.dep, 10) + " was=0",
		"staff.revoke role=executor by=admin area"}
	if got := auditActions(t, sc.s, sc.id); !slices.Equal(got, want) {
		t.Fatalf("audit lines:\n%q\nwant\n%q", got, want)
	}
	list, _, err := audit.NewService(sc.s.App.DB).List(t.Context(), audit.Filter{Action: "staff.", ObjectID: mustInt(t, sc.id)})
	if err != nil || len(list) != 3 || list[0].ActorPersonID == nil || *list[0].ActorPersonID != mustInt(t, sc.adminID) || list[0].IP == "" {
		t.Fatalf("who changed it: %+v %v", list, err)
	}
}

// Staff from the first minute: with no configuration, the development provider's staff identities bring
// their roles in the "roles" claim (as HROMADA_OIDC_CLAIM_ROLES=roles does with any provider).
func TestRolesFromTheClaim(t *testing.T) {
	s := apptest.Start(t, nil)
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
	// With the claim switched off the same identities are citizens.
	plain := apptest.Start(t, map[string]string{"HROMADA_OIDC_CLAIM_ROLES": "none"})
	c := apptest.Browser(t)
	plain.SignIn(t, c, "dev-staff-registrar")
	if r := apptest.Get(t, c, plain.Path("/admin/appeals/new")); r.Status != http.StatusNotFound {
		t.Fatalf("roles taken from a claim switched off: %d", r.Status)
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
