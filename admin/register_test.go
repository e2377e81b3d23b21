package admin_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
)

func TestRegisterOnBehalfOfCitizen(t *testing.T) {
	s, citizen, registrar, _ := staffServer(t)
	executor := apptest.Browser(t)
	s.SignIn(t, executor, "dev-staff-executor")
	if _, err := s.App.People.GrantRole(t.Context(), "t.melnyk@rada.zrazkove.example", identity.RoleExecutor, "test"); err != nil {
		t.Fatal(err)
	}

	page := apptest.Get(t, registrar, s.Path("/admin/appeals/new"))
	if page.Status != http.StatusOK {
		t.Fatalf("the form: %d", page.Status)
	}
	today := time.Now().Format("2006-01-02")
	if !strings.Contains(page.Body, `value="`+time.Now().Format("02.01.2006")+`"`) && !strings.Contains(page.Body, `value="`+time.Now().UTC().Format("02.01.2006")+`"`) {
		t.Error("the date of receipt is not today by default")
	}
	if strings.Contains(page.Body, `<option value="portal"`) {
		t.Error("the form offers the portal channel")
	}
	csrf := apptest.CSRF(t, page.Body)
	base := func(channel string) url.Values {
		return url.Values{"_csrf": {csrf}, "action": {"submit"}, "questions": {"1"}, "channel": {channel},
			"received_at": {today}, "nature": {"individual"}, "last_name": {"Шевчук"}, "first_name": {"Іван"},
			"address": {"м. Зразкове, вул. Садова, 3"}, "type": {"application"}, "q0_subject": {"09"},
			"q0_text": {"Вивіз сміття"}, "summary": {"Прошу впорядкувати графік вивезення сміття."}}
	}

	// A telephone appeal, with a scanned note attached.
	r := apptest.PostMultipart(t, registrar, s.Path("/admin/appeals"), base("phone"),
		apptest.File{Field: "attachments", Name: "note.pdf", Data: []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/admin/appeals/") {
		t.Fatalf("register by telephone: %d %q\n%.3000s", r.Status, r.Location, r.Body)
	}
	card := apptest.Get(t, registrar, apptest.Follow(s.Path("/admin/appeals"), r.Location))
	due := time.Now().AddDate(0, 0, 30)
	for _, want := range []string{"Ш-", "Телефонна лінія ради", "Усне", "Шевчук Іван", "Гнатюк Світлана",
		"note.pdf", "Звернення зареєстровано"} {
		if !strings.Contains(card.Body, want) {
			t.Errorf("the card lacks %q", want)
		}
	}
	if !strings.Contains(card.Body, due.Format("02.01.2006")) && !strings.Contains(card.Body, due.UTC().Format("02.01.2006")) {
		t.Error("the card lacks the due date")
	}
	cardPath := regexp.MustCompile(`^/admin/appeals/\d+`).FindString(r.Location)
	link := regexp.MustCompile(`href="(` + cardPath + `/attachments/\d+)"`).FindStringSubmatch(card.Body)
	if link == nil {
		t.Fatal("no download link")
	}
	if f := apptest.Get(t, registrar, s.Path(link[1])); f.Status != http.StatusOK || !strings.HasPrefix(f.Body, "%PDF") ||
		!strings.HasPrefix(f.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download: %d %q", f.Status, f.Header.Get("Content-Disposition"))
	}

	// A Government hotline appeal with its number.
	v := base("gov_hotline")
	v.Set("external_ref", "1545-777 від 20.11.2026")
	v.Set("last_name", "Ярошенко")
	r = apptest.PostForm(t, registrar, s.Path("/admin/appeals"), v)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("register a hotline appeal: %d\n%.3000s", r.Status, r.Body)
	}
	card = apptest.Get(t, registrar, apptest.Follow(s.Path("/admin/appeals"), r.Location))
	index := regexp.MustCompile(`Я-\d+/\d+`).FindString(card.Body)
	if index == "" || !strings.Contains(card.Body, "1545-777 від 20.11.2026") || !strings.Contains(card.Body, "Урядова гаряча лінія 1545") {
		t.Fatalf("the hotline card:\n%.4000s", card.Body)
	}
	if list := apptest.Get(t, registrar, s.Path("/admin/appeals?q=ярошенко")); !regexp.MustCompile(`href="/admin/appeals/\d+">` + index + `</a>`).MatchString(list.Body) {
		t.Error("the registry does not link the card")
	}

	// Refused: without the hotline number and with a date in the future. What was typed stays.
	v.Del("external_ref")
	v.Set("received_at", time.Now().AddDate(0, 0, 3).Format("2006-01-02"))
	r = apptest.PostForm(t, registrar, s.Path("/admin/appeals"), v)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a refused form: %d", r.Status)
	}
	for _, want := range []string{`id="f-external_ref-error"`, `id="f-received_at-error"`, "Дата надходження не може бути пізнішою за сьогодні.",
		`value="Ярошенко"`, "Прошу впорядкувати графік вивезення сміття.", `<option value="gov_hotline" selected>`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the refused form lacks %s", want)
		}
	}

	// Who may do what.
	for _, tc := range []struct {
		who    *http.Client
		name   string
		path   string
		status int
	}{
		{citizen, "citizen", "/admin/appeals/new", http.StatusNotFound},
		{citizen, "citizen", cardPath, http.StatusNotFound},
		{citizen, "citizen", link[1], http.StatusNotFound},
		{executor, "executor", cardPath, http.StatusNotFound}, // not routed to the executor's department
		{executor, "executor", cardPath + "/attachments/1", http.StatusNotFound},
		{executor, "executor", "/admin/appeals/new", http.StatusForbidden},
		{registrar, "registrar", "/admin/appeals/99999", http.StatusNotFound},
	} {
		if r := apptest.Get(t, tc.who, s.Path(tc.path)); r.Status != tc.status {
			t.Errorf("%s %s: got %d, want %d", tc.name, tc.path, r.Status, tc.status)
		}
	}
	v = base("phone")
	v.Set("_csrf", apptest.CSRF(t, apptest.Get(t, executor, s.Path(cardPath)).Body))
	if r := apptest.PostForm(t, executor, s.Path("/admin/appeals"), v); r.Status != http.StatusForbidden {
		t.Errorf("an executor registering: %d", r.Status)
	}
}

