package e2e

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
)

// signInAs signs the browser out (when signed in) and in again as the development identity named.
func (b *browser) signInAs(portal, name string) {
	b.t.Helper()
	b.do("open the home page to sign in as "+name, chromedp.Navigate(portal+"/"))
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('form[action="/auth/logout"] button').length`)); err == nil && n > 0 {
		b.do("sign out", chromedp.Click(chromedp.CSS(`form[action="/auth/logout"] button`)),
			chromedp.WaitVisible(`//header//a[normalize-space()="Увійти"]`))
		b.do("back to the portal", chromedp.Navigate(portal+"/"))
	}
	b.do("sign in as "+name,
		chromedp.WaitVisible(`//header//a[normalize-space()="Увійти"]`),
		chromedp.Click(`//header//a[normalize-space()="Увійти"]`),
		chromedp.WaitVisible(fmt.Sprintf(`//button[normalize-space()=%q]`, name)),
		chromedp.Click(fmt.Sprintf(`//button[normalize-space()=%q]`, name)),
		chromedp.WaitVisible(`//header//form[@action="/auth/logout"]`),
	)
}

// TestTelephoneAppealFromRegistrationToAnswer is the staff area's whole path in a real browser: a
// registrar registers a telephone appeal, the head assigns it to a department, the department's
// executor drafts the reply with a result for the question, the head approves it, and the citizen finds
// the answer in "Мої звернення" (and in the mail).
func TestTelephoneAppealFromRegistrationToAnswer(t *testing.T) {
	chromium := findChromium(t)
	s := apptest.Start(t, nil)
	ctx := context.Background()

	// The council's set-up, done by an admin elsewhere: staff who signed in once, their roles, a
	// department with its executor. The citizen has an account, so her telephone appeal is hers to see.
	for _, sub := range []string{"dev-staff-registrar", "dev-staff-executor", "dev-staff-head", "dev-citizen-olena"} {
		s.SignIn(t, apptest.Browser(t), sub)
	}
	for email, role := range map[string]string{"s.hnatiuk@rada.zrazkove.example": identity.RoleRegistrar,
		"v.kravchenko@rada.zrazkove.example": identity.RoleHead} {
		if _, err := s.App.People.GrantRole(ctx, email, role, "test"); err != nil {
			t.Fatal(err)
		}
	}
	dept, err := s.App.Departments.Create(ctx, "Управління житлово-комунального господарства", "Housing and Utilities Department")
	if err != nil {
		t.Fatal(err)
	}
	executor, err := s.App.People.GrantRole(ctx, "t.melnyk@rada.zrazkove.example", identity.RoleExecutor, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.App.People.SetDepartment(ctx, s.App.DB, executor.ID, dept.ID); err != nil {
		t.Fatal(err)
	}

	b := startBrowser(t, chromium, 120*time.Second)

	// 1. The registrar takes the call.
	b.signInAs(s.URL, "Гнатюк Світлана Ігорівна")
	b.do("open the registration form",
		chromedp.Navigate(s.URL+"/admin/appeals/new"),
		chromedp.WaitVisible(chromedp.CSS("#f-summary")),
		chromedp.SetValue(chromedp.CSS("#f-channel"), "phone"),
		chromedp.SendKeys(chromedp.CSS("#f-last_name"), "Шевченко"),
		chromedp.SendKeys(chromedp.CSS("#f-first_name"), "Олена"),
		chromedp.SendKeys(chromedp.CSS("#f-patronymic"), "Петрівна"),
		chromedp.SendKeys(chromedp.CSS("#f-address"), "м. Зразкове, вул. Соборна, буд. 12, кв. 5"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), "olena.shevchenko@mail.example"),
		chromedp.Click(chromedp.CSS("#type-application")),
		chromedp.SetValue(chromedp.CSS(`select[name="q0_subject"]`), "09"),
		chromedp.SendKeys(chromedp.CSS(`input[name="q0_text"]`), "Немає гарячої води"),
		chromedp.SendKeys(chromedp.CSS("#f-summary"), "Третій тиждень у будинку на Соборній, 12 немає гарячої води. Прошу вжити заходів."),
		chromedp.Click(`//button[normalize-space()="Зареєструвати"]`),
		chromedp.WaitVisible(`//main//h2[normalize-space()="Звернення зареєстровано"]`),
	)
	index := regexp.MustCompile(`Ш-\d+/\d+`).FindString(b.text("read the card"))
	if index == "" {
		b.fail("the card", errors.New("no registration index"))
	}
	card, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	card, _, _ = strings.Cut(card, "?")

	// 2. The head writes the resolution and assigns the housing department.
	b.signInAs(s.URL, "Кравченко Василь Петрович")
	b.do("assign the appeal",
		chromedp.Navigate(card),
		chromedp.WaitVisible(chromedp.CSS("#f-assign-resolution")),
		chromedp.SendKeys(chromedp.CSS("#f-assign-resolution"), "Розглянути, перевірити на місці й надати відповідь заявниці."),
		chromedp.SetValue(chromedp.CSS("#f-assign-department"), fmt.Sprint(dept.ID)),
		chromedp.Click(`//button[normalize-space()="Доручити"]`),
		chromedp.WaitVisible(`//*[normalize-space()="Резолюцію записано, виконавців повідомлено."]`),
	)
	b.screenshots("card-assigned")

	// 3. The executor of the department drafts the reply and sets the question's result.
	b.signInAs(s.URL, "Мельник Тарас Степанович")
	b.do("open the dashboard", chromedp.Navigate(s.URL+"/admin/"),
		chromedp.WaitVisible(`//main//h2[normalize-space()="Контроль строків"]`))
	b.do("draft the reply",
		chromedp.Navigate(card),
		chromedp.WaitVisible(chromedp.CSS("#f-reply-text")),
		chromedp.SendKeys(chromedp.CSS("#f-reply-text"), "Гаряче водопостачання відновлено 1 грудня після заміни теплообмінника."),
		chromedp.SetValue(chromedp.CSS(`select[name^="result_"]`), "resolved"),
		chromedp.Click(`//button[normalize-space()="Передати на затвердження"]`),
		chromedp.WaitVisible(`//*[normalize-space()="Відповідь передано керівникові на затвердження."]`),
	)

	// 4. The head approves it: the appeal leaves control and the answer goes out.
	b.signInAs(s.URL, "Кравченко Василь Петрович")
	b.do("approve the reply",
		chromedp.Navigate(card),
		chromedp.WaitVisible(`//button[normalize-space()="Затвердити й надіслати"]`),
		chromedp.Click(`//button[normalize-space()="Затвердити й надіслати"]`),
		chromedp.WaitVisible(`//*[normalize-space()="Відповідь затверджено. Лист авторові надіслано електронною поштою."]`),
	)
	page := b.text("read the answered card")
	// The answer's outgoing number comes from the register now, not typed by the executor.
	for _, want := range []string{"Надано відповідь", "Вирішено позитивно", "вих-1/", "Друкувати відповідь", "Лист надіслано електронною поштою"} {
		if !strings.Contains(page, want) {
			t.Errorf("the answered card lacks %q", want)
		}
	}
	b.screenshot("card-answered")

	// 5. The citizen sees the answer in "Мої звернення".
	b.signInAs(s.URL, "Шевченко Олена Петрівна")
	b.do("open my appeals",
		chromedp.Click(`//header//a[normalize-space()="Мої звернення"]`),
		chromedp.WaitVisible(fmt.Sprintf(`//main//table//a[normalize-space()=%q]`, index)),
		chromedp.Click(fmt.Sprintf(`//main//table//a[normalize-space()=%q]`, index)),
		chromedp.WaitVisible(`//main//h2[normalize-space()="Відповідь"]`),
	)
	page = b.text("read the answer")
	for _, want := range []string{"Гаряче водопостачання відновлено 1 грудня", "Вирішено позитивно", "Надано відповідь"} {
		if !strings.Contains(page, want) {
			t.Errorf("the citizen's page lacks %q", want)
		}
	}
	if strings.Contains(page, "перевірити на місці") {
		t.Error("the citizen sees the head's resolution")
	}
	b.screenshots("citizen-answer")

	mails := s.Mail.WaitFor(t, 3, 20*time.Second) // registered, assigned (executor), answered
	answered := false
	for _, m := range mails {
		if m.To[0] == "olena.shevchenko@mail.example" && strings.HasPrefix(m.Subject, "Відповідь на звернення "+index) {
			answered = strings.Contains(m.Part("text/plain"), "Гаряче водопостачання відновлено")
		}
	}
	if !answered {
		t.Errorf("the answer did not reach the citizen by e-mail: %d messages", len(mails))
	}
	if logs := b.console(); len(logs) > 0 {
		t.Errorf("the pages wrote errors to the browser console:\n%s", strings.Join(logs, "\n"))
	}
}
