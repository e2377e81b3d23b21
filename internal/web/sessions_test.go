package web

import (
	"context"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/identity"
)

// Visit reads the session, the person its row names and their roles in one query, under the same
// lifetime rules as Get: idle expiry, the absolute age, and the renewal of the expiry.
func TestVisitReadsSessionPersonAndRoles(t *testing.T) {
	gdb, st, staff, citizen := visitFixture(t)
	ctx := context.Background()
	v, found, err := st.Visit(ctx, "staff")
	p, roles := v.Split()
	if err != nil || !found || string(v.SessionData) != "data-staff" || p == nil || p.ID != staff.ID || p.LastName != "Мельник" ||
		!slices.Equal(roles, []string{identity.RoleAdmin, identity.RoleRegistrar}) {
		t.Fatalf("staff session: %v %v %q %+v %v", err, found, v.SessionData, p, roles)
	}
	v, found, err = st.Visit(ctx, "citizen")
	if p, roles := v.Split(); err != nil || !found || p == nil || p.ID != citizen.ID || roles != nil {
		t.Fatalf("citizen session: %v %v %+v %v", err, found, p, roles)
	}
	v, found, err = st.Visit(ctx, "visitor")
	if p, _ := v.Split(); err != nil || !found || string(v.SessionData) != "data-visitor" || p != nil {
		t.Fatalf("a visitor's session: %v %v %q %+v", err, found, v.SessionData, p)
	}
	if _, found, err := st.Visit(ctx, "nobody"); err != nil || found {
		t.Fatalf("no such session: %v %v", err, found)
	}
	// A person who is gone takes their sessions with them (ON DELETE CASCADE): nothing to sign in as.
	if err := gdb.Exec("DELETE FROM persons WHERE id = ?", citizen.ID).Error; err != nil {
		t.Fatal(err)
	}
	if _, found, err := st.Visit(ctx, "citizen"); err != nil || found {
		t.Fatalf("the session of a deleted person: %v %v", err, found)
	}
}

func TestVisitKeepsTheSessionLifetime(t *testing.T) {
	gdb, st, _, _ := visitFixture(t)
	ctx := context.Background()
	// Idle past its expiry, or older than the absolute age however active: gone, as for Get.
	past := time.Now().UTC().Add(-time.Minute)
	if err := gdb.Table("sessions").Where("id = ?", "citizen").Update("expires_at", past).Error; err != nil {
		t.Fatal(err)
	}
	if err := gdb.Table("sessions").Where("id = ?", "staff").Update("created_at", time.Now().UTC().Add(-25*time.Hour)).Error; err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"citizen", "staff"} {
		if _, found, err := st.Visit(ctx, key); err != nil || found {
			t.Errorf("%s: an ended session was found (%v)", key, err)
		}
		if data, err := st.Get(key); err != nil || data != nil {
			t.Errorf("%s: Get found an ended session (%v)", key, err)
		}
	}

	// A session read when more than renewEvery of its lifetime has passed lives a full lifetime again.
	soon := time.Now().UTC().Add(time.Hour)
	if err := gdb.Table("sessions").Where("id = ?", "visitor").Update("expires_at", soon).Error; err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Visit(ctx, "visitor"); err != nil {
		t.Fatal(err)
	}
	var expires time.Time
	if err := gdb.Table("sessions").Where("id = ?", "visitor").Select("expires_at").Row().Scan(&expires); err != nil {
		t.Fatal(err)
	}
	if time.Until(expires) < 11*time.Hour {
		t.Fatalf("the expiry was not renewed: %v", expires)
	}
}

// visitFixture has three sessions of 12 hours (24 at most): a staff member's with two roles, a citizen's
// and a visitor's.
func visitFixture(t *testing.T) (*gorm.DB, *SessionStorage, *identity.Person, *identity.Person) {
	t.Helper()
	gdb := dbtest.Open(t)
	ctx := context.Background()
	people := identity.NewService(gdb, []byte("test-secret-test-secret-test-secret"))
	staff, err := people.SignIn(ctx, identity.Claims{Issuer: "i", Subject: "s1", TaxID: "3000000001", LastName: "Мельник",
		GivenName: "Олена", Roles: []string{identity.RoleRegistrar, identity.RoleAdmin}})
	if err != nil {
		t.Fatal(err)
	}
	citizen, err := people.SignIn(ctx, identity.Claims{Issuer: "i", Subject: "s2", TaxID: "3000000002", LastName: "Бондар", GivenName: "Ірина"})
	if err != nil {
		t.Fatal(err)
	}
	st := NewSessionStorage(gdb, 12*time.Hour, 24*time.Hour)
	for key, person := range map[string]int64{"staff": staff.ID, "citizen": citizen.ID, "visitor": 0} {
		if err := st.Set(key, []byte("data-"+key), 12*time.Hour); err != nil {
			t.Fatal(err)
		}
		if person != 0 {
			if err := st.SetPerson(ctx, key, person); err != nil {
				t.Fatal(err)
			}
		}
	}
	return gdb, st, staff, citizen
}
