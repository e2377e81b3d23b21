package petition_test

import (
	"context"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/settlement"
)

// A signature keeps the settlement its signer's address named when they signed, and the page counts
// signatures by settlement: the largest first, those whose settlement was not determined last.
func TestSignaturesBySettlement(t *testing.T) {
	f := setup(t, petition.Rules{Threshold: 100})
	ctx := context.Background()
	clf, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	places := settlement.NewService(f.db, clf.SettlementKinds)
	town, err := places.Create(ctx, settlement.Input{NameUK: "Зразкове", NameEN: "Zrazkove", Kind: "city"})
	if err != nil {
		t.Fatal(err)
	}
	village, err := places.Create(ctx, settlement.Input{NameUK: "Вишневе", Kind: "village"})
	if err != nil {
		t.Fatal(err)
	}
	p := f.published(t, f.citizen(t, 1, "")) // the author's signature: no address, not determined
	for n, address := range map[int]string{2: "м. Зразкове, вул. Соборна, 1", 3: "м. Зразкове, вул. Садова, 3",
		4: "с. Вишневе, вул. Миру, 2", 5: "м. Київ, вул. Хрещатик, 1"} {
		if added, err := f.svc.Sign(ctx, p.ID, f.citizen(t, n, address)); err != nil || !added {
			t.Fatalf("sign %d: %v %v", n, added, err)
		}
	}
	got, err := f.svc.BySettlement(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []petition.SettlementCount{{ID: town.ID, Count: 2}, {ID: village.ID, Count: 1}, {Count: 2}}
	if len(got) != len(want) {
		t.Fatalf("by settlement: %+v", got)
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Count != want[i].Count {
			t.Errorf("row %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if got[0].Name.In("en") != "Zrazkove" || got[1].Name.In("en") != "Вишневе" {
		t.Errorf("names: %+v", got)
	}
}

// Counts gives several petitions' live counts, as Count gives each one, in one query: a list shows what
// the petition's page shows, also right after a recount of the stored counts.
func TestCountsAgreeWithCount(t *testing.T) {
	f := setup(t, petition.Rules{Threshold: 100})
	ctx := context.Background()
	a := f.published(t, f.citizen(t, 1, ""))
	b := f.published(t, f.citizen(t, 2, ""))
	if err := f.svc.RefreshCounts(ctx); err != nil { // the stored counts are fresh: 1 and 1
		t.Fatal(err)
	}
	for n := 3; n <= 5; n++ {
		if _, err := f.svc.Sign(ctx, a.ID, f.citizen(t, n, "")); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(2100 * time.Millisecond) // past the count cache, as another instance's signatures would be
	counts, err := f.svc.Counts(ctx, []int64{a.ID, b.ID, 999999})
	if err != nil || counts[a.ID] != 4 || counts[b.ID] != 1 || counts[999999] != 0 {
		t.Fatalf("counts %v %v", counts, err)
	}
	one, err := f.svc.Count(ctx, a.ID)
	if err != nil || one != 4 {
		t.Fatalf("count %d %v", one, err)
	}
	list, _, err := f.svc.List(ctx, petition.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range list {
		if want := map[int64]int{a.ID: 4, b.ID: 1}[p.ID]; p.SignatureCount != want || p.Percent() != want || p.DaysLeft <= 0 {
			t.Errorf("listed %d: count %d, %d %%, %d days left; want %d", p.ID, p.SignatureCount, p.Percent(), p.DaysLeft, want)
		}
	}
}
