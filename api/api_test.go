package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hromada/hromada/api"
	"github.com/hromada/hromada/internal/apitoken"
	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/steptest"
)

// scene is what the steps of TestTheAPI share: the running program, the contract and the tokens.
type scene struct {
	s        *apptest.Server
	c        *contract
	hotline  int64  // the 1545 source
	writer   string // 1545: appeals:write and appeals:read
	reader   string // 1545: appeals:read only
	other    string // the regional hotline: both scopes
	writerID int64
	appeal   api.Appeal // the appeal registered first
}

func newScene(t *testing.T, env map[string]string) *scene {
	t.Helper()
	s := apptest.Start(t, env)
	// Runs before the server stops (cleanups run last first): no idle keep-alive connection holds it up.
	t.Cleanup(http.DefaultClient.CloseIdleConnections)
	sc := &scene{s: s, c: newContract(t)}
	ctx := context.Background()
	src, err := s.App.Sources.ByCode(ctx, "1545")
	if err != nil {
		t.Fatal(err)
	}
	oda, err := s.App.Sources.ByCode(ctx, "oda")
	if err != nil {
		t.Fatal(err)
	}
	sc.hotline = src.ID
	both := []string{apitoken.ScopeAppealsWrite, apitoken.ScopeAppealsRead}
	var tok *apitoken.Token
	sc.writer, tok = issue(t, s, "1545 інтеграція", src.ID, both)
	sc.writerID = tok.ID
	sc.reader, _ = issue(t, s, "1545 читання", src.ID, []string{apitoken.ScopeAppealsRead})
	sc.other, _ = issue(t, s, "ОДА", oda.ID, both)
	return sc
}

