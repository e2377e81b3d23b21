package notify_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/mailtest"
	"github.com/hromada/hromada/internal/notify"
)

// fastRetry retries after 100 ms instead of River's attempt⁴ seconds.
type fastRetry struct{}

func (fastRetry) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().Add(100 * time.Millisecond)
}

type fixture struct {
	db   *gorm.DB
	smtp *mailtest.Server
}

func setup(t *testing.T) fixture {
	t.Helper()
	return fixture{db: dbtest.Open(t), smtp: mailtest.Start(t)}
}

// service starts a notify service; work says whether this "instance" sends mail.
func (f fixture) service(t *testing.T, work bool) *notify.Service {
	t.Helper()
	mailer, err := notify.NewSMTPMailer(f.smtp.URL(), "Громада <noreply@rada.example>")
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://portal.example")
	s, err := notify.NewService(f.db, notify.Options{
		BaseURL: base, Council: i18n.Text{UK: "Зразкова міська рада", EN: "Zrazkove City Council"},
		Secret: []byte("test-secret-test-secret-test-secret"), Mailer: mailer, Log: dbtest.Quiet(),
		Work: work, FetchPollInterval: 100 * time.Millisecond, RetryPolicy: fastRetry{},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, c := context.WithTimeout(context.Background(), 5*time.Second)
		defer c()
		_ = s.Stop(sctx)
		cancel()
	})
	return s
}

