package reception_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/attachment"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/mailtest"
	"github.com/hromada/hromada/internal/notify"
	"github.com/hromada/hromada/internal/reception"
	"github.com/hromada/hromada/internal/registry"
)

// TestNoticesReachTheVisitor: the confirmation, the reminder the day before (once, however often the
// task runs) and the cancellation of the day reach the visitor's mailbox through a real SMTP server.
func TestNoticesReachTheVisitor(t *testing.T) {
	smtp := mailtest.Start(t)
	gdb := dbtest.Open(t)
	mailer, err := notify.NewSMTPMailer(smtp.URL(), "Громада <noreply@rada.example>")
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://portal.example")
	ns, err := notify.NewService(gdb, notify.Options{BaseURL: base, Council: i18n.Text{UK: "Рада", EN: "Council"},
		Secret: []byte("test-secret-test-secret-test-secret"), Mailer: mailer, Log: dbtest.Quiet(),
		Work: true, FetchPollInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := ns.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, c := context.WithTimeout(context.Background(), 5*time.Second)
		defer c()
		_ = ns.Stop(sctx)
	})
	clf, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	store, err := attachment.NewStore(t.TempDir(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, kyiv)
	clock := func() time.Time { return now }
	reg := registry.NewService(gdb, clf, store, registry.Options{Timezone: kyiv, Now: clock, IndexPattern: "{letter}-{seq}"})
	svc := reception.NewService(gdb, clf, kyiv, reg, ns, reception.Options{Now: clock})
	people := identity.NewService(gdb, []byte("test-secret-test-secret-test-secret"))
	p, err := people.SignIn(ctx, identity.Claims{Issuer: "https://idp.test", Subject: "olena", TaxID: "3000000001",
		LastName: "Коваленко", GivenName: "Олена", Email: "olena@example.org", EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	o, err := svc.SaveOfficial(ctx, 0, reception.OfficialInput{Name: "Петренко Іван", PositionUK: "Міський голова"})
	if err != nil {
		t.Fatal(err)
	}
	days, err := svc.AddDays(ctx, reception.DaysInput{OfficialID: o.ID, First: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC),
		Start: "10:00", End: "11:00", SlotMinutes: 30, Capacity: 1, Place: "каб. 12"})
	if err != nil {
		t.Fatal(err)
	}
	_, slots, err := svc.DayWithSlots(ctx, days[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	pid := p.ID
	if _, err := svc.Book(ctx, slots[1].ID, visitor(&pid)); err != nil {
		t.Fatal(err)
	}
	// Two days before: nothing to remind of yet. The day before: one reminder, however often it runs.
	if n, err := svc.RemindTomorrow(ctx); err != nil || n != 0 {
		t.Fatalf("two days before: %d %v", n, err)
	}
	now = time.Date(2026, 3, 4, 9, 0, 0, 0, kyiv)
	for i := range 3 {
		n, err := svc.RemindTomorrow(ctx)
		if err != nil || n != map[bool]int{true: 1, false: 0}[i == 0] {
			t.Fatalf("reminder run %d: %d %v", i, n, err)
		}
	}
	if err := svc.CancelDay(ctx, days[0].ID, "Відрядження до області"); err != nil {
		t.Fatal(err)
	}
	msgs := smtp.WaitFor(t, 3, 30*time.Second)
	var subjects []string
	for _, m := range msgs {
		if !slices.Contains(m.To, "olena@example.org") {
			t.Errorf("sent to %v", m.To)
		}
		subjects = append(subjects, m.Subject)
	}
	want := []string{"Запис на особистий прийом 05.03.2026 10:30", "Нагадування: особистий прийом завтра, 05.03.2026 10:30",
		"Особистий прийом 05.03.2026 10:30 скасовано"}
	slices.Sort(subjects)
	slices.Sort(want)
	if !slices.Equal(subjects, want) {
		t.Errorf("subjects %q, want %q", subjects, want)
	}
	for _, m := range msgs {
		// Quoted-printable lines end in a soft break "=" that splits long words.
		raw := strings.NewReplacer("=\r\n", "", "=\n", "").Replace(m.Raw)
		if strings.Contains(m.Subject, "скасовано") && !strings.Contains(raw, "https://portal.example/reception/visits/") {
			t.Error("the cancellation does not link the booking")
		}
	}
}
