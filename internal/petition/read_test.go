package petition_test

import (
	"context"
	"testing"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/petition"
)

// Signatories page by keyset: forward from the first page with the last id seen, back with the first,
// and every signatory comes once, in the order they signed, on both databases.
func TestSignatoriesByKeyset(t *testing.T) {
	f := setup(t, petition.Rules{Threshold: 1000})
	ctx := context.Background()
	p := f.published(t, f.citizen(t, 1, ""))
	for n := 2; n <= 23; n++ {
		if _, err := f.svc.Sign(ctx, p.ID, f.citizen(t, n, "")); err != nil {
			t.Fatal(err)
		}
	}
	var all []petition.Signature
	if err := f.db.Where("petition_id = ?", p.ID).Order("id").Find(&all).Error; err != nil || len(all) != 23 {
		t.Fatalf("signatures: %d %v", len(all), err)
	}
	const per = 5
	var pages [][]petition.Signature
	var seen []int64
	after := int64(0)
	for {
		page, err := f.svc.Signatories(ctx, p.ID, after, 0, per)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		pages = append(pages, page)
		for _, s := range page {
			seen = append(seen, s.ID)
			if s.SignerName == "" || s.SignerKey != "" {
				t.Fatalf("a signatory reads its name only: %+v", s)
			}
		}
		after = page[len(page)-1].ID
	}
	if len(pages) != 5 || len(seen) != len(all) {
		t.Fatalf("%d pages, %d signatories, want 5 and %d", len(pages), len(seen), len(all))
	}
	for i, s := range all {
		if seen[i] != s.ID {
			t.Fatalf("signatory %d is %d, want %d", i, seen[i], s.ID)
		}
	}
	// Back from the last page: each earlier page again, in the same order.
	for i := len(pages) - 1; i > 0; i-- {
		back, err := f.svc.Signatories(ctx, p.ID, 0, pages[i][0].ID, per)
		if err != nil {
			t.Fatal(err)
		}
		if len(back) != len(pages[i-1]) {
			t.Fatalf("page %d back: %d signatories, want %d", i, len(back), len(pages[i-1]))
		}
		for j := range back {
			if back[j].ID != pages[i-1][j].ID {
				t.Fatalf("page %d back, row %d: %d, want %d", i, j, back[j].ID, pages[i-1][j].ID)
			}
		}
	}
}

// A public petition's stamp changes with its count (once the window has passed) and at once with a
// change this process makes; a petition in moderation has none, as it has no public page.
func TestPublicStamp(t *testing.T) {
	f := setup(t, petition.Rules{Threshold: 2})
	ctx := context.Background()
	author := f.citizen(t, 1, "")
	hidden, err := f.svc.Create(ctx, petition.CreateInput{PersonID: author.PersonID, AuthorName: author.Name,
		Title: "Прибрати стихійне звалище біля ставка", SubjectCode: "03",
		Text: "Просимо прибрати стихійне звалище біля ставка та встановити там контейнери для сміття й табличку."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.PublicStamp(ctx, hidden.ID); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("a petition in moderation has a public stamp: %v", err)
	}
	p := f.published(t, f.citizen(t, 2, ""))
	st, err := f.svc.PublicStamp(ctx, p.ID)
	if err != nil || st.Version == "" {
		t.Fatalf("stamp: %+v %v", st, err)
	}
	if cur, ok := f.svc.CurrentStamp(p.ID); !ok || cur != st {
		t.Fatalf("the stamp just read is not current: %+v %v", cur, ok)
	}
	// The second signature reaches the threshold of 2: a change of state, which this process made.
	if _, err := f.svc.Sign(ctx, p.ID, f.citizen(t, 3, "")); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.svc.CurrentStamp(p.ID); ok {
		t.Fatal("the stamp outlived a change this process made")
	}
	again, err := f.svc.PublicStamp(ctx, p.ID)
	if err != nil || again.Version == st.Version {
		t.Fatalf("after the threshold: %+v (before %+v) %v", again, st, err)
	}
	if _, err := f.svc.PublicStamp(ctx, 1_000_000); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("no such petition: %v", err)
	}
}
