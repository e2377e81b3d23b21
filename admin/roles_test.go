package admin_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/georeport"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/settlement"
	"github.com/hromada/hromada/internal/source"
	"github.com/hromada/hromada/internal/steptest"
)

// staffRoute is one route of the staff area, an address that reaches it, and the roles it is open to.
type staffRoute struct {
	method, route, path string
	allowed             []string
}

// roleScene is what the steps of TestEveryRoleAgainstEveryAction share: a browser and its CSRF token
// for each role and for a citizen, and every route of the staff area with an address in the fixture.
type roleScene struct {
	s       *apptest.Server
	clients map[string]*http.Client // by role; "citizen" has none
	tokens  map[string]string
	routes  []staffRoute
}

// TestEveryRoleAgainstEveryAction walks each role — and a citizen — through every route of the staff
// area. A citizen gets 404 everywhere (the staff area does not exist for them); a staff member without
// the action's role gets 403; a role that may act is let through (the page answers 200, or the form is
// refused for what it lacks, never for who sent it, and nothing fails with a 5xx). A route added without an entry here fails the test.
func TestEveryRoleAgainstEveryAction(t *testing.T) {
	steptest.Run(t, newRoleScene(t), []steptest.Step[*roleScene]{
		{Name: "every route of the staff area is in the table", Run: everyStaffRouteIsListed},
		{Name: "every role and a citizen on every route", Run: walkEveryRoleAndRoute},
	})
}

