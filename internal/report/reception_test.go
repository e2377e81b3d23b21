package report_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/attachment"
	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/reception"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/settlement"
)

// TestReceptionInTheReport: receptions held in the first quarter of 2024 — the mayor's at the council
// and a deputy's visiting Зелене, one cancelled — are counted with their visitors by official and by
// settlement, in the JSON's figures and in the narrative's words.
func TestReceptionInTheReport(t *testing.T) {
	gdb := dbtest.Open(t)
	ctx := context.Background()
	clf, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	store, err := attachment.NewStore(t.TempDir(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	now := time.Date(2024, 1, 8, 9, 0, 0, 0, kyiv)
	clock := func() time.Time { return now }
	reg := registry.NewService(gdb, clf, store, registry.Options{Timezone: kyiv, Now: clock, IndexPattern: "{letter}-{seq}/{yy}"})
	svc := reception.NewService(gdb, clf, kyiv, reg, nil, reception.Options{Now: clock, PerPerson: 10})
	village, err := settlement.NewService(gdb, clf.SettlementKinds).Create(ctx, settlement.Input{NameUK: "Зелене", Kind: "village"})
	if err != nil {
		t.Fatal(err)
	}
	mayor, err := svc.SaveOfficial(ctx, 0, reception.OfficialInput{Name: "Петренко І. М.", PositionUK: "Міський голова"})
	if err != nil {
		t.Fatal(err)
	}
	deputy, err := svc.SaveOfficial(ctx, 0, reception.OfficialInput{Name: "Бойко О. В.", PositionUK: "Заступник міського голови"})
	if err != nil {
		t.Fatal(err)
	}
	day := func(o *reception.Official, date time.Time, place *int64) (int64, []reception.Slot) {
		days, err := svc.AddDays(ctx, reception.DaysInput{OfficialID: o.ID, First: date, Start: "10:00", End: "12:00",
			SlotMinutes: 30, Capacity: 2, Place: "каб. 1", SettlementID: place})
		if err != nil {
			t.Fatal(err)
		}
		_, slots, err := svc.DayWithSlots(ctx, days[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		return days[0].ID, slots
	}
	book := func(slot int64, last string) int64 {
		v, err := svc.Book(ctx, slot, reception.VisitorInput{LastName: last, FirstName: "Олена", Phone: "+380501112233",
			Address: "м. Зразкове, вул. Соборна, 1", SubjectCode: "09", Question: "Ремонт даху будинку номер один"})
		if err != nil {
			t.Fatal(err)
		}
		return v.ID
	}
	at := time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC)
	mayorDay, ms := day(mayor, at, nil)
	deputyDay, ds := day(deputy, at.AddDate(0, 0, 1), &village.ID)
	_, cs := day(mayor, at.AddDate(0, 0, 7), nil)
	received := []int64{book(ms[0].ID, "Коваленко"), book(ms[1].ID, "Бондар"), book(ds[0].ID, "Мельник")}
	absent := book(ms[2].ID, "Шевчук")
	book(cs[0].ID, "Гнатюк")
	if err := svc.CancelDay(ctx, cs[0].DayID, "Відрядження"); err != nil {
		t.Fatal(err)
	}
	now = time.Date(2024, 1, 11, 15, 0, 0, 0, kyiv)
	staff := audit.WithActor(ctx, audit.Actor{PersonID: 0})
	for _, id := range received {
		if _, err := svc.Receive(staff, id, reception.Decision{Resolution: "Розглянути"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.MarkAbsent(ctx, absent); err != nil {
		t.Fatal(err)
	}
	_, _ = mayorDay, deputyDay

	r, err := report.Compute(ctx, gdb, time.Date(2024, 1, 1, 0, 0, 0, 0, kyiv), time.Date(2024, 3, 31, 0, 0, 0, 0, kyiv), kyiv)
	if err != nil {
		t.Fatal(err)
	}
	f := r.Reception
	mk, dk, vk := fmt.Sprint(mayor.ID), fmt.Sprint(deputy.ID), fmt.Sprint(village.ID)
	if f.Held != 2 || f.Visitors != 3 || f.Absent != 1 || f.ByOfficial[mk] != 2 || f.ByOfficial[dk] != 1 ||
		f.BySettlement[reception.AtCouncil] != 2 || f.BySettlement[vk] != 1 {
		t.Fatalf("figures: %+v", f)
	}
	if r.ByChannel["reception"] != 3 {
		t.Errorf("appeals by reception: %d", r.ByChannel["reception"])
	}
	uk := r.ReceptionParagraph(output(t, "uk"))
	for _, want := range []string{"У І кварталі 2024 року проведено 2 особисті прийоми громадян, на яких прийнято 3 громадян",
		"Петренко І. М. – 2", "Бойко О. В. – 1", "Зелене – 1", "у приміщенні ради – 2", "не з’явилися: 1"} {
		if !strings.Contains(uk, want) {
			t.Errorf("the paragraph %q lacks %q", uk, want)
		}
	}
	if en := r.ReceptionParagraph(output(t, "en")); !strings.Contains(en, "In Q1 2024, 2 personal receptions of citizens were held and 3 citizens received") {
		t.Errorf("in English: %q", en)
	}
}
