package registry_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/department"
	"github.com/hromada/hromada/internal/registry"
)

// staffRegistry is a registry with generated appeals, and the database under it for the changes later
// steps of an appeal's life will make (answers, routing) that have no API yet.
type staffRegistry struct {
	reg    *registry.Service
	db     *gorm.DB
	kyiv   *time.Location
	byName map[string]*registry.Appeal
}

// daysAgo is a moment of the council's day n days before today, at hh:mm local time.
func (s staffRegistry) daysAgo(n, hh, mm int) time.Time {
	y, m, d := time.Now().In(s.kyiv).Date()
	return time.Date(y, m, d-n, hh, mm, 0, 0, s.kyiv)
}

func (s staffRegistry) date(n int) time.Time { return s.daysAgo(n, 0, 0) }

// filler names the i-th old appeal's author (names may hold no digits).
func filler(i int) string { return fmt.Sprintf("Архів%c%c", 'а'+i/32, 'а'+i%32) }

func newStaffRegistry(t *testing.T) staffRegistry {
	t.Helper()
	f := setup(t)
	s := staffRegistry{db: f.db, kyiv: f.kyiv, byName: map[string]*registry.Appeal{}, reg: f.reg}
	clf, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	add := func(last, channel, typ string, received time.Time, summary string, subjects ...string) *registry.Appeal {
		in := registry.RegisterInput{Channel: channel, LastName: last, FirstName: "Олена", Address: "м. Зразкове, вул. Соборна, 1",
			Type: typ, Summary: summary, ReceivedAt: received, Email: "author@example.org", Consent: true}
		if ch, _ := clf.Channels.Get(channel); ch.ExternalRef {
			in.ExternalRef = "1545-000001" // the hotlines' own number is required
		}
		for _, code := range subjects {
			in.Questions = append(in.Questions, registry.QuestionInput{SubjectCode: code, Text: "Питання"})
		}
		a, err := s.reg.RegisterAppeal(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		s.byName[last] = a
		return a
	}
	// Old, answered appeals that fill the pages.
	for i := range 52 {
		add(filler(i), "mail", "proposal", s.daysAgo(100+i, 12, 0), "Лист про благоустрій двору.", "25")
	}
	if err := f.db.Exec("UPDATE appeals SET status = ? WHERE channel = 'mail'", registry.StatusAnswered).Error; err != nil {
		t.Fatal(err)
	}
	add("Коваленко", "portal", "complaint", s.daysAgo(60, 12, 0), "Третій тиждень немає гарячої води.", "09")
	add("Шевченко", "phone", "application", s.daysAgo(40, 9, 0), "Прошу допомогу на ремонт даху.", "06", "09")
	add("Бондар", "gov_hotline", "proposal", s.daysAgo(10, 0, 30), "Пропоную облаштувати пандус 100% доступності.", "10")
	add("Мельник", "email", "complaint", time.Time{}, "Не вивозять сміття з вулиці.", "06")
	if err := f.db.Model(&registry.Appeal{}).Where("id = ?", s.byName["Шевченко"].ID).Update("status", registry.StatusAnswered).Error; err != nil {
		t.Fatal(err)
	}
	return s
}

func (s staffRegistry) list(t *testing.T, f registry.Filter) ([]string, int64) {
	t.Helper()
	list, total, err := s.reg.ListForStaff(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range list {
		names = append(names, a.AuthorLastName)
	}
	return names, total
}

func TestListForStaffFilters(t *testing.T) {
	s := newStaffRegistry(t)
	ctx := context.Background()
	deps := department.NewService(s.db)
	housing, err := deps.Create(ctx, "Управління житлово-комунального господарства", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.Model(&registry.Appeal{}).Where("id IN ?", []int64{s.byName["Коваленко"].ID, s.byName["Шевченко"].ID}).
		Update("department_id", housing.ID).Error; err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		f    registry.Filter
		want []string // newest first unless sorted otherwise
	}{
		{"period, inclusive at both ends", registry.Filter{From: s.date(40), To: s.date(10)}, []string{"Бондар", "Шевченко"}},
		{"period starts the next day", registry.Filter{From: s.date(39), To: s.date(10)}, []string{"Бондар"}},
		// Бондар's appeal came at 00:30 Kyiv time, still the previous day in UTC.
		{"period ends the day before, in the council's zone", registry.Filter{From: s.date(40), To: s.date(11)}, []string{"Шевченко"}},
		{"channel", registry.Filter{Channel: "gov_hotline"}, []string{"Бондар"}},
		{"status", registry.Filter{Status: registry.StatusRegistered}, []string{"Мельник", "Бондар", "Коваленко"}},
		{"type", registry.Filter{Type: "complaint"}, []string{"Мельник", "Коваленко"}},
		{"subject of any question", registry.Filter{Subject: "09"}, []string{"Шевченко", "Коваленко"}},
		{"subject and channel", registry.Filter{Subject: "06", Channel: "email"}, []string{"Мельник"}},
		{"department", registry.Filter{DepartmentID: housing.ID}, []string{"Шевченко", "Коваленко"}},
		{"overdue: past due and not answered", registry.Filter{Overdue: true}, []string{"Коваленко"}},
		{"due within 25 days", registry.Filter{DueWithinDays: 25}, []string{"Бондар"}},
		{"search: a capitalised surname typed in lower case", registry.Filter{Query: "коваленко"}, []string{"Коваленко"}},
		{"search: words of the summary in any case", registry.Filter{Query: "ГАРЯЧОЇ Води"}, []string{"Коваленко"}},
		{"search: the index", registry.Filter{Query: s.byName["Мельник"].RegIndex}, []string{"Мельник"}},
		{"search: % is a character, not a wildcard", registry.Filter{Query: "100%"}, []string{"Бондар"}},
		{"search: nothing", registry.Filter{Query: "неіснуючий"}, nil},
		{"sorted by the nearest due date", registry.Filter{Status: registry.StatusRegistered, Sort: registry.SortDueAsc}, []string{"Коваленко", "Бондар", "Мельник"}},
		{"oldest first", registry.Filter{Type: "complaint", Sort: registry.SortReceivedAsc}, []string{"Коваленко", "Мельник"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, total := s.list(t, tc.f)
			if !slices.Equal(got, tc.want) || total != int64(len(tc.want)) {
				t.Fatalf("got %v (total %d), want %v", got, total, tc.want)
			}
		})
	}
}

func TestListForStaffPagesAndExport(t *testing.T) {
	s := newStaffRegistry(t)
	first, total := s.list(t, registry.Filter{})
	if total != 56 || len(first) != registry.PageSize || first[0] != "Мельник" {
		t.Fatalf("first page: %d of %d, starting with %v", len(first), total, first[:1])
	}
	second, total2 := s.list(t, registry.Filter{Page: 2})
	if total2 != 56 || len(second) != 6 || second[5] != filler(51) {
		t.Fatalf("second page: %v (total %d)", second, total2)
	}
	for _, n := range second {
		if slices.Contains(first, n) {
			t.Fatalf("%s is on both pages", n)
		}
	}
	if third, _ := s.list(t, registry.Filter{Page: 3}); len(third) != 0 {
		t.Fatalf("a page past the end: %v", third)
	}

	// The export goes through every page, in the same order, with the questions.
	var exported []string
	err := s.reg.EachForStaff(context.Background(), registry.Filter{}, func(a *registry.Appeal) error {
		if len(a.Questions) == 0 {
			return fmt.Errorf("%s: no questions", a.RegIndex)
		}
		exported = append(exported, a.AuthorLastName)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(exported, append(first, second...)) {
		t.Fatalf("export differs from the pages: %d rows", len(exported))
	}
}
