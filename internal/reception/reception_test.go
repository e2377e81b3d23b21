package reception_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/attachment"
	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/reception"
	"github.com/hromada/hromada/internal/registry"
)

type fixture struct {
	db     *gorm.DB
	svc    *reception.Service
	reg    *registry.Service
	people *identity.Service
	now    *time.Time
	kyiv   *time.Location
}

// setup starts at 09:00 on Monday 2 March 2026 in Kyiv, with one official.
func setup(t *testing.T) (fixture, *reception.Official) {
	t.Helper()
	gdb := dbtest.Open(t)
	clf, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	store, err := attachment.NewStore(t.TempDir(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, kyiv)
	clock := func() time.Time { return now }
	reg := registry.NewService(gdb, clf, store, registry.Options{Timezone: kyiv, MaxAttachments: 3, Now: clock, IndexPattern: "{letter}-{seq}"})
	f := fixture{db: gdb, reg: reg, people: identity.NewService(gdb, []byte("test-secret-test-secret-test-secret")),
		now: &now, kyiv: kyiv,
		svc: reception.NewService(gdb, clf, kyiv, reg, nil, reception.Options{Now: clock, PerPerson: 2})}
	o, err := f.svc.SaveOfficial(context.Background(), 0, reception.OfficialInput{Name: "Петренко Іван Миколайович",
		PositionUK: "Міський голова", PositionEN: "Mayor"})
	if err != nil {
		t.Fatal(err)
	}
	return f, o
}

func (f fixture) person(t *testing.T, n int) int64 {
	t.Helper()
	p, err := f.people.SignIn(context.Background(), identity.Claims{Issuer: "https://idp.test", Subject: fmt.Sprint("p", n),
		TaxID: fmt.Sprintf("3%09d", n), LastName: "Коваленко", GivenName: "Олена", Email: fmt.Sprintf("p%d@example.org", n)})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func visitor(pid *int64) reception.VisitorInput {
	return reception.VisitorInput{PersonID: pid, LastName: "Коваленко", FirstName: "Олена", Patronymic: "Петрівна",
		Address: "м. Зразкове, вул. Соборна, 1", Email: "olena@example.org", SubjectCode: "09",
		Question: "Ремонт даху будинку"}
}

// day schedules one reception on Thursday 5 March, 10:00–12:00 in slots of 30 minutes with the capacity.
func (f fixture) day(t *testing.T, o *reception.Official, capacity int) (*reception.DayView, []reception.Slot) {
	t.Helper()
	days, err := f.svc.AddDays(context.Background(), reception.DaysInput{OfficialID: o.ID,
		First: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), Start: "10:00", End: "12:00", SlotMinutes: 30,
		Capacity: capacity, Place: "вул. Соборна, 1, каб. 12"})
	if err != nil {
		t.Fatal(err)
	}
	d, slots, err := f.svc.DayWithSlots(context.Background(), days[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return d, slots
}

func TestSchedule(t *testing.T) {
	f, o := setup(t)
	ctx := context.Background()
	days, err := f.svc.AddDays(ctx, reception.DaysInput{OfficialID: o.ID, First: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC),
		Weeks: 3, Start: "10:00", End: "12:00", SlotMinutes: 30, Capacity: 2, Place: "каб. 12"})
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 3 || !days[2].Date.Equal(time.Date(2026, 3, 19, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("three weekly days expected, got %+v", days)
	}
	if got := days[0].StartsAt.In(f.kyiv).Format("2006-01-02 15:04"); got != "2026-03-05 10:00" {
		t.Fatalf("starts at %s", got)
	}
	list, err := f.svc.Schedule(ctx, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC))
	if err != nil || len(list) != 3 || list[0].Free != 8 || list[0].Official.Name != o.Name {
		t.Fatalf("schedule: %v %+v", err, list)
	}
	// The same hour again is a clash; a past date, reversed hours, zero capacity are named.
	_, err = f.svc.AddDays(ctx, reception.DaysInput{OfficialID: o.ID, First: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC),
		Start: "11:00", End: "13:00", SlotMinutes: 30, Capacity: 1, Place: "каб. 12"})
	if e := errs.As(err, errs.Conflict); e == nil || e.Message != "reception.error.clash" {
		t.Fatalf("clash: %v", err)
	}
	_, err = f.svc.AddDays(ctx, reception.DaysInput{OfficialID: o.ID, First: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		Start: "12:00", End: "10:00", SlotMinutes: 30, Capacity: 0, Place: ""})
	e := errs.As(err, errs.Invalid)
	if e == nil || e.Fields["first"] != "reception.error.past" || e.Fields["end"] != "reception.error.order" ||
		e.Fields["capacity"] != "reception.error.capacity" || e.Fields["place"] != "reception.error.required" {
		t.Fatalf("bad schedule: %v", err)
	}
}

func TestBookCancelAndLimits(t *testing.T) {
	f, o := setup(t)
	ctx := context.Background()
	_, slots := f.day(t, o, 1)
	pid := f.person(t, 1)
	v, err := f.svc.Book(ctx, slots[0].ID, visitor(&pid))
	if err != nil {
		t.Fatal(err)
	}
	// The slot is full now; another person is told so.
	other := f.person(t, 2)
	if _, err := f.svc.Book(ctx, slots[0].ID, visitor(&other)); errs.As(err, errs.Conflict) == nil ||
		errs.As(err, errs.Conflict).Message != "reception.error.slot_taken" {
		t.Fatalf("full slot: %v", err)
	}
	// One booking a day per person.
	if _, err := f.svc.Book(ctx, slots[1].ID, visitor(&pid)); errs.As(err, errs.Conflict) == nil ||
		errs.As(err, errs.Conflict).Message != "reception.error.same_day" {
		t.Fatalf("second booking on a day: %v", err)
	}
	// Another person cannot cancel it (404); its owner can, and the place is free again.
	if err := f.svc.CancelVisit(ctx, v.ID, &other); !errs.Is(err, errs.NotFound) {
		t.Fatalf("someone else's cancel: %v", err)
	}
	if err := f.svc.CancelVisit(ctx, v.ID, &pid); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.CancelVisit(ctx, v.ID, &pid); !errs.Is(err, errs.Conflict) {
		t.Fatalf("second cancel: %v", err)
	}
	if _, err := f.svc.Book(ctx, slots[0].ID, visitor(&other)); err != nil {
		t.Fatalf("freed place: %v", err)
	}
	// Hoarding: two live bookings of coming receptions at most.
	days, err := f.svc.AddDays(ctx, reception.DaysInput{OfficialID: o.ID, First: time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC),
		Weeks: 3, Start: "10:00", End: "11:00", SlotMinutes: 30, Capacity: 5, Place: "каб. 12"})
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range days {
		_, ss, err := f.svc.DayWithSlots(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Book(ctx, ss[0].ID, visitor(&pid))
		if i < 2 && err != nil {
			t.Fatalf("booking %d: %v", i, err)
		}
		if i == 2 && (errs.As(err, errs.Conflict) == nil || errs.As(err, errs.Conflict).Message != "reception.error.limit") {
			t.Fatalf("third live booking: %v", err)
		}
	}
	// A past slot and a cancelled day are refused with their reasons.
	*f.now = time.Date(2026, 3, 5, 10, 45, 0, 0, f.kyiv)
	if _, err := f.svc.Book(ctx, slots[0].ID, visitor(&pid)); errs.As(err, errs.Conflict) == nil ||
		errs.As(err, errs.Conflict).Message != "reception.error.slot_past" {
		t.Fatalf("past slot: %v", err)
	}
	if err := f.svc.CancelDay(ctx, days[0].ID, "Відрядження"); err != nil {
		t.Fatal(err)
	}
	_, ss, _ := f.svc.DayWithSlots(ctx, days[0].ID)
	if ss[0].Taken != 0 {
		t.Fatalf("cancelled day keeps %d places taken", ss[0].Taken)
	}
	if _, err := f.svc.Book(ctx, ss[1].ID, visitor(&other)); errs.As(err, errs.Conflict) == nil ||
		errs.As(err, errs.Conflict).Message != "reception.error.day_cancelled" {
		t.Fatalf("cancelled day: %v", err)
	}
	mine, err := f.svc.VisitsOf(ctx, pid)
	if err != nil || len(mine) != 3 {
		t.Fatalf("visits of the person: %v %d", err, len(mine))
	}
}

// TestLastPlaceOnce books the last place of a slot from 100 people at once: exactly one gets it.
func TestLastPlaceOnce(t *testing.T) {
	f, o := setup(t)
	ctx := context.Background()
	_, slots := f.day(t, o, 1)
	const n = 100
	people := make([]int64, n)
	for i := range people {
		people[i] = f.person(t, 100+i)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, full := 0, 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.svc.Book(ctx, slots[0].ID, visitor(&people[i]))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errs.As(err, errs.Conflict) != nil && errs.As(err, errs.Conflict).Message == "reception.error.slot_taken":
				full++
			default:
				t.Errorf("booking: %v", err)
			}
		}()
	}
	wg.Wait()
	if won != 1 || full != n-1 {
		t.Fatalf("%d got the place, %d were told it is taken", won, full)
	}
	var live int64
	if err := f.db.Model(&reception.Visit{}).Where("slot_id = ? AND status = ?", slots[0].ID, reception.StatusBooked).
		Count(&live).Error; err != nil || live != 1 {
		t.Fatalf("live bookings %d (%v)", live, err)
	}
}

