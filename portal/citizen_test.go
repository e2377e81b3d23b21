package portal_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/department"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
)

// "Check your answers": the form goes to the check page, which shows every answer with a "змінити" link
// back to its field; the form opens again with the draft and the file kept (no JavaScript, no second
// upload); "Надіслати" registers it once, a second click goes to the list.
func TestCheckYourAnswersThenSend(t *testing.T) {
	s := apptest.Start(t, nil)
	c := apptest.Browser(t)
	s.SignIn(t, c, olena)
	form := apptest.Get(t, c, s.Path("/appeals/new"))
	pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF")
	r := apptest.PostMultipart(t, c, s.Path("/appeals"), goodAppeal(apptest.CSRF(t, form.Body)),
		apptest.File{Field: "attachments", Name: "акт.pdf", Data: pdf})
	if r.Status != http.StatusSeeOther || r.Location != "/appeals/check" {
		t.Fatalf("the form: want 303 to the check, got %d %q\n%.2000s", r.Status, r.Location, r.Body)
	}
	var n int64
	if err := s.App.DB.Table("appeals").Count(&n).Error; err != nil || n != 0 {
		t.Fatalf("the form registered %d appeals (%v) before the check", n, err)
	}
	check := apptest.Get(t, c, s.Path("/appeals/check"))
	body := html.UnescapeString(check.Body)
	for _, want := range []string{"Перевірте звернення перед надсиланням", "Шевченко Олена Петрівна", "Скарга", "Немає гарячої води",
		"Житлова політика", "акт.pdf", `href="/appeals/new#f-summary"`, `href="/appeals/new#f-questions.1.subject"`,
		`href="/appeals/new#f-attachments"`, `action="/appeals/send"`, ">Надіслати<"} {
		if !strings.Contains(body, want) {
			t.Errorf("the check page lacks %q", want)
		}
	}
	// "змінити": the form with the draft, the file ticked to keep; change the text and continue without it.
	edit := apptest.Get(t, c, s.Path("/appeals/new"))
	keep := regexp.MustCompile(`name="keep_files" value="([0-9a-f]{64})" checked`).FindStringSubmatch(edit.Body)
	if keep == nil || !strings.Contains(edit.Body, "акт.pdf") || !strings.Contains(edit.Body, `value="Протікає дах"`) {
		t.Fatalf("the form opened from the check lacks the draft or its file:\n%.3000s", edit.Body)
	}
	v := goodAppeal(apptest.CSRF(t, edit.Body))
	v.Set("summary", "Змінений текст: третій тиждень немає гарячої води, а дах протікає.")
	v.Set("keep_files", keep[1])
	if r := apptest.PostMultipart(t, c, s.Path("/appeals"), v); r.Location != "/appeals/check" {
		t.Fatalf("the corrected form: %d %q", r.Status, r.Location)
	}
	check = apptest.Get(t, c, s.Path("/appeals/check"))
	if !strings.Contains(check.Body, "Змінений текст") || !strings.Contains(check.Body, "акт.pdf") {
		t.Fatal("the check page lacks the correction or the kept file")
	}
	csrf := apptest.CSRF(t, check.Body)
	sent := apptest.PostForm(t, c, s.Path("/appeals/send"), url.Values{"_csrf": {csrf}})
	m := appealLink.FindStringSubmatch(sent.Location)
	if sent.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("send: %d %q\n%.2000s", sent.Status, sent.Location, sent.Body)
	}
	again := apptest.PostForm(t, c, s.Path("/appeals/send"), url.Values{"_csrf": {csrf}})
	if again.Status != http.StatusSeeOther || again.Location != "/appeals" {
		t.Fatalf("a second send: want 303 to the list, got %d %q", again.Status, again.Location)
	}
	if list := apptest.Get(t, c, s.Path("/appeals")); !strings.Contains(list.Body, "вже надіслано") {
		t.Error("the list does not say the appeal was sent already")
	}
	if err := s.App.DB.Table("appeals").Count(&n).Error; err != nil || n != 1 {
		t.Fatalf("%d appeals (%v), want 1", n, err)
	}
	page := apptest.Get(t, c, s.Path("/appeals/"+m[1]))
	if !strings.Contains(page.Body, "Змінений текст") || !strings.Contains(page.Body, "акт.pdf") {
		t.Fatal("the registered appeal lacks the corrected text or the file")
	}
	// With no draft the check page sends to the form, and the form starts from the identity again.
	if r := apptest.Get(t, c, s.Path("/appeals/check")); r.Status != http.StatusSeeOther || r.Location != "/appeals/new" {
		t.Fatalf("the check without a draft: %d %q", r.Status, r.Location)
	}
	// Someone else's confirmation is 404.
	other := apptest.Browser(t)
	s.SignIn(t, other, andrii)
	if r := apptest.Get(t, other, s.Path(sent.Location)); r.Status != http.StatusNotFound {
		t.Fatalf("someone else's confirmation: %d", r.Status)
	}
}

