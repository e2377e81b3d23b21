package admin_test

import (
	"fmt"
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

// headOf signs the head in on the server.
func headOf(t *testing.T, s *apptest.Server) *http.Client {
	t.Helper()
	head := apptest.Browser(t)
	s.SignIn(t, head, "dev-staff-head")
	if _, err := s.App.People.GrantRole(t.Context(), "v.kravchenko@rada.zrazkove.example", identity.RoleHead, "test"); err != nil {
		t.Fatal(err)
	}
	return head
}

// A forward a week after receipt: the card's form asks for the reason, refuses the step without it beside
// the field (keeping what was typed), takes it with one, and the card, the registry's filter and the
// dashboard show the breach; the analysts' report counts it.
func TestLateForwardOnTheCard(t *testing.T) {
	s, _, _, admin := staffServer(t)
	head := headOf(t, s)
	a, err := s.App.Registry.RegisterAppeal(t.Context(), registry.RegisterInput{Channel: "mail", LastName: "Ярема",
		FirstName: "Петро", Address: "м. Зразкове, вул. Лісова, 4", Type: "application", Summary: "Прошу виділити земельну ділянку.",
		Questions:  []registry.QuestionInput{{SubjectCode: "02", Text: "Земельна ділянка"}},
		ReceivedAt: time.Now().AddDate(0, 0, -8)})
	if err != nil {
		t.Fatal(err)
	}
	cardPath := fmt.Sprintf("/admin/appeals/%d", a.ID)
	card := apptest.Get(t, head, s.Path(cardPath))
	for _, want := range []string{`id="f-forward-late_reason"`, "Строк пересилання (5 днів від надходження) минув"} {
		if !strings.Contains(card.Body, want) {
			t.Errorf("the late card lacks %s", want)
		}
	}
	if strings.Contains(card.Body, `id="f-return-late_reason"`) {
		t.Error("8 days after receipt the return (10 days) asks for a reason")
	}
	v := url.Values{"_csrf": {apptest.CSRF(t, card.Body)}, "body": {"Держгеокадастр"}, "body_address": {"вул. Земельна, 2"},
		"letter": {"Питання земельних ділянок поза межами громади вирішує Держгеокадастр."}}
	r := apptest.PostForm(t, head, s.Path(cardPath+"/forward"), v)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-forward-late_reason-error"`) ||
		!strings.Contains(r.Body, "Строк цього кроку минув: вкажіть причину порушення строку.") ||
		!strings.Contains(r.Body, `value="Держгеокадастр"`) {
		t.Fatalf("a late forward without a reason: %d\n%.4000s", r.Status, r.Body)
	}
	v.Set("late_reason", "Лист ішов через канцелярію облради тиждень.")
	if r := apptest.PostForm(t, head, s.Path(cardPath+"/forward"), v); r.Status != http.StatusSeeOther {
		t.Fatalf("a late forward with a reason: %d\n%.3000s", r.Status, r.Body)
	}
	card = apptest.Get(t, head, s.Path(cardPath))
	for _, want := range []string{"Порушення строку", "надіслано за належністю пізніше 5 днів від надходження",
		"Лист ішов через канцелярію облради тиждень."} {
		if !strings.Contains(card.Body, want) {
			t.Errorf("the forwarded card lacks %s", want)
		}
	}
	link := fmt.Sprintf(`href="%s">%s</a>`, cardPath, a.RegIndex)
	if list := apptest.Get(t, head, s.Path("/admin/appeals?breach=1")); !strings.Contains(list.Body, link) ||
		strings.Contains(list.Body, "Коваленко") {
		t.Errorf("the registry's breaches:\n%.3000s", list.Body)
	}
	board := apptest.Get(t, head, s.Path("/admin/"))
	if !strings.Contains(board.Body, "Надіслано за належністю чи повернуто з порушенням строку") || !strings.Contains(board.Body, link) {
		t.Errorf("the dashboard lacks the breach:\n%.4000s", board.Body)
	}
	if _, err := s.App.People.GrantRole(t.Context(), "o.lytvynenko@rada.zrazkove.example", identity.RoleAnalyst, "test"); err != nil {
		t.Fatal(err)
	}
	day := time.Now().Format("2006-01-02")
	page := apptest.Get(t, admin, s.Path("/admin/report?kind=custom&from="+time.Now().AddDate(0, 0, -30).Format("2006-01-02")+"&to="+day))
	if !strings.Contains(page.Body, `<tr data-code="term_breaches"><th scope="row">Надіслано за належністю чи повернуто з порушенням строку</th><td class="num">1</td>`) {
		t.Errorf("the report lacks the breach:\n%.3000s", page.Body)
	}
}

// A letter with a name but no address is offered as anonymous instead of refused; registered so, it is
// out of deadline control and its card offers the registrar to leave it without consideration at once.
// The head may take another under control.
func TestAnonymousLetterAtTheDesk(t *testing.T) {
	s, _, registrar, _ := staffServer(t)
	head := headOf(t, s)
	page := apptest.Get(t, registrar, s.Path("/admin/appeals/new"))
	v := url.Values{"_csrf": {apptest.CSRF(t, page.Body)}, "action": {"submit"}, "questions": {"1"}, "channel": {"mail"},
		"received_at": {time.Now().Format("2006-01-02")}, "nature": {"individual"}, "last_name": {"Мирошник"},
		"first_name": {"Гнат"}, "type": {"complaint"}, "q0_subject": {"12"}, "q0_text": {"Шум уночі"},
		"summary": {"Сусіди щоночі шумлять, прошу вжити заходів."}}
	r := apptest.PostForm(t, registrar, s.Path("/admin/appeals"), v)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Письмове звернення без місця проживання автора є анонімним") ||
		!strings.Contains(r.Body, `name="action" value="as_anonymous"`) || !strings.Contains(r.Body, `value="Мирошник"`) {
		t.Fatalf("a letter without an address: %d\n%.4000s", r.Status, r.Body)
	}
	v.Set("channel", "phone") // a caller is asked for the address: no offer
	if r := apptest.PostForm(t, registrar, s.Path("/admin/appeals"), v); r.Status != http.StatusUnprocessableEntity ||
		strings.Contains(r.Body, "as_anonymous") {
		t.Fatalf("a call without an address: %d", r.Status)
	}
	v.Set("channel", "mail")
	v.Set("action", "as_anonymous")
	r = apptest.PostForm(t, registrar, s.Path("/admin/appeals"), v)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("registered as anonymous: %d\n%.3000s", r.Status, r.Body)
	}
	cardPath := regexp.MustCompile(`^/admin/appeals/\d+`).FindString(r.Location)
	card := apptest.Get(t, registrar, apptest.Follow(s.Path("/admin/appeals"), r.Location))
	for _, want := range []string{"БП-", "Анонімне", "Мирошник Гнат", "Не на контролі строків", "Анонімне звернення не стоїть на контролі строків (стаття 8).",
		`<details class="step" id="step-anonymous" open>`, `action="` + cardPath + `/anonymous"`} {
		if !strings.Contains(card.Body, want) {
			t.Errorf("the anonymous card lacks %s", want)
		}
	}
	if strings.Contains(card.Body, "/control\"") {
		t.Error("the registrar is offered the head's decision on control")
	}
	r = apptest.PostForm(t, registrar, s.Path(cardPath+"/anonymous"), url.Values{"_csrf": {apptest.CSRF(t, card.Body)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("left without consideration: %d\n%.3000s", r.Status, r.Body)
	}
	if card := apptest.Get(t, registrar, s.Path(cardPath)); !strings.Contains(card.Body, "Анонімне звернення (ст. 8)") ||
		strings.Contains(card.Body, `id="step-anonymous"`) {
		t.Errorf("the card after leaving it:\n%.4000s", card.Body)
	}

	// Another anonymous letter: the head takes it under control, and it gets its due date.
	other, err := s.App.Registry.RegisterAppeal(t.Context(), registry.RegisterInput{Channel: "mail", Nature: registry.NatureAnonymous,
		Type: "complaint", Summary: "Біля школи продають алкоголь.", Questions: []registry.QuestionInput{{SubjectCode: "12"}}})
	if err != nil {
		t.Fatal(err)
	}
	otherPath := fmt.Sprintf("/admin/appeals/%d", other.ID)
	card = apptest.Get(t, head, s.Path(otherPath))
	if !strings.Contains(card.Body, `action="`+otherPath+`/control"`) {
		t.Fatalf("the head is not offered control:\n%.4000s", card.Body)
	}
	r = apptest.PostForm(t, head, s.Path(otherPath+"/control"), url.Values{"_csrf": {apptest.CSRF(t, card.Body)},
		"note": {"Йдеться про дітей."}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("taken under control: %d", r.Status)
	}
	card = apptest.Get(t, head, s.Path(otherPath))
	if strings.Contains(card.Body, "Не на контролі строків") || !strings.Contains(card.Body, other.DueDate.Format("02.01.2006")) ||
		!strings.Contains(card.Body, "Взято на контроль строків") {
		t.Errorf("the card under control:\n%.4000s", card.Body)
	}
}

// A citizen's second e-appeal on the same subject, once the first was answered on the merits, is shown to
// staff as a repeat with the link and the hint at Art. 8; the registrar corrects the sign on the card.
func TestPortalRepeatOnTheCard(t *testing.T) {
	s, citizen, registrar, _ := staffServer(t)
	head := headOf(t, s)
	file := func() int64 {
		t.Helper()
		form := apptest.Get(t, citizen, s.Path("/appeals/new"))
		v := url.Values{"_csrf": {apptest.CSRF(t, form.Body)}, "questions": {"1"}, "last_name": {"Шевченко"},
			"first_name": {"Олена"}, "patronymic": {"Петрівна"}, "address": {"м. Зразкове, вул. Соборна, буд. 12, кв. 5"},
			"email": {"olena.shevchenko@mail.example"}, "type": {"complaint"}, "q0_subject": {"09"},
			"q0_text": {"Немає гарячої води"}, "summary": {"Третій тиждень у будинку на Соборній, 12 немає гарячої води."},
			"consent": {"yes"}}
		r := s.FileAppeal(t, citizen, v)
		m := regexp.MustCompile(`^/appeals/(\d+)/registered$`).FindStringSubmatch(r.Location)
		if r.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("filing: %d %q", r.Status, r.Location)
		}
		var id int64
		fmt.Sscan(m[1], &id)
		return id
	}
	first := file()
	// Answered on the merits (the workflow's own path is the registry's tests').
	if err := s.App.DB.Exec("UPDATE appeals SET status = ?, result = ?, answered_at = ? WHERE id = ?",
		registry.StatusAnswered, registry.ResultResolved, time.Now().UTC(), first).Error; err != nil {
		t.Fatal(err)
	}
	second := file()
	a, err := s.App.Registry.AppealForStaff(t.Context(), second)
	if err != nil {
		t.Fatal(err)
	}
	if a.Sign != registry.SignRepeat || a.RelatedAppealID == nil || *a.RelatedAppealID != first || !a.SignProposed {
		t.Fatalf("the second e-appeal: %s %v proposed %v, want a repeat of %d", a.Sign, a.RelatedAppealID, a.SignProposed, first)
	}
	firstCard, err := s.App.Registry.AppealForStaff(t.Context(), first)
	if err != nil {
		t.Fatal(err)
	}
	cardPath := fmt.Sprintf("/admin/appeals/%d", second)
	card := apptest.Get(t, head, s.Path(cardPath))
	for _, want := range []string{"Повторне", fmt.Sprintf(`<a href="/admin/appeals/%d">попереднє звернення %s</a>`, first, firstCard.RegIndex),
		"запропоновано автоматично — перевірте", "вирішено по суті", fmt.Sprintf(`value="repeat:%d" checked`, first),
		`<option value="repeat_resolved" selected>`} {
		if !strings.Contains(card.Body, want) {
			t.Errorf("the card lacks %s", want)
		}
	}
	card = apptest.Get(t, registrar, s.Path(cardPath))
	r := apptest.PostForm(t, registrar, s.Path(cardPath+"/sign"), url.Values{"_csrf": {apptest.CSRF(t, card.Body)}, "sign": {"repeat:"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-sign-sign-error"`) {
		t.Fatalf("a repeat of nothing: %d\n%.3000s", r.Status, r.Body)
	}
	r = apptest.PostForm(t, registrar, s.Path(cardPath+"/sign"), url.Values{"_csrf": {apptest.CSRF(t, card.Body)}, "sign": {"primary"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("corrected: %d\n%.3000s", r.Status, r.Body)
	}
	card = apptest.Get(t, registrar, s.Path(cardPath))
	if !strings.Contains(card.Body, "Ознаку надходження змінено") || strings.Contains(card.Body, "запропоновано автоматично") ||
		!strings.Contains(card.Body, `value="primary" checked`) {
		t.Errorf("the corrected card:\n%.4000s", card.Body)
	}
}

// A due date on a Saturday is flagged on the card and in the dashboard's lists, where the council keeps
// such dates (the default); a council that ends terms on working days gets the Friday before.
func TestDueOnADayOffIsFlagged(t *testing.T) {
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	saturday := time.Now().In(kyiv).AddDate(0, 0, -1)
	for saturday.Weekday() != time.Saturday {
		saturday = saturday.AddDate(0, 0, -1)
	}
	received := time.Date(saturday.Year(), saturday.Month(), saturday.Day()-30, 10, 0, 0, 0, kyiv)
	register := func(s *apptest.Server) *registry.Appeal {
		a, err := s.App.Registry.RegisterAppeal(t.Context(), registry.RegisterInput{Channel: "mail", LastName: "Ярема",
			FirstName: "Петро", Address: "м. Зразкове, вул. Лісова, 4", Type: "application", Summary: "Прошу відремонтувати дорогу.",
			Questions: []registry.QuestionInput{{SubjectCode: "03"}}, ReceivedAt: received})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}

	s, _, _, _ := staffServer(t)
	head := headOf(t, s)
	a := register(s)
	if a.DueDate.Weekday() != time.Saturday {
		t.Fatalf("due %s, want the Saturday kept", a.DueDate.Format(time.DateOnly))
	}
	card := apptest.Get(t, head, s.Path(fmt.Sprintf("/admin/appeals/%d", a.ID)))
	if !strings.Contains(card.Body, "вихідний день: завершіть розгляд до нього") {
		t.Errorf("the card does not flag the day off:\n%.3000s", card.Body)
	}
	board := apptest.Get(t, head, s.Path("/admin/"))
	flagged := regexp.MustCompile(fmt.Sprintf(`href="/admin/appeals/%d">[^<]+</a> — [^<]+<time[^>]+>[^<]+</time> <span class="badge">вихідний</span>`, a.ID))
	if !flagged.MatchString(board.Body) {
		t.Errorf("the dashboard does not flag the day off:\n%.4000s", board.Body)
	}

	earlier := apptest.Start(t, map[string]string{"HROMADA_DUE_ON_DAY_OFF": "earlier"})
	if r := apptest.Get(t, apptest.Browser(t), earlier.Path("/healthz")); r.Status != http.StatusOK {
		t.Fatalf("health: %d", r.Status)
	}
	if a := register(earlier); a.DueDate.Weekday() != time.Friday || !a.DueDate.Equal(registry.DueDate(received, 29)) {
		t.Errorf("due %s, want the Friday before", a.DueDate.Format(time.DateOnly))
	}
}