// TestReceiveMakesAnAppeal: the official receives a booked citizen and a walk-in; each becomes an appeal
// of the channel reception with the resolution, the booked one in the citizen's "My appeals".
func TestReceiveMakesAnAppeal(t *testing.T) {
	f, o := setup(t)
	ctx := context.Background()
	d, slots := f.day(t, o, 2)
	pid := f.person(t, 1)
	v, err := f.svc.Book(ctx, slots[0].ID, visitor(&pid))
	if err != nil {
		t.Fatal(err)
	}
	// Not before the day.
	if _, err := f.svc.Receive(ctx, v.ID, reception.Decision{Resolution: "Доручити управлінню ЖКГ"}); !errs.Is(err, errs.Conflict) {
		t.Fatalf("received before the day: %v", err)
	}
	*f.now = time.Date(2026, 3, 5, 10, 5, 0, 0, f.kyiv)
	staff := f.person(t, 9)
	sctx := audit.WithActor(ctx, audit.Actor{PersonID: staff})
	if _, err := f.svc.Receive(sctx, v.ID, reception.Decision{}); errs.As(err, errs.Invalid) == nil {
		t.Fatalf("empty resolution: %v", err)
	}
	appealID, err := f.svc.Receive(sctx, v.ID, reception.Decision{Resolution: "Доручити управлінню ЖКГ обстежити дах", Type: "complaint"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Receive(sctx, v.ID, reception.Decision{Resolution: "Ще раз"}); !errs.Is(err, errs.Conflict) {
		t.Fatalf("received twice: %v", err)
	}
	a, err := f.reg.AppealOfPerson(ctx, pid, appealID)
	if err != nil {
		t.Fatalf("the citizen does not see the appeal: %v", err)
	}
	if a.Channel != registry.ChannelReception || a.Type != "complaint" || len(a.Questions) != 1 ||
		a.Questions[0].SubjectCode != "09" || a.Resolution == "" || a.AuthorLastName != "Коваленко" {
		t.Fatalf("appeal: %+v", a)
	}
	// A walk-in visitor without a contact, received the same way.
	w, err := f.svc.WalkIn(sctx, d.ID, reception.VisitorInput{LastName: "Бондар", FirstName: "Петро",
		Address: "с. Зелене, вул. Миру, 3", SubjectCode: "06", Question: "Як оформити субсидію на оплату житлово-комунальних послуг"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Receive(sctx, w.ID, reception.Decision{Resolution: "Роз'яснити порядок"}); err != nil {
		t.Fatal(err)
	}
	_, journal, err := f.svc.Journal(ctx, d.ID)
	if err != nil || len(journal) != 2 || journal[0].ID != v.ID || journal[1].Status != reception.StatusReceived ||
		journal[1].AppealID == nil {
		t.Fatalf("journal: %v %+v", err, journal)
	}
	// A walk-in without an address makes no appeal (Art. 5): the registry's problem is named, the visit
	// stays waiting.
	x, err := f.svc.WalkIn(sctx, d.ID, reception.VisitorInput{LastName: "Мельник", FirstName: "Ганна",
		SubjectCode: "10", Question: "Прошу пояснити, як стати на квартирний облік"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Receive(sctx, x.ID, reception.Decision{Resolution: "Розглянути"}); errs.As(err, errs.Invalid) == nil {
		t.Fatalf("no address: %v", err)
	}
	got, err := f.svc.Visit(ctx, x.ID, nil)
	if err != nil || got.Status != reception.StatusBooked || got.AppealID != nil {
		t.Fatalf("visit after a refused receipt: %v %+v", err, got)
	}
	fig, err := reception.FiguresOf(ctx, f.db, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC))
	if err != nil || fig.Held != 1 || fig.Visitors != 2 || fig.ByOfficial[fmt.Sprint(o.ID)] != 2 {
		t.Fatalf("figures: %v %+v", err, fig)
	}
}
