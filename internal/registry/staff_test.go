package registry_test

import (
	"cmp"
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

func TestJournalPagesAndExport(t *testing.T) {
	s := newStaffRegistry(t)
	ctx := context.Background()
	first, err := s.reg.JournalPage(ctx, registry.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if first.Total != 56 || first.More || !first.First || first.Prev != "" || first.Next == "" ||
		len(first.Appeals) != registry.PageSize || first.Appeals[0].AuthorLastName != "Мельник" {
		t.Fatalf("first page: %d of %d, prev %q next %q", len(first.Appeals), first.Total, first.Prev, first.Next)
	}
	second, err := s.reg.JournalPage(ctx, registry.Filter{Cursor: first.Next})
	if err != nil {
		t.Fatal(err)
	}
	if second.Total != 56 || len(second.Appeals) != 6 || second.Appeals[5].AuthorLastName != filler(51) ||
		second.Next != "" || second.Prev == "" || second.First {
		t.Fatalf("second page: %d, prev %q next %q", len(second.Appeals), second.Prev, second.Next)
	}
	// A cursor of another order, or one that cannot be read, is the first page.
	for _, c := range []string{first.Next + "x", "%%%", "bm90aGluZw", first.Next} {
		p, err := s.reg.JournalPage(ctx, registry.Filter{Cursor: c, Sort: registry.SortDueAsc})
		if err != nil || !p.First || len(p.Appeals) != registry.PageSize {
			t.Fatalf("cursor %q under another order: first %v, %d rows, %v", c, p.First, len(p.Appeals), err)
		}
	}

	// The export goes through every page, in the same order, with the questions.
	var exported []int64
	err = s.reg.EachForStaff(ctx, registry.Filter{}, func(a *registry.Appeal) error {
		if len(a.Questions) == 0 {
			return fmt.Errorf("%s: no questions", a.RegIndex)
		}
		exported = append(exported, a.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := append(ids(first.Appeals), ids(second.Appeals)...); !slices.Equal(exported, want) {
		t.Fatalf("export differs from the pages: %d rows", len(exported))
	}
}

// TestJournalKeysetWithTies walks every order forward and back while many appeals share their received
// time and all share their due date: every appeal is shown exactly once, in the order's sequence, and
// the way back gives the same pages.
func TestJournalKeysetWithTies(t *testing.T) {
	s := newStaffRegistry(t)
	ctx := context.Background()
	same := s.daysAgo(3, 10, 0)
	for i := range 70 {
		if _, err := s.reg.RegisterAppeal(ctx, registry.RegisterInput{Channel: "phone", LastName: filler(i) + "ш",
			FirstName: "Іван", Address: "с. Зелене", Type: "proposal", Summary: "Одночасний дзвінок.", ReceivedAt: same,
			Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Питання"}}}); err != nil {
			t.Fatal(err)
		}
	}
	// Half the registry shares one due date, the other half another.
	if err := s.db.Exec("UPDATE appeals SET due_date = ? WHERE id % 2 = 0", s.date(-7).UTC().Truncate(24*time.Hour)).Error; err != nil {
		t.Fatal(err)
	}
	var all []registry.Appeal
	if err := s.db.Find(&all).Error; err != nil {
		t.Fatal(err)
	}
	for _, order := range registry.Sorts {
		want := expectedOrder(all, order)
		var pages [][]int64
		f := registry.Filter{Sort: order}
		for {
			p, err := s.reg.JournalPage(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != int64(len(all)) {
				t.Fatalf("%s: total %d, want %d", order, p.Total, len(all))
			}
			pages = append(pages, ids(p.Appeals))
			if p.Next == "" {
				break
			}
			f.Cursor = p.Next
			if len(pages) > 10 {
				t.Fatalf("%s: the pages do not end", order)
			}
		}
		if got := slices.Concat(pages...); !slices.Equal(got, want) {
			t.Fatalf("%s: forward gives %d rows %v…, want %d %v…", order, len(got), got[:min(5, len(got))], len(want), want[:5])
		}
		// Back from the last page to the first.
		last, err := s.reg.JournalPage(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for i := len(pages) - 2; i >= 0; i-- {
			if last.Prev == "" {
				t.Fatalf("%s: page %d has no way back", order, i+2)
			}
			p, err := s.reg.JournalPage(ctx, registry.Filter{Sort: order, Cursor: last.Prev})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(p.Appeals), pages[i]) || p.First != (i == 0) || p.Next == "" {
				t.Fatalf("%s: back to page %d gives %v, want %v (first %v)", order, i+1, ids(p.Appeals), pages[i], p.First)
			}
			last = p
		}
	}
}

// expectedOrder sorts the appeals by the order's key in Go, the id breaking ties.
func expectedOrder(all []registry.Appeal, order string) []int64 {
	list := slices.Clone(all)
	slices.SortFunc(list, func(a, b registry.Appeal) int {
		c := 0
		if order == registry.SortDueAsc || order == registry.SortDueDesc {
			c = a.DueDate.Compare(b.DueDate)
		}
		if c == 0 {
			c = a.ReceivedAt.Compare(b.ReceivedAt)
		}
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		if order == registry.SortReceivedDesc || order == registry.SortDueDesc {
			c = -c
		}
		return c
	})
	return ids(list)
}
