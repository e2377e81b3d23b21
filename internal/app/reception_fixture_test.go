package app_test

import (
	"context"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/reception"
)

// receptionFixture puts personal reception in the crawled program: an official with two reception days,
// tomorrow's with the citizen's booking (the public schedule links the booking, whose page has the
// cancel form) and one whose day has come (its journal has the forms of the decision, the absence, the
// caller's booking and the walk-in).
func receptionFixture(t *testing.T, s *apptest.Server, citizen int64) {
	t.Helper()
	ctx := context.Background()
	o, err := s.App.Reception.SaveOfficial(ctx, 0, reception.OfficialInput{Name: "Петренко Іван Миколайович", PositionUK: "Міський голова"})
	if err != nil {
		t.Fatal(err)
	}
	tomorrow := s.App.Reception.Clock().Today().AddDate(0, 0, 1)
	days, err := s.App.Reception.AddDays(ctx, reception.DaysInput{OfficialID: o.ID, First: tomorrow, Weeks: 2,
		Start: "10:00", End: "12:00", SlotMinutes: 30, Capacity: 2, Place: "вул. Соборна, 1, каб. 12"})
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range days {
		_, slots, err := s.App.Reception.DayWithSlots(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.App.Reception.Book(ctx, slots[0].ID, reception.VisitorInput{PersonID: &citizen, LastName: "Шевченко",
			FirstName: "Олена", Email: "olena.shevchenko@mail.example", SubjectCode: "09", Question: "Ремонт даху"}); err != nil {
			t.Fatal(err)
		}
		if i == 1 { // its day has come
			if err := s.App.DB.Model(&reception.Day{}).Where("id = ?", d.ID).Update("day", s.App.Reception.Clock().Today()).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
}
