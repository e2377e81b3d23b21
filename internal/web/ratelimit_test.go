package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/dbtest"
)

func TestHitCountsEveryEventOnce(t *testing.T) {
	st := NewRateLimitStorage(dbtest.Open(t))
	ctx := context.Background()
	account, address := Counter{Key: "sign:person:1", Window: time.Minute}, Counter{Key: "sign:ip:192.0.2.1", Window: time.Minute}

	hits, ends, err := st.Hit(ctx, account, address)
	if err != nil || hits[0] != 1 || hits[1] != 1 || !ends[0].After(time.Now()) || ends[0].After(time.Now().Add(time.Minute)) {
		t.Fatalf("first: %v %v %v", hits, ends, err)
	}
	hits, _, err = st.Hit(ctx, address)
	if err != nil || hits[0] != 2 {
		t.Fatalf("the address again: %v %v", hits, err)
	}
	// The same key with another window is another counter; the same counter twice counts once.
	hits, _, err = st.Hit(ctx, Counter{Key: "sign:person:1", Window: time.Hour}, account, account)
	if err != nil || hits[0] != 1 || hits[1] != 2 || hits[2] != 2 {
		t.Fatalf("windows: %v %v", hits, err)
	}

	// Many requests at once, as from several instances: none lost, none counted twice.
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := st.Hit(ctx, Counter{Key: "sign:person:" + strconv.Itoa(100+i%4), Window: time.Minute},
				Counter{Key: "burst", Window: time.Minute}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	hits, _, err = st.Hit(ctx, Counter{Key: "burst", Window: time.Minute}, Counter{Key: "sign:person:100", Window: time.Minute})
	if err != nil || hits[0] != n+1 || hits[1] != n/4+1 {
		t.Fatalf("after %d concurrent hits: %v %v", n, hits, err)
	}
}

func TestRateLimitRefusesOverTheLimit(t *testing.T) {
	s := &Server{log: slog.New(slog.NewTextHandler(io.Discard, nil)), limits: NewRateLimitStorage(dbtest.Open(t))}
	app := fiber.New()
	app.Post("/sign", s.RateLimit(
		Limit{N: 2, Window: time.Minute, Key: func(c *fiber.Ctx) string { return "sign:person:" + c.Get("X-Person") }},
		Limit{N: 3, Window: time.Minute, Key: func(c *fiber.Ctx) string { return "sign:ip:" + c.IP() }},
	), func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusNoContent) })
	post := func(person string) *http.Response {
		req := httptest.NewRequest(http.MethodPost, "/sign", nil)
		req.Header.Set("X-Person", person)
		res, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for i, c := range []struct {
		person string
		want   int
	}{{"1", 204}, {"1", 204}, {"1", 429}, {"2", 429}, {"3", 429}} {
		// The third request of person 1 is over their limit; it still counts for the address, so the
		// address (3 a minute) refuses everybody after it.
		res := post(c.person)
		if res.StatusCode != c.want {
			t.Fatalf("request %d (person %s): %d, want %d", i+1, c.person, res.StatusCode, c.want)
		}
		if c.want == 429 {
			if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
				t.Fatalf("request %d: Retry-After %q", i+1, res.Header.Get("Retry-After"))
			}
		}
	}
}

func TestSessionExpiryMovesWithUse(t *testing.T) {
	gdb := dbtest.Open(t)
	st := NewSessionStorage(gdb, time.Hour, 7*24*time.Hour)
	if err := st.Set("s1", []byte("data"), time.Hour); err != nil {
		t.Fatal(err)
	}
	expiry := func() time.Time {
		var row kvRow
		if err := gdb.Table("sessions").Where("id = ?", "s1").Take(&row).Error; err != nil {
			t.Fatal(err)
		}
		return *row.ExpiresAt
	}
	set := expiry()
	// Used at once: no write, the expiry stays.
	if b, err := st.Get("s1"); err != nil || string(b) != "data" || !expiry().Equal(set) {
		t.Fatalf("fresh session: %q %v, expiry %v then %v", b, err, set, expiry())
	}
	// Used after a while: the hour counts again from now.
	if err := gdb.Table("sessions").Where("id = ?", "s1").Update("expires_at", time.Now().UTC().Add(20*time.Minute)).Error; err != nil {
		t.Fatal(err)
	}
	if b, err := st.Get("s1"); err != nil || string(b) != "data" {
		t.Fatalf("older session: %q %v", b, err)
	}
	if left := time.Until(expiry()); left < 59*time.Minute || left > time.Hour {
		t.Fatalf("after use the session has %v left, want an hour", left)
	}
	// Expired: gone, and not revived.
	if err := gdb.Table("sessions").Where("id = ?", "s1").Update("expires_at", time.Now().UTC().Add(-time.Second)).Error; err != nil {
		t.Fatal(err)
	}
	if b, err := st.Get("s1"); err != nil || b != nil || time.Until(expiry()) > 0 {
		t.Fatalf("expired session: %q %v", b, err)
	}
}

