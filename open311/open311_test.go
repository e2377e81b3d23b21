package open311_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/apitoken"
	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/georeport"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/settlement"
	"github.com/hromada/hromada/internal/steptest"
)

// scene is what the steps of TestGeoReportClient share: the running program, the client, the council's
// staff and what was filed.
type scene struct {
	s                *apptest.Server
	c                *geoClient
	head, executor   int64
	department       int64
	village          int64
	filed            string // the request's id
	noScope, revoked string // tokens that may not file
}

// A client written from the GeoReport v2 specification discovers the endpoint, lists the services,
// reads a definition, files a request with its api_key, finds it by id and in the list, and — once
// staff answer it through the registry's workflow — sees it closed with the answer's notes. Nothing
// personal is ever shown, and no input gives a 5xx. On both databases.
func TestGeoReportClient(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_LIMIT_API": "100000/1h"})
	sc := &scene{s: s}
	setupScene(t, sc)
	steptest.Run(t, sc, []steptest.Step[*scene]{
		{Name: "discovery names the endpoint and its formats", Run: discover},
		{Name: "the services and their definitions", Run: listServices},
		{Name: "filing needs a live api_key with the scope", Run: refuseWithoutKey},
		{Name: "a request missing what the law requires is refused, located", Run: refuseIncomplete},
		{Name: "a request is filed and becomes an appeal with its place", Run: fileRequest},
		{Name: "the request is found by id and in the list, public fields only", Run: findRequest},
		{Name: "staff answer it: closed, with the answer's notes", Run: answerRequest},
		{Name: "the list's filters", Run: filterRequests},
		{Name: "hostile values in every field give no 5xx", Run: hostileFields},
	})
}

func ctxAs(person int64) context.Context {
	return audit.WithActor(context.Background(), audit.Actor{PersonID: person, IP: "198.51.100.7"})
}

