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
	"github.com/hromada/hromada/internal/reception"
)

// TestPersonalReceptionInBrowser: a citizen books a place at the mayor's reception from the public
// schedule; on the day the registrar records the mayor's decision in the reception journal; the appeal is
// in the registry with the resolution, and the citizen finds it under "Мої звернення".
func TestPersonalReceptionInBrowser(t *testing.T) {
	chromium := findChromium(t)
	s := apptest.Start(t, nil)
	ctx := context.Background()
	for _, sub := range []string{"dev-staff-registrar", "dev-citizen-olena"} {
		s.SignIn(t, apptest.Browser(t), sub)
	}
	if _, err := s.App.People.GrantRole(ctx, "s.hnatiuk@rada.zrazkove.example", identity.RoleRegistrar, "test"); err != nil {
		t.Fatal(err)
	}
	// The schedule, kept by an admin elsewhere: the mayor receives tomorrow from 10 to 12.
	o, err := s.App.Reception.SaveOfficial(ctx, 0, reception.OfficialInput{Name: "Петренко Іван Миколайович",
		PositionUK: "Міський голова", PositionEN: "Mayor"})
	if err != nil {
		t.Fatal(err)
	}
	days, err := s.App.Reception.AddDays(ctx, reception.DaysInput{OfficialID: o.ID, First: s.App.Reception.Clock().Today().AddDate(0, 0, 1),
		Start: "10:00", End: "12:00", SlotMinutes: 30, Capacity: 1, Place: "вул. Соборна, 1, каб. 12"})
	if err != nil {
		t.Fatal(err)
	}
	day := days[0]

	b := startBrowser(t, chromium, 120*time.Second)
	b.signInAs(s.URL, "Шевченко Олена Петрівна")
	b.do("open the schedule and the day",
		chromedp.Navigate(s.URL+"/reception"),
		chromedp.WaitVisible(`//main//h1[normalize-space()="Особистий прийом громадян"]`),
		chromedp.Click(fmt.Sprintf(`//main//a[@href="/reception/days/%d"]`, day.ID)),
		chromedp.WaitVisible(`//button[normalize-space()="Записатися"]`),
	)
	b.screenshots("reception-day")
	b.do("book the first time",
		chromedp.Click(chromedp.CSS(`input[name="slot"]`)),
		chromedp.SetValue(chromedp.CSS("#f-subject"), "09"),
		chromedp.SendKeys(chromedp.CSS("#f-question"), "Протікає дах у під’їзді після капітального ремонту"),
		chromedp.Click(`//button[normalize-space()="Записатися"]`),
		chromedp.WaitVisible(`//main//h1[normalize-space()="Запис на особистий прийом"]`),
	)
	page := b.text("read the booking")
	for _, want := range []string{"Вас записано на прийом", "Петренко Іван Миколайович", "10:00", "Скасувати запис"} {
		if !strings.Contains(page, want) {
			t.Errorf("the booking page lacks %q", want)
		}
	}
	b.screenshots("reception-booked")

	// The day comes (the running program's clock cannot move: its date is moved in the database).
	if err := s.App.DB.Model(&reception.Day{}).Where("id = ?", day.ID).Update("day", s.App.Reception.Clock().Today()).Error; err != nil {
		t.Fatal(err)
	}
	b.signInAs(s.URL, "Гнатюк Світлана Ігорівна")
	b.do("open the reception journal",
		chromedp.Navigate(s.URL+"/admin/reception"),
		chromedp.Click(fmt.Sprintf(`//main//a[@href="/admin/reception/days/%d"]`, day.ID)),
		chromedp.WaitVisible(`//main//summary[normalize-space()="Записати рішення посадової особи"]`),
		chromedp.Click(`//main//summary[normalize-space()="Записати рішення посадової особи"]`),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name="resolution"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="resolution"]`), "Управлінню ЖКГ обстежити дах і усунути протікання до 15 числа"),
	)
	b.screenshots("reception-journal")
	b.do("record the decision",
		chromedp.Click(`//button[normalize-space()="Прийнято: зареєструвати звернення"]`),
		chromedp.WaitVisible(`//*[normalize-space()="Відвідувача прийнято; звернення зареєстровано з резолюцією."]`),
	)
	card := b.text("read the appeal's card")
	index := regexp.MustCompile(`Ш-\d+/\d+`).FindString(card)
	if index == "" {
		b.fail("the card", errors.New("no registration index"))
	}
	for _, want := range []string{"Особистий прийом", "обстежити дах", "Петренко Іван Миколайович"} {
		if !strings.Contains(card, want) {
			t.Errorf("the card lacks %q", want)
		}
	}
	b.screenshot("reception-appeal-card")

	b.signInAs(s.URL, "Шевченко Олена Петрівна")
	b.do("open my appeals",
		chromedp.Click(`//header//a[normalize-space()="Мої звернення"]`),
		chromedp.WaitVisible(fmt.Sprintf(`//main//table//a[normalize-space()=%q]`, index)),
	)
	b.screenshots("reception-my-appeals")
	if logs := b.console(); len(logs) > 0 {
		t.Errorf("the pages wrote errors to the browser console:\n%s", strings.Join(logs, "\n"))
	}
}

// receptionPages are personal reception's pages of the accessibility run: a day with places to book,
// the citizen's booking on it, and a day that has come with its visitor in the journal.
type receptionPages struct {
	bookable, booking, today, visit int64
}

func receptionFixture(t *testing.T, s *apptest.Server, citizen int64) receptionPages {
	t.Helper()
	ctx := context.Background()
	o, err := s.App.Reception.SaveOfficial(ctx, 0, reception.OfficialInput{Name: "Петренко Іван Миколайович",
		PositionUK: "Міський голова", PositionEN: "Mayor"})
	if err != nil {
		t.Fatal(err)
	}
	days, err := s.App.Reception.AddDays(ctx, reception.DaysInput{OfficialID: o.ID, First: s.App.Reception.Clock().Today().AddDate(0, 0, 1),
		Weeks: 2, Start: "10:00", End: "12:00", SlotMinutes: 30, Capacity: 2, Place: "вул. Соборна, 1, каб. 12"})
	if err != nil {
		t.Fatal(err)
	}
	var out receptionPages
	out.bookable, out.today = days[0].ID, days[1].ID
	for i, d := range days {
		_, slots, err := s.App.Reception.DayWithSlots(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.App.Reception.Book(ctx, slots[0].ID, reception.VisitorInput{PersonID: &citizen, LastName: "Шевченко",
			FirstName: "Олена", Email: "olena.shevchenko@mail.example", SubjectCode: "09", Question: "Протікає дах у під’їзді"})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			out.booking = v.ID
			continue
		}
		out.visit = v.ID
		if err := s.App.DB.Model(&reception.Day{}).Where("id = ?", d.ID).Update("day", s.App.Reception.Clock().Today()).Error; err != nil {
			t.Fatal(err)
		}
	}
	return out
}
