package admin_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
)

var staffNavBlock = regexp.MustCompile(`(?s)<nav class="main" aria-label="Службова навігація">(.*?)</nav>`)

// Staff pages carry the staff area's own navigation, by role, full width; the citizens' links stay in
// the citizens' area.
func TestStaffNavigationByRole(t *testing.T) {
	s, citizen, registrar, admin := staffServer(t)
	nav := func(body string) string {
		m := staffNavBlock.FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return m[1]
	}
	page := apptest.Get(t, registrar, s.Path("/admin/appeals"))
	got := nav(page.Body)
	for _, want := range []string{`href="/admin/appeals" aria-current="page">Реєстр`, `href="/admin/appeals/new">Зареєструвати`,
		`Контроль строків`, `href="/admin/import">Імпорт`, `До відправлення`} {
		if !strings.Contains(got, want) {
			t.Errorf("the registrar's navigation lacks %q:\n%s", want, got)
		}
	}
	for _, not := range []string{"Звіти", "Адміністрування", "Модерація петицій", "На затвердженні"} {
		if strings.Contains(got, not) {
			t.Errorf("the registrar's navigation shows %q", not)
		}
	}
	if strings.Contains(page.Body, `href="/appeals/new"`) || strings.Contains(page.Body, `href="/petitions"`) ||
		!strings.Contains(page.Body, `<main id="content" class="wrap wide"`) {
		t.Error("a staff page shows the citizens' links or is not full width")
	}
	if got := nav(apptest.Get(t, registrar, s.Path("/admin/appeals/new")).Body); !strings.Contains(got, `href="/admin/appeals/new" aria-current="page"`) ||
		strings.Contains(got, `href="/admin/appeals" aria-current`) {
		t.Errorf("on the registration form, Зареєструвати is the current entry:\n%s", got)
	}
	if got := nav(apptest.Get(t, admin, s.Path("/admin/staff")).Body); !strings.Contains(got, `aria-current="page">Адміністрування`) ||
		!strings.Contains(got, "Звіти") {
		t.Errorf("the admin's navigation:\n%s", got)
	}
	home := apptest.Get(t, citizen, s.Path("/"))
	if nav(home.Body) != "" || !strings.Contains(home.Body, `href="/appeals/new"`) {
		t.Error("the citizens' pages keep the citizens' navigation")
	}
}