func issue(t *testing.T, s *apptest.Server, name string, source int64, scopes []string) (string, *apitoken.Token) {
	t.Helper()
	plain, tok, err := s.App.Tokens.Create(context.Background(), name, source, scopes, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return plain, tok
}

// cardDay is the day the test's cards were registered at the hotline: a recent one, as the API takes.
var cardDay = time.Now().AddDate(0, 0, -3)

// card is a lawful appeal from the hotline (Art. 5: name, address of residence, the substance).
func card(number string) api.AppealRequest {
	return api.AppealRequest{ExternalNumber: number, ExternalDate: cardDay.Format(time.DateOnly),
		ReceivedAt: cardDay.Format(time.DateOnly) + "T09:15:00+02:00",
		Type:       "complaint", LastName: "Коваленко", FirstName: "Олена", Patronymic: "Петрівна",
		Address: "м. Зразкове, вул. Соборна, 1, кв. 5", Phone: "+380 67 123 45 67",
		Questions: []api.Question{{Subject: "09", Text: "Гаряча вода"}},
		Summary:   "Третій тиждень немає гарячої води в будинку на вулиці Соборній, 1."}
}

func (sc *scene) post(t *testing.T, token string, body []byte, header map[string]string) reply {
	t.Helper()
	return sc.c.call(t, sc.s, request{method: http.MethodPost, path: api.Prefix, token: token, body: body, header: header, valid: true})
}

func (sc *scene) get(t *testing.T, token, path string) reply {
	t.Helper()
	return sc.c.call(t, sc.s, request{method: http.MethodGet, path: path, token: token, valid: true})
}

// TestTheAPI walks an integration through the API on the real program: register, retry, read, follow
// the changes to the answer, and every refusal as a problem in the contract's shape.
func TestTheAPI(t *testing.T) {
	steptest.Run(t, newScene(t, nil), []steptest.Step[*scene]{
		{Name: "the document is OpenAPI 3.1 and served", Run: documentServed},
		{Name: "an appeal is registered once, whatever retries it", Run: registerAndRetry},
		{Name: "an appeal is read by its own source only", Run: readOwnOnly},
		{Name: "tokens: missing, unknown, revoked, expired, without the scope", Run: tokenRefusals},
		{Name: "what the law requires is checked as the forms check it", Run: validationProblems},
		{Name: "malformed requests are located", Run: malformedRequests},
		{Name: "the changes feed follows the appeal to its answer", Run: followToTheAnswer},
		{Name: "writes are audited under the token", Run: auditedUnderToken},
	})
}

func documentServed(t *testing.T, sc *scene) {
	r := sc.c.call(t, sc.s, request{method: http.MethodGet, path: "/api/v1/openapi.json"})
	if r.Status != 200 || string(r.Body) != string(api.OpenAPI()) {
		t.Fatalf("%d %s", r.Status, shorten(r.Body))
	}
}

func registerAndRetry(t *testing.T, sc *scene) {
	body := mustJSON(t, card("1545-0001"))
	key := map[string]string{"Idempotency-Key": "9f1c0c7e-8d4e-4b8a-9a53-1f0b6f7f2a11"}
	r := sc.post(t, sc.writer, body, key)
	if r.Status != http.StatusCreated {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	r.decode(t, &sc.appeal)
	a := sc.appeal
	if a.ID == 0 || a.RegIndex == "" || a.Status != registry.StatusRegistered || a.ExternalNumber != "1545-0001" ||
		a.ExternalDate == nil || *a.ExternalDate != cardDay.Format(time.DateOnly) || a.DueDate == "" || a.Answer != nil {
		t.Fatalf("the appeal: %+v", a)
	}
	if loc := r.Header.Get("Location"); loc != fmt.Sprintf("%s/%d", api.Prefix, a.ID) {
		t.Errorf("Location %q", loc)
	}
	stored, err := sc.s.App.Registry.AppealForStaff(context.Background(), a.ID)
	if err != nil || stored.Channel != "gov_hotline" || stored.AuthorAddress != "м. Зразкове, вул. Соборна, 1, кв. 5" {
		t.Fatalf("stored: %+v %v", stored, err)
	}
	// The same request again, with its members in another order: the same appeal, 200.
	again := sc.post(t, sc.writer, []byte(reorder(t, body)), key)
	var got api.Appeal
	again.decode(t, &got)
	if again.Status != http.StatusOK || got.ID != a.ID {
		t.Fatalf("a retry: %d %+v", again.Status, got)
	}
	// The same key with another request: refused, nothing made.
	other := card("1545-0002")
	r = sc.post(t, sc.writer, mustJSON(t, other), key)
	if p := r.problem(t); r.Status != http.StatusUnprocessableEntity || p.Type != "/api/v1/problems/idempotency-key-reused" {
		t.Fatalf("a key reused: %d %+v", r.Status, p)
	}
	// The same card without a key, or with another key: the same appeal.
	for _, h := range []map[string]string{nil, {"Idempotency-Key": "another-key"}} {
		r = sc.post(t, sc.writer, body, h)
		r.decode(t, &got)
		if r.Status != http.StatusOK || got.ID != a.ID {
			t.Fatalf("the same number again (%v): %d %+v", h, r.Status, got)
		}
	}
	if n := countAppeals(t, sc, "1545-0002"); n != 0 {
		t.Errorf("the refused request made %d appeals", n)
	}
}

// reorder gives the same JSON object with its members in reverse order.
func reorder(t *testing.T, body []byte) string {
	t.Helper()
	var m map[string]any
	reply{Body: body}.decode(t, &m)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	slices.Reverse(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%q: %s", k, mustJSON(t, m[k])))
	}
	return "{ " + strings.Join(parts, ",\n ") + " }"
}

func countAppeals(t *testing.T, sc *scene, number string) int64 {
	t.Helper()
	var n int64
	if err := sc.s.App.DB.Table("appeals").Where("external_number = ?", number).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func readOwnOnly(t *testing.T, sc *scene) {
	path := fmt.Sprintf("%s/%d", api.Prefix, sc.appeal.ID)
	for _, token := range []string{sc.writer, sc.reader} {
		r := sc.get(t, token, path)
		var a api.Appeal
		r.decode(t, &a)
		if r.Status != 200 || a.ID != sc.appeal.ID || a.Status != registry.StatusRegistered {
			t.Fatalf("%d %+v", r.Status, a)
		}
	}
	// Another source's token, an appeal that does not exist, and a staff appeal from no source: 404 alike.
	staff, err := sc.s.App.Registry.RegisterAppeal(context.Background(), registry.RegisterInput{Channel: "phone",
		LastName: "Бондар", FirstName: "Ірина", Address: "м. Зразкове, вул. Миру, 3", Type: "proposal",
		Summary: "Пропоную встановити лавки в парку.", Questions: []registry.QuestionInput{{SubjectCode: "09"}}})
	if err != nil {
		t.Fatal(err)
	}
	for token, p := range map[string]string{sc.other: path, sc.writer: api.Prefix + "/999999999",
		sc.reader: fmt.Sprintf("%s/%d", api.Prefix, staff.ID)} {
		r := sc.get(t, token, p)
		if pr := r.problem(t); r.Status != http.StatusNotFound || pr.Instance != p {
			t.Errorf("GET %s: %d %+v", p, r.Status, pr)
		}
	}
}

func tokenRefusals(t *testing.T, sc *scene) {
	ctx := context.Background()
	path := fmt.Sprintf("%s/%d", api.Prefix, sc.appeal.ID)
	revoked, tok := issue(t, sc.s, "відкликаний", sc.hotline, []string{apitoken.ScopeAppealsRead})
	if err := sc.s.App.Tokens.Revoke(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	expired, tok := issue(t, sc.s, "прострочений", sc.hotline, []string{apitoken.ScopeAppealsRead})
	if err := sc.s.App.DB.Exec("UPDATE api_tokens SET expires_at = ? WHERE id = ?", time.Now().Add(-time.Minute).UTC(), tok.ID).Error; err != nil {
		t.Fatal(err)
	}
	for name, token := range map[string]string{"none": "", "unknown": "hrm_" + strings.Repeat("x", 43),
		"revoked": revoked, "expired": expired, "not a token": "Basic abc"} {
		r := sc.c.call(t, sc.s, request{method: http.MethodGet, path: path, token: token})
		if p := r.problem(t); r.Status != http.StatusUnauthorized {
			t.Errorf("%s token: %d %+v", name, r.Status, p)
		}
	}
	r := sc.post(t, sc.reader, mustJSON(t, card("1545-0003")), nil)
	if p := r.problem(t); r.Status != http.StatusForbidden || p.Detail == "" {
		t.Errorf("a token without appeals:write: %d %+v", r.Status, p)
	}
}

func validationProblems(t *testing.T, sc *scene) {
	bad := card("1545-0004")
	bad.LastName, bad.Address, bad.Summary = "", "", "Коротко"
	bad.Questions = []api.Question{{Subject: "09"}, {Subject: "нема такої", Text: "Що?"}}
	bad.Email = "не пошта"
	for lang, want := range map[string]string{"uk": "Вкажіть", "en": ""} {
		r := sc.post(t, sc.writer, mustJSON(t, bad), map[string]string{"Accept-Language": lang})
		p := r.problem(t)
		if r.Status != http.StatusUnprocessableEntity || p.Type != "/api/v1/problems/validation" {
			t.Fatalf("%d %+v", r.Status, p)
		}
		at := map[string]string{}
		for _, e := range p.Errors {
			at[e.Pointer] = e.Detail
		}
		for _, ptr := range []string{"#/last_name", "#/address", "#/summary", "#/questions/1/subject", "#/email"} {
			if at[ptr] == "" || strings.Contains(at[ptr], ".error.") {
				t.Errorf("%s: no message at %s: %v", lang, ptr, at)
			}
		}
		if lang == "uk" && !strings.Contains(at["#/address"]+at["#/last_name"], want) {
			t.Errorf("not in Ukrainian: %v", at)
		}
		if lang == "en" && strings.ContainsAny(at["#/address"], "абвгдеєжзиіїйклмнопрстуфхцчшщьюя") {
			t.Errorf("not in English: %v", at)
		}
	}
	// Text from outside is checked at the edge: NUL (sent as \u0000), direction overrides, lengths.
	for field, set := range map[string]func(*api.AppealRequest){
		"last_name":  func(r *api.AppealRequest) { r.LastName = "Ко\x00валенко" },
		"first_name": func(r *api.AppealRequest) { r.FirstName = "Оле\u202eна" },
		"address":    func(r *api.AppealRequest) { r.Address = strings.Repeat("а", 1001) },
		"summary":    func(r *api.AppealRequest) { r.Summary = "Немає води\x1b[31m уже тиждень" },
	} {
		req := card("1545-0005")
		set(&req)
		r := sc.post(t, sc.writer, mustJSON(t, req), nil)
		p := r.problem(t)
		if r.Status != http.StatusUnprocessableEntity || len(p.Errors) == 0 || p.Errors[0].Pointer != "#/"+field {
			t.Errorf("%s: %d %+v", field, r.Status, p)
		}
	}
	// A card belongs to the registry while it is current: no closed year's numbering, no report rewritten.
	for field, set := range map[string]func(*api.AppealRequest){
		"received_at":   func(r *api.AppealRequest) { r.ReceivedAt = "1901-01-01T00:00:00Z" },
		"external_date": func(r *api.AppealRequest) { r.ExternalDate = time.Now().AddDate(0, 0, 2).Format(time.DateOnly) },
	} {
		req := card("1545-0006")
		set(&req)
		r := sc.post(t, sc.writer, mustJSON(t, req), nil)
		p := r.problem(t)
		if r.Status != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Pointer != "#/"+field {
			t.Errorf("%s out of range: %d %+v", field, r.Status, p)
		}
	}
	if n := countAppeals(t, sc, "1545-0005") + countAppeals(t, sc, "1545-0004") + countAppeals(t, sc, "1545-0006"); n != 0 {
		t.Errorf("refused requests made %d appeals", n)
	}
}

func malformedRequests(t *testing.T, sc *scene) {
	good := string(mustJSON(t, card("1545-0006")))
	cases := []struct {
		name, body, contentType string
		status                  int
		where                   string // the pointer, parameter or header named; "" when none is
	}{
		{"not JSON", `{"last_name": "Коваленко",`, "", 400, "#"},
		{"syntax inside", `{"questions": [{"subject": 09}]}`, "", 400, "#/questions/0/subject"},
		{"an unknown member", strings.Replace(good, `{`, `{"secret":1,`, 1), "", 400, "#/secret"},
		{"an unknown member inside", strings.Replace(good, `"subject":"09"`, `"subject":"09","colour":"red"`, 1), "", 400, "#/questions/0/colour"},
		{"a wrong type", strings.Replace(good, `"type":"complaint"`, `"type":5`, 1), "", 400, "#/type"},
		{"a number as text", strings.Replace(good, `{`, `{"signers":"два",`, 1), "", 400, "#/signers"},
		{"a repeated member", strings.Replace(good, `{`, `{"last_name":"Інший",`, 1), "", 400, "#/last_name"},
		{"an array", `[]`, "", 400, "#"},
		{"empty", ``, "", 400, "#"},
		{"trailing data", good + `{}`, "", 400, ""},
		{"invalid UTF-8", strings.Replace(good, "Олена", "Ол\xffена", 1), "", 400, "#/first_name"},
		{"not JSON at all", `last_name=Коваленко`, "application/x-www-form-urlencoded", 415, ""},
		{"a bad idempotency key", good, "", 400, "Idempotency-Key"},
	}
	for _, c := range cases {
		h := map[string]string{}
		if c.contentType != "" {
			h["Content-Type"] = c.contentType
		}
		if c.name == "a bad idempotency key" {
			h["Idempotency-Key"] = "ключ"
		}
		r := sc.c.call(t, sc.s, request{method: http.MethodPost, path: api.Prefix, token: sc.writer, body: []byte(c.body), header: h})
		p := r.problem(t)
		if r.Status != c.status {
			t.Errorf("%s: %d, want %d: %+v", c.name, r.Status, c.status, p)
			continue
		}
		var where []string
		for _, e := range p.Errors {
			where = append(where, e.Pointer+e.Parameter+e.Header)
		}
		if c.where != "" && !slices.Contains(where, c.where) {
			t.Errorf("%s: located at %v, want %s (%+v)", c.name, where, c.where, p)
		}
	}
	// A body over the limit: 413, a problem too.
	huge := `{"summary": "` + strings.Repeat("я", 300<<10) + `"}`
	r := sc.c.call(t, sc.s, request{method: http.MethodPost, path: api.Prefix, token: sc.writer, body: []byte(huge)})
	if p := r.problem(t); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("a huge body: %d %+v", r.Status, p)
	}
	if n := countAppeals(t, sc, "1545-0006"); n != 0 {
		t.Errorf("malformed requests made %d appeals", n)
	}
	// The feed's parameters.
	for _, q := range []string{"?after=nonsense", "?limit=0", "?limit=1001", "?limit=x", "?after=" + strings.Repeat("A", 200)} {
		r := sc.c.call(t, sc.s, request{method: http.MethodGet, path: api.Prefix + "/changes" + q, token: sc.reader})
		if p := r.problem(t); r.Status != http.StatusBadRequest || len(p.Errors) == 0 || p.Errors[0].Parameter == "" {
			t.Errorf("changes%s: %d %+v", q, r.Status, p)
		}
	}
}

// followToTheAnswer: staff route and answer the appeal; the feed shows each status once, in order, and
// the appeal shows the answer.
func followToTheAnswer(t *testing.T, sc *scene) {
	// Staff act as persons: the reply's author is the executor in the request's context.
	staff, err := sc.s.App.People.SignIn(context.Background(), identity.Claims{Issuer: "https://idp.test", Subject: "executor",
		TaxID: "3000000001", LastName: "Мельник", GivenName: "Тарас", Email: "t.melnyk@rada.example", EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{PersonID: staff.ID, IP: "198.51.100.7"})
	reg := sc.s.App.Registry
	dept, err := sc.s.App.Departments.Create(ctx, "Відділ житлово-комунального господарства", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.s.App.People.GrantRole(ctx, "t.melnyk@rada.example", identity.RoleExecutor, "test"); err != nil {
		t.Fatal(err)
	}
	if err := sc.s.App.People.SetDepartment(ctx, sc.s.App.DB, staff.ID, dept.ID); err != nil {
		t.Fatal(err)
	}
	if err := reg.Assign(context.Background(), sc.appeal.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: dept.ID}); err != nil {
		t.Fatal(err)
	}
	full, err := reg.AppealForStaff(ctx, sc.appeal.ID)
	if err != nil {
		t.Fatal(err)
	}
	results := map[int64]string{}
	for _, q := range full.Questions {
		results[q.ID] = registry.ResultResolved
	}
	if err := reg.SubmitReply(ctx, sc.appeal.ID, registry.ReplyInput{DepartmentID: dept.ID,
		Text: "Гаряче водопостачання відновлено 12.03.2024.", Results: results}); err != nil {
		t.Fatal(err)
	}
	if err := reg.ApproveReply(context.Background(), sc.appeal.ID); err != nil {
		t.Fatal(err)
	}
	// Read the feed two at a time from the beginning, as an integration polls it. On PostgreSQL the feed
	// serves a change only once every older transaction on the server has ended (xmin), so while other
	// tests run beside this one an empty page means "not yet", never "lost": poll until the four arrive.
	want := []string{registry.StatusRegistered, registry.StatusInProgress, registry.StatusAwaitingApproval, registry.StatusAnswered}
	var statuses []string
	after := ""
	for deadline := time.Now().Add(120 * time.Second); len(statuses) < len(want) && time.Now().Before(deadline); {
		r := sc.get(t, sc.reader, api.Prefix+"/changes?limit=2&after="+after)
		var page api.Changes
		r.decode(t, &page)
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		for _, c := range page.Changes {
			if c.AppealID == sc.appeal.ID {
				statuses = append(statuses, c.Status)
			}
		}
		if len(page.Changes) == 0 {
			if page.Next != after && after != "" {
				t.Errorf("an empty page moved the cursor: %q → %q", after, page.Next)
			}
			time.Sleep(100 * time.Millisecond)
			continue
		}
		after = page.Next
	}
	if !slices.Equal(statuses, want) {
		t.Errorf("the feed: %v, want %v", statuses, want)
	}
	// Another source's feed has none of it.
	r := sc.get(t, sc.other, api.Prefix+"/changes")
	var page api.Changes
	r.decode(t, &page)
	if len(page.Changes) != 0 {
		t.Errorf("another source sees %d changes", len(page.Changes))
	}
	r = sc.get(t, sc.writer, fmt.Sprintf("%s/%d", api.Prefix, sc.appeal.ID))
	var a api.Appeal
	r.decode(t, &a)
	if a.Status != registry.StatusAnswered || a.Answer == nil || a.Answer.OutgoingNumber == "" ||
		!strings.Contains(a.Answer.Text, "відновлено") || a.Questions[0].Result != registry.ResultResolved {
		t.Errorf("the answered appeal: %s", r.Body)
	}
}

func auditedUnderToken(t *testing.T, sc *scene) {
	var n int64
	err := sc.s.App.DB.Table("audit_log").Where("action = ? AND object_id = ? AND actor_token_id = ?",
		"appeal.register", sc.appeal.ID, sc.writerID).Count(&n).Error
	if err != nil || n != 1 {
		t.Errorf("the registration's audit line under the token: %d (%v)", n, err)
	}
}

// Fifty retries of one request at once — the same Idempotency-Key — give one appeal: one 201, the rest
// 200 with the same appeal; then fifty with the same card under different keys do not add one either.
func TestFiftyConcurrentRetriesGiveOneAppeal(t *testing.T) {
	sc := newScene(t, map[string]string{"HROMADA_LIMIT_API": "10000/1m", "HROMADA_LIMIT_CONCURRENT_IP": "200"})
	body := mustJSON(t, card("1545-0500"))
	for round, key := range []func(int) string{
		func(int) string { return "b7d1e3a0-retry" },
		func(i int) string { return fmt.Sprintf("other-key-%d", i) },
	} {
		const n = 50
		var wg sync.WaitGroup
		replies := make([]reply, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				replies[i] = sc.post(t, sc.writer, body, map[string]string{"Idempotency-Key": key(i)})
			}()
		}
		close(start)
		wg.Wait()
		created, ids := 0, map[int64]bool{}
		for _, r := range replies {
			var a api.Appeal
			r.decode(t, &a)
			switch r.Status {
			case http.StatusCreated:
				created++
			case http.StatusOK:
			default:
				t.Fatalf("round %d: %d %s", round, r.Status, r.Body)
			}
			ids[a.ID] = true
		}
		want := 1
		if round > 0 {
			want = 0
		}
		if created != want || len(ids) != 1 {
			t.Fatalf("round %d: %d created, %d appeals", round, created, len(ids))
		}
	}
	if n := countAppeals(t, sc, "1545-0500"); n != 1 {
		t.Fatalf("%d appeals in the registry", n)
	}
}

// Over the token's limit: 429, a problem, with Retry-After.
func TestRateLimitIsAProblem(t *testing.T) {
	sc := newScene(t, map[string]string{"HROMADA_LIMIT_API": "3/1m"})
	var last reply
	for range 4 {
		last = sc.get(t, sc.reader, api.Prefix+"/changes")
	}
	if p := last.problem(t); last.Status != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("%d %+v %v", last.Status, p, last.Header)
	}
}
