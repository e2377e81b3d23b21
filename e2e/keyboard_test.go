package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
)

// The keyboard measures of issue 14: tab stops counted with real key presses.
const (
	// maxJournalTabStops: from the journal's search field, the first result within this many tab stops.
	maxJournalTabStops = 5
	// maxRegistrationTabStops: on the registration form, from the channel (where the focus starts) to
	// "Зареєструвати". 17 is the form with the card's rarer fields and the files folded under
	// "Додаткові відомості" and the earlier-appeals button hidden by the script that replaces it (26 before); tighten it whenever the form loses a tab stop (the test logs the path it took), so the
	// tab order cannot grow back unnoticed.
	maxRegistrationTabStops = 17
)

// TestKeyboardTabStops counts tab stops as a clerk presses Tab: on the journal the first result comes
// within maxJournalTabStops after the search field (where the focus starts), and on the registration
// form the focus starts in the channel and reaches "Зареєструвати" within maxRegistrationTabStops.
func TestKeyboardTabStops(t *testing.T) {
	chromium := findChromium(t)
	s := apptest.Start(t, nil)
	ctx := context.Background()
	s.SignIn(t, apptest.Browser(t), "dev-staff-registrar")
	if _, err := s.App.People.GrantRole(ctx, "s.hnatiuk@rada.zrazkove.example", identity.RoleRegistrar, "test"); err != nil {
		t.Fatal(err)
	}
	for _, last := range []string{"Коваленко", "Бондар", "Ткачук"} {
		if _, err := s.App.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: "phone", LastName: last, FirstName: "Олена",
			Address: "м. Зразкове, вул. Соборна, 1", Type: "complaint", Summary: "Немає гарячої води.",
			Questions: []registry.QuestionInput{{SubjectCode: "09"}}}); err != nil {
			t.Fatal(err)
		}
	}
	b := startBrowser(t, chromium, 90*time.Second)
	b.signInAs(s.URL, "Гнатюк Світлана Ігорівна")

	b.do("open the journal", chromedp.Navigate(s.URL+"/admin/appeals"), chromedp.WaitVisible(chromedp.CSS("table.journal")))
	if id := eval[string](b, "the focus", `document.activeElement.id`); id != "f-q" {
		t.Errorf("the journal opens with the focus on %q, not the search field", id)
	}
	first := `document.querySelector('table.journal tbody a')`
	n, path := b.tabUntil(first, 3*maxJournalTabStops)
	t.Logf("journal: %d tab stops from the search field to the first result: %s", n, strings.Join(path, " → "))
	if n < 0 || n > maxJournalTabStops {
		t.Errorf("the first result is %d tab stops after the search field, want at most %d (-1: not reached)", n, maxJournalTabStops)
	}

	b.do("open the registration form", chromedp.Navigate(s.URL+"/admin/appeals/new"), chromedp.WaitVisible(chromedp.CSS("#f-summary")))
	if id := eval[string](b, "the focus", `document.activeElement.id`); id != "f-channel" {
		t.Errorf("the registration form opens with the focus on %q, not the channel", id)
	}
	submit := `[...document.querySelectorAll('main button[type="submit"]')].find(e => e.textContent.trim() === 'Зареєструвати')`
	if !eval[bool](b, "the submit button", submit+` !== undefined`) {
		b.fail("the registration form", fmt.Errorf("no button %q", "Зареєструвати"))
	}
	n, path = b.tabUntil(submit, 80)
	t.Logf("registration: %d tab stops from the channel to «Зареєструвати»: %s", n, strings.Join(path, " → "))
	if n < 0 || n > maxRegistrationTabStops {
		t.Errorf("«Зареєструвати» is %d tab stops after the channel, want at most %d (-1: not reached)", n, maxRegistrationTabStops)
	}
}

// tabUntil presses Tab until the element the expression gives has the focus, at most limit times, and
// returns how many presses it took (-1 if never) and what took the focus at each.
func (b *browser) tabUntil(target string, limit int) (int, []string) {
	b.t.Helper()
	var path []string
	for i := 1; i <= limit; i++ {
		b.do("press Tab", chromedp.KeyEvent("\t"))
		path = append(path, eval[string](b, "the focus", `(() => {
			const e = document.activeElement;
			if (!e || e === document.body) return '(body)';
			let s = e.tagName.toLowerCase();
			if (e.id) s += '#' + e.id;
			else if (e.name) s += '[name=' + e.name + ']';
			const text = (e.labels && e.labels[0] ? e.labels[0].textContent : e.textContent || e.value || '').trim().replace(/\s+/g, ' ');
			return s + (text ? ' «' + text.slice(0, 30) + '»' : '');
		})()`))
		if eval[bool](b, "where the focus is", `document.activeElement === `+target) {
			return i, path
		}
	}
	return -1, path
}
