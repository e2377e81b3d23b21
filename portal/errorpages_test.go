package portal_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
)

// An error page says what happened in its heading, what to do next and whom to contact (the council's
// contacts from configuration, with the request's number); a 403 names the roles that open the page.
func TestErrorPagesSayWhatToDo(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_COUNCIL_PHONE": "0 800 123 456", "HROMADA_COUNCIL_EMAIL": "rada@zrazkove.example"})
	anon := apptest.Browser(t)
	r := apptest.Get(t, anon, s.Path("/petitions/999999"))
	if r.Status != http.StatusNotFound {
		t.Fatalf("a missing petition: %d", r.Status)
	}
	mustContain(t, "the 404 page", r.Body, "<h1>Сторінку не знайдено</h1>", "<h2>Що робити далі</h2>", "Перевірте адресу.",
		"<h2>Куди звернутися</h2>", `<a href="tel:0800123456">0 800 123 456</a>`, "rada@zrazkove.example",
		"Номер запиту для служби підтримки", "Код помилки: 404", "<title>Сторінку не знайдено — ")
	if strings.Contains(r.Body, `<p class="lead">Сторінку не знайдено.</p>`) {
		t.Error("the 404 page says its heading twice")
	}

	apptest.Get(t, anon, s.Path("/lang/en?next=/"))
	r = apptest.Get(t, anon, s.Path("/no/such/page"))
	mustContain(t, "the 404 page in English", r.Body, "<h1>Page not found</h1>", "<h2>What to do next</h2>", "<h2>Whom to contact</h2>",
		"Error code: 404")

	registrar := staffWith(t, s, registrar, identity.RoleRegistrar)
	r = apptest.Get(t, registrar, s.Path("/admin/report"))
	if r.Status != http.StatusForbidden {
		t.Fatalf("the report to a registrar: %d", r.Status)
	}
	mustContain(t, "the 403 page", r.Body, "<h1>Немає доступу до цієї сторінки</h1>",
		"Цю сторінку відкривають ролі: аналітик, адміністратор.", `<a href="/admin/">До робочого місця</a>`)

	// A form sent with a stale token is refused with its own message under the heading.
	r = apptest.PostForm(t, registrar, s.Path("/account/notices"), nil)
	mustContain(t, "the CSRF page", r.Body, "<h1>Сторінка застаріла: форму не прийнято</h1>", "оновіть її")
	if strings.Contains(r.Body, "Цю сторінку відкривають") {
		t.Error("a refused form names roles")
	}
}
