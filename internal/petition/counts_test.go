package petition_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/petition"
)

// listed returns the ids and stored counts of the public list, most signatures first.
func listed(t *testing.T, f fixture) ([]int64, map[int64]int) {
	t.Helper()
	list, _, err := f.svc.List(context.Background(), petition.Filter{Sort: "signatures"})
	if err != nil {
		t.Fatal(err)
	}
	ids, counts := make([]int64, len(list)), map[int64]int{}
	for i, p := range list {
		ids[i], counts[p.ID] = p.ID, p.SignatureCount
	}
	return ids, counts
}

// The queue's leader, which runs the periodic RefreshCounts, is dead (here it never ran): lists and the
// sort by signatures still show new signatures once a page's cache window (two seconds) has passed,
// because the instance serving the list recounts stale counts itself.
func TestListsCountWithoutThePeriodicRefresh(t *testing.T) {
	f := setup(t, petition.Rules{Threshold: 100})
	ctx := context.Background()
	a := f.published(t, f.citizen(t, 1, ""))
	b := f.published(t, f.citizen(t, 2, ""))
	ids, counts := listed(t, f)
	if len(ids) != 2 || counts[a.ID] != 1 || counts[b.ID] != 1 {
		t.Fatalf("after publishing, each counts its author: %v %v", ids, counts)
	}

	for n := 3; n <= 4; n++ {
		if added, err := f.svc.Sign(ctx, a.ID, f.citizen(t, n, "")); err != nil || !added {
			t.Fatalf("signing: %v %v", added, err)
		}
	}
	f.clock.add(2 * time.Second) // a page's cached count would be renewed by now
	ids, counts = listed(t, f)
	if ids[0] != a.ID || counts[a.ID] != 3 || counts[b.ID] != 1 {
		t.Fatalf("two new signatures of the first petition: order %v, counts %v", ids, counts)
	}

	for n := 5; n <= 7; n++ {
		if _, err := f.svc.Sign(ctx, b.ID, f.citizen(t, n, "")); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.add(2 * time.Second)
	ids, counts = listed(t, f)
	if ids[0] != b.ID || counts[b.ID] != 4 || counts[a.ID] != 3 {
		t.Fatalf("three new signatures of the second petition: order %v, counts %v", ids, counts)
	}
	all, err := f.svc.AllPublic(ctx) // the open-data export reads the same counts
	if err != nil || len(all) != 2 || all[0].SignatureCount != 3 || all[1].SignatureCount != 4 {
		t.Fatalf("open data: %+v %v", all, err)
	}
}

// Lists served at once by several requests while people sign: every recount is safe to run at the same
// time as the others and as the signing, on both databases.
func TestConcurrentListsAndSigning(t *testing.T) {
	f := setup(t, petition.Rules{Threshold: 1000})
	ctx := context.Background()
	p := f.published(t, f.citizen(t, 1, ""))
	signers := make([]petition.Signer, 40)
	for i := range signers {
		signers[i] = f.citizen(t, 10+i, "")
	}
	var wg sync.WaitGroup
	for i := range signers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if _, err := f.svc.Sign(ctx, p.ID, signers[i]); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			f.clock.add(100 * time.Millisecond)
			if _, _, err := f.svc.List(ctx, petition.Filter{Sort: "signatures"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// A count read while signatures committed may be short of them (never over) until its two seconds
	// of real time end; then the list shows every signature.
	f.clock.add(2 * time.Second)
	time.Sleep(2100 * time.Millisecond)
	if _, counts := listed(t, f); counts[p.ID] != 41 {
		t.Fatalf("after the storm the list shows %d signatures, want 41", counts[p.ID])
	}
}
