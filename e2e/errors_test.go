package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
)

// TestErrorPagesInBrowser opens a missing page in both languages and a staff page refused to the role the
// visitor holds: each says what happened in its heading, what to do next and whom to contact, and the
// 403 names the roles that open the page.
func TestErrorPagesInBrowser(t *testing.T) {
	chromium := findChromium(t)
	s := apptest.Start(t, map[string]string{"HROMADA_COUNCIL_ADDRESS": "м. Зразкове, площа Центральна, 1",
		"HROMADA_COUNCIL_ADDRESS_EN": "1 Tsentralna Square, Zrazkove", "HROMADA_COUNCIL_PHONE": "+380 (44) 555-01-02",
		"HROMADA_COUNCIL_EMAIL": "rada@zrazkove.example"})
	s.SignIn(t, apptest.Browser(t), "dev-staff-registrar")
	if _, err := s.App.People.GrantRole(context.Background(), "s.hnatiuk@rada.zrazkove.example", identity.RoleRegistrar, "test"); err != nil {
		t.Fatal(err)
	}
	b := startBrowser(t, chromium, 90*time.Second)
	for _, c := range []struct{ lang, heading, next, contact, address string }{
		{"uk", "Сторінку не знайдено", "Що робити далі", "Куди звернутися", "м. Зразкове, площа Центральна, 1"},
		{"en", "Page not found", "What to do next", "Whom to contact", "1 Tsentralna Square, Zrazkove"},
	} {
		b.do("a missing page, "+c.lang,
			chromedp.Navigate(s.URL+"/lang/"+c.lang+"?next=/petitions/424242"),
			chromedp.WaitVisible(`//main//h1[normalize-space()="`+c.heading+`"]`),
		)
		text := b.text("read the 404, " + c.lang)
		for _, want := range []string{c.next, c.contact, c.address, "+380 (44) 555-01-02", "rada@zrazkove.example"} {
			if !strings.Contains(text, want) {
				t.Errorf("the 404 page in %s lacks %q:\n%s", c.lang, want, text)
			}
		}
		b.screenshots("error-404-" + c.lang)
	}
	b.do("sign in as the registrar",
		chromedp.Navigate(s.URL+"/lang/uk?next=/"),
		chromedp.Click(`//header//a[normalize-space()="Увійти"]`),
		chromedp.WaitVisible(`//button[normalize-space()="Гнатюк Світлана Ігорівна"]`),
		chromedp.Click(`//button[normalize-space()="Гнатюк Світлана Ігорівна"]`),
		chromedp.WaitVisible(`//form[@action="/auth/logout"]`),
		chromedp.Navigate(s.URL+"/admin/report"),
		chromedp.WaitVisible(`//main//h1[normalize-space()="Немає доступу до цієї сторінки"]`),
	)
	if text := b.text("read the 403"); !strings.Contains(text, "Цю сторінку відкривають ролі: аналітик, адміністратор.") ||
		!strings.Contains(text, "До робочого місця") {
		t.Errorf("the 403 page does not say which roles open it:\n%s", text)
	}
	b.screenshots("error-403-uk")
	for _, l := range b.console() {
		if !strings.Contains(l, "status of 4") {
			t.Errorf("console: %s", l)
		}
	}
}
