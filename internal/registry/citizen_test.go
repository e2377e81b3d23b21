package registry_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/paper"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/report"
)

// A draft keeps the form and its files between the form and "Надіслати"; sending registers it with the
// files and deletes it in the same transaction, so a second send is a Conflict and registers nothing;
// a draft past its lifetime is gone.
func TestDraftIsSentOnce(t *testing.T) {
	gdb := dbtest.Open(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	reg, _ := newRegistry(t, gdb, registry.Options{IndexPattern: "{letter}-{seq}", Now: func() time.Time { return now }})
	people := identity.NewService(gdb, []byte("test-secret-test-secret-test-secret"))
	p, err := people.SignIn(context.Background(), identity.Claims{Issuer: "i", Subject: "draft", TaxID: "3000000001",
		LastName: "Коваленко", GivenName: "Олена"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := reg.DraftOf(ctx, p.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("no draft yet: want NotFound, got %v", err)
	}
	if _, err := reg.StoreDraftFiles([]registry.Upload{upload("virus.pdf", []byte("MZ not a pdf"))}); !errs.Is(err, errs.Invalid) {
		t.Fatalf("a file that is no PDF: want Invalid, got %v", err)
	}
	files, err := reg.StoreDraftFiles([]registry.Upload{upload("акт.pdf", []byte("%PDF-1.4\nhello"))})
	if err != nil || len(files) != 1 || files[0].ContentType != "application/pdf" {
		t.Fatalf("storing the draft's file: %v %+v", err, files)
	}
	form, _ := json.Marshal(map[string]string{"Summary": "чернетка"})
	if err := reg.SaveDraft(ctx, p.ID, registry.Draft{Form: form, Files: files}); err != nil {
		t.Fatal(err)
	}
	d, err := reg.DraftOf(ctx, p.ID)
	if err != nil || string(d.Form) != string(form) || len(d.Files) != 1 || d.Files[0].Name != "акт.pdf" {
		t.Fatalf("the draft read back: %v %+v", err, d)
	}

	in := validInput(p.ID)
	in.Attachments, in.FromDraft = reg.DraftUploads(d.Files), true
	a, err := reg.RegisterAppeal(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	card, err := reg.AppealOfPerson(ctx, p.ID, a.ID)
	if err != nil || len(card.Attachments) != 1 || card.Attachments[0].SHA256 != files[0].SHA256 {
		t.Fatalf("the appeal's files: %v %+v", err, card)
	}
	if _, err := reg.RegisterAppeal(ctx, in); !errs.Is(err, errs.Conflict) {
		t.Fatalf("sending the draft again: want Conflict, got %v", err)
	}
	var n int64
	if err := gdb.Table("appeals").Count(&n).Error; err != nil || n != 1 {
		t.Fatalf("appeals registered: %d (%v), want 1", n, err)
	}

	kept, err := reg.StoreDraftFiles([]registry.Upload{upload("довідка.pdf", []byte("%PDF-1.4\nonly the draft's"))})
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.SaveDraft(ctx, p.ID, registry.Draft{Form: form, Files: kept}); err != nil {
		t.Fatal(err)
	}
	// The attachments' sweep keeps what an appeal or a draft names.
	unknown := "0000000000000000000000000000000000000000000000000000000000000000"
	sums := []string{files[0].SHA256, kept[0].SHA256, unknown}
	if used, err := reg.FilesInUse(ctx, sums); err != nil || !used[files[0].SHA256] || !used[kept[0].SHA256] || used[unknown] {
		t.Fatalf("files in use: %v %v", used, err)
	}
	if n, err := reg.ExpireDrafts(ctx); err != nil || n != 0 {
		t.Fatalf("a draft within its lifetime expired: %d %v", n, err)
	}
	now = now.Add(registry.DraftLifetime + time.Minute)
	if _, err := reg.DraftOf(ctx, p.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("a draft past its lifetime: want NotFound, got %v", err)
	}
	if n, err := reg.ExpireDrafts(ctx); err != nil || n != 1 {
		t.Fatalf("a draft past its lifetime: %d removed, %v", n, err)
	}
	if used, err := reg.FilesInUse(ctx, sums); err != nil || !used[files[0].SHA256] || used[kept[0].SHA256] {
		t.Fatalf("files in use after the draft expired: %v %v", used, err)
	}
}

// The author rates the answer once, only after it is given; someone else cannot; the rating is audited,
// counted in the report; the author's letters are theirs only.
func TestRatingTheAnswer(t *testing.T) {
	c := setupCouncil(t)
	ctx := context.Background()
	author, err := c.people.SignIn(ctx, identity.Claims{Issuer: "i", Subject: "author", TaxID: "3000000002",
		LastName: "Коваленко", GivenName: "Олена"})
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := c.people.SignIn(ctx, identity.Claims{Issuer: "i", Subject: "stranger", TaxID: "3000000003",
		LastName: "Бондар", GivenName: "Петро"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.reg.RegisterAppeal(as(author.ID), validInput(author.ID))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.reg.RateAnswer(as(author.ID), author.ID, a.ID, true, ""); !errs.Is(err, errs.Conflict) {
		t.Fatalf("rating before the answer: want Conflict, got %v", err)
	}
	if err := c.reg.Assign(as(c.head), a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: c.housing}); err != nil {
		t.Fatal(err)
	}
	c.answer(t, a, "Гарячу воду відновлено.")

	if err := c.reg.RateAnswer(as(stranger.ID), stranger.ID, a.ID, false, ""); !errs.Is(err, errs.NotFound) {
		t.Fatalf("someone else's appeal: want NotFound, got %v", err)
	}
	if err := c.reg.RateAnswer(as(author.ID), author.ID, a.ID, false, "Відповідь запізнилася"); err != nil {
		t.Fatal(err)
	}
	if err := c.reg.RateAnswer(as(author.ID), author.ID, a.ID, true, ""); !errs.Is(err, errs.Conflict) {
		t.Fatalf("rating again: want Conflict, got %v", err)
	}
	r, ok, err := c.reg.RatingOf(ctx, a.ID)
	if err != nil || !ok || r.Satisfied || r.Comment != "Відповідь запізнилася" || r.PersonID != author.ID {
		t.Fatalf("the rating: %v %v %+v", err, ok, r)
	}
	var audited int64
	if err := c.db.Table("audit_log").Where("action = ? AND object_id = ?", "appeal.rate", a.ID).Count(&audited).Error; err != nil || audited != 1 {
		t.Fatalf("audit lines of the rating: %d (%v)", audited, err)
	}

	today := c.reg.Today()
	rep, err := report.Compute(ctx, c.db, today.AddDate(0, 0, -1), today.AddDate(0, 0, 1), c.kyiv)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Ratings != (report.Ratings{Unsatisfied: 1}) || rep.Previous.Ratings != (report.Ratings{}) {
		t.Fatalf("the report's ratings: %+v, a year earlier %+v", rep.Ratings, rep.Previous.Ratings)
	}

	letters, err := c.reg.LettersToAuthor(ctx, author.ID, a.ID)
	if err != nil || len(letters) == 0 || letters[len(letters)-1].Kind != paper.KindAnswer {
		t.Fatalf("the author's letters: %v %+v", err, letters)
	}
	if l, err := c.reg.LettersToAuthor(ctx, stranger.ID, a.ID); err != nil || len(l) != 0 {
		t.Fatalf("someone else lists the letters: %v %d", err, len(l))
	}
	if _, err := c.reg.LetterToAuthor(ctx, stranger.ID, a.ID, letters[0].ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("someone else opens a letter: want NotFound, got %v", err)
	}
	if _, err := c.reg.LetterToAuthor(ctx, author.ID, a.ID, letters[0].ID); err != nil {
		t.Fatal(err)
	}
}

// The status without an account: the index and the surname, case and apostrophes alike; a wrong surname
// and an unknown index are the same NotFound; an anonymous appeal is never found.
func TestStatusByIndexAndSurname(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	in := staffInput(f.person(t, "registrar"), "phone")
	in.LastName = "Дем'яненко"
	a, err := f.reg.RegisterAppeal(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, surname := range []string{"Дем'яненко", "ДЕМ’ЯНЕНКО", " демʼяненко ", "Дем`яненко"} {
		st, err := f.reg.StatusByIndex(ctx, a.RegIndex, surname)
		if err != nil || st.Index != a.RegIndex || st.Status != registry.StatusRegistered || !st.DueDate.Equal(a.DueDate) || st.AnsweredAt != nil {
			t.Errorf("%q: %v %+v", surname, err, st)
		}
	}
	if _, err := f.reg.StatusByIndex(ctx, "д–"+a.RegIndex[len("Д-"):], "Дем'яненко"); err != nil {
		t.Errorf("the index in lower case with an en dash: %v", err)
	}
	for _, c := range [][2]string{{a.RegIndex, "Демяненко-Шевчук"}, {a.RegIndex, "Коваленко"}, {"Д-999", "Дем'яненко"},
		{a.RegIndex, ""}, {"", "Дем'яненко"}} {
		if _, err := f.reg.StatusByIndex(ctx, c[0], c[1]); !errs.Is(err, errs.NotFound) {
			t.Errorf("%q %q: want NotFound, got %v", c[0], c[1], err)
		}
	}
}
