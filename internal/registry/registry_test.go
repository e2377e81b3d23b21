package registry_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/attachment"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
)

type fixture struct {
	reg    *registry.Service
	people *identity.Service
	db     *gorm.DB
	kyiv   *time.Location
}

func setup(t *testing.T) fixture {
	t.Helper()
	gdb := dbtest.Open(t)
	reg, kyiv := newRegistry(t, gdb, registry.Options{IndexPattern: "{letter}-{seq}"})
	return fixture{
		reg:    reg,
		people: identity.NewService(gdb, []byte("test-secret-test-secret-test-secret")),
		db:     gdb,
		kyiv:   kyiv,
	}
}

// newRegistry builds a registry on the database in the council's zone (Europe/Kyiv) with the classifier,
// a file store of 1 MiB files, three attachments per appeal and the options given.
func newRegistry(t *testing.T, gdb *gorm.DB, o registry.Options) (*registry.Service, *time.Location) {
	t.Helper()
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
	o.Timezone, o.MaxAttachments = kyiv, 3
	return registry.NewService(gdb, clf, store, o), kyiv
}

func (f fixture) person(t *testing.T, sub string) int64 {
	t.Helper()
	p, err := f.people.SignIn(context.Background(), identity.Claims{Issuer: "https://idp.test", Subject: sub,
		TaxID: "30000" + fmt.Sprintf("%05d", len(sub)), LastName: "Коваленко", GivenName: "Олена"})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func validInput(personID int64) registry.RegisterInput {
	return registry.RegisterInput{
		Channel: registry.ChannelPortal, PersonID: &personID,
		LastName: "Коваленко", FirstName: "Олена", Patronymic: "Петрівна",
		Address: "м. Зразкове, вул. Соборна, 1, кв. 2", Email: "olena@example.org",
		Type:      "complaint",
		Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Немає гарячої води"}, {}},
		Summary:   "Третій тиждень у будинку немає гарячої води.", Consent: true,
	}
}

func upload(name string, data []byte) registry.Upload {
	return registry.Upload{Name: name, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

func TestRegisterAppeal(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	pid := f.person(t, "a")
	in := validInput(pid)
	in.Attachments = []registry.Upload{upload("акт.pdf", []byte("%PDF-1.4\nhello"))}
	in.Categories = []string{"idp"}
	a, err := f.reg.RegisterAppeal(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if a.RegIndex != "К-1" || a.Status != registry.StatusRegistered || a.Channel != "portal" {
		t.Fatalf("card: %+v", a)
	}
	if !a.Priority {
		t.Error("an IDP author must be marked priority")
	}
	got, err := f.reg.AppealOfPerson(ctx, pid, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Questions) != 1 || got.Questions[0].SubjectCode != "09" {
		t.Fatalf("questions: %+v", got.Questions)
	}
	if len(got.Events) != 1 || got.Events[0].Kind != registry.EventRegistered {
		t.Fatalf("timeline: %+v", got.Events)
	}
	if len(got.Attachments) != 1 || got.Attachments[0].ContentType != "application/pdf" || got.Attachments[0].FileName != "акт.pdf" {
		t.Fatalf("attachments: %+v", got.Attachments)
	}
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	want := registry.DueDate(a.ReceivedAt.In(kyiv), 30)
	if !got.DueDate.Equal(want) {
		t.Fatalf("due %v, want %v", got.DueDate, want)
	}

	second, err := f.reg.RegisterAppeal(ctx, validInput(pid))
	if err != nil {
		t.Fatal(err)
	}
	if second.RegIndex != "К-2" {
		t.Fatalf("second index %q", second.RegIndex)
	}
}

func TestDueDate(t *testing.T) {
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	cases := []struct {
		received time.Time
		days     int
		want     string
	}{
		{time.Date(2024, 1, 15, 10, 0, 0, 0, kyiv), 30, "2024-02-14"},
		{time.Date(2024, 2, 1, 0, 30, 0, 0, kyiv), 30, "2024-03-02"}, // leap year
		{time.Date(2024, 12, 20, 23, 59, 0, 0, kyiv), 15, "2025-01-04"},
		// 30 days after 2024-03-08 is Sunday 2024-04-07: it stays on the Sunday, never later.
		{time.Date(2024, 3, 8, 9, 0, 0, 0, kyiv), 30, "2024-04-07"},
	}
	for _, c := range cases {
		if got := registry.DueDate(c.received, c.days).Format("2006-01-02"); got != c.want {
			t.Errorf("DueDate(%v, %d) = %s, want %s", c.received, c.days, got, c.want)
		}
	}
}

func TestFormatIndex(t *testing.T) {
	d := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct{ pattern, last, nature, want string }{
		{"{letter}-{seq}", "коваленко", registry.NatureIndividual, "К-7"},
		{"{letter}-{seq}", "Їжак", registry.NatureIndividual, "Ї-7"},
		{"{letter}-{seq}", "Шевченко", registry.NatureCollective, "КО-7"},
		{"{letter}-{seq}", "", registry.NatureAnonymous, "БП-7"},
		{"{seq}/{letter}/{yy}", "Бондар", registry.NatureIndividual, "7/Б/24"},
	}
	for _, c := range cases {
		if got := registry.FormatIndex(c.pattern, c.last, c.nature, d, 7); got != c.want {
			t.Errorf("FormatIndex(%q, %q, %q) = %q, want %q", c.pattern, c.last, c.nature, got, c.want)
		}
	}
}

func TestRegisterAppealRefusesBadInput(t *testing.T) {
	f := setup(t)
	pid := f.person(t, "b")
	cases := []struct {
		name  string
		edit  func(*registry.RegisterInput)
		field string
		msg   string
	}{
		{"no surname", func(in *registry.RegisterInput) { in.LastName = "  " }, "last_name", "appeal.error.required"},
		{"digits in name", func(in *registry.RegisterInput) { in.FirstName = "Ol3na" }, "first_name", "appeal.error.name_digits"},
		{"no address", func(in *registry.RegisterInput) { in.Address = "" }, "address", "appeal.error.address_required"},
		{"no contact", func(in *registry.RegisterInput) { in.Email, in.Phone = "", "" }, "email", "appeal.error.contact_required"},
		{"bad email", func(in *registry.RegisterInput) { in.Email = "olena@" }, "email", "appeal.error.email"},
		{"bad phone", func(in *registry.RegisterInput) { in.Phone = "call me" }, "phone", "appeal.error.phone"},
		{"unknown type", func(in *registry.RegisterInput) { in.Type = "thanks" }, "type", "appeal.error.type"},
		{"no question", func(in *registry.RegisterInput) { in.Questions = []registry.QuestionInput{{}} }, "questions.0.subject", "appeal.error.question_required"},
		{"question without subject", func(in *registry.RegisterInput) {
			in.Questions = []registry.QuestionInput{{SubjectCode: "09"}, {Text: "і ще одне"}}
		}, "questions.1.subject", "appeal.error.subject"},
		{"unknown subject", func(in *registry.RegisterInput) { in.Questions[0].SubjectCode = "99" }, "questions.0.subject", "appeal.error.subject"},
		{"no text", func(in *registry.RegisterInput) { in.Summary = "" }, "summary", "appeal.error.summary_required"},
		{"short text", func(in *registry.RegisterInput) { in.Summary = "допоможіть"[:6] }, "summary", "appeal.error.summary_short"},
		{"huge text", func(in *registry.RegisterInput) { in.Summary = strings.Repeat("я", 20001) }, "summary", "appeal.error.too_long"},
		{"no consent", func(in *registry.RegisterInput) { in.Consent = false }, "consent", "appeal.error.consent"},
		{"unknown category", func(in *registry.RegisterInput) { in.Categories = []string{"king"} }, "categories", "appeal.error.choose"},
		{"html as pdf", func(in *registry.RegisterInput) {
			in.Attachments = []registry.Upload{upload("x.pdf", []byte("<html><script>alert(1)</script>"))}
		}, "attachments", "appeal.error.file_type"},
		{"too many files", func(in *registry.RegisterInput) {
			p := upload("a.pdf", []byte("%PDF-1.4"))
			in.Attachments = []registry.Upload{p, p, p, p}
		}, "attachments", "appeal.error.too_many_files"},
		{"file too large", func(in *registry.RegisterInput) {
			in.Attachments = []registry.Upload{upload("a.pdf", append([]byte("%PDF-1.4"), make([]byte, 1<<20)...))}
		}, "attachments", "appeal.error.file_too_large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := validInput(pid)
			c.edit(&in)
			_, err := f.reg.RegisterAppeal(context.Background(), in)
			e, ok := err.(*errs.Error)
			if !ok || e.Code != errs.Invalid {
				t.Fatalf("want an invalid error, got %v", err)
			}
			if e.Fields[c.field] != c.msg {
				t.Fatalf("field %s: got %q, want %q (all: %v)", c.field, e.Fields[c.field], c.msg, e.Fields)
			}
		})
	}
	list, err := f.reg.AppealsOfPerson(context.Background(), pid)
	if err != nil || len(list) != 0 {
		t.Fatalf("refused appeals must not be registered: %d, %v", len(list), err)
	}
}

// Fifty citizens pressing "send" at once get fifty different, consecutive numbers.
func TestConcurrentRegistrationsGetConsecutiveIndexes(t *testing.T) {
	f := setup(t)
	pid := f.person(t, "c")
	const n = 50
	var wg sync.WaitGroup
	seqs := make([]int, n)
	errList := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := f.reg.RegisterAppeal(context.Background(), validInput(pid))
			if err != nil {
				errList[i] = err
				return
			}
			seqs[i] = a.RegSeq
			if a.RegIndex != fmt.Sprintf("К-%d", a.RegSeq) {
				errList[i] = fmt.Errorf("index %q does not match seq %d", a.RegIndex, a.RegSeq)
			}
		}()
	}
	wg.Wait()
	for _, err := range errList {
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Ints(seqs)
	for i, s := range seqs {
		if s != i+1 {
			t.Fatalf("sequence numbers are not 1..%d without gaps: %v", n, seqs)
		}
	}
}

func TestCitizenCannotOpenAnotherCitizensAppeal(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	owner, other := f.person(t, "owner"), f.person(t, "other-person")
	in := validInput(owner)
	in.Attachments = []registry.Upload{upload("a.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))}
	a, err := f.reg.RegisterAppeal(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.AppealOfPerson(ctx, other, a.ID); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("another citizen's appeal: got %v, want not found", err)
	}
	if _, _, err := f.reg.AttachmentOfPerson(ctx, other, a.ID, a.Attachments[0].ID); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("another citizen's attachment: got %v, want not found", err)
	}
	if _, err := f.reg.AppealOfPerson(ctx, owner, a.ID+1000); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("unknown appeal: got %v, want not found", err)
	}
	list, err := f.reg.AppealsOfPerson(ctx, other)
	if err != nil || len(list) != 0 {
		t.Fatalf("the other citizen's list must be empty: %v %v", list, err)
	}
}

// The registry reads the time from its clock: the moment of registration, the day of receipt in the
// council's zone (23:30 UTC on 31 March is 1 April in Kyiv), the due date and what counts as the future.
func TestRegistryClock(t *testing.T) {
	gdb := dbtest.Open(t)
	now := time.Date(2024, 3, 31, 23, 30, 0, 0, time.UTC)
	reg, kyiv := newRegistry(t, gdb, registry.Options{IndexPattern: "{letter}-{seq}/{yy}", Now: func() time.Time { return now }})
	if got := reg.Today().Format(time.DateOnly); got != "2024-04-01" {
		t.Fatalf("today %s", got)
	}
	f := fixture{people: identity.NewService(gdb, []byte("test-secret-test-secret-test-secret"))}
	in := staffInput(f.person(t, "registrar"), "phone")
	a, err := reg.RegisterAppeal(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if !a.ReceivedAt.Equal(now) || !a.CreatedAt.Equal(now) || a.DueDate.Format(time.DateOnly) != "2024-05-01" ||
		a.RegIndex != "Ш-1/24" || !a.Events[0].OccurredAt.Equal(now) {
		t.Fatalf("registered %+v", a)
	}
	in.ReceivedAt = time.Date(2024, 4, 2, 9, 0, 0, 0, kyiv)
	if got := fieldsOf(t, reg.Check(in))["received_at"]; got != "appeal.error.received_future" {
		t.Fatalf("received the day after the clock's today: %q", got)
	}
	in.ReceivedAt = time.Date(2024, 4, 1, 23, 0, 0, 0, kyiv)
	if err := reg.Check(in); err != nil {
		t.Fatalf("received later on the clock's today: %v", err)
	}
}

// Every channel's document kind in the classifier file is one the card can show.
func TestChannelsHaveKnownDocumentKinds(t *testing.T) {
	clf, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range clf.Channels {
		if !slices.Contains(registry.DocumentKinds, ch.DocumentKind) {
			t.Errorf("channel %s: document kind %q is not one of %v", ch.Code, ch.DocumentKind, registry.DocumentKinds)
		}
	}
}
