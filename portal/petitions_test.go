package portal_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/devidp"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/mailtest"
	"github.com/hromada/hromada/internal/settlement"
	"github.com/hromada/hromada/internal/steptest"
)

const (
	iryna     = "dev-citizen-iryna"   // Бондар Ірина Василівна
	mariana   = "dev-citizen-mariana" // Дем'яненко Мар'яна Олегівна
	head      = "dev-staff-head"      // Кравченко Василь Петрович, made a moderator by the tests
	registrar = "dev-staff-registrar" // Гнатюк Світлана Ігорівна

	mailWait = 15 * time.Second

	longText = "Прошу раду встановити ліхтарі вздовж усієї вулиці, бо ввечері там темно й небезпечно для пішоходів."
)

var (
	createdPetition = regexp.MustCompile(`^/petitions/(\d+)\?created=1$`)
	progressValue   = regexp.MustCompile(`<progress id="progress"[^>]* value="(\d+)"`)
)

// who returns a test identity of the development provider.
func who(t *testing.T, subject string) devidp.Identity {
	t.Helper()
	for _, id := range devidp.Identities() {
		if id.Subject == subject {
			return id
		}
	}
	t.Fatalf("no test identity %q", subject)
	return devidp.Identity{}
}

// signedIn is a new browser signed in as the identity.
func signedIn(t *testing.T, s *apptest.Server, subject string) *http.Client {
	t.Helper()
	c := apptest.Browser(t)
	s.SignIn(t, c, subject)
	return c
}

// staffWith signs the identity in and grants it the role (a role can be granted only to someone who
// has signed in once).
func staffWith(t *testing.T, s *apptest.Server, subject, role string) *http.Client {
	t.Helper()
	c := signedIn(t, s, subject)
	if _, err := s.App.People.GrantRole(context.Background(), who(t, subject).Email, role, "test"); err != nil {
		t.Fatal(err)
	}
	return c
}

// csrfOf is the browser's CSRF token, read from a page that does not count signatures.
func csrfOf(t *testing.T, s *apptest.Server, c *http.Client) string {
	t.Helper()
	return apptest.CSRF(t, apptest.Get(t, c, s.Path("/account/petitions")).Body)
}

// createPetition sends a petition through the form as a citizen does: "Далі" (check), then, when similar
// petitions are shown, "Надіслати на модерацію" (submit). It returns the id and whether similar ones
// were shown.
func createPetition(t *testing.T, s *apptest.Server, c *http.Client, title, text, subject string) (string, bool) {
	t.Helper()
	form := apptest.Get(t, c, s.Path("/petitions/new"))
	if form.Status != http.StatusOK {
		t.Fatalf("new petition form: %d", form.Status)
	}
	v := url.Values{"_csrf": {apptest.CSRF(t, form.Body)}, "title": {title}, "text": {text}, "subject": {subject}, "action": {"check"}}
	r := apptest.PostForm(t, c, s.Path("/petitions"), v)
	similar := false
	if r.Status == http.StatusOK && strings.Contains(r.Body, "Схожі петиції вже збирають підписи") {
		similar = true
		if !strings.Contains(r.Body, `value="`+title+`"`) || !strings.Contains(r.Body, `name="action" value="submit"`) {
			t.Fatalf("the similar-petitions step must keep the form and offer to send it:\n%.3000s", r.Body)
		}
		v.Set("_csrf", apptest.CSRF(t, r.Body))
		v.Set("action", "submit")
		r = apptest.PostForm(t, c, s.Path("/petitions"), v)
	}
	m := createdPetition.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("create petition %q: want 303 to the petition, got %d %q\n%.2000s", title, r.Status, r.Location, r.Body)
	}
	return m[1], similar
}

// staffAction posts one step of /admin/petitions/{id}/{action} with the moderator's CSRF token.
func staffAction(t *testing.T, s *apptest.Server, mod *http.Client, id, action string, v url.Values) apptest.Response {
	t.Helper()
	if v == nil {
		v = url.Values{}
	}
	v.Set("_csrf", apptest.CSRF(t, apptest.Get(t, mod, s.Path("/admin/petitions")).Body))
	return apptest.PostForm(t, mod, s.Path("/admin/petitions/"+id+"/"+action), v)
}

func publish(t *testing.T, s *apptest.Server, mod *http.Client, id string) {
	t.Helper()
	if r := staffAction(t, s, mod, id, "publish", nil); r.Status != http.StatusSeeOther || r.Location != "/admin/petitions/"+id {
		t.Fatalf("publish %s: %d %q\n%.2000s", id, r.Status, r.Location, r.Body)
	}
}

// sign posts the signature as the browser's person and returns the response, not followed.
func sign(t *testing.T, s *apptest.Server, c *http.Client, id string) apptest.Response {
	t.Helper()
	return apptest.PostForm(t, c, s.Path("/petitions/"+id+"/sign"), url.Values{"_csrf": {csrfOf(t, s, c)}})
}

