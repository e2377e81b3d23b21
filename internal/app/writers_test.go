package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/calendar"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/web"
)

// Many people writing at once get no errors: each of 256 goroutines signs a person in (a transaction),
// saves, reads and deletes a session, counts two rate limits (one of them shared by all, as an address
// is) and signs a petition, all at the same moment.
//
// On SQLite every connection used to write, and the writers competed for the file's lock in SQLite's
// busy handler, which retries in no order: under load some waited past busy_timeout and failed with
// SQLITE_BUSY (sign-in and signing answered 500). Now they queue for the one writing connection and
// none waits in the busy handler, which the test shows by giving it 50 ms instead of 10 s: any writer
// that still competed for the lock would fail. On PostgreSQL rows are locked one by one and nothing
// fails either.
func TestConcurrentWritersGetNoErrors(t *testing.T) {
	ctx := context.Background()
	gdb, err := db.Open(dbtest.URL(t), dbtest.Quiet(), db.BusyTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(gdb) })
	if _, err := db.Migrate(ctx, gdb, dbtest.Quiet()); err != nil {
		t.Fatal(err)
	}
	clf, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	cal, err := calendar.Load(true)
	if err != nil {
		t.Fatal(err)
	}
	people := identity.NewService(gdb, []byte("test-secret-test-secret-test-secret"))
	petitions := petition.NewService(gdb, clf, petition.Options{Calendar: cal, Timezone: time.UTC,
		// The threshold above what the run reaches, so the petition keeps collecting.
		Rules: petition.Rules{Threshold: 10000, CollectionDays: 30, ModerationDays: 2, ConsiderationDays: 10, OnExpiry: petition.OnExpiryArchive}})

	author, err := people.SignIn(ctx, identity.Claims{Issuer: "https://id.test", Subject: "author", TaxID: "9990110022",
		LastName: "Авторенко", GivenName: "Петро", Address: "м. Зразкове, вул. Соборна, 1"})
	if err != nil {
		t.Fatal(err)
	}
	pet, err := petitions.Create(ctx, petition.CreateInput{PersonID: author.ID, AuthorName: author.FullName(),
		Title: "Облаштувати велодоріжку на вулиці Соборній", SubjectCode: "09",
		Text: "Пропоную облаштувати безпечну велодоріжку вздовж вулиці Соборної від площі до парку, з освітленням."})
	if err != nil {
		t.Fatal(err)
	}
	if err := petitions.Publish(ctx, pet.ID, author.ID, *author.TaxIDHash); err != nil {
		t.Fatal(err)
	}

	sessions := web.NewSessionStorage(gdb, time.Hour, 24*time.Hour)
	limits := web.NewRateLimitStorage(gdb)
	const writers = 256
	start := make(chan struct{})
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- func() error {
				p, err := people.SignIn(ctx, identity.Claims{Issuer: "https://id.test", Subject: fmt.Sprintf("signer-%d", i),
					TaxID: fmt.Sprintf("99%08d", i), LastName: "Підписант", GivenName: "Номер", Address: "м. Зразкове"})
				if err != nil {
					return fmt.Errorf("sign-in: %w", err)
				}
				sid := fmt.Sprintf("session-%d", i)
				if err := sessions.Set(sid, []byte("signed in"), time.Minute); err != nil { // short: renewed below
					return fmt.Errorf("session: %w", err)
				}
				if got, err := sessions.Get(sid); err != nil || string(got) != "signed in" {
					return fmt.Errorf("session read: %q %v", got, err)
				}
				hits, _, err := limits.Hit(ctx, web.Counter{Key: fmt.Sprintf("person:%d", p.ID), Window: time.Minute},
					web.Counter{Key: "ip:127.0.0.1", Window: time.Minute})
				if err != nil {
					return fmt.Errorf("rate limit: %w", err)
				}
				if hits[0] != 1 || hits[1] < 1 || hits[1] > writers {
					return fmt.Errorf("rate limit counts %v", hits)
				}
				added, err := petitions.Sign(ctx, pet.ID, petition.Signer{PersonID: p.ID, Key: *p.TaxIDHash, Name: p.FullName()})
				if err != nil || !added {
					return fmt.Errorf("signing: added %v, %w", added, err)
				}
				if err := sessions.Delete(sid); err != nil {
					return fmt.Errorf("sign-out: %w", err)
				}
				return nil
			}()
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			failed++
			if failed <= 5 {
				t.Error(err)
			}
		}
	}
	if failed > 0 {
		t.Fatalf("%d of %d writers failed", failed, writers)
	}
	var n int64
	if err := gdb.Table("petition_signatures").Where("petition_id = ?", pet.ID).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != writers+1 {
		t.Errorf("%d signatures, want %d (the writers and the author)", n, writers+1)
	}
	hits, _, err := limits.Hit(ctx, web.Counter{Key: "ip:127.0.0.1", Window: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	// The shared counter lost no count (unless its minute turned during the run: then two windows).
	if hits[0] != writers+1 && hits[0] > writers {
		t.Errorf("the shared counter says %d after %d hits", hits[0], writers+1)
	}
}
