package petition_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/ratelimit"
)

// limitsOf are a signer's limits as the portal gives them: their account's, then the shared address's.
func limitsOf(s petition.Signer, perAccount, perAddress int) []ratelimit.Counter {
	now := time.Now()
	return []ratelimit.Counter{ratelimit.At(fmt.Sprintf("sign:person:%d", s.PersonID), time.Hour, perAccount, now),
		ratelimit.At("sign:ip:192.0.2.1", time.Hour, perAddress, now)}
}

// counted is how many events the counter's window holds.
func counted(t *testing.T, db *gorm.DB, c ratelimit.Counter) int {
	t.Helper()
	var data []byte
	if err := db.Raw("SELECT data FROM rate_limits WHERE id = ?", c.ID).Row().Scan(&data); err != nil {
		t.Fatal(err)
	}
	var n int
	if _, err := fmt.Sscan(string(data), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The limits are counted in the signature's round trip: every attempt counts, and one over a limit
// inserts nothing whatever else would happen.
func TestSigningCountsItsLimits(t *testing.T) {
	f := setup(t, petition.Rules{Threshold: 100})
	ctx := context.Background()
	a, b := f.published(t, f.citizen(t, 0, "")), f.published(t, f.citizen(t, 1, ""))
	signer := f.citizen(t, 2, "")
	limits := limitsOf(signer, 3, 100)

	if added, err := f.svc.Sign(ctx, a.ID, signer, limits...); err != nil || !added {
		t.Fatalf("first signature: %v %v", added, err)
	}
	if added, err := f.svc.Sign(ctx, a.ID, signer, limits...); err != nil || added {
		t.Fatalf("signed already: want false, got %v %v", added, err)
	}
	if _, err := f.svc.Sign(ctx, 999999, signer, limits...); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("a petition that does not exist: want NotFound, got %v", err)
	}
	// The fourth attempt within the hour is over the account's limit of 3: refused before anything else.
	_, err := f.svc.Sign(ctx, b.ID, signer, limits...)
	var over *ratelimit.Over
	if !errors.As(err, &over) || !over.Until.Equal(limits[0].Ends) {
		t.Fatalf("over the account's limit: want *ratelimit.Over until %v, got %v", limits[0].Ends, err)
	}
	if n := liveCount(t, f.db, b.ID); n != 1 {
		t.Fatalf("a signature over the limit was added: %d signatures, want the author's 1", n)
	}
	if got := counted(t, f.db, limits[0]); got != 4 {
		t.Errorf("the account's counter: %d, want all 4 attempts", got)
	}
	if got := counted(t, f.db, limits[1]); got != 4 {
		t.Errorf("the address's counter: %d, want all 4 attempts", got)
	}

	// A signer without a tax number does not get past the limits, and a petition that is not collecting
	// (its period ended) says so; both attempts count.
	other := f.citizen(t, 3, "")
	ol := limitsOf(other, 3, 100)
	noTax := petition.Signer{PersonID: other.PersonID, Name: other.Name}
	if _, err := f.svc.Sign(ctx, b.ID, noTax, ol...); errs.CodeOf(err) != errs.Forbidden {
		t.Fatalf("no tax number: want Forbidden, got %v", err)
	}
	f.clock.add(31 * 24 * time.Hour)
	if _, err := f.svc.Sign(ctx, b.ID, other, ol...); errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("a petition past its period: want Conflict, got %v", err)
	}
	if got := counted(t, f.db, ol[0]); got != 2 {
		t.Errorf("the refused attempts: counter %d, want 2", got)
	}
	if _, err := f.svc.Sign(ctx, b.ID, other, ol...); errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("the third attempt: want Conflict, got %v", err)
	}
	if _, err := f.svc.Sign(ctx, b.ID, other, ol...); !errors.As(err, &over) {
		t.Fatalf("the fourth attempt: want *ratelimit.Over, got %v", err)
	}
}

// Many signers behind one address sign at once, each pressing twice, with the address's limit below the
// attempts: exactly the limit's attempts pass, the count is exact, and the threshold is crossed once.
func TestLimitedSignersAtOnce(t *testing.T) {
	f := setup(t, petition.Rules{Threshold: 40})
	p := f.published(t, f.citizen(t, 0, ""))
	const n, perAddress = 60, 90 // 120 attempts: 90 pass the address's limit, 30 do not
	signers := make([]petition.Signer, n)
	for i := range signers {
		signers[i] = f.citizen(t, i+1, "")
	}
	var wg sync.WaitGroup
	var added, refused, closed, failed atomic.Int64
	for i := range n * 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := f.svc.Sign(context.Background(), p.ID, signers[i%n], limitsOf(signers[i%n], 5, perAddress)...)
			var over *ratelimit.Over
			switch {
			case errors.As(err, &over):
				refused.Add(1)
			case errs.CodeOf(err) == errs.Conflict: // the threshold was reached: collecting has ended
				closed.Add(1)
			case err != nil:
				failed.Add(1)
				t.Log(err)
			case ok:
				added.Add(1)
			}
		}()
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Fatalf("%d signing calls failed", failed.Load())
	}
	if refused.Load() != 2*n-perAddress {
		t.Errorf("refused over the address's limit: %d, want exactly %d", refused.Load(), 2*n-perAddress)
	}
	if got := counted(t, f.db, limitsOf(signers[0], 5, perAddress)[1]); got != 2*n {
		t.Errorf("the address's counter: %d, want every attempt (%d)", got, 2*n)
	}
	if got := liveCount(t, f.db, p.ID); got != added.Load()+1 || got < 40 {
		t.Errorf("%d signatures for %d added (+ the author's); the threshold is 40", got, added.Load())
	}
	var events int64
	if err := f.db.Model(&petition.Event{}).Where("petition_id = ? AND kind = ?", p.ID, petition.EventThresholdReached).Count(&events).Error; err != nil {
		t.Fatal(err)
	}
	got, _ := f.svc.Get(context.Background(), p.ID, 0, false)
	if events != 1 || got.State != petition.StateConsideration {
		t.Fatalf("threshold events %d, state %s", events, got.State)
	}
}

// Signers with limits far away, each pressing twice: one signature per person, none lost.
func TestLimitedSignersExactCount(t *testing.T) {
	f := setup(t, petition.Rules{Threshold: 1000})
	p := f.published(t, f.citizen(t, 0, ""))
	const n = 100
	signers := make([]petition.Signer, n)
	for i := range signers {
		signers[i] = f.citizen(t, i+1, "")
	}
	var wg sync.WaitGroup
	var added, failed atomic.Int64
	for i := range n * 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := f.svc.Sign(context.Background(), p.ID, signers[i%n], limitsOf(signers[i%n], 30, 10000)...)
			if err != nil {
				failed.Add(1)
				t.Log(err)
			} else if ok {
				added.Add(1)
			}
		}()
	}
	wg.Wait()
	if failed.Load() != 0 || added.Load() != n {
		t.Fatalf("%d calls failed, %d signatures added, want %d", failed.Load(), added.Load(), n)
	}
	if got := liveCount(t, f.db, p.ID); got != n+1 {
		t.Fatalf("want %d signatures, got %d", n+1, got)
	}
}