// signAndSee signs and opens the page the browser is sent back to, which shows the flash.
func signAndSee(t *testing.T, s *apptest.Server, c *http.Client, id, flash string) apptest.Response {
	t.Helper()
	r := sign(t, s, c, id)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/petitions/"+id) {
		t.Fatalf("sign %s: want 303 back to the petition, got %d %q\n%.1500s", id, r.Status, r.Location, r.Body)
	}
	page := apptest.Get(t, c, s.Path(r.Location))
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `<div class="notice ok" role="status"><p>`+flash) {
		t.Fatalf("after signing %s: want the flash %q, got %d\n%.3000s", id, flash, page.Status, page.Body)
	}
	return page
}

// mailTo finds the one message to the address whose subject contains the text.
func mailTo(t *testing.T, msgs []mailtest.Received, to, subject string) mailtest.Received {
	t.Helper()
	var found []mailtest.Received
	for _, m := range msgs {
		if slices.Contains(m.To, to) && strings.Contains(m.Subject, subject) {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		var got []string
		for _, m := range msgs {
			got = append(got, fmt.Sprintf("%v %q", m.To, m.Subject))
		}
		t.Fatalf("want one e-mail to %s about %q, found %d among:\n%s", to, subject, len(found), strings.Join(got, "\n"))
	}
	return found[0]
}

// waitForPage polls a page until it shows every text, for at most timeout.
func waitForPage(t *testing.T, s *apptest.Server, c *http.Client, path string, timeout time.Duration, want ...string) apptest.Response {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		r := apptest.Get(t, c, s.Path(path))
		missing := slices.DeleteFunc(slices.Clone(want), func(w string) bool { return strings.Contains(r.Body, w) })
		if r.Status == http.StatusOK && len(missing) == 0 {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: after %v still %d without %q", path, timeout, r.Status, missing)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func mustContain(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func TestPetitionFromCreationToAnswer(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_PETITION_THRESHOLD": "3"})
	author, b, c, anon := signedIn(t, s, olena), signedIn(t, s, andrii), signedIn(t, s, iryna), apptest.Browser(t)
	mod := staffWith(t, s, head, identity.RoleModerator)
	const title = "Освітлення вулиці Садової"

	// A refused form comes back with the message beside the field and everything typed kept.
	form := apptest.Get(t, author, s.Path("/petitions/new"))
	mustContain(t, "the new petition form", form.Body, "Нова петиція", "за 60 днів вона має зібрати 3 підписи")
	r := apptest.PostForm(t, author, s.Path("/petitions"), url.Values{"_csrf": {apptest.CSRF(t, form.Body)},
		"title": {title}, "text": {"Замало слів."}, "subject": {"09"}, "action": {"check"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("too short a text: want 422, got %d %q", r.Status, r.Location)
	}
	mustContain(t, "the refused form", r.Body, "Форму не надіслано",
		`<span class="error-text" id="f-text-error">Текст занадто короткий`, `value="`+title+`"`,
		`aria-invalid="true">Замало слів.</textarea>`, `<option value="09" selected>`)
	var n int64
	if err := s.App.DB.Table("petitions").Count(&n).Error; err != nil || n != 0 {
		t.Fatalf("a refused form created %d petitions (%v)", n, err)
	}

	// Created: in moderation, seen by its author only.
	id, _ := createPetition(t, s, author, title, longText, "09")
	page := apptest.Get(t, author, s.Path("/petitions/"+id+"?created=1"))
	if page.Status != http.StatusOK {
		t.Fatalf("the author's petition in moderation: %d", page.Status)
	}
	mustContain(t, "the author's page in moderation", page.Body, "Петицію надіслано на модерацію", "На модерації",
		"її бачите лише ви", title, "Рішення модератора до")
	if strings.Contains(page.Body, `action="/petitions/`+id+`/sign"`) {
		t.Error("a petition in moderation offers to sign")
	}
	if mine := apptest.Get(t, author, s.Path("/account/petitions")); !strings.Contains(mine.Body, `href="/petitions/`+id+`"><span lang="uk">`+title) {
		t.Error("My petitions lacks the new petition")
	}
	for name, cl := range map[string]*http.Client{"another citizen": b, "an anonymous visitor": anon} {
		if r := apptest.Get(t, cl, s.Path("/petitions/"+id)); r.Status != http.StatusNotFound {
			t.Errorf("a petition in moderation to %s: want 404, got %d", name, r.Status)
		}
	}
	queue := apptest.Get(t, mod, s.Path("/admin/petitions"))
	mustContain(t, "the moderation queue", queue.Body, `href="/admin/petitions/`+id+`">`+title)

	// Published: the author's own signature is the first.
	r = staffAction(t, s, mod, id, "publish", nil)
	if r.Status != http.StatusSeeOther || r.Location != "/admin/petitions/"+id {
		t.Fatalf("publish: %d %q\n%.1500s", r.Status, r.Location, r.Body)
	}
	mustContain(t, "the moderator's page after publishing", apptest.Get(t, mod, s.Path(r.Location)).Body,
		"Петицію оприлюднено, збір підписів почався.", "Триває збір підписів")
	published := mailTo(t, s.Mail.WaitFor(t, 1, mailWait), who(t, olena).Email, "Петицію № "+id+" оприлюднено")
	mustContain(t, "the publication e-mail", published.Part("text/plain"), title, s.Path("/petitions/"+id))

	// Two more citizens sign; signing twice is not an error.
	// One message about the signature at a time: the thanks, or "signed already", stand instead of "you
	// signed", never above it.
	page = signAndSee(t, s, b, id, "Дякуємо")
	if strings.Contains(page.Body, "Ви підписали цю петицію.") {
		t.Error("the thanks and \"you signed\" one under the other")
	}
	if page = signAndSee(t, s, b, id, "Ви вже підписали"); strings.Contains(page.Body, "Ви підписали цю петицію.") {
		t.Error("\"signed already\" and \"you signed\" one under the other")
	}
	if page = apptest.Get(t, b, s.Path("/petitions/"+id)); !strings.Contains(page.Body, "Ви підписали цю петицію.") ||
		strings.Contains(page.Body, "Дякуємо") {
		t.Error("a signatory's page does not say they signed, or thanks them again")
	}
	signAndSee(t, s, c, id, "Дякуємо")

	// The threshold of 3 is reached: consideration, and the author and the moderator are told. Signing
	// moves it at once, but a count cached before publication hides the author's signature (see
	// TestPublishedCountIncludesAuthorAtOnce); then the leader's periodic recount moves it within seconds.
	page = waitForPage(t, s, anon, "/petitions/"+id, 10*time.Second, "Набрала підписи, на розгляді", "Зібрано 3 підписи з 3 необхідних")
	mustContain(t, "the petition at its threshold", page.Body, "Відповідь до",
		"<li>Шевченко Олена Петрівна</li><li>Коваленко Андрій Миколайович</li><li>Бондар Ірина Василівна</li>")
	if strings.Contains(page.Body, `action="/petitions/`+id+`/sign"`) {
		t.Error("a petition under consideration offers to sign")
	}
	msgs := s.Mail.WaitFor(t, 3, mailWait)
	mailTo(t, msgs, who(t, olena).Email, "Петиція № "+id+" набрала 3 підписи")
	staffMail := mailTo(t, msgs, who(t, head).Email, "На розгляд: петиція № "+id)
	mustContain(t, "the moderator's e-mail", staffMail.Part("text/plain"), s.Path("/admin/petitions/"+id))

	// The answer is published; the author and every signatory are told (signatories by a background job).
	if r := apptest.Get(t, mod, s.Path("/admin/petitions/"+id)); !strings.Contains(r.Body, `action="/admin/petitions/`+id+`/answer"`) {
		t.Fatalf("no answer form for a petition under consideration:\n%.2000s", r.Body)
	}
	const answer = "Рада включила освітлення вулиці Садової до програми благоустрою на наступний рік."
	r = staffAction(t, s, mod, id, "answer", url.Values{"answer_kind": {"supported"}, "answer_text": {answer}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("answer: %d\n%.1500s", r.Status, r.Body)
	}
	page = apptest.Get(t, anon, s.Path("/petitions/"+id))
	mustContain(t, "the answered petition", page.Body, "Є відповідь", "Відповідь ради: підтримано", answer)
	msgs = s.Mail.WaitFor(t, 6, mailWait)
	mustContain(t, "the author's answer e-mail", mailTo(t, msgs, who(t, olena).Email, "Відповідь на петицію № "+id).Part("text/plain"), answer)
	for _, sub := range []string{andrii, iryna} {
		m := mailTo(t, msgs, who(t, sub).Email, "Відповідь на петицію № "+id)
		mustContain(t, "the signatory's answer e-mail", m.Part("text/plain"), answer, who(t, sub).GivenName)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(s.Mail.Messages()); n != 6 {
		t.Errorf("%d e-mails in all, want 6 (no one told twice)", n)
	}
}

func TestPetitionRejection(t *testing.T) {
	s := apptest.Start(t, nil)
	author, other := signedIn(t, s, mariana), signedIn(t, s, andrii)
	mod := staffWith(t, s, head, identity.RoleModerator)
	id, _ := createPetition(t, s, author, "Перейменувати площу Миру", longText, "01")

	// Without a reason: 422, the message beside the field and the typed explanation kept.
	r := staffAction(t, s, mod, id, "reject", url.Values{"reason": {""}, "reject_text": {"Пояснення без підстави"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a rejection without a reason: want 422, got %d %q", r.Status, r.Location)
	}
	mustContain(t, "the refused rejection", r.Body, `<span class="error-text">Оберіть підставу.</span>`, ">Пояснення без підстави</textarea>")
	if p, err := s.App.Petitions.Get(context.Background(), mustInt(t, id), 0, true); err != nil || p.State != "moderation" {
		t.Fatalf("after a refused rejection: %+v, %v", p, err)
	}

	const why = "Перейменування площ вирішує Український інститут національної пам'яті."
	r = staffAction(t, s, mod, id, "reject", url.Values{"reason": {"competence"}, "reject_text": {why}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("reject: %d\n%.1500s", r.Status, r.Body)
	}
	page := apptest.Get(t, author, s.Path("/petitions/"+id))
	mustContain(t, "the author's rejected petition", page.Body, "В оприлюдненні відмовлено", "Петицію не оприлюднено",
		"Питання поза повноваженнями громади", "Перейменування площ вирішує Український інститут національної пам&#39;яті.")
	if r := apptest.Get(t, other, s.Path("/petitions/"+id)); r.Status != http.StatusNotFound {
		t.Errorf("a rejected petition to another citizen: want 404, got %d", r.Status)
	}
	m := mailTo(t, s.Mail.WaitFor(t, 1, mailWait), who(t, mariana).Email, "Петицію № "+id+" не оприлюднено")
	mustContain(t, "the rejection e-mail", m.Part("text/plain"), why)
	// A rejected petition can neither be published nor rejected again.
	if r := staffAction(t, s, mod, id, "publish", nil); r.Status != http.StatusConflict {
		t.Errorf("publishing a rejected petition: want 409, got %d", r.Status)
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

func TestSigningOnlyWhileCollecting(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_PETITION_THRESHOLD": "2"})
	author, b, c := signedIn(t, s, olena), signedIn(t, s, andrii), signedIn(t, s, iryna)
	mod := staffWith(t, s, head, identity.RoleModerator)

	t.Run("does not exist", func(t *testing.T) {
		if r := sign(t, s, b, "999999"); r.Status != http.StatusNotFound {
			t.Errorf("signing a petition that does not exist: want 404, got %d", r.Status)
		}
	})

	t.Run("in moderation", func(t *testing.T) {
		id, _ := createPetition(t, s, author, "Новий майданчик для собак", longText, "09")
		if r := sign(t, s, b, id); r.Status != http.StatusNotFound {
			t.Errorf("signing a petition in moderation: want 404 as for one that does not exist, got %d %q", r.Status, r.Location)
		}
		if n, err := s.App.Petitions.Count(context.Background(), mustInt(t, id)); err != nil || n != 0 {
			t.Errorf("a petition in moderation has %d signatures (%v)", n, err)
		}
	})

	t.Run("answered", func(t *testing.T) {
		id, _ := createPetition(t, s, author, "Питна вода у школах", longText, "09")
		publish(t, s, mod, id)
		signAndSee(t, s, b, id, "Дякуємо") // 2 of 2: under consideration
		r := staffAction(t, s, mod, id, "answer", url.Values{"answer_kind": {"partly"}, "answer_text": {"Фонтанчики встановлять у двох школах із п'яти."}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("answer: %d\n%.1500s", r.Status, r.Body)
		}
		page := signAndSee(t, s, c, id, "Збір підписів під цією петицією не триває")
		mustContain(t, "the answered petition", page.Body, "Зібрано 2 підписи з 2 необхідних")
	})

	t.Run("without a CSRF token", func(t *testing.T) {
		id, _ := createPetition(t, s, author, "Велодоріжка до залізничного вокзалу", longText, "09")
		publish(t, s, mod, id)
		for name, v := range map[string]url.Values{"missing": {}, "forged": {"_csrf": {"forged-token"}}} {
			if r := apptest.PostForm(t, c, s.Path("/petitions/"+id+"/sign"), v); r.Status != http.StatusForbidden {
				t.Errorf("%s token: want 403, got %d", name, r.Status)
			}
		}
		if r := apptest.PostForm(t, apptest.Browser(t), s.Path("/petitions/"+id+"/sign"), url.Values{}); r.Status != http.StatusForbidden &&
			!(r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location, "/auth/login")) {
			t.Errorf("an anonymous signature: want 403 or a sign-in, got %d %q", r.Status, r.Location)
		}
		if n, err := s.App.Petitions.Count(context.Background(), mustInt(t, id)); err != nil || n != 1 {
			t.Errorf("after refused signatures the count is %d (%v), want the author's 1", n, err)
		}
	})
}

func TestPetitionModerationNeedsRole(t *testing.T) {
	s := apptest.Start(t, nil)
	author := signedIn(t, s, olena)
	reg := staffWith(t, s, registrar, identity.RoleRegistrar)
	id, _ := createPetition(t, s, author, "Зупинка громадського транспорту", longText, "09")
	for _, p := range []string{"/admin/petitions", "/admin/petitions/" + id} {
		if r := apptest.Get(t, author, s.Path(p)); r.Status != http.StatusNotFound {
			t.Errorf("%s to a citizen: want 404, got %d", p, r.Status)
		}
		if r := apptest.Get(t, reg, s.Path(p)); r.Status != http.StatusForbidden {
			t.Errorf("%s to a registrar: want 403, got %d", p, r.Status)
		}
		if r := apptest.Get(t, apptest.Browser(t), s.Path(p)); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/auth/login") {
			t.Errorf("%s to a visitor: want a sign-in, got %d %q", p, r.Status, r.Location)
		}
	}
	r := apptest.PostForm(t, reg, s.Path("/admin/petitions/"+id+"/publish"), url.Values{"_csrf": {csrfOf(t, s, reg)}})
	if r.Status != http.StatusForbidden {
		t.Errorf("a registrar publishing: want 403, got %d", r.Status)
	}
	r = apptest.PostForm(t, author, s.Path("/admin/petitions/"+id+"/publish"), url.Values{"_csrf": {csrfOf(t, s, author)}})
	if r.Status != http.StatusNotFound {
		t.Errorf("a citizen publishing: want 404, got %d", r.Status)
	}
	if p, err := s.App.Petitions.Get(context.Background(), mustInt(t, id), 0, true); err != nil || p.State != "moderation" {
		t.Fatalf("after refused publications: %+v, %v", p, err)
	}
}

// openDataFixture has four petitions: "парк" collecting under subject 09 with 3 signatures, "бібліотека"
// collecting under subject 10 with 1, "лікарня" under consideration (threshold 4), and "школа" in
// moderation.
type openDataFixture struct {
	s                                *apptest.Server
	anon                             *http.Client // a visitor who has not signed in
	park, library, hospital, private string
}

// public are the petitions anyone may see.
func (f *openDataFixture) public() []string { return []string{f.park, f.hospital, f.library} }

func newOpenDataFixture(t *testing.T) *openDataFixture {
	t.Helper()
	s := apptest.Start(t, map[string]string{"HROMADA_PETITION_THRESHOLD": "4", "HROMADA_COUNCIL_PHONE": "+380 (44) 555-01-02",
		"HROMADA_COUNCIL_EMAIL": "rada@zrazkove.example"})
	olenaC, andriiC, irynaC, marianaC := signedIn(t, s, olena), signedIn(t, s, andrii), signedIn(t, s, iryna), signedIn(t, s, mariana)
	mod := staffWith(t, s, head, identity.RoleModerator)
	f := &openDataFixture{s: s, anon: apptest.Browser(t)}
	var similar bool
	f.park, _ = createPetition(t, s, olenaC, "Міський парк: відновити фонтан", longText, "09")
	publish(t, s, mod, f.park)
	// A title with the same words: the form first shows the park petition as similar.
	f.hospital, similar = createPetition(t, s, andriiC, "Ремонт лікарні біля фонтану", longText+" Лікарня.", "09")
	if !similar {
		t.Error("a petition with a similar title was created without showing the similar ones")
	}
	publish(t, s, mod, f.hospital)
	f.library, _ = createPetition(t, s, irynaC, "Подовжити години роботи бібліотеки", longText, "10")
	publish(t, s, mod, f.library)
	f.private, _ = createPetition(t, s, olenaC, "Нова школа на Садовій", longText, "10")
	// The test people live in м. Зразкове: their signatures count under it (the authors' own, made at
	// publication, are not determined).
	if _, err := s.App.Settlements.Create(context.Background(), settlement.Input{NameUK: "Зразкове", NameEN: "Zrazkove", Kind: "city"}); err != nil {
		t.Fatal(err)
	}

	signAndSee(t, s, andriiC, f.park, "Дякуємо")
	signAndSee(t, s, marianaC, f.park, "Дякуємо")
	for _, c := range []*http.Client{olenaC, irynaC, marianaC} {
		signAndSee(t, s, c, f.hospital, "Дякуємо") // the 4th: consideration
	}
	// Lists read the stored counts, which the queue's leader refreshes every 5 s; do it now.
	if err := s.App.Petitions.RefreshCounts(context.Background()); err != nil {
		t.Fatal(err)
	}
	return f
}

// Anyone reads the published petitions as a list page, as JSON and as CSV, filtered and searched, with
// no one's personal data; a petition in moderation is in none of them.
func TestPetitionListAndOpenData(t *testing.T) {
	steptest.Run(t, newOpenDataFixture(t), []steptest.Step[*openDataFixture]{
		{Name: "JSON list", Run: checkJSONList},
		{Name: "JSON filters and one petition", Run: checkJSONFiltersAndOnePetition},
		{Name: "CSV", Run: checkCSVList},
		{Name: "list page", Run: checkListPage},
		{Name: "search is case-insensitive", Run: checkCaseInsensitiveSearch},
		{Name: "similar petitions despite inflection", Run: checkSimilarDespiteInflection},
		{Name: "petition page", Run: checkPetitionPage},
		{Name: "the list shows the page's count", Run: checkListCountsAgree},
		{Name: "signatures by settlement and sharing", Run: checkBySettlementAndShare},
		{Name: "home page", Run: checkHomePage},
	})
}

// The JSON list has its documented keys, the three public petitions with their figures, and no one's
// personal data.
func checkJSONList(t *testing.T, f *openDataFixture) {
	s := f.s
	r := apptest.Get(t, f.anon, s.Path("/api/v1/petitions"))
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/v1/petitions: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.Body), &top); err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(top)); !slices.Equal(got, []string{"items", "page", "per_page", "total"}) {
		t.Errorf("top-level keys: %v", got)
	}
	var list struct {
		Items   []map[string]any `json:"items"`
		Page    int              `json:"page"`
		PerPage int              `json:"per_page"`
		Total   int              `json:"total"`
	}
	if err := json.Unmarshal([]byte(r.Body), &list); err != nil {
		t.Fatal(err)
	}
	if list.Page != 1 || list.PerPage != 20 || list.Total != 3 || len(list.Items) != 3 {
		t.Fatalf("page %d, per_page %d, total %d, %d items; want 1, 20, 3, 3", list.Page, list.PerPage, list.Total, len(list.Items))
	}
	want := []string{"answer", "author", "collection_ends_at", "id", "published_at", "signatures", "state", "subject",
		"text", "threshold", "threshold_reached_at", "title", "url"}
	byID := map[string]map[string]any{}
	for _, it := range list.Items {
		if got := slices.Sorted(maps.Keys(it)); !slices.Equal(got, want) {
			t.Errorf("item keys: %v\nwant %v", got, want)
		}
		byID[fmt.Sprint(it["id"])] = it
	}
	for _, id := range f.public() {
		if byID[id] == nil {
			t.Errorf("the list lacks petition %s", id)
		}
	}
	if byID[f.private] != nil {
		t.Error("the list shows a petition in moderation")
	}
	checkJSONItems(t, f, byID)
	noPersonalData(t, "the JSON list", r.Body)
}

// checkJSONItems checks the figures of the park and hospital petitions in the JSON list, by id.
func checkJSONItems(t *testing.T, f *openDataFixture, byID map[string]map[string]any) {
	t.Helper()
	if p := byID[f.park]; p != nil {
		if p["signatures"] != 3.0 || p["threshold"] != 4.0 || p["state"] != "collecting" || p["subject"] != "09" ||
			p["author"] != "Шевченко Олена Петрівна" || p["url"] != f.s.Path("/petitions/"+f.park) || p["answer"] != nil ||
			p["published_at"] == nil || p["collection_ends_at"] == nil || p["threshold_reached_at"] != nil {
			t.Errorf("the park petition: %v", p)
		}
	}
	if p := byID[f.hospital]; p != nil && (p["state"] != "consideration" || p["threshold_reached_at"] == nil) {
		t.Errorf("the hospital petition: %v", p)
	}
}

func checkJSONFiltersAndOnePetition(t *testing.T, f *openDataFixture) {
	s, anon := f.s, f.anon
	for q, want := range map[string][]string{
		"state=consideration":         {f.hospital},
		"state=collecting":            {f.library, f.park},
		"subject=10":                  {f.library},
		"subject=09&state=collecting": {f.park},
		"state=moderation":            f.public(), // not a public state: ignored
	} {
		if got := apiIDs(t, s, anon, "/api/v1/petitions?"+q); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
			t.Errorf("?%s: got %v, want %v", q, got, want)
		}
	}
	r := apptest.Get(t, anon, s.Path("/api/v1/petitions/"+f.park))
	var one map[string]any
	if err := json.Unmarshal([]byte(r.Body), &one); r.Status != http.StatusOK || err != nil ||
		fmt.Sprint(one["id"]) != f.park || one["signatures"] != 3.0 || len(one) != 13 {
		t.Errorf("GET /api/v1/petitions/%s: %d %v %v", f.park, r.Status, err, one)
	}
	noPersonalData(t, "one petition's JSON", r.Body)
	for _, id := range []string{f.private, "999999"} {
		if r := apptest.Get(t, anon, s.Path("/api/v1/petitions/"+id)); r.Status != http.StatusNotFound ||
			!strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Errorf("GET /api/v1/petitions/%s: want a JSON 404, got %d %s", id, r.Status, r.Header.Get("Content-Type"))
		}
	}
}

func checkCSVList(t *testing.T, f *openDataFixture) {
	r := apptest.Get(t, f.anon, f.s.Path("/petitions.csv"))
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("GET /petitions.csv: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][0] != "id" || rows[0][1] != "title" || !slices.Contains(rows[0], "signatures") {
		t.Fatalf("want a header and 3 rows, got %d rows:\n%s", len(rows), r.Body)
	}
	var ids []string
	for _, row := range rows[1:] {
		if len(row) != len(rows[0]) {
			t.Errorf("row %v has %d cells, the header %d", row, len(row), len(rows[0]))
		}
		ids = append(ids, row[0])
	}
	if slices.Sort(ids); !slices.Equal(ids, slices.Sorted(slices.Values(f.public()))) {
		t.Errorf("CSV rows: %v, want %v", ids, f.public())
	}
	noPersonalData(t, "the CSV", r.Body)
}

func checkListPage(t *testing.T, f *openDataFixture) {
	s, anon := f.s, f.anon
	for q, want := range map[string][]string{
		"":                    {f.park, f.hospital, f.library},
		"q=бібліотеки":        {f.library},
		"q=парк":              {f.park},
		"q=фонтан":            {f.park, f.hospital},
		"state=consideration": {f.hospital},
		"subject=10":          {f.library},
	} {
		if got := listIDs(t, s, anon, q); !sameSet(got, want) {
			t.Errorf("/petitions?%s: got %v, want %v", q, got, want)
		}
	}
	// Sorted by signatures: the hospital (4), the park (3), the library (1).
	if got := listIDs(t, s, anon, "sort=signatures"); !slices.Equal(got, []string{f.hospital, f.park, f.library}) {
		t.Errorf("sorted by signatures: %v", got)
	}
	page := apptest.Get(t, anon, s.Path("/petitions?q=парк&state=collecting"))
	mustContain(t, "the filtered list", page.Body, "Знайдено 1 петицію", `<option value="collecting" selected>`, `value="парк"`)
}

// Titles start with a capital letter; people type in lower case, and the other way round.
func checkCaseInsensitiveSearch(t *testing.T, f *openDataFixture) {
	for q, want := range map[string][]string{"q=ремонт": {f.hospital}, "q=МІСЬКИЙ": {f.park}} {
		if got := listIDs(t, f.s, f.anon, q); !sameSet(got, want) {
			t.Errorf("/petitions?%s: got %v, want %v", q, got, want)
		}
		if got := apiIDs(t, f.s, f.anon, "/api/v1/petitions?"+q); !sameSet(got, want) {
			t.Errorf("/api/v1/petitions?%s: got %v, want %v", q, got, want)
		}
	}
}

func checkSimilarDespiteInflection(t *testing.T, f *openDataFixture) {
	s := f.s
	c := signedIn(t, s, iryna)
	r := apptest.PostForm(t, c, s.Path("/petitions"), url.Values{"_csrf": {csrfOf(t, s, c)}, "title": {"Лави в міському парку"},
		"text": {longText}, "subject": {"09"}, "action": {"check"}})
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `href="/petitions/`+f.park+`"`) {
		t.Errorf("\"Лави в міському парку\" does not show \"Міський парк\" as similar: %d", r.Status)
	}
}

func checkPetitionPage(t *testing.T, f *openDataFixture) {
	page := apptest.Get(t, f.anon, f.s.Path("/petitions/"+f.park))
	mustContain(t, "the park petition", page.Body, "Зібрано 3 підписи з 4 необхідних", `max="4"`,
		"<li>Шевченко Олена Петрівна</li>", "<li>Коваленко Андрій Миколайович</li>", "<li>Дем&#39;яненко Мар&#39;яна Олегівна</li>",
		"Увійдіть, щоб підписати")
	if m := progressValue.FindStringSubmatch(page.Body); m == nil || m[1] != "3" {
		t.Errorf("the <progress> element: %v", m)
	}
	noPersonalData(t, "the petition page", page.Body)
}

// noPersonalData checks that no e-mail, tax number or person id of the test people is in the body.
func noPersonalData(t *testing.T, what, body string) {
	t.Helper()
	for _, id := range devidp.Identities() {
		for _, secret := range []string{id.Email, id.TaxID, id.Phone} {
			if strings.Contains(body, secret) {
				t.Errorf("%s contains %q", what, secret)
			}
		}
	}
	for _, word := range []string{"drfocode", "@mail.example", "person_id", "tax"} {
		if strings.Contains(strings.ToLower(body), word) {
			t.Errorf("%s contains %q", what, word)
		}
	}
}

func apiIDs(t *testing.T, s *apptest.Server, c *http.Client, path string) []string {
	t.Helper()
	r := apptest.Get(t, c, s.Path(path))
	var list struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if err := json.Unmarshal([]byte(r.Body), &list); r.Status != http.StatusOK || err != nil {
		t.Fatalf("GET %s: %d %v\n%.500s", path, r.Status, err, r.Body)
	}
	ids := make([]string, 0, len(list.Items))
	for _, it := range list.Items {
		ids = append(ids, strconv.FormatInt(it.ID, 10))
	}
	if list.Total != len(ids) {
		t.Errorf("GET %s: total %d with %d items", path, list.Total, len(ids))
	}
	slices.Sort(ids)
	return ids
}

var cardLink = regexp.MustCompile(`<article class="petition-card">\s*<h2><a href="/petitions/(\d+)">`)

// listIDs returns the petitions of the public list page, in order.
func listIDs(t *testing.T, s *apptest.Server, c *http.Client, query string) []string {
	t.Helper()
	r := apptest.Get(t, c, s.Path("/petitions?"+query))
	if r.Status != http.StatusOK {
		t.Fatalf("/petitions?%s: %d", query, r.Status)
	}
	var ids []string
	for _, m := range cardLink.FindAllStringSubmatch(r.Body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

func TestSigningIsRateLimitedPerAccount(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_LIMIT_SIGN": "1/1m"})
	author, signer := signedIn(t, s, olena), signedIn(t, s, andrii)
	mod := staffWith(t, s, head, identity.RoleModerator)
	first, _ := createPetition(t, s, author, "Світлофор біля ринку", longText, "09")
	second, _ := createPetition(t, s, author, "Пандус до поліклініки", longText, "09")
	publish(t, s, mod, first)
	publish(t, s, mod, second)

	signAndSee(t, s, signer, first, "Дякуємо")
	r := sign(t, s, signer, second)
	if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "Забагато спроб") {
		t.Fatalf("a second signature within the minute: want 429 with a message, got %d %q\n%.1000s", r.Status, r.Location, r.Body)
	}
	if n, err := s.App.Petitions.Count(context.Background(), mustInt(t, second)); err != nil || n != 1 {
		t.Errorf("the refused signature was counted: %d (%v)", n, err)
	}
	// The limit is per account: another citizen on the same address may still sign.
	signAndSee(t, s, signedIn(t, s, iryna), second, "Дякуємо")
}

func TestPublishedCountIncludesAuthorAtOnce(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_PETITION_THRESHOLD": "2"})
	author, b := signedIn(t, s, olena), signedIn(t, s, andrii)
	mod := staffWith(t, s, head, identity.RoleModerator)
	id, _ := createPetition(t, s, author, "Ранкові рейси автобуса до села", longText, "09")
	// The author looks at the petition in moderation (no signatures yet), and it is published at once.
	mustContain(t, "the petition in moderation", apptest.Get(t, author, s.Path("/petitions/"+id)).Body, "На модерації")
	publish(t, s, mod, id)
	mustContain(t, "the published petition", apptest.Get(t, author, s.Path("/petitions/"+id)).Body, "Зібрано 1 підпис з 2 необхідних")
	// The second signature reaches the threshold of 2 there and then.
	page := signAndSee(t, s, b, id, "Дякуємо")
	mustContain(t, "the petition at its threshold", page.Body, "Набрала підписи, на розгляді", "Зібрано 2 підписи з 2 необхідних")
}

// A shared cache may keep an anonymous view of a petition for a second, but never a response that sets
// a cookie (it would hand one visitor's session to the next).
func TestAnonymousPetitionPageCaching(t *testing.T) {
	s := apptest.Start(t, nil)
	author := signedIn(t, s, olena)
	mod := staffWith(t, s, head, identity.RoleModerator)
	id, _ := createPetition(t, s, author, "Нічне освітлення на набережній", longText, "09")
	publish(t, s, mod, id)
	anon := apptest.Browser(t)
	for _, path := range []string{"/petitions/" + id, "/api/v1/petitions/" + id, "/api/v1/petitions", "/petitions.csv"} {
		r := apptest.Get(t, anon, s.Path(path))
		if r.Status != 200 || len(r.Header.Values("Set-Cookie")) > 0 || !strings.Contains(r.Header.Get("Cache-Control"), "public") {
			t.Errorf("%s for an anonymous reader: %d, cookies %v, Cache-Control %q (want no cookie, public)",
				path, r.Status, r.Header.Values("Set-Cookie"), r.Header.Get("Cache-Control"))
		}
	}
	if r := apptest.Get(t, author, s.Path("/petitions/"+id)); strings.Contains(r.Header.Get("Cache-Control"), "public") {
		t.Fatal("a signed-in view must not be cacheable by others")
	}
}