// However active, a session ends maxAge after it began; saving it again never makes it younger, but a
// session saved again under the id of one that has ended begins anew, without the old one's person.
func TestSessionEndsAtItsMaxAge(t *testing.T) {
	gdb, personID := sessionPerson(t)
	st := NewSessionStorage(gdb, time.Hour, 3*time.Hour)
	row := func() sessionRow {
		var r sessionRow
		if err := gdb.Where("id = ?", "s1").Take(&r).Error; err != nil {
			t.Fatal(err)
		}
		return r
	}
	age := func(d time.Duration) {
		if err := gdb.Table("sessions").Where("id = ?", "s1").Update("created_at", time.Now().UTC().Add(-d)).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Set("s1", []byte("one"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := st.SetPerson(context.Background(), "s1", personID); err != nil {
		t.Fatal(err)
	}
	age(2 * time.Hour)
	began := row().CreatedAt
	if err := st.Set("s1", []byte("two"), time.Hour); err != nil { // saved again while live
		t.Fatal(err)
	}
	if r := row(); !r.CreatedAt.Equal(began) || r.PersonID == nil || *r.PersonID != personID {
		t.Fatalf("a live session saved again: began %v (was %v), person %v", r.CreatedAt, began, r.PersonID)
	}
	if b, err := st.Get("s1"); err != nil || string(b) != "two" {
		t.Fatalf("a session within its max age: %q %v", b, err)
	}
	age(3*time.Hour + time.Second) // active (expires in an hour) but too old
	if b, err := st.Get("s1"); err != nil || b != nil {
		t.Fatalf("a session over its max age: %q %v", b, err)
	}
	if err := st.Set("s1", []byte("fresh"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if r := row(); time.Since(r.CreatedAt) > time.Minute || r.PersonID != nil {
		t.Fatalf("a new session under an ended one's id: began %v, person %v", r.CreatedAt, r.PersonID)
	}
	if b, err := st.Get("s1"); err != nil || string(b) != "fresh" {
		t.Fatalf("the new session: %q %v", b, err)
	}
	age(4 * time.Hour)
	if n, err := st.DeleteExpired(context.Background()); err != nil || n != 1 {
		t.Fatalf("collecting a session over its max age: %d %v", n, err)
	}
}

// sessionPerson is a fresh database with one person in it, and the person's id.
func sessionPerson(t *testing.T) (*gorm.DB, int64) {
	t.Helper()
	gdb := dbtest.Open(t)
	if err := gdb.Exec("INSERT INTO persons (issuer, subject, created_at, last_sign_in_at) VALUES ('i', 's', ?, ?)",
		time.Now().UTC(), time.Now().UTC()).Error; err != nil {
		t.Fatal(err)
	}
	var personID int64
	if err := gdb.Table("persons").Select("id").Scan(&personID).Error; err != nil {
		t.Fatal(err)
	}
	return gdb, personID
}

// Every session of a person ends at once; others stay.
func TestSessionsOfAPersonEndTogether(t *testing.T) {
	gdb, personID := sessionPerson(t)
	st := NewSessionStorage(gdb, time.Hour, 3*time.Hour)
	for _, id := range []string{"a", "b", "other"} {
		if err := st.Set(id, []byte("x"), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"a", "b"} {
		if err := st.SetPerson(context.Background(), id, personID); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := st.DeletePerson(context.Background(), personID); err != nil || n != 2 {
		t.Fatalf("ending a person's sessions: %d %v", n, err)
	}
	if b, err := st.Get("other"); err != nil || b == nil {
		t.Fatalf("another session: %q %v", b, err)
	}
}
