package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/apptest"
)

// Through the real sign-in: an e-mail the provider does not vouch for (the development provider's
// Ткаченко Богдан) links no appeal and grants no role, and the card says why; an appeal for someone who
// has not signed in yet waits, the card says so, and the author's sign-in with the e-mail verified
// brings it into "My appeals".
func TestAppealsLinkOnlyByVerifiedEmail(t *testing.T) {
	s, _, registrar, admin := staffServer(t)
	bohdan, iryna := apptest.Browser(t), apptest.Browser(t)
	s.SignIn(t, bohdan, "dev-citizen-bohdan")

	csrf := apptest.CSRF(t, apptest.Get(t, registrar, s.Path("/admin/appeals/new")).Body)
	register := func(last, first, email string) string {
		t.Helper()
		v := url.Values{"_csrf": {csrf}, "action": {"submit"}, "questions": {"1"}, "channel": {"phone"},
			"received_at": {time.Now().Format("2006-01-02")}, "nature": {"individual"}, "last_name": {last},
			"first_name": {first}, "email": {email}, "address": {"м. Зразкове, вул. Миру, 30"}, "type": {"application"},
			"q0_subject": {"09"}, "q0_text": {"Вивіз сміття"}, "summary": {"Прошу впорядкувати графік вивезення сміття."}}
		r := apptest.PostForm(t, registrar, s.Path("/admin/appeals"), v)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("register: %d\n%.2000s", r.Status, r.Body)
		}
		return apptest.Follow(s.Path("/admin/appeals"), r.Location)
	}

	unverified := register("Ткаченко", "Богдан", "bohdan.tkachenko@mail.example")
	if card := apptest.Get(t, registrar, unverified); !strings.Contains(card.Body, "постачальник ідентифікації не підтвердив адресу") {
		t.Fatalf("the card does not say why the appeal is in no account:\n%.4000s", card.Body)
	}
	if mine := apptest.Get(t, bohdan, s.Path("/appeals")); regexp.MustCompile(`Т-\d+/\d+`).MatchString(mine.Body) {
		t.Fatal("an appeal went to an account by an unverified e-mail")
	}
	page := apptest.Get(t, admin, s.Path("/admin/staff"))
	r := apptest.PostForm(t, admin, s.Path("/admin/staff"), url.Values{"_csrf": {apptest.CSRF(t, page.Body)},
		"email": {"bohdan.tkachenko@mail.example"}, "role": {"registrar"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "не підтвердив цю адресу особи") {
		t.Fatalf("a role by an unverified e-mail: want 422 with the reason, got %d", r.Status)
	}

	waiting := register("Бондар", "Ірина", "iryna.bondar@mail.example")
	if card := apptest.Get(t, registrar, waiting); !strings.Contains(card.Body, "із цією адресою на портал ще ніхто не входив") {
		t.Fatalf("the card does not say the appeal waits for its author:\n%.4000s", card.Body)
	}
	s.SignIn(t, iryna, "dev-citizen-iryna") // the provider vouches for her e-mail
	if mine := apptest.Get(t, iryna, s.Path("/appeals")); !regexp.MustCompile(`Б-\d+/\d+`).MatchString(mine.Body) {
		t.Fatalf("after signing in, the waiting appeal is not in My appeals:\n%.3000s", mine.Body)
	}
	if card := apptest.Get(t, registrar, waiting); strings.Contains(card.Body, "Не в кабінеті автора") {
		t.Fatal("the card still says the appeal is in no account")
	}
}
