package registry_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/registry"
)

// The changes feed, read in small pages while many writers change appeals at once — each holding its
// transaction open for a while, so on PostgreSQL changes with lower ids commit after higher ones — gives
// every change exactly once, each appeal's changes in the order they were made, and nothing of another
// source.
func TestChangesFeedMissesAndRepeatsNothing(t *testing.T) {
	gdb := dbtest.Open(t)
	reg, _ := newRegistry(t, gdb, registry.Options{IndexPattern: "{letter}-{seq}/{yy}"})
	ctx := context.Background()
	source, other := sourceID(t, gdb, "1545"), sourceID(t, gdb, "oda")
	const appeals, changesEach = 12, 15
	ids := make([]int64, appeals)
	for i := range ids {
		ids[i] = registerFrom(t, reg, source, fmt.Sprintf("1545-%d", i))
	}
	otherID := registerFrom(t, reg, other, "oda-1")

	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			changeStatuses(t, gdb, id, changesEach, int64(i))
		}()
	}
	wg.Add(1)
	go func() { // another source's appeal changes too, and must never show
		defer wg.Done()
		changeStatuses(t, gdb, otherID, changesEach, 99)
	}()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	seen := map[int64]bool{}
	lastOf := map[int64]int64{} // appeal → the id of its last change seen
	var cursor registry.ChangeCursor
	var maxID int64
	late := 0 // changes served after a higher id: what paging by id alone would have skipped
	want := appeals * (1 + changesEach)
	deadline := time.Now().Add(2 * time.Minute)
	for len(seen) < want && time.Now().Before(deadline) {
		page, next, err := reg.ChangesOf(ctx, source, cursor, 7)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			switch {
			case seen[c.ID]:
				t.Fatalf("change %d served twice", c.ID)
			case c.SourceID != source || c.AppealID == otherID:
				t.Fatalf("another source's change: %+v", c)
			case c.ID < lastOf[c.AppealID]:
				t.Fatalf("appeal %d: change %d after %d", c.AppealID, c.ID, lastOf[c.AppealID])
			}
			if c.ID < maxID {
				late++
			}
			seen[c.ID], lastOf[c.AppealID], maxID = true, c.ID, max(maxID, c.ID)
		}
		if len(page) == 0 {
			select {
			case <-done:
				time.Sleep(20 * time.Millisecond) // on PostgreSQL, wait for older transactions elsewhere to end
			default:
				time.Sleep(time.Millisecond)
			}
		}
		cursor = next
	}
	<-done
	var stored int64
	if err := gdb.Table("appeal_status_changes").Where("source_id = ?", source).Count(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if len(seen) != want || stored != int64(want) {
		t.Fatalf("seen %d changes, stored %d, want %d", len(seen), stored, want)
	}
	if page, _, err := reg.ChangesOf(ctx, source, cursor, 100); err != nil || len(page) != 0 {
		t.Errorf("after the end: %d changes (%v)", len(page), err)
	}
	t.Logf("%d changes read in order; %d of them committed after a change with a higher id", len(seen), late)
}

// A cursor the feed never gave out is refused; one it gave out reads back.
func TestChangeCursors(t *testing.T) {
	c := registry.ChangeCursor{TxID: 123456789, ID: 42}
	got, err := registry.ParseChangeCursor(c.String())
	if err != nil || got != c {
		t.Fatalf("%q read back as %+v (%v)", c.String(), got, err)
	}
	if got, err := registry.ParseChangeCursor(""); err != nil || got != (registry.ChangeCursor{}) {
		t.Errorf("the beginning: %+v %v", got, err)
	}
	for _, bad := range []string{"x", "42", "YzEuMS4y!", "YzIuMS4y", "YzEuLTEuMg", "YzEuMS4", "\x00", string(make([]byte, 200))} {
		if _, err := registry.ParseChangeCursor(bad); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
}

func sourceID(t *testing.T, gdb *gorm.DB, code string) int64 {
	t.Helper()
	var id int64
	if err := gdb.Raw("SELECT id FROM appeal_sources WHERE code = ?", code).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("source %s: %v", code, err)
	}
	return id
}

func registerFrom(t *testing.T, reg *registry.Service, source int64, number string) int64 {
	t.Helper()
	a, err := reg.RegisterAppeal(context.Background(), registry.RegisterInput{Channel: "gov_hotline", SourceID: &source,
		ExternalNumber: number, LastName: "Коваленко", FirstName: "Олена", Address: "м. Зразкове, вул. Соборна, 1",
		Type: "complaint", Summary: "Немає гарячої води третій тиждень.",
		Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Гаряча вода"}}})
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// changeStatuses moves an appeal through n statuses, one transaction each, holding each open for a
// random few milliseconds after the change so that transactions overlap and commit out of id order.
func changeStatuses(t *testing.T, gdb *gorm.DB, id int64, n int, seed int64) {
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	for i := range n {
		status := registry.Statuses[(i+1)%len(registry.Statuses)]
		err := gdb.Transaction(func(tx *gorm.DB) error {
			if err := tx.Model(&registry.Appeal{}).Where("id = ?", id).
				Updates(map[string]any{"status": status, "updated_at": time.Now().UTC()}).Error; err != nil {
				return err
			}
			time.Sleep(time.Duration(rng.IntN(4000)) * time.Microsecond)
			return nil
		})
		if err != nil {
			t.Error(err)
			return
		}
	}
}
