package registry_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/registry"
)

// A card from another system is known by its source and its number there: registering it again — a
// re-imported export, a retried call, twenty at once — never makes a second appeal, and the card shows
// the number and the date.
func TestACardOfASourceIsRegisteredOnce(t *testing.T) {
	gdb := dbtest.Open(t)
	reg, _ := newRegistry(t, gdb, registry.Options{IndexPattern: "{letter}-{seq}/{yy}"})
	ctx := context.Background()
	var source int64
	if err := gdb.Raw("SELECT id FROM appeal_sources WHERE code = '1545'").Scan(&source).Error; err != nil || source == 0 {
		t.Fatalf("the 1545 source: %v", err)
	}
	day := time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)
	card := func(number string) registry.RegisterInput {
		return registry.RegisterInput{Channel: "gov_hotline", SourceID: &source, ExternalNumber: number, ExternalDate: &day,
			LastName: "Коваленко", FirstName: "Олена", Address: "м. Зразкове, вул. Соборна, 1", Type: "complaint",
			Summary: "Немає гарячої води третій тиждень.", ReceivedAt: day.Add(9 * time.Hour),
			Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Гаряча вода"}}}
	}
	const retries = 20
	var wg sync.WaitGroup
	results := make(chan error, retries)
	for range retries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := reg.RegisterAppeal(ctx, card("1545-100"))
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	registered, known := 0, 0
	for err := range results {
		switch e := errs.As(err, errs.Conflict); {
		case err == nil:
			registered++
		case e != nil && e.Message == registry.ErrKnownCard:
			known++
		default:
			t.Errorf("a retry: %v", err)
		}
	}
	if registered != 1 || known != retries-1 {
		t.Fatalf("%d registered, %d known, want 1 and %d", registered, known, retries-1)
	}
	a, err := reg.AppealByExternal(ctx, source, " 1545-100 ")
	if err != nil {
		t.Fatal(err)
	}
	if a.ExternalRef != "№ 1545-100 від 04.03.2024" || a.ExternalNumber != "1545-100" || a.ExternalDate == nil {
		t.Errorf("the card's reference: %q %q %v", a.ExternalRef, a.ExternalNumber, a.ExternalDate)
	}
	if _, err := reg.AppealByExternal(ctx, source, "1545-101"); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("another number: %v", err)
	}
	// Another number of the source is another appeal; a card without its number is refused.
	if _, err := reg.RegisterAppeal(ctx, card("1545-101")); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.RegisterAppeal(ctx, card("")); !errors.As(err, new(*errs.Error)) || errs.CodeOf(err) != errs.Invalid {
		t.Errorf("a source's card without a number: %v", err)
	}
}

// A request's idempotency key is kept for IdempotencyKeyLifetime: a retry within it gets the appeal by
// its key; once the key has expired the card's number still answers, and the key is free again.
func TestIdempotencyKeysExpire(t *testing.T) {
	gdb := dbtest.Open(t)
	reg, _ := newRegistry(t, gdb, registry.Options{IndexPattern: "{letter}-{seq}/{yy}"})
	ctx := context.Background()
	var source int64
	if err := gdb.Raw("SELECT id FROM appeal_sources WHERE code = '1545'").Scan(&source).Error; err != nil || source == 0 {
		t.Fatalf("the 1545 source: %v", err)
	}
	in := registry.RegisterInput{Channel: "gov_hotline", SourceID: &source, ExternalNumber: "1545-7",
		LastName: "Коваленко", FirstName: "Олена", Address: "м. Зразкове, вул. Соборна, 1", Type: "complaint",
		Summary: "Немає гарячої води.", Questions: []registry.QuestionInput{{SubjectCode: "09"}}}
	key := &registry.IdempotencyKey{Scope: "api_token:1", Key: "k-1", Fingerprint: "f-1"}
	first, made, err := reg.RegisterOnce(ctx, in, key)
	if err != nil || !made {
		t.Fatalf("first: %v %v", made, err)
	}
	if n, err := reg.ExpireIdempotencyKeys(ctx, time.Now()); err != nil || n != 0 {
		t.Fatalf("a fresh key expired: %d %v", n, err)
	}
	if n, err := reg.ExpireIdempotencyKeys(ctx, time.Now().Add(registry.IdempotencyKeyLifetime+time.Hour)); err != nil || n != 1 {
		t.Fatalf("an old key kept: %d %v", n, err)
	}
	again, made, err := reg.RegisterOnce(ctx, in, key)
	if err != nil || made || again.ID != first.ID {
		t.Fatalf("a late retry after the key expired: %v %v %v", again, made, err)
	}
}
