package petition_test

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/calendar"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/notify"
	"github.com/hromada/hromada/internal/petition"
)

// The answer to a petition reaches the author and every signatory through the batched fan-out (more
// signatories than one batch), and moderators are reminded once of a petition near its limit.
func TestAnswerFanOutAndModerationReminder(t *testing.T) {
	gdb := dbtest.Open(t)
	ctx := context.Background()
	clf, _ := classifier.Load()
	cal, _ := calendar.Load(true)
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	base, _ := url.Parse("https://portal.example")
	ns, err := notify.NewService(gdb, notify.Options{BaseURL: base, Council: i18n.Text{UK: "Рада", EN: "Council"},
		Secret: []byte("test-secret-test-secret-test-secret"), Mailer: notify.NewConsoleMailer(io.Discard),
		Log: dbtest.Quiet(), Work: true, FetchPollInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	people := identity.NewService(gdb, []byte("test-secret-test-secret-test-secret"))
	clk := &clock{t: time.Date(2024, 3, 14, 10, 0, 0, 0, kyiv)} // Thursday
	svc := petition.NewService(gdb, clf, petition.Options{Now: clk.now,
		Rules:    petition.Rules{Threshold: 5000, CollectionDays: 30, ModerationDays: 2, ConsiderationDays: 10, OnExpiry: petition.OnExpiryArchive},
		Calendar: cal, Timezone: kyiv, Notify: ns,
		Moderators: func(ctx context.Context, tx *gorm.DB) ([]identity.StaffContact, error) {
			return identity.StaffWithRoles(ctx, tx, identity.RoleModerator)
		},
	})
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := ns.Start(runCtx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		sctx, c := context.WithTimeout(ctx, 5*time.Second)
		defer c()
		_ = ns.Stop(sctx)
	}()

	mod, err := people.SignIn(ctx, identity.Claims{Issuer: "i", Subject: "mod", TaxID: "1111111111", LastName: "Модератор", Email: "mod@rada.example", EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := people.GrantRole(ctx, "mod@rada.example", identity.RoleModerator, "test"); err != nil {
		t.Fatal(err)
	}
	author, err := people.SignIn(ctx, identity.Claims{Issuer: "i", Subject: "author", TaxID: "2222222222", LastName: "Автор", GivenName: "Петро", Email: "author@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Create(ctx, petition.CreateInput{PersonID: author.ID, AuthorName: author.FullName(), AuthorEmail: author.Email,
		Title: "Встановити лавки в центральному парку", SubjectCode: "09",
		Text: "Просимо встановити щонайменше двадцять лавок уздовж алей центрального парку міста."})
	if err != nil {
		t.Fatal(err)
	}
	// Created on Thursday, the moderation limit is Monday: nothing yet on Thursday; on Friday the limit is
	// the next working day and the moderators are reminded, once.
	if n, err := svc.RemindModerators(ctx); err != nil || n != 0 {
		t.Fatalf("reminders on the first day: %d %v", n, err)
	}
	clk.add(24 * time.Hour)
	for range 2 {
		if _, err := svc.RemindModerators(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var reminders int64
	waitFor(t, func() bool {
		gdb.Table("mail_messages").Where("kind = ? AND to_address = ?", "petition_moderation_due", "mod@rada.example").Count(&reminders)
		return reminders > 0
	})
	if reminders != 1 {
		t.Fatalf("moderators reminded %d times", reminders)
	}
	if err := svc.Publish(ctx, p.ID, mod.ID, *author.TaxIDHash); err != nil {
		t.Fatal(err)
	}
	// 1,050 signatories: more than one batch of the fan-out.
	const n = 1050
	err = gdb.Transaction(func(tx *gorm.DB) error {
		for i := range n {
			sub := fmt.Sprintf("s%d", i)
			if err := tx.Exec(`INSERT INTO persons (issuer, subject, tax_id_hash, last_name, first_name, email, language, created_at, last_sign_in_at)
				VALUES ('i', ?, ?, 'Підписант', ?, ?, 'uk', ?, ?)`, sub, "key"+sub, sub, sub+"@example.org", time.Now(), time.Now()).Error; err != nil {
				return err
			}
			if err := tx.Exec(`INSERT INTO petition_signatures (petition_id, person_id, signer_key, signer_name, signed_at)
				SELECT ?, id, tax_id_hash, last_name, ? FROM persons WHERE subject = ?`, p.ID, time.Now(), sub).Error; err != nil {
				return err
			}
		}
		// Straight to consideration for the test: the threshold path is tested elsewhere.
		return tx.Exec("UPDATE petitions SET state = 'consideration' WHERE id = ?", p.ID).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Answer(ctx, p.ID, mod.ID, petition.AnswerSupported, "Рада підтримала петицію: лавки встановлять навесні.", nil); err != nil {
		t.Fatal(err)
	}
	var answered int64
	waitFor(t, func() bool {
		gdb.Table("mail_messages").Where("kind IN ?", []string{"petition_answered", "petition_answered_signatory"}).Count(&answered)
		return answered >= n+1
	})
	time.Sleep(300 * time.Millisecond)
	gdb.Table("mail_messages").Where("kind IN ?", []string{"petition_answered", "petition_answered_signatory"}).Count(&answered)
	if answered != n+1 {
		t.Fatalf("answer notices: %d, want %d (the author and every signatory once)", answered, n+1)
	}
	var distinct int64
	gdb.Table("mail_messages").Where("kind = ?", "petition_answered_signatory").Distinct("to_address").Count(&distinct)
	if distinct != n {
		t.Fatalf("distinct signatories told: %d", distinct)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