func newRoleScene(t *testing.T) *roleScene {
	t.Helper()
	s := apptest.Start(t, nil)
	ctx := context.Background()
	// One person per role; the citizens' test identities stand in for the moderator and the analyst.
	people := []struct{ sub, email, role string }{
		{"dev-citizen-olena", "", ""},
		{"dev-staff-registrar", "s.hnatiuk@rada.zrazkove.example", identity.RoleRegistrar},
		{"dev-staff-executor", "t.melnyk@rada.zrazkove.example", identity.RoleExecutor},
		{"dev-staff-head", "v.kravchenko@rada.zrazkove.example", identity.RoleHead},
		{"dev-citizen-andrii", "andrii.kovalenko@mail.example", identity.RoleModerator},
		{"dev-citizen-iryna", "iryna.bondar@mail.example", identity.RoleAnalyst},
		{"dev-staff-admin", "o.lytvynenko@rada.zrazkove.example", identity.RoleAdmin},
	}
	sc := &roleScene{s: s, clients: map[string]*http.Client{}, tokens: map[string]string{}}
	dept, err := s.App.Departments.Create(ctx, "Відділ з питань благоустрою", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		c := apptest.Browser(t)
		s.SignIn(t, c, p.sub)
		name := p.role
		if name == "" {
			name = "citizen"
		} else {
			person, err := s.App.People.GrantRole(ctx, p.email, p.role, "test")
			if err != nil {
				t.Fatalf("grant %s to %s: %v", p.role, p.email, err)
			}
			if p.role == identity.RoleExecutor {
				if err := s.App.People.SetDepartment(ctx, s.App.DB, person.ID, dept.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		sc.clients[name] = c
		sc.tokens[name] = apptest.CSRF(t, apptest.Get(t, c, s.Path("/")).Body)
	}
	sc.routes = staffRoutes(t, s, dept.ID)
	return sc
}

// staffRoutes makes an appeal routed to the executor's department, with a file, and a petition waiting
// for moderation, and returns every route of the staff area with an address on them.
func staffRoutes(t *testing.T, s *apptest.Server, deptID int64) []staffRoute {
	t.Helper()
	ctx := context.Background()
	a, err := s.App.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: "phone", LastName: "Коваленко",
		FirstName: "Олена", Address: "м. Зразкове, вул. Соборна, 1", Type: "complaint", Summary: "Немає гарячої води третій тиждень.",
		Questions:   []registry.QuestionInput{{SubjectCode: "09", Text: "Гаряча вода"}},
		Attachments: []registry.Upload{pdfUpload("акт.pdf")}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.App.Registry.Assign(ctx, a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: deptID}); err != nil {
		t.Fatal(err)
	}
	card, err := s.App.Registry.AppealForStaff(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	// A letter waiting to be posted: the acknowledgement the author asked for.
	if err := s.App.Registry.Acknowledge(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	letters, err := s.App.Registry.LettersOf(ctx, a.ID)
	if err != nil || len(letters) != 1 {
		t.Fatalf("letters: %v %v", letters, err)
	}
	letter := fmt.Sprintf("%s/letters/%d", fmt.Sprintf("/admin/appeals/%d", a.ID), letters[0].ID)
	author, err := s.App.People.GrantRole(ctx, "o.lytvynenko@rada.zrazkove.example", identity.RoleAdmin, "test")
	if err != nil {
		t.Fatal(err)
	}
	service, err := s.App.Services.Create(ctx, georeport.Input{Code: "roads", SubjectCode: "03", NameUK: "Дороги"})
	if err != nil {
		t.Fatal(err)
	}
	place, err := s.App.Settlements.Create(ctx, settlement.Input{NameUK: "Зелене", Kind: "village"})
	if err != nil {
		t.Fatal(err)
	}
	pet, err := s.App.Petitions.Create(ctx, petition.CreateInput{PersonID: author.ID, AuthorName: "Литвиненко Оксана Романівна",
		Title: "Облаштувати велодоріжку на вулиці Соборній", SubjectCode: "03",
		Text: "Просимо облаштувати безпечну велодоріжку вздовж усієї вулиці Соборної від вокзалу до парку."})
	if err != nil {
		t.Fatal(err)
	}

	// An import profile and a file checked through it (refused: the header lacks the profile's columns).
	src, err := s.App.Sources.ByCode(ctx, source.GovHotline)
	if err != nil {
		t.Fatal(err)
	}
	profile, err := s.App.Intake.ForSource(ctx, src.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	run, err := s.App.Intake.Start(ctx, profile.ID, "cards.csv", []byte("Номер картки\n1545-1\n"), s.App.Log)
	if err != nil {
		t.Fatal(err)
	}
	s.App.Intake.Wait()
	profilePath, runPath := fmt.Sprintf("/admin/import/profiles/%d", profile.ID), fmt.Sprintf("/admin/import/runs/%d", run.ID)

	const (
		registrar, executor, head = identity.RoleRegistrar, identity.RoleExecutor, identity.RoleHead
		moderator, analyst, admin = identity.RoleModerator, identity.RoleAnalyst, identity.RoleAdmin
	)
	appeal := fmt.Sprintf("/admin/appeals/%d", a.ID)
	readers := []string{registrar, executor, head, analyst, admin}
	return append(receptionStaffRoutes(t, s), []staffRoute{
		{"GET", "/admin/", "/admin/", []string{registrar, executor, head, moderator, analyst, admin}},
		{"GET", "/admin/appeals", "/admin/appeals", readers},
		{"GET", "/admin/appeals.csv", "/admin/appeals.csv", readers},
		{"POST", "/admin/appeals/views", "/admin/appeals/views", readers},
		{"POST", "/admin/appeals/views/:id<int>/delete", "/admin/appeals/views/999999/delete", readers}, // no such view: 404 to all
		{"GET", "/admin/appeals/new", "/admin/appeals/new", []string{registrar, admin}},
		{"GET", "/admin/appeals/earlier", "/admin/appeals/earlier?last_name=Коваленко&address=Соборна", []string{registrar, admin}},
		{"POST", "/admin/appeals", "/admin/appeals", []string{registrar, admin}},
		{"GET", "/admin/appeals/:id<int>", appeal, readers},
		{"GET", "/admin/appeals/:id<int>/attachments/:file<int>", fmt.Sprintf("%s/attachments/%d", appeal, card.Attachments[0].ID), readers},
		{"GET", "/admin/appeals/:id<int>/print", appeal + "/print", nil}, // not answered yet: 404 for all, checked below
		{"GET", "/admin/appeals/:id<int>/letters", appeal + "/letters", readers},
		{"GET", "/admin/appeals/:id<int>/letters/:letter<int>", letter, readers},
		{"GET", "/admin/appeals/:id<int>/letters/:letter<int>.pdf", letter + ".pdf", readers},
		{"GET", "/admin/appeals/:id<int>/rkk", appeal + "/rkk", readers},
		{"GET", "/admin/appeals/:id<int>/rkk.pdf", appeal + "/rkk.pdf", readers},
		{"GET", "/admin/appeals/:id<int>/receipt", appeal + "/receipt", readers},
		{"GET", "/admin/dispatch", "/admin/dispatch", []string{registrar, admin}},
		{"GET", "/admin/dispatch/letters.pdf", "/admin/dispatch/letters.pdf", []string{registrar, admin}},
		{"GET", "/admin/dispatch/labels.pdf", "/admin/dispatch/labels.pdf", []string{registrar, admin}},
		{"GET", "/admin/outgoing", "/admin/outgoing", []string{registrar, head, analyst, admin}},
		{"GET", "/admin/outgoing.:format", "/admin/outgoing.xlsx", []string{registrar, head, analyst, admin}},
		{"POST", "/admin/appeals/:id<int>/letters", appeal + "/letters", []string{registrar, head}},
		{"POST", "/admin/dispatch", "/admin/dispatch", []string{registrar, admin}},
		{"POST", "/admin/appeals/:id<int>/reply", appeal + "/reply", []string{executor}},
		{"POST", "/admin/appeals/:id<int>/settlement", appeal + "/settlement", []string{registrar, admin}},
		{"POST", "/admin/appeals/:id<int>/:action", appeal + "/assign", []string{head}},
		{"POST", "/admin/appeals/:id<int>/:action", appeal + "/extend", []string{head}},
		{"POST", "/admin/appeals/:id<int>/:action", appeal + "/forward", []string{head}},
		{"POST", "/admin/appeals/:id<int>/:action", appeal + "/return", []string{head}},
		{"POST", "/admin/appeals/:id<int>/:action", appeal + "/leave", []string{head}},
		{"POST", "/admin/appeals/:id<int>/:action", appeal + "/approve", []string{head}},
		{"POST", "/admin/appeals/:id<int>/:action", appeal + "/send_back", []string{head}},
		{"POST", "/admin/appeals/:id<int>/:action", appeal + "/control", []string{head}},
		{"POST", "/admin/appeals/:id<int>/sign", appeal + "/sign", []string{registrar, head}},
		{"POST", "/admin/appeals/:id<int>/anonymous", appeal + "/anonymous", []string{registrar, head}},
		{"GET", "/admin/import", "/admin/import", []string{registrar, admin}},
		{"POST", "/admin/import", "/admin/import", []string{registrar, admin}},
		{"GET", "/admin/import/template.csv", "/admin/import/template.csv", []string{registrar, admin}},
		{"POST", "/admin/import/cards", "/admin/import/cards", []string{registrar, admin}},
		{"GET", "/admin/import/runs/:id<int>", runPath, []string{registrar, admin}},
		{"POST", "/admin/import/runs/:id<int>", runPath, []string{registrar, admin}},
		{"GET", "/admin/import/profiles/new", "/admin/import/profiles/new", []string{registrar, admin}},
		{"POST", "/admin/import/profiles", "/admin/import/profiles", []string{registrar, admin}},
		{"GET", "/admin/import/profiles/:id<int>", profilePath, []string{registrar, admin}},
		{"POST", "/admin/import/profiles/:id<int>", profilePath, []string{registrar, admin}},
		{"GET", "/admin/import/results.:format", fmt.Sprintf("/admin/import/results.xlsx?profile=%d&from=2024-01-01&to=2024-03-31", profile.ID), []string{registrar, admin}},
		{"GET", "/admin/petitions/", "/admin/petitions/", []string{moderator, head}},
		{"GET", "/admin/petitions/:id<int>", fmt.Sprintf("/admin/petitions/%d", pet.ID), []string{moderator, head}},
		{"POST", "/admin/petitions/:id<int>/:action", fmt.Sprintf("/admin/petitions/%d/reject", pet.ID), []string{moderator, head}},
		{"GET", "/admin/report", "/admin/report", []string{analyst, admin}},
		{"GET", "/admin/report.:format", "/admin/report.csv", []string{analyst, admin}},
		{"POST", "/admin/report/texts", "/admin/report/texts", []string{analyst, admin}},
		{"GET", "/admin/departments/", "/admin/departments/", []string{admin}},
		{"POST", "/admin/departments/", "/admin/departments/", []string{admin}},
		{"POST", "/admin/departments/:id<int>/active", fmt.Sprintf("/admin/departments/%d/active", deptID), []string{admin}},
		{"GET", "/admin/settlements/", "/admin/settlements/", []string{admin}},
		{"POST", "/admin/settlements/", "/admin/settlements/", []string{admin}},
		{"GET", "/admin/settlements/:id<int>", fmt.Sprintf("/admin/settlements/%d", place.ID), []string{admin}},
		{"POST", "/admin/settlements/:id<int>", fmt.Sprintf("/admin/settlements/%d", place.ID), []string{admin}},
		{"POST", "/admin/settlements/:id<int>/active", fmt.Sprintf("/admin/settlements/%d/active", place.ID), []string{admin}},
		{"GET", "/admin/open311/", "/admin/open311/", []string{admin}},
		{"POST", "/admin/open311/", "/admin/open311/", []string{admin}},
		{"GET", "/admin/open311/:id<int>", fmt.Sprintf("/admin/open311/%d", service.ID), []string{admin}},
		{"POST", "/admin/open311/:id<int>", fmt.Sprintf("/admin/open311/%d", service.ID), []string{admin}},
		{"POST", "/admin/open311/:id<int>/active", fmt.Sprintf("/admin/open311/%d/active", service.ID), []string{admin}},
		{"GET", "/admin/mail", "/admin/mail", []string{admin}},
		{"POST", "/admin/mail/:id<int>/retry", "/admin/mail/999999/retry", []string{admin}},
		{"GET", "/admin/audit", "/admin/audit", []string{admin}},
		{"GET", "/admin/tokens", "/admin/tokens", []string{admin}},
		{"POST", "/admin/tokens", "/admin/tokens", []string{admin}},
		{"POST", "/admin/tokens/:id<int>/revoke", "/admin/tokens/999999/revoke", []string{admin}},
		{"GET", "/admin/staff", "/admin/staff", []string{admin}},
		{"POST", "/admin/staff", "/admin/staff", []string{admin}},
		{"POST", "/admin/staff/:id<int>/revoke", fmt.Sprintf("/admin/staff/%d/revoke", author.ID), []string{admin}},
		{"POST", "/admin/staff/:id<int>/department", fmt.Sprintf("/admin/staff/%d/department", author.ID), []string{admin}},
	}...)
}

func everyStaffRouteIsListed(t *testing.T, sc *roleScene) {
	covered := map[string]bool{}
	for _, r := range sc.routes {
		covered[r.method+" "+r.route] = true
	}
	for _, r := range sc.s.App.Web.App.GetRoutes(true) {
		if (r.Method == "GET" || r.Method == "POST") && strings.HasPrefix(r.Path, "/admin") && !covered[r.Method+" "+r.Path] {
			t.Errorf("%s %s is not walked by this test: add it with the roles allowed", r.Method, r.Path)
		}
	}
}

func walkEveryRoleAndRoute(t *testing.T, sc *roleScene) {
	for _, r := range sc.routes {
		for name, c := range sc.clients {
			var res apptest.Response
			if r.method == "GET" {
				res = apptest.Get(t, c, sc.s.Path(r.path))
			} else {
				// An empty form: enough to meet the role check, refused later for its content.
				res = apptest.PostForm(t, c, sc.s.Path(r.path), url.Values{"_csrf": {sc.tokens[name]}})
			}
			checkRoleAnswer(t, name, r, res)
		}
	}
}

// checkRoleAnswer checks what the route answered to the role (or the citizen).
func checkRoleAnswer(t *testing.T, name string, r staffRoute, res apptest.Response) {
	t.Helper()
	switch {
	case name == "citizen":
		if res.Status != http.StatusNotFound {
			t.Errorf("citizen %s %s: %d, want 404", r.method, r.path, res.Status)
		}
	case r.allowed == nil:
		if res.Status != http.StatusNotFound && res.Status != http.StatusForbidden {
			t.Errorf("%s %s %s: %d, want 404 (nothing to print) or 403", name, r.method, r.path, res.Status)
		}
	case slices.Contains(r.allowed, name):
		// A page opens; a step's empty form is refused for its content, never for who sent it.
		ok := res.Status == http.StatusOK
		if r.method == "POST" {
			ok = res.Status < 500 && res.Status != http.StatusForbidden &&
				(res.Status != http.StatusNotFound || strings.Contains(r.path, "999999"))
		}
		if !ok {
			t.Errorf("%s %s %s: %d, want the action to be open to the role", name, r.method, r.path, res.Status)
		}
	default:
		if res.Status != http.StatusForbidden {
			t.Errorf("%s %s %s: %d, want 403", name, r.method, r.path, res.Status)
		}
	}
}

// pdfUpload is a small PDF as a form would send it.
func pdfUpload(name string) registry.Upload {
	data := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	return registry.Upload{Name: name, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}