var (
	earlierLink = regexp.MustCompile(`href="/admin/appeals/(\d+)" target="_blank" rel="noopener">([^<]+)<span`)
	earlierFor  = regexp.MustCompile(`name="earlier_for" value="([^"]*)"`)
)

// The registrar's form finds the author's earlier appeals by normalised name and address and records
// the new appeal as a repeat of one of them.
func TestRegistrarMarksRepeat(t *testing.T) {
	s, _, registrar, _ := staffServer(t)
	page := apptest.Get(t, registrar, s.Path("/admin/appeals/new"))
	csrf := apptest.CSRF(t, page.Body)
	// Коваленко Олена of вул. Соборна, 1 wrote before (staffServer); typed here the registrar's way.
	v := url.Values{"_csrf": {csrf}, "questions": {"1"}, "channel": {"phone"},
		"received_at": {time.Now().Format("2006-01-02")}, "nature": {"individual"}, "last_name": {"КОВАЛЕНКО"},
		"first_name": {"олена"}, "address": {"м.Зразкове вул.Соборна,1"}, "type": {"complaint"}, "q0_subject": {"09"},
		"q0_text": {"Гаряча вода"}, "summary": {"Гарячої води досі немає, хоча обіцяли."}}

	// Asked: the earlier appeal is listed, linked, with the choice; nothing typed is lost.
	v.Set("action", "check_earlier")
	r := apptest.PostForm(t, registrar, s.Path("/admin/appeals"), v)
	m := earlierLink.FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || m == nil {
		t.Fatalf("check: %d\n%.5000s", r.Status, r.Body)
	}
	earlierID, earlierIndex := m[1], m[2]
	for _, want := range []string{"Немає гарячої води третій тиждень.", `value="repeat:` + earlierID + `"`,
		`value="duplicate:` + earlierID + `"`, `id="sign-primary" name="sign" value="primary" checked`,
		`value="КОВАЛЕНКО"`, "Гарячої води досі немає, хоча обіцяли."} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the checked form lacks %s", want)
		}
	}
	if strings.Contains(r.Body, "Бондар") {
		t.Error("another author's appeal is listed")
	}

	// Registering without having looked: the form stops once to show the earlier appeal.
	v.Set("action", "submit")
	r = apptest.PostForm(t, registrar, s.Path("/admin/appeals"), v)
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "Цей автор уже звертався.") || !earlierLink.MatchString(r.Body) {
		t.Fatalf("a submission without looking: %d\n%.3000s", r.Status, r.Body)
	}
	key := earlierFor.FindStringSubmatch(r.Body)
	if key == nil || key[1] == "" {
		t.Fatal("the form does not remember whom it looked up")
	}

	// Marked as a repeat of it: stored with the link and shown on the card.
	v.Set("earlier_for", html.UnescapeString(key[1]))
	v.Set("sign", "repeat:"+earlierID)
	r = apptest.PostForm(t, registrar, s.Path("/admin/appeals"), v)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("register a repeat: %d\n%.3000s", r.Status, r.Body)
	}
	id, err := strconv.ParseInt(regexp.MustCompile(`/admin/appeals/(\d+)`).FindStringSubmatch(r.Location)[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.App.Registry.AppealForStaff(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if a.Sign != "repeat" || a.RelatedAppealID == nil || strconv.FormatInt(*a.RelatedAppealID, 10) != earlierID {
		t.Fatalf("stored: sign %q related %v, want repeat of %s (%s)", a.Sign, a.RelatedAppealID, earlierID, earlierIndex)
	}
	card := apptest.Get(t, registrar, apptest.Follow(s.Path("/admin/appeals"), r.Location))
	if !strings.Contains(card.Body, "Повторне") {
		t.Error("the card does not show the sign")
	}

	// Another address is another author: registered at once, as a first appeal.
	v.Del("earlier_for")
	v.Del("sign")
	v.Set("address", "м. Зразкове, вул. Соборна, 15")
	if r := apptest.PostForm(t, registrar, s.Path("/admin/appeals"), v); r.Status != http.StatusSeeOther {
		t.Fatalf("another author: %d\n%.3000s", r.Status, r.Body)
	}
	// Looking up without an address says what is missing.
	v.Set("action", "check_earlier")
	v.Del("address")
	if r := apptest.PostForm(t, registrar, s.Path("/admin/appeals"), v); !strings.Contains(r.Body, "Щоб знайти попередні звернення") {
		t.Fatalf("a lookup without an address:\n%.3000s", r.Body)
	}
}
