package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
)

// TestRegistrarFastEntryInBrowser: the registration form as a clerk uses it for a pile of hotline
// cards — the focus starts in the channel, the author's earlier appeal appears as soon as the surname
// and the address are typed (the form's script, under the CSP), and "register and next" comes back to
// an empty form with the channel and the date kept and the last index said.
func TestRegistrarFastEntryInBrowser(t *testing.T) {
	chromium := findChromium(t)
	s := apptest.Start(t, nil)
	ctx := context.Background()
	s.SignIn(t, apptest.Browser(t), "dev-staff-registrar")
	if _, err := s.App.People.GrantRole(ctx, "s.hnatiuk@rada.zrazkove.example", identity.RoleRegistrar, "test"); err != nil {
		t.Fatal(err)
	}
	earlier, err := s.App.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: "phone", LastName: "Коваленко",
		FirstName: "Олена", Address: "м. Зразкове, вул. Соборна, 1", Type: "complaint", Summary: "Немає гарячої води.",
		Questions: []registry.QuestionInput{{SubjectCode: "09"}}})
	if err != nil {
		t.Fatal(err)
	}

	b := startBrowser(t, chromium, 90*time.Second)
	b.signInAs(s.URL, "Гнатюк Світлана Ігорівна")
	b.do("open the registration form", chromedp.Navigate(s.URL+"/admin/appeals/new"), chromedp.WaitVisible(chromedp.CSS("#f-summary")))
	if id := eval[string](b, "the focus", `document.activeElement.id`); id != "f-channel" {
		t.Errorf("the focus starts in %q, not the channel", id)
	}
	b.do("type a hotline card's author",
		chromedp.SetValue(chromedp.CSS("#f-channel"), "gov_hotline"),
		chromedp.SendKeys(chromedp.CSS("#f-external_ref"), "№ 88123 від 27.11.2026"),
		chromedp.SendKeys(chromedp.CSS("#f-last_name"), "Коваленко"),
		chromedp.SendKeys(chromedp.CSS("#f-first_name"), "Олена"),
		chromedp.SendKeys(chromedp.CSS("#f-address"), "м. Зразкове, вул. Соборна, 1"),
		// The script asks once typing pauses: the earlier appeal is offered without sending the form.
		chromedp.WaitVisible(chromedp.CSS("#sign-repeat-"+itoa(earlier.ID))),
	)
	if got := b.text("the earlier appeal"); !strings.Contains(got, earlier.RegIndex) {
		t.Errorf("the earlier appeal %s is not shown", earlier.RegIndex)
	}
	b.screenshots("registration-earlier")
	b.do("register and take the next card",
		chromedp.Click(chromedp.CSS("#sign-repeat-"+itoa(earlier.ID))),
		chromedp.Click(chromedp.CSS("#type-complaint")),
		chromedp.SetValue(chromedp.CSS(`select[name="q0_subject"]`), "09"),
		chromedp.SendKeys(chromedp.CSS("#f-summary"), "Знову немає гарячої води в будинку на Соборній, 1."),
		chromedp.Click(`//button[normalize-space()="Зареєструвати й наступне"]`),
		chromedp.WaitVisible(`//main//*[contains(normalize-space(), "зареєстровано.")]`),
	)
	if ch := eval[string](b, "the channel kept", `document.getElementById('f-channel').value`); ch != "gov_hotline" {
		t.Errorf("the channel is not kept: %q", ch)
	}
	if v := eval[string](b, "an empty form", `document.getElementById('f-last_name').value`); v != "" {
		t.Errorf("the next form is not empty: %q", v)
	}
	for _, line := range b.console() {
		if strings.Contains(line, "Content Security Policy") || strings.Contains(strings.ToLower(line), "error") {
			t.Errorf("console: %s", line)
		}
	}
	a, err := s.App.Registry.AppealByExternal(ctx, *mustSource(t, s, "1545"), "88123")
	if err != nil || a.Sign != registry.SignRepeat || a.RelatedAppealID == nil || *a.RelatedAppealID != earlier.ID {
		t.Fatalf("the card registered from the browser: %+v %v", a, err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func mustSource(t *testing.T, s *apptest.Server, code string) *int64 {
	t.Helper()
	src, err := s.App.Sources.ByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return &src.ID
}