func (f fixture) person(t *testing.T, sub, lang string) int64 {
	t.Helper()
	people := identity.NewService(f.db, []byte("test-secret-test-secret-test-secret"))
	p, err := people.SignIn(context.Background(), identity.Claims{Issuer: "https://idp.test", Subject: sub, TaxID: "31" + sub, LastName: "Бондар"})
	if err != nil {
		t.Fatal(err)
	}
	if err := people.SetLanguage(context.Background(), p.ID, lang); err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func registered(personID int64, to, index string) notify.Notice {
	return notify.Notice{Kind: notify.AppealRegistered, PersonID: &personID, To: to, Path: "/appeals/7",
		Data: map[string]any{"Name": "Ірина Бондар", "Index": index, "Received": "01.03.2024", "Due": "31.03.2024"}}
}

// notifyIn writes the notice in a transaction that commits, or rolls back when fail is set.
func notifyIn(t *testing.T, f fixture, s *notify.Service, n notify.Notice, fail bool) {
	t.Helper()
	boom := errors.New("the change failed")
	err := f.db.Transaction(func(tx *gorm.DB) error {
		if err := s.Notify(context.Background(), tx, n); err != nil {
			return err
		}
		if fail {
			return boom
		}
		return nil
	})
	if fail && !errors.Is(err, boom) || !fail && err != nil {
		t.Fatalf("transaction: %v", err)
	}
}

func count(t *testing.T, db *gorm.DB, table string) int64 {
	t.Helper()
	var n int64
	if err := db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNoticeReachesSMTPInThePersonsLanguage(t *testing.T) {
	f := setup(t)
	s := f.service(t, true)
	uk, en := f.person(t, "1", "uk"), f.person(t, "2", "en")
	notifyIn(t, f, s, registered(uk, "iryna@example.org", "Б-1"), false)
	notifyIn(t, f, s, registered(en, "john@example.org", "Б-2"), false)
	msgs := f.smtp.WaitFor(t, 2, 10*time.Second)
	by := map[string]mailtest.Received{}
	for _, m := range msgs {
		by[m.To[0]] = m
	}
	ukMsg, enMsg := by["iryna@example.org"], by["john@example.org"]
	if ukMsg.Subject != "Звернення Б-1 зареєстровано" || enMsg.Subject != "Appeal Б-2 registered" {
		t.Fatalf("subjects: %q / %q", ukMsg.Subject, enMsg.Subject)
	}
	text, html := ukMsg.Part("text/plain"), ukMsg.Part("text/html")
	for _, want := range []string{"Б-1", "31.03.2024", "https://portal.example/appeals/7", "Зразкова міська рада", "/notices/unsubscribe?token="} {
		if !strings.Contains(text, want) {
			t.Errorf("plain text lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(html, "<strong>Б-1</strong>") || !strings.Contains(html, `lang="uk"`) {
		t.Errorf("HTML part:\n%s", html)
	}
	if !strings.Contains(enMsg.Part("text/plain"), "Zrazkove City Council") {
		t.Error("the English message names the council in English")
	}
	if ukMsg.Header.Get("List-Unsubscribe") == "" || !strings.Contains(ukMsg.Header.Get("Message-Id"), "hromada-") {
		t.Errorf("headers: %v", ukMsg.Header)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(f.smtp.Messages()); n != 2 {
		t.Fatalf("exactly two e-mails expected, got %d", n)
	}
}

func TestRolledBackChangeSendsNothing(t *testing.T) {
	f := setup(t)
	s := f.service(t, true)
	p := f.person(t, "1", "uk")
	notifyIn(t, f, s, registered(p, "a@example.org", "Б-1"), true)
	time.Sleep(500 * time.Millisecond) // ten poll intervals
	if n := len(f.smtp.Messages()); n != 0 {
		t.Fatalf("a rolled-back change sent %d e-mails", n)
	}
	if count(t, f.db, "mail_messages") != 0 || count(t, f.db, "river_job") != 0 {
		t.Fatal("a rolled-back change left an outbox row or a job")
	}
}

// The process that committed the change dies before any worker sends: the notice waits in the database
// and another process sends it exactly once; two sending instances never send one notice twice.
func TestCommittedNoticeSurvivesWorkerDeathAndSendsOnce(t *testing.T) {
	f := setup(t)
	committer := f.service(t, false) // commits and "dies": it never works jobs
	p := f.person(t, "1", "uk")
	const n = 20
	for i := range n {
		notifyIn(t, f, committer, registered(p, "a@example.org", "Б-"+string(rune('0'+i%10))), false)
	}
	time.Sleep(300 * time.Millisecond)
	if got := len(f.smtp.Messages()); got != 0 {
		t.Fatalf("nothing may be sent without a worker, got %d", got)
	}
	f.service(t, true) // two instances come up after the restart
	f.service(t, true)
	f.smtp.WaitFor(t, n, 15*time.Second)
	time.Sleep(500 * time.Millisecond)
	ids := map[string]int{}
	for _, m := range f.smtp.Messages() {
		ids[m.Header.Get("Message-Id")]++
	}
	if len(ids) != n {
		t.Fatalf("want %d distinct messages, got %d", n, len(ids))
	}
	for id, c := range ids {
		if c != 1 {
			t.Errorf("%s sent %d times", id, c)
		}
	}
}

func TestSMTPOutageMeansRetryNotLoss(t *testing.T) {
	f := setup(t)
	f.smtp.Stop()
	s := f.service(t, true)
	p := f.person(t, "1", "uk")
	notifyIn(t, f, s, registered(p, "a@example.org", "Б-1"), false)

	// Wait until a sending attempt has failed.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var m notify.Message
		if err := f.db.Take(&m).Error; err != nil {
			t.Fatal(err)
		}
		if m.Attempts > 0 && m.LastError != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no failed attempt recorded while the SMTP server was down")
		}
		time.Sleep(20 * time.Millisecond)
	}
	f.smtp.Restart(t)
	f.smtp.WaitFor(t, 1, 10*time.Second)
	// The worker marks the message sent after the server's answer, so the row may lag the delivery.
	deadline = time.Now().Add(10 * time.Second)
	for {
		var m notify.Message
		err := f.db.Take(&m).Error
		if err == nil && m.Status == notify.StatusSent {
			break
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("after the outage: %+v %v", m, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestFailedMessageIsListedAndRetried(t *testing.T) {
	f := setup(t)
	f.smtp.Stop()
	s := f.service(t, true)
	p := f.person(t, "1", "uk")
	notifyIn(t, f, s, registered(p, "a@example.org", "Б-1"), false)
	deadline := time.Now().Add(20 * time.Second)
	var failed []notify.Message
	for len(failed) == 0 {
		var err error
		if failed, err = s.FailedMessages(context.Background(), 10); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the message never reached the failed state")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if failed[0].Attempts != 12 || failed[0].LastError == "" {
		t.Fatalf("failed message: %+v", failed[0])
	}
	f.smtp.Restart(t)
	if err := s.Retry(context.Background(), failed[0].ID); err != nil {
		t.Fatal(err)
	}
	f.smtp.WaitFor(t, 1, 10*time.Second)
	if err := s.Retry(context.Background(), failed[0].ID); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("retrying a message that is no longer failed: %v", err)
	}
}

func TestUnsubscribeIsHonoured(t *testing.T) {
	f := setup(t)
	s := f.service(t, true)
	p := f.person(t, "1", "uk")
	token := s.UnsubscribeToken(p, notify.AppealRegistered.Name)
	if _, err := s.Unsubscribe(context.Background(), token[:len(token)-2]+"xx"); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("a forged token: %v", err)
	}
	other := s.UnsubscribeToken(p+1, notify.AppealRegistered.Name)
	if _, _, err := s.ReadUnsubscribeToken(strings.Split(other, ".")[0] + "." + strings.Split(token, ".")[1]); err == nil {
		t.Fatal("a signature must not carry over to another person")
	}
	kind, err := s.Unsubscribe(context.Background(), token)
	if err != nil || kind != notify.AppealRegistered.Name {
		t.Fatalf("unsubscribe: %q %v", kind, err)
	}
	notifyIn(t, f, s, registered(p, "a@example.org", "Б-1"), false)
	time.Sleep(400 * time.Millisecond)
	if len(f.smtp.Messages()) != 0 || count(t, f.db, "mail_messages") != 0 {
		t.Fatal("an optional notice was sent after unsubscribing")
	}
	choices, err := s.Choices(context.Background(), p)
	if err != nil || len(choices) != 2 || choices[0].Kind != notify.AppealRegistered.Name || choices[0].Enabled || !choices[1].Enabled {
		t.Fatalf("choices after unsubscribing: %+v %v", choices, err)
	}
	if err := s.SetChoice(context.Background(), p, notify.AppealRegistered.Name, true); err != nil {
		t.Fatal(err)
	}
	notifyIn(t, f, s, registered(p, "a@example.org", "Б-2"), false)
	f.smtp.WaitFor(t, 1, 10*time.Second)
}

// crashed makes a sending job look as kill -9 leaves it: "running", attempted the given time ago by a
// process that no longer exists.
func crashed(t *testing.T, db *gorm.DB, jobID int64, ago time.Duration) {
	t.Helper()
	q := "UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - make_interval(secs => ?), " +
		"attempted_by = ARRAY['crashed-process'] WHERE id = ?"
	arg := any(ago.Seconds())
	if db.Dialector.Name() == "sqlite" {
		q = "UPDATE river_job SET state = 'running', attempt = 1, attempted_at = datetime('now', ?, 'subsec'), " +
			"attempted_by = json_array('crashed-process') WHERE id = ?"
		arg = fmt.Sprintf("-%d seconds", int(ago.Seconds()))
	}
	if res := db.Exec(q, arg, jobID); res.Error != nil || res.RowsAffected != 1 {
		t.Fatalf("crash job %d: %v", jobID, res.Error)
	}
}

func jobState(t *testing.T, db *gorm.DB, jobID int64) string {
	t.Helper()
	var state string
	if err := db.Raw("SELECT state FROM river_job WHERE id = ?", jobID).Scan(&state).Error; err != nil {
		t.Fatal(err)
	}
	return state
}

// A process killed while sending leaves its jobs "running". Another instance, with the production
// timings, rescues a job once it has been running longer than any live job can (two minutes, not River's
// default hour) and sends it; a message the dead process had already marked sent is not sent again; a
// job that may still be running in a live process (30 seconds) is left alone.
func TestSendsCutOffByACrashGoOutWithinMinutesAndOnce(t *testing.T) {
	f := setup(t)
	committer := f.service(t, false)
	p := f.person(t, "1", "uk")
	for _, index := range []string{"Б-1", "Б-2", "Б-3"} {
		notifyIn(t, f, committer, registered(p, "a@example.org", index), false)
	}
	var jobs []int64
	if err := f.db.Raw("SELECT id FROM river_job WHERE kind = 'send_email' ORDER BY id").Scan(&jobs).Error; err != nil || len(jobs) != 3 {
		t.Fatalf("jobs: %v %v", jobs, err)
	}
	var msgs []notify.Message
	if err := f.db.Order("id").Find(&msgs).Error; err != nil || len(msgs) != 3 {
		t.Fatalf("outbox: %v", err)
	}
	// Б-1 was cut off mid-send three minutes ago; Б-2 was sent and marked, but the process died before
	// River completed its job; Б-3 started 30 seconds ago.
	crashed(t, f.db, jobs[0], 3*time.Minute)
	crashed(t, f.db, jobs[1], 3*time.Minute)
	if err := f.db.Model(&msgs[1]).Updates(map[string]any{"status": notify.StatusSent, "sent_at": time.Now().UTC(), "attempts": 1}).Error; err != nil {
		t.Fatal(err)
	}
	crashed(t, f.db, jobs[2], 30*time.Second)

	f.service(t, true) // an instance with the production timings comes up
	got := f.smtp.WaitFor(t, 1, 20*time.Second)
	if !strings.Contains(got[0].Subject, "Б-1") {
		t.Fatalf("the rescued send: %q", got[0].Subject)
	}
	deadline := time.Now().Add(10 * time.Second)
	for jobState(t, f.db, jobs[0]) != "completed" || jobState(t, f.db, jobs[1]) != "completed" {
		if time.Now().After(deadline) {
			t.Fatalf("rescued jobs: %s, %s", jobState(t, f.db, jobs[0]), jobState(t, f.db, jobs[1]))
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(f.smtp.Messages()); n != 1 {
		t.Fatalf("want only Б-1 sent, got %d e-mails", n)
	}
	if s := jobState(t, f.db, jobs[2]); s != "running" {
		t.Fatalf("a job that may still be running was taken from its process: %s", s)
	}
	var m notify.Message
	if err := f.db.Take(&m, msgs[0].ID).Error; err != nil || m.Status != notify.StatusSent {
		t.Fatalf("Б-1 after the rescue: %+v %v", m, err)
	}
}

// A notice with a file (a letter's PDF) is kept in the outbox with it and reaches SMTP with the file
// intact, named in the text; a rolled-back change leaves neither the message nor its file.
func TestNoticeCarriesItsFileToSMTP(t *testing.T) {
	f := setup(t)
	s := f.service(t, true)
	uk := f.person(t, "1", "uk")
	pdf := append([]byte("%PDF-1.4\n"), []byte(strings.Repeat("лист ", 3000))...)
	n := registered(uk, "iryna@example.org", "Б-1")
	n.Kind = notify.AppealAcknowledged
	n.Attachments = []notify.Attachment{{Name: "lyst-1-2024.pdf", ContentType: "application/pdf", Data: pdf}}
	notifyIn(t, f, s, n, true)
	if got := count(t, f.db, "mail_attachments"); got != 0 {
		t.Fatalf("a rolled-back change left %d files", got)
	}
	notifyIn(t, f, s, n, false)
	msgs := f.smtp.WaitFor(t, 1, 10*time.Second)
	files := msgs[0].Files()
	if len(files) != 1 || files[0].Name != "lyst-1-2024.pdf" || files[0].ContentType != "application/pdf" || string(files[0].Data) != string(pdf) {
		t.Fatalf("files of the message: %d, %+v", len(files), files)
	}
	if text := msgs[0].Part("text/plain"); !strings.Contains(text, "У вкладенні: lyst-1-2024.pdf") {
		t.Errorf("the text does not name the file:\n%s", text)
	}
	if msgs[0].Subject != "Повідомлення про реєстрацію звернення Б-1" {
		t.Errorf("subject %q", msgs[0].Subject)
	}
}
