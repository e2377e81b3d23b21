package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
)

// answeredAppealOf registers an e-appeal of the person signed in as subject (by the development
// provider) and has the council answer it: two questions, each with its result, and the answer's letter.
func answeredAppealOf(t *testing.T, s *apptest.Server, subject string) *registry.Appeal {
	t.Helper()
	ctx := context.Background()
	s.SignIn(t, apptest.Browser(t), subject)
	var citizen int64
	if err := s.App.DB.Raw("SELECT id FROM persons WHERE subject = ?", subject).Scan(&citizen).Error; err != nil || citizen == 0 {
		t.Fatalf("the citizen: %v", err)
	}
	dept, err := s.App.Departments.Create(ctx, "Управління житлово-комунального господарства", "Housing and Utilities Department")
	if err != nil {
		t.Fatal(err)
	}
	staff := func(email, role string) context.Context {
		p, err := s.App.People.SignIn(ctx, identity.Claims{Issuer: "i", Subject: email, TaxID: fmt.Sprintf("%010d", len(email)),
			LastName: "Мельник", GivenName: "Тетяна", Email: email, EmailVerified: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.App.People.GrantRole(ctx, email, role, "test"); err != nil {
			t.Fatal(err)
		}
		if role == identity.RoleExecutor {
			if err := s.App.People.SetDepartment(ctx, s.App.DB, p.ID, dept.ID); err != nil {
				t.Fatal(err)
			}
		}
		return audit.WithActor(ctx, audit.Actor{PersonID: p.ID, IP: "127.0.0.1"})
	}
	head, executor := staff("head@rada.example", identity.RoleHead), staff("exec@rada.example", identity.RoleExecutor)
	a, err := s.App.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: registry.ChannelPortal, PersonID: &citizen,
		LastName: "Шевченко", FirstName: "Олена", Patronymic: "Петрівна", Address: "м. Зразкове, вул. Соборна, 12",
		Email: "olena.shevchenko@mail.example", Type: "complaint", Consent: true,
		Summary:   "Третій тиждень у будинку на Соборній, 12 немає гарячої води, а дах протікає.",
		Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Немає гарячої води"}, {SubjectCode: "10", Text: "Протікає дах"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.App.Registry.Assign(head, a.ID, registry.AssignInput{Resolution: "Розглянути й відповісти", DepartmentID: dept.ID}); err != nil {
		t.Fatal(err)
	}
	card, err := s.App.Registry.AppealForStaff(head, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	results := map[int64]string{card.Questions[0].ID: registry.ResultResolved, card.Questions[1].ID: registry.ResultExplained}
	if err := s.App.Registry.SubmitReply(executor, a.ID, registry.ReplyInput{DepartmentID: dept.ID, Results: results,
		Text: "Гаряче водопостачання відновлено 28 листопада. Покрівлю будинку включено до плану ремонтів на травень."}); err != nil {
		t.Fatal(err)
	}
	if err := s.App.Registry.ApproveReply(head, a.ID); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestCitizenFollowsReadsAndRatesTheAnswer: the citizen opens an answered appeal from "Мої звернення" and
// finds the answer first (the result of each question, the official letter, how to contest it), then
// the status and the history; rates the answer with a comment, once; the page in English too; desktop and
// phone.
func TestCitizenFollowsReadsAndRatesTheAnswer(t *testing.T) {
	chromium := findChromium(t)
	s := apptest.Start(t, nil)
	a := answeredAppealOf(t, s, "dev-citizen-olena")
	b := startBrowser(t, chromium, 120*time.Second)
	b.signInAs(s.URL, "Шевченко Олена Петрівна")
	b.do("open the answered appeal",
		chromedp.Click(`//header//a[normalize-space()="Мої звернення"]`),
		chromedp.WaitVisible(fmt.Sprintf(`//main//table//a[normalize-space()=%q]`, a.RegIndex)),
		chromedp.Click(fmt.Sprintf(`//main//table//a[normalize-space()=%q]`, a.RegIndex)),
		chromedp.WaitVisible(`//main//h3[normalize-space()="Текст відповіді"]`),
	)
	page := b.text("read the answered appeal")
	answer, history := strings.Index(page, "Текст відповіді"), strings.Index(page, "Стан і історія розгляду")
	if answer < 0 || history < 0 || answer > history {
		t.Errorf("the answer must come before the status and the history (%d, %d)", answer, history)
	}
	for _, want := range []string{"Гаряче водопостачання відновлено", "Немає гарячої води: Вирішено позитивно",
		"Протікає дах: Дано роз'яснення", "Завантажити офіційний лист-відповідь", "Якщо ви не згодні з рішенням", "до суду"} {
		if !strings.Contains(page, want) {
			t.Errorf("the answered appeal's page does not show %q", want)
		}
	}
	href := eval[string](b, "the letter's link", `document.querySelector('a[href$=".pdf"]').getAttribute("href")`)
	if !strings.HasPrefix(href, fmt.Sprintf("/appeals/%d/letters/", a.ID)) {
		t.Errorf("the letter's link is %q", href)
	}
	b.screenshots("answer")

	// Rate: not satisfied, with a comment; the form goes, the rating and the thanks show.
	b.do("rate the answer",
		chromedp.Click(chromedp.CSS("#rating-no")),
		chromedp.SendKeys(chromedp.CSS("#f-comment"), "Дах протікає й далі, травень — задовго."),
		chromedp.Click(`//main//button[normalize-space()="Надіслати оцінку"]`),
		chromedp.WaitVisible(`//main//p[contains(., "Ви оцінили відповідь: не задоволені")]`),
	)
	if page := b.text("read the rated appeal"); !strings.Contains(page, "Дякуємо за оцінку відповіді") || !strings.Contains(page, "травень — задовго") {
		b.fail("after rating", errors.New("no thanks or comment"))
	}
	b.do("no second rating", chromedp.WaitNotPresent(`//main//button[normalize-space()="Надіслати оцінку"]`))
	b.screenshots("answer-rated")
	rating, ok, err := s.App.Registry.RatingOf(context.Background(), a.ID)
	if err != nil || !ok || rating.Satisfied {
		t.Fatalf("the stored rating: %v %v %+v", err, ok, rating)
	}

	b.do("the answer in English",
		chromedp.Click(`//header//a[@hreflang="en"]`),
		chromedp.WaitVisible(`//main//h3[normalize-space()="The answer"]`),
	)
	if page := b.text("read the English page"); !strings.Contains(page, "If you disagree with the decision") || !strings.Contains(page, "You rated the answer") {
		b.fail("the English page", errors.New("no Art. 16 or rating"))
	}
	b.screenshots("answer-en")
	if logs := b.console(); len(logs) > 0 {
		t.Errorf("the pages wrote errors to the browser console:\n%s", strings.Join(logs, "\n"))
	}
}

// TestStatusLookupWithoutAnAccount: someone who filed by telephone has only the index from the receipt:
// the footer's link opens /status, the index and the surname (typed in capitals, with another apostrophe)
// give the status and the deadline; a wrong surname is "not found"; both languages, desktop and phone.
func TestStatusLookupWithoutAnAccount(t *testing.T) {
	chromium := findChromium(t)
	s := apptest.Start(t, nil)
	a, err := s.App.Registry.RegisterAppeal(context.Background(), registry.RegisterInput{Channel: "phone", LastName: "Дем'яненко",
		FirstName: "Ігор", Address: "с. Лісове, вул. Миру, 4", Type: "application", Summary: "Прошу відновити освітлення на вулиці Миру.",
		Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Освітлення"}}})
	if err != nil {
		t.Fatal(err)
	}
	b := startBrowser(t, chromium, 90*time.Second)
	lookup := func(step, surname, wait string) {
		b.t.Helper()
		eval[bool](b, "empty the form", `document.querySelector("#f-index").value = ""; document.querySelector("#f-surname").value = ""; true`)
		b.do(step,
			chromedp.SendKeys(chromedp.CSS("#f-index"), a.RegIndex),
			chromedp.SendKeys(chromedp.CSS("#f-surname"), surname),
			chromedp.Click(`//main//form//button[@type="submit"]`),
			chromedp.WaitVisible(wait),
		)
	}
	b.do("open /status from the footer",
		chromedp.Navigate(s.URL+"/"),
		chromedp.Click(`//footer//a[@href="/status"]`),
		chromedp.WaitVisible(`//main//h1[normalize-space()="Стан звернення"]`),
	)
	b.screenshots("status-form")
	lookup("look up", "ДЕМ’ЯНЕНКО", fmt.Sprintf(`//main//h2[normalize-space()=%q]`, "Звернення "+a.RegIndex))
	page := b.text("read the status")
	for _, want := range []string{"Зареєстровано", a.DueDate.Format("02.01.2006"), "Зміст звернення й відповіді тут не показуємо"} {
		if !strings.Contains(page, want) {
			t.Errorf("the status does not show %q", want)
		}
	}
	if strings.Contains(page, "освітлення") || strings.Contains(page, "Лісове") {
		t.Error("the status shows the appeal's content")
	}
	b.screenshots("status-found")
	lookup("a wrong surname", "Коваленко", `//main//h2[normalize-space()="Звернення не знайдено"]`)
	b.screenshots("status-not-found")

	b.do("in English",
		chromedp.Navigate(s.URL+"/lang/en?next="+url.QueryEscape("/status")),
		chromedp.WaitVisible(`//main//h1[normalize-space()="Appeal status"]`),
	)
	lookup("look up in English", "демʼяненко", fmt.Sprintf(`//main//h2[normalize-space()=%q]`, "Appeal "+a.RegIndex))
	b.screenshots("status-found-en")
	if logs := b.console(); len(logs) > 0 {
		t.Errorf("the pages wrote errors to the browser console:\n%s", strings.Join(logs, "\n"))
	}
}