// answered files an appeal as olena and has the council answer it; it returns its id.
func answered(t *testing.T, s *apptest.Server, c *http.Client) int64 {
	t.Helper()
	form := apptest.Get(t, c, s.Path("/appeals/new"))
	r := postAppeal(t, s, c, goodAppeal(apptest.CSRF(t, form.Body)), nil)
	m := appealLink.FindStringSubmatch(r.Location)
	if m == nil {
		t.Fatalf("filing: %d %q", r.Status, r.Location)
	}
	var id int64
	fmt.Sscan(m[1], &id)
	ctx := context.Background()
	dept, err := department.NewService(s.App.DB).Create(ctx, "Управління житлово-комунального господарства", "")
	if err != nil {
		t.Fatal(err)
	}
	staff := func(email, role string) context.Context {
		p, err := s.App.People.SignIn(ctx, identity.Claims{Issuer: "i", Subject: email, TaxID: fmt.Sprintf("%010d", len(email)),
			LastName: "Працівник", GivenName: role, Email: email, EmailVerified: true})
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
	if err := s.App.Registry.Assign(head, id, registry.AssignInput{Resolution: "Розглянути", DepartmentID: dept.ID}); err != nil {
		t.Fatal(err)
	}
	card, err := s.App.Registry.AppealForStaff(head, id)
	if err != nil {
		t.Fatal(err)
	}
	results := map[int64]string{card.Questions[0].ID: registry.ResultResolved, card.Questions[1].ID: registry.ResultExplained}
	if err := s.App.Registry.SubmitReply(executor, id, registry.ReplyInput{DepartmentID: dept.ID,
		Text: "Гарячу воду відновлено; дах відремонтують у травні.", Results: results}); err != nil {
		t.Fatal(err)
	}
	if err := s.App.Registry.ApproveReply(head, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// The answered appeal's page: the answer first with the result of each question, its letter as a PDF
// and how to contest it; the author rates it once; someone else can neither rate nor read the letter.
func TestFollowReadAndRateTheAnswer(t *testing.T) {
	s := apptest.Start(t, nil)
	c := apptest.Browser(t)
	s.SignIn(t, c, olena)
	id := answered(t, s, c)
	path := fmt.Sprintf("/appeals/%d", id)
	page := apptest.Get(t, c, s.Path(path))
	body := html.UnescapeString(page.Body)
	answer, history := strings.Index(body, "Текст відповіді"), strings.Index(body, "Стан і історія розгляду")
	if answer < 0 || history < 0 || answer > history {
		t.Fatalf("the answer must come before the status and the history (%d, %d)", answer, history)
	}
	for _, want := range []string{"Гарячу воду відновлено", "Комунальне господарство — Немає гарячої води: ", "Вирішено позитивно",
		"Завантажити офіційний лист-відповідь", "стаття 16 Закону", "до суду", "Чи задоволені ви відповіддю?", "Вихідний номер"} {
		if !strings.Contains(body, want) {
			t.Errorf("the answered appeal's page lacks %q", want)
		}
	}
	if strings.Contains(body, ": (") {
		t.Error("the page still has the broken punctuation \": (\"")
	}
	letter := regexp.MustCompile(`href="(/appeals/\d+/letters/\d+\.pdf)"`).FindStringSubmatch(page.Body)
	if letter == nil {
		t.Fatal("no link to the answer's letter")
	}
	pdf := apptest.Get(t, c, s.Path(letter[1]))
	if pdf.Status != 200 || pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body, "%PDF") {
		t.Fatalf("the letter: %d %q", pdf.Status, pdf.Header.Get("Content-Type"))
	}

	csrf := apptest.CSRF(t, page.Body)
	if r := apptest.PostForm(t, c, s.Path(path+"/rating"), url.Values{"_csrf": {csrf}, "comment": {"без вибору"}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Виберіть, чи задоволені ви відповіддю") || !strings.Contains(r.Body, "без вибору") {
		t.Fatalf("a rating without a choice: %d", r.Status)
	}
	someoneElseCannotRate(t, s, path, letter[1])
	r := apptest.PostForm(t, c, s.Path(path+"/rating"), url.Values{"_csrf": {csrf}, "satisfied": {"yes"}, "comment": {"Швидко й по суті"}})
	if r.Status != http.StatusSeeOther || r.Location != path+"#rating" {
		t.Fatalf("rating: %d %q", r.Status, r.Location)
	}
	page = apptest.Get(t, c, s.Path(path))
	if !strings.Contains(page.Body, "Дякуємо за оцінку відповіді") || !strings.Contains(page.Body, "Ви оцінили відповідь: задоволені") ||
		strings.Contains(page.Body, `action="`+path+`/rating"`) {
		t.Fatal("after rating the page must thank, show the rating and no longer offer the form")
	}
	if r := apptest.PostForm(t, c, s.Path(path+"/rating"), url.Values{"_csrf": {csrf}, "satisfied": {"no"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("rating again: %d", r.Status)
	}
	if p := apptest.Get(t, c, s.Path(path)); !strings.Contains(p.Body, "оцінку дають один раз") {
		t.Error("rating again does not say it is rated once")
	}
	rating, ok, err := s.App.Registry.RatingOf(context.Background(), id)
	if err != nil || !ok || !rating.Satisfied || rating.Comment != "Швидко й по суті" {
		t.Fatalf("the stored rating: %v %v %+v", err, ok, rating)
	}
	staffSeeTheRating(t, s, id)
}

// someoneElseCannotRate: another citizen's rating of the appeal and their opening of its letter are 404.
func someoneElseCannotRate(t *testing.T, s *apptest.Server, path, letter string) {
	t.Helper()
	other := apptest.Browser(t)
	s.SignIn(t, other, andrii)
	csrf := apptest.CSRF(t, apptest.Get(t, other, s.Path("/appeals/new")).Body)
	if r := apptest.PostForm(t, other, s.Path(path+"/rating"), url.Values{"_csrf": {csrf}, "satisfied": {"no"}}); r.Status != http.StatusNotFound {
		t.Fatalf("someone else rates: %d", r.Status)
	}
	if r := apptest.Get(t, other, s.Path(letter)); r.Status != http.StatusNotFound {
		t.Fatalf("someone else's letter: %d", r.Status)
	}
}

// staffSeeTheRating: the head finds the author's rating and comment on the card.
func staffSeeTheRating(t *testing.T, s *apptest.Server, id int64) {
	t.Helper()
	staff := apptest.Browser(t)
	s.SignIn(t, staff, "dev-staff-head")
	if _, err := s.App.People.GrantRole(context.Background(), "v.kravchenko@rada.zrazkove.example", identity.RoleHead, "test"); err != nil {
		t.Fatal(err)
	}
	card := apptest.Get(t, staff, s.Path(fmt.Sprintf("/admin/appeals/%d", id)))
	if card.Status != 200 || !strings.Contains(card.Body, "Оцінка відповіді автором") || !strings.Contains(card.Body, "Задоволений (задоволена)") ||
		!strings.Contains(card.Body, "Швидко й по суті") {
		t.Fatalf("the card lacks the author's rating: %d", card.Status)
	}
}

// /status without an account: index and surname answer the status and the deadline, never the content;
// an unknown index and a wrong surname read alike; lookups are limited per address.
func TestStatusWithoutAnAccount(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_LIMIT_STATUS": "3/1h"})
	c := apptest.Browser(t)
	s.SignIn(t, c, olena)
	// The registration notice turned off: the confirmation does not claim an e-mail went.
	var person int64
	if err := s.App.DB.Raw("SELECT id FROM persons WHERE subject = ?", olena).Scan(&person).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.App.Notify.SetChoice(context.Background(), person, "appeal_registered", false); err != nil {
		t.Fatal(err)
	}
	form := apptest.Get(t, c, s.Path("/appeals/new"))
	r := postAppeal(t, s, c, goodAppeal(apptest.CSRF(t, form.Body)), nil)
	conf := apptest.Get(t, c, s.Path(r.Location))
	index := regexp.MustCompile(`class="index">([^<]+)<`).FindStringSubmatch(conf.Body)
	if index == nil {
		t.Fatal("no index on the confirmation")
	}
	if !strings.Contains(conf.Body, "ви вимкнули ці сповіщення") || strings.Contains(conf.Body, "надсилаємо на адресу") {
		t.Error("the confirmation claims an e-mail the person turned off")
	}
	visitor := apptest.Browser(t)
	page := apptest.Get(t, visitor, s.Path("/status?index="+url.QueryEscape(index[1])))
	if page.Status != 200 || !strings.Contains(page.Body, `value="`+index[1]+`"`) || strings.Contains(page.Body, "не знайдено") {
		t.Fatalf("the form from a link with the index: %d", page.Status)
	}
	lookup := func(index, surname string) apptest.Response {
		return apptest.Get(t, visitor, s.Path("/status?index="+url.QueryEscape(index)+"&surname="+url.QueryEscape(surname)))
	}
	found := lookup(index[1], "ШЕВЧЕНКО")
	if found.Status != 200 || !strings.Contains(found.Body, "Зареєстровано") || !strings.Contains(found.Body, "Строк розгляду") ||
		strings.Contains(found.Body, "гарячої води") {
		t.Fatalf("found: %d\n%.2000s", found.Status, found.Body)
	}
	wrong, unknown := lookup(index[1], "Коваленко"), lookup("Ш-999/26", "Шевченко")
	if wrong.Status != http.StatusOK || unknown.Status != http.StatusOK || !strings.Contains(wrong.Body, "Звернення не знайдено") {
		t.Fatalf("a wrong surname %d, an unknown index %d: want 200 and \"not found\" both", wrong.Status, unknown.Status)
	}
	result := func(b string) string { i := strings.Index(b, `id="result"`); return b[i:] }
	if strings.ReplaceAll(result(wrong.Body), index[1], "") != strings.ReplaceAll(strings.ReplaceAll(result(unknown.Body), "Ш-999/26", ""), "Шевченко", "Коваленко") {
		t.Error("a wrong surname and an unknown index must read alike")
	}
	if r := lookup(index[1], ""); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Уведіть прізвище") {
		t.Fatalf("without a surname: %d", r.Status)
	}
	if r := lookup(index[1], "Шевченко"); r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" ||
		!strings.Contains(r.Body, "Забагато запитів") {
		t.Fatalf("the fourth lookup in an hour (a form without a surname is none): want 429, got %d", r.Status)
	}
}
