package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/hromada/hromada/api"
	"github.com/hromada/hromada/internal/apitoken"
	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/georeport"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/settlement"
	"github.com/hromada/hromada/internal/source"
	"github.com/hromada/hromada/internal/steptest"
)

// hostileValues are what an outside prober sends in every parameter and field: bytes that are not
// UTF-8, NUL and other control characters, text that a cut by bytes would split in a letter, very long
// text, SQL and markup, bidirectional overrides, numbers too large for any column, impossible dates,
// codes outside the classifier and LIKE wildcards.
var hostileValues = []string{
	// Values no field may take: they are tried on every form first, before an accepted value changes
	// what the forms can do (an appeal forwarded has no more steps).
	"\x00",
	"ab\x00cd",
	"\xff\xfe\xfd",
	"Київ\xd0",
	"\x01\x1b[31m\x7f",
	"inv\u202efdp.exe\u200b",
	strings.Repeat("Я", 300), // over the search limit, under the server's read buffer for a URL
	// Values a field may or may not take.
	strings.Repeat("ї", 40),
	"' OR '1'='1' -- ",
	`"><script>alert(1)</script>`,
	"99999999999999999999999",
	"-1",
	"2024-02-30",
	"99.99",
	`%_\`,
	" ",
}

// rawScript is the markup of one hostile value: a page that shows it unescaped runs it.
const rawScript = "<script>alert(1)</script>"

// TestNoInputGivesAServerError sends every hostile value to every GET parameter and every POST field of
// both areas, as every role and a visitor see them, and demands that nothing answers 5xx and no page
// shows the markup unescaped. The pages and forms are found by crawling the running program, and every
// GET and POST route must have been reached, so a route added later is covered or the test says so.
func TestNoInputGivesAServerError(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls every page with every hostile value")
	}
	// Limits high enough that every form is tried, not refused with 429 after the first few.
	high := "100000/1h"
	s := apptest.Start(t, map[string]string{"HROMADA_LIMIT_CREATE": high, "HROMADA_LIMIT_CREATE_IP": high,
		"HROMADA_LIMIT_SIGN": high, "HROMADA_LIMIT_SIGN_IP": high, "HROMADA_LIMIT_APPEAL": high, "HROMADA_LIMIT_APPEAL_IP": high,
		"HROMADA_LIMIT_API": high, "HROMADA_LIMIT_STATUS": high})
	clients, ids := hostileFixture(t, s)
	cr := &crawler{s: s, seen: map[string]bool{}, forms: map[string]*form{}}
	steptest.Run(t, cr, []steptest.Step[*crawler]{
		{Name: "crawl every page as every visitor", Run: func(t *testing.T, cr *crawler) { crawlAll(cr.on(t), clients, ids) }},
		{Name: "every route is reached", Run: func(t *testing.T, cr *crawler) { checkEveryRouteReached(cr.on(t)) }},
		{Name: "hostile query parameters and path segments", Run: func(t *testing.T, cr *crawler) { sendHostileGets(cr.on(t)) }},
		{Name: "hostile form fields", Run: func(t *testing.T, cr *crawler) { sendHostileFields(cr.on(t)) }},
		{Name: "hostile cells in an imported registry", Run: func(t *testing.T, cr *crawler) { sendHostileImports(cr.on(t)) }},
		{Name: "hostile cells in a hotline's export", Run: func(t *testing.T, cr *crawler) { sendHostileCards(cr.on(t)) }},
		{Name: "hostile file names", Run: func(t *testing.T, cr *crawler) { sendHostileFileNames(cr.on(t)) }},
	})
	t.Logf("%d hostile requests to %d pages and %d forms", cr.requests, len(cr.gets), len(cr.forms))
}

// crawlAll has each visitor crawl what they can reach (a form is tried as the first visitor who found
// it), then adds the parameters and addresses no page links to.
func crawlAll(cr *crawler, clients []*visitor, ids fixtureIDs) {
	for _, c := range clients {
		cr.crawl(c, []string{"/", "/appeals", "/appeals/new", "/appeals/check", "/status", "/petitions", "/petitions/new", "/account/petitions",
			"/account/notices", "/admin/", "/admin/appeals", "/admin/appeals/new", "/admin/import", "/admin/report",
			"/admin/departments/", "/admin/settlements/", "/admin/open311/", "/admin/mail", "/admin/audit", "/admin/staff", "/admin/petitions/",
			"/admin/tokens", "/reception", "/admin/reception"})
	}
	// Parameters that no page links to but programs send.
	extra := map[string][]string{
		"/api/v1/petitions":          {"q", "state", "subject", "sort", "page", "per_page"},
		"/petitions":                 {"q", "state", "subject", "sort", "page"},
		"/petitions.csv":             {"q", "state", "subject"},
		"/statistics":                {"kind", "year", "quarter"},
		"/api/v1/statistics":         {"from", "to"},
		"/api/v1/statistics.csv":     {"from", "to"},
		"/auth/login":                {"next"},
		"/status":                    {"index", "surname"},
		"/auth/callback":             {"code", "state", "error", "error_description"},
		"/notices/unsubscribe":       {"token"},
		"/admin/report.csv":          {"period", "year", "quarter", "month", "from", "to"},
		"/admin/appeals.csv":         {"q", "channel", "status", "type", "subject", "from", "to", "department", "executor", "due_within", "breach", "settlement", "sort", "page"},
		"/admin/audit":               {"action", "person", "from", "to", "page", "q"},
		"/admin/appeals":             {"cursor", "page"},
		"/admin/import/template.csv": {"lang"},
		"/admin/appeals/earlier":     {"last_name", "first_name", "patronymic", "address", "sign"},
		"/api/v1/appeals/changes":    {"after", "limit"}, // without a token: 401 (api/hostile_test.go sends them with one)
	}
	for _, format := range []string{"json", "xml"} { // Open311's list, public (open311/)
		extra["/open311/v2/requests."+format] = []string{"service_request_id", "service_code", "start_date", "end_date", "status", "api_key"}
	}
	for path, params := range extra {
		for _, p := range params {
			cr.addParam(clients[0], path, p)
		}
	}
	addOpen311(cr, clients[len(clients)-1], ids)
	// Addresses no page links to in this fixture (files, the printed reply of an appeal not yet
	// answered, a failed message), reached as the first visitor who may open them.
	admin, citizen, visitor := clients[0], clients[len(clients)-2], clients[len(clients)-1]
	cr.addPath(citizen, fmt.Sprintf("/appeals/%d/attachments/%d", ids.appeal, ids.file))
	// The citizen's side of issue 17: the confirmation, the answer's letter, the rating and sending a draft
	// (the check page has the form only while a draft waits).
	cr.addPath(citizen, fmt.Sprintf("/appeals/%d/registered", ids.appeal))
	cr.addPath(citizen, fmt.Sprintf("/appeals/%d/letters/%d.pdf", ids.answered, ids.letter))
	cr.addForm(&form{client: citizen, method: http.MethodPost, action: fmt.Sprintf("/appeals/%d/rating", ids.answered),
		fields: [][2]string{{"satisfied", "no"}, {"comment", "Відповідь неповна."}}})
	cr.addForm(&form{client: citizen, method: http.MethodPost, action: "/appeals/send"})
	cr.addPath(admin, fmt.Sprintf("/admin/appeals/%d/attachments/%d", ids.appeal, ids.file))
	cr.addPath(admin, fmt.Sprintf("/admin/appeals/%d/print", ids.appeal))
	cr.addPath(admin, fmt.Sprintf("/api/v1/petitions/%d", ids.petition))
	cr.addPath(admin, fmt.Sprintf("/petitions/%d/files/petition", ids.petition))
	cr.addParamValue(visitor, "/notices/unsubscribe", "token", ids.unsubscribe)
	cr.addForm(&form{client: visitor, method: http.MethodPost, action: "/notices/unsubscribe",
		fields: [][2]string{{"token", ids.unsubscribe}}})
	cr.addForm(&form{client: admin, method: http.MethodPost, action: "/admin/mail/999999/retry"})
	cr.addForm(&form{client: admin, method: http.MethodPost, action: "/admin/appeals/views/999999/delete"})
	cr.addForm(&form{client: admin, method: http.MethodPost, action: "/admin/tokens/999999/revoke"})
	cr.addPath(visitor, "/api/v1/openapi.json")
	cr.addPath(visitor, fmt.Sprintf("/api/v1/appeals/%d", ids.appeal))
	for _, g := range cr.sortedGets() {
		cr.t.Logf("GET %s %v", g.path, g.params)
	}
	for _, f := range cr.sortedForms() {
		cr.t.Logf("%s %s %v multipart=%v file=%q (as %s)", f.method, f.action, f.fieldNames(), f.multipart, f.fileField, f.client.name)
	}
}

// checkEveryRouteReached: every GET and POST route of both areas was reached by the crawl or the lists.
func checkEveryRouteReached(cr *crawler) {
	reached := map[string]bool{}
	for _, g := range cr.gets {
		reached["GET "+g.path] = true
	}
	for _, f := range cr.forms {
		reached[f.method+" "+f.action] = true
	}
	for _, r := range cr.s.App.Web.App.GetRoutes(true) {
		if r.Method != http.MethodGet && r.Method != http.MethodPost || r.Path == "/static/*" || r.Path == "/healthz" ||
			r.Path == "/auth/logout" {
			continue
		}
		if r.Method == http.MethodPost && strings.TrimSuffix(r.Path, "/") == api.Prefix {
			continue // a JSON body with a token, not a form: api/hostile_test.go sends it every hostile value
		}
		if !cr.reachedRoute(r.Method, r.Path, reached) {
			cr.t.Errorf("%s %s was not reached: link it from a page or add its parameters to the list", r.Method, r.Path)
		}
	}
}

// sendHostileGets puts each hostile value in each query parameter of each page (the others as the page
// had them), and hostile ids in the path.
func sendHostileGets(cr *crawler) {
	for _, g := range cr.sortedGets() {
		for _, p := range g.params {
			for _, v := range hostileValues {
				q := url.Values{}
				for _, other := range g.params {
					q.Set(other, g.defaults.Get(other))
				}
				q.Set(p, v)
				cr.check(g.client, http.MethodGet, g.path+"?"+q.Encode(), nil, "", fmt.Sprintf("%s param %s", g.path, p))
			}
		}
		for _, seg := range []string{"99999999999999999999999", "-1", "0", "%00", "%ff"} {
			if bad := numberInPath.ReplaceAllString(g.path, "/"+seg); bad != g.path {
				cr.check(g.client, http.MethodGet, bad, nil, "", "path segment "+seg)
			}
		}
	}
}

// sendHostileFields posts each form with one hostile field, value by value, so every form meets the
// values no field may take before an accepted value changes what the forms can do. Forms that change who
// may do what come last.
func sendHostileFields(cr *crawler) {
	forms := cr.sortedForms()
	for _, v := range append(hostileValues, strings.Repeat("Я", 70000)) {
		for _, f := range forms {
			for _, field := range f.fieldNames() {
				values := f.values()
				values.Set(field, v)
				cr.post(f, values, fmt.Sprintf("%s field %s = %.20q", f.action, field, v))
			}
		}
	}
}

// sendHostileImports uploads registry files whose cells are hostile, one column at a time: the import is
// an edge too.
func sendHostileImports(cr *crawler) {
	for _, f := range cr.sortedForms() {
		if f.action != "/admin/import" {
			continue
		}
		for _, col := range registry.ImportColumns {
			for _, v := range hostileValues[:7] {
				cr.postContent(f, f.values(), "registry.csv", hostileCSV(col, v), fmt.Sprintf("import column %s = %.20q", col, v))
			}
		}
	}
}

// sendHostileCards uploads hotline exports whose cells are hostile, one column of the 1545 profile at a
// time, as CSV and with a hostile header.
func sendHostileCards(cr *crawler) {
	for _, f := range cr.sortedForms() {
		if f.action != "/admin/import/cards" {
			continue
		}
		for _, col := range hostileCardColumns {
			for _, v := range hostileValues[:7] {
				cr.postContent(f, f.values(), "cards.csv", hostileCards(col, v), fmt.Sprintf("cards column %s = %.20q", col, v))
			}
		}
		for _, v := range hostileValues[:7] {
			cr.postContent(f, f.values(), "cards.csv", []byte(v+";"+v+"\n1;2\n"), fmt.Sprintf("cards header %.20q", v))
			cr.postContent(f, f.values(), "cards.xlsx", []byte("PK\x03\x04"+v), fmt.Sprintf("cards xlsx %.20q", v))
		}
	}
	cr.s.App.Intake.Wait()
}

// hostileCardColumns are the headers of the shipped 1545 profile a hostile export fills.
var hostileCardColumns = []string{"Номер картки", "Дата реєстрації", "Контрольна дата", "Прізвище", "Ім'я", "По батькові",
	"Адреса", "Телефон", "E-mail", "Категорія", "Соціальний стан", "Текст звернення", "Тематика", "Тип звернення", "Ознака",
	"Терміновість", "Відповідальний"}

// hostileCards is a one-card export of the 1545 contact centre with value in column ("" for none).
func hostileCards(column, value string) []byte {
	day := time.Now().AddDate(0, 0, -1).Format("02.01.2006") + " 09:00"
	row := map[string]string{"Номер картки": "1545-900", "Дата реєстрації": day, "Прізвище": "Коваленко", "Ім'я": "Олена",
		"Адреса": "м. Зразкове, вул. Соборна, 1", "Текст звернення": "Немає гарячої води третій тиждень.", "Тематика": "09",
		"Тип звернення": "Скарга"}
	if column != "" {
		row[column] = value
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = ';'
	_ = w.Write(hostileCardColumns)
	cells := make([]string, len(hostileCardColumns))
	for i, c := range hostileCardColumns {
		cells[i] = row[c]
	}
	_ = w.Write(cells)
	w.Flush()
	return b.Bytes()
}

// sendHostileFileNames sends a file under a hostile name wherever a form takes files.
func sendHostileFileNames(cr *crawler) {
	for _, f := range cr.sortedForms() {
		if !f.multipart || f.fileField == "" {
			continue
		}
		for _, name := range []string{"inv\u202efdp.exe", "a\x00b.pdf", "\xff\xfe.pdf", strings.Repeat("я", 3000) + ".pdf", "../../etc/passwd"} {
			cr.postFile(f, f.values(), name, f.action+" file name")
		}
	}
}

// hostileFixture signs in a citizen and one person per staff role, with an appeal routed to a
// department, a petition waiting for moderation and one collecting signatures, so every page and form
// has something to show. The first client is the administrator (who reaches most), the last a visitor.
func hostileFixture(t *testing.T, s *apptest.Server) ([]*visitor, fixtureIDs) {
	t.Helper()
	ctx := context.Background()
	dept, err := s.App.Departments.Create(ctx, "Відділ з питань благоустрою", "")
	if err != nil {
		t.Fatal(err)
	}
	// A settlement, so its page and the forms that choose one are crawled too.
	if _, err := s.App.Settlements.Create(ctx, settlement.Input{NameUK: "Зразкове", Kind: "city"}); err != nil {
		t.Fatal(err)
	}
	people := []struct{ sub, email, role string }{
		{"dev-staff-admin", "o.lytvynenko@rada.zrazkove.example", identity.RoleAdmin},
		{"dev-staff-head", "v.kravchenko@rada.zrazkove.example", identity.RoleHead},
		{"dev-staff-executor", "t.melnyk@rada.zrazkove.example", identity.RoleExecutor},
		{"dev-staff-registrar", "s.hnatiuk@rada.zrazkove.example", identity.RoleRegistrar},
		{"dev-citizen-andrii", "andrii.kovalenko@mail.example", identity.RoleModerator},
		{"dev-citizen-iryna", "iryna.bondar@mail.example", identity.RoleAnalyst},
		{"dev-citizen-olena", "", ""},
	}
	var out []*visitor
	for _, p := range people {
		c := apptest.Browser(t)
		s.SignIn(t, c, p.sub)
		if p.role != "" {
			person, err := s.App.People.GrantRole(ctx, p.email, p.role, "test")
			if err != nil {
				t.Fatal(err)
			}
			if p.role == identity.RoleExecutor {
				if err := s.App.People.SetDepartment(ctx, s.App.DB, person.ID, dept.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		out = append(out, &visitor{name: p.sub, c: c})
	}
	out = append(out, &visitor{name: "visitor", c: apptest.Browser(t)})

	var ids fixtureIDs
	if err := s.App.DB.Raw("SELECT id FROM persons WHERE email = ?", "olena.shevchenko@mail.example").Scan(&ids.citizen).Error; err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	a, err := s.App.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: registry.ChannelPortal, PersonID: &ids.citizen,
		LastName: "Шевченко", FirstName: "Олена", Address: "м. Зразкове, вул. Соборна, 12", Email: "olena.shevchenko@mail.example",
		Type: "complaint", Summary: "Немає гарячої води третій тиждень.", Consent: true,
		Questions:   []registry.QuestionInput{{SubjectCode: "09", Text: "Гаряча вода"}},
		Attachments: []registry.Upload{{Name: "акт.pdf", Size: int64(len(pdf)), Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(pdf)), nil }}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.App.Registry.Assign(ctx, a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: dept.ID}); err != nil {
		t.Fatal(err)
	}
	// A letter by post waits to be dispatched: the letters', the dispatch list's and the register's pages
	// have something to link to.
	if _, err := s.App.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: "mail", LastName: "Бондар",
		FirstName: "Ірина", Address: "м. Зразкове, вул. Садова, 3", Type: "proposal",
		ReceivedAt: time.Now().AddDate(0, 0, -20), // past the terms to forward or return: those forms ask why
		Summary:    "Пропоную встановити лавки у сквері.", Acknowledge: true,
		Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Лавки"}}}); err != nil {
		t.Fatal(err)
	}
	// An anonymous letter: its card offers leaving it without consideration and taking it under control.
	if _, err := s.App.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: "mail", Nature: registry.NatureAnonymous,
		Type: "complaint", Summary: "Сусіди вночі шумлять, прошу вжити заходів.",
		Questions: []registry.QuestionInput{{SubjectCode: "12", Text: "Шум"}}}); err != nil {
		t.Fatal(err)
	}
	// A hotline's file checked through its profile and waiting for confirmation: the import page links
	// its run, whose page has the confirmation form.
	src, err := s.App.Sources.ByCode(ctx, source.GovHotline)
	if err != nil {
		t.Fatal(err)
	}
	profile, err := s.App.Intake.ForSource(ctx, src.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Intake.Start(ctx, profile.ID, "1545.csv", hostileCards("", ""), s.App.Log); err != nil {
		t.Fatal(err)
	}
	s.App.Intake.Wait()
	admin, err := s.App.People.GrantRole(ctx, "o.lytvynenko@rada.zrazkove.example", identity.RoleAdmin, "test")
	if err != nil {
		t.Fatal(err)
	}
	ids.appeal, ids.file = a.ID, 0
	ids.answered, ids.letter = hostileAnswered(t, s, dept.ID, ids.citizen)
	card, err := s.App.Registry.AppealForStaff(ctx, a.ID)
	if err != nil || len(card.Attachments) == 0 {
		t.Fatalf("the appeal's file: %v", err)
	}
	ids.file = card.Attachments[0].ID
	for i, title := range []string{"Облаштувати велодоріжку на вулиці Соборній", "Відкрити бібліотеку в мікрорайоні Садовому"} {
		p, err := s.App.Petitions.Create(ctx, petition.CreateInput{PersonID: admin.ID, AuthorName: "Литвиненко Оксана Романівна",
			AuthorEmail: "o.lytvynenko@rada.zrazkove.example", Title: title, SubjectCode: "03",
			Text: "Просимо розглянути це питання якнайшвидше, бо воно стосується безпеки і зручності всіх мешканців."})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := s.App.Petitions.Publish(ctx, p.ID, admin.ID, ""); err != nil {
				t.Fatal(err)
			}
			ids.petition = p.ID
		}
	}
	ids.unsubscribe = s.App.Notify.UnsubscribeToken(ids.citizen, "appeal_registered")
	ids.open311Request, ids.open311Key = open311Fixture(t, s)
	receptionFixture(t, s, ids.citizen)
	return out, ids
}

// fixtureIDs name what the fixture made, for addresses no page links to.
type fixtureIDs struct {
	citizen, appeal, file, petition int64
	answered, letter                int64 // the citizen's answered appeal and its answer's letter
	unsubscribe                     string
	open311Request                  int64  // an appeal filed under an Open311 service, with its place
	open311Key                      string // an API token with the scope open311
}

// addOpen311 adds the Open311 area (open311/), which no page links to: its resources in both formats,
// and filing a request with every field the standard and the service's attributes have.
func addOpen311(cr *crawler, v *visitor, ids fixtureIDs) {
	for _, format := range []string{"json", "xml"} {
		for _, path := range []string{"/discovery.", "/services.", "/services/roads.", fmt.Sprintf("/requests/%d.", ids.open311Request)} {
			cr.addPath(v, "/open311/v2"+path+format)
		}
		cr.addForm(&form{client: v, method: http.MethodPost, action: "/open311/v2/requests." + format, fields: [][2]string{
			{"api_key", ids.open311Key}, {"service_code", "roads"}, {"lat", "50.45"}, {"long", "30.52"},
			{"address_string", "м. Зразкове, вул. Соборна, 3"}, {"address_id", ""}, {"email", "olena@mail.example"},
			{"phone", "+380671234567"}, {"device_id", ""}, {"account_id", ""}, {"first_name", "Олена"}, {"last_name", "Коваль"},
			{"attribute[first_name]", ""}, {"attribute[last_name]", ""}, {"attribute[patronymic]", "Петрівна"},
			{"attribute[residence_address]", "м. Зразкове, вул. Миру, 1"},
			{"description", "Не світить ліхтар біля школи вже тиждень."}, {"media_url", "https://app.example/1.jpg"}}})
	}
}

type visitor struct {
	name string
	c    *http.Client
	csrf string
}

// form is a form found on a page, with the values it shows.
type form struct {
	client    *visitor
	method    string // GET or POST
	action    string // the route path, e.g. /admin/appeals/3/assign
	multipart bool
	fileField string
	fields    [][2]string // name, value as the page fills it (one per checkbox, radio or option chosen)
}

func (f *form) values() url.Values {
	v := url.Values{}
	for _, kv := range f.fields {
		if kv[0] != "_csrf" {
			v.Add(kv[0], kv[1])
		}
	}
	return v
}

func (f *form) fieldNames() []string {
	var names []string
	for _, kv := range f.fields {
		if kv[0] != "_csrf" && !slices.Contains(names, kv[0]) {
			names = append(names, kv[0])
		}
	}
	return names
}

// getTarget is a page with the query parameters it reads.
type getTarget struct {
	client   *visitor
	path     string
	params   []string
	defaults url.Values
}

type crawler struct {
	t     *testing.T
	s     *apptest.Server
	seen  map[string]bool
	forms map[string]*form // by method, action and field names
	gets  map[string]*getTarget
	// requests counts what was sent, for the log.
	requests int
}

// numberInPath is a numeric segment of a path: an id.
var numberInPath = regexp.MustCompile(`/[0-9]+(?:/|$)`)

// skipCrawl are links a crawl must not follow: they end the session or leave the site's pages.
func skipCrawl(path string) bool {
	return path == "/auth/logout" || strings.HasPrefix(path, "/auth/") || strings.HasPrefix(path, "/static/")
}

func (cr *crawler) crawl(v *visitor, start []string) {
	queue := append([]string(nil), start...)
	visited := map[string]bool{}
	for len(queue) > 0 && len(visited) < 400 {
		raw := queue[0]
		queue = queue[1:]
		u, err := url.Parse(raw)
		if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") || skipCrawl(u.Path) || visited[u.Path+"?"+u.RawQuery] {
			continue
		}
		// Pages differ by path and by which parameters they carry, not by their values.
		key := u.Path + "?" + strings.Join(sortedKeys(u.Query()), "&")
		if visited[key] {
			continue
		}
		visited[key] = true
		for p := range u.Query() {
			cr.addParamValue(v, u.Path, p, u.Query().Get(p))
		}
		if len(u.Query()) == 0 {
			cr.addPath(v, u.Path)
		}
		res := apptest.Get(cr.t, v.c, cr.s.Path(u.RequestURI()))
		if res.Status >= 500 {
			cr.t.Errorf("%s GET %s: %d", v.name, u.RequestURI(), res.Status)
		}
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || res.Status != http.StatusOK {
			continue
		}
		links, forms := parsePage(cr.t, res.Body)
		if v.csrf == "" {
			if tok := csrfOf(forms); tok != "" {
				v.csrf = tok
			}
		}
		for _, l := range links {
			lu, err := url.Parse(l)
			if err != nil {
				continue
			}
			lu = (&url.URL{Path: u.Path}).ResolveReference(lu)
			if lu.Host == "" && !visited[lu.Path+"?"+strings.Join(sortedKeys(lu.Query()), "&")] {
				queue = append(queue, lu.RequestURI())
			}
		}
		for _, f := range forms {
			f.client = v
			if f.action == "" {
				f.action = u.Path
			}
			if skipCrawl(f.action) {
				continue
			}
			if f.method == http.MethodGet {
				for _, kv := range f.fields {
					cr.addParamValue(v, f.action, kv[0], kv[1])
				}
				continue
			}
			cr.addForm(f)
		}
	}
}

// on points the crawler's reports at the running step.
func (cr *crawler) on(t *testing.T) *crawler {
	cr.t = t
	return cr
}

// addForm keeps a form unless one with the same action and fields is known.
func (cr *crawler) addForm(f *form) {
	names := f.fieldNames()
	sort.Strings(names)
	key := f.method + " " + f.action + " " + strings.Join(names, ",")
	if cr.forms[key] == nil {
		cr.forms[key] = f
	}
}

func (cr *crawler) target(v *visitor, path string) *getTarget {
	if cr.gets == nil {
		cr.gets = map[string]*getTarget{}
	}
	g := cr.gets[path]
	if g == nil {
		g = &getTarget{client: v, path: path, defaults: url.Values{}}
		cr.gets[path] = g
	}
	return g
}

func (cr *crawler) addPath(v *visitor, path string) { cr.target(v, path) }

func (cr *crawler) addParam(v *visitor, path, param string) { cr.addParamValue(v, path, param, "") }

func (cr *crawler) addParamValue(v *visitor, path, param, value string) {
	if param == "" || param == "_csrf" {
		return
	}
	g := cr.target(v, path)
	if !slices.Contains(g.params, param) {
		g.params = append(g.params, param)
		g.defaults.Set(param, value)
	}
}

// reachedRoute says whether a concrete path reached matches the route pattern.
func (cr *crawler) reachedRoute(method, route string, reached map[string]bool) bool {
	pattern := regexp.QuoteMeta(route)
	pattern = regexp.MustCompile(`:[a-z]+(<[^>]*>)?`).ReplaceAllString(strings.ReplaceAll(pattern, `\.`, "."), `[^/]+`)
	pattern = strings.ReplaceAll(pattern, `\*`, ".*")
	re := regexp.MustCompile("^" + strings.TrimSuffix(pattern, "/") + "/?$")
	for k := range reached {
		m, p, _ := strings.Cut(k, " ")
		if m == method && re.MatchString(p) {
			return true
		}
	}
	return false
}

func (cr *crawler) sortedGets() []*getTarget {
	var out []*getTarget
	for _, g := range cr.gets {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// sortedForms puts forms that change roles, departments or sign-in last, so the others run while every
// visitor still has their rights.
func (cr *crawler) sortedForms() []*form {
	var out []*form
	for _, f := range cr.forms {
		out = append(out, f)
	}
	late := func(f *form) bool {
		return strings.Contains(f.action, "/revoke") || strings.Contains(f.action, "/admin/staff") ||
			strings.Contains(f.action, "/active") || strings.Contains(f.action, "/account/sessions")
	}
	sort.SliceStable(out, func(i, j int) bool {
		if late(out[i]) != late(out[j]) {
			return !late(out[i])
		}
		return out[i].action < out[j].action
	})
	return out
}

func (cr *crawler) post(f *form, values url.Values, what string) {
	cr.postFile(f, values, "акт.pdf", what)
}

func (cr *crawler) postFile(f *form, values url.Values, fileName, what string) {
	cr.postContent(f, values, fileName, []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"), what)
}

// hostileCSV is a registry file of one good row with value in column.
func hostileCSV(column, value string) []byte {
	row := map[string]string{"reg_number": "К-5/24", "received_at": "2024-03-04", "channel": "mail", "type": "complaint",
		"nature": "individual", "sign": "primary", "author_name": "Коваленко Олена Петрівна",
		"author_address": "м. Зразкове, вул. Соборна, 1", "subjects": "09", "summary": "Немає гарячої води третій тиждень"}
	row[column] = value
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(registry.ImportColumns)
	cells := make([]string, len(registry.ImportColumns))
	for i, c := range registry.ImportColumns {
		cells[i] = row[c]
	}
	_ = w.Write(cells)
	w.Flush()
	return b.Bytes()
}

func (cr *crawler) postContent(f *form, values url.Values, fileName string, content []byte, what string) {
	values.Set("_csrf", f.client.csrf)
	var body bytes.Buffer
	contentType := "application/x-www-form-urlencoded"
	if f.multipart {
		w := multipart.NewWriter(&body)
		for k, vs := range values {
			for _, v := range vs {
				_ = w.WriteField(k, v)
			}
		}
		if f.fileField != "" {
			part, err := w.CreateFormFile(f.fileField, fileName)
			if err != nil {
				cr.t.Fatal(err)
			}
			part.Write(content)
		}
		w.Close()
		contentType = w.FormDataContentType()
	} else {
		body.WriteString(values.Encode())
	}
	cr.check(f.client, http.MethodPost, f.action, &body, contentType, what)
}

func (cr *crawler) check(v *visitor, method, target string, body *bytes.Buffer, contentType, what string) {
	cr.t.Helper()
	var req *http.Request
	var err error
	if body != nil {
		req, err = http.NewRequest(method, cr.s.Path(target), body)
	} else {
		req, err = http.NewRequest(method, cr.s.Path(target), nil)
	}
	if err != nil {
		// A path the client library itself refuses to send is not a request the server sees.
		return
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	cr.requests++
	res, err := doRequest(v.c, req)
	if err != nil {
		cr.t.Errorf("%s %s %s (%s): %v", v.name, method, shorten(target), what, err)
		return
	}
	if res.Status >= 500 {
		cr.t.Errorf("%s %s %s (%s): %d", v.name, method, shorten(target), what, res.Status)
	}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") && strings.Contains(res.Body, rawScript) {
		cr.t.Errorf("%s %s %s (%s): the page shows markup unescaped", v.name, method, shorten(target), what)
	}
}

// doRequest is apptest.Do without its fatal error: a broken connection is reported with a short address.
func doRequest(c *http.Client, req *http.Request) (apptest.Response, error) {
	res, err := c.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return apptest.Response{}, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return apptest.Response{}, err
	}
	return apptest.Response{Status: res.StatusCode, Header: res.Header, Body: string(body)}, nil
}

func shorten(s string) string {
	if len(s) > 160 {
		return s[:160] + "…"
	}
	return s
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func csrfOf(forms []*form) string {
	for _, f := range forms {
		for _, kv := range f.fields {
			if kv[0] == "_csrf" && kv[1] != "" {
				return kv[1]
			}
		}
	}
	return ""
}

// plausible are values an empty field is filled with, by input type, so that a form is refused only for
// the hostile value under test.
var plausible = map[string]string{
	"":         "Коваленко",
	"text":     "Коваленко",
	"search":   "вода",
	"email":    "olena@mail.example",
	"tel":      "+380501234567",
	"date":     "2024-01-15",
	"number":   "2",
	"textarea": "Прошу відремонтувати дах будинку, бо він протікає вже третій місяць.",
}

// parsePage returns the links and forms of an HTML page.
func parsePage(t *testing.T, body string) (links []string, forms []*form) {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse page: %v", err)
	}
	p := &pageParser{}
	p.walk(doc)
	return p.links, p.forms
}

// pageParser collects a page's links and its forms with the values each field shows.
type pageParser struct {
	links []string
	forms []*form
	cur   *form // the form being read
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == key })
}

func (p *pageParser) walk(n *html.Node) {
	if n.Type == html.ElementNode {
		switch n.Data {
		case "a":
			if h := attrOf(n, "href"); h != "" && !strings.HasPrefix(h, "#") {
				p.links = append(p.links, h)
			}
		case "form":
			p.form(n)
			return
		case "input":
			p.input(n)
		case "textarea":
			text := plausible["textarea"]
			if n.FirstChild != nil && strings.TrimSpace(n.FirstChild.Data) != "" {
				text = n.FirstChild.Data
			}
			p.field(n, text)
		case "select":
			p.field(n, chosenOption(n))
		case "button":
			if p.cur != nil && attrOf(n, "name") != "" && attrOf(n, "type") != "button" {
				// One button sends the form: the last, which is the form's main action.
				p.drop(attrOf(n, "name"))
				p.field(n, attrOf(n, "value"))
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		p.walk(c)
	}
}

func (p *pageParser) form(n *html.Node) {
	action := attrOf(n, "action")
	if u, err := url.Parse(action); err == nil {
		action = u.Path
	}
	p.cur = &form{method: strings.ToUpper(attrOf(n, "method")), action: action,
		multipart: attrOf(n, "enctype") == "multipart/form-data"}
	if p.cur.method == "" {
		p.cur.method = http.MethodGet
	}
	p.forms = append(p.forms, p.cur)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		p.walk(c)
	}
	p.cur = nil
}

// field records a named field of the current form with its value.
func (p *pageParser) field(n *html.Node, value string) {
	if p.cur != nil && attrOf(n, "name") != "" {
		p.cur.fields = append(p.cur.fields, [2]string{attrOf(n, "name"), value})
	}
}

func (p *pageParser) drop(name string) {
	p.cur.fields = slices.DeleteFunc(p.cur.fields, func(kv [2]string) bool { return kv[0] == name })
}

func (p *pageParser) input(n *html.Node) {
	name := attrOf(n, "name")
	if p.cur == nil || name == "" {
		return
	}
	switch typ := attrOf(n, "type"); typ {
	case "file":
		p.cur.fileField = name
	case "checkbox", "radio":
		// Checked, so that the form passes on everything but the hostile field: a radio group keeps the
		// option the page chose, else its first.
		known := slices.ContainsFunc(p.cur.fields, func(kv [2]string) bool { return kv[0] == name })
		if !known || hasAttr(n, "checked") {
			if typ == "radio" {
				p.drop(name)
			}
			p.field(n, attrOf(n, "value"))
		}
	case "submit", "button", "image", "reset":
	default:
		value := attrOf(n, "value")
		if value == "" {
			value = plausible[typ]
		}
		p.field(n, value)
	}
}

// chosenOption is the value of the option a select shows chosen, else its first real one (not "choose…").
func chosenOption(sel *html.Node) string {
	value, first := "", true
	var options func(*html.Node)
	options = func(o *html.Node) {
		for c := o.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.Data == "option" {
				v, selected := attrOf(c, "value"), hasAttr(c, "selected")
				if selected || first && v != "" {
					value = v
					first = first && !selected && v == ""
				}
			}
			options(c)
		}
	}
	options(sel)
	return value
}

// open311Fixture makes an Open311 service, an appeal filed under it with its place, and a token that may
// file more.
func open311Fixture(t *testing.T, s *apptest.Server) (int64, string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.App.Services.Create(ctx, georeport.Input{Code: "roads", SubjectCode: "03", NameUK: "Дороги"}); err != nil {
		t.Fatal(err)
	}
	src, err := s.App.Sources.ByCode(ctx, "1545")
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := s.App.Tokens.Create(ctx, "Міський застосунок", src.ID, []string{apitoken.ScopeOpen311}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	lat, lon := 50.45, 30.52
	a, err := s.App.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: "email", LastName: "Коваль", FirstName: "Олена",
		Address: "м. Зразкове, вул. Миру, 1", Email: "olena@mail.example", Type: "application", ServiceCode: "roads",
		Place:     registry.Place{Latitude: &lat, Longitude: &lon, Address: "м. Зразкове, вул. Соборна, 3"},
		Questions: []registry.QuestionInput{{SubjectCode: "03", Text: "Дороги"}}, Summary: "Яма на дорозі біля школи."})
	if err != nil {
		t.Fatal(err)
	}
	return a.ID, key
}

// hostileAnswered registers an e-appeal of the citizen and has the council answer it, so the citizen's
// page shows the answer, its letter and the rating form; it returns the appeal and the answer's letter.
func hostileAnswered(t *testing.T, s *apptest.Server, dept, citizen int64) (appeal, letter int64) {
	t.Helper()
	ctx := context.Background()
	actor := func(email string) context.Context {
		var id int64
		if err := s.App.DB.Raw("SELECT id FROM persons WHERE email = ?", email).Scan(&id).Error; err != nil || id == 0 {
			t.Fatalf("staff %s: %v", email, err)
		}
		return audit.WithActor(ctx, audit.Actor{PersonID: id, IP: "127.0.0.1"})
	}
	head, executor := actor("v.kravchenko@rada.zrazkove.example"), actor("t.melnyk@rada.zrazkove.example")
	a, err := s.App.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: registry.ChannelPortal, PersonID: &citizen,
		LastName: "Шевченко", FirstName: "Олена", Address: "м. Зразкове, вул. Соборна, 12", Email: "olena.shevchenko@mail.example",
		Type: "application", Summary: "Прошу відремонтувати лавку біля під'їзду.", Consent: true,
		Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Лавка"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.App.Registry.Assign(head, a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: dept}); err != nil {
		t.Fatal(err)
	}
	card, err := s.App.Registry.AppealForStaff(head, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.App.Registry.SubmitReply(executor, a.ID, registry.ReplyInput{DepartmentID: dept, Text: "Лавку відремонтовано.",
		Results: map[int64]string{card.Questions[0].ID: registry.ResultResolved}}); err != nil {
		t.Fatal(err)
	}
	if err := s.App.Registry.ApproveReply(head, a.ID); err != nil {
		t.Fatal(err)
	}
	letters, err := s.App.Registry.LettersToAuthor(ctx, citizen, a.ID)
	if err != nil || len(letters) == 0 {
		t.Fatalf("the answer's letter: %v", err)
	}
	return a.ID, letters[len(letters)-1].ID
}