func setupScene(t *testing.T, sc *scene) {
	a, ctx := sc.s.App, context.Background()
	for _, in := range []georeport.Input{
		{Code: "roads-potholes", SubjectCode: "03", NameUK: "Ями на дорозі", NameEN: "Potholes", GroupUK: "Дороги", GroupEN: "Roads", Position: 1},
		{Code: "lighting", SubjectCode: "09", NameUK: "Вуличне освітлення", NameEN: "Street lighting", GroupUK: "Благоустрій", Position: 2},
		{Code: "old", SubjectCode: "09", NameUK: "Вимкнена послуга", Position: 3},
	} {
		svc, err := a.Services.Create(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if in.Code == "old" {
			if err := a.Services.SetActive(ctx, svc.ID, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	st, err := a.Settlements.Create(ctx, settlement.Input{NameUK: "Зелене", NameEN: "Zelene", Kind: "village"})
	if err != nil {
		t.Fatal(err)
	}
	sc.village = st.ID
	src, err := a.Sources.Create(ctx, "city-app", "Міський застосунок", "City app", "email")
	if err != nil {
		t.Fatal(err)
	}
	key := func(scopes ...string) (string, *apitoken.Token) {
		plain, tok, err := a.Tokens.Create(ctx, "Застосунок", src.ID, scopes, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return plain, tok
	}
	good, _ := key(apitoken.ScopeOpen311)
	sc.noScope, _ = key(apitoken.ScopeAppealsRead)
	var tok *apitoken.Token
	sc.revoked, tok = key(apitoken.ScopeOpen311)
	if err := a.Tokens.Revoke(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	dep, err := a.Departments.Create(ctx, "Управління дорожнього господарства", "")
	if err != nil {
		t.Fatal(err)
	}
	sc.department = dep.ID
	for i, role := range []string{identity.RoleHead, identity.RoleExecutor} {
		email := fmt.Sprintf("staff%d@rada.example", i)
		p, err := a.People.SignIn(ctx, identity.Claims{Issuer: "i", Subject: email, TaxID: fmt.Sprintf("%010d", 3000000000+i),
			LastName: "Працівник", GivenName: fmt.Sprint(i), Email: email, EmailVerified: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.People.GrantRole(ctx, email, role, "test"); err != nil {
			t.Fatal(err)
		}
		if role == identity.RoleExecutor {
			if err := a.People.SetDepartment(ctx, a.DB, p.ID, dep.ID); err != nil {
				t.Fatal(err)
			}
			sc.executor = p.ID
		} else {
			sc.head = p.ID
		}
	}
	d := (&geoClient{t: t, base: sc.s.Path("/open311/v2"), http: http.DefaultClient})
	sc.c = &geoClient{t: t, base: d.base, apiKey: good, http: http.DefaultClient}
}

func discover(t *testing.T, sc *scene) {
	sc.c.t = t
	for _, format := range []string{"json", "xml"} {
		d := sc.c.discovery(format)
		if len(d.Endpoints) != 1 {
			t.Fatalf("%s endpoints: %+v", format, d.Endpoints)
		}
		e := d.Endpoints[0]
		if e.Specification != "http://wiki.open311.org/GeoReport_v2" || e.URL != sc.c.base ||
			!slices.Contains(e.Formats, "application/json") || !slices.Contains(e.Formats, "text/xml") || d.Contact == "" {
			t.Errorf("%s discovery: %+v", format, d)
		}
		if _, err := time.Parse(time.RFC3339, d.Changeset); err != nil {
			t.Errorf("changeset %q: %v", d.Changeset, err)
		}
	}
}

func listServices(t *testing.T, sc *scene) {
	sc.c.t = t
	list := sc.c.services()
	if len(list) != 2 || list[0].ServiceCode != "roads-potholes" || list[1].ServiceCode != "lighting" {
		t.Fatalf("services (the switched-off one is not listed): %+v", list)
	}
	if s := list[0]; s.ServiceName != "Ями на дорозі" || s.Group != "Дороги" || !s.Metadata || s.Type != "realtime" {
		t.Errorf("a service: %+v", s)
	}
	if x := sc.c.servicesXML(); len(x) != 2 || x[0] != list[0] || x[1] != list[1] {
		t.Errorf("services in XML: %+v, in JSON %+v", x, list)
	}
	def := sc.c.definition("roads-potholes")
	required := map[string]bool{}
	for _, a := range def.Attributes {
		required[a.Code] = a.Required
		if !a.Variable || a.Datatype != "string" || a.Description == "" || a.Order == 0 {
			t.Errorf("an attribute: %+v", a)
		}
	}
	want := map[string]bool{"last_name": true, "first_name": true, "patronymic": false, "residence_address": true}
	if fmt.Sprint(required) != fmt.Sprint(want) || def.ServiceCode != "roads-potholes" {
		t.Errorf("the attributes Art. 5 requires: %v, want %v", required, want)
	}
	for _, code := range []string{"old", "nothing", "%D0"} {
		r := sc.c.do(http.MethodGet, "/services/"+code+".json", nil, nil)
		if errs := sc.c.errorsOf(r); r.Status != http.StatusNotFound || len(errs) != 1 || errs[0].Code != 404 || errs[0].Description == "" {
			t.Errorf("service %q: %d %s", code, r.Status, r.Body)
		}
	}
	if r := sc.c.do(http.MethodGet, "/services.csv", nil, nil); r.Status != http.StatusNotFound {
		t.Errorf("a format not served: %d", r.Status)
	}
}

// validRequest is a request that holds what the law requires, placed in the village.
func validRequest() url.Values {
	return url.Values{
		"service_code":                 {"roads-potholes"},
		"lat":                          {"50.4501"},
		"long":                         {"30.5234"},
		"address_string":               {"с. Зелене, вул. Шкільна, біля будинку 5"},
		"email":                        {"olena.koval@example.org"},
		"phone":                        {"+380 67 123 45 67"},
		"first_name":                   {"Олена"},
		"last_name":                    {"Коваль"},
		"attribute[patronymic]":        {"Петрівна"},
		"attribute[residence_address]": {"м. Зразкове, вул. Соборна, 12, кв. 3"},
		"description":                  {"Глибока яма на проїжджій частині, машини її об'їжджають зустрічною смугою."},
		"media_url":                    {"https://app.example/photos/1.jpg"},
		"account_id":                   {"app-user-77"},
	}
}

func refuseWithoutKey(t *testing.T, sc *scene) {
	sc.c.t = t
	for name, key := range map[string]string{"none": "", "unknown": "hrm_" + strings.Repeat("x", 43),
		"revoked": sc.revoked, "without the scope": sc.noScope} {
		c := *sc.c
		c.apiKey = key
		_, errs, status := c.post("json", validRequest())
		want := http.StatusUnauthorized
		if name == "without the scope" {
			want = http.StatusForbidden
		}
		if status != want || len(errs) != 1 || errs[0].Code != want {
			t.Errorf("api_key %s: %d %+v, want %d", name, status, errs, want)
		}
	}
	// The XML variant answers its errors in XML.
	c := *sc.c
	c.apiKey = ""
	if _, errs, status := c.post("xml", validRequest()); status != http.StatusUnauthorized || len(errs) != 1 {
		t.Errorf("XML without a key: %d %+v", status, errs)
	}
}

func refuseIncomplete(t *testing.T, sc *scene) {
	sc.c.t = t
	cases := map[string]struct {
		drop  []string
		set   map[string]string
		param string // a parameter the errors must name
		code  int
	}{
		"no surname":           {drop: []string{"last_name"}, param: "attribute[last_name]", code: 400},
		"no residence":         {drop: []string{"attribute[residence_address]"}, param: "attribute[residence_address]", code: 400},
		"no place":             {drop: []string{"lat", "long", "address_string"}, param: "lat", code: 400},
		"half a point":         {drop: []string{"long", "address_string"}, param: "lat, long", code: 400},
		"off the Earth":        {set: map[string]string{"lat": "91"}, param: "lat, long", code: 400},
		"no contact":           {drop: []string{"email", "phone"}, param: "email", code: 400},
		"no description":       {drop: []string{"description"}, param: "description", code: 400},
		"a digit in a name":    {set: map[string]string{"first_name": "Олена2"}, param: "attribute[first_name]", code: 400},
		"a bad e-mail":         {set: map[string]string{"email": "not an e-mail"}, param: "email", code: 400},
		"no service":           {drop: []string{"service_code"}, param: "service_code", code: 400},
		"an unknown service":   {set: map[string]string{"service_code": "nothing"}, code: 404},
		"a switched-off one":   {set: map[string]string{"service_code": "old"}, code: 404},
		"a media_url not http": {set: map[string]string{"media_url": "javascript:alert(1)"}, param: "media_url", code: 400},
	}
	for name, cs := range cases {
		v := validRequest()
		for _, k := range cs.drop {
			v.Del(k)
		}
		for k, val := range cs.set {
			v.Set(k, val)
		}
		_, errs, status := sc.c.post("json", v)
		named := cs.param == ""
		for _, e := range errs {
			if e.Code != cs.code {
				t.Errorf("%s: error code %d in a %d", name, e.Code, status)
			}
			named = named || strings.HasPrefix(e.Description, cs.param+":")
		}
		if status != cs.code || len(errs) == 0 || !named {
			t.Errorf("%s: %d %+v, want %d naming %s", name, status, errs, cs.code, cs.param)
		}
	}
	var n int64
	if err := sc.s.App.DB.Table("appeals").Count(&n).Error; err != nil || n != 0 {
		t.Errorf("refused requests left %d appeals (%v)", n, err)
	}
}

func fileRequest(t *testing.T, sc *scene) {
	sc.c.t = t
	created, errs, status := sc.c.post("json", validRequest())
	if status != http.StatusOK || len(created) != 1 || created[0].ServiceRequestID == "" || created[0].AccountID != "app-user-77" ||
		!strings.Contains(created[0].ServiceNotice, "№") {
		t.Fatalf("filed: %d %+v %+v", status, created, errs)
	}
	sc.filed = created[0].ServiceRequestID
	var id int64
	fmt.Sscan(sc.filed, &id)
	a, err := sc.s.App.Registry.AppealForStaff(ctxAs(sc.head), id)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case a.Channel != "email" || a.Type != registry.TypeApplication || a.ServiceCode != "roads-potholes":
		t.Errorf("the appeal's channel, type, service: %s %s %s", a.Channel, a.Type, a.ServiceCode)
	case a.AuthorLastName != "Коваль" || a.AuthorFirstName != "Олена" || a.AuthorPatronymic != "Петрівна" ||
		a.AuthorAddress != "м. Зразкове, вул. Соборна, 12, кв. 3" || a.AuthorEmail != "olena.koval@example.org":
		t.Errorf("the author: %+v", a)
	case len(a.Questions) != 1 || a.Questions[0].SubjectCode != "03":
		t.Errorf("the question: %+v", a.Questions)
	case a.PlaceLatitude == nil || *a.PlaceLatitude != 50.4501 || a.PlaceLongitude == nil || *a.PlaceLongitude != 30.5234 ||
		a.PlaceAddress != "с. Зелене, вул. Шкільна, біля будинку 5":
		t.Errorf("the place: %v %v %q", a.PlaceLatitude, a.PlaceLongitude, a.PlaceAddress)
	case a.PlaceSettlementID == nil || *a.PlaceSettlementID != sc.village:
		t.Errorf("the place's settlement: %v, want %d", a.PlaceSettlementID, sc.village)
	case a.SettlementID != nil:
		t.Errorf("the author's settlement matched from another address: %v", *a.SettlementID)
	case !strings.Contains(a.Summary, "https://app.example/photos/1.jpg"):
		t.Errorf("the photo's link is lost: %q", a.Summary)
	}
	auditedUnderToken(t, sc, a.ID)
	// The XML variant files too.
	x, errs, status := sc.c.post("xml", validRequest())
	if status != http.StatusOK || len(x) != 1 || x[0].ServiceRequestID == "" || x[0].ServiceRequestID == sc.filed {
		t.Errorf("filed in XML: %d %+v %+v", status, x, errs)
	}
}

// personal are the values of validRequest that no public answer may show.
var personal = []string{"Коваль", "Олена", "Петрівна", "Соборна", "olena.koval", "123 45 67", "Глибока яма", "app-user-77"}

func findRequest(t *testing.T, sc *scene) {
	sc.c.t = t
	got, status := sc.c.request(sc.filed)
	if status != http.StatusOK || len(got) != 1 {
		t.Fatalf("by id: %d %+v", status, got)
	}
	r := got[0]
	if r.ServiceRequestID != sc.filed || r.Status != "open" || r.ServiceCode != "roads-potholes" || r.ServiceName != "Ями на дорозі" ||
		r.Address != "с. Зелене, вул. Шкільна, біля будинку 5" || r.Lat == nil || *r.Lat != 50.4501 || r.Long == nil || *r.Long != 30.5234 {
		t.Errorf("by id: %+v", r)
	}
	for _, dt := range []string{r.RequestedDatetime, r.UpdatedDatetime, r.ExpectedDatetime} {
		if _, err := time.Parse(time.RFC3339, dt); err != nil {
			t.Errorf("a datetime not in W3C form: %q", dt)
		}
	}
	requested, _ := time.Parse(time.RFC3339, r.RequestedDatetime)
	expected, _ := time.Parse(time.RFC3339, r.ExpectedDatetime)
	if d := expected.Sub(requested); d < 29*24*time.Hour || d > 31*24*time.Hour {
		t.Errorf("expected_datetime is the 30-day deadline: %s after requested", d)
	}
	list, errs, status := sc.c.requests("json", nil)
	if status != http.StatusOK || len(list) != 2 || list[1].ServiceRequestID != sc.filed {
		t.Errorf("the list (newest first): %d %+v %+v", status, list, errs)
	}
	xlist, _, status := sc.c.requests("xml", url.Values{"service_request_id": {sc.filed}})
	if status != http.StatusOK || len(xlist) != 1 || xlist[0].ServiceRequestID != sc.filed || xlist[0].Lat == nil {
		t.Errorf("by id in XML: %d %+v", status, xlist)
	}
	for _, path := range []string{"/requests.json", "/requests.xml", "/requests/" + sc.filed + ".json", "/requests/" + sc.filed + ".xml"} {
		body := string(sc.c.do(http.MethodGet, path, nil, nil).Body)
		for _, p := range personal {
			if strings.Contains(body, p) {
				t.Errorf("%s shows %q: %s", path, p, body)
			}
		}
	}
	for _, id := range []string{"999999", "0", "abc"} {
		if _, status := sc.c.request(id); status != http.StatusNotFound {
			t.Errorf("request %s: %d", id, status)
		}
	}
}

func answerRequest(t *testing.T, sc *scene) {
	sc.c.t = t
	reg := sc.s.App.Registry
	var id int64
	fmt.Sscan(sc.filed, &id)
	if err := reg.Assign(ctxAs(sc.head), id, registry.AssignInput{Resolution: "Розглянути й відремонтувати", DepartmentID: sc.department}); err != nil {
		t.Fatal(err)
	}
	if got, _ := sc.c.request(sc.filed); len(got) != 1 || got[0].Status != "open" || got[0].StatusNotes == "" {
		t.Errorf("routed: %+v", got)
	}
	a, err := reg.AppealForStaff(ctxAs(sc.head), id)
	if err != nil {
		t.Fatal(err)
	}
	results := map[int64]string{a.Questions[0].ID: registry.ResultResolved}
	if err := reg.SubmitReply(ctxAs(sc.executor), id, registry.ReplyInput{DepartmentID: sc.department,
		Text: "Шановна Олено Петрівно! Яму засипано 12 березня.", Results: results}); err != nil {
		t.Fatal(err)
	}
	if err := reg.ApproveReply(ctxAs(sc.head), id); err != nil {
		t.Fatal(err)
	}
	a, err = reg.AppealForStaff(ctxAs(sc.head), id)
	if err != nil {
		t.Fatal(err)
	}
	got, status := sc.c.request(sc.filed)
	if status != http.StatusOK || len(got) != 1 {
		t.Fatalf("answered: %d %+v", status, got)
	}
	notes := got[0].StatusNotes
	if got[0].Status != "closed" || !strings.Contains(notes, "Вирішено позитивно") || a.AnswerOutNumber == "" ||
		!strings.Contains(notes, a.AnswerOutNumber) {
		t.Errorf("closed with the answer's notes: %+v (outgoing number %q)", got[0], a.AnswerOutNumber)
	}
	if strings.Contains(notes, "Олено") || strings.Contains(notes, "засипано") {
		t.Errorf("the notes show the answer's text, which speaks to the author: %q", notes)
	}
}

func filterRequests(t *testing.T, sc *scene) {
	sc.c.t = t
	count := func(q url.Values) int {
		t.Helper()
		list, errs, status := sc.c.requests("json", q)
		if status != http.StatusOK {
			t.Fatalf("%v: %d %+v", q, status, errs)
		}
		return len(list)
	}
	now := time.Now()
	for q, want := range map[string]int{
		"status=closed": 1, "status=open": 1, "status=open,closed": 2,
		"service_code=lighting": 0, "service_code=lighting,roads-potholes": 2,
		"service_request_id=" + sc.filed + ",999999":                                                                                            1,
		"start_date=" + url.QueryEscape(now.Add(-time.Hour).Format(time.RFC3339)):                                                               2,
		"end_date=" + url.QueryEscape(now.Add(-time.Hour).Format(time.RFC3339)):                                                                 0,
		"start_date=" + now.AddDate(0, 0, -10).Format("2006-01-02") + "&end_date=" + url.QueryEscape(now.Add(time.Minute).Format(time.RFC3339)): 2,
	} {
		v, _ := url.ParseQuery(q)
		if got := count(v); got != want {
			t.Errorf("%s: %d, want %d", q, got, want)
		}
	}
	for _, q := range []string{"status=pending", "start_date=yesterday", "service_request_id=x",
		"start_date=2024-01-01T00:00:00Z&end_date=2024-06-01T00:00:00Z", "start_date=2024-06-01T00:00:00Z&end_date=2024-01-01T00:00:00Z"} {
		v, _ := url.ParseQuery(q)
		if _, errs, status := sc.c.requests("json", v); status != http.StatusBadRequest || len(errs) == 0 || errs[0].Code != 400 {
			t.Errorf("%s: %d %+v, want 400", q, status, errs)
		}
	}
}

// hostile are values no field should choke on.
var hostile = []string{"\x00", "ab\x00cd", "\xff\xfe", "Київ\xd0", "\x01\x1b[31m", "inv\u202efdp.exe", strings.Repeat("Я", 3000),
	"' OR '1'='1' -- ", `"><script>alert(1)</script>`, "99999999999999999999999", "-1", "NaN", "Inf", "1e400", "2024-02-30", " ", ","}

func hostileFields(t *testing.T, sc *scene) {
	sc.c.t = t
	fields := append(slices.Collect(func(yield func(string) bool) {
		for k := range validRequest() {
			if !yield(k) {
				return
			}
		}
	}), "device_id", "address_id", "attribute[first_name]", "attribute[last_name]", "api_key")
	for _, f := range fields {
		for _, h := range hostile {
			v := validRequest()
			v.Set(f, h)
			_, errs, status := sc.c.post("json", v)
			if status >= 500 || status/100 != 2 && len(errs) == 0 {
				t.Errorf("POST %s=%q: %d %+v", f, h, status, errs)
			}
		}
	}
	for _, p := range []string{"service_request_id", "service_code", "start_date", "end_date", "status", "api_key"} {
		for _, h := range hostile {
			for _, format := range []string{"json", "xml"} {
				// A value over the server's read buffer for a URL is refused before any handler (431).
				if r := sc.c.do(http.MethodGet, "/requests."+format, url.Values{p: {h}}, nil); r.Status >= 500 {
					t.Errorf("GET requests.%s %s=%q: %d", format, p, h, r.Status)
				}
			}
		}
	}
	for _, h := range hostile {
		for _, path := range []string{"/requests/" + url.PathEscape(h) + ".json", "/services/" + url.PathEscape(h) + ".xml",
			"/discovery." + url.PathEscape(h)} {
			if r := sc.c.do(http.MethodGet, path, nil, nil); r.Status >= 500 {
				t.Errorf("GET %s: %d", path, r.Status)
			}
		}
	}
}

// auditedUnderToken: the audit log names the token that filed the appeal, as for every machine request.
func auditedUnderToken(t *testing.T, sc *scene, appealID int64) {
	t.Helper()
	var tokenIDs []sql.NullInt64
	if err := sc.s.App.DB.Table("audit_log").Where("action = ? AND object_id = ?", "appeal.register", appealID).
		Pluck("actor_token_id", &tokenIDs).Error; err != nil || len(tokenIDs) != 1 || !tokenIDs[0].Valid {
		t.Errorf("the filing's audit line names no token: %v %v", tokenIDs, err)
	}
}
