package petition_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/attachment"
	"github.com/hromada/hromada/internal/calendar"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/registry"
)

// clock is a test clock the service reads.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	db     *gorm.DB
	svc    *petition.Service
	people *identity.Service
	clock  *clock
	cal    *calendar.Calendar
	kyiv   *time.Location
}

func setup(t *testing.T, rules petition.Rules) fixture {
	t.Helper()
	gdb := dbtest.Open(t)
	clf, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	cal, err := calendar.Load(true)
	if err != nil {
		t.Fatal(err)
	}
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	store, err := attachment.NewStore(t.TempDir(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	reg := registry.NewService(gdb, clf, store, registry.Options{Timezone: kyiv, IndexPattern: "{letter}-{seq}", MaxAttachments: 1})
	// Thursday 14 March 2024, 10:00 in Kyiv: two working days later is Monday 18 March.
	c := &clock{t: time.Date(2024, 3, 14, 10, 0, 0, 0, kyiv)}
	if rules.Threshold == 0 {
		rules.Threshold = 3
	}
	rules.CollectionDays, rules.ModerationDays, rules.ConsiderationDays = 30, 2, 10
	if rules.OnExpiry == "" {
		rules.OnExpiry = petition.OnExpiryAppeal
	}
	svc := petition.NewService(gdb, clf, petition.Options{Rules: rules, Calendar: cal, Timezone: kyiv, Appeals: reg, Files: store, Now: c.now})
	return fixture{db: gdb, svc: svc, people: identity.NewService(gdb, []byte("test-secret-test-secret-test-secret")), clock: c, cal: cal, kyiv: kyiv}
}

// citizen signs a person in and returns them as a signer.
func (f fixture) citizen(t *testing.T, n int, address string) petition.Signer {
	t.Helper()
	p, err := f.people.SignIn(context.Background(), identity.Claims{Issuer: "i", Subject: fmt.Sprintf("s%d", n),
		TaxID: fmt.Sprintf("%010d", 3000000000+n), LastName: "Мельник", GivenName: fmt.Sprintf("Громадянин%d", n), Address: address})
	if err != nil {
		t.Fatal(err)
	}
	return petition.Signer{PersonID: p.ID, Key: *p.TaxIDHash, Name: p.FullName(), Address: p.Address}
}

func (f fixture) published(t *testing.T, author petition.Signer) *petition.Petition {
	t.Helper()
	ctx := context.Background()
	p, err := f.svc.Create(ctx, petition.CreateInput{PersonID: author.PersonID, AuthorName: author.Name,
		Title: "Облаштувати велодоріжку на вулиці Соборній", SubjectCode: "03",
		Text: "Просимо облаштувати безпечну велодоріжку вздовж усієї вулиці Соборної від вокзалу до парку."})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Publish(ctx, p.ID, author.PersonID, author.Key); err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.Get(ctx, p.ID, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func liveCount(t *testing.T, db *gorm.DB, id int64) int64 {
	t.Helper()
	var n int64
	if err := db.Model(&petition.Signature{}).Where("petition_id = ?", id).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLifecycleAndWorkingDayDeadlines(t *testing.T) {
	f := setup(t, petition.Rules{Threshold: 3})
	ctx := context.Background()
	author := f.citizen(t, 1, "")
	p, err := f.svc.Create(ctx, petition.CreateInput{PersonID: author.PersonID, AuthorName: author.Name,
		Title: "Відновити сквер біля школи № 3", SubjectCode: "09",
		Text: "Сквер біля школи № 3 занедбаний: просимо висадити дерева, встановити лави та освітлення."})
	if err != nil {
		t.Fatal(err)
	}
	if p.State != petition.StateModeration || p.ModerationDue.Format("2006-01-02") != "2024-03-18" {
		t.Fatalf("new petition: state %s, moderation due %s (want Monday 2024-03-18)", p.State, p.ModerationDue.Format("2006-01-02"))
	}
	if _, err := f.svc.Get(ctx, p.ID, author.PersonID+100, false); errs.CodeOf(err) != errs.NotFound {
		t.Fatal("a petition in moderation is not public")
	}
	if _, err := f.svc.Sign(ctx, p.ID, f.citizen(t, 2, "")); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("signing in moderation: %v", err)
	}
	if err := f.svc.Correct(ctx, p.ID, author.PersonID, "Відновити сквер біля школи №3", p.Text); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Publish(ctx, p.ID, author.PersonID, author.Key); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Publish(ctx, p.ID, author.PersonID, author.Key); errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("publishing twice: %v", err)
	}
	if n := liveCount(t, f.db, p.ID); n != 1 {
		t.Fatalf("the author signs on publication: %d signatures", n)
	}
	for i := 2; i <= 3; i++ {
		if added, err := f.svc.Sign(ctx, p.ID, f.citizen(t, i, "")); err != nil || !added {
			t.Fatalf("signer %d: %v %v", i, added, err)
		}
	}
	got, _ := f.svc.Get(ctx, p.ID, 0, false)
	// Reached on Thursday 14 March: ten working days later is Thursday 28 March (martial law: no holidays).
	if got.State != petition.StateConsideration || got.ConsiderationDue == nil || got.ConsiderationDue.Format("2006-01-02") != "2024-03-28" {
		t.Fatalf("after the threshold: %s, due %v", got.State, got.ConsiderationDue)
	}
	if got.Title != "Відновити сквер біля школи №3" {
		t.Fatalf("the correction: %q", got.Title)
	}
	if err := f.svc.Answer(ctx, p.ID, author.PersonID, "maybe", "Рада розглянула петицію і підтримує її.", nil); errs.CodeOf(err) != errs.Invalid {
		t.Fatalf("an unknown answer kind: %v", err)
	}
	if err := f.svc.Answer(ctx, p.ID, author.PersonID, petition.AnswerSupported, "Рада розглянула петицію і підтримує її.", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Sign(ctx, p.ID, f.citizen(t, 9, "")); errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("signing an answered petition: %v", err)
	}
	history, err := f.svc.History(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range history {
		kinds = append(kinds, e.Kind)
	}
	want := []string{"created", "corrected", "published", "threshold_reached", "answered"}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Fatalf("history %v, want %v", kinds, want)
	}
	if history[1].Note == "" {
		t.Fatal("the correction keeps the previous wording in the history")
	}
}

func TestOneSignaturePerPerson(t *testing.T) {
	f := setup(t, petition.Rules{Threshold: 100})
	ctx := context.Background()
	author := f.citizen(t, 1, "")
	p := f.published(t, author)
	signer := f.citizen(t, 2, "")
	if added, err := f.svc.Sign(ctx, p.ID, signer); err != nil || !added {
		t.Fatalf("first signature: %v %v", added, err)
	}
	if added, err := f.svc.Sign(ctx, p.ID, signer); err != nil || added {
		t.Fatalf("second signature by the same person: added=%v err=%v", added, err)
	}
	// The same person under another account of the provider (another subject) is still one person.
	again := signer
	again.PersonID = f.citizen(t, 3, "").PersonID
	if added, err := f.svc.Sign(ctx, p.ID, again); err != nil || added {
		t.Fatalf("the same tax number through another account: added=%v err=%v", added, err)
	}
	if added, err := f.svc.Sign(ctx, p.ID, author); err != nil || added {
		t.Fatalf("the author signing again: %v %v", added, err)
	}
	if n := liveCount(t, f.db, p.ID); n != 2 {
		t.Fatalf("want 2 signatures, got %d", n)
	}
	noTax := petition.Signer{PersonID: signer.PersonID, Name: "Без РНОКПП"}
	if _, err := f.svc.Sign(ctx, p.ID, noTax); errs.CodeOf(err) != errs.Forbidden {
		t.Fatalf("a signer without a tax number: %v", err)
	}
}

// Two hundred people press "sign" at once: exactly two hundred signatures (and the author's).
func TestConcurrentSigners(t *testing.T) {
	f := setup(t, petition.Rules{Threshold: 1000})
	p := f.published(t, f.citizen(t, 0, ""))
	const n = 200
	signers := make([]petition.Signer, n)
	for i := range signers {
		signers[i] = f.citizen(t, i+1, "")
	}
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := range n {
		wg.Add(2)
		for range 2 { // each presses twice
			go func() {
				defer wg.Done()
				if _, err := f.svc.Sign(context.Background(), p.ID, signers[i]); err != nil {
					failed.Add(1)
					t.Log(err)
				}
			}()
		}
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Fatalf("%d signing calls failed", failed.Load())
	}
	if got := liveCount(t, f.db, p.ID); got != n+1 {
		t.Fatalf("want %d signatures, got %d", n+1, got)
	}
	if err := f.svc.RefreshCounts(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, _ := f.svc.Get(context.Background(), p.ID, 0, false)
	if got.SignatureCount != n+1 {
		t.Fatalf("the refreshed count: %d", got.SignatureCount)
	}
}

// Many signers cross the threshold together: the state changes once, with one history entry.
func TestThresholdTransitionHappensOnce(t *testing.T) {
	f := setup(t, petition.Rules{Threshold: 20})
	p := f.published(t, f.citizen(t, 0, ""))
	signers := make([]petition.Signer, 60)
	for i := range signers {
		signers[i] = f.citizen(t, i+1, "")
	}
	var wg sync.WaitGroup
	for _, s := range signers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = f.svc.Sign(context.Background(), p.ID, s) // late ones are refused: the petition is closed
		}()
	}
	wg.Wait()
	var events int64
	if err := f.db.Model(&petition.Event{}).Where("petition_id = ? AND kind = ?", p.ID, petition.EventThresholdReached).Count(&events).Error; err != nil {
		t.Fatal(err)
	}
	got, _ := f.svc.Get(context.Background(), p.ID, 0, false)
	if events != 1 || got.State != petition.StateConsideration || got.ThresholdReachedAt == nil {
		t.Fatalf("threshold events %d, state %s", events, got.State)
	}
	if n := liveCount(t, f.db, p.ID); n < 20 {
		t.Fatalf("reached with %d signatures", n)
	}
}

func TestExpiry(t *testing.T) {
	for _, rule := range []string{petition.OnExpiryAppeal, petition.OnExpiryArchive} {
		t.Run(rule, func(t *testing.T) {
			f := setup(t, petition.Rules{Threshold: 50, OnExpiry: rule})
			ctx := context.Background()
			p := f.published(t, f.citizen(t, 0, ""))
			for i := 1; i <= 4; i++ {
				if _, err := f.svc.Sign(ctx, p.ID, f.citizen(t, i, "")); err != nil {
					t.Fatal(err)
				}
			}
			if n, err := f.svc.ExpireDue(ctx); err != nil || n != 0 {
				t.Fatalf("nothing is due yet: %d %v", n, err)
			}
			f.clock.add(31 * 24 * time.Hour)
			if _, err := f.svc.Sign(ctx, p.ID, f.citizen(t, 9, "")); errs.CodeOf(err) != errs.Conflict {
				t.Fatalf("signing after the end of collection: %v", err)
			}
			if n, err := f.svc.ExpireDue(ctx); err != nil || n != 1 {
				t.Fatalf("expire: %d %v", n, err)
			}
			got, _ := f.svc.Get(ctx, p.ID, 0, false)
			if rule == petition.OnExpiryArchive {
				if got.State != petition.StateArchived || got.AppealID != nil {
					t.Fatalf("archived: %+v", got)
				}
				return
			}
			if got.State != petition.StateExpired || got.AppealID == nil {
				t.Fatalf("expired: %+v", got)
			}
			var a registry.Appeal
			if err := f.db.Preload("Questions").Take(&a, *got.AppealID).Error; err != nil {
				t.Fatal(err)
			}
			if a.Nature != registry.NatureCollective || a.Signers != 5 || a.RegIndex != "КО-1" || len(a.Questions) != 1 || a.Questions[0].SubjectCode != "03" {
				t.Fatalf("the appeal: %+v", a)
			}
			if n, err := f.svc.ExpireDue(ctx); err != nil || n != 0 {
				t.Fatalf("expiring again: %d %v", n, err)
			}
		})
	}
}

func TestRejectAndValidation(t *testing.T) {
	f := setup(t, petition.Rules{})
	ctx := context.Background()
	author := f.citizen(t, 1, "")
	_, err := f.svc.Create(ctx, petition.CreateInput{PersonID: author.PersonID, AuthorName: author.Name, Title: "Коротко", Text: "мало", SubjectCode: "99"})
	e, ok := err.(*errs.Error)
	if !ok || e.Fields["title"] != "petition.error.title_short" || e.Fields["text"] != "petition.error.text_short" || e.Fields["subject"] != "petition.error.subject" {
		t.Fatalf("validation: %v", err)
	}
	p, err := f.svc.Create(ctx, petition.CreateInput{PersonID: author.PersonID, AuthorName: author.Name,
		Title: "Заборонити все на світі негайно", SubjectCode: "25", Text: "Текст петиції, який модератор визнає таким, що порушує правила публікації."})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Reject(ctx, p.ID, author.PersonID, "", "пояснення"); errs.CodeOf(err) != errs.Invalid {
		t.Fatalf("a rejection without a reason: %v", err)
	}
	if err := f.svc.Reject(ctx, p.ID, author.PersonID, "competence", "Питання поза повноваженнями громади."); err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.Get(ctx, p.ID, author.PersonID, false)
	if err != nil || got.State != petition.StateRejected || got.RejectionReason != "competence" {
		t.Fatalf("rejected: %+v %v", got, err)
	}
}

func TestSimilarAndResidency(t *testing.T) {
	f := setup(t, petition.Rules{Settlements: []string{"Зразкове"}})
	ctx := context.Background()
	p := f.published(t, f.citizen(t, 1, "м. Зразкове, вул. Соборна, 1"))
	similar, err := f.svc.Similar(ctx, "Велодоріжка на Соборній")
	if err != nil || len(similar) != 1 || similar[0].ID != p.ID {
		t.Fatalf("similar: %v %v", similar, err)
	}
	if s, _ := f.svc.Similar(ctx, "Ремонт даху лікарні"); len(s) != 0 {
		t.Fatalf("unrelated titles: %v", s)
	}
	if _, err := f.svc.Sign(ctx, p.ID, f.citizen(t, 2, "с. Інше, вул. Польова, 2")); errs.CodeOf(err) != errs.Forbidden {
		t.Fatalf("a non-resident: %v", err)
	}
	if added, err := f.svc.Sign(ctx, p.ID, f.citizen(t, 3, "м. ЗРАЗКОВЕ, просп. Миру, 7")); err != nil || !added {
		t.Fatalf("a resident: %v %v", added, err)
	}
}

// A signature never outlives its petition: the foreign key refuses deleting or renumbering a signed
// petition (issue 15 measured replacing it, as it locks the petition's row for every signer, and kept
// it: docs/BENCHMARKS.md), and signing a petition that does not exist says so.
func TestSignaturesKeepTheirPetition(t *testing.T) {
	f := setup(t, petition.Rules{Threshold: 100})
	ctx := context.Background()
	p := f.published(t, f.citizen(t, 1, ""))
	if added, err := f.svc.Sign(ctx, p.ID, f.citizen(t, 2, "")); err != nil || !added {
		t.Fatalf("signing: %v %v", added, err)
	}
	if err := f.db.Exec("DELETE FROM petitions WHERE id = ?", p.ID).Error; err == nil {
		t.Fatal("a petition with signatures was deleted")
	}
	if err := f.db.Exec("UPDATE petitions SET id = ? WHERE id = ?", p.ID+1000, p.ID).Error; err == nil {
		t.Fatal("a petition with signatures was renumbered")
	}
	if err := f.db.Exec("UPDATE petitions SET id = id, title = title WHERE id = ?", p.ID).Error; err != nil {
		t.Fatalf("an update naming the id unchanged: %v", err)
	}
	if _, err := f.svc.Sign(ctx, p.ID+1000, f.citizen(t, 3, "")); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("signing a petition that does not exist: %v", err)
	}
	if n := liveCount(t, f.db, p.ID); n != 2 {
		t.Fatalf("want 2 signatures, got %d", n)
	}
}

// The attachments' sweep keeps a petition's file: FilesInUse names it, and nothing else.
func TestPetitionFilesInUse(t *testing.T) {
	f := setup(t, petition.Rules{})
	ctx := context.Background()
	author := f.citizen(t, 1, "")
	body := []byte("%PDF-1.4\nпетиція")
	p, err := f.svc.Create(ctx, petition.CreateInput{PersonID: author.PersonID, AuthorName: author.Name,
		Title: "Облаштувати велодоріжку на вулиці Соборній", SubjectCode: "03",
		Text: "Просимо облаштувати безпечну велодоріжку вздовж усієї вулиці Соборної від вокзалу до парку.",
		Attachment: &attachment.Upload{Name: "схема.pdf", Size: int64(len(body)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }}})
	if err != nil {
		t.Fatal(err)
	}
	var sum string
	if err := f.db.Raw("SELECT file_sha256 FROM petitions WHERE id = ?", p.ID).Scan(&sum).Error; err != nil || len(sum) != 64 {
		t.Fatalf("the petition's file: %q %v", sum, err)
	}
	other := strings.Repeat("0", 64)
	used, err := f.svc.FilesInUse(ctx, []string{sum, other})
	if err != nil || !used[sum] || used[other] {
		t.Fatalf("files in use: %v %v", used, err)
	}
}
